// Membership changes: v1 single-step, learners, joint consensus (v2), pending-change rules,
// removal of the leader, campaigning with unapplied changes.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  ConfChangeTransition, ConfChangeType, EntryType, ErrProposalDropped, MessageType, StateType, marshalConfChange
} from '../../src/raft/index.js'
import type { ConfChange, ConfChangeSingle, ConfChangeV2, ConfState, NodeID } from '../../src/raft/index.js'
import { Network, appliedData } from './harness/network.js'
import { ent, makeLeader, msg, newTestRaft, readMessages } from './helpers.js'

const V3: NodeID[] = [1n, 2n, 3n]
const empty = new Uint8Array()
const cc1 = (type: ConfChangeType, nodeID: NodeID): ConfChange => ({ type, nodeID, context: empty, id: 0n })
const single = (type: ConfChangeType, nodeID: NodeID): ConfChangeSingle => ({ type, nodeID })
const v2 = (changes: ConfChangeSingle[], transition: ConfChangeTransition = ConfChangeTransition.ConfChangeTransitionAuto): ConfChangeV2 => ({ transition, changes, context: empty })
const emptyCS: ConfState = { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
const cs = (voters: NodeID[], learners: NodeID[] = []): ConfState => ({ ...emptyCS, voters, learners })

function proposeCC (r: ReturnType<typeof newTestRaft>, cc: ConfChange | ConfChangeV2): void {
  const { type, data } = marshalConfChange(cc)
  r.step(msg({ type: MessageType.MsgProp, from: r.id, to: r.id, entries: [{ term: 0, index: 0, type, data }] }))
}

describe('conf change proposals', () => {
  it('a conf change proposal is appended and marks the pending index', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1)
    makeLeader(r)
    const li = r.raftLog.lastIndex()
    proposeCC(r, cc1(ConfChangeType.ConfChangeAddNode, 3n))
    assert.equal(r.raftLog.lastIndex(), li + 1)
    assert.equal(r.pendingConfIndex, li + 1)
  })

  it('a second conf change while one is unapplied becomes an empty normal entry', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1)
    makeLeader(r)
    proposeCC(r, cc1(ConfChangeType.ConfChangeAddNode, 3n))
    const pending = r.pendingConfIndex
    proposeCC(r, cc1(ConfChangeType.ConfChangeAddNode, 4n))
    const last = r.raftLog.entries(r.raftLog.lastIndex(), Infinity)[0]
    assert.equal(last.type, EntryType.EntryNormal)
    assert.equal(last.data.length, 0)
    assert.equal(r.pendingConfIndex, pending)
  })

  it('with validation disabled, a second pending conf change is accepted as is', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1, { config: { disableConfChangeValidation: true } })
    makeLeader(r)
    proposeCC(r, cc1(ConfChangeType.ConfChangeAddNode, 3n))
    proposeCC(r, cc1(ConfChangeType.ConfChangeAddNode, 4n))
    const last = r.raftLog.entries(r.raftLog.lastIndex(), Infinity)[0]
    assert.equal(last.type, EntryType.EntryConfChange)
  })

  it('a new leader treats its whole uncommitted tail as possibly holding a conf change', () => {
    for (const [withTail, want] of [[false, 0], [true, 1]] as const) {
      const r = newTestRaft(1n, [1n, 2n], 10, 1)
      if (withTail) r.raftLog.append([ent(0, 1)])
      r.becomeCandidate()
      r.becomeLeader()
      assert.equal(r.pendingConfIndex, want)
    }
  })

  it('leaving a joint config is refused when not joint, and entering one is refused while joint', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1)
    makeLeader(r)
    r.raftLog.commitTo(r.raftLog.lastIndex())
    r.appliedTo(r.raftLog.lastIndex(), 0)
    proposeCC(r, v2([]))
    const last = r.raftLog.entries(r.raftLog.lastIndex(), Infinity)[0]
    assert.equal(last.type, EntryType.EntryNormal, 'empty v2 outside a joint config is a no-op')
    r.applyConfChange(v2([single(ConfChangeType.ConfChangeAddNode, 3n), single(ConfChangeType.ConfChangeAddNode, 4n)], ConfChangeTransition.ConfChangeTransitionJointExplicit))
    proposeCC(r, cc1(ConfChangeType.ConfChangeAddNode, 5n))
    const last2 = r.raftLog.entries(r.raftLog.lastIndex(), Infinity)[0]
    assert.equal(last2.type, EntryType.EntryNormal, 'a change while joint is a no-op')
  })
})

describe('membership in a running cluster', () => {
  it('adds a voter; the new quorum includes it', () => {
    const r = newTestRaft(1n, [1n], 10, 1)
    r.applyConfChange(v2([single(ConfChangeType.ConfChangeAddNode, 2n)]))
    assert.deepEqual(r.trk.voterNodes(), [1n, 2n])
  })

  it('adds a learner, which is tracked but not a voter', () => {
    const r = newTestRaft(1n, [1n], 10, 1)
    r.applyConfChange(v2([single(ConfChangeType.ConfChangeAddLearnerNode, 2n)]))
    assert.deepEqual(r.trk.voterNodes(), [1n])
    assert.deepEqual(r.trk.learnerNodes(), [2n])
    assert.equal(r.trk.progress.get(2n)?.isLearner, true)
  })

  it('removes a voter and a learner', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1, { learners: [3n] })
    r.applyConfChange(v2([single(ConfChangeType.ConfChangeRemoveNode, 2n)]))
    r.applyConfChange(v2([single(ConfChangeType.ConfChangeRemoveNode, 3n)]))
    assert.deepEqual(r.trk.voterNodes(), [1n])
    assert.deepEqual(r.trk.learnerNodes(), [])
    assert.equal(r.trk.progress.has(2n), false)
  })

  it('adding a node that is already a voter changes nothing', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1)
    const got = r.applyConfChange(v2([single(ConfChangeType.ConfChangeAddNode, 2n)]))
    assert.deepEqual(got.voters, [1n, 2n])
    assert.equal(r.trk.progress.size, 2)
  })

  it('an update change keeps the configuration as it is', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1)
    const got = r.applyConfChange(v2([single(ConfChangeType.ConfChangeUpdateNode, 2n)]))
    assert.deepEqual(got.voters, [1n, 2n])
  })

  it('removing a node lowers the quorum and commits entries that were stuck', () => {
    const r = newTestRaft(1n, [1n, 2n], 5, 1)
    makeLeader(r)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 1 }))
    r.step(msg({ type: MessageType.MsgProp, from: 1n, to: 1n, entries: [ent(0, 0, 'hello')] }))
    readMessages(r)
    assert.equal(r.raftLog.committed, 1, 'node 2 never acked the proposal')
    r.applyConfChange(v2([single(ConfChangeType.ConfChangeRemoveNode, 2n)]))
    assert.equal(r.raftLog.committed, 2)
  })

  it('adding a node with check quorum enabled does not make the leader step down', () => {
    const net = new Network({ ids: [1n, 2n], configure: (c) => { c.checkQuorum = true } })
    net.campaign(1n)
    net.node(1n).rn.proposeConfChange(cc1(ConfChangeType.ConfChangeAddNode, 3n))
    net.stabilize()
    assert.deepEqual(net.node(1n).confState.voters, V3)
    // Node 3 does not exist yet; the new quorum of 3 is still met by 1 and 2.
    net.tick(1n, 25)
    assert.equal(net.node(1n).state, StateType.StateLeader)
  })

  it('add and remove members end to end: the log reaches the new member, the removed one stops', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.addNode(4n, cs(V3))
    net.node(1n).rn.proposeConfChange(cc1(ConfChangeType.ConfChangeAddNode, 4n))
    net.stabilize()
    net.tick(1n)
    net.propose(1n, 'a')
    assert.deepEqual(appliedData(net.node(4n)), ['a'])
    net.node(1n).rn.proposeConfChange(cc1(ConfChangeType.ConfChangeRemoveNode, 3n))
    net.stabilize()
    net.propose(1n, 'b')
    assert.deepEqual(appliedData(net.node(3n)), ['a'])
    assert.deepEqual(appliedData(net.node(4n)), ['a', 'b'])
  })
})

describe('learners', () => {
  it('a learner never campaigns, whether by timeout, MsgHup or MsgTimeoutNow', () => {
    const r = newTestRaft(2n, [1n], 10, 1, { learners: [2n] })
    r.setRandomizedElectionTimeout(10)
    for (let i = 0; i < 30; i++) r.tick()
    assert.equal(r.state, StateType.StateFollower)
    r.step(msg({ type: MessageType.MsgHup, from: 2n, to: 2n }))
    assert.equal(r.state, StateType.StateFollower)
    r.step(msg({ type: MessageType.MsgTimeoutNow, from: 1n, to: 2n, term: r.term }))
    assert.equal(r.state, StateType.StateFollower)
    assert.equal(r.term, 0)
  })

  it('a learner votes when asked (it may already be a voter without knowing)', () => {
    const r = newTestRaft(2n, [1n], 10, 1, { learners: [2n] })
    r.step(msg({ type: MessageType.MsgVote, from: 1n, to: 2n, term: 2, logTerm: 11, index: 11 }))
    const msgs = readMessages(r)
    assert.deepEqual(msgs.map((m) => [m.type, m.reject]), [[MessageType.MsgVoteResp, false]])
  })

  it('a learner\'s acks do not count toward commit', () => {
    const r = newTestRaft(1n, [1n, 2n], 10, 1, { learners: [3n] })
    makeLeader(r)
    r.step(msg({ type: MessageType.MsgAppResp, from: 3n, to: 1n, term: r.term, index: 1 }))
    assert.equal(r.raftLog.committed, 0)
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 1 }))
    assert.equal(r.raftLog.committed, 1)
  })

  it('a learner receives the log, and once promoted can campaign and lead', () => {
    const net = new Network({ ids: [1n, 2n], learners: [2n] })
    net.campaign(1n)
    net.propose(1n, 'a')
    assert.deepEqual(appliedData(net.node(2n)), ['a'])
    net.campaign(2n)
    assert.equal(net.node(2n).state, StateType.StateFollower, 'learner cannot campaign')
    net.node(1n).rn.proposeConfChange(cc1(ConfChangeType.ConfChangeAddNode, 2n))
    net.stabilize()
    assert.equal(net.raft(2n).isLearner, false)
    net.campaign(2n)
    assert.equal(net.node(2n).state, StateType.StateLeader)
  })

  it('demoting a voter to learner takes effect on apply', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.node(1n).rn.proposeConfChange(cc1(ConfChangeType.ConfChangeAddLearnerNode, 3n))
    net.stabilize()
    assert.deepEqual(net.node(3n).confState, cs([1n, 2n], [3n]))
    net.campaign(3n)
    assert.equal(net.node(3n).state, StateType.StateFollower)
  })
})

describe('joint consensus', () => {
  it('adding two voters with auto-leave enters and then leaves the joint config on its own', () => {
    const net = new Network({ ids: [1n] })
    net.campaign(1n)
    for (const id of [2n, 3n]) net.addNode(id, cs([1n]))
    net.node(1n).rn.proposeConfChange(v2([single(ConfChangeType.ConfChangeAddNode, 2n), single(ConfChangeType.ConfChangeAddNode, 3n)]))
    net.stabilize()
    net.tickAll(3)
    for (const id of V3) assert.deepEqual(net.node(id).confState, cs(V3), `node ${id}`)
  })

  it('an explicit joint config stays joint until an empty v2 change leaves it', () => {
    const net = new Network({ ids: [1n] })
    net.campaign(1n)
    for (const id of [2n, 3n]) net.addNode(id, cs([1n]))
    net.node(1n).rn.proposeConfChange(v2([single(ConfChangeType.ConfChangeAddNode, 2n), single(ConfChangeType.ConfChangeAddNode, 3n)], ConfChangeTransition.ConfChangeTransitionJointExplicit))
    net.stabilize()
    net.tickAll(3)
    assert.deepEqual(net.node(1n).confState, { ...cs(V3), votersOutgoing: [1n] })
    net.node(1n).rn.proposeConfChange(v2([]))
    net.stabilize()
    net.tickAll(2)
    for (const id of V3) assert.deepEqual(net.node(id).confState, cs(V3))
  })

  it('a single change with the implicit transition still goes through a joint config', () => {
    const r = newTestRaft(1n, [1n], 10, 1)
    const got = r.applyConfChange(v2([single(ConfChangeType.ConfChangeAddNode, 2n)], ConfChangeTransition.ConfChangeTransitionJointImplicit))
    assert.deepEqual(got, { ...cs([1n, 2n]), votersOutgoing: [1n], autoLeave: true })
  })

  it('while joint, both majorities are needed to commit', () => {
    const r = newTestRaft(1n, V3, 10, 1)
    makeLeader(r)
    r.applyConfChange(v2([single(ConfChangeType.ConfChangeRemoveNode, 2n), single(ConfChangeType.ConfChangeRemoveNode, 3n), single(ConfChangeType.ConfChangeAddNode, 4n)], ConfChangeTransition.ConfChangeTransitionJointExplicit))
    readMessages(r)
    r.step(msg({ type: MessageType.MsgAppResp, from: 4n, to: 1n, term: r.term, index: 1 }))
    assert.equal(r.raftLog.committed, 0, 'incoming (1 4) agrees, outgoing (1 2 3) not yet')
    r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index: 1 }))
    assert.equal(r.raftLog.committed, 1)
  })

  it('replaces the leader while joint: the old leader leaves, another node takes over', () => {
    const net = new Network({ ids: V3, configure: (c) => { c.stepDownOnRemoval = true } })
    net.campaign(1n)
    net.addNode(4n, cs(V3))
    net.node(1n).rn.proposeConfChange(v2([single(ConfChangeType.ConfChangeRemoveNode, 1n), single(ConfChangeType.ConfChangeAddNode, 4n)]))
    net.stabilize()
    net.tickAll(3)
    // Leaving the joint config demotes node 1 out of the group; it steps down.
    assert.deepEqual(net.node(2n).confState, cs([2n, 3n, 4n]))
    assert.equal(net.node(1n).state, StateType.StateFollower)
    net.campaign(4n)
    assert.equal(net.node(4n).state, StateType.StateLeader)
    net.propose(4n, 'new era')
    assert.deepEqual(appliedData(net.node(2n)), ['new era'])
  })
})

describe('removing the leader', () => {
  it('without step-down-on-removal, a removed leader stays leader but drops proposals', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.node(1n).rn.proposeConfChange(cc1(ConfChangeType.ConfChangeRemoveNode, 1n))
    net.stabilize()
    assert.deepEqual(net.node(2n).confState, cs([2n, 3n]))
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.throws(() => net.propose(1n, 'x'), ErrProposalDropped)
  })

  it('with step-down-on-removal, a removed leader becomes follower when the change applies', () => {
    const net = new Network({ ids: V3, configure: (c) => { c.stepDownOnRemoval = true } })
    net.campaign(1n)
    net.node(1n).rn.proposeConfChange(cc1(ConfChangeType.ConfChangeRemoveNode, 1n))
    net.stabilize()
    assert.equal(net.node(1n).state, StateType.StateFollower)
  })

  it('a removed node cannot regain leadership', () => {
    const net = new Network({ ids: V3, configure: (c) => { c.stepDownOnRemoval = true } })
    net.campaign(1n)
    net.node(1n).rn.proposeConfChange(cc1(ConfChangeType.ConfChangeRemoveNode, 1n))
    net.stabilize()
    net.campaign(1n)
    assert.equal(net.node(1n).state, StateType.StateFollower)
    net.campaign(2n)
    assert.equal(net.node(2n).state, StateType.StateLeader)
  })
})

describe('campaigning with unapplied conf changes', () => {
  for (const version of ['v1', 'v2'] as const) {
    it(`a node with a committed but unapplied conf change (${version}) does not campaign`, () => {
      const r = newTestRaft(2n, [1n, 2n], 10, 1)
      const { type, data } = marshalConfChange(version === 'v1' ? cc1(ConfChangeType.ConfChangeAddNode, 3n) : v2([single(ConfChangeType.ConfChangeAddNode, 3n)]))
      r.step(msg({ type: MessageType.MsgApp, from: 1n, to: 2n, term: 1, entries: [{ term: 1, index: 1, type, data }], commit: 1 }))
      readMessages(r)
      assert.equal(r.raftLog.committed, 1)
      r.step(msg({ type: MessageType.MsgHup, from: 2n, to: 2n }))
      assert.equal(r.state, StateType.StateFollower)
      r.appliedTo(1, 0)
      r.step(msg({ type: MessageType.MsgHup, from: 2n, to: 2n }))
      assert.equal(r.state, StateType.StateCandidate)
    })
  }
})
