import type { DeleteRangeRequest, DeleteRangeResponse } from '../../api/etcdserverpb/kv.js'
import type { KeyValue } from '../../api/mvccpb/kv.js'
import type { TxnWrite } from '../../storage/mvcc/index.js'
import { bytes, mkGteRange, revHeader } from './util.js'

/**
 * etcd's txn.DeleteRange: deletes the range in one revision (none when nothing matched) and
 * returns the deleted KeyValues when prev_kv.
 */
export function deleteRange (txn: TxnWrite, dr: DeleteRangeRequest): DeleteRangeResponse {
  const key = bytes(dr.key)
  const end = mkGteRange(dr.rangeEnd)
  let prevKvs: KeyValue[] = []
  if (dr.prevKv === true) prevKvs = txn.range(key, end).kvs
  const { n, rev } = txn.deleteRange(key, end)
  return { header: revHeader(rev), deleted: BigInt(n), prevKvs }
}
