// RawNode: the host's handle on a raft state machine. The host calls tick/step/propose, and
// drains the output through hasReady/ready/advance:
//
//   if (rn.hasReady()) {
//     const rd = rn.ready()
//     persist rd.snapshot, rd.hardState and rd.entries (fsync when rd.mustSync)
//     send rd.messages (a leader may send before persisting; others only after)
//     apply rd.committedEntries (calling applyConfChange for conf changes)
//     rn.advance()
//   }
import type { Config } from './config.js'
import { ErrProposalDropped, ErrStepLocalMsg, ErrStepPeerNotFound, RaftPanic } from './errors.js'
import type { EntryID } from './log.js'
import { Raft, StateType } from './raft.js'
import type { SoftState } from './raft.js'
import { encodeConfChange } from './raftpb/codec.js'
import { asV2, marshalConfChange } from './raftpb/confchange.js'
import type { ConfChangeI } from './raftpb/confchange.js'
import {
  ConfChangeType, EntryType, MessageType, None, emptyBytes, hardStateEqual, isEmptyHardState, newMessage
} from './raftpb/types.js'
import type { ConfState, Entry, HardState, Message, NodeID, Snapshot } from './raftpb/types.js'
import type { ReadState } from './read-only.js'
import type { ProgressStateType } from './tracker/progress.js'
import { trackerConfigString } from './tracker/tracker.js'
import { entsSize, isLocalMsg, isResponseMsg, payloadsSize } from './util.js'

/** The outcome of sending a snapshot, reported through `reportSnapshot`. */
export const SnapshotStatus = {
  SnapshotFinish: 'finish',
  SnapshotFailure: 'failure'
} as const

export type SnapshotStatus = typeof SnapshotStatus[keyof typeof SnapshotStatus]

/** One batch of work for the host. Fields with nothing to do are empty / undefined. */
export interface Ready {
  /** The new leader/role, when it changed. Need not be persisted. */
  softState?: SoftState
  /** The HardState to persist before sending messages, when it changed. */
  hardState?: HardState
  /** Confirmed ReadIndex requests. */
  readStates: ReadState[]
  /** Entries to persist (append, truncating any conflicting tail) before sending messages. */
  entries: Entry[]
  /** A snapshot to persist (and apply), if one arrived. */
  snapshot?: Snapshot
  /** Committed entries to apply, in order. They may include entries of this same Ready. */
  committedEntries: Entry[]
  /** Messages to send once entries, HardState and snapshot are durable. */
  messages: Message[]
  /** Whether entries/HardState must be fsynced (false for a commit-only change). */
  mustSync: boolean
}

/** A bootstrap member. */
export interface Peer {
  id: NodeID
  context?: Uint8Array
}

export interface ProgressStatus {
  match: number
  next: number
  state: ProgressStateType
  isLearner: boolean
  recentActive: boolean
  paused: boolean
  pendingSnapshot: number
  inflight: number
}

/** etcd/raft's BasicStatus: the cheap part of Status, with no per-member progress. */
export interface BasicStatus {
  id: NodeID
  hardState: HardState
  softState: SoftState
  applied: number
  leadTransferee: NodeID
}

export interface Status {
  id: NodeID
  hardState: HardState
  softState: SoftState
  applied: number
  /** Leader only: every member's replication progress. */
  progress: Map<NodeID, ProgressStatus>
  leadTransferee: NodeID
  /** The configuration, e.g. `voters=(1 2 3)&&(1 2) learners=(4)`. */
  config: string
  confState: ConfState
}

/** The state whose update a Ready reports is durable and applied. */
interface PendingAdvance {
  stableEntry?: EntryID
  stableSnapIndex?: number
  applied?: { index: number, size: number, payload: number }
  selfSteps: Message[]
}

export class RawNode {
  /** The state machine (for tests and introspection; hosts use the methods). */
  readonly raft: Raft
  private prevSoftSt: SoftState
  private prevHardSt: HardState
  private pending: PendingAdvance | undefined

  constructor (config: Config) {
    this.raft = new Raft(config)
    this.prevSoftSt = this.raft.softState()
    this.prevHardSt = this.raft.hardState()
  }

  /**
   * Initialises an empty storage for a brand-new cluster: the peers are added through committed
   * conf-change entries that the first Ready hands out to persist and apply.
   */
  bootstrap (peers: Peer[]): void {
    if (peers.length === 0) throw new RaftPanic('must provide at least one peer to Bootstrap')
    if (this.raft.raftLog.storage.lastIndex() !== 0) throw new RaftPanic("can't bootstrap a nonempty Storage")
    // Nothing is persisted yet: the first Ready must carry the HardState.
    this.prevHardSt = { term: 0, vote: None, commit: 0 }
    this.raft.becomeFollower(1, None)
    const ents: Entry[] = peers.map((p, i) => ({
      term: 1,
      index: i + 1,
      type: EntryType.EntryConfChange,
      data: encodeConfChange({ type: ConfChangeType.ConfChangeAddNode, nodeID: p.id, context: p.context ?? emptyBytes, id: 0n })
    }))
    this.raft.raftLog.append(ents)
    // These entries are committed by fiat; the host applies them like any conf change.
    this.raft.raftLog.committed = ents.length
    for (const p of peers) {
      this.raft.applyConfChange(asV2({ type: ConfChangeType.ConfChangeAddNode, nodeID: p.id, context: emptyBytes, id: 0n }))
    }
  }

  /** Advances the logical clock by one tick. */
  tick (): void {
    this.raft.tick()
  }

  /** Starts an election now (pre-vote first when enabled). */
  campaign (): void {
    this.raft.step(newMessage({ type: MessageType.MsgHup }))
  }

  /** Proposes data to be appended to the log. Throws ErrProposalDropped when it cannot be accepted. */
  propose (data: Uint8Array): void {
    this.raft.step(newMessage({
      type: MessageType.MsgProp,
      from: this.raft.id,
      entries: [{ term: 0, index: 0, type: EntryType.EntryNormal, data }]
    }))
  }

  /**
   * Proposes several normal entries as ONE MsgProp: the leader appends them together and sends
   * one MsgApp per follower for all of them; a follower forwards them in one message. Throws
   * ErrProposalDropped (for the whole batch) when they cannot be accepted.
   */
  proposeEntries (data: Uint8Array[]): void {
    this.raft.step(newMessage({
      type: MessageType.MsgProp,
      from: this.raft.id,
      entries: data.map((d) => ({ term: 0, index: 0, type: EntryType.EntryNormal, data: d }))
    }))
  }

  /** Proposes a (v1 or v2) membership change. Throws ErrProposalDropped when it cannot be accepted. */
  proposeConfChange (cc: ConfChangeI): void {
    const { type, data } = marshalConfChange(cc)
    this.raft.step(newMessage({ type: MessageType.MsgProp, entries: [{ term: 0, index: 0, type, data }] }))
  }

  /** Applies a committed membership change; the host calls this when applying its entry. */
  applyConfChange (cc: ConfChangeI): ConfState {
    return this.raft.applyConfChange(asV2(cc))
  }

  /**
   * Feeds a message received from a peer. Throws ErrStepLocalMsg for local-only types and
   * ErrStepPeerNotFound for a response from a node outside the configuration (both safe to log
   * and ignore). A proposal or read forwarded by a peer that this node cannot accept (no leader,
   * transfer in progress, size cap) is dropped silently, as there is nobody here to tell: the
   * peer's client times out and retries (upstream returns ErrProposalDropped to the transport,
   * which only logs it).
   */
  step (m: Message): void {
    if (isLocalMsg(m.type)) throw new ErrStepLocalMsg()
    if (isResponseMsg(m.type) && !this.raft.trk.progress.has(m.from)) throw new ErrStepPeerNotFound()
    try {
      this.raft.step(m)
    } catch (err) {
      if (!(err instanceof ErrProposalDropped) || m.from === this.raft.id) throw err
      this.raft.logger.debug('dropped a forwarded request', { from: String(m.from), type: m.type })
    }
  }

  /**
   * Requests a linearizable read. The answer is a ReadState carrying `rctx` in a later Ready.
   * Use a fresh, unique context for every request (including retries).
   * Throws ErrProposalDropped when no leader is known.
   */
  readIndex (rctx: Uint8Array): void {
    this.raft.step(newMessage({ type: MessageType.MsgReadIndex, entries: [{ term: 0, index: 0, type: EntryType.EntryNormal, data: rctx }] }))
  }

  /** Asks the leader to hand leadership to `transferee`. */
  transferLeader (transferee: NodeID): void {
    this.raft.step(newMessage({ type: MessageType.MsgTransferLeader, from: transferee }))
  }

  /** Reports that the last send to `id` failed. */
  reportUnreachable (id: NodeID): void {
    this.raft.step(newMessage({ type: MessageType.MsgUnreachable, from: id }))
  }

  /** Reports the outcome of sending a snapshot to `id` (the transport calls this after a MsgSnap). */
  reportSnapshot (id: NodeID, status: SnapshotStatus): void {
    this.raft.step(newMessage({ type: MessageType.MsgSnapStatus, from: id, reject: status === SnapshotStatus.SnapshotFailure }))
  }

  /** Whether there is anything for the host to do. */
  hasReady (): boolean {
    const r = this.raft
    if (this.pending !== undefined) return false
    const ss = r.softState()
    if (ss.lead !== this.prevSoftSt.lead || ss.raftState !== this.prevSoftSt.raftState) return true
    const hs = r.hardState()
    if (!isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardSt)) return true
    if (r.raftLog.hasNextUnstableSnapshot()) return true
    if (r.msgs.length > 0 || r.msgsAfterAppend.length > 0) return true
    if (r.raftLog.hasNextUnstableEnts() || r.raftLog.hasNextCommittedEnts(true)) return true
    return r.readStates.length > 0
  }

  /**
   * The current batch of work. The host must handle it and call `advance()` before the next
   * `ready()`.
   */
  ready (): Ready {
    if (this.pending !== undefined) throw new RaftPanic('ready() called again before advance()')
    const r = this.raft
    const rd: Ready = {
      readStates: r.readStates,
      entries: r.raftLog.nextUnstableEnts(),
      committedEntries: r.raftLog.nextCommittedEnts(true),
      messages: r.msgs,
      mustSync: false
    }
    const ss = r.softState()
    if (ss.lead !== this.prevSoftSt.lead || ss.raftState !== this.prevSoftSt.raftState) {
      rd.softState = ss
      this.prevSoftSt = ss
    }
    const hs = r.hardState()
    if (!hardStateEqual(hs, this.prevHardSt)) rd.hardState = hs
    const snap = r.raftLog.nextUnstableSnapshot()
    if (snap !== undefined) rd.snapshot = snap
    rd.mustSync = rd.entries.length > 0 || hs.vote !== this.prevHardSt.vote || hs.term !== this.prevHardSt.term
    if (rd.hardState !== undefined) this.prevHardSt = hs

    // Accept: everything handed out is now "in progress"; remember what advance() confirms.
    const pending: PendingAdvance = { selfSteps: [] }
    for (const m of r.msgsAfterAppend) {
      if (m.to === r.id) pending.selfSteps.push(m)
      else rd.messages.push(m)
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1]
      pending.stableEntry = { index: last.index, term: last.term }
    }
    if (rd.snapshot !== undefined) pending.stableSnapIndex = rd.snapshot.metadata.index
    if (rd.committedEntries.length > 0) {
      const index = rd.committedEntries[rd.committedEntries.length - 1].index
      const size = entsSize(rd.committedEntries)
      r.raftLog.acceptApplying(index, size)
      pending.applied = { index, size, payload: payloadsSize(rd.committedEntries) }
    }
    r.raftLog.acceptUnstable()
    r.readStates = []
    r.msgs = []
    r.msgsAfterAppend = []
    this.pending = pending
    return rd
  }

  /**
   * Tells raft the last Ready is handled: its entries, HardState and snapshot are durable and its
   * committed entries applied. The argument is accepted for readability and ignored.
   */
  advance (_rd?: Ready): void {
    const p = this.pending
    if (p === undefined) return
    this.pending = undefined
    const r = this.raft
    if (p.stableEntry !== undefined) r.raftLog.stableTo(p.stableEntry)
    if (p.stableSnapIndex !== undefined) {
      r.raftLog.stableSnapTo(p.stableSnapIndex)
      r.appliedSnap(p.stableSnapIndex)
    }
    for (const m of p.selfSteps) r.step(m)
    if (p.applied !== undefined) {
      r.appliedTo(p.applied.index, p.applied.size)
      r.reduceUncommittedSize(p.applied.payload)
    }
  }

  /** The node's term, vote, commit, role and applied index, without the cost of status(). */
  basicStatus (): BasicStatus {
    const r = this.raft
    return { id: r.id, hardState: r.hardState(), softState: r.softState(), applied: r.raftLog.applied, leadTransferee: r.leadTransferee }
  }

  /** A snapshot of the node's state for monitoring. */
  status (): Status {
    const r = this.raft
    const progress = new Map<NodeID, ProgressStatus>()
    if (r.state === StateType.StateLeader) {
      r.trk.visit((id, pr) => {
        progress.set(id, {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          isLearner: pr.isLearner,
          recentActive: pr.recentActive,
          paused: pr.isPaused(),
          pendingSnapshot: pr.pendingSnapshot,
          inflight: pr.inflights.count()
        })
      })
    }
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      progress,
      leadTransferee: r.leadTransferee,
      config: trackerConfigString(r.trk.config),
      confState: r.trk.confState()
    }
  }
}
