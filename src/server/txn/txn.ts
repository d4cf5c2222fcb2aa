import type { RequestOp, ResponseOp, TxnRequest, TxnResponse } from '../../api/etcdserverpb/kv.js'
import { ErrCompacted, ErrFutureRev, ReadOnlyTxnWrite, type ReadView, type TxnRead, type TxnWrite } from '../../storage/mvcc/index.js'
import { applyCompares } from './compare.js'
import { deleteRange } from './delete.js'
import { ErrKeyNotFound, ErrLeaseNotFound } from './errors.js'
import { put, type TxnOptions } from './put.js'
import { range } from './range.js'
import { mkGteRange, revHeader } from './util.js'

/** True when the mvcc-level range [key, end) (end undefined = single key, empty = open) holds k. */
function covers (key: Uint8Array, end: Uint8Array | undefined, k: Uint8Array): boolean {
  if (end === undefined) return Buffer.compare(key, k) === 0
  return Buffer.compare(key, k) <= 0 && (end.length === 0 || Buffer.compare(k, end) < 0)
}

/** True when no op of the txn, at any depth, writes (etcd's IsTxnReadonly). */
export function isTxnReadonly (r: TxnRequest): boolean {
  const ro = (ops: readonly RequestOp[] | undefined): boolean => (ops ?? []).every((op) => {
    if ('requestPut' in op || 'requestDeleteRange' in op) return false
    if ('requestTxn' in op) return isTxnReadonly(op.requestTxn)
    return true
  })
  return ro(r.success) && ro(r.failure)
}

/** True when every op of both branches is a serializable range (etcd's IsTxnSerializable; a nested txn is not). */
export function isTxnSerializable (r: TxnRequest): boolean {
  const ser = (ops: readonly RequestOp[] | undefined): boolean =>
    (ops ?? []).every((op) => 'requestRange' in op && op.requestRange.serializable === true)
  return ser(r.success) && ser(r.failure)
}

/** etcd's compareToPath: the branch taken by the txn and each nested txn, in execution order. */
function compareToPath (rv: ReadView, rt: TxnRequest): boolean[] {
  const ok = applyCompares(rv, rt.compare)
  const path = [ok]
  for (const op of (ok ? rt.success : rt.failure) ?? []) {
    if ('requestTxn' in op) path.push(...compareToPath(rv, op.requestTxn))
  }
  return path
}

/** Walks the ops on `path`, calling `f` for every non-txn op; returns nested txns visited. */
function checkRequests (rt: TxnRequest, path: boolean[], f: (op: RequestOp) => void): number {
  let count = 0
  let p = path
  for (const op of (p[0] ? rt.success : rt.failure) ?? []) {
    if ('requestTxn' in op) {
      const n = checkRequests(op.requestTxn, p.slice(1), f)
      count += n + 1
      p = [p[0], ...p.slice(n + 2)]
      continue
    }
    f(op)
  }
  return count
}

function newTxnResp (rt: TxnRequest, path: boolean[]): { resp: TxnResponse, used: number } {
  const ok = path[0]
  const responses: ResponseOp[] = []
  let used = 1
  for (const op of (ok ? rt.success : rt.failure) ?? []) {
    if ('requestTxn' in op) {
      const sub = newTxnResp(op.requestTxn, path.slice(used))
      used += sub.used
      responses.push({ responseTxn: sub.resp })
    } else if ('requestRange' in op) {
      responses.push({ responseRange: { header: revHeader(0n), kvs: [], more: false, count: 0n } })
    } else if ('requestPut' in op) {
      responses.push({ responsePut: { header: revHeader(0n) } })
    } else if ('requestDeleteRange' in op) {
      responses.push({ responseDeleteRange: { header: revHeader(0n), deleted: 0n, prevKvs: [] } })
    } else {
      responses.push({} as ResponseOp)
    }
  }
  return { resp: { header: revHeader(0n), succeeded: ok, responses }, used }
}

function executeTxn (tw: TxnWrite, rt: TxnRequest, path: boolean[], tresp: TxnResponse): number {
  let txns = 0
  let p = path
  const ops = (p[0] ? rt.success : rt.failure) ?? []
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]
    const slot = tresp.responses[i]
    if ('requestRange' in op) {
      tresp.responses[i] = { responseRange: range(tw, op.requestRange) }
    } else if ('requestPut' in op) {
      tresp.responses[i] = { responsePut: put(tw, op.requestPut) }
    } else if ('requestDeleteRange' in op) {
      tresp.responses[i] = { responseDeleteRange: deleteRange(tw, op.requestDeleteRange) }
    } else if ('requestTxn' in op && 'responseTxn' in slot) {
      const n = executeTxn(tw, op.requestTxn, p.slice(1), slot.responseTxn)
      txns += n + 1
      p = [p[0], ...p.slice(n + 2)]
    }
  }
  return txns
}

/**
 * etcd's txn.Txn: evaluates every compare (nested ones too) against the state before the txn,
 * checks the chosen ops (ignore_value/ignore_lease targets exist, leases exist, range revisions
 * readable) before writing anything, then runs them; all writes share one revision. `view` is a
 * write txn from an apply batch, or a read view for a read-only txn. The top-level header carries
 * only the revision (the server fills the rest); nested txn headers are empty, nested op headers
 * carry the revision, as etcd answers. Validate the request with {@link checkTxn} first.
 */
export function txn (view: TxnWrite | TxnRead, rt: TxnRequest, opts: TxnOptions = {}): TxnResponse {
  const tw: TxnWrite = 'put' in view ? view : new ReadOnlyTxnWrite(view)
  const isWrite = !isTxnReadonly(rt)
  if (isWrite && tw.readOnly) throw new Error('etcdserver: write txn on a read-only view')
  const path = compareToPath(tw, rt)
  if (isWrite) {
    // Deletes met so far on the path, in execution order: a put with ignore_value/ignore_lease
    // after a delete that covers its key would fail half-way through the txn (etcd panics
    // there); refusing it here keeps the txn all-or-nothing. checkIntervals lets that through
    // only for a delete whose range_end is "\0".
    const deleted: Array<{ key: Uint8Array, end: Uint8Array | undefined }> = []
    checkRequests(rt, path, (op) => {
      if ('requestDeleteRange' in op) {
        deleted.push({ key: op.requestDeleteRange.key ?? new Uint8Array(0), end: mkGteRange(op.requestDeleteRange.rangeEnd) })
        return
      }
      if (!('requestPut' in op)) return
      const p = op.requestPut
      if (p.ignoreValue === true || p.ignoreLease === true) {
        const key = p.key ?? new Uint8Array(0)
        if (tw.range(key, undefined).kvs.length === 0) throw new ErrKeyNotFound()
        if (deleted.some((d) => covers(d.key, d.end, key))) throw new ErrKeyNotFound()
      }
      const lease = p.lease ?? 0n
      if (lease !== 0n && opts.leaseExists !== undefined && !opts.leaseExists(lease)) throw new ErrLeaseNotFound()
    })
  }
  checkRequests(rt, path, (op) => {
    if (!('requestRange' in op)) return
    const rev = op.requestRange.revision ?? 0n
    if (rev === 0n) return
    if (rev > tw.rev()) throw new ErrFutureRev()
    if (rev < tw.firstRev()) throw new ErrCompacted()
  })
  const { resp } = newTxnResp(rt, path)
  executeTxn(tw, rt, path, resp)
  const rev = tw.changes().length > 0 ? tw.rev() + 1n : tw.rev()
  resp.header = revHeader(rev)
  return resp
}
