// The RawNode API contract: bootstrap, Ready/advance, proposals, reads, conf changes, restart.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  ConfChangeTransition, ConfChangeType, EntryType, ErrProposalDropped, ErrStepLocalMsg, ErrStepPeerNotFound,
  MemoryStorage, MessageType, RaftPanic, RawNode, StateType, confChangeFromEntry, newMessage
} from '../../src/raft/index.js'
import type { Config, Ready } from '../../src/raft/index.js'
import { Network, appliedData, bytes, str } from './harness/network.js'

function config (id: bigint, storage: MemoryStorage, extra: Partial<Config> = {}): Config {
  return { id, electionTick: 10, heartbeatTick: 1, storage, seed: 7, ...extra }
}

/** Persists and applies one Ready the way the server will, returning it. */
function handle (rn: RawNode, s: MemoryStorage): Ready {
  const rd = rn.ready()
  if (rd.snapshot !== undefined) s.applySnapshot(rd.snapshot)
  if (rd.hardState !== undefined) s.setHardState(rd.hardState)
  s.append(rd.entries)
  for (const e of rd.committedEntries) {
    const cc = confChangeFromEntry(e)
    if (cc !== undefined) rn.applyConfChange(cc)
  }
  rn.advance(rd)
  return rd
}

function drain (rn: RawNode, s: MemoryStorage): Ready[] {
  const out: Ready[] = []
  while (rn.hasReady()) out.push(handle(rn, s))
  return out
}

describe('RawNode', () => {
  it('bootstraps a single-node cluster whose first Ready persists and applies the membership', () => {
    const s = new MemoryStorage()
    const rn = new RawNode(config(1n, s))
    rn.bootstrap([{ id: 1n }])
    assert.equal(rn.hasReady(), true)
    const rd = handle(rn, s)
    assert.deepEqual(rd.hardState, { term: 1, vote: 0n, commit: 1 })
    assert.equal(rd.entries.length, 1)
    assert.equal(rd.entries[0].type, EntryType.EntryConfChange)
    assert.equal(rd.committedEntries.length, 1)
    assert.equal(rd.mustSync, true)
    assert.deepEqual(rn.status().confState.voters, [1n])
  })

  it('refuses to bootstrap a non-empty storage or an empty peer list', () => {
    const s = new MemoryStorage()
    s.append([{ term: 1, index: 1, type: EntryType.EntryNormal, data: new Uint8Array() }])
    assert.throws(() => new RawNode(config(1n, s)).bootstrap([{ id: 1n }]), RaftPanic)
    assert.throws(() => new RawNode(config(1n, new MemoryStorage())).bootstrap([]), RaftPanic)
  })

  it('single node: campaign, elect, propose and commit through Ready/advance', () => {
    const s = new MemoryStorage()
    const rn = new RawNode(config(1n, s))
    rn.bootstrap([{ id: 1n }])
    drain(rn, s)
    rn.campaign()
    drain(rn, s)
    assert.equal(rn.status().softState.raftState, StateType.StateLeader)
    rn.propose(bytes('foo'))
    const rds = drain(rn, s)
    const committed = rds.flatMap((r) => r.committedEntries).filter((e) => e.data.length > 0)
    assert.deepEqual(committed.map((e) => str(e.data)), ['foo'])
    assert.equal(s.lastIndex(), 3)
    assert.equal(rn.hasReady(), false)
  })

  it('a single-node leader answers ReadIndex with its commit index at once', () => {
    const s = new MemoryStorage()
    const rn = new RawNode(config(1n, s))
    rn.bootstrap([{ id: 1n }])
    drain(rn, s)
    rn.campaign()
    drain(rn, s)
    rn.readIndex(bytes('ctx-1'))
    const rds = drain(rn, s)
    const rs = rds.flatMap((r) => r.readStates)
    assert.equal(rs.length, 1)
    assert.equal(str(rs[0].requestCtx), 'ctx-1')
    assert.equal(rs[0].index, 2)
  })

  it('proposeEntries: a batch is one MsgProp, forwarded whole, replicated with one MsgApp per follower', () => {
    const net = new Network({ ids: [1n, 2n, 3n] })
    net.campaign(1n)
    net.record = true
    net.node(2n).rn.proposeEntries(['a', 'b', 'c'].map((x) => bytes(x)))
    net.stabilize()
    const props = net.delivered.filter((m) => m.type === MessageType.MsgProp)
    assert.deepEqual(props.map((m) => [m.from, m.to, m.entries.length]), [[2n, 1n, 3]])
    const apps = net.delivered.filter((m) => m.type === MessageType.MsgApp && m.entries.length > 0)
    assert.deepEqual(apps.map((m) => [m.to, m.entries.map((e) => str(e.data))]).sort(), [[2n, ['a', 'b', 'c']], [3n, ['a', 'b', 'c']]])
    for (const id of [1n, 2n, 3n]) assert.deepEqual(appliedData(net.node(id)).slice(-3), ['a', 'b', 'c'])
    // A leader that cannot take proposals refuses the whole batch.
    net.node(1n).rn.transferLeader(3n)
    net.isolate(3n)
    assert.throws(() => net.node(1n).rn.proposeEntries([bytes('x'), bytes('y')]), ErrProposalDropped)
  })

  it('proposing without a leader throws ErrProposalDropped', () => {
    const s = new MemoryStorage({ voters: [1n, 2n, 3n], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false })
    const rn = new RawNode(config(1n, s))
    assert.throws(() => rn.propose(bytes('x')), ErrProposalDropped)
    assert.throws(() => rn.readIndex(bytes('x')), ErrProposalDropped)
  })

  it('step refuses local message types and responses from unknown peers', () => {
    const s = new MemoryStorage({ voters: [1n, 2n], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false })
    const rn = new RawNode(config(1n, s))
    for (const t of [MessageType.MsgHup, MessageType.MsgBeat, MessageType.MsgUnreachable, MessageType.MsgSnapStatus, MessageType.MsgCheckQuorum]) {
      assert.throws(() => rn.step(newMessage({ type: t, from: 2n })), ErrStepLocalMsg)
    }
    assert.throws(() => rn.step(newMessage({ type: MessageType.MsgAppResp, from: 9n, term: 1 })), ErrStepPeerNotFound)
  })

  it('a forwarded proposal the node cannot take is dropped without an error to the transport', () => {
    const net = new Network({ ids: [1n, 2n, 3n] })
    net.campaign(1n)
    net.isolate(3n)
    net.node(1n).rn.transferLeader(3n) // proposals are dropped while it is pending
    net.stabilize()
    const fwd = newMessage({ type: MessageType.MsgProp, from: 2n, to: 1n, entries: [{ term: 0, index: 0, type: EntryType.EntryNormal, data: bytes('x') }] })
    net.node(1n).rn.step(fwd)
    assert.equal(net.raft(1n).raftLog.lastIndex(), 1)
    assert.throws(() => net.node(1n).rn.propose(bytes('local')), ErrProposalDropped, 'a local proposal still reports it')
  })

  it('mustSync is set for new entries or term/vote changes, not for a commit-only change', () => {
    const net = new Network({ ids: [1n, 2n, 3n] })
    net.campaign(1n)
    const follower = net.node(2n)
    follower.keepReadyLog = true
    net.propose(1n, 'a')
    const withEntries = follower.readyLog.find((r) => r.entries.length > 0)
    assert.equal(withEntries?.mustSync, true)
    const commitOnly = follower.readyLog.find((r) => r.entries.length === 0 && r.hardState !== undefined)
    assert.ok(commitOnly !== undefined, 'a Ready carrying only the new commit index')
    assert.equal(commitOnly.mustSync, false)
  })

  it('elects, replicates and serves a follower ReadIndex in a 3-node cluster', () => {
    const net = new Network({ ids: [1n, 2n, 3n] })
    net.campaign(1n)
    assert.equal(net.node(1n).state, StateType.StateLeader)
    net.propose(1n, 'x')
    net.propose(3n, 'y') // forwarded to the leader
    for (const n of net.nodes.values()) assert.deepEqual(appliedData(n), ['x', 'y'])
    net.node(2n).rn.readIndex(bytes('read-1'))
    net.stabilize()
    assert.deepEqual(net.node(2n).readStates, [{ index: net.raft(1n).raftLog.committed, ctx: 'read-1' }])
  })

  it('bootstraps three nodes that elect a leader by ticking alone', () => {
    const net = new Network({ ids: [], seed: 3 })
    const peers = [{ id: 1n }, { id: 2n }, { id: 3n }]
    for (const p of peers) {
      const n = net.addNode(p.id, { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false })
      n.rn.bootstrap(peers)
    }
    net.stabilize()
    net.tickAll(40)
    const leader = net.leader()
    assert.ok(leader !== undefined)
    net.propose(leader.id, 'hello')
    for (const n of net.nodes.values()) assert.deepEqual(appliedData(n), ['hello'])
  })

  it('adds and removes a member with v1 conf changes applied by every node', () => {
    const net = new Network({ ids: [1n, 2n, 3n] })
    net.campaign(1n)
    // The new member starts knowing the membership it joins (etcd passes it out of band).
    const n4 = net.addNode(4n, { voters: [1n, 2n, 3n], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false })
    net.node(1n).rn.proposeConfChange({ type: ConfChangeType.ConfChangeAddNode, nodeID: 4n, context: new Uint8Array(), id: 0n })
    net.stabilize()
    net.tick(1n, 2) // heartbeat → probe the new node
    assert.deepEqual(net.node(1n).confState.voters, [1n, 2n, 3n, 4n])
    assert.deepEqual(n4.confState.voters, [1n, 2n, 3n, 4n])
    net.node(1n).rn.proposeConfChange({ type: ConfChangeType.ConfChangeRemoveNode, nodeID: 2n, context: new Uint8Array(), id: 0n })
    net.stabilize()
    assert.deepEqual(net.node(3n).confState.voters, [1n, 3n, 4n])
    net.propose(1n, 'after')
    assert.deepEqual(appliedData(n4), ['after'])
  })

  it('enters and automatically leaves a joint config for a v2 change of two voters', () => {
    const net = new Network({ ids: [1n] })
    net.campaign(1n)
    for (const id of [2n, 3n]) net.addNode(id, { voters: [1n], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false })
    net.node(1n).rn.proposeConfChange({
      transition: ConfChangeTransition.ConfChangeTransitionAuto,
      changes: [{ type: ConfChangeType.ConfChangeAddNode, nodeID: 2n }, { type: ConfChangeType.ConfChangeAddNode, nodeID: 3n }],
      context: new Uint8Array()
    })
    net.stabilize()
    net.tickAll(3)
    const cs = net.node(1n).confState
    assert.deepEqual(cs.voters, [1n, 2n, 3n])
    assert.deepEqual(cs.votersOutgoing, [])
    assert.equal(cs.autoLeave, false)
    assert.deepEqual(net.node(3n).confState.voters, [1n, 2n, 3n])
  })

  it('restarts from storage with term, vote, commit and config intact; the application sees no entry twice', () => {
    const net = new Network({ ids: [1n, 2n, 3n] })
    net.campaign(1n)
    net.propose(1n, 'a')
    net.propose(1n, 'b')
    const before = net.raft(2n).hardState()
    net.crash(2n)
    net.restart(2n)
    const r = net.raft(2n)
    assert.deepEqual(r.hardState(), before)
    assert.deepEqual(net.node(2n).rn.status().confState.voters, [1n, 2n, 3n])
    net.propose(1n, 'c')
    assert.deepEqual(appliedData(net.node(2n)), ['a', 'b', 'c'])
  })

  it('status reports role, progress (leader only) and configuration', () => {
    const net = new Network({ ids: [1n, 2n, 3n], learners: [4n] })
    net.addNode(4n)
    net.campaign(1n)
    const st = net.node(1n).rn.status()
    assert.equal(st.softState.raftState, StateType.StateLeader)
    assert.equal(st.progress.size, 4)
    assert.equal(st.progress.get(4n)?.isLearner, true)
    assert.equal(st.config, 'voters=(1 2 3) learners=(4)')
    assert.equal(net.node(2n).rn.status().progress.size, 0)
  })

  it('ready() may not be called twice without advance()', () => {
    const s = new MemoryStorage()
    const rn = new RawNode(config(1n, s))
    rn.bootstrap([{ id: 1n }])
    rn.ready()
    assert.equal(rn.hasReady(), false)
    assert.throws(() => rn.ready(), RaftPanic)
  })
})
