import { crc32c } from '@node-rs/crc32'
import { ALL_BUCKETS, Buckets, type Bucket } from '../schema/buckets.js'
import type { ConsistentIndex } from '../schema/cindex.js'
import { MetaKeys } from '../schema/meta-keys.js'

/** One key/value pair read from a bucket. Both buffers are owned by the caller. */
export interface BucketEntry {
  key: Buffer
  value: Buffer
}

/**
 * A consistent, synchronous read view of the backend (etcd's ReadTx). All reads made in one
 * synchronous stretch of code see the same committed state, because every write happens inside a
 * synchronous {@link Backend.batch} on the same thread. Never keep results of an iterator across
 * an `await`; every method here returns materialized values.
 */
export interface ReadTx {
  /** The value stored under `key`, or undefined. */
  get (bucket: Bucket, key: Uint8Array): Buffer | undefined
  /**
   * Entries with `start <= key < end` in ascending key order (`end` undefined: to the end of the
   * bucket), at most `limit` of them when `limit > 0`.
   */
  range (bucket: Bucket, start: Uint8Array, end?: Uint8Array, limit?: number): BucketEntry[]
  /**
   * Calls `fn` for each entry of `[start, end)` in ascending key order until it returns false.
   * With `opts.view`, the buffers passed to `fn` may be reused after it returns (no copy; `fn`
   * must not keep them); implementations may ignore the hint and pass copies.
   */
  forEach (bucket: Bucket, fn: (key: Buffer, value: Buffer) => boolean | undefined, start?: Uint8Array, end?: Uint8Array,
    opts?: { view?: boolean }): void
}

/**
 * The write side of one backend batch (etcd's BatchTx): every put and delete made through it lands
 * in ONE LMDB write transaction, which commits when the batch callback returns and vanishes when
 * it throws. Reads through it see the batch's own writes.
 */
/** `ReadTx.range` in terms of `forEach`: entries with `start <= key < end`, at most `limit` (> 0). */
export function rangeByForEach (tx: Pick<ReadTx, 'forEach'>, bucket: Bucket, start: Uint8Array, end?: Uint8Array, limit = 0): BucketEntry[] {
  const out: BucketEntry[] = []
  tx.forEach(bucket, (key, value) => {
    out.push({ key, value })
    return limit <= 0 || out.length < limit
  }, start, end)
  return out
}

export interface BatchTx extends ReadTx {
  put (bucket: Bucket, key: Uint8Array, value: Uint8Array): void
  delete (bucket: Bucket, key: Uint8Array): void
}

/** Options of {@link openBackend}. */
export interface BackendOptions {
  /** The LMDB data file, `<data-dir>/member/snap/db`; the lock file is `<path>-lock`. */
  path: string
  /** Initial map size in bytes (lmdb-js grows it automatically). */
  mapSize?: number
  /** Maximum concurrent read transactions (default 126). */
  maxReaders?: number
}

/**
 * The LMDB environment of one member (architecture decision c): named buckets, one write
 * transaction per apply batch, consistent read views, size, hash, defragmentation and backup.
 */
export interface Backend {
  /** The data file path. */
  readonly path: string
  /** A synchronous read view of the committed state. */
  readTx (): ReadTx
  /**
   * Runs `fn` inside one LMDB write transaction and commits it before returning (synchronously,
   * on this thread). If `fn` throws, the transaction is aborted and nothing is written.
   * Throws ErrBackendClosed after close and during defrag.
   */
  batch<T> (fn: (tx: BatchTx) => T): T
  /**
   * Like {@link batch}, but the transaction is started and committed off this thread (lmdb-js's
   * async transaction): `fn` runs on this thread inside it later, and the promise settles once the
   * commit is visible to readers. Nothing else may write meanwhile.
   */
  batchAsync (fn: (tx: BatchTx) => void): Promise<void>
  /** The consistent index stored by the last committed batch (visible to readers). */
  readonly committedIndex: ConsistentIndex
  /**
   * The consistent index known to be on disk (fsynced). WAL segments and raft-log entries at or
   * below `durableIndex.index` may be released.
   */
  readonly durableIndex: ConsistentIndex
  /** Resolves once everything committed so far is fsynced; returns the new durable index. */
  flushed (): Promise<ConsistentIndex>
  /** Size of the data file in bytes (etcd's dbSize). */
  size (): number
  /** Bytes of pages in use by the B-trees (etcd's dbSizeInUse); at most `size()`. */
  sizeInUse (): number
  /** Number of LMDB commits made through {@link batch} since open (for metrics and tests). */
  readonly commits: number
  /**
   * CRC-32C over every bucket's name, keys and values, in bucket order; `meta`'s consistent index
   * and term are left out (etcd's DefaultIgnores), so members with the same data agree.
   */
  hash (): number
  /**
   * Copies the environment with compaction into a temporary file and swaps it in (etcd's
   * defragment). Writes are refused while it runs; the caller must not apply batches meanwhile.
   */
  defrag (): Promise<void>
  /**
   * Writes a consistent copy of the environment to `path` (a single file) and fsyncs it; used for
   * snapshot streaming and `snapshot save`. `compact` drops free pages from the copy.
   */
  backup (path: string, compact?: boolean): Promise<void>
  /** Flushes and closes the environment. */
  close (): Promise<void>
  /** True once {@link close} was called. */
  readonly closed: boolean
  /** True while {@link defrag} runs (writes are refused, reads may fail during the swap). */
  readonly busy?: boolean
}

/**
 * CRC-32C over every bucket's name, keys and values, in bucket order, of the view `tx`; `meta`'s
 * consistent index and term are left out (etcd's DefaultIgnores), so members with the same data
 * agree.
 */
export function hashOf (tx: ReadTx): number {
  let h = 0
  for (const name of ALL_BUCKETS) {
    h = crc32c(Buffer.from(name, 'latin1'), h)
    tx.forEach(name, (k, v) => {
      if (name === Buckets.Meta && (k.equals(MetaKeys.ConsistentIndex) || k.equals(MetaKeys.Term))) return true
      h = crc32c(k, h)
      h = crc32c(v, h)
      return true
    }, undefined, undefined, { view: true })
  }
  return h >>> 0
}
