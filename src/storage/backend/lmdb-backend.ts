import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { open, type Database, type RootDatabase } from 'lmdb'
import { ALL_BUCKETS, type Bucket } from '../schema/buckets.js'
import { readConsistentIndex, type ConsistentIndex } from '../schema/cindex.js'
import { hashOf, rangeByForEach, type Backend, type BackendOptions, type BatchTx, type BucketEntry, type ReadTx } from './backend.js'
import { ErrBackendClosed } from './errors.js'

type Dbs = Record<Bucket, Database<Buffer, Buffer>>

/*
 * Durability and commit mode (measured on this machine, see bench/results/mvcc.md):
 * `batch()` is ONE `transactionSync` with lmdb-js's default flags, so the commit completes before
 * it returns and a batch's effects and its consistent index commit or vanish together.
 * `batchAsync()` is the same transaction started and committed by lmdb-js's write thread (its
 * callback still runs on the main thread); the server's BufferedBackend uses it and keeps what is
 * being committed visible to readers until the commit lands (etcd's txWriteBuffer). LMDB's
 * copy-on-write pages make a kill -9 at any point leave the last committed transaction intact.
 * The WAL stays the durability source; `durableIndex` tells the server which entries the backend
 * already holds on disk.
 */
function openEnv (opts: BackendOptions): { root: RootDatabase<Buffer, Buffer>, dbs: Dbs } {
  mkdirSync(dirname(opts.path), { recursive: true })
  const root = open<Buffer, Buffer>({
    path: opts.path,
    noSubdir: true,
    maxDbs: 16,
    keyEncoding: 'binary',
    encoding: 'binary',
    ...(opts.mapSize !== undefined ? { mapSize: opts.mapSize } : {}),
    ...(opts.maxReaders !== undefined ? { maxReaders: opts.maxReaders } : {})
  })
  const dbs = {} as Dbs
  for (const name of ALL_BUCKETS) {
    dbs[name] = root.openDB<Buffer, Buffer>({ name, keyEncoding: 'binary', encoding: 'binary' })
  }
  return { root, dbs }
}

function toBuf (b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
}

function copyBuf (b: Buffer): Buffer {
  return Buffer.from(b)
}

class LmdbReadTx implements ReadTx {
  constructor (protected readonly be: LmdbBackend) {}

  get (bucket: Bucket, key: Uint8Array): Buffer | undefined {
    const v = this.be.db(bucket).get(toBuf(key))
    return v === undefined ? undefined : copyBuf(v)
  }

  range (bucket: Bucket, start: Uint8Array, end?: Uint8Array, limit = 0): BucketEntry[] {
    return rangeByForEach(this, bucket, start, end, limit)
  }

  forEach (bucket: Bucket, fn: (key: Buffer, value: Buffer) => boolean | undefined, start?: Uint8Array, end?: Uint8Array,
    opts: { view?: boolean } = {}): void {
    const db = this.be.db(bucket)
    const range: { start?: Buffer, end?: Buffer } = {}
    if (start !== undefined && start.length > 0) range.start = toBuf(start)
    if (end !== undefined) {
      if (start !== undefined && Buffer.compare(toBuf(end), toBuf(start)) <= 0) return
      range.end = toBuf(end)
    }
    // The iterator is consumed synchronously to the end (or until fn says stop) and never held
    // across an await.
    const view = opts.view === true
    for (const { key, value } of db.getRange(range)) {
      if ((view ? fn(key as Buffer, value) : fn(copyBuf(key as Buffer), copyBuf(value))) === false) break
    }
  }
}

class LmdbBatchTx extends LmdbReadTx implements BatchTx {
  put (bucket: Bucket, key: Uint8Array, value: Uint8Array): void {
    this.be.db(bucket).putSync(toBuf(key), toBuf(value))
  }

  delete (bucket: Bucket, key: Uint8Array): void {
    this.be.db(bucket).removeSync(toBuf(key))
  }
}

/** The lmdb-js implementation of {@link Backend}. Use {@link openBackend}. */
export class LmdbBackend implements Backend {
  readonly path: string
  #opts: BackendOptions
  #root: RootDatabase<Buffer, Buffer>
  #dbs: Dbs
  #state: 'open' | 'defrag' | 'closed' = 'open'
  #inBatch = false
  #commits = 0
  #committed: ConsistentIndex
  #durable: ConsistentIndex

  constructor (opts: BackendOptions) {
    this.path = opts.path
    this.#opts = opts
    const { root, dbs } = openEnv(opts)
    this.#root = root
    this.#dbs = dbs
    this.#committed = readConsistentIndex(this.readTx())
    // What is committed at open was fsynced by the previous process (or is the last transaction
    // LMDB recovered), so it is durable.
    this.#durable = this.#committed
  }

  /** @internal The database handle of a bucket (valid until the next defrag or close). */
  db (bucket: Bucket): Database<Buffer, Buffer> {
    if (this.#state === 'closed') throw new ErrBackendClosed()
    return this.#dbs[bucket]
  }

  get closed (): boolean { return this.#state === 'closed' }
  get busy (): boolean { return this.#state === 'defrag' }
  get commits (): number { return this.#commits }
  get committedIndex (): ConsistentIndex { return this.#committed }
  get durableIndex (): ConsistentIndex { return this.#durable }

  readTx (): ReadTx {
    return new LmdbReadTx(this)
  }

  batch<T> (fn: (tx: BatchTx) => T): T {
    if (this.#state === 'closed') throw new ErrBackendClosed()
    if (this.#state === 'defrag') throw new ErrBackendClosed('backend: defragmentation in progress')
    if (this.#inBatch) throw new Error('backend: nested batch')
    const tx = new LmdbBatchTx(this)
    this.#inBatch = true
    try {
      // The callback's value is kept out of transactionSync: lmdb-js keeps the transaction open
      // until a returned thenable settles, which would turn a batch asynchronous.
      let result: T | undefined
      this.#root.transactionSync(() => { result = fn(tx) })
      this.#commits++
      this.#committed = readConsistentIndex(this.readTx())
      return result as T
    } finally {
      this.#inBatch = false
    }
  }

  async batchAsync (fn: (tx: BatchTx) => void): Promise<void> {
    if (this.#state === 'closed') throw new ErrBackendClosed()
    if (this.#state === 'defrag') throw new ErrBackendClosed('backend: defragmentation in progress')
    const tx = new LmdbBatchTx(this)
    await this.#root.transaction(() => {
      if (this.#inBatch) throw new Error('backend: nested batch')
      this.#inBatch = true
      try {
        fn(tx)
      } finally {
        this.#inBatch = false
      }
    })
    this.#commits++
    this.#committed = readConsistentIndex(this.readTx())
  }

  async flushed (): Promise<ConsistentIndex> {
    const target = this.#committed
    if (this.#state === 'closed') return this.#durable
    await this.#root.flushed
    if (target.index >= this.#durable.index) this.#durable = target
    return this.#durable
  }

  size (): number {
    return statSync(this.path).size
  }

  sizeInUse (): number {
    const pageSize = (this.#root.getStats() as { pageSize: number }).pageSize
    let pages = 2 + pagesOf(this.#root.getStats())
    for (const name of ALL_BUCKETS) pages += pagesOf(this.#dbs[name].getStats())
    return Math.min(pages * pageSize, this.size())
  }

  hash (): number {
    return hashOf(this.readTx())
  }

  async backup (path: string, compact = false): Promise<void> {
    if (this.#state === 'closed') throw new ErrBackendClosed()
    rmSync(path, { force: true })
    await this.#root.backup(path, compact)
    const fd = openSync(path, 'r')
    try { fsyncSync(fd) } finally { closeSync(fd) }
  }

  async defrag (): Promise<void> {
    if (this.#state !== 'open') throw new ErrBackendClosed(this.#state === 'defrag' ? 'backend: defragmentation in progress' : undefined)
    this.#state = 'defrag'
    const tmp = `${this.path}.defrag`
    try {
      await this.backup(tmp, true)
      await this.#root.flushed
    } catch (err) {
      this.#state = 'open'
      rmSync(tmp, { force: true })
      throw err
    }
    // Close, swap and reopen in one synchronous run, so no reader meets a closed environment:
    // lmdb-js closes at once when no asynchronous read or write is pending (none is: reads here
    // are synchronous and writes are refused while the state is 'defrag').
    const closing = this.#root.close()
    if ((this.#root as unknown as { status?: string }).status !== 'closed') await closing
    try {
      renameSync(tmp, this.path)
      rmSync(`${tmp}-lock`, { force: true })
      fsyncDir(dirname(this.path))
    } finally {
      const { root, dbs } = openEnv(this.#opts)
      this.#root = root
      this.#dbs = dbs
      this.#state = 'open'
    }
    await closing
  }

  async close (): Promise<void> {
    if (this.#state === 'closed') return
    await this.flushed()
    this.#state = 'closed'
    await this.#root.close()
  }
}

function pagesOf (s: unknown): number {
  const st = s as { treeBranchPageCount?: number, treeLeafPageCount?: number, overflowPages?: number }
  return (st.treeBranchPageCount ?? 0) + (st.treeLeafPageCount ?? 0) + (st.overflowPages ?? 0)
}

function fsyncDir (dir: string): void {
  const fd = openSync(dir, 'r')
  try { fsyncSync(fd) } finally { closeSync(fd) }
}

/**
 * Opens (creating if needed) the backend at `opts.path`. Exactly one open backend per path per
 * process; hand the instance around.
 */
export async function openBackend (opts: BackendOptions): Promise<Backend> {
  return new LmdbBackend(opts)
}
