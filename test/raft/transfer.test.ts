// Leader transfer: MsgTransferLeader, catching the transferee up, MsgTimeoutNow, abandonment.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ConfChangeType, ErrProposalDropped, MessageType, None, StateType } from '../../src/raft/index.js'
import type { NodeID } from '../../src/raft/index.js'
import { Network, appliedData } from './harness/network.js'

const V3: NodeID[] = [1n, 2n, 3n]

function net3 (opts: { checkQuorum?: boolean, preVote?: boolean } = {}): Network {
  const net = new Network({ ids: V3, configure: (c) => { c.checkQuorum = opts.checkQuorum; c.preVote = opts.preVote } })
  net.campaign(1n)
  return net
}

function checkLeader (net: Network, lead: NodeID, term?: number): void {
  const n = net.node(lead)
  assert.equal(n.state, StateType.StateLeader, `node ${lead} leads`)
  if (term !== undefined) assert.equal(n.term, term)
  for (const other of net.nodes.values()) {
    if (other.id !== lead && !other.crashed) assert.notEqual(other.state, StateType.StateLeader, `node ${other.id} is not leader`)
  }
}

function transfer (net: Network, at: NodeID, to: NodeID): void {
  net.node(at).rn.transferLeader(to)
  net.stabilize()
}

describe('leader transfer', () => {
  it('to an up-to-date follower: it campaigns at once and wins', () => {
    const net = net3()
    transfer(net, 1n, 2n)
    checkLeader(net, 2n, 2)
    assert.equal(net.raft(2n).leadTransferee, None)
  })

  it('requested on a follower: forwarded to the leader, which carries it out', () => {
    const net = net3()
    transfer(net, 2n, 2n)
    checkLeader(net, 2n, 2)
  })

  it('works with check quorum: the transfer vote bypasses leader stickiness', () => {
    const net = net3({ checkQuorum: true })
    transfer(net, 1n, 3n)
    checkLeader(net, 3n, 2)
  })

  it('works with pre-vote: the transfer campaign skips the pre-vote round', () => {
    const net = net3({ preVote: true })
    net.record = true
    transfer(net, 1n, 3n)
    checkLeader(net, 3n, 2)
    assert.equal(net.delivered.some((m) => m.type === MessageType.MsgPreVote), false)
  })

  it('to a lagging follower: the leader first catches it up, then sends MsgTimeoutNow', () => {
    const net = net3()
    net.isolate(3n)
    net.propose(1n, 'a')
    net.propose(1n, 'b')
    net.recover()
    net.record = true
    transfer(net, 1n, 3n)
    checkLeader(net, 3n, 2)
    const types = net.delivered.filter((m) => m.to === 3n).map((m) => m.type)
    assert.ok(types.indexOf(MessageType.MsgApp) < types.indexOf(MessageType.MsgTimeoutNow))
    assert.deepEqual(appliedData(net.node(3n)), ['a', 'b'])
  })

  it('to a follower that needs a snapshot: it is restored first, then takes over', () => {
    const net = net3()
    net.isolate(3n)
    for (let i = 0; i < 5; i++) net.propose(1n, `e${i}`)
    net.node(1n).snapshotAndCompact()
    net.recover()
    transfer(net, 1n, 3n)
    net.tick(1n) // the follower becomes active again and gets the snapshot
    checkLeader(net, 3n, 2)
    assert.equal(appliedData(net.node(3n)).length, 5)
  })

  it('to itself: nothing happens', () => {
    const net = net3()
    transfer(net, 1n, 1n)
    checkLeader(net, 1n, 1)
    assert.equal(net.raft(1n).leadTransferee, None)
  })

  it('to a node not in the cluster: ignored', () => {
    const net = net3()
    transfer(net, 1n, 4n)
    checkLeader(net, 1n, 1)
    assert.equal(net.raft(1n).leadTransferee, None)
  })

  it('to a learner: ignored', () => {
    const net = new Network({ ids: V3, learners: [3n] })
    net.campaign(1n)
    transfer(net, 1n, 3n)
    checkLeader(net, 1n, 1)
    assert.equal(net.raft(1n).leadTransferee, None)
  })

  it('is abandoned after an election timeout if the transferee never takes over', () => {
    const net = net3()
    net.isolate(3n)
    transfer(net, 1n, 3n)
    assert.equal(net.raft(1n).leadTransferee, 3n)
    net.tick(1n, net.raft(1n).heartbeatTimeout)
    assert.equal(net.raft(1n).leadTransferee, 3n)
    net.tick(1n, net.raft(1n).electionTimeout - net.raft(1n).heartbeatTimeout)
    assert.equal(net.raft(1n).leadTransferee, None)
    checkLeader(net, 1n, 1)
  })

  it('drops proposals while the transfer is in progress', () => {
    const net = net3()
    net.isolate(3n)
    transfer(net, 1n, 3n)
    assert.throws(() => net.propose(1n, 'x'), ErrProposalDropped)
    assert.equal(net.raft(1n).leadTransferee, 3n)
    net.tick(1n, net.raft(1n).electionTimeout)
    net.propose(1n, 'y')
    assert.deepEqual(appliedData(net.node(2n)), ['y'])
  })

  it('a higher-term vote during the transfer ends it: the voter side wins the election', () => {
    const net = net3()
    net.isolate(3n)
    transfer(net, 1n, 3n)
    assert.equal(net.raft(1n).leadTransferee, 3n)
    net.campaign(2n)
    checkLeader(net, 2n, 2)
    assert.equal(net.raft(1n).leadTransferee, None)
  })

  it('conf change proposals are dropped during the transfer as well', () => {
    const net = net3()
    net.isolate(3n)
    transfer(net, 1n, 3n)
    assert.throws(() => net.node(1n).rn.proposeConfChange({ type: ConfChangeType.ConfChangeRemoveNode, nodeID: 3n, context: new Uint8Array(), id: 0n }), ErrProposalDropped)
  })

  it('removing or demoting the transferee (applied mid-transfer) aborts the transfer', () => {
    for (const type of [ConfChangeType.ConfChangeRemoveNode, ConfChangeType.ConfChangeAddLearnerNode]) {
      const net = net3()
      net.isolate(3n)
      transfer(net, 1n, 3n)
      net.node(1n).rn.applyConfChange({ type, nodeID: 3n, context: new Uint8Array(), id: 0n })
      assert.equal(net.raft(1n).leadTransferee, None, `change type ${type}`)
      checkLeader(net, 1n, 1)
    }
  })

  it('a transfer back to the leader itself cancels a pending transfer', () => {
    const net = net3()
    net.isolate(3n)
    transfer(net, 1n, 3n)
    transfer(net, 1n, 1n)
    assert.equal(net.raft(1n).leadTransferee, None)
    checkLeader(net, 1n, 1)
    net.propose(1n, 'ok')
  })

  it('a second transfer to another node supersedes the first', () => {
    const net = net3()
    net.isolate(3n)
    transfer(net, 1n, 3n)
    net.recover()
    net.isolate(3n)
    transfer(net, 1n, 2n)
    checkLeader(net, 2n, 2)
  })

  it('a second transfer to the same node does not extend the deadline', () => {
    const net = net3()
    net.isolate(3n)
    transfer(net, 1n, 3n)
    net.tick(1n, net.raft(1n).electionTimeout - 1)
    transfer(net, 1n, 3n)
    net.tick(1n, 1)
    assert.equal(net.raft(1n).leadTransferee, None, 'abandoned on the original schedule')
  })

  it('a leadership transfer and back restores the original leader', () => {
    const net = net3()
    transfer(net, 1n, 2n)
    checkLeader(net, 2n, 2)
    transfer(net, 2n, 1n)
    checkLeader(net, 1n, 3)
  })
})
