// Log compaction and snapshots: sending, pausing, reporting, restoring, restarting.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { EntryType, MemoryStorage, MessageType, None, RawNode, StateType } from '../../src/raft/index.js'
import type { ConfState, NodeID, Snapshot } from '../../src/raft/index.js'
import { ProgressStateType } from '../../src/raft/tracker/progress.js'
import { Network, appliedData, bytes } from './harness/network.js'
import { confState, ent, makeLeader, msg, newTestRaft, nextEnts, readMessages, storageWith } from './helpers.js'

const V3: NodeID[] = [1n, 2n, 3n]

function snap (index: number, term: number, cs: ConfState = confState([1n, 2n])): Snapshot {
  return { data: bytes(JSON.stringify({ applied: [] })), metadata: { index, term, confState: cs } }
}

/** A leader whose storage holds only a snapshot at index 11, and follower 2 needing older entries. */
function leaderWithSnapshot (): ReturnType<typeof newTestRaft> {
  const s = new MemoryStorage()
  s.applySnapshot(snap(11, 11))
  const r = newTestRaft(1n, [1n, 2n], 10, 1, { storage: s })
  makeLeader(r)
  return r
}

describe('sending snapshots', () => {
  it('a follower that needs compacted entries gets a snapshot and enters snapshot state', () => {
    const r = leaderWithSnapshot()
    const pr = r.trk.progress.get(2n)
    assert.ok(pr !== undefined)
    pr.next = r.raftLog.firstIndex()
    // The follower rejects the probe: the leader must fall back to entries it no longer has.
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: pr.next - 1, reject: true }))
    assert.equal(pr.state, ProgressStateType.StateSnapshot)
    assert.equal(pr.pendingSnapshot, 11)
    const snaps = readMessages(r).filter((m) => m.type === MessageType.MsgSnap)
    assert.equal(snaps.length, 1)
    assert.equal(snaps[0].snapshot?.metadata.index, 11)
  })

  it('no snapshot goes to a follower not heard from recently', () => {
    const r = leaderWithSnapshot()
    r.trk.progress.get(2n)!.next = 1
    r.sendAppend(2n)
    assert.equal(readMessages(r).filter((m) => m.type === MessageType.MsgSnap).length, 0)
  })

  it('replication to a follower is paused while its snapshot is pending', () => {
    const r = leaderWithSnapshot()
    r.trk.progress.get(2n)!.becomeSnapshot(11)
    r.step(msg({ type: MessageType.MsgProp, from: 1n, to: 1n, entries: [ent(0, 0, 'x')] }))
    assert.equal(readMessages(r).filter((m) => m.to === 2n).length, 0)
  })

  it('a failed snapshot report returns the follower to probe from its match, paused until a heartbeat', () => {
    const r = leaderWithSnapshot()
    const pr = r.trk.progress.get(2n)!
    pr.next = 1
    pr.becomeSnapshot(11)
    r.step(msg({ type: MessageType.MsgSnapStatus, from: 2n, to: 1n, reject: true }))
    assert.equal(pr.state, ProgressStateType.StateProbe)
    assert.equal(pr.pendingSnapshot, 0)
    assert.equal(pr.next, 1)
    assert.equal(pr.msgAppFlowPaused, true)
  })

  it('a successful snapshot report resumes probing after the snapshot', () => {
    const r = leaderWithSnapshot()
    const pr = r.trk.progress.get(2n)!
    pr.next = 1
    pr.becomeSnapshot(11)
    r.step(msg({ type: MessageType.MsgSnapStatus, from: 2n, to: 1n, reject: false }))
    assert.equal(pr.state, ProgressStateType.StateProbe)
    assert.equal(pr.next, 12)
    assert.equal(pr.msgAppFlowPaused, true)
  })

  it('an append response covering the snapshot completes it without a report', () => {
    const r = leaderWithSnapshot()
    const pr = r.trk.progress.get(2n)!
    pr.next = 1
    pr.becomeSnapshot(11)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 11 }))
    assert.equal(pr.pendingSnapshot, 0)
    assert.equal(pr.state, ProgressStateType.StateReplicate)
    assert.equal(pr.next, 13, 'the empty entry at 12 was sent right away')
  })

  it('an append response from behind the snapshot, but within the log, also completes it', () => {
    const s = new MemoryStorage()
    s.applySnapshot(snap(10, 10))
    s.append([ent(10, 11), ent(10, 12)])
    const r = newTestRaft(1n, [1n, 2n], 10, 1, { storage: s })
    makeLeader(r)
    const pr = r.trk.progress.get(2n)!
    pr.becomeSnapshot(12)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 10 }))
    assert.equal(pr.state, ProgressStateType.StateReplicate)
    assert.equal(pr.match, 10)
  })
})

describe('restoring snapshots', () => {
  it('restore installs log position, term and configuration', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1)
    const s = snap(11, 11, confState([1n, 2n, 3n]))
    assert.equal(r.restore(s), true)
    assert.equal(r.raftLog.lastIndex(), 11)
    assert.equal(r.raftLog.term(11), 11)
    assert.deepEqual(r.trk.voterNodes(), V3)
    assert.equal(r.restore(s), false, 'the same snapshot again is ignored')
  })

  it('restore installs learners, and a snapshot demoting this node to learner is accepted', () => {
    const r = newTestRaft(3n, V3, 10, 1)
    const s = snap(11, 11, confState([1n, 2n], [3n]))
    assert.equal(r.restore(s), true)
    assert.deepEqual(r.trk.learnerNodes(), [3n])
    assert.equal(r.isLearner, true)
    assert.equal(r.promotable(), false)
  })

  it('a snapshot not newer than the commit index is ignored; a matching one fast-forwards commit', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1, { storage: storageWith([1n, 2n], [], [ent(1, 1), ent(1, 2), ent(1, 3)]) })
    r.raftLog.commitTo(1)
    assert.equal(r.restore(snap(1, 1)), false)
    assert.equal(r.raftLog.committed, 1)
    assert.equal(r.restore(snap(2, 1)), false)
    assert.equal(r.raftLog.committed, 2, 'the entry matches: only the commit index moves')
  })

  it('a snapshot whose configuration excludes this node is refused', () => {
    const r = newTestRaft(3n, V3, 10, 1)
    assert.equal(r.restore(snap(11, 11, confState([1n, 2n]))), false)
  })

  it('a follower receiving MsgSnap restores it, reports it in Ready and answers with its new last index', () => {
    const r = newTestRaft(2n, [1n, 2n], 10, 1)
    r.step(msg({ type: MessageType.MsgSnap, from: 1n, to: 2n, term: 2, snapshot: snap(11, 11) }))
    assert.equal(r.raftLog.hasNextUnstableSnapshot(), true)
    const resp = readMessages(r)
    assert.deepEqual(resp.map((m) => [m.type, m.index]), [[MessageType.MsgAppResp, 11]])
    assert.equal(r.raftLog.committed, 11)
    assert.equal((r.raftLog.storage as MemoryStorage).snapshot().metadata.index, 11)
  })

  it('a node waiting for a snapshot to persist does not campaign', () => {
    const r = newTestRaft(2n, [1n, 2n], 10, 1)
    r.step(msg({ type: MessageType.MsgSnap, from: 1n, to: 2n, term: 2, snapshot: snap(11, 11) }))
    assert.equal(r.promotable(), false)
    r.step(msg({ type: MessageType.MsgHup, from: 2n, to: 2n }))
    assert.equal(r.state, StateType.StateFollower)
  })

  it('a restart from snapshot + HardState + entries restores term, vote, commit, config and log', () => {
    const s = new MemoryStorage()
    s.applySnapshot(snap(2, 1))
    s.append([ent(1, 3, 'foo')])
    s.setHardState({ term: 1, vote: 2n, commit: 3 })
    const rn = new RawNode({ id: 1n, electionTick: 10, heartbeatTick: 1, storage: s, seed: 1 })
    const st = rn.status()
    assert.deepEqual(st.hardState, { term: 1, vote: 2n, commit: 3 })
    assert.deepEqual(st.confState.voters, [1n, 2n])
    const rd = rn.ready()
    assert.deepEqual(rd.committedEntries.map((e) => [e.index, new TextDecoder().decode(e.data)]), [[3, 'foo']])
    assert.equal(rd.hardState, undefined, 'nothing new to persist')
    assert.equal(rd.entries.length, 0)
    rn.advance()
    assert.equal(rn.hasReady(), false)
  })
})

describe('catching up through snapshots', () => {
  it('an isolated node catches up from a snapshot after the leader compacted its log', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.isolate(3n)
    for (let i = 0; i < 50; i++) net.propose(1n, `e${i}`)
    net.node(1n).snapshotAndCompact()
    assert.ok(net.raft(1n).raftLog.firstIndex() > 40)
    net.recover()
    net.tick(1n)
    net.propose(1n, 'after')
    assert.equal(net.raft(3n).raftLog.committed, net.raft(1n).raftLog.committed)
    assert.deepEqual(appliedData(net.node(3n)), appliedData(net.node(1n)))
    assert.equal(appliedData(net.node(3n)).at(-1), 'after')
  })

  it('a slow follower whose messages were lost is served by a snapshot, not stuck', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.hook = (m) => (m.to === 3n ? 'hold' : 'deliver')
    for (let i = 0; i < 20; i++) net.propose(1n, `e${i}`)
    net.node(1n).snapshotAndCompact()
    net.hook = undefined
    net.held = [] // everything sent to node 3 is lost
    net.tick(1n)
    net.tick(1n)
    assert.equal(net.raft(3n).raftLog.committed, net.raft(1n).raftLog.committed)
    assert.deepEqual(appliedData(net.node(3n)).length, 20)
  })

  it('a new learner with an empty log is brought up by a snapshot', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    for (let i = 0; i < 10; i++) net.propose(1n, `e${i}`)
    net.addNode(4n, { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false })
    // Until the leader compacts (after applying the change, so its snapshot includes node 4),
    // nothing reaches node 4.
    net.hook = (m) => (m.to === 4n ? 'drop' : 'deliver')
    net.node(1n).rn.proposeConfChange({ type: 3, nodeID: 4n, context: new Uint8Array(), id: 0n })
    net.stabilize()
    net.node(1n).snapshotAndCompact()
    net.hook = undefined
    net.tick(1n, 2)
    assert.deepEqual(net.node(4n).confState.learners, [4n])
    assert.equal(appliedData(net.node(4n)).length, 10)
    assert.equal(net.node(4n).state, StateType.StateFollower)
  })

  it('a node restarted after restoring a snapshot keeps it as its log base', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.isolate(3n)
    for (let i = 0; i < 10; i++) net.propose(1n, `e${i}`)
    net.node(1n).snapshotAndCompact()
    net.recover()
    net.tick(1n)
    const first = net.node(3n).storage.firstIndex()
    assert.ok(first > 1)
    net.crash(3n)
    net.restart(3n)
    assert.equal(net.raft(3n).raftLog.firstIndex(), first)
    net.propose(1n, 'z')
    assert.equal(appliedData(net.node(3n)).at(-1), 'z')
  })

  it('a failed snapshot send is retried once the follower answers again', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.isolate(3n)
    for (let i = 0; i < 5; i++) net.propose(1n, `e${i}`)
    net.node(1n).snapshotAndCompact()
    net.recover()
    net.ignore(MessageType.MsgSnap)
    net.tick(1n)
    assert.equal(net.raft(1n).trk.progress.get(3n)?.state, ProgressStateType.StateProbe)
    net.recover()
    net.tick(1n)
    net.tick(1n)
    assert.equal(appliedData(net.node(3n)).length, 5)
  })

  it('entries committed and applied before a snapshot are never handed out again', () => {
    const s = new MemoryStorage()
    s.applySnapshot(snap(5, 1, confState([1n])))
    s.append([ent(1, 6, 'x')])
    s.setHardState({ term: 1, vote: None, commit: 6 })
    const rn = new RawNode({ id: 1n, electionTick: 10, heartbeatTick: 1, storage: s, applied: 5, seed: 1 })
    const rd = rn.ready()
    assert.deepEqual(rd.committedEntries.map((e) => e.index), [6])
    assert.equal(rd.committedEntries[0].type, EntryType.EntryNormal)
    rn.advance()
    const r = rn.raft
    assert.deepEqual(nextEnts(r), [])
  })
})
