// Drives src/server/txn against a real store the way the server does: requests are checked
// first, writes run in an apply batch, reads and read-only txns run on a read view.
import type {
  DeleteRangeRequest, DeleteRangeResponse, PutRequest, PutResponse, RangeRequest, RangeResponse, TxnRequest, TxnResponse
} from '../../src/api/etcdserverpb/kv.js'
import type { KVStore } from '../../src/storage/mvcc/index.js'
import {
  checkDeleteRangeRequest, checkPutRequest, checkRangeRequest, checkTxn, deleteRange, isTxnReadonly, put, range, txn,
  type TxnOptions
} from '../../src/server/txn/index.js'

export class Harness {
  constructor (readonly kv: KVStore, readonly opts: TxnOptions = {}, readonly maxTxnOps = 128) {}

  range (r: RangeRequest): RangeResponse {
    checkRangeRequest(r)
    return range(this.kv.read(), r)
  }

  put (r: PutRequest): PutResponse {
    checkPutRequest(r)
    return this.kv.applyBatch((b) => b.withWrite((w) => put(w, r, this.opts)))
  }

  deleteRange (r: DeleteRangeRequest): DeleteRangeResponse {
    checkDeleteRangeRequest(r)
    return this.kv.applyBatch((b) => b.withWrite((w) => deleteRange(w, r)))
  }

  txn (r: TxnRequest): TxnResponse {
    checkTxn(r, this.maxTxnOps)
    if (isTxnReadonly(r)) return txn(this.kv.read(), r, this.opts)
    return this.kv.applyBatch((b) => b.withWrite((w) => txn(w, r, this.opts)))
  }
}
