import { ErrRevisionNotFound } from './errors.js'
import { revKey, type Revision } from './revision.js'

/**
 * One life of a key: from its creation to its deletion (the tombstone, the last entry of `revs`
 * of every generation but the newest). `ver` counts the puts of the generation, compacted or not.
 */
export interface Generation {
  ver: bigint
  created: Revision
  revs: Revision[]
}

/** What {@link KeyIndex.get} answers. */
export interface KeyIndexGet {
  modified: Revision
  created: Revision
  ver: bigint
}

const ZERO: Revision = { main: 0n, sub: 0n }

function emptyGeneration (): Generation {
  return { ver: 0n, created: ZERO, revs: [] }
}

/**
 * The revisions of one user key (etcd's keyIndex). The key is held as a latin1 string so that
 * JS string order is byte order. Generations are kept in order; the last one is the live one
 * (empty after a deletion).
 */
export class KeyIndex {
  readonly key: string
  modified: Revision = ZERO
  generations: Generation[] = []

  constructor (key: string) {
    this.key = key
  }

  /** Records a put at `rev` (which must be newer than every recorded revision). */
  put (rev: Revision): void {
    // Arrays start as literals: a push onto an empty array reserves 17 slots, which for a million
    // keys written once is a quarter of the index's memory.
    if (this.generations.length === 0) this.generations = [emptyGeneration()]
    const g = this.generations[this.generations.length - 1]
    if (g.revs.length === 0) {
      g.created = rev
      g.revs = [rev]
    } else {
      g.revs.push(rev)
    }
    g.ver++
    this.modified = rev
  }

  /** Rebuild helper: starts a generation whose older revisions were compacted away. */
  restore (created: Revision, modified: Revision, ver: bigint): void {
    this.modified = modified
    this.generations = [{ ver, created, revs: [modified] }]
  }

  /** Records a deletion at `rev` and opens a new, empty generation. */
  tombstone (rev: Revision): void {
    if (this.isEmpty() || this.generations[this.generations.length - 1].revs.length === 0) {
      throw new ErrRevisionNotFound()
    }
    this.put(rev)
    this.generations.push(emptyGeneration())
  }

  /** True when no generation holds a revision. */
  isEmpty (): boolean {
    return this.generations.length === 1 && this.generations[0].revs.length === 0
  }

  /** The generation that is alive at `atRev`, if the key existed then. */
  findGeneration (atRev: bigint): Generation | undefined {
    const last = this.generations.length - 1
    for (let i = last; i >= 0; i--) {
      const g = this.generations[i]
      if (g.revs.length === 0) continue
      // A closed generation ends with its tombstone: at or after it the key did not exist.
      if (i !== last && g.revs[g.revs.length - 1].main <= atRev) return undefined
      if (g.revs[0].main <= atRev) return g
    }
    return undefined
  }

  /** The state of the key at `atRev`, or undefined when it did not exist then. */
  get (atRev: bigint): KeyIndexGet | undefined {
    const g = this.findGeneration(atRev)
    if (g === undefined) return undefined
    for (let n = g.revs.length - 1; n >= 0; n--) {
      if (g.revs[n].main <= atRev) {
        return { modified: g.revs[n], created: g.created, ver: g.ver - BigInt(g.revs.length - n - 1) }
      }
    }
    return undefined
  }

  /**
   * Finds, for compaction at `atRev`, the generation to keep and the index of the newest revision
   * at or below `atRev` in it (which joins `available`).
   */
  #doCompact (atRev: bigint, available: Set<string>): { genIdx: number, revIdx: number } {
    let genIdx = 0
    while (genIdx < this.generations.length - 1) {
      const g = this.generations[genIdx]
      if (g.revs[g.revs.length - 1].main > atRev) break
      genIdx++
    }
    const g = this.generations[genIdx]
    for (let n = g.revs.length - 1; n >= 0; n--) {
      if (g.revs[n].main <= atRev) {
        available.add(revKey(g.revs[n]))
        return { genIdx, revIdx: n }
      }
    }
    return { genIdx, revIdx: -1 }
  }

  /**
   * Drops every revision older than the newest one at or below `atRev` (etcd's keyIndex.compact),
   * adding the kept revision to `available`. A generation reduced to its tombstone is dropped
   * whole, together with the tombstone.
   */
  compact (atRev: bigint, available: Set<string>): void {
    if (this.isEmpty()) return
    let { genIdx, revIdx } = this.#doCompact(atRev, available)
    const g = this.generations[genIdx]
    if (g.revs.length > 0) {
      if (revIdx !== -1) g.revs = g.revs.slice(revIdx)
      if (g.revs.length === 1 && genIdx !== this.generations.length - 1) {
        available.delete(revKey(g.revs[0]))
        genIdx++
      }
    }
    this.generations = this.generations.slice(genIdx)
  }

  /** Adds to `available` what {@link compact} would keep at `atRev`, without changing anything. */
  keep (atRev: bigint, available: Set<string>): void {
    if (this.isEmpty()) return
    const { genIdx, revIdx } = this.#doCompact(atRev, available)
    const g = this.generations[genIdx]
    if (g.revs.length > 0 && revIdx !== -1 && g.revs.length - revIdx === 1 && genIdx !== this.generations.length - 1) {
      available.delete(revKey(g.revs[revIdx]))
    }
  }
}
