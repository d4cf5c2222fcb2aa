// A write-buffering Backend over LMDB (etcd's backend batchTx + txReadBuffer). Each apply batch
// lands in an in-memory buffer that every read view sees at once; the buffer is committed to LMDB
// as ONE write transaction (mutations and the consistent index of the last batch in it) every
// `batchIntervalMs` or once it holds `batchLimit` writes, and before anything that reads the file
// (backup, defrag, flushed, close). A synchronous LMDB commit per Ready capped a member at a few
// hundred Readies a second; etcd commits bbolt on a 100 ms timer for the same reason. The commit
// itself runs as lmdb-js's async transaction, so its page writes leave the main thread (a 1–3 ms
// stall every 100 ms otherwise, visible in the p99 of every request); the buffer keeps what is
// being committed until LMDB shows it.
//
// Crash safety is unchanged: the WAL is the durability source. After a kill -9 the file holds the
// last committed transaction (LMDB's copy-on-write), whose consistent index tells the server where
// WAL replay starts; `durableIndex` (only advanced by a commit) bounds snapshots and WAL release.
import { failpoint, failpointsArmed } from '../../pkg/failpoint.js'
import sortedBtree from 'sorted-btree'
import type { Bucket } from '../schema/buckets.js'
import { ALL_BUCKETS } from '../schema/buckets.js'
import { readConsistentIndex, type ConsistentIndex } from '../schema/cindex.js'
import { hashOf, rangeByForEach, type Backend, type BatchTx, type BucketEntry, type ReadTx } from './backend.js'

/** A pending write: the new value, or null for a delete. */
type Pending = Buffer | null

// sorted-btree is CommonJS with `exports.default`; under nodenext the class is `.default`.
const BTree = sortedBtree.default
type PendingTree = InstanceType<typeof BTree<string, Pending>>

function cmp (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function keyStr (k: Uint8Array): string {
  return Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1')
}

function toBuf (b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
}

export interface BufferedBackendOptions {
  /** Longest time a batch stays uncommitted, ms (etcd's --backend-batch-interval, 100 ms). */
  batchIntervalMs?: number
  /** Commit once this many writes are buffered (etcd's --backend-batch-limit, 10 000). */
  batchLimit?: number
  /** Called after each LMDB commit with its duration in seconds. */
  onCommit?: (seconds: number) => void
}

/** The merged view: buffered writes over the committed LMDB state. */
class BufferedReadTx implements ReadTx {
  constructor (protected readonly be: BufferedBackend, protected readonly inner: ReadTx) {}

  get (bucket: Bucket, key: Uint8Array): Buffer | undefined {
    const p = this.be.pending(bucket)?.get(keyStr(key))
    if (p !== undefined) return p === null ? undefined : Buffer.from(p)
    return this.inner.get(bucket, key)
  }

  range (bucket: Bucket, start: Uint8Array, end?: Uint8Array, limit = 0): BucketEntry[] {
    return rangeByForEach(this, bucket, start, end, limit)
  }

  forEach (bucket: Bucket, fn: (key: Buffer, value: Buffer) => boolean | undefined, start?: Uint8Array, end?: Uint8Array): void {
    const pend = this.be.pending(bucket)
    if (pend === undefined || pend.size === 0) {
      this.inner.forEach(bucket, fn, start, end)
      return
    }
    const lo = start === undefined ? '' : keyStr(start)
    const hi = end === undefined ? undefined : keyStr(end)
    // The buffered keys of the range, in byte order (latin1 string order is byte order).
    const mine: string[] = []
    if (hi === undefined) {
      for (const k of pend.keys(lo)) mine.push(k)
    } else if (hi > lo) {
      pend.forRange(lo, hi, false, (k: string) => { mine.push(k) })
    }
    let i = 0
    let stopped = false
    /** Emits the buffered puts below `bound` (all of them when undefined); false once `fn` stops. */
    const emitMineBelow = (bound: string | undefined): boolean => {
      for (; i < mine.length; i++) {
        const mk = mine[i]
        if (bound !== undefined && mk >= bound) break
        const v = pend.get(mk)
        if (v !== null && v !== undefined && fn(Buffer.from(mk, 'latin1'), Buffer.from(v)) === false) {
          i++
          return false
        }
      }
      return true
    }
    this.inner.forEach(bucket, (k, v) => {
      const ks = k.toString('latin1')
      if (!emitMineBelow(ks)) { stopped = true; return false }
      if (i < mine.length && mine[i] === ks) {
        // Buffered write of the same key wins (a put or a delete).
        const p = pend.get(ks)
        i++
        if (p === null || p === undefined) return true
        if (fn(k, Buffer.from(p)) === false) { stopped = true; return false }
        return true
      }
      if (pend.has(ks)) return true
      if (fn(k, v) === false) { stopped = true; return false }
      return true
    }, start, end)
    if (!stopped) emitMineBelow(undefined)
  }
}

class BufferedBatchTx extends BufferedReadTx implements BatchTx {
  put (bucket: Bucket, key: Uint8Array, value: Uint8Array): void {
    this.be.write(bucket, key, Buffer.from(toBuf(value)))
  }

  delete (bucket: Bucket, key: Uint8Array): void {
    this.be.write(bucket, key, null)
  }
}

export class BufferedBackend implements Backend {
  readonly #inner: Backend
  readonly #buf = new Map<Bucket, PendingTree>()
  readonly #intervalMs: number
  readonly #limit: number
  readonly #onCommit?: (seconds: number) => void
  #writes = 0
  #timer: NodeJS.Timeout | undefined
  #committed: ConsistentIndex
  #inBatch = false
  #commits = 0
  /** The LMDB commit in flight, if any. */
  #flushing: Promise<void> | undefined
  /** Set while the inner environment is being defragmented: commits wait for it. */
  #defragging: Promise<void> | undefined
  #again = false
  /** A failed LMDB commit: the backend refuses further batches. */
  #failed: unknown
  /** The buffered values the running batch overwrote, to restore if it throws. */
  #undo: Array<{ bucket: Bucket, key: string, had: boolean, prev: Pending | undefined }> = []

  constructor (inner: Backend, opts: BufferedBackendOptions = {}) {
    this.#inner = inner
    this.#intervalMs = opts.batchIntervalMs ?? 100
    this.#limit = opts.batchLimit ?? 10_000
    this.#onCommit = opts.onCommit
    this.#committed = inner.committedIndex
  }

  get path (): string { return this.#inner.path }
  get closed (): boolean { return this.#inner.closed }
  get commits (): number { return this.#commits }
  /** The consistent index of the last batch, visible to readers (committed to LMDB or not). */
  get committedIndex (): ConsistentIndex { return this.#committed }
  /** The consistent index LMDB holds on disk. */
  get durableIndex (): ConsistentIndex { return this.#inner.durableIndex }
  /** Writes buffered and not yet committed to LMDB. */
  get buffered (): number { return this.#writes }

  /** @internal */
  pending (bucket: Bucket): PendingTree | undefined {
    return this.#buf.get(bucket)
  }

  /** @internal */
  write (bucket: Bucket, key: Uint8Array, value: Pending): void {
    if (!this.#inBatch) throw new Error('backend: write outside a batch')
    let m = this.#buf.get(bucket)
    if (m === undefined) {
      m = new BTree<string, Pending>(undefined, cmp)
      this.#buf.set(bucket, m)
    }
    const ks = keyStr(key)
    this.#undo.push({ bucket, key: ks, had: m.has(ks), prev: m.get(ks) })
    m.set(ks, value)
    this.#writes++
  }

  readTx (): ReadTx {
    return new BufferedReadTx(this, this.#inner.readTx())
  }

  /**
   * Runs `fn` as one batch. Its writes are visible to every read view when it returns and reach
   * LMDB together in the next commit. If `fn` throws, none of its writes remain.
   */
  batch<T> (fn: (tx: BatchTx) => T): T {
    if (this.#inner.closed) return this.#inner.batch(fn)
    if (this.#failed !== undefined) throw this.#failed
    if (this.#inBatch) throw new Error('backend: nested batch')
    const tx = new BufferedBatchTx(this, this.#inner.readTx())
    this.#undo = []
    this.#inBatch = true
    try {
      const r = fn(tx)
      this.#committed = readConsistentIndex(tx)
      return r
    } catch (err) {
      for (const u of this.#undo.reverse()) {
        const m = this.#buf.get(u.bucket)
        if (m === undefined) continue
        if (u.had) m.set(u.key, u.prev as Pending)
        else m.delete(u.key)
        this.#writes--
      }
      throw err
    } finally {
      this.#inBatch = false
      this.#undo = []
      if (this.#writes >= this.#limit) this.commit()
      else if (this.#writes > 0 && this.#timer === undefined) {
        this.#timer = setTimeout(() => { this.#timer = undefined; this.commit() }, this.#intervalMs)
      }
    }
  }

  /**
   * Starts committing everything buffered to LMDB in one transaction, which lmdb-js starts and
   * commits off the main thread. The buffer keeps every entry (so readers keep seeing it) until
   * the commit is visible in LMDB; then the entries that no later batch overwrote are dropped.
   * One commit runs at a time; a call meanwhile commits again once it lands.
   */
  commit (): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    if (this.#failed !== undefined || this.#writes === 0 || this.#inner.closed || this.#defragging !== undefined) return
    if (this.#flushing !== undefined) {
      this.#again = true
      return
    }
    const t0 = performance.now()
    const taken: Array<{ name: Bucket, m: PendingTree, entries: Array<[string, Pending]> }> = []
    for (const name of ALL_BUCKETS) {
      const m = this.#buf.get(name)
      if (m !== undefined && m.size > 0) taken.push({ name, m, entries: m.toArray() })
    }
    this.#writes = 0
    if (failpointsArmed) failpoint('beforeDbCommit')
    this.#flushing = this.#inner.batchAsync((tx) => {
      for (const { name, entries } of taken) {
        for (const [k, v] of entries) {
          const key = Buffer.from(k, 'latin1')
          if (v === null) tx.delete(name, key)
          else tx.put(name, key, v)
        }
      }
    }).then(() => {
      // What LMDB now holds need not be buffered, unless a batch wrote the key again since.
      for (const { m, entries } of taken) for (const [k, v] of entries) if (m.get(k) === v) m.delete(k)
      this.#commits++
      this.#onCommit?.((performance.now() - t0) / 1000)
    }, (err: unknown) => {
      // The entries stay buffered (readers still see them); the next batch reports the failure.
      this.#failed = err
    }).finally(() => {
      this.#flushing = undefined
      if (this.#again) {
        this.#again = false
        if (this.#failed === undefined) this.commit()
      }
    })
  }

  /** Resolves once nothing is buffered or being committed. */
  async #drain (): Promise<void> {
    while (this.#failed === undefined && (this.#flushing !== undefined || this.#writes > 0)) {
      if (this.#defragging !== undefined) {
        await this.#defragging.catch(() => {})
        continue
      }
      this.commit()
      await this.#flushing
    }
    if (this.#failed !== undefined) throw this.#failed
  }

  async flushed (): Promise<ConsistentIndex> {
    await this.#drain()
    return await this.#inner.flushed()
  }

  size (): number { return this.#inner.size() }
  sizeInUse (): number { return this.#inner.sizeInUse() }

  /** Hashes the merged view (buffered writes over LMDB), which is what readers see. */
  hash (): number {
    return hashOf(this.readTx())
  }

  /**
   * Defragments LMDB while batches keep landing in the buffer (readers see them as always); their
   * commit waits until the environment is swapped, then goes out at once.
   */
  async defrag (): Promise<void> {
    // A second request while one runs shares its result (etcd serializes them on a lock).
    if (this.#defragging !== undefined) return await this.#defragging
    await this.#drain()
    if (this.#defragging !== undefined) return await this.#defragging
    this.#defragging = this.#inner.defrag()
    try {
      await this.#defragging
    } finally {
      this.#defragging = undefined
      this.commit()
    }
  }

  async backup (path: string, compact?: boolean): Promise<void> {
    await this.#drain()
    await this.#inner.backup(path, compact)
  }

  /** A buffered batch is already off the commit path: the same as {@link batch}. */
  async batchAsync (fn: (tx: BatchTx) => void): Promise<void> {
    this.batch(fn)
  }

  async close (): Promise<void> {
    if (this.#inner.closed) return
    try {
      await this.#drain()
    } finally {
      await this.#inner.close()
    }
  }
}
