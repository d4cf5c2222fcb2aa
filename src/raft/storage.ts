// The Storage interface raft reads its stable log through, and MemoryStorage, the in-memory
// implementation the host keeps in step with its WAL (etcd's raft.MemoryStorage).
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, RaftPanic } from './errors.js'
import { emptySnapshot } from './raftpb/types.js'
import type { ConfState, Entry, HardState, Snapshot } from './raftpb/types.js'
import { limitSize } from './util.js'

/**
 * Read access to the stable (persisted) raft log and state. Raft never writes through it: the host
 * persists each Ready, then makes it visible here before calling `advance()`.
 *
 * Contract (all methods are synchronous):
 * - Entries are contiguous from `firstIndex()` to `lastIndex()`; the entry before `firstIndex()`
 *   has been compacted into the snapshot, but its term stays available through `term()`.
 * - `entries`/`term` throw `ErrCompacted` for indexes below what is retained and
 *   `ErrUnavailable` for indexes above `lastIndex()`.
 * - `snapshot()` may throw `ErrSnapshotTemporarilyUnavailable`; raft then retries later.
 * - Returned arrays and entries must not be mutated afterwards by the storage.
 */
export interface Storage {
  /** The persisted HardState and the ConfState of the latest configuration. */
  initialState (): { hardState: HardState, confState: ConfState }
  /**
   * Entries in [lo, hi), limited so their total size stays within maxSize (at least one entry is
   * returned when any exists).
   */
  entries (lo: number, hi: number, maxSize: number): Entry[]
  /** The term of entry i, for i in [firstIndex()-1, lastIndex()]. */
  term (i: number): number
  /** Index of the last entry (the snapshot index when the log is empty). */
  lastIndex (): number
  /** Index of the first entry that is still available (snapshot index + 1). */
  firstIndex (): number
  /** The most recent snapshot. */
  snapshot (): Snapshot
}

/**
 * An in-memory Storage. `ents[0]` is a dummy entry holding the snapshot's index and term; the
 * real entries follow it.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = { term: 0, vote: 0n, commit: 0 }
  private snap: Snapshot = emptySnapshot()
  private ents: Entry[] = [dummy(0, 0)]

  /**
   * @param confState an initial configuration known out of band (no snapshot, empty log), as a
   *   node joining with a known membership or a test starts; omit for an empty storage.
   */
  constructor (confState?: ConfState) {
    if (confState !== undefined) this.snap.metadata.confState = confState
  }

  initialState (): { hardState: HardState, confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: this.snap.metadata.confState }
  }

  /** Saves the current HardState. */
  setHardState (st: HardState): void {
    this.hardState = { ...st }
  }

  entries (lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.ents[0].index
    if (lo <= offset) throw new ErrCompacted()
    if (hi > this.lastIndex() + 1) throw new RaftPanic(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`)
    if (this.ents.length === 1) throw new ErrUnavailable()
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize)
  }

  term (i: number): number {
    const offset = this.ents[0].index
    if (i < offset) throw new ErrCompacted()
    if (i - offset >= this.ents.length) throw new ErrUnavailable()
    return this.ents[i - offset].term
  }

  lastIndex (): number {
    return this.ents[0].index + this.ents.length - 1
  }

  firstIndex (): number {
    return this.ents[0].index + 1
  }

  snapshot (): Snapshot {
    return this.snap
  }

  /** Replaces the contents with a snapshot (a follower catching up). Throws ErrSnapOutOfDate if not newer. */
  applySnapshot (snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw new ErrSnapOutOfDate()
    this.snap = snap
    this.ents = [dummy(snap.metadata.index, snap.metadata.term)]
  }

  /**
   * Records a snapshot at applied index `i` (≤ lastIndex) with the given config and data, to be
   * served to followers; the log is not compacted (call `compact`).
   */
  createSnapshot (i: number, cs: ConfState | undefined, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw new ErrSnapOutOfDate()
    const offset = this.ents[0].index
    if (i > this.lastIndex()) throw new RaftPanic(`snapshot ${i} is out of bound lastindex(${this.lastIndex()})`)
    this.snap = {
      data,
      metadata: { index: i, term: this.ents[i - offset].term, confState: cs ?? this.snap.metadata.confState }
    }
    return this.snap
  }

  /** Discards entries up to and including compactIndex. The host must not compact past the applied index. */
  compact (compactIndex: number): void {
    const offset = this.ents[0].index
    if (compactIndex <= offset) throw new ErrCompacted()
    if (compactIndex > this.lastIndex()) throw new RaftPanic(`compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`)
    const i = compactIndex - offset
    const next = [dummy(this.ents[i].index, this.ents[i].term)]
    for (let j = i + 1; j < this.ents.length; j++) next.push(this.ents[j])
    this.ents = next
  }

  /** Appends entries, truncating any existing entries they conflict with. Entries must be contiguous. */
  append (entries: Entry[]): void {
    if (entries.length === 0) return
    const first = this.firstIndex()
    const last = entries[0].index + entries.length - 1
    if (last < first) return // all already compacted
    if (first > entries[0].index) entries = entries.slice(first - entries[0].index)
    const offset = entries[0].index - this.ents[0].index
    if (this.ents.length > offset) {
      this.ents = this.ents.slice(0, offset)
      for (const e of entries) this.ents.push(e)
    } else if (this.ents.length === offset) {
      for (const e of entries) this.ents.push(e)
    } else {
      throw new RaftPanic(`missing log entry [last: ${this.lastIndex()}, append at: ${entries[0].index}]`)
    }
  }
}

function dummy (index: number, term: number): Entry {
  return { index, term, type: 0, data: new Uint8Array(0) }
}
