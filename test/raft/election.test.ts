// Multi-node elections over the in-memory network: quorums, black holes, dueling candidates,
// log-based vote refusal, stale messages, vote handling from every state.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ErrProposalDropped, MessageType, None, StateType, newMessage } from '../../src/raft/index.js'
import type { NodeID } from '../../src/raft/index.js'
import { Network, appliedData } from './harness/network.js'
import { ent, msg, newTestRaft, readMessages } from './helpers.js'

const ids = (n: number): NodeID[] => Array.from({ length: n }, (_, i) => BigInt(i + 1))

describe('elections', () => {
  for (const preVote of [false, true]) {
    const tag = preVote ? ' (pre-vote)' : ''
    it(`elects a leader only when a quorum is reachable, for 3, 4 and 5 nodes with black-holed peers${tag}`, () => {
      const table: Array<[number, NodeID[], StateType, number]> = [
        [3, [], StateType.StateLeader, 1],
        [3, [3n], StateType.StateLeader, 1],
        [3, [2n, 3n], preVote ? StateType.StatePreCandidate : StateType.StateCandidate, preVote ? 0 : 1],
        [4, [3n, 4n], preVote ? StateType.StatePreCandidate : StateType.StateCandidate, preVote ? 0 : 1],
        [5, [4n, 5n], StateType.StateLeader, 1],
        [5, [3n, 4n, 5n], preVote ? StateType.StatePreCandidate : StateType.StateCandidate, preVote ? 0 : 1]
      ]
      for (const [size, down, wstate, wterm] of table) {
        const net = new Network({ ids: ids(size), configure: (c) => { c.preVote = preVote } })
        for (const id of down) net.crash(id)
        net.campaign(1n)
        assert.equal(net.node(1n).state, wstate, `size ${size} down ${down.join(',')}`)
        assert.equal(net.node(1n).term, wterm)
      }
    })

    it(`every node can become leader in turn (leader cycle)${tag}`, () => {
      const net = new Network({ ids: ids(3), configure: (c) => { c.preVote = preVote } })
      for (let round = 0; round < 2; round++) {
        for (const id of ids(3)) {
          net.campaign(id)
          for (const n of net.nodes.values()) {
            assert.equal(n.state, n.id === id ? StateType.StateLeader : StateType.StateFollower, `round ${round} campaigner ${id} node ${n.id}`)
          }
        }
      }
    })
  }

  it('a leader elected with an older-term log overwrites a newer-term uncommitted tail', () => {
    // Node 3 led term 2 briefly (nodes 4 and 5 voted for it) and wrote one entry.
    const prepared: Record<string, [Array<[number, number]>, number, NodeID]> = {
      1: [[[1, 1]], 1, None], 2: [[[1, 1]], 1, None], 3: [[[2, 1]], 2, 3n], 4: [[], 2, 3n], 5: [[], 2, 3n]
    }
    const net = new Network({
      ids: ids(5),
      prepare: (id, s) => {
        const [log, term, vote] = prepared[String(id)]
        s.append(log.map(([t, i]) => ent(t, i)))
        s.setHardState({ term, vote, commit: 0 })
      }
    })
    net.campaign(1n)
    // A quorum already voted in term 2: the first attempt loses.
    assert.equal(net.node(1n).state, StateType.StateFollower)
    assert.equal(net.node(1n).term, 2)
    net.campaign(1n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.equal(net.node(1n).term, 3)
    for (const id of ids(5)) assert.deepEqual(net.logOf(id), [[1, 1], [3, 2]], `node ${id}`)
  })

  it('dueling candidates across a cut link: only the up-to-date one can win', () => {
    const net = new Network({ ids: ids(3) })
    net.cut(1n, 3n)
    net.campaign(1n)
    net.campaign(3n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.equal(net.node(3n).state, StateType.StateCandidate)
    net.recover()
    // Node 3 has a higher term but lacks the leader's entry: it disrupts, but cannot win.
    net.campaign(3n)
    for (const id of ids(3)) {
      assert.equal(net.node(id).state, StateType.StateFollower, `node ${id}`)
      assert.equal(net.node(id).term, 2)
    }
    assert.deepEqual(net.logOf(1n), [[1, 1]])
    assert.deepEqual(net.logOf(3n), [])
  })

  it('dueling pre-candidates: the lagging one fails pre-vote and disturbs nobody', () => {
    const net = new Network({ ids: ids(3), configure: (c) => { c.preVote = true } })
    net.cut(1n, 3n)
    net.campaign(1n)
    net.campaign(3n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.equal(net.node(3n).state, StateType.StateFollower)
    net.recover()
    net.campaign(3n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    for (const id of ids(3)) assert.equal(net.node(id).term, 1)
  })

  it('a candidate concedes to a leader it hears from and catches up', () => {
    const net = new Network({ ids: ids(3) })
    net.isolate(1n)
    net.campaign(1n)
    net.campaign(3n)
    net.recover()
    net.tick(3n) // heartbeat from the new leader
    net.propose(3n, 'force quorum')
    assert.equal(net.node(1n).state, StateType.StateFollower)
    assert.equal(net.node(1n).term, 1)
    for (const id of ids(3)) assert.deepEqual(appliedData(net.node(id)), ['force quorum'])
  })

  it('a single-node cluster elects itself and commits immediately', () => {
    const net = new Network({ ids: [1n] })
    net.campaign(1n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    net.propose(1n, 'a')
    assert.equal(net.raft(1n).raftLog.committed, 2)
    assert.deepEqual(appliedData(net.node(1n)), ['a'])
  })

  it('a single-node cluster with pre-vote elects itself too', () => {
    const net = new Network({ ids: [1n], configure: (c) => { c.preVote = true } })
    net.tick(1n, 25)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    assert.equal(net.node(1n).term, 1)
  })

  it('a stale leader\'s append is ignored after newer elections; logs stay identical', () => {
    const net = new Network({ ids: ids(3) })
    net.campaign(1n)
    net.campaign(2n)
    net.campaign(1n) // term 3
    net.send(newMessage({ type: MessageType.MsgApp, from: 2n, to: 1n, term: 2, entries: [ent(2, 3, 'stale')] }))
    net.propose(1n, 'somedata')
    const want: Array<[number, number]> = [[1, 1], [2, 2], [3, 3], [3, 4]]
    for (const id of ids(3)) assert.deepEqual(net.logOf(id), want, `node ${id}`)
    assert.deepEqual(appliedData(net.node(1n)), ['somedata'])
  })

  it('proposals commit only with a quorum; without one they stay uncommitted', () => {
    const table: Array<[number, NodeID[], boolean]> = [
      [3, [], true], [3, [3n], true], [3, [2n, 3n], false], [4, [3n, 4n], false], [5, [4n, 5n], true], [5, [3n, 4n, 5n], false]
    ]
    for (const [size, down, wsuccess] of table) {
      const net = new Network({ ids: ids(size) })
      net.campaign(1n)
      for (const id of down) net.crash(id)
      if (net.node(1n).state !== StateType.StateLeader) {
        assert.throws(() => net.propose(1n, 'x'), ErrProposalDropped)
        assert.equal(wsuccess, false)
        continue
      }
      net.propose(1n, 'x')
      assert.equal(appliedData(net.node(1n)).includes('x'), wsuccess, `size ${size} down ${down.join(',')}`)
    }
  })

  it('a proposal sent to a follower is forwarded to the leader and committed everywhere', () => {
    const net = new Network({ ids: ids(3) })
    net.campaign(1n)
    net.propose(2n, 'by proxy')
    for (const id of ids(3)) assert.deepEqual(appliedData(net.node(id)), ['by proxy'])
  })

  it('a proposal on a node that knows no leader is dropped with ErrProposalDropped', () => {
    const net = new Network({ ids: ids(3) })
    assert.throws(() => net.propose(2n, 'x'), ErrProposalDropped)
    net.crash(2n)
    net.crash(3n)
    net.campaign(1n)
    assert.throws(() => net.propose(1n, 'x'), ErrProposalDropped, 'candidates drop proposals')
  })

  it('with proposal forwarding disabled a follower drops proposals', () => {
    const net = new Network({ ids: ids(3), configure: (c) => { c.disableProposalForwarding = c.id === 2n } })
    net.campaign(1n)
    assert.throws(() => net.propose(2n, 'x'), ErrProposalDropped)
    net.propose(3n, 'y')
    assert.deepEqual(appliedData(net.node(2n)), ['y'])
  })

  it('a node of any state grants a vote for a higher term only to an up-to-date log', () => {
    for (const vt of [MessageType.MsgVote, MessageType.MsgPreVote]) {
      const table: Array<[StateType, number, number, bigint, boolean]> = [
        [StateType.StateFollower, 2, 3, 2n, false], [StateType.StateFollower, 2, 3, 3n, false],
        [StateType.StateFollower, 2, 2, 2n, false], [StateType.StateFollower, 2, 1, 2n, true],
        [StateType.StateLeader, 2, 3, 1n, false], [StateType.StatePreCandidate, 2, 3, 1n, false],
        [StateType.StateCandidate, 2, 3, 1n, false], [StateType.StateLeader, 2, 2, 1n, false],
        [StateType.StateCandidate, 2, 1, 1n, true]
      ]
      for (const [st, logTerm, index, voteFor, wreject] of table) {
        const r = newTestRaft(1n, ids(3), 10, 1)
        r.raftLog.append([ent(2, 1), ent(2, 2)])
        r.state = st
        r.term = 1
        r.vote = voteFor
        const term = 3
        r.step(msg({ type: vt, from: 2n, to: 1n, term, logTerm, index }))
        const msgs = readMessages(r)
        assert.equal(msgs.length, 1)
        assert.equal(msgs[0].reject, wreject, `${vt} ${st} (${logTerm},${index})`)
        if (vt === MessageType.MsgVote) {
          assert.equal(r.state, StateType.StateFollower)
          assert.equal(r.term, term)
          assert.equal(r.vote, wreject ? None : 2n)
        } else {
          assert.equal(r.term, 1, 'a pre-vote never changes the term')
        }
      }
    }
  })

  it('every state steps down on a higher-term message of any kind', () => {
    for (const st of [StateType.StateFollower, StateType.StateCandidate, StateType.StateLeader]) {
      for (const t of [MessageType.MsgVote, MessageType.MsgApp, MessageType.MsgHeartbeat]) {
        const r = newTestRaft(1n, ids(3), 10, 1)
        if (st === StateType.StateCandidate) r.becomeCandidate()
        if (st === StateType.StateLeader) { r.becomeCandidate(); r.becomeLeader() }
        readMessages(r)
        r.step(msg({ type: t, from: 2n, to: 1n, term: 3, logTerm: 3 }))
        assert.equal(r.state, StateType.StateFollower)
        assert.equal(r.term, 3)
        assert.equal(r.lead, t === MessageType.MsgVote ? None : 2n)
      }
    }
  })

  it('a lower-term append or heartbeat is ignored, or answered at our term with check quorum or pre-vote', () => {
    for (const [checkQuorum, preVote, wantResp] of [[false, false, false], [true, false, true], [false, true, true]] as const) {
      for (const t of [MessageType.MsgApp, MessageType.MsgHeartbeat]) {
        const r = newTestRaft(1n, ids(3), 10, 1, { config: { checkQuorum, preVote } })
        r.becomeFollower(3, 2n)
        r.step(msg({ type: t, from: 3n, to: 1n, term: 2 }))
        const msgs = readMessages(r)
        assert.equal(r.term, 3)
        assert.equal(r.lead, 2n, 'the stale sender is not taken as leader')
        if (wantResp) assert.deepEqual(msgs.map((m) => [m.type, m.to, m.term, m.reject]), [[MessageType.MsgAppResp, 3n, 3, false]])
        else assert.deepEqual(msgs, [])
      }
    }
  })

  it('a lower-term pre-vote is rejected at our term, so the pre-candidate learns it', () => {
    const r = newTestRaft(1n, ids(3), 10, 1, { config: { preVote: true } })
    r.becomeFollower(3, 2n)
    r.step(msg({ type: MessageType.MsgPreVote, from: 3n, to: 1n, term: 2 }))
    assert.deepEqual(readMessages(r).map((m) => [m.type, m.term, m.reject]), [[MessageType.MsgPreVoteResp, 3, true]])
  })

  it('illegal role transitions are refused', () => {
    const r = newTestRaft(1n, ids(3), 10, 1)
    assert.throws(() => r.becomeLeader(), /follower -> leader/)
    r.becomeCandidate()
    r.becomeLeader()
    assert.throws(() => r.becomeCandidate(), /leader -> candidate/)
    assert.throws(() => r.becomePreCandidate(), /leader -> pre-candidate/)
  })

  it('a candidate that loses the vote returns to follower in its term', () => {
    const r = newTestRaft(1n, ids(3), 10, 1)
    r.step(msg({ type: MessageType.MsgHup, from: 1n, to: 1n }))
    readMessages(r)
    r.step(msg({ type: MessageType.MsgVoteResp, from: 2n, to: 1n, term: 1, reject: true }))
    r.step(msg({ type: MessageType.MsgVoteResp, from: 3n, to: 1n, term: 1, reject: true }))
    assert.equal(r.state, StateType.StateFollower)
    assert.equal(r.term, 1)
  })

  it('pre-vote: a pre-candidate that wins runs a real election at term+1', () => {
    const net = new Network({ ids: ids(3), configure: (c) => { c.preVote = true } })
    net.record = true
    net.campaign(2n)
    assert.equal(net.node(2n).state, StateType.StateLeader)
    assert.equal(net.node(2n).term, 1)
    const types = net.delivered.map((m) => m.type)
    assert.ok(types.indexOf(MessageType.MsgPreVote) < types.indexOf(MessageType.MsgVote))
  })

  it('pre-vote: a split pre-vote with a lagging node still completes an election', () => {
    const net = new Network({ ids: ids(3), configure: (c) => { c.preVote = true } })
    net.campaign(1n)
    net.isolate(1n)
    net.propose(1n, 'lost') // only on the old leader
    // Nodes 2 and 3 campaign at once; one of them wins.
    net.node(2n).rn.campaign()
    net.node(3n).rn.campaign()
    net.stabilize()
    const leaders = [2n, 3n].filter((id) => net.node(id).state === StateType.StateLeader)
    if (leaders.length === 0) net.campaign(2n)
    assert.ok([2n, 3n].some((id) => net.node(id).state === StateType.StateLeader))
  })
})
