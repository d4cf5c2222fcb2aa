import type { DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, TxnRequest } from '../../api/etcdserverpb/kv.js'
import {
  ErrGRPCDuplicateKey, ErrGRPCEmptyKey, ErrGRPCKeyNotFound, ErrGRPCLeaseProvided, ErrGRPCTooManyOps,
  ErrGRPCValueProvided
} from './errors.js'

/** etcd's default --max-txn-ops. */
export const DEFAULT_MAX_TXN_OPS = 128

function empty (k: Uint8Array | undefined): boolean {
  return k === undefined || k.length === 0
}

/** etcd's v3rpc checkRangeRequest. */
export function checkRangeRequest (r: RangeRequest): void {
  if (empty(r.key)) throw new ErrGRPCEmptyKey()
}

/** etcd's v3rpc checkPutRequest. */
export function checkPutRequest (r: PutRequest): void {
  if (empty(r.key)) throw new ErrGRPCEmptyKey()
  if (r.ignoreValue === true && !empty(r.value)) throw new ErrGRPCValueProvided()
  if (r.ignoreLease === true && (r.lease ?? 0n) !== 0n) throw new ErrGRPCLeaseProvided()
}

/** etcd's v3rpc checkDeleteRequest. */
export function checkDeleteRangeRequest (r: DeleteRangeRequest): void {
  if (empty(r.key)) throw new ErrGRPCEmptyKey()
}

/** etcd's checkRequestOp: an op with no request set is ErrGRPCKeyNotFound. */
export function checkRequestOp (op: RequestOp, maxTxnOps: number): void {
  if ('requestRange' in op) return checkRangeRequest(op.requestRange)
  if ('requestPut' in op) return checkPutRequest(op.requestPut)
  if ('requestDeleteRange' in op) return checkDeleteRangeRequest(op.requestDeleteRange)
  if ('requestTxn' in op) return checkTxnRequest(op.requestTxn, maxTxnOps)
  throw new ErrGRPCKeyNotFound()
}

/**
 * etcd's checkTxnRequest (size and keys, recursively) followed by checkIntervals on both branches
 * (the duplicate-key rule). Throws ErrGRPCTooManyOps, ErrGRPCEmptyKey, ErrGRPCKeyNotFound,
 * ErrGRPCValueProvided, ErrGRPCLeaseProvided or ErrGRPCDuplicateKey.
 */
export function checkTxn (r: TxnRequest, maxTxnOps = DEFAULT_MAX_TXN_OPS): void {
  checkTxnRequest(r, maxTxnOps)
  checkIntervals(r.success ?? [])
  checkIntervals(r.failure ?? [])
}

/** etcd's checkTxnRequest: no list longer than `maxTxnOps`, keys present, ops well-formed. */
export function checkTxnRequest (r: TxnRequest, maxTxnOps = DEFAULT_MAX_TXN_OPS): void {
  const opc = Math.max(r.compare?.length ?? 0, r.success?.length ?? 0, r.failure?.length ?? 0)
  if (opc > maxTxnOps) throw new ErrGRPCTooManyOps()
  for (const c of r.compare ?? []) if (empty(c.key)) throw new ErrGRPCEmptyKey()
  for (const op of r.success ?? []) checkRequestOp(op, maxTxnOps - opc)
  for (const op of r.failure ?? []) checkRequestOp(op, maxTxnOps - opc)
}

/** A delete interval as etcd's checkIntervals builds it: [key, end) bytewise, or a point. */
interface Interval { lo: string, hi: string | undefined }

function toStr (b: Uint8Array | undefined): string {
  return b === undefined ? '' : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')
}

function hits (dels: readonly Interval[], k: string): boolean {
  // etcd builds [key, range_end) from the raw bytes, so a "\0" range_end gives an empty interval.
  return dels.some((d) => d.hi === undefined ? d.lo === k : (d.lo <= k && k < d.hi))
}

/**
 * etcd's checkIntervals: no key is put twice on one path, and no put falls inside a range deleted
 * on the same path (then/else branches of a nested txn may put the same key). Returns the puts
 * and deletes of `reqs` for the level above.
 */
export function checkIntervals (reqs: readonly RequestOp[]): { puts: Set<string>, dels: Interval[] } {
  const dels: Interval[] = []
  for (const op of reqs) {
    if (!('requestDeleteRange' in op)) continue
    const d = op.requestDeleteRange
    dels.push({ lo: toStr(d.key), hi: empty(d.rangeEnd) ? undefined : toStr(d.rangeEnd) })
  }
  const puts = new Set<string>()
  for (const op of reqs) {
    if (!('requestTxn' in op)) continue
    const t = checkIntervals(op.requestTxn.success ?? [])
    const e = checkIntervals(op.requestTxn.failure ?? [])
    for (const k of t.puts) {
      if (puts.has(k) || hits(dels, k)) throw new ErrGRPCDuplicateKey()
      puts.add(k)
    }
    for (const k of e.puts) {
      if (puts.has(k) && !t.puts.has(k)) throw new ErrGRPCDuplicateKey()
      if (hits(dels, k)) throw new ErrGRPCDuplicateKey()
      puts.add(k)
    }
    dels.push(...t.dels, ...e.dels)
  }
  for (const op of reqs) {
    if (!('requestPut' in op)) continue
    const k = toStr(op.requestPut.key)
    if (puts.has(k) || hits(dels, k)) throw new ErrGRPCDuplicateKey()
    puts.add(k)
  }
  return { puts, dels }
}
