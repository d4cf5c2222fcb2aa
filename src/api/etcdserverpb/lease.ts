// The Lease service's messages (etcd api/etcdserverpb/rpc.proto): typed forms (bigint IDs and
// TTLs, as etcd's identifiers ID/TTL), wire descriptors for the JSON codec, encode/decode
// helpers and the TypeBox schemas of the JSON form (documentation only, as for KV).
import { Type, type TSchema } from 'typebox'
import type { ResponseHeader } from './kv.js'
import { ResponseHeaderDesc } from './kv-desc.js'
import { message } from '../json/descriptor.js'
import { decodeMessage } from '../json/decode.js'
import { encodeMessage } from '../json/encode.js'
import { Bytes, Int64In, Int64Out } from './kv-json.js'

export interface LeaseGrantRequest { TTL?: bigint, ID?: bigint }
export interface LeaseGrantResponse { header: ResponseHeader, ID: bigint, TTL: bigint, error?: string }
export interface LeaseRevokeRequest { ID?: bigint }
export interface LeaseRevokeResponse { header: ResponseHeader }
export interface LeaseCheckpoint { ID: bigint, remainingTTL: bigint }
/** Internal (raft) only: remaining TTLs the leader records (etcd's LeaseCheckpointRequest). */
export interface LeaseCheckpointRequest { checkpoints: LeaseCheckpoint[] }
export interface LeaseKeepAliveRequest { ID?: bigint }
export interface LeaseKeepAliveResponse { header: ResponseHeader, ID: bigint, TTL: bigint }
export interface LeaseTimeToLiveRequest { ID?: bigint, keys?: boolean }
export interface LeaseTimeToLiveResponse {
  header: ResponseHeader
  ID: bigint
  TTL: bigint
  grantedTTL: bigint
  keys: Uint8Array[]
}
export interface LeaseLeasesRequest {}
export interface LeaseStatus { ID: bigint }
export interface LeaseLeasesResponse { header: ResponseHeader, leases: LeaseStatus[] }

const header = ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }] as const

export const LeaseGrantRequestDesc = message('etcdserverpb.LeaseGrantRequest', [
  ['TTL', 1, { kind: 'int64' }],
  ['ID', 2, { kind: 'int64' }]
])
export const LeaseGrantResponseDesc = message('etcdserverpb.LeaseGrantResponse', [
  header,
  ['ID', 2, { kind: 'int64' }],
  ['TTL', 3, { kind: 'int64' }],
  ['error', 4, { kind: 'string' }]
])
export const LeaseRevokeRequestDesc = message('etcdserverpb.LeaseRevokeRequest', [['ID', 1, { kind: 'int64' }]])
export const LeaseRevokeResponseDesc = message('etcdserverpb.LeaseRevokeResponse', [header])
export const LeaseKeepAliveRequestDesc = message('etcdserverpb.LeaseKeepAliveRequest', [['ID', 1, { kind: 'int64' }]])
export const LeaseKeepAliveResponseDesc = message('etcdserverpb.LeaseKeepAliveResponse', [
  header,
  ['ID', 2, { kind: 'int64' }],
  ['TTL', 3, { kind: 'int64' }]
])
export const LeaseTimeToLiveRequestDesc = message('etcdserverpb.LeaseTimeToLiveRequest', [
  ['ID', 1, { kind: 'int64' }],
  ['keys', 2, { kind: 'bool' }]
])
export const LeaseTimeToLiveResponseDesc = message('etcdserverpb.LeaseTimeToLiveResponse', [
  header,
  ['ID', 2, { kind: 'int64' }],
  ['TTL', 3, { kind: 'int64' }],
  ['grantedTTL', 4, { kind: 'int64' }],
  ['keys', 5, { kind: 'bytes', repeated: true }]
])
export const LeaseLeasesRequestDesc = message('etcdserverpb.LeaseLeasesRequest', [])
export const LeaseStatusDesc = message('etcdserverpb.LeaseStatus', [['ID', 1, { kind: 'int64' }]])
export const LeaseLeasesResponseDesc = message('etcdserverpb.LeaseLeasesResponse', [
  header,
  ['leases', 2, { kind: 'message', repeated: true, message: () => LeaseStatusDesc }]
])

export const decodeLeaseGrantRequest = (b: unknown): LeaseGrantRequest => decodeMessage(LeaseGrantRequestDesc, b)
export const decodeLeaseRevokeRequest = (b: unknown): LeaseRevokeRequest => decodeMessage(LeaseRevokeRequestDesc, b)
export const decodeLeaseKeepAliveRequest = (b: unknown): LeaseKeepAliveRequest => decodeMessage(LeaseKeepAliveRequestDesc, b)
export const decodeLeaseTimeToLiveRequest = (b: unknown): LeaseTimeToLiveRequest => decodeMessage(LeaseTimeToLiveRequestDesc, b)
export const decodeLeaseLeasesRequest = (b: unknown): LeaseLeasesRequest => decodeMessage(LeaseLeasesRequestDesc, b)

type J = Record<string, unknown>
export const encodeLeaseGrantResponse = (r: LeaseGrantResponse): J => encodeMessage(LeaseGrantResponseDesc, r)
export const encodeLeaseRevokeResponse = (r: LeaseRevokeResponse): J => encodeMessage(LeaseRevokeResponseDesc, r)
export const encodeLeaseKeepAliveResponse = (r: LeaseKeepAliveResponse): J => encodeMessage(LeaseKeepAliveResponseDesc, r)
export const encodeLeaseTimeToLiveResponse = (r: LeaseTimeToLiveResponse): J => encodeMessage(LeaseTimeToLiveResponseDesc, r)
export const encodeLeaseLeasesResponse = (r: LeaseLeasesResponse): J => encodeMessage(LeaseLeasesResponseDesc, r)

/** The transport-neutral Lease service (etcd's LeaseServer, keep-alive as one call per request). */
export interface LeaseServer {
  leaseGrant (r: LeaseGrantRequest): Promise<LeaseGrantResponse>
  leaseRevoke (r: LeaseRevokeRequest): Promise<LeaseRevokeResponse>
  leaseKeepAlive (r: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse>
  leaseTimeToLive (r: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse>
  leaseLeases (r: LeaseLeasesRequest): Promise<LeaseLeasesResponse>
}

// ---- TypeBox schemas of the JSON form (documentation; the codec does the decoding)

const lenient = { additionalProperties: true }
const H = Type.Optional(Type.Ref('ResponseHeader'))

export const LeaseGrantRequestJson = Type.Object({
  TTL: Type.Optional(Int64In('Requested TTL in seconds; raised to the minimum (2 s with default timing); above 9000000000 fails.')),
  ID: Type.Optional(Int64In('Lease ID to use; 0 or absent = the server picks one.'))
}, { ...lenient, $id: 'LeaseGrantRequest', examples: [{ TTL: '30' }, { TTL: '30', ID: '1000' }] })
export const LeaseGrantResponseJson = Type.Object({
  header: H,
  ID: Type.Optional(Int64Out('The lease ID')),
  TTL: Type.Optional(Int64Out('The granted TTL in seconds'))
}, { $id: 'LeaseGrantResponse' })
export const LeaseRevokeRequestJson = Type.Object({
  ID: Type.Optional(Int64In('The lease to revoke; its keys are deleted in one revision.'))
}, { ...lenient, $id: 'LeaseRevokeRequest', examples: [{ ID: '1000' }] })
export const LeaseRevokeResponseJson = Type.Object({ header: H }, { $id: 'LeaseRevokeResponse' })
export const LeaseKeepAliveRequestJson = Type.Object({
  ID: Type.Optional(Int64In('The lease to keep alive.'))
}, {
  ...lenient,
  $id: 'LeaseKeepAliveRequest',
  description: 'The body may hold several requests (`{"ID":"1"} {"ID":"2"}`); one result line each.',
  examples: [{ ID: '1000' }]
})
export const LeaseKeepAliveResultJson = Type.Object({
  result: Type.Object({
    header: H,
    ID: Type.Optional(Int64Out('The lease ID')),
    TTL: Type.Optional(Int64Out('The new TTL; absent when the lease does not exist'))
  })
}, { $id: 'LeaseKeepAliveResult', description: 'One NDJSON line per request object.' })
export const LeaseTimeToLiveRequestJson = Type.Object({
  ID: Type.Optional(Int64In('The lease.')),
  keys: Type.Optional(Type.Boolean({ description: 'Also list the attached keys.' }))
}, { ...lenient, $id: 'LeaseTimeToLiveRequest', examples: [{ ID: '1000', keys: true }] })
export const LeaseTimeToLiveResponseJson = Type.Object({
  header: H,
  ID: Type.Optional(Int64Out('The lease ID')),
  TTL: Type.Optional(Int64Out('Remaining seconds; "-1" when the lease does not exist')),
  grantedTTL: Type.Optional(Int64Out('The TTL granted')),
  keys: Type.Optional(Type.Array(Bytes('An attached key, base64')))
}, { $id: 'LeaseTimeToLiveResponse' })
export const LeaseLeasesRequestJson = Type.Object({}, { ...lenient, $id: 'LeaseLeasesRequest' })
export const LeaseLeasesResponseJson = Type.Object({
  header: H,
  leases: Type.Optional(Type.Array(Type.Object({ ID: Type.Optional(Int64Out('A lease ID')) })))
}, { $id: 'LeaseLeasesResponse' })

/** Every lease schema with an `$id`, for app.addSchema. */
export const leaseSchemas: readonly TSchema[] = [
  LeaseGrantRequestJson, LeaseGrantResponseJson, LeaseRevokeRequestJson, LeaseRevokeResponseJson,
  LeaseKeepAliveRequestJson, LeaseKeepAliveResultJson, LeaseTimeToLiveRequestJson, LeaseTimeToLiveResponseJson,
  LeaseLeasesRequestJson, LeaseLeasesResponseJson
]
