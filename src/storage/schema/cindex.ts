import type { BatchTx, ReadTx } from '../backend/backend.js'
import { Buckets } from './buckets.js'
import { MetaKeys } from './meta-keys.js'
import { decodeUint64, encodeUint64 } from './uint64.js'

/** The raft index and term of the last entry whose effects are in the backend. */
export interface ConsistentIndex {
  index: number
  term: number
}

/**
 * Reads the consistent index and term from `meta` (etcd's schema.ReadConsistentIndex).
 * A fresh backend answers `{ index: 0, term: 0 }`.
 */
export function readConsistentIndex (tx: ReadTx): ConsistentIndex {
  const i = decodeUint64(tx.get(Buckets.Meta, MetaKeys.ConsistentIndex))
  const t = decodeUint64(tx.get(Buckets.Meta, MetaKeys.Term))
  return { index: i === undefined ? 0 : Number(i), term: t === undefined ? 0 : Number(t) }
}

/**
 * Writes the consistent index and term into `meta` inside the caller's write transaction (etcd's
 * schema.UnsafeUpdateConsistentIndex). The index never moves backwards: a smaller index is ignored,
 * as etcd does unless it is told to allow it.
 */
export function unsafeUpdateConsistentIndex (tx: BatchTx, index: number, term: number, allowDecreasing = false): void {
  if (!allowDecreasing) {
    const cur = readConsistentIndex(tx)
    if (index < cur.index) return
    if (term < cur.term) term = cur.term
  }
  tx.put(Buckets.Meta, MetaKeys.ConsistentIndex, encodeUint64(index))
  tx.put(Buckets.Meta, MetaKeys.Term, encodeUint64(term))
}
