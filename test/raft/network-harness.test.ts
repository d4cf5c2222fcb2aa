// The in-memory network harness itself (quiescence, drop, cut, isolate, ignore, hold/release,
// duplicate, crash/restart) and the crash scenarios it enables.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MessageType, None, StateType, newMessage } from '../../src/raft/index.js'
import type { Message, NodeID } from '../../src/raft/index.js'
import { Network, appliedData, describeMessage } from './harness/network.js'

const V3: NodeID[] = [1n, 2n, 3n]

function allLogsEqual (net: Network): void {
  const ref = net.logOf(1n)
  for (const n of net.nodes.values()) assert.deepEqual(net.logOf(n.id), ref, `log of node ${n.id}`)
}

describe('network harness', () => {
  it('delivers to quiescence: nothing queued and no Ready pending afterwards', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.propose(1n, 'a')
    assert.equal(net.queue.length, 0)
    for (const n of net.nodes.values()) assert.equal(n.rn.hasReady(), false)
  })

  it('seeded drops are reproducible, and a drop rate of 1 blocks the link', () => {
    const run = (seed: number): string[] => {
      const net = new Network({ ids: V3, seed })
      net.record = true
      for (const a of V3) for (const b of V3) if (a !== b) net.drop(a, b, 0.3)
      net.campaign(1n)
      for (let i = 0; i < 10; i++) {
        try { net.propose(1n, `x${i}`) } catch { /* no leader right now */ }
        net.tickAll()
      }
      return net.delivered.map(describeMessage)
    }
    assert.deepEqual(run(7), run(7))
    assert.notDeepEqual(run(7), run(8))
    const net = new Network({ ids: V3 })
    net.record = true
    net.drop(1n, 2n, 1)
    net.campaign(1n)
    assert.equal(net.delivered.some((m) => m.from === 1n && m.to === 2n), false)
  })

  it('cut blocks both directions; isolate blocks every link of a node; recover heals', () => {
    const net = new Network({ ids: V3 })
    net.record = true
    net.cut(1n, 2n)
    net.isolate(3n)
    net.campaign(1n)
    assert.equal(net.delivered.length, 0)
    assert.equal(net.node(1n).state, StateType.StateCandidate)
    net.recover()
    net.campaign(1n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
  })

  it('ignore drops every message of one type', () => {
    const net = new Network({ ids: V3 })
    net.ignore(MessageType.MsgApp)
    net.campaign(1n)
    net.propose(1n, 'a')
    assert.deepEqual(appliedData(net.node(2n)), [])
    assert.equal(net.raft(1n).raftLog.committed, 0)
  })

  it('hold and release reorders messages, and the logs still converge', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    let held = false
    net.hook = (m) => {
      if (!held && m.to === 3n && m.type === MessageType.MsgApp && m.entries.length > 0) {
        held = true
        return 'hold'
      }
      return 'deliver'
    }
    net.propose(1n, 'first')
    net.propose(1n, 'second')
    assert.equal(net.held.length, 1)
    net.hook = undefined
    net.release()
    net.tick(1n)
    allLogsEqual(net)
    for (const id of V3) assert.deepEqual(appliedData(net.node(id)), ['first', 'second'])
  })

  it('duplicated messages change nothing: each proposal applies exactly once everywhere', () => {
    const net = new Network({ ids: V3 })
    net.hook = () => 'duplicate'
    net.campaign(1n)
    for (let i = 0; i < 5; i++) net.propose(1n, `d${i}`)
    net.tickAll(3)
    for (const id of V3) assert.deepEqual(appliedData(net.node(id)), ['d0', 'd1', 'd2', 'd3', 'd4'])
    allLogsEqual(net)
  })

  it('a crashed node receives nothing and sends nothing; a restart recovers it from its storage', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.propose(1n, 'a')
    const hs = net.raft(3n).hardState()
    net.crash(3n)
    net.propose(1n, 'b')
    assert.deepEqual(appliedData(net.node(3n)), ['a'])
    net.restart(3n)
    assert.equal(net.raft(3n).term, hs.term)
    assert.equal(net.raft(3n).vote, hs.vote)
    net.tick(1n)
    assert.deepEqual(appliedData(net.node(3n)), ['a', 'b'])
  })
})

describe('crash scenarios', () => {
  it('a leader crashing after persisting but before sending keeps the cluster safe', () => {
    const net = new Network({ ids: V3 })
    net.campaign(1n)
    net.propose(1n, 'acked')
    net.node(1n).rn.propose(new TextEncoder().encode('unsent'))
    net.crashMidReady(1n)
    assert.equal(net.node(1n).storage.lastIndex(), 3, 'the unsent entry reached the disk')
    net.campaign(2n)
    net.propose(2n, 'after')
    net.restart(1n)
    net.tick(2n)
    allLogsEqual(net)
    for (const id of V3) assert.deepEqual(appliedData(net.node(id)), ['acked', 'after'])
  })

  it('a follower crashing mid-Ready after persisting its vote never votes twice in that term', () => {
    const net = new Network({ ids: V3 })
    const vote = (from: NodeID): Message => newMessage({ type: MessageType.MsgVote, from, to: 2n, term: 1 })
    // Node 2 grants node 1's vote, persists it, and crashes before the response leaves.
    net.node(2n).rn.step(vote(1n))
    net.crashMidReady(2n)
    net.restart(2n)
    assert.equal(net.raft(2n).term, 1)
    assert.equal(net.raft(2n).vote, 1n)
    net.record = true
    net.node(2n).rn.step(vote(3n))
    net.stabilize()
    const resp = net.delivered.find((m) => m.from === 2n && m.to === 3n && m.type === MessageType.MsgVoteResp)
    assert.equal(resp?.reject, true, 'node 3 is refused in the same term')
  })

  it('a majority crashing and restarting keeps every acknowledged entry', () => {
    const net = new Network({ ids: [1n, 2n, 3n, 4n, 5n] })
    net.campaign(1n)
    for (let i = 0; i < 5; i++) net.propose(1n, `v${i}`)
    for (const id of [1n, 2n, 3n]) net.crash(id)
    for (const id of [1n, 2n, 3n]) net.restart(id)
    net.tickAll(30)
    const lead = net.leader()
    assert.ok(lead !== undefined)
    net.propose(lead.id, 'later')
    for (const n of net.nodes.values()) assert.deepEqual(appliedData(n), ['v0', 'v1', 'v2', 'v3', 'v4', 'later'])
  })

  it('with 30% loss on every link the group still commits everything once healed, without divergence', () => {
    const net = new Network({ ids: [1n, 2n, 3n, 4n, 5n], seed: 11, configure: (c) => { c.preVote = true; c.checkQuorum = true } })
    for (const a of net.nodes.keys()) for (const b of net.nodes.keys()) if (a !== b) net.drop(a, b, 0.3)
    const accepted: string[] = []
    for (let i = 0; i < 60; i++) {
      net.tickAll()
      const lead = net.leader()
      if (lead !== undefined) {
        try { net.propose(lead.id, `m${i}`); accepted.push(`m${i}`) } catch { /* dropped */ }
      }
    }
    net.recover()
    net.tickAll(30)
    const lead = net.leader()
    assert.ok(lead !== undefined)
    const ref = appliedData(lead)
    for (const n of net.nodes.values()) assert.deepEqual(appliedData(n), ref)
    assert.ok(ref.length > 0)
    for (const d of ref) assert.ok(accepted.includes(d))
    assert.equal(net.raft(lead.id).lead, lead.id)
    assert.notEqual(net.raft(lead.id).vote, None)
  })
})
