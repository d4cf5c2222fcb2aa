// The unstable tail of the raft log: entries (and possibly a snapshot) accepted but not yet
// known to be persisted. Entries handed to the host in a Ready are "in progress" until the host
// reports them stable (via advance); only then are they trimmed from here.
import { RaftPanic } from './errors.js'
import type { Entry, Snapshot } from './raftpb/types.js'

export class Unstable {
  /** An incoming snapshot, if any. */
  snapshot: Snapshot | undefined = undefined
  /** Entries from index `offset` on. */
  entries: Entry[] = []
  offset: number
  /** The snapshot has been handed out in a Ready. */
  snapshotInProgress = false
  /** Entries below this index have been handed out in a Ready. */
  offsetInProgress: number

  constructor (offset: number) {
    this.offset = offset
    this.offsetInProgress = offset
  }

  maybeFirstIndex (): number | undefined {
    return this.snapshot === undefined ? undefined : this.snapshot.metadata.index + 1
  }

  maybeLastIndex (): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1
    return this.snapshot?.metadata.index
  }

  maybeTerm (i: number): number | undefined {
    if (i < this.offset) {
      if (this.snapshot !== undefined && this.snapshot.metadata.index === i) return this.snapshot.metadata.term
      return undefined
    }
    const last = this.maybeLastIndex()
    if (last === undefined || i > last) return undefined
    return this.entries[i - this.offset].term
  }

  /** Entries not yet handed out. */
  nextEntries (): Entry[] {
    const inProgress = this.offsetInProgress - this.offset
    if (this.entries.length === inProgress) return []
    return this.entries.slice(inProgress)
  }

  /** The snapshot, if not yet handed out. */
  nextSnapshot (): Snapshot | undefined {
    if (this.snapshot === undefined || this.snapshotInProgress) return undefined
    return this.snapshot
  }

  /** Marks everything currently held as handed out. */
  acceptInProgress (): void {
    if (this.entries.length > 0) this.offsetInProgress = this.entries[this.entries.length - 1].index + 1
    if (this.snapshot !== undefined) this.snapshotInProgress = true
  }

  /**
   * Entries up to (i, t) have been persisted. Ignored when the entry at i no longer has term t
   * (it was overwritten meanwhile and the new one is not yet persisted).
   */
  stableTo (i: number, t: number): void {
    const gt = this.maybeTerm(i)
    if (gt === undefined) return
    if (i < this.offset) return // matched the snapshot, not an entry
    if (gt !== t) return
    const num = i + 1 - this.offset
    this.entries = this.entries.slice(num)
    this.offset = i + 1
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset)
  }

  stableSnapTo (i: number): void {
    if (this.snapshot !== undefined && this.snapshot.metadata.index === i) {
      this.snapshot = undefined
      this.snapshotInProgress = false
    }
  }

  restore (s: Snapshot): void {
    this.offset = s.metadata.index + 1
    this.offsetInProgress = this.offset
    this.entries = []
    this.snapshot = s
    this.snapshotInProgress = false
  }

  truncateAndAppend (ents: Entry[]): void {
    const fromIndex = ents[0].index
    if (fromIndex === this.offset + this.entries.length) {
      for (const e of ents) this.entries.push(e)
    } else if (fromIndex <= this.offset) {
      // Replaces everything held; the log before this point lives in storage.
      this.entries = ents.slice()
      this.offset = fromIndex
      this.offsetInProgress = this.offset
    } else {
      const kept = this.slice(this.offset, fromIndex)
      for (const e of ents) kept.push(e)
      this.entries = kept
      this.offsetInProgress = Math.min(this.offsetInProgress, fromIndex)
    }
  }

  slice (lo: number, hi: number): Entry[] {
    this.mustCheckOutOfBounds(lo, hi)
    return this.entries.slice(lo - this.offset, hi - this.offset)
  }

  private mustCheckOutOfBounds (lo: number, hi: number): void {
    if (lo > hi) throw new RaftPanic(`invalid unstable.slice ${lo} > ${hi}`)
    const upper = this.offset + this.entries.length
    if (lo < this.offset || hi > upper) throw new RaftPanic(`unstable.slice[${lo},${hi}) out of bound [${this.offset},${upper}]`)
  }
}
