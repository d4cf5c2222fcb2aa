// The raft log (stable storage view + unstable tail), the unstable tail alone, and MemoryStorage.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { RaftLog } from '../../src/raft/log.js'
import { Unstable } from '../../src/raft/log-unstable.js'
import { discardLogger } from '../../src/raft/logger.js'
import { ENTRY_OVERHEAD } from '../../src/raft/util.js'
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, MemoryStorage, RaftPanic } from '../../src/raft/index.js'
import type { Snapshot } from '../../src/raft/index.js'
import { confState, ent, entsWithTerms, ids } from './helpers.js'

function newLog (storage = new MemoryStorage(), maxApplying = Infinity): RaftLog {
  return new RaftLog(storage, discardLogger, maxApplying)
}

function snap (index: number, term: number): Snapshot {
  return { data: new Uint8Array(), metadata: { index, term, confState: confState([1n]) } }
}

const E = (t: number, i: number): [number, number] => [t, i]

describe('raft log', () => {
  it('findConflict returns the first mismatching or new index, 0 when all present', () => {
    const prev = [ent(1, 1), ent(2, 2), ent(3, 3)]
    const table: Array<[Array<[number, number]>, number]> = [
      [[], 0],
      [[E(1, 1), E(2, 2), E(3, 3)], 0],
      [[E(2, 2), E(3, 3)], 0],
      [[E(3, 3)], 0],
      [[E(1, 1), E(2, 2), E(3, 3), E(4, 4), E(4, 5)], 4],
      [[E(4, 4), E(4, 5)], 4],
      [[E(4, 1), E(4, 2)], 1],
      [[E(1, 2), E(4, 3), E(4, 4)], 2],
      [[E(1, 3), E(2, 4), E(4, 5), E(4, 6)], 3]
    ]
    for (const [ents, want] of table) {
      const l = newLog()
      l.append(prev)
      assert.equal(l.findConflict(ents.map(([t, i]) => ent(t, i))), want)
    }
  })

  it('findConflictByTerm finds the last index whose term is ≤ the given term', () => {
    const table: Array<[number[], number, number, number, number]> = [
      // log terms (from index 1), index, term, want index, want term
      [[2, 2, 5, 5, 5], 5, 6, 5, 5],
      [[2, 2, 5, 5, 5], 5, 5, 5, 5],
      [[2, 2, 5, 5, 5], 5, 2, 2, 2],
      [[2, 2, 5, 5, 5], 5, 4, 2, 2],
      [[2, 2, 5, 5, 5], 5, 1, 0, 0],
      [[2, 2, 5, 5, 5], 3, 1, 0, 0],
      [[2, 2, 5, 5, 5], 3, 2, 2, 2]
    ]
    for (const [terms, index, term, wi, wt] of table) {
      const l = newLog()
      l.append(entsWithTerms(...terms))
      assert.deepEqual(l.findConflictByTerm(index, term), [wi, wt])
    }
  })

  it('findConflictByTerm reports term 0 once it reaches compacted entries', () => {
    const s = new MemoryStorage()
    s.applySnapshot(snap(10, 3))
    s.append([ent(3, 11), ent(4, 12)])
    const l = newLog(s)
    assert.deepEqual(l.findConflictByTerm(12, 3), [11, 3])
    // 12, 11 and 10 (the snapshot's term) all have larger terms; 9 is compacted: unknown.
    assert.deepEqual(l.findConflictByTerm(12, 2), [9, 0])
  })

  it('isUpToDate compares last term first, then last index (§5.4.1)', () => {
    const l = newLog()
    l.append(entsWithTerms(1, 2, 3))
    const table: Array<[number, number, boolean]> = [
      [2, 4, false], [2, 3, false], [2, 2, false], // lower term
      [3, 4, true], [3, 3, true], [3, 2, false], // same term
      [4, 1, true], [4, 4, true] // higher term
    ]
    for (const [term, index, want] of table) assert.equal(l.isUpToDate({ term, index }), want, `(${term}, ${index})`)
  })

  it('append truncates a conflicting unstable tail', () => {
    const s = new MemoryStorage()
    s.append(entsWithTerms(1, 2))
    const table: Array<[Array<[number, number]>, number, Array<[number, number]>, number]> = [
      [[], 2, [E(1, 1), E(2, 2)], 3],
      [[E(2, 3)], 3, [E(1, 1), E(2, 2), E(2, 3)], 3],
      [[E(2, 1)], 1, [E(2, 1)], 1], // conflict at 1
      [[E(3, 2), E(3, 3)], 3, [E(1, 1), E(3, 2), E(3, 3)], 2] // conflict at 2
    ]
    for (const [ents, windex, wents, wunstable] of table) {
      const st = new MemoryStorage()
      st.append(entsWithTerms(1, 2))
      const l = newLog(st)
      assert.equal(l.append(ents.map(([t, i]) => ent(t, i))), windex)
      assert.deepEqual(ids(l.entries(1, Infinity)), wents)
      assert.equal(l.unstable.offset, wunstable)
    }
  })

  it('maybeAppend accepts matching appends, commits up to min(commit, last new), rejects mismatches', () => {
    const prev = [ent(1, 1), ent(2, 2), ent(3, 3)]
    const table: Array<[number, number, number, Array<[number, number]>, number | undefined, number]> = [
      // logTerm, index, commit, ents, want last new, want commit
      [2, 3, 3, [E(4, 4)], undefined, 1], // prev term mismatch
      [3, 4, 3, [E(4, 5)], undefined, 1], // prev index beyond log
      [3, 3, 3, [], 3, 3],
      [3, 3, 4, [], 3, 3], // commit capped at last new index
      [3, 3, 2, [], 3, 2],
      [3, 3, 4, [E(4, 4)], 4, 4],
      [3, 3, 5, [E(4, 4), E(4, 5)], 5, 5],
      [2, 2, 4, [E(4, 3)], 3, 3], // conflict at 3 replaced
      [1, 1, 4, [E(4, 2)], 2, 2]
    ]
    for (const [logTerm, index, commit, ents, wlast, wcommit] of table) {
      const l = newLog()
      l.append(prev)
      l.committed = 1
      assert.equal(l.maybeAppend(index, logTerm, commit, ents.map(([t, i]) => ent(t, i))), wlast)
      assert.equal(l.committed, wcommit)
    }
  })

  it('maybeAppend refuses to overwrite a committed entry', () => {
    const l = newLog()
    l.append([ent(1, 1), ent(2, 2), ent(3, 3)])
    l.committed = 3
    assert.throws(() => l.maybeAppend(0, 0, 3, [ent(4, 1)]), RaftPanic)
  })

  it('commitTo never decreases and refuses to pass the last index', () => {
    const l = newLog()
    l.append([ent(1, 1), ent(2, 2), ent(3, 3)])
    l.commitTo(2)
    l.commitTo(1)
    assert.equal(l.committed, 2)
    assert.throws(() => l.commitTo(4), RaftPanic)
  })

  it('hands out committed entries after the applied index, and none while a snapshot is pending', () => {
    const s = new MemoryStorage()
    s.applySnapshot(snap(3, 1))
    s.append([ent(1, 4), ent(1, 5), ent(1, 6)])
    const l = newLog(s)
    l.commitTo(5)
    l.appliedTo(4, 0)
    assert.deepEqual(ids(l.nextCommittedEnts(true)), [E(1, 5)])
    assert.equal(l.hasNextCommittedEnts(true), true)
    l.restore(snap(10, 2))
    assert.equal(l.hasNextCommittedEnts(true), false)
    assert.deepEqual(l.nextCommittedEnts(true), [])
  })

  it('unstable committed entries are handed out only when allowed', () => {
    const s = new MemoryStorage()
    s.append([ent(1, 1)])
    const l = newLog(s)
    l.append([ent(1, 2), ent(1, 3)])
    l.commitTo(3)
    assert.deepEqual(ids(l.nextCommittedEnts(false)), [E(1, 1)])
    assert.deepEqual(ids(l.nextCommittedEnts(true)), [E(1, 1), E(1, 2), E(1, 3)])
  })

  it('pauses handing out committed entries once the applying size budget is used', () => {
    const s = new MemoryStorage()
    const l = newLog(s, 2 * (ENTRY_OVERHEAD + 1))
    l.append([ent(1, 1, 'a'), ent(1, 2, 'b'), ent(1, 3, 'c')])
    l.commitTo(3)
    const first = l.nextCommittedEnts(true)
    assert.deepEqual(ids(first), [E(1, 1), E(1, 2)])
    l.acceptApplying(2, 2 * (ENTRY_OVERHEAD + 1))
    assert.equal(l.hasNextCommittedEnts(true), false)
    l.appliedTo(2, 2 * (ENTRY_OVERHEAD + 1))
    assert.deepEqual(ids(l.nextCommittedEnts(true)), [E(1, 3)])
  })

  it('stableTo ignores a persisted report whose term no longer matches (overwritten entry)', () => {
    const l = newLog()
    l.append([ent(1, 1), ent(1, 2)])
    l.acceptUnstable()
    l.append([ent(2, 2)]) // overwrite index 2 with a new term before the old write completed
    l.stableTo({ index: 2, term: 1 })
    assert.equal(l.unstable.offset, 1, 'nothing marked stable')
    l.stableTo({ index: 2, term: 2 })
    assert.equal(l.unstable.offset, 3)
  })

  it('term() distinguishes compacted, available and unavailable indexes', () => {
    const s = new MemoryStorage()
    s.applySnapshot(snap(5, 2))
    s.append([ent(2, 6), ent(3, 7)])
    const l = newLog(s)
    assert.throws(() => l.term(3), ErrCompacted)
    assert.equal(l.term(4 + 1), 2) // the snapshot's own entry keeps its term
    assert.equal(l.term(7), 3)
    assert.throws(() => l.term(8), ErrUnavailable)
    assert.equal(l.zeroTermOnOutOfBounds(8), 0)
    assert.equal(l.zeroTermOnOutOfBounds(3), 0)
  })

  it('slice respects maxSize across the stable/unstable boundary and always returns one entry', () => {
    const s = new MemoryStorage()
    s.append([ent(1, 1, 'aa'), ent(1, 2, 'bb')])
    const l = newLog(s)
    l.append([ent(1, 3, 'cc'), ent(1, 4, 'dd')])
    const one = ENTRY_OVERHEAD + 2
    assert.deepEqual(ids(l.slice(1, 5, Infinity)), [E(1, 1), E(1, 2), E(1, 3), E(1, 4)])
    assert.deepEqual(ids(l.slice(1, 5, 0)), [E(1, 1)])
    assert.deepEqual(ids(l.slice(1, 5, 3 * one)), [E(1, 1), E(1, 2), E(1, 3)])
    assert.deepEqual(ids(l.slice(2, 4, one)), [E(1, 2)])
    assert.deepEqual(ids(l.slice(3, 5, one)), [E(1, 3)])
    assert.throws(() => l.slice(0, 2, Infinity), ErrCompacted)
    assert.throws(() => l.slice(2, 7, Infinity), RaftPanic)
  })

  it('restore installs a snapshot as the new log base and commit index', () => {
    const l = newLog()
    l.append(entsWithTerms(1, 1, 1))
    l.restore(snap(100, 5))
    assert.equal(l.committed, 100)
    assert.equal(l.firstIndex(), 101)
    assert.equal(l.lastIndex(), 100)
    assert.equal(l.term(100), 5)
    assert.equal(l.hasNextUnstableSnapshot(), true)
  })

  it('maybeCommit only commits an index whose entry carries the given term', () => {
    const l = newLog()
    l.append(entsWithTerms(1, 2, 2))
    assert.equal(l.maybeCommit(2, 1), false)
    assert.equal(l.maybeCommit(2, 2), true)
    assert.equal(l.committed, 2)
    assert.equal(l.maybeCommit(9, 2), false)
  })
})

describe('unstable log tail', () => {
  it('reports first/last index and terms from entries or the snapshot', () => {
    const u = new Unstable(6)
    assert.equal(u.maybeFirstIndex(), undefined)
    assert.equal(u.maybeLastIndex(), undefined)
    u.restore(snap(5, 2))
    assert.equal(u.maybeFirstIndex(), 6)
    assert.equal(u.maybeLastIndex(), 5)
    assert.equal(u.maybeTerm(5), 2)
    assert.equal(u.maybeTerm(4), undefined)
    u.truncateAndAppend([ent(3, 6), ent(3, 7)])
    assert.equal(u.maybeLastIndex(), 7)
    assert.equal(u.maybeTerm(7), 3)
    assert.equal(u.maybeTerm(8), undefined)
  })

  it('truncateAndAppend appends, replaces everything, or truncates in the middle', () => {
    const table: Array<[number, Array<[number, number]>, Array<[number, number]>, number, Array<[number, number]>]> = [
      [5, [E(1, 5)], [E(1, 6), E(1, 7)], 5, [E(1, 5), E(1, 6), E(1, 7)]],
      [5, [E(1, 5)], [E(2, 5), E(2, 6)], 5, [E(2, 5), E(2, 6)]],
      [5, [E(1, 5)], [E(2, 4), E(2, 5)], 4, [E(2, 4), E(2, 5)]],
      [5, [E(1, 5), E(1, 6), E(1, 7)], [E(2, 6)], 5, [E(1, 5), E(2, 6)]],
      [5, [E(1, 5), E(1, 6), E(1, 7)], [E(2, 7), E(2, 8)], 5, [E(1, 5), E(1, 6), E(2, 7), E(2, 8)]]
    ]
    for (const [offset, ents, toappend, woffset, wents] of table) {
      const u = new Unstable(offset)
      u.entries = ents.map(([t, i]) => ent(t, i))
      u.truncateAndAppend(toappend.map(([t, i]) => ent(t, i)))
      assert.equal(u.offset, woffset)
      assert.deepEqual(ids(u.entries), wents)
    }
  })

  it('handing out entries marks them in progress; truncation below pulls the mark back', () => {
    const u = new Unstable(5)
    u.truncateAndAppend([ent(1, 5), ent(1, 6), ent(1, 7)])
    assert.deepEqual(ids(u.nextEntries()), [E(1, 5), E(1, 6), E(1, 7)])
    u.acceptInProgress()
    assert.deepEqual(u.nextEntries(), [])
    u.truncateAndAppend([ent(2, 6)])
    assert.deepEqual(ids(u.nextEntries()), [E(2, 6)])
  })

  it('stableSnapTo clears the snapshot only for its own index', () => {
    const u = new Unstable(1)
    u.restore(snap(5, 1))
    u.stableSnapTo(4)
    assert.ok(u.snapshot !== undefined)
    u.stableSnapTo(5)
    assert.equal(u.snapshot, undefined)
  })
})

describe('MemoryStorage', () => {
  function stor (): MemoryStorage {
    const s = new MemoryStorage()
    s.applySnapshot(snap(3, 3))
    s.append([ent(4, 4), ent(5, 5)])
    return s
  }

  it('term() is available from the snapshot index to the last index', () => {
    const s = stor()
    assert.throws(() => s.term(2), ErrCompacted)
    assert.equal(s.term(3), 3)
    assert.equal(s.term(5), 5)
    assert.throws(() => s.term(6), ErrUnavailable)
  })

  it('entries() honours compaction, bounds and size limits', () => {
    const s = stor()
    assert.throws(() => s.entries(3, 5, Infinity), ErrCompacted)
    assert.deepEqual(ids(s.entries(4, 6, Infinity)), [E(4, 4), E(5, 5)])
    assert.deepEqual(ids(s.entries(4, 6, 0)), [E(4, 4)])
    assert.throws(() => s.entries(4, 7, Infinity), RaftPanic)
    assert.equal(s.firstIndex(), 4)
    assert.equal(s.lastIndex(), 5)
  })

  it('compact keeps the compacted entry\'s term and refuses to go backwards', () => {
    const s = stor()
    s.compact(4)
    assert.equal(s.firstIndex(), 5)
    assert.equal(s.term(4), 4)
    assert.throws(() => s.compact(4), ErrCompacted)
    assert.throws(() => s.compact(9), RaftPanic)
  })

  it('createSnapshot records index, term and config; older snapshots are refused', () => {
    const s = stor()
    const sn = s.createSnapshot(5, confState([1n, 2n]), new Uint8Array([7]))
    assert.equal(sn.metadata.index, 5)
    assert.equal(sn.metadata.term, 5)
    assert.deepEqual(sn.metadata.confState.voters, [1n, 2n])
    assert.throws(() => s.createSnapshot(4, undefined, new Uint8Array()), ErrSnapOutOfDate)
    assert.throws(() => s.applySnapshot(snap(5, 5)), ErrSnapOutOfDate)
  })

  it('append truncates a conflicting tail, skips compacted entries, and refuses a gap', () => {
    const s = stor()
    s.append([ent(6, 5), ent(6, 6)])
    assert.deepEqual(ids(s.entries(4, 7, Infinity)), [E(4, 4), E(6, 5), E(6, 6)])
    s.append([ent(3, 2), ent(3, 3), ent(7, 4)]) // the compacted part is skipped
    assert.deepEqual(ids(s.entries(4, 5, Infinity)), [E(7, 4)])
    assert.throws(() => s.append([ent(8, 9)]), RaftPanic)
  })

  it('initialState returns the HardState set and the snapshot configuration', () => {
    const s = stor()
    s.setHardState({ term: 5, vote: 2n, commit: 4 })
    const st = s.initialState()
    assert.deepEqual(st.hardState, { term: 5, vote: 2n, commit: 4 })
    assert.deepEqual(st.confState.voters, [1n])
  })
})
