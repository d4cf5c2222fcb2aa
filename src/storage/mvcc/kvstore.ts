import type { Event } from '../../api/mvccpb/kv.js'
import { EventType } from '../../api/mvccpb/kv.js'
import type { Backend, BatchTx } from '../backend/backend.js'
import { Buckets } from '../schema/buckets.js'
import { readConsistentIndex, unsafeUpdateConsistentIndex, type ConsistentIndex } from '../schema/cindex.js'
import { MetaKeys } from '../schema/meta-keys.js'
import { ErrClosed, ErrCompacted, ErrFutureRev } from './errors.js'
import type { ApplyBatch, CommittedChanges, LeaseAttacher, TxnRead, TxnWrite } from './kv.js'
import { decodeKeyValue } from './kv-codec.js'
import { Compactor } from './kvstore-compaction.js'
import { StoreTxnRead, StoreTxnWrite, type StoreCore } from './kvstore-txn.js'
import { bytesToRev, isTombstone, revToBytes } from './revision.js'
import { TreeIndex } from './tree-index.js'
import { keyToString } from './key-bytes.js'
import { hashByRev, type KeyValueHash } from './hash.js'

/** Options of the MVCC store. */
export interface StoreOptions {
  /** Keys removed per backend transaction during physical compaction (etcd: 1000). */
  compactionBatchLimit?: number
  /** Pause between compaction transactions in ms (etcd: 10 ms); 0 = next event turn. */
  compactionSleepInterval?: number
  /** Lessor hook: attach/detach keys as puts and deletes change their lease. */
  lessor?: LeaseAttacher
}

/**
 * The MVCC key-value store over the backend (etcd's mvcc.store): an in-memory TreeIndex rebuilt
 * from the `key` bucket at open, revision-keyed records in LMDB, and writes applied only through
 * {@link KVStore.applyBatch}, one LMDB transaction per batch.
 */
export class KVStore implements StoreCore {
  be: Backend
  readonly index = new TreeIndex()
  readonly lessor: LeaseAttacher | undefined
  #currentRev = 1n
  #compactMainRev = -1n
  #consistentIndex: ConsistentIndex = { index: 0, term: 0 }
  #closed = false
  readonly #compactor: Compactor

  constructor (be: Backend, opts: StoreOptions = {}) {
    this.be = be
    this.lessor = opts.lessor
    this.#compactor = new Compactor(this, opts.compactionBatchLimit ?? 1000, opts.compactionSleepInterval ?? 0)
    // A compaction recorded but not finished before the restart: finish it now.
    const scheduled = this.#restore()
    if (scheduled !== undefined) this.#compactor.schedule(scheduled).catch(() => {})
  }

  /**
   * Replaces the backend with `be` (a snapshot received from the leader) and rebuilds the index
   * from it (etcd's kvstore Restore). The caller closed the old backend and recovered the lessor.
   */
  restore (be: Backend): void {
    this.be = be
    const scheduled = this.#restore()
    if (scheduled !== undefined) this.#compactor.schedule(scheduled).catch(() => {})
  }

  /** The current revision (the revision of the last write txn that changed something). */
  get currentRev (): bigint { return this.#currentRev }
  /** The last compaction revision (-1 if never compacted). */
  get compactMainRev (): bigint { return this.#compactMainRev }
  /** The consistent index and term stored with the last applied batch. */
  get consistentIndex (): ConsistentIndex { return this.#consistentIndex }
  /** Revision of the last finished physical compaction (-1 if none). */
  get finishedCompactRev (): bigint { return this.#compactor.finished }

  /**
   * Rebuilds the index from the `key` bucket. The compaction revision is the newest one recorded
   * (scheduled or finished); returns a scheduled compaction whose physical part did not finish.
   */
  #restore (): bigint | undefined {
    const tx = this.be.readTx()
    this.index.clear()
    this.#currentRev = 1n
    const fin = tx.get(Buckets.Meta, MetaKeys.FinishedCompactRev)
    const finished = fin !== undefined ? bytesToRev(fin).main : -1n
    if (finished > this.#compactor.finished) this.#compactor.finished = finished
    const sched = tx.get(Buckets.Meta, MetaKeys.ScheduledCompactRev)
    const scheduled = sched !== undefined ? bytesToRev(sched).main : undefined
    this.#compactMainRev = scheduled !== undefined && scheduled > finished ? scheduled : finished
    let cur = 1n
    const keyToLease = new Map<string, bigint>()
    tx.forEach(Buckets.Key, (k, v) => {
      const rev = bytesToRev(k)
      const kv = decodeKeyValue(v)
      const key = keyToString(kv.key)
      const ki = this.index.keyIndex(key)
      if (isTombstone(k)) {
        if (ki !== undefined) ki.tombstone(rev)
        keyToLease.delete(key)
      } else {
        // (only created.main is ever read: share the revision object when it is the creation)
        if (ki === undefined) this.index.restore(key, kv.createRevision === rev.main ? rev : { main: kv.createRevision, sub: 0n }, rev, kv.version)
        else ki.put(rev)
        if (kv.lease !== 0n) keyToLease.set(key, kv.lease)
        else keyToLease.delete(key)
      }
      if (rev.main > cur) cur = rev.main
      return true
    }, undefined, undefined, { view: true }) // nothing above keeps k or v
    if (this.lessor !== undefined) {
      for (const [key, lease] of keyToLease) this.lessor.attach(lease, Buffer.from(key, 'latin1'))
    }
    this.#currentRev = cur < this.#compactMainRev ? this.#compactMainRev : cur
    this.#consistentIndex = readConsistentIndex(tx)
    return scheduled !== undefined && scheduled > finished ? scheduled : undefined
  }

  /** A read view at the current revision. Use it synchronously (do not keep it across awaits). */
  read (): TxnRead {
    this.#assertOpen()
    return new StoreTxnRead(this, this.be.readTx(), this.#currentRev)
  }

  /**
   * Applies one batch of committed entries as ONE backend transaction. `fn` runs synchronously;
   * every write txn it opens gets the next revision. If `fn` throws, the backend transaction is
   * aborted and the in-memory index is rebuilt from the backend, so nothing of the batch remains.
   */
  applyBatch<T> (fn: (batch: ApplyBatch) => T): T {
    this.#assertOpen()
    const committed: CommittedChanges[] = []
    const scheduled: bigint[] = []
    const pending: Array<{ rev: bigint, resolve: () => void, reject: (e: unknown) => void }> = []
    let result: T
    try {
      result = this.be.batch((tx) => {
        let open: StoreTxnWrite | undefined
        const onEnd = (t: StoreTxnWrite): void => {
          if (open === t) open = undefined
          const changes = t.changes()
          if (changes.length === 0) return
          const rev = t.rev() + 1n
          this.#currentRev = rev
          const events: Event[] = changes.map((kv) => ({ type: kv.createRevision === 0n ? EventType.DELETE : EventType.PUT, kv }))
          committed.push({ rev, events })
        }
        const batch: ApplyBatch = {
          tx,
          write: () => {
            open?.end()
            open = new StoreTxnWrite(this, tx, this.#currentRev, onEnd)
            return open
          },
          withWrite: <R>(f: (txn: TxnWrite) => R): R => {
            const t = batch.write()
            try { return f(t) } finally { t.end() }
          },
          read: () => {
            open?.end()
            return new StoreTxnRead(this, tx, this.#currentRev)
          },
          compact: (rev: bigint): Promise<void> => {
            open?.end()
            this.#checkCompact(rev)
            this.#compactMainRev = rev
            tx.put(Buckets.Meta, MetaKeys.ScheduledCompactRev, revToBytes({ main: rev, sub: 0n }))
            scheduled.push(rev)
            return new Promise<void>((resolve, reject) => { pending.push({ rev, resolve, reject }) })
          },
          setConsistentIndex: (index: number, term: number): void => {
            unsafeUpdateConsistentIndex(tx, index, term)
          }
        }
        const r = fn(batch)
        open?.end()
        return r
      })
    } catch (err) {
      this.#restore()
      for (const p of pending) p.reject(err)
      throw err
    }
    this.#consistentIndex = this.be.committedIndex
    for (const p of pending) this.#compactor.schedule(p.rev).then(p.resolve, p.reject)
    for (const c of committed) this.notify(c)
    return result
  }

  #checkCompact (rev: bigint): void {
    if (rev <= this.#compactMainRev) throw new ErrCompacted()
    if (rev > this.#currentRev) throw new ErrFutureRev()
  }

  /** Called after the batch committed, once per write txn that changed something. */
  protected notify (_changes: CommittedChanges): void {}

  /** Stores `index`/`term` as the consistent index in a batch of its own (e.g. for conf changes). */
  setConsistentIndex (index: number, term: number): void {
    this.applyBatch((b) => b.setConsistentIndex(index, term))
  }

  /** HashKV at `rev` (<= 0: current), over the records a compaction at `rev` would keep. */
  hashByRev (rev = 0n): KeyValueHash {
    const compactRev = this.#compactMainRev
    const currentRev = this.#currentRev
    if (rev > 0n && rev > currentRev) throw new ErrFutureRev()
    if (rev > 0n && rev < compactRev) throw new ErrCompacted()
    const hashRev = rev <= 0n ? currentRev : rev
    const keep = this.index.keep(hashRev)
    return hashByRev(this.be.readTx(), compactRev, hashRev, keep, currentRev)
  }

  /** Resolves when every scheduled compaction finished. */
  async compactionsDone (): Promise<void> {
    await this.#compactor.idle()
  }

  /** Stops compaction; the backend stays open (the caller owns it). */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#compactor.stop()
  }

  get closed (): boolean { return this.#closed }

  /** @internal True while the backend defragments. */
  get busy (): boolean { return this.be.busy === true }

  /** @internal Used by the compactor. */
  compactBatch (fn: (tx: BatchTx) => void): void {
    this.be.batch(fn)
  }

  #assertOpen (): void {
    if (this.#closed) throw new ErrClosed()
  }
}
