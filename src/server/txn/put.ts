import type { PutRequest, PutResponse } from '../../api/etcdserverpb/kv.js'
import type { KeyValue } from '../../api/mvccpb/kv.js'
import type { TxnWrite } from '../../storage/mvcc/index.js'
import { ErrKeyNotFound, ErrLeaseNotFound } from './errors.js'
import { bytes, revHeader } from './util.js'

/** What the KV request functions need from outside the store. */
export interface TxnOptions {
  /** True when the lease exists (the lessor's Lookup); absent = every lease exists. */
  leaseExists?: (id: bigint) => boolean
}

/**
 * etcd's txn.Put: checks the lease, reads the previous KeyValue when prev_kv, ignore_value or
 * ignore_lease needs it, and writes. Throws ErrLeaseNotFound or ErrKeyNotFound before writing.
 */
export function put (txn: TxnWrite, p: PutRequest, opts: TxnOptions = {}): PutResponse {
  const key = bytes(p.key)
  let value = bytes(p.value)
  let lease = p.lease ?? 0n
  if (lease !== 0n && opts.leaseExists !== undefined && !opts.leaseExists(lease)) {
    throw new ErrLeaseNotFound()
  }
  let prev: KeyValue | undefined
  if (p.ignoreValue === true || p.ignoreLease === true || p.prevKv === true) {
    prev = txn.range(key, undefined).kvs[0]
  }
  if (p.ignoreValue === true || p.ignoreLease === true) {
    if (prev === undefined) throw new ErrKeyNotFound()
    if (p.ignoreValue === true) value = prev.value
    if (p.ignoreLease === true) lease = prev.lease
  }
  const rev = txn.put(key, value, lease)
  const resp: PutResponse = { header: revHeader(rev) }
  if (p.prevKv === true && prev !== undefined) resp.prevKv = prev
  return resp
}
