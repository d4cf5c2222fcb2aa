// What the lock and election services need from the server: etcd's v3lock and v3election run
// clientv3/concurrency over an embedded client; here the same recipes call the server directly.
import type {
  DeleteRangeRequest, DeleteRangeResponse, RangeRequest, RangeResponse, TxnRequest, TxnResponse
} from '../../api/etcdserverpb/kv.js'
import type { LeaseGrantRequest, LeaseGrantResponse } from '../../api/etcdserverpb/lease.js'
import type { KeyValue } from '../../api/mvccpb/kv.js'
import { SortOrder, SortTarget } from '../../api/etcdserverpb/kv.js'
import type { WatchStream } from '../../storage/mvcc/index.js'

export interface ConcurrencyClient {
  range (r: RangeRequest): Promise<RangeResponse>
  txn (r: TxnRequest): Promise<TxnResponse>
  deleteRange (r: DeleteRangeRequest): Promise<DeleteRangeResponse>
  leaseGrant (r: LeaseGrantRequest): Promise<LeaseGrantResponse>
  /** A watch stream on the local store. */
  newWatchStream (): WatchStream
}

/** clientv3/concurrency's default session TTL: the lease granted when a request names none. */
export const DEFAULT_SESSION_TTL = 60n

const EMPTY = new Uint8Array(0)

export function bytes (b: Uint8Array | undefined): Uint8Array {
  return b ?? EMPTY
}

export function concat (...parts: Array<Uint8Array | string>): Uint8Array {
  return Buffer.concat(parts.map((p) => typeof p === 'string' ? Buffer.from(p) : p))
}

/** etcd's GetPrefixRangeEnd: the prefix with its last byte below 0xff incremented; "\0" if none. */
export function prefixEnd (prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix)
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++
      return end.subarray(0, i + 1)
    }
  }
  return Uint8Array.of(0)
}

/** The key `<prefix><lease in hex>` (Go's %x of an int64: negative values keep their sign). */
export function leaseKey (prefix: Uint8Array, lease: bigint): Uint8Array {
  return concat(prefix, lease.toString(16))
}

/** A range over `prefix` ordered by create revision (etcd's WithFirstCreate / WithLastCreate). */
export function byCreate (prefix: Uint8Array, order: 'first' | 'last', maxCreateRevision?: bigint): RangeRequest {
  return {
    key: prefix,
    rangeEnd: prefixEnd(prefix),
    sortTarget: SortTarget.CREATE,
    sortOrder: order === 'first' ? SortOrder.ASCEND : SortOrder.DESCEND,
    limit: 1n,
    ...(maxCreateRevision !== undefined ? { maxCreateRevision } : {})
  }
}

/** The kvs of a range response inside a txn response. */
export function rangeKvs (op: unknown): KeyValue[] {
  return (op as { responseRange?: RangeResponse }).responseRange?.kvs ?? []
}
