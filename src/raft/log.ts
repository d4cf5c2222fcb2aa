// The raft log: the stable part read through Storage plus the unstable tail, with the commit,
// applying and applied positions.
import { ErrCompacted, ErrUnavailable, RaftPanic } from './errors.js'
import { Unstable } from './log-unstable.js'
import type { RaftLogger } from './logger.js'
import type { Entry, Snapshot } from './raftpb/types.js'
import type { Storage } from './storage.js'
import { entsSize, limitSize } from './util.js'

export interface EntryID { term: number, index: number }

export class RaftLog {
  readonly unstable: Unstable
  /** Highest index known to be committed on a quorum. */
  committed: number
  /** Highest index handed to the host for applying (≥ applied). */
  applying: number
  /** Highest index the host reported applied. */
  applied: number
  /** Size of entries handed out for applying but not yet reported applied. */
  applyingEntsSize = 0
  /** Handing out more committed entries is paused until some are applied. */
  applyingEntsPaused = false

  constructor (readonly storage: Storage, readonly logger: RaftLogger, readonly maxApplyingEntsSize: number) {
    const first = storage.firstIndex()
    const last = storage.lastIndex()
    this.unstable = new Unstable(last + 1)
    this.committed = first - 1
    this.applying = first - 1
    this.applied = first - 1
  }

  toString (): string {
    return `committed=${this.committed}, applied=${this.applied}, applying=${this.applying}, unstable.offset=${this.unstable.offset}, unstable.offsetInProgress=${this.unstable.offsetInProgress}, len(unstable.Entries)=${this.unstable.entries.length}`
  }

  /**
   * Appends the entries of a MsgApp whose previous entry is (index, logTerm) when that entry
   * matches; returns the index of the last new entry, or undefined on a mismatch.
   */
  maybeAppend (index: number, logTerm: number, committed: number, ents: Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined
    const lastnewi = index + ents.length
    const ci = this.findConflict(ents)
    if (ci !== 0) {
      if (ci <= this.committed) throw new RaftPanic(`entry ${ci} conflict with committed entry [committed(${this.committed})]`)
      const offset = index + 1
      if (ci - offset > ents.length) throw new RaftPanic(`index, ${ci - offset}, is out of range [${ents.length}]`)
      this.append(ents.slice(ci - offset))
    }
    this.commitTo(Math.min(committed, lastnewi))
    return lastnewi
  }

  append (ents: Entry[]): number {
    if (ents.length === 0) return this.lastIndex()
    const after = ents[0].index - 1
    if (after < this.committed) throw new RaftPanic(`after(${after}) is out of range [committed(${this.committed})]`)
    this.unstable.truncateAndAppend(ents)
    return this.lastIndex()
  }

  /**
   * The index of the first entry of `ents` that conflicts with the log (same index, different
   * term), or of the first new entry; 0 when every entry is already present.
   */
  findConflict (ents: Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index
    }
    return 0
  }

  /**
   * The largest index ≤ `index` whose term is ≤ `term`, with that term: where a log with
   * `term` at `index` can at best match ours. Term 0 means unknown (compacted).
   */
  findConflictByTerm (index: number, term: number): [number, number] {
    for (; index > 0; index--) {
      // Unknown (compacted): assume a possible match there, with term 0 meaning "unknown".
      const ourTerm = this.maybeTerm(index)
      if (ourTerm === undefined) return [index, 0]
      if (ourTerm <= term) return [index, ourTerm]
    }
    return [0, 0]
  }

  nextUnstableEnts (): Entry[] { return this.unstable.nextEntries() }

  hasNextUnstableEnts (): boolean { return this.unstable.nextEntries().length > 0 }

  hasNextOrInProgressUnstableEnts (): boolean { return this.unstable.entries.length > 0 }

  /** Committed entries ready to hand out for applying (size-bounded), possibly not yet stable. */
  nextCommittedEnts (allowUnstable: boolean): Entry[] {
    if (this.applyingEntsPaused) return []
    if (this.hasNextOrInProgressSnapshot()) return []
    const lo = this.applying + 1
    const hi = this.maxAppliableIndex(allowUnstable) + 1
    if (lo >= hi) return []
    const maxSize = this.maxApplyingEntsSize - this.applyingEntsSize
    if (maxSize <= 0) throw new RaftPanic(`applying entry size (${this.applyingEntsSize}-${this.maxApplyingEntsSize})=${maxSize} not positive`)
    return this.slice(lo, hi, maxSize)
  }

  hasNextCommittedEnts (allowUnstable: boolean): boolean {
    if (this.applyingEntsPaused) return false
    if (this.hasNextOrInProgressSnapshot()) return false
    return this.applying + 1 < this.maxAppliableIndex(allowUnstable) + 1
  }

  private maxAppliableIndex (allowUnstable: boolean): number {
    let hi = this.committed
    if (!allowUnstable) hi = Math.min(hi, this.unstable.offset - 1)
    return hi
  }

  nextUnstableSnapshot (): Snapshot | undefined { return this.unstable.nextSnapshot() }

  hasNextUnstableSnapshot (): boolean { return this.unstable.nextSnapshot() !== undefined }

  hasNextOrInProgressSnapshot (): boolean { return this.unstable.snapshot !== undefined }

  snapshot (): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot()
  }

  firstIndex (): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex()
  }

  lastIndex (): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex()
  }

  commitTo (tocommit: number): void {
    if (this.committed < tocommit) {
      if (this.lastIndex() < tocommit) {
        throw new RaftPanic(`tocommit(${tocommit}) is out of range [lastIndex(${this.lastIndex()})]. Was the raft log corrupted, truncated, or lost?`)
      }
      this.committed = tocommit
    }
  }

  appliedTo (i: number, size: number): void {
    if (this.committed < i || i < this.applied) {
      throw new RaftPanic(`applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`)
    }
    this.applied = i
    this.applying = Math.max(this.applying, i)
    this.applyingEntsSize = this.applyingEntsSize > size ? this.applyingEntsSize - size : 0
    this.applyingEntsPaused = this.applyingEntsSize >= this.maxApplyingEntsSize
  }

  acceptApplying (i: number, size: number): void {
    if (this.committed < i) throw new RaftPanic(`applying(${i}) is out of range [prevApplying(${this.applying}), committed(${this.committed})]`)
    this.applying = i
    this.applyingEntsSize += size
    this.applyingEntsPaused = this.applyingEntsSize >= this.maxApplyingEntsSize
  }

  stableTo (id: EntryID): void { this.unstable.stableTo(id.index, id.term) }

  stableSnapTo (i: number): void { this.unstable.stableSnapTo(i) }

  acceptUnstable (): void { this.unstable.acceptInProgress() }

  lastTerm (): number {
    return this.term(this.lastIndex())
  }

  lastEntryID (): EntryID {
    const index = this.lastIndex()
    return { index, term: this.term(index) }
  }

  /** The term of entry i; throws ErrCompacted / ErrUnavailable outside [firstIndex-1, lastIndex]. */
  term (i: number): number {
    const t = this.unstable.maybeTerm(i)
    if (t !== undefined) return t
    if (i + 1 < this.firstIndex()) throw new ErrCompacted()
    if (i > this.lastIndex()) throw new ErrUnavailable()
    return this.storage.term(i)
  }

  /**
   * The term of entry i, or undefined when it is compacted or beyond the log. The hot paths use
   * this instead of term(): building an error (with its stack) per probe would dominate the cost.
   */
  maybeTerm (i: number): number | undefined {
    const t = this.unstable.maybeTerm(i)
    if (t !== undefined) return t
    if (i + 1 < this.firstIndex() || i > this.lastIndex()) return undefined
    try {
      return this.storage.term(i)
    } catch (err) {
      if (err instanceof ErrCompacted || err instanceof ErrUnavailable) return undefined
      throw err
    }
  }

  /** The term of entry i, or 0 when it is compacted or beyond the log. */
  zeroTermOnOutOfBounds (i: number): number {
    return this.maybeTerm(i) ?? 0
  }

  /** Entries from i to the end, size-bounded. */
  entries (i: number, maxSize: number): Entry[] {
    if (i > this.lastIndex()) return []
    return this.slice(i, this.lastIndex() + 1, maxSize)
  }

  /** Every entry in the log (retrying if compaction races). */
  allEntries (): Entry[] {
    for (;;) {
      try {
        return this.entries(this.firstIndex(), Infinity)
      } catch (err) {
        if (!(err instanceof ErrCompacted)) throw err
      }
    }
  }

  /** Whether a log ending at `id` is at least as up to date as ours (§5.4.1). */
  isUpToDate (id: EntryID): boolean {
    const lastTerm = this.lastTerm()
    return id.term > lastTerm || (id.term === lastTerm && id.index >= this.lastIndex())
  }

  matchTerm (i: number, t: number): boolean {
    return this.maybeTerm(i) === t
  }

  /** Commits up to `index` if the entry there has term `term` (the leader's current term). */
  maybeCommit (index: number, term: number): boolean {
    if (term !== 0 && index > this.committed && this.zeroTermOnOutOfBounds(index) === term) {
      this.commitTo(index)
      return true
    }
    return false
  }

  restore (s: Snapshot): void {
    this.logger.info('log starts to restore snapshot', { index: s.metadata.index, term: s.metadata.term })
    this.committed = s.metadata.index
    this.unstable.restore(s)
  }

  /** Entries in [lo, hi), size-bounded (always at least one when the range is non-empty). */
  slice (lo: number, hi: number, maxSize: number): Entry[] {
    this.mustCheckOutOfBounds(lo, hi)
    if (lo === hi) return []
    if (lo >= this.unstable.offset) {
      return limitSize(this.unstable.slice(lo, hi), maxSize)
    }
    const cut = Math.min(hi, this.unstable.offset)
    let ents: Entry[]
    try {
      ents = this.storage.entries(lo, cut, maxSize)
    } catch (err) {
      if (err instanceof ErrUnavailable) throw new RaftPanic(`entries[${lo}:${cut}) is unavailable from storage`)
      throw err
    }
    if (hi <= this.unstable.offset) return ents
    // The stable part was cut by size: do not append unstable entries after the gap.
    if (ents.length < cut - lo) return ents
    const size = entsSize(ents)
    if (size >= maxSize) return ents
    const more = limitSize(this.unstable.slice(this.unstable.offset, hi), maxSize - size)
    if (more.length === 1 && size + entsSize(more) > maxSize) return ents
    return ents.concat(more)
  }

  private mustCheckOutOfBounds (lo: number, hi: number): void {
    if (lo > hi) throw new RaftPanic(`invalid slice ${lo} > ${hi}`)
    const fi = this.firstIndex()
    if (lo < fi) throw new ErrCompacted()
    const length = this.lastIndex() + 1 - fi
    if (hi > fi + length) throw new RaftPanic(`slice[${lo},${hi}) out of bound [${fi},${this.lastIndex()}]`)
  }
}
