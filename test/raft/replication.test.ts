// Replication and flow control: progress states, inflight windows, message size limits, the
// uncommitted-size cap, fast backtracking, reordered responses, lagging commit, pagination.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ErrProposalDropped, MemoryStorage, MessageType, RawNode, None } from '../../src/raft/index.js'
import type { Message, NodeID } from '../../src/raft/index.js'
import { ProgressStateType } from '../../src/raft/tracker/progress.js'
import { ENTRY_OVERHEAD } from '../../src/raft/util.js'
import { Network, appliedData, bytes } from './harness/network.js'
import { confState, ent, makeLeader, msg, newTestRaft, readMessages } from './helpers.js'

const V3: NodeID[] = [1n, 2n, 3n]

function propose (r: ReturnType<typeof newTestRaft>, data = 'somedata'): void {
  r.step(msg({ type: MessageType.MsgProp, from: r.id, to: r.id, entries: [ent(0, 0, data)] }))
}

function appsTo (msgs: Message[], to: NodeID): Message[] {
  return msgs.filter((m) => m.to === to && m.type === MessageType.MsgApp)
}

describe('progress states', () => {
  it('a follower starts in probe and moves to replicate on its first successful ack', () => {
    const r = newTestRaft(1n, [1n, 2n], 5, 1)
    makeLeader(r)
    assert.equal(r.trk.progress.get(2n)?.state, ProgressStateType.StateProbe)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 1 }))
    assert.equal(r.trk.progress.get(2n)?.state, ProgressStateType.StateReplicate)
    assert.equal(r.trk.progress.get(2n)?.match, 1)
  })

  it('the leader\'s own progress tracks its persisted log', () => {
    const r = newTestRaft(1n, [1n, 2n], 5, 1)
    makeLeader(r)
    for (let i = 0; i < 5; i++) propose(r)
    readMessages(r)
    const pr = r.trk.progress.get(1n)
    assert.equal(pr?.state, ProgressStateType.StateReplicate)
    assert.equal(pr?.match, 6)
    assert.equal(pr?.next, 7)
  })

  it('a rejection or an unreachable report drops a replicating follower back to probe', () => {
    const r = newTestRaft(1n, [1n, 2n], 5, 1)
    makeLeader(r)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 1 }))
    propose(r)
    readMessages(r)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 2, reject: true, rejectHint: 1 }))
    assert.equal(r.trk.progress.get(2n)?.state, ProgressStateType.StateProbe)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 2 }))
    assert.equal(r.trk.progress.get(2n)?.state, ProgressStateType.StateReplicate)
    r.step(msg({ type: MessageType.MsgUnreachable, from: 2n, to: 1n }))
    const pr = r.trk.progress.get(2n)
    assert.equal(pr?.state, ProgressStateType.StateProbe)
    assert.equal(pr?.next, pr.match + 1)
  })

  it('a probing follower gets at most one append until it answers; a heartbeat response resumes it', () => {
    const r = newTestRaft(1n, [1n, 2n], 5, 1)
    makeLeader(r)
    propose(r)
    propose(r)
    propose(r)
    const msgs = appsTo(readMessages(r), 2n)
    assert.equal(msgs.length, 1, 'only the first proposal is sent while probing')
    assert.equal(r.trk.progress.get(2n)?.msgAppFlowPaused, true)
    r.step(msg({ type: MessageType.MsgHeartbeatResp, from: 2n, to: 1n, term: r.term }))
    assert.equal(appsTo(readMessages(r), 2n).length, 1)
  })

  it('a heartbeat response brings a caught-up follower stuck in probe back to replicate', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.propose(1n, 'a')
    net.node(1n).rn.reportUnreachable(2n)
    assert.equal(net.raft(1n).trk.progress.get(2n)?.state, ProgressStateType.StateProbe)
    net.tick(1n)
    assert.equal(net.raft(1n).trk.progress.get(2n)?.state, ProgressStateType.StateReplicate)
  })

  it('a reordered stale rejection after a successful ack never moves next below match', () => {
    const r1 = newTestRaft(1n, [1n, 2n], 10, 1)
    makeLeader(r1)
    r1.trk.progress.get(2n)?.becomeReplicate()
    const r2 = newTestRaft(2n, [1n, 2n], 10, 1)
    propose(r1)
    const req1 = appsTo(readMessages(r1), 2n)[0]
    propose(r1)
    const req2 = appsTo(readMessages(r1), 2n)[0]
    // The second append arrives first: rejected (no entry at its prev index).
    r2.step(req2)
    const resp2 = readMessages(r2)[0]
    assert.equal(resp2.reject, true)
    r2.step(req1)
    const resp1 = readMessages(r2)[0]
    assert.equal(resp1.reject, false)
    r1.step(resp1)
    readMessages(r1)
    const match = r1.trk.progress.get(2n)?.match ?? 0
    assert.equal(match, 2)
    // A transient failure moves it to probe; then the late rejection shows up.
    r1.step(msg({ type: MessageType.MsgUnreachable, from: 2n, to: 1n }))
    r1.step(resp2)
    const again = appsTo(readMessages(r1), 2n)
    assert.equal(again.length, 1)
    assert.equal(again[0].index, match, 'resent from the match index')
    assert.ok((r1.trk.progress.get(2n)?.next ?? 0) > match)
  })
})

describe('leader bookkeeping', () => {
  it('only a leader acts on MsgBeat', () => {
    for (const [st, want] of [['leader', 2], ['candidate', 0], ['follower', 0]] as const) {
      const r = newTestRaft(1n, V3, 10, 1)
      r.raftLog.append([ent(0, 1), ent(1, 2)])
      if (st === 'leader') { r.becomeCandidate(); r.becomeLeader() }
      if (st === 'candidate') r.becomeCandidate()
      readMessages(r)
      r.step(msg({ type: MessageType.MsgBeat, from: 1n, to: 1n }))
      const hbs = readMessages(r).filter((m) => m.type === MessageType.MsgHeartbeat)
      assert.equal(hbs.length, want, st)
    }
  })

  it('campaigning while leader changes nothing', () => {
    const r = newTestRaft(1n, [1n], 5, 1)
    r.step(msg({ type: MessageType.MsgHup, from: 1n, to: 1n }))
    readMessages(r)
    assert.equal(r.state, 2)
    const term = r.term
    r.step(msg({ type: MessageType.MsgHup, from: 1n, to: 1n }))
    readMessages(r)
    assert.equal(r.state, 2)
    assert.equal(r.term, term)
  })

  it('append responses update match/next; stale rejections are ignored; an ack at match resumes replication', () => {
    const table: Array<[number, boolean, number, number, number]> = [
      // index, reject, want match, want next, want messages
      [3, true, 0, 3, 0], // stale rejection: next-1 (2) ≠ 3
      [2, true, 0, 2, 1], // rejected at 2: probe from 2
      [2, false, 2, 4, 1], // accepted: match 2; one append carries the rest and the new commit
      // An ack equal to match moves a probing follower to replicate: everything is sent at once.
      [0, false, 0, 4, 1]
    ]
    for (const [index, reject, wmatch, wnext, wmsgs] of table) {
      const r = newTestRaft(1n, V3, 10, 1, { storage: undefined })
      r.raftLog.append([ent(0, 1), ent(1, 2)])
      r.becomeCandidate()
      r.becomeLeader()
      readMessages(r)
      r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index, reject, rejectHint: index }))
      const pr = r.trk.progress.get(2n)!
      assert.equal(pr.match, wmatch, `index ${index} reject ${reject}`)
      assert.equal(pr.next, wnext)
      assert.equal(readMessages(r).filter((m) => m.to === 2n).length, wmsgs)
    }
  })

  it('next moves past what was sent only while replicating', () => {
    for (const [state, wnext] of [[ProgressStateType.StateReplicate, 4], [ProgressStateType.StateProbe, 2]] as const) {
      const r = newTestRaft(1n, [1n, 2n], 10, 1)
      r.raftLog.append([ent(1, 1), ent(1, 2), ent(1, 3)])
      r.becomeCandidate()
      r.becomeLeader()
      const pr = r.trk.progress.get(2n)!
      pr.state = state
      pr.next = 2
      pr.match = 1
      pr.msgAppFlowPaused = false
      r.sendAppend(2n)
      assert.equal(pr.next, state === ProgressStateType.StateReplicate ? 5 : wnext)
    }
  })
})

describe('flow control', () => {
  function replicatingLeader (maxInflight: number): ReturnType<typeof newTestRaft> {
    const r = newTestRaft(1n, [1n, 2n], 5, 1, { config: { maxInflightMsgs: maxInflight } })
    makeLeader(r)
    r.trk.progress.get(2n)?.becomeReplicate()
    return r
  }

  it('the inflight window fills, pausing replication to the follower', () => {
    const r = replicatingLeader(4)
    for (let i = 0; i < 4; i++) {
      propose(r)
      assert.equal(appsTo(readMessages(r), 2n).length, 1, `proposal ${i}`)
    }
    assert.equal(r.trk.progress.get(2n)?.inflights.full(), true)
    for (let i = 0; i < 5; i++) {
      propose(r)
      assert.equal(appsTo(readMessages(r), 2n).length, 0)
    }
  })

  it('acks free the window and move replication forward', () => {
    const r = replicatingLeader(4)
    for (let i = 0; i < 4; i++) { propose(r); readMessages(r) }
    for (let tt = 2; tt < 6; tt++) {
      r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: tt }))
      readMessages(r)
      propose(r)
      assert.equal(appsTo(readMessages(r), 2n).length, 1, `after ack ${tt}`)
      assert.equal(r.trk.progress.get(2n)?.inflights.full(), true)
    }
  })

  it('a heartbeat response lets a throttled leader send an empty append that recovers a lost window', () => {
    const r = replicatingLeader(4)
    for (let i = 0; i < 4; i++) { propose(r); readMessages(r) }
    r.step(msg({ type: MessageType.MsgHeartbeatResp, from: 2n, to: 1n, term: r.term }))
    const msgs = appsTo(readMessages(r), 2n)
    assert.equal(msgs.length, 1)
    assert.equal(msgs[0].entries.length, 0, 'the window is still full: no new entries')
    assert.equal(r.trk.progress.get(2n)?.inflights.full(), true)
  })

  it('the inflight byte limit pauses replication as the count limit does', () => {
    const r = newTestRaft(1n, [1n, 2n], 5, 1, { config: { maxInflightMsgs: 100, maxInflightBytes: 30, maxSizePerMsg: 10 } })
    makeLeader(r)
    r.trk.progress.get(2n)?.becomeReplicate()
    // The first append carries the leader's empty entry (0 bytes); then 10 bytes each.
    for (let i = 0; i < 4; i++) { propose(r, '0123456789'); readMessages(r) }
    assert.equal(r.trk.progress.get(2n)?.inflights.bytes(), 30)
    assert.equal(r.trk.progress.get(2n)?.inflights.count(), 4)
    assert.equal(r.trk.progress.get(2n)?.inflights.full(), true)
    propose(r, '0123456789')
    assert.equal(appsTo(readMessages(r), 2n).length, 0)
  })

  it('appends carry at most maxSizePerMsg bytes of entries (but at least one entry)', () => {
    const size = 3 * (ENTRY_OVERHEAD + 4)
    const net = new Network({ ids: [1n, 2n], configure: (c) => { c.maxSizePerMsg = size } })
    net.campaign(1n)
    net.crash(2n)
    for (let i = 0; i < 10; i++) net.propose(1n, `e${String(i).padStart(3, '0')}`)
    net.restart(2n)
    net.record = true
    net.tick(1n)
    const apps = net.delivered.filter((m) => m.type === MessageType.MsgApp && m.entries.length > 0)
    assert.ok(apps.length >= 4)
    for (const m of apps) assert.ok(m.entries.length <= 3, `${m.entries.length} entries`)
    assert.equal(appliedData(net.node(2n)).length, 10)
  })

  it('proposals beyond the uncommitted-size cap are dropped while partitioned; the tail shrinks after heal', () => {
    const maxEntrySize = 10
    const net = new Network({ ids: V3, configure: (c) => { c.maxUncommittedEntriesSize = 5 * maxEntrySize } })
    net.campaign(1n)
    net.isolate(1n)
    for (let i = 0; i < 5; i++) net.propose(1n, '0123456789')
    assert.throws(() => net.propose(1n, '0123456789'), ErrProposalDropped)
    net.propose(1n, '') // empty entries are always accepted
    assert.equal(net.raft(1n).uncommittedSize, 50)
    net.recover()
    net.tick(1n)
    assert.equal(net.raft(1n).uncommittedSize, 0)
    net.propose(1n, '0123456789')
    assert.equal(appliedData(net.node(3n)).length, 6)
  })
})

describe('log repair', () => {
  it('fast rejection resolves a long divergent tail in about one round per term', () => {
    const leaderLog = [ent(1, 1), ...Array.from({ length: 50 }, (_, i) => ent(3, i + 2))]
    const followerLog = [ent(1, 1), ...Array.from({ length: 100 }, (_, i) => ent(2, i + 2))]
    const net = new Network({
      ids: V3,
      prepare: (id, s) => {
        s.append(id === 2n ? followerLog : leaderLog)
        s.setHardState({ term: 3, vote: None, commit: 1 })
      }
    })
    net.record = true
    net.campaign(1n)
    const rejections = net.delivered.filter((m) => m.from === 2n && m.type === MessageType.MsgAppResp && m.reject)
    assert.ok(rejections.length <= 2, `${rejections.length} rejections`)
    assert.deepEqual(net.logOf(2n), net.logOf(1n))
  })

  it('a follower that missed the commit update learns it from the next heartbeat', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.hook = (m) => (m.to === 3n && m.type === MessageType.MsgApp && m.entries.length === 0 ? 'drop' : 'deliver')
    net.propose(1n, 'a')
    const lead = net.raft(1n).raftLog.committed
    assert.ok(net.raft(3n).raftLog.committed < lead)
    net.hook = undefined
    net.tick(1n)
    assert.equal(net.raft(3n).raftLog.committed, lead)
    assert.deepEqual(appliedData(net.node(3n)), ['a'])
  })

  it('a heartbeat never carries a commit index beyond the follower\'s match', () => {
    const r = newTestRaft(1n, V3, 10, 1)
    makeLeader(r)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 1 }))
    propose(r)
    readMessages(r)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 2 }))
    readMessages(r)
    assert.equal(r.raftLog.committed, 2)
    r.tick()
    const hbs = readMessages(r).filter((m) => m.type === MessageType.MsgHeartbeat)
    assert.deepEqual(hbs.map((m) => [m.to, m.commit]), [[2n, 2], [3n, 0]])
  })
})

describe('committed entry pagination', () => {
  it('committed entries come out in size-bounded Ready batches, in order', () => {
    const s = new MemoryStorage(confState([1n]))
    const per = ENTRY_OVERHEAD + 4
    const rn = new RawNode({ id: 1n, electionTick: 10, heartbeatTick: 1, storage: s, maxCommittedSizePerReady: 3 * per, seed: 1 })
    rn.campaign()
    const seen: number[] = []
    const handle = (): void => {
      const rd = rn.ready()
      if (rd.hardState !== undefined) s.setHardState(rd.hardState)
      s.append(rd.entries)
      let size = 0
      for (const e of rd.committedEntries) { size += ENTRY_OVERHEAD + e.data.length; seen.push(e.index) }
      assert.ok(rd.committedEntries.length <= 1 || size <= 3 * per, `batch of ${size} bytes`)
      rn.advance()
    }
    while (rn.hasReady()) handle()
    for (let i = 0; i < 20; i++) rn.propose(bytes(`p${String(i).padStart(2, '0')}`))
    while (rn.hasReady()) handle()
    assert.deepEqual(seen, Array.from({ length: 21 }, (_, i) => i + 1))
  })

  it('after a restart with an applied index, pagination resumes from it without gaps or repeats', () => {
    const s = new MemoryStorage(confState([1n]))
    const ents = Array.from({ length: 30 }, (_, i) => ent(1, i + 1, 'abcdefgh'))
    s.append(ents)
    s.setHardState({ term: 1, vote: 1n, commit: 30 })
    const rn = new RawNode({ id: 1n, electionTick: 10, heartbeatTick: 1, storage: s, applied: 12, maxCommittedSizePerReady: 2 * (ENTRY_OVERHEAD + 8), seed: 1 })
    const seen: number[] = []
    while (rn.hasReady()) {
      const rd = rn.ready()
      assert.ok(rd.committedEntries.length <= 2)
      for (const e of rd.committedEntries) seen.push(e.index)
      rn.advance()
    }
    assert.deepEqual(seen, Array.from({ length: 18 }, (_, i) => i + 13))
  })
})
