// Inflights, Progress, majority/joint quorums and the conf-change Changer.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Inflights } from '../../src/raft/tracker/inflights.js'
import { Progress, ProgressStateType } from '../../src/raft/tracker/progress.js'
import { ProgressTracker, trackerConfigString } from '../../src/raft/tracker/tracker.js'
import {
  VoteResult, jointCommittedIndex, jointVoteResult, majorityCommittedIndex, majorityVoteResult
} from '../../src/raft/quorum/quorum.js'
import { Changer, ConfChangeError } from '../../src/raft/confchange/confchange.js'
import { restoreConfState } from '../../src/raft/confchange/restore.js'
import { ConfChangeType, RaftPanic } from '../../src/raft/index.js'
import type { ConfChangeSingle, ConfState, NodeID } from '../../src/raft/index.js'

const add = (id: bigint): ConfChangeSingle => ({ type: ConfChangeType.ConfChangeAddNode, nodeID: id })
const rm = (id: bigint): ConfChangeSingle => ({ type: ConfChangeType.ConfChangeRemoveNode, nodeID: id })
const learner = (id: bigint): ConfChangeSingle => ({ type: ConfChangeType.ConfChangeAddLearnerNode, nodeID: id })

function newTracker (): ProgressTracker { return new ProgressTracker(10, 0) }

function apply (t: ProgressTracker, f: (c: Changer) => { config: ProgressTracker['config'], progress: ProgressTracker['progress'] }): string {
  const r = f(new Changer(t, 10))
  t.config = r.config
  t.progress = r.progress
  return trackerConfigString(t.config)
}

describe('inflights', () => {
  it('fills to its count limit, frees up to an index, and wraps around', () => {
    const in1 = new Inflights(10)
    for (let i = 0; i < 5; i++) in1.add(i, 100)
    assert.equal(in1.count(), 5)
    assert.equal(in1.full(), false)
    for (let i = 5; i < 10; i++) in1.add(i, 100)
    assert.equal(in1.full(), true)
    assert.throws(() => in1.add(10, 1), RaftPanic)
    in1.freeLE(4)
    assert.equal(in1.count(), 5)
    assert.equal(in1.bytes(), 500)
    for (let i = 10; i < 15; i++) in1.add(i, 100) // wraps
    assert.equal(in1.full(), true)
    in1.freeLE(8)
    assert.equal(in1.count(), 6)
    in1.freeLE(14)
    assert.equal(in1.count(), 0)
    in1.freeLE(3) // stale
    assert.equal(in1.count(), 0)
  })

  it('is full once the byte budget is reached, whatever the count', () => {
    const in1 = new Inflights(10, 1000)
    in1.add(1, 600)
    assert.equal(in1.full(), false)
    in1.add(2, 400)
    assert.equal(in1.full(), true)
    in1.freeLE(1)
    assert.equal(in1.full(), false)
    assert.equal(in1.bytes(), 400)
  })
})

describe('progress', () => {
  function pr (state: ProgressStateType, match: number, next: number): Progress {
    const p = new Progress({ match, next, inflights: new Inflights(256) })
    p.state = state
    return p
  }

  it('is paused in probe after sending entries, never in replicate unless full, always in snapshot', () => {
    const p = pr(ProgressStateType.StateProbe, 1, 2)
    assert.equal(p.isPaused(), false)
    p.sentEntries(1, 10)
    assert.equal(p.isPaused(), true)
    const r = pr(ProgressStateType.StateReplicate, 1, 2)
    r.sentEntries(3, 10)
    assert.equal(r.isPaused(), false)
    assert.equal(r.next, 5)
    assert.equal(pr(ProgressStateType.StateSnapshot, 1, 2).isPaused(), true)
  })

  it('maybeUpdate only moves forward and unpauses', () => {
    const p = pr(ProgressStateType.StateProbe, 3, 5)
    p.msgAppFlowPaused = true
    assert.equal(p.maybeUpdate(2), false)
    assert.equal(p.maybeUpdate(4), true)
    assert.equal(p.match, 4)
    assert.equal(p.next, 5)
    assert.equal(p.msgAppFlowPaused, false)
    assert.equal(p.maybeUpdate(7), true)
    assert.equal(p.next, 8)
  })

  it('maybeDecrTo ignores stale rejections and otherwise backs next off using the hint', () => {
    const table: Array<[ProgressStateType, number, number, number, number, boolean, number]> = [
      // state, match, next, rejected, hint, want ok, want next
      [ProgressStateType.StateReplicate, 5, 10, 5, 5, false, 10], // stale: rejected ≤ match
      [ProgressStateType.StateReplicate, 5, 10, 4, 4, false, 10],
      [ProgressStateType.StateReplicate, 5, 10, 9, 9, true, 6], // back to match+1
      [ProgressStateType.StateProbe, 0, 0, 0, 0, false, 0], // next-1 ≠ rejected
      [ProgressStateType.StateProbe, 0, 10, 5, 5, false, 10],
      [ProgressStateType.StateProbe, 0, 10, 9, 9, true, 9],
      [ProgressStateType.StateProbe, 0, 2, 1, 1, true, 1],
      [ProgressStateType.StateProbe, 0, 1, 0, 0, true, 1], // never below match+1
      [ProgressStateType.StateProbe, 0, 10, 9, 2, true, 3],
      [ProgressStateType.StateProbe, 0, 10, 9, 0, true, 1]
    ]
    for (const [state, match, next, rejected, hint, wok, wnext] of table) {
      const p = pr(state, match, next)
      assert.equal(p.maybeDecrTo(rejected, hint), wok, `${state} ${match}/${next} rej ${rejected} hint ${hint}`)
      assert.equal(p.next, wnext)
    }
  })

  it('leaving snapshot state resumes after the snapshot or the match, whichever is further', () => {
    const p = pr(ProgressStateType.StateReplicate, 1, 5)
    p.becomeSnapshot(10)
    assert.equal(p.next, 11)
    p.becomeProbe()
    assert.equal(p.next, 11)
    const q = pr(ProgressStateType.StateReplicate, 12, 13)
    q.becomeSnapshot(10)
    q.becomeProbe()
    assert.equal(q.next, 13)
  })
})

describe('quorum', () => {
  it('majority commit index is the median acknowledged index', () => {
    const table: Array<[bigint[], Record<string, number>, number]> = [
      [[], {}, Infinity],
      [[1n], { 1: 5 }, 5],
      [[1n, 2n, 3n], { 1: 5, 2: 3, 3: 1 }, 3],
      [[1n, 2n, 3n], { 1: 5 }, 0],
      [[1n, 2n, 3n, 4n], { 1: 5, 2: 5, 3: 1, 4: 1 }, 1],
      [[1n, 2n, 3n, 4n, 5n], { 1: 9, 2: 8, 3: 7, 4: 1, 5: 0 }, 7]
    ]
    for (const [ids, acked, want] of table) {
      assert.equal(majorityCommittedIndex(new Set(ids), (id) => acked[String(id)]), want)
    }
  })

  it('majority vote result: won, lost, or pending on missing votes', () => {
    const cfg = new Set([1n, 2n, 3n])
    assert.equal(majorityVoteResult(cfg, new Map([[1n, true], [2n, true]])), VoteResult.VoteWon)
    assert.equal(majorityVoteResult(cfg, new Map([[1n, false], [2n, false]])), VoteResult.VoteLost)
    assert.equal(majorityVoteResult(cfg, new Map([[1n, true], [2n, false]])), VoteResult.VotePending)
    assert.equal(majorityVoteResult(new Set(), new Map()), VoteResult.VoteWon)
  })

  it('a joint quorum needs both halves: min of commit indexes, both must win', () => {
    const c: [Set<NodeID>, Set<NodeID>] = [new Set([1n, 2n, 3n]), new Set([3n, 4n, 5n])]
    const acked: Record<string, number> = { 1: 10, 2: 10, 3: 5, 4: 2, 5: 1 }
    assert.equal(jointCommittedIndex(c, (id) => acked[String(id)]), 2)
    assert.equal(jointVoteResult(c, new Map([[1n, true], [2n, true]])), VoteResult.VotePending)
    assert.equal(jointVoteResult(c, new Map([[1n, true], [2n, true], [4n, true], [5n, true]])), VoteResult.VoteWon)
    assert.equal(jointVoteResult(c, new Map([[1n, true], [2n, true], [4n, false], [5n, false]])), VoteResult.VoteLost)
  })

  it('committed index never exceeds any majority\'s minimum (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 9 }), (acks) => {
      const ids = acks.map((_, i) => BigInt(i + 1))
      const ci = majorityCommittedIndex(new Set(ids), (id) => acks[Number(id) - 1])
      const atLeast = acks.filter((a) => a >= ci).length
      assert.ok(atLeast >= Math.floor(acks.length / 2) + 1)
      assert.ok(acks.filter((a) => a >= ci + 1).length < Math.floor(acks.length / 2) + 1)
    }))
  })
})

describe('confchange', () => {
  it('simple changes add voters and learners one at a time', () => {
    const t = newTracker()
    assert.equal(apply(t, (c) => c.simple([add(1n)])), 'voters=(1)')
    assert.equal(apply(t, (c) => c.simple([add(2n)])), 'voters=(1 2)')
    assert.equal(apply(t, (c) => c.simple([learner(3n)])), 'voters=(1 2) learners=(3)')
    assert.equal(apply(t, (c) => c.simple([add(3n)])), 'voters=(1 2 3)', 'promoting a learner')
    assert.equal(apply(t, (c) => c.simple([learner(3n)])), 'voters=(1 2) learners=(3)', 'demoting a voter')
    assert.equal(apply(t, (c) => c.simple([rm(3n)])), 'voters=(1 2)')
    assert.equal(t.progress.has(3n), false)
  })

  it('a simple change may not alter more than one voter, nor remove every voter', () => {
    const t = newTracker()
    apply(t, (c) => c.simple([add(1n)]))
    assert.throws(() => new Changer(t, 10).simple([add(2n), add(3n)]), ConfChangeError)
    assert.throws(() => new Changer(t, 10).simple([rm(1n)]), /removed all voters/)
  })

  it('a joint config keeps the outgoing voters and progress until it is left', () => {
    const t = newTracker()
    apply(t, (c) => c.simple([add(1n)]))
    apply(t, (c) => c.simple([add(2n)]))
    apply(t, (c) => c.simple([add(3n)]))
    assert.equal(apply(t, (c) => c.enterJoint(true, [rm(1n), add(4n), add(5n)])), 'voters=(2 3 4 5)&&(1 2 3) autoleave')
    assert.equal(t.progress.has(1n), true)
    assert.throws(() => new Changer(t, 10).enterJoint(false, [add(6n)]), /already joint/)
    assert.throws(() => new Changer(t, 10).simple([add(6n)]), /joint config/)
    assert.equal(apply(t, (c) => c.leaveJoint()), 'voters=(2 3 4 5)')
    assert.equal(t.progress.has(1n), false)
    assert.throws(() => new Changer(t, 10).leaveJoint(), /non-joint/)
  })

  it('demoting an outgoing voter parks it in learnersNext until the joint config is left', () => {
    const t = newTracker()
    for (const id of [1n, 2n, 3n]) apply(t, (c) => c.simple([add(id)]))
    assert.equal(apply(t, (c) => c.enterJoint(false, [learner(3n)])), 'voters=(1 2)&&(1 2 3) learners_next=(3)')
    assert.equal(t.progress.get(3n)?.isLearner, false)
    assert.equal(apply(t, (c) => c.leaveJoint()), 'voters=(1 2) learners=(3)')
    assert.equal(t.progress.get(3n)?.isLearner, true)
  })

  it('new members start probing at the last index and count as recently active', () => {
    const t = newTracker()
    apply(t, (c) => c.simple([add(1n)]))
    const pr = t.progress.get(1n)
    assert.equal(pr?.next, 10)
    assert.equal(pr?.recentActive, true)
  })

  it('restoring a ConfState rebuilds the same configuration, joint ones included', () => {
    const states: ConfState[] = [
      { voters: [1n, 2n, 3n], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
      { voters: [1n, 2n, 3n], learners: [5n], votersOutgoing: [], learnersNext: [], autoLeave: false },
      { voters: [1n, 2n, 3n], learners: [5n], votersOutgoing: [1n, 2n, 4n, 6n], learnersNext: [4n], autoLeave: true },
      { voters: [7n], learners: [], votersOutgoing: [1n, 2n], learnersNext: [], autoLeave: false }
    ]
    for (const cs of states) {
      const t = newTracker()
      restoreConfState(t, 10, cs)
      assert.deepEqual(t.confState(), cs)
    }
  })

  it('random simple-step changes and one joint change reach the same configuration (property)', () => {
    const idArb = fc.integer({ min: 1, max: 6 }).map(BigInt)
    const ccArb = fc.record({ type: fc.constantFrom(ConfChangeType.ConfChangeAddNode, ConfChangeType.ConfChangeAddLearnerNode, ConfChangeType.ConfChangeRemoveNode), nodeID: idArb }, { noNullPrototype: true })
    fc.assert(fc.property(fc.array(ccArb, { minLength: 1, maxLength: 6 }), (ccs) => {
      const simple = newTracker()
      const joint = newTracker()
      for (const t of [simple, joint]) {
        apply(t, (c) => c.simple([add(1n)]))
        apply(t, (c) => c.simple([add(2n)]))
      }
      let ok = true
      try {
        for (const cc of ccs) apply(simple, (c) => c.simple([cc]))
      } catch {
        ok = false
      }
      fc.pre(ok)
      apply(joint, (c) => c.enterJoint(false, ccs))
      apply(joint, (c) => c.leaveJoint())
      assert.equal(trackerConfigString(joint.config), trackerConfigString(simple.config))
    }), { numRuns: 200 })
  })
})
