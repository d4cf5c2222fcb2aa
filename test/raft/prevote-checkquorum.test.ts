// CheckQuorum (leader step-down, leader stickiness) and pre-vote, alone and together.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MessageType, StateType } from '../../src/raft/index.js'
import type { NodeID } from '../../src/raft/index.js'
import { Network } from './harness/network.js'

const V3: NodeID[] = [1n, 2n, 3n]

function net3 (opts: { preVote?: boolean, checkQuorum?: boolean } = {}): Network {
  return new Network({ ids: V3, configure: (c) => { c.preVote = opts.preVote; c.checkQuorum = opts.checkQuorum } })
}

/** Ticks one node until its (randomized) election timeout has surely passed. */
function timeout (net: Network, id: NodeID): void {
  net.raft(id).setRandomizedElectionTimeout(net.raft(id).electionTimeout)
  net.tick(id, net.raft(id).electionTimeout)
}

describe('check quorum', () => {
  it('a leader that hears from a quorum stays leader across election timeouts', () => {
    const net = net3({ checkQuorum: true })
    net.campaign(1n)
    net.tick(1n, 35) // heartbeats answered every tick
    assert.equal(net.node(1n).state, StateType.StateLeader)
  })

  it('a leader that loses its quorum steps down within one election timeout', () => {
    const net = net3({ checkQuorum: true })
    net.campaign(1n)
    net.isolate(1n)
    // One timeout clears recentActive; the next check finds no active quorum.
    net.tick(1n, 10)
    net.tick(1n, 10)
    assert.equal(net.node(1n).state, StateType.StateFollower)
    assert.equal(net.node(1n).term, 1)
  })

  it('voters refuse a candidate while they heard from a live leader, and grant after the timeout', () => {
    const net = net3({ checkQuorum: true })
    net.campaign(1n)
    // Node 3 campaigns while nodes 1 and 2 heard from the leader recently: ignored.
    net.campaign(3n)
    assert.equal(net.node(3n).state, StateType.StateCandidate)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.equal(net.node(1n).term, 1)
    // Node 2's lease runs out (without it campaigning itself); now the vote succeeds.
    net.raft(2n).setRandomizedElectionTimeout(20)
    net.tick(2n, 10)
    net.campaign(3n)
    assert.equal(net.node(3n).state, StateType.StateLeader)
    assert.equal(net.node(3n).term, 3)
  })

  it('a stuck high-term candidate frees itself: the leader learns its term and steps down', () => {
    const net = net3({ checkQuorum: true })
    net.campaign(1n)
    net.isolate(3n)
    net.campaign(3n)
    net.campaign(3n)
    assert.equal(net.node(3n).state, StateType.StateCandidate)
    const high = net.node(3n).term
    assert.equal(high, 3)
    net.recover()
    // The heartbeat reaches node 3, whose response carries its higher term.
    net.tick(1n)
    assert.equal(net.node(1n).state, StateType.StateFollower)
    assert.equal(net.node(1n).term, high)
    // An election can now complete (node 3 lacks nothing: the log is only the empty entry... of term 1).
    net.campaign(1n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.equal(net.node(1n).term, high + 1)
  })

  it('a non-promotable voter (not in its own config) never campaigns but keeps the cluster live', () => {
    const net = new Network({
      ids: V3,
      configure: (c) => { c.checkQuorum = true },
      confStateOf: (id) => id === 2n ? { voters: [1n], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } : undefined
    })
    net.raft(2n).setRandomizedElectionTimeout(10)
    net.tick(2n, 50)
    assert.equal(net.node(2n).state, StateType.StateFollower)
    assert.equal(net.node(2n).term, 0)
  })

  it('a leader that is itself a learner-less singleton stays leader under check quorum', () => {
    const net = new Network({ ids: [1n], configure: (c) => { c.checkQuorum = true } })
    net.campaign(1n)
    net.tick(1n, 50)
    assert.equal(net.node(1n).state, StateType.StateLeader)
  })
})

describe('pre-vote', () => {
  it('without pre-vote an isolated follower returns with a higher term and disrupts the leader', () => {
    const net = net3()
    net.campaign(1n)
    net.isolate(3n)
    net.propose(1n, 'a')
    net.campaign(3n)
    net.campaign(3n)
    assert.equal(net.node(3n).term, 3)
    net.recover()
    net.campaign(3n) // its vote request at term 4 deposes the leader, though it cannot win
    assert.equal(net.node(1n).state, StateType.StateFollower)
    assert.equal(net.node(1n).term, 4)
    assert.notEqual(net.node(3n).state, StateType.StateLeader)
  })

  it('with pre-vote an isolated follower returns without disturbing the leader', () => {
    const net = net3({ preVote: true })
    net.campaign(1n)
    net.isolate(3n)
    net.propose(1n, 'a')
    net.campaign(3n)
    net.campaign(3n)
    assert.equal(net.node(3n).term, 1, 'pre-votes never raise the term')
    assert.equal(net.node(3n).state, StateType.StatePreCandidate)
    net.recover()
    net.campaign(3n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.equal(net.node(1n).term, 1)
    net.tick(1n)
    assert.equal(net.node(3n).state, StateType.StateFollower)
  })

  it('with check quorum, a follower\'s stale-term response makes a disconnected leader step down (disruptive follower)', () => {
    const net = net3({ checkQuorum: true })
    net.campaign(1n)
    // Node 3 hears nothing for a while and times out, campaigning at term 2.
    net.isolate(3n)
    timeout(net, 3n)
    assert.equal(net.node(3n).state, StateType.StateCandidate)
    assert.equal(net.node(3n).term, 2)
    net.recover()
    // The leader's heartbeat (term 1) is answered with a term-2 MsgAppResp.
    net.tick(1n)
    assert.equal(net.node(1n).state, StateType.StateFollower)
    assert.equal(net.node(1n).term, 2)
  })

  it('with pre-vote and check quorum, the same follower times out without raising any term', () => {
    const net = net3({ checkQuorum: true, preVote: true })
    net.campaign(1n)
    net.isolate(3n)
    timeout(net, 3n)
    assert.equal(net.node(3n).state, StateType.StatePreCandidate)
    assert.equal(net.node(3n).term, 1)
    net.recover()
    net.tick(1n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.equal(net.node(3n).state, StateType.StateFollower)
    assert.equal(net.node(1n).term, 1)
  })

  it('a node with a smaller term can still complete an election when the leader is partitioned', () => {
    const net = net3({ preVote: true })
    net.cut(1n, 3n)
    net.cut(2n, 3n)
    net.campaign(1n)
    net.campaign(3n) // isolated: stays a pre-candidate at term 0
    net.campaign(2n) // node 1 grants the pre-vote and vote: node 2 leads term 2
    assert.deepEqual(V3.map((id) => net.node(id).term), [2, 2, 0])
    assert.deepEqual(V3.map((id) => net.node(id).state), [StateType.StateFollower, StateType.StateLeader, StateType.StatePreCandidate])
    // The leader crashes (is cut off); node 3, with the smaller term, and node 1 campaign.
    net.recover()
    net.cut(2n, 1n)
    net.cut(2n, 3n)
    net.campaign(3n)
    net.campaign(1n)
    assert.ok(net.node(1n).state === StateType.StateLeader || net.node(3n).state === StateType.StateLeader)
  })

  it('a pre-vote for a higher term is granted even after voting in the current term', () => {
    const net = net3({ preVote: true })
    net.campaign(1n)
    net.isolate(1n)
    // Nodes 2 and 3 voted for node 1 in term 1, and still know it as leader; node 3 must
    // nevertheless pre-vote and vote for node 2 in term 2.
    timeout(net, 2n)
    assert.equal(net.node(2n).state, StateType.StateLeader)
    assert.equal(net.node(2n).term, 2)
  })

  it('pre-vote responses are not counted once the node moved on to a real election', () => {
    const net = net3({ preVote: true })
    net.hook = (m) => (m.type === MessageType.MsgPreVoteResp && m.from === 3n ? 'hold' : 'deliver')
    net.campaign(1n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    net.hook = undefined
    net.release()
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.equal(net.node(1n).term, 1)
  })

  it('a rejected pre-vote from a higher term does not push the term of the rejecting pre-candidate', () => {
    const net = net3({ preVote: true })
    net.campaign(1n)
    net.isolate(3n)
    net.propose(1n, 'x')
    net.campaign(3n) // lags behind: every pre-vote is refused
    net.recover()
    net.campaign(3n)
    for (const id of V3) assert.equal(net.node(id).term, 1)
  })
})
