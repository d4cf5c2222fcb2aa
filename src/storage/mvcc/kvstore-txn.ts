import type { KeyValue } from '../../api/mvccpb/kv.js'
import type { BatchTx, ReadTx } from '../backend/backend.js'
import { Buckets } from '../schema/buckets.js'
import { ErrCompacted, ErrFutureRev } from './errors.js'
import { endToString, keyToString } from './key-bytes.js'
import type { LeaseAttacher, RangeOptions, RangeResult, TxnRead, TxnWrite } from './kv.js'
import { decodeKeyValue, encodeKeyValue } from './kv-codec.js'
import { revToBytes, smallBig, type Revision } from './revision.js'
import type { TreeIndex } from './tree-index.js'

/** What a transaction needs from the store (the store implements it). */
export interface StoreCore {
  readonly index: TreeIndex
  readonly compactMainRev: bigint
  readonly lessor: LeaseAttacher | undefined
}

const EMPTY = new Uint8Array(0)

/** Reads the record of one revision from the `key` bucket. */
export function readRevision (tx: ReadTx, rev: Revision): KeyValue {
  const v = tx.get(Buckets.Key, revToBytes(rev))
  if (v === undefined) throw new Error(`mvcc: range failed to find revision ${rev.main}_${rev.sub}`)
  return decodeKeyValue(v)
}

/** etcd's rangeKeys: the range at `ro.rev` (or `curRev`) over index + backend. */
export function rangeKeys (core: StoreCore, tx: ReadTx, key: Uint8Array, end: Uint8Array | undefined,
  curRev: bigint, ro: RangeOptions = {}): RangeResult {
  const rev = ro.rev ?? 0n
  if (rev > curRev) throw new ErrFutureRev()
  const atRev = rev <= 0n ? curRev : rev
  if (atRev < core.compactMainRev) throw new ErrCompacted()
  const k = keyToString(key)
  const e = endToString(end)
  if (ro.count === true) {
    return { kvs: [], rev: curRev, count: core.index.countRevisions(k, e, atRev) }
  }
  const limit = ro.limit !== undefined && ro.limit > 0 ? ro.limit : 0
  const { keys, total } = core.index.revisions(k, e, atRev, limit)
  const kvs = keys.map((ik) => readRevision(tx, ik.modified))
  return { kvs, rev: curRev, count: total }
}

/** A read transaction at the revision current when it began (etcd's storeTxnRead). */
export class StoreTxnRead implements TxnRead {
  readonly #core: StoreCore
  readonly #tx: ReadTx
  readonly #rev: bigint
  readonly #firstRev: bigint

  constructor (core: StoreCore, tx: ReadTx, rev: bigint) {
    this.#core = core
    this.#tx = tx
    this.#rev = rev
    this.#firstRev = core.compactMainRev
  }

  firstRev (): bigint { return this.#firstRev }
  rev (): bigint { return this.#rev }
  range (key: Uint8Array, end: Uint8Array | undefined, ro?: RangeOptions): RangeResult {
    return rangeKeys(this.#core, this.#tx, key, end, this.#rev, ro)
  }

  end (): void {}
}

/** A read view that refuses writes: lets the txn logic run read-only txns outside a batch. */
export class ReadOnlyTxnWrite implements TxnWrite {
  readonly readOnly = true
  constructor (private readonly r: TxnRead) {}
  firstRev (): bigint { return this.r.firstRev() }
  rev (): bigint { return this.r.rev() }
  range (key: Uint8Array, end: Uint8Array | undefined, ro?: RangeOptions): RangeResult { return this.r.range(key, end, ro) }
  end (): void { this.r.end() }
  changes (): readonly KeyValue[] { return [] }
  put (): bigint { throw new Error('mvcc: put in a read-only txn') }
  deleteRange (): { n: number, rev: bigint } { throw new Error('mvcc: delete in a read-only txn') }
}

/**
 * A write transaction inside an apply batch (etcd's storeTxnWrite): every change is written to
 * the batch's LMDB transaction under revision {beginRev + 1, sub} and indexed at once.
 */
export class StoreTxnWrite implements TxnWrite {
  readonly readOnly = false
  readonly #core: StoreCore
  readonly #tx: BatchTx
  readonly #beginRev: bigint
  readonly #changes: KeyValue[] = []
  readonly #onEnd: (txn: StoreTxnWrite) => void
  #ended = false

  constructor (core: StoreCore, tx: BatchTx, beginRev: bigint, onEnd: (txn: StoreTxnWrite) => void) {
    this.#core = core
    this.#tx = tx
    this.#beginRev = beginRev
    this.#onEnd = onEnd
  }

  get ended (): boolean { return this.#ended }
  firstRev (): bigint { return this.#core.compactMainRev }
  rev (): bigint { return this.#beginRev }
  changes (): readonly KeyValue[] { return this.#changes }

  range (key: Uint8Array, end: Uint8Array | undefined, ro?: RangeOptions): RangeResult {
    const rev = this.#changes.length > 0 ? this.#beginRev + 1n : this.#beginRev
    return rangeKeys(this.#core, this.#tx, key, end, rev, ro)
  }

  put (key: Uint8Array, value: Uint8Array, lease: bigint): bigint {
    this.#assertOpen()
    const rev = this.#beginRev + 1n
    const k = keyToString(key)
    const prev = this.#core.index.get(k, rev)
    let created = rev
    let ver = 1n
    let oldLease = 0n
    if (prev !== undefined) {
      created = prev.created.main
      ver = prev.ver + 1n
      if (this.#core.lessor !== undefined) oldLease = readRevision(this.#tx, prev.modified).lease
    }
    const idxRev: Revision = { main: rev, sub: smallBig(this.#changes.length) }
    const kv: KeyValue = {
      key: Buffer.from(key),
      value: Buffer.from(value),
      createRevision: created,
      modRevision: rev,
      version: ver,
      lease
    }
    this.#tx.put(Buckets.Key, revToBytes(idxRev), encodeKeyValue(kv))
    this.#core.index.put(k, idxRev)
    this.#changes.push(kv)
    const lessor = this.#core.lessor
    if (lessor !== undefined) {
      if (oldLease !== 0n) lessor.detach(oldLease, kv.key)
      if (lease !== 0n) lessor.attach(lease, kv.key)
    }
    return rev
  }

  deleteRange (key: Uint8Array, end: Uint8Array | undefined): { n: number, rev: bigint } {
    this.#assertOpen()
    const rrev = this.#changes.length > 0 ? this.#beginRev + 1n : this.#beginRev
    const { keys } = this.#core.index.revisions(keyToString(key), endToString(end), rrev, 0)
    for (const ik of keys) this.#delete(ik.key, ik.modified)
    if (keys.length > 0 || this.#changes.length > 0) return { n: keys.length, rev: this.#beginRev + 1n }
    return { n: 0, rev: this.#beginRev }
  }

  #delete (k: string, modified: Revision): void {
    const rev = this.#beginRev + 1n
    const idxRev: Revision = { main: rev, sub: smallBig(this.#changes.length) }
    const kv: KeyValue = { key: Buffer.from(k, 'latin1'), value: EMPTY, createRevision: 0n, modRevision: rev, version: 0n, lease: 0n }
    const lessor = this.#core.lessor
    const oldLease = lessor !== undefined ? readRevision(this.#tx, modified).lease : 0n
    this.#tx.put(Buckets.Key, revToBytes(idxRev, true), encodeKeyValue(kv))
    this.#core.index.tombstone(k, idxRev)
    this.#changes.push(kv)
    if (lessor !== undefined && oldLease !== 0n) lessor.detach(oldLease, kv.key)
  }

  /** Makes the revision current (if anything changed). Idempotent. */
  end (): void {
    if (this.#ended) return
    this.#ended = true
    this.#onEnd(this)
  }

  #assertOpen (): void {
    if (this.#ended) throw new Error('mvcc: write after end of txn')
  }
}
