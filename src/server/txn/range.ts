import { SortOrder, SortTarget, type RangeRequest, type RangeResponse } from '../../api/etcdserverpb/kv.js'
import type { KeyValue } from '../../api/mvccpb/kv.js'
import type { ReadView } from '../../storage/mvcc/index.js'
import { bytes, mkGteRange, revHeader } from './util.js'

function cmpBytes (a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b)
}

function cmpBig (a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const SORTERS: Record<number, (a: KeyValue, b: KeyValue) => number> = {
  [SortTarget.KEY]: (a, b) => cmpBytes(a.key, b.key),
  [SortTarget.VERSION]: (a, b) => cmpBig(a.version, b.version),
  [SortTarget.CREATE]: (a, b) => cmpBig(a.createRevision, b.createRevision),
  [SortTarget.MOD]: (a, b) => cmpBig(a.modRevision, b.modRevision),
  [SortTarget.VALUE]: (a, b) => cmpBytes(a.value, b.value)
}

/**
 * etcd's txn.Range: reads the range from `rv` with every RangeRequest option. `count` is the
 * number of keys in the range before min/max filtering and limit; `more` is true when `limit`
 * cut the result. With a sort or a min/max filter every key is fetched, filtered, sorted
 * (stably; ties stay in key order), then cut to `limit`. Throws ErrCompacted / ErrFutureRev.
 */
export function range (rv: ReadView, r: RangeRequest): RangeResponse {
  const reqLimit = r.limit ?? 0n
  const sortOrder0 = r.sortOrder ?? SortOrder.NONE
  const sortTarget = r.sortTarget ?? SortTarget.KEY
  const minMod = r.minModRevision ?? 0n
  const maxMod = r.maxModRevision ?? 0n
  const minCreate = r.minCreateRevision ?? 0n
  const maxCreate = r.maxCreateRevision ?? 0n
  let limit = reqLimit
  if (sortOrder0 !== SortOrder.NONE || minMod !== 0n || maxMod !== 0n || minCreate !== 0n || maxCreate !== 0n) {
    limit = 0n
  }
  if (limit > 0n) limit++
  const rr = rv.range(bytes(r.key), mkGteRange(r.rangeEnd), {
    limit: limit > 0n ? Number(limit) : 0,
    rev: r.revision ?? 0n,
    count: r.countOnly === true
  })
  let kvs = rr.kvs
  if (maxMod !== 0n) kvs = kvs.filter((kv) => kv.modRevision <= maxMod)
  if (minMod !== 0n) kvs = kvs.filter((kv) => kv.modRevision >= minMod)
  if (maxCreate !== 0n) kvs = kvs.filter((kv) => kv.createRevision <= maxCreate)
  if (minCreate !== 0n) kvs = kvs.filter((kv) => kv.createRevision >= minCreate)

  let sortOrder: number = sortOrder0
  if (sortTarget !== SortTarget.KEY && sortOrder === SortOrder.NONE) sortOrder = SortOrder.ASCEND
  const sorter = SORTERS[sortTarget]
  if (sorter !== undefined && kvs.length > 1) {
    if (sortOrder === SortOrder.ASCEND) kvs = kvs.slice().sort(sorter)
    else if (sortOrder === SortOrder.DESCEND) kvs = kvs.slice().sort((a, b) => sorter(b, a))
  }
  let more = false
  if (reqLimit > 0n && BigInt(kvs.length) > reqLimit) {
    kvs = kvs.slice(0, Number(reqLimit))
    more = true
  }
  if (r.keysOnly === true) kvs = kvs.map((kv) => ({ ...kv, value: new Uint8Array(0) }))
  return { header: revHeader(rr.rev), kvs, more, count: BigInt(rr.count) }
}
