import sortedBtree from 'sorted-btree'
import { KeyIndex, type KeyIndexGet } from './key-index.js'
import type { Revision } from './revision.js'

/** Above every latin1 string: the exclusive upper bound of an open-ended range. */
const MAX_KEY = '\u0100'

// sorted-btree is CommonJS with `exports.default`; under nodenext the class is `.default`.
const BTree = sortedBtree.default

function cmp (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** One key alive at the asked revision, with its state then. */
export interface IndexedKey extends KeyIndexGet {
  key: string
}

/**
 * The in-memory index from user key to revisions (etcd's treeIndex), a B+ tree keyed by latin1
 * strings. Ranges: `end` undefined = the single key `key`; `end` = '' = every key >= `key`;
 * otherwise `[key, end)` (empty when `end <= key`).
 */
export class TreeIndex {
  #tree = new BTree<string, KeyIndex>(undefined, cmp)

  /** Number of keys with at least one revision (live or not yet compacted). */
  get size (): number { return this.#tree.size }

  put (key: string, rev: Revision): void {
    let ki = this.#tree.get(key)
    if (ki === undefined) {
      ki = new KeyIndex(key)
      this.#tree.set(key, ki)
    }
    ki.put(rev)
  }

  /** Rebuild helper (see KeyIndex.restore). */
  restore (key: string, created: Revision, modified: Revision, ver: bigint): void {
    const ki = new KeyIndex(key)
    ki.restore(created, modified, ver)
    this.#tree.set(key, ki)
  }

  /** The KeyIndex of `key`, if any. */
  keyIndex (key: string): KeyIndex | undefined {
    return this.#tree.get(key)
  }

  tombstone (key: string, rev: Revision): void {
    const ki = this.#tree.get(key)
    if (ki === undefined) throw new Error(`mvcc: tombstone of unknown key ${JSON.stringify(key)}`)
    ki.tombstone(rev)
  }

  get (key: string, atRev: bigint): KeyIndexGet | undefined {
    return this.#tree.get(key)?.get(atRev)
  }

  /** Calls `fn` for each KeyIndex in the range until it returns false. */
  visit (key: string, end: string | undefined, fn: (ki: KeyIndex) => boolean): void {
    if (end === undefined) {
      const ki = this.#tree.get(key)
      if (ki !== undefined) fn(ki)
      return
    }
    const hi = end === '' ? MAX_KEY : end
    if (hi <= key) return
    this.#tree.forRange(key, hi, false, (_k, ki) => {
      if (!fn(ki)) return { break: true }
    })
  }

  /**
   * The keys alive at `atRev` in the range, at most `limit` of them when `limit > 0`, and `total`,
   * the number of all keys alive at `atRev` in the range.
   */
  revisions (key: string, end: string | undefined, atRev: bigint, limit: number): { keys: IndexedKey[], total: number } {
    const keys: IndexedKey[] = []
    let total = 0
    this.visit(key, end, (ki) => {
      const g = ki.get(atRev)
      if (g !== undefined) {
        if (limit <= 0 || keys.length < limit) keys.push({ key: ki.key, ...g })
        total++
      }
      return true
    })
    return { keys, total }
  }

  /** The number of keys alive at `atRev` in the range. */
  countRevisions (key: string, end: string | undefined, atRev: bigint): number {
    let total = 0
    this.visit(key, end, (ki) => {
      if (ki.findGeneration(atRev) !== undefined) total++
      return true
    })
    return total
  }

  /** Compacts every key at `rev`; returns the revisions (revKey) that must stay in the backend. */
  compact (rev: bigint): Set<string> {
    const available = new Set<string>()
    const empty: string[] = []
    this.#tree.forEachPair((k, ki) => {
      ki.compact(rev, available)
      if (ki.isEmpty()) empty.push(k)
    })
    for (const k of empty) this.#tree.delete(k)
    return available
  }

  /** The revisions (revKey) a compaction at `rev` would keep. */
  keep (rev: bigint): Set<string> {
    const available = new Set<string>()
    this.#tree.forEachPair((_k, ki) => { ki.keep(rev, available) })
    return available
  }

  /** Removes everything (used before a rebuild). */
  clear (): void {
    this.#tree.clear()
  }
}
