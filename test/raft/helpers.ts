// Helpers for tests that drive one raft state machine directly (paper tests, component tests).
import { Raft } from '../../src/raft/raft.js'
import { EntryType, MemoryStorage, MessageType, newMessage } from '../../src/raft/index.js'
import type { Config, ConfState, Entry, Message, NodeID } from '../../src/raft/index.js'

export function confState (voters: NodeID[], learners: NodeID[] = []): ConfState {
  return { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false }
}

/** A storage holding the given membership (and optionally entries). */
export function storageWith (voters: NodeID[], learners: NodeID[] = [], ents: Entry[] = []): MemoryStorage {
  const s = new MemoryStorage(confState(voters, learners))
  s.append(ents)
  return s
}

export interface TestRaftOptions {
  storage?: MemoryStorage
  learners?: NodeID[]
  config?: Partial<Config>
}

/** A raft node with the given peers, timeouts and (deterministic) random source. */
export function newTestRaft (id: NodeID, voters: NodeID[], election: number, heartbeat: number, opts: TestRaftOptions = {}): Raft {
  const storage = opts.storage ?? storageWith(voters, opts.learners ?? [])
  return new Raft({ id, electionTick: election, heartbeatTick: heartbeat, storage, maxSizePerMsg: Infinity, maxInflightMsgs: 256, seed: Number(id), ...opts.config })
}

/**
 * Persists what a Ready would hand out (entries, snapshot, HardState) to the raft's
 * MemoryStorage, as a host would; delivers the self-addressed responses that wait for
 * persistence; and returns every message for other nodes, clearing the outboxes.
 */
export function readMessages (r: Raft): Message[] {
  const out: Message[] = []
  for (let i = 0; i < 100; i++) {
    persist(r)
    out.push(...r.msgs)
    r.msgs = []
    const after = r.msgsAfterAppend
    r.msgsAfterAppend = []
    let stepped = false
    for (const m of after) {
      if (m.to === r.id) {
        r.step(m)
        stepped = true
      } else {
        out.push(m)
      }
    }
    if (!stepped && r.msgs.length === 0 && r.msgsAfterAppend.length === 0) return out
  }
  throw new Error('readMessages did not settle')
}

/** Writes the unstable entries/snapshot and HardState to storage and marks them stable. */
export function persist (r: Raft): void {
  const s = r.raftLog.storage as MemoryStorage
  const snap = r.raftLog.nextUnstableSnapshot()
  const ents = r.raftLog.nextUnstableEnts()
  r.raftLog.acceptUnstable()
  if (snap !== undefined) {
    s.applySnapshot(snap)
    r.raftLog.stableSnapTo(snap.metadata.index)
    r.appliedSnap(snap.metadata.index)
  }
  if (ents.length > 0) {
    s.append(ents)
    const last = ents[ents.length - 1]
    r.raftLog.stableTo({ index: last.index, term: last.term })
  }
  s.setHardState(r.hardState())
}

/** Committed entries not yet handed out, marking them applied (what a host applies next). */
export function nextEnts (r: Raft): Entry[] {
  persist(r)
  const ents = r.raftLog.nextCommittedEnts(true)
  if (ents.length > 0) {
    const last = ents[ents.length - 1].index
    r.raftLog.acceptApplying(last, 0)
    r.appliedTo(last, 0)
  }
  return ents
}

/** An entry with term and index (and optional data). */
export function ent (term: number, index: number, data = ''): Entry {
  return { term, index, type: EntryType.EntryNormal, data: new TextEncoder().encode(data) }
}

/** Entries with the given terms at indexes 1, 2, … */
export function entsWithTerms (...terms: number[]): Entry[] {
  return terms.map((t, i) => ent(t, i + 1))
}

export function msg (m: Partial<Message> & { type: MessageType }): Message {
  return newMessage(m)
}

/** Strips entries to (term, index) for comparisons. */
export function ids (ents: Entry[]): Array<[number, number]> {
  return ents.map((e) => [e.term, e.index])
}

/** Pins the randomized election timeout of r (etcd's test hook). */
export function pinTimeout (r: Raft, v: number): void {
  r.setRandomizedElectionTimeout(v)
}

/** Makes r leader of a fresh cluster at term 1 (candidate → all votes → leader), draining messages. */
export function makeLeader (r: Raft): void {
  r.becomeCandidate()
  r.becomeLeader()
  readMessages(r)
}

/** Makes r leader and has every follower acknowledge the empty entry, so it is committed. */
export function makeLeaderAndCommitNoop (r: Raft): void {
  r.becomeCandidate()
  r.becomeLeader()
  r.bcastAppend()
  for (const m of readMessages(r)) {
    if (m.type !== MessageType.MsgApp) continue
    r.step(newMessage({ type: MessageType.MsgAppResp, from: m.to, to: r.id, term: r.term, index: m.index + m.entries.length }))
  }
  readMessages(r)
  nextEnts(r)
}

export { MessageType }
