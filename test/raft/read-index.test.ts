// ReadIndex in safe mode: a heartbeat quorum round confirms leadership; reads wait for the
// leader's first commit in its term; forwarded reads; duplicate and retried contexts.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ErrProposalDropped, MessageType, StateType } from '../../src/raft/index.js'
import type { NodeID } from '../../src/raft/index.js'
import { Network, bytes } from './harness/network.js'

const V3: NodeID[] = [1n, 2n, 3n]

function read (net: Network, at: NodeID, ctx: string): void {
  net.node(at).rn.readIndex(bytes(ctx))
  net.stabilize()
}

describe('ReadIndex (safe)', () => {
  it('answers on the leader and via followers with the leader\'s commit index at request time', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    const table: Array<[NodeID, number, string]> = [[1n, 10, 'ctx1'], [2n, 10, 'ctx2'], [3n, 10, 'ctx3'], [1n, 5, 'ctx4'], [2n, 5, 'ctx5']]
    for (const [at, proposals, ctx] of table) {
      for (let i = 0; i < proposals; i++) net.propose(1n, `p${i}`)
      const want = net.raft(1n).raftLog.committed
      read(net, at, ctx)
      const rs = net.node(at).readStates.at(-1)
      assert.deepEqual(rs, { index: want, ctx }, `read at node ${at}`)
    }
  })

  it('is answered only after a quorum acknowledged the heartbeat round', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.hook = (m) => (m.type === MessageType.MsgHeartbeatResp ? 'hold' : 'deliver')
    read(net, 1n, 'r')
    assert.equal(net.node(1n).readStates.length, 0)
    net.hook = undefined
    net.release((m) => m.from === 2n)
    assert.deepEqual(net.node(1n).readStates, [{ index: 1, ctx: 'r' }], 'one ack plus the leader is a quorum of 3')
  })

  it('heartbeat acks from a minority never confirm a read', () => {
    const net = new Network({ ids: [1n, 2n, 3n, 4n, 5n] })
    net.campaign(1n)
    net.cut(1n, 3n)
    net.cut(1n, 4n)
    net.cut(1n, 5n)
    read(net, 1n, 'r')
    net.tick(1n, 3)
    assert.equal(net.node(1n).readStates.length, 0)
    net.recover()
    net.tick(1n)
    assert.equal(net.node(1n).readStates.length, 1)
  })

  it('learner acks do not count toward the read quorum, and learners can read via the leader', () => {
    const net = new Network({ ids: [1n, 2n, 3n], learners: [3n] })
    net.campaign(1n)
    net.cut(1n, 2n)
    read(net, 1n, 'lead')
    assert.equal(net.node(1n).readStates.length, 0, 'only the learner answered')
    net.recover()
    net.tick(1n)
    assert.equal(net.node(1n).readStates.length, 1)
    read(net, 3n, 'from learner')
    assert.deepEqual(net.node(3n).readStates, [{ index: net.raft(1n).raftLog.committed, ctx: 'from learner' }])
  })

  it('a new leader defers reads until it commits an entry of its term, then answers them', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.propose(1n, 'a')
    // Node 2 is elected but its empty entry of term 2 cannot commit yet.
    net.ignore(MessageType.MsgAppResp)
    net.campaign(2n)
    assert.equal(net.node(2n).state, StateType.StateLeader)
    assert.equal(net.node(2n).term, 2)
    read(net, 2n, 'early')
    read(net, 1n, 'early via follower')
    assert.equal(net.node(2n).readStates.length, 0)
    assert.equal(net.raft(2n).pendingReadIndexMessages.length, 2)
    net.recover()
    net.tick(2n)
    const commit = net.raft(2n).raftLog.committed
    assert.equal(net.raft(2n).raftLog.term(commit), 2)
    assert.deepEqual(net.node(2n).readStates, [{ index: commit, ctx: 'early' }])
    assert.deepEqual(net.node(1n).readStates, [{ index: commit, ctx: 'early via follower' }])
  })

  it('duplicate contexts are separate requests, each answered with its own index', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    read(net, 2n, 'same')
    net.propose(1n, 'x')
    read(net, 2n, 'same')
    assert.deepEqual(net.node(2n).readStates.map((r) => r.index), [1, 2])
  })

  it('a retried context never confirms the later read early with an earlier round\'s acks', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.hook = (m) => (m.type === MessageType.MsgHeartbeatResp ? 'hold' : 'deliver')
    read(net, 1n, 'retry')
    const firstRound = [...net.held]
    net.held = []
    net.hook = (m) => (m.type === MessageType.MsgHeartbeatResp || (m.type === MessageType.MsgAppResp && m.from !== 1n) ? 'hold' : 'deliver')
    net.node(1n).rn.propose(bytes('y'))
    net.stabilize()
    net.held = net.held.filter((m) => m.type === MessageType.MsgAppResp)
    net.hook = (m) => (m.type === MessageType.MsgHeartbeatResp ? 'hold' : 'deliver')
    net.release() // commit y
    assert.equal(net.raft(1n).raftLog.committed, 2)
    read(net, 1n, 'retry') // same context, later
    const secondRound = net.held.filter((m) => m.type === MessageType.MsgHeartbeatResp)
    net.held = []
    net.hook = undefined
    // The first round's acks arrive: only the first request is confirmed.
    net.send(...firstRound)
    assert.deepEqual(net.node(1n).readStates, [{ index: 1, ctx: 'retry' }])
    net.send(...secondRound)
    assert.deepEqual(net.node(1n).readStates, [{ index: 1, ctx: 'retry' }, { index: 2, ctx: 'retry' }])
  })

  it('reads pending on a leader that loses leadership are never answered, and memory is freed', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.isolate(1n)
    read(net, 1n, 'lost')
    assert.equal(net.raft(1n).readOnly.pendingCount(), 1)
    net.recover()
    net.campaign(2n)
    assert.equal(net.node(1n).state, StateType.StateFollower)
    assert.equal(net.raft(1n).readOnly.pendingCount(), 0)
    net.tick(2n, 3)
    assert.equal(net.node(1n).readStates.length, 0)
  })

  it('answered reads free their bookkeeping', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    for (let i = 0; i < 20; i++) read(net, 1n, `r${i}`)
    assert.equal(net.raft(1n).readOnly.pendingCount(), 0)
    assert.equal(net.node(1n).readStates.length, 20)
  })

  it('a follower with no known leader drops the read with ErrProposalDropped', () => {
    const net = new Network({ ids: V3 })
    assert.throws(() => read(net, 2n, 'x'), ErrProposalDropped)
  })

  it('a single-node cluster answers at once, even before its first commit in the term', () => {
    const net = new Network({ ids: [1n] })
    const n = net.node(1n)
    n.rn.campaign()
    n.processReady() // persists the vote; advance() counts it: leader, empty entry appended
    assert.equal(n.state, StateType.StateLeader)
    assert.equal(net.raft(1n).raftLog.committed, 0)
    n.rn.readIndex(bytes('now'))
    net.stabilize()
    assert.deepEqual(n.readStates, [{ index: 0, ctx: 'now' }])
  })

  it('a candidate drops reads with ErrProposalDropped', () => {
    const net = new Network({ ids: V3 })
    net.isolate(1n)
    net.campaign(1n)
    assert.equal(net.node(1n).state, StateType.StateCandidate)
    assert.throws(() => read(net, 1n, 'x'), ErrProposalDropped)
  })
})
