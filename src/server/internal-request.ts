// InternalRaftRequest: what a normal raft entry carries, as etcd's etcdserverpb.InternalRaftRequest.
// Every client write becomes one of these, proposed through raft and applied on every member.
// The encoding (msgpack with 64-bit integers as bigint) lives only here; it is what the WAL and
// the peer transport carry inside raft entries.
import { Packr } from 'msgpackr'
import type { MemberAttrSetRequest } from './apply/membership.js'
import type {
  CompactionRequest, DeleteRangeRequest, PutRequest, RangeRequest, TxnRequest
} from '../api/etcdserverpb/kv.js'
import type { LeaseCheckpointRequest, LeaseGrantRequest, LeaseRevokeRequest } from '../api/etcdserverpb/lease.js'
import type { AlarmRequest } from '../api/etcdserverpb/maintenance.js'

/** The operations a proposal can carry. New services add members here. */
export interface InternalRaftOps {
  range: RangeRequest
  put: PutRequest
  deleteRange: DeleteRangeRequest
  txn: TxnRequest
  compaction: CompactionRequest
  leaseGrant: LeaseGrantRequest
  leaseRevoke: LeaseRevokeRequest
  leaseCheckpoint: LeaseCheckpointRequest
  clusterMemberAttrSet: MemberAttrSetRequest
  alarm: AlarmRequest
}
export type InternalOp = keyof InternalRaftOps

export type InternalRaftRequest = {
  [K in InternalOp]: {
    /** A unique request ID (IDGenerator); the proposer waits on it. */
    id: bigint
    op: K
    req: InternalRaftOps[K]
  }
}[InternalOp]

const packr = new Packr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: true, moreTypes: false })

/** The version byte in front of every encoded request, so the format can evolve. */
const formatVersion = 1

export function encodeInternalRaftRequest (r: InternalRaftRequest): Uint8Array {
  const body = packr.pack({ id: r.id, op: r.op, req: r.req })
  const out = new Uint8Array(body.length + 1)
  out[0] = formatVersion
  out.set(body, 1)
  return out
}

export function decodeInternalRaftRequest (data: Uint8Array): InternalRaftRequest {
  if (data.length < 2 || data[0] !== formatVersion) {
    throw new Error(`unsupported internal raft request format ${data[0]}`)
  }
  const v = packr.unpack(data.subarray(1)) as InternalRaftRequest
  if (typeof v.id !== 'bigint' || typeof v.op !== 'string') throw new Error('malformed internal raft request')
  return v
}
