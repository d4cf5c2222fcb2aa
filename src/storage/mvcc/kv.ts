import type { Event, KeyValue } from '../../api/mvccpb/kv.js'
import type { BatchTx } from '../backend/backend.js'

/** Options of a range read (etcd's mvcc.RangeOptions). */
export interface RangeOptions {
  /** At most this many kvs (0 = all). `count` is unaffected. */
  limit?: number
  /** Read at this revision (<= 0: the view's current revision). */
  rev?: bigint
  /** Only count: return no kvs. */
  count?: boolean
}

/** The answer of a range read (etcd's mvcc.RangeResult). */
export interface RangeResult {
  kvs: KeyValue[]
  /** The current revision of the view the read ran in. */
  rev: bigint
  /** Number of keys alive in the range at the read revision, before `limit`. */
  count: number
}

/**
 * A read view (etcd's ReadView). Ranges: `end` undefined = the single key `key`; `end` empty =
 * every key >= `key`; otherwise `[key, end)`.
 */
export interface ReadView {
  /** The first revision that can still be read (the compaction revision). */
  firstRev (): bigint
  /** The revision of this view. */
  rev (): bigint
  /** Throws ErrFutureRev or ErrCompacted for an unreadable `ro.rev`. */
  range (key: Uint8Array, end: Uint8Array | undefined, ro?: RangeOptions): RangeResult
}

/** A read transaction: a view plus `end()`. */
export interface TxnRead extends ReadView {
  end (): void
}

/** The write half of an MVCC transaction (etcd's WriteView). */
export interface WriteView {
  /** Deletes every key in the range; returns the number deleted and the txn's revision. */
  deleteRange (key: Uint8Array, end: Uint8Array | undefined): { n: number, rev: bigint }
  /** Puts `key`; returns the revision of this txn. */
  put (key: Uint8Array, value: Uint8Array, lease: bigint): bigint
}

/**
 * One write transaction: every change gets the same main revision (`rev()` + 1) and increasing
 * sub revisions. `end()` makes the revision current if anything changed.
 */
export interface TxnWrite extends TxnRead, WriteView {
  /** The KeyValues written so far (deletions carry only key and mod revision). */
  changes (): readonly KeyValue[]
  /** True for a read-only view wrapped as a TxnWrite (puts and deletes throw). */
  readonly readOnly: boolean
}

/** Keeps the lessor's key sets in step with puts and deletes (etcd's lease.Lessor Attach/Detach). */
export interface LeaseAttacher {
  attach (lease: bigint, key: Uint8Array): void
  detach (lease: bigint, key: Uint8Array): void
}

/** The scope of one apply batch: everything in it is ONE backend write transaction. */
export interface ApplyBatch {
  /** The raw backend transaction, for the lease, auth, members and alarm buckets. */
  readonly tx: BatchTx
  /** Starts a write txn (ending one still open). */
  write (): TxnWrite
  /** Runs `fn` in a write txn and ends it. */
  withWrite<R> (fn: (txn: TxnWrite) => R): R
  /** A read view that sees what this batch wrote so far. */
  read (): TxnRead
  /**
   * Schedules compaction at `rev` (etcd's KV.Compact): checks it, records it in `meta` in this
   * batch, and returns a promise settled once the compacted records are physically removed.
   * Throws ErrCompacted (rev <= last compaction) or ErrFutureRev (rev > current revision).
   */
  compact (rev: bigint): Promise<void>
  /** Stores the raft index and term of the last entry applied by this batch. */
  setConsistentIndex (index: number, term: number): void
}

/** The events of one committed write txn, as the watchable store receives them. */
export interface CommittedChanges {
  rev: bigint
  events: Event[]
}
