// The Maintenance service's messages (etcd api/etcdserverpb/rpc.proto: Alarm*, Status*, Defragment*,
// Hash*, HashKV*, Snapshot*): typed forms (bigint IDs), wire descriptors for the JSON codec,
// encode/decode helpers, the transport-neutral MaintenanceServer interface and TypeBox schemas of
// the JSON form (documentation only, as for KV). Gateway spec §5.5. MoveLeader lives with the
// cluster messages.
import { Type, type TSchema } from 'typebox'
import type { ResponseHeader } from './kv.js'
import { ResponseHeaderDesc } from './kv-desc.js'
import { enumDesc, message } from '../json/descriptor.js'
import { decodeMessage } from '../json/decode.js'
import { encodeMessage } from '../json/encode.js'
import { Bytes, Int64In, Int64Out } from './kv-json.js'

/** etcdserverpb.AlarmType. */
export const AlarmType = { NONE: 0, NOSPACE: 1, CORRUPT: 2 } as const
export type AlarmType = typeof AlarmType[keyof typeof AlarmType]
/** etcdserverpb.AlarmRequest_AlarmAction. */
export const AlarmAction = { GET: 0, ACTIVATE: 1, DEACTIVATE: 2 } as const
export type AlarmAction = typeof AlarmAction[keyof typeof AlarmAction]

export const AlarmTypeEnum = enumDesc('etcdserverpb.AlarmType', AlarmType)
export const AlarmActionEnum = enumDesc('etcdserverpb.AlarmRequest_AlarmAction', AlarmAction)

/** The alarm's name as etcd prints it (`NOSPACE`), or its number for an unknown type. */
export function alarmName (t: number): string {
  return AlarmTypeEnum.names.get(t) ?? String(t)
}

export interface AlarmMember { memberID: bigint, alarm: number }
export interface AlarmRequest { action?: number, memberID?: bigint, alarm?: number }
export interface AlarmResponse { header: ResponseHeader, alarms: AlarmMember[] }
export type StatusRequest = Record<string, never>
export interface StatusResponse {
  header: ResponseHeader
  version: string
  dbSize: bigint
  leader: bigint
  raftIndex: bigint
  raftTerm: bigint
  raftAppliedIndex: bigint
  errors: string[]
  dbSizeInUse: bigint
  isLearner: boolean
}
export type DefragmentRequest = Record<string, never>
export interface DefragmentResponse { header?: ResponseHeader }
export type HashRequest = Record<string, never>
export interface HashResponse { header: ResponseHeader, hash: number }
export interface HashKVRequest { revision?: bigint }
export interface HashKVResponse { header: ResponseHeader, hash: number, compactRevision: bigint }
export type SnapshotRequest = Record<string, never>
export interface SnapshotResponse { header?: ResponseHeader, remainingBytes: bigint, blob: Uint8Array }

/** The transport-neutral Maintenance service (etcd's MaintenanceServer, without MoveLeader). */
export interface MaintenanceServer {
  alarm (r: AlarmRequest): Promise<AlarmResponse>
  status (r: StatusRequest): Promise<StatusResponse>
  defragment (r: DefragmentRequest): Promise<DefragmentResponse>
  hash (r: HashRequest): Promise<HashResponse>
  hashKV (r: HashKVRequest): Promise<HashKVResponse>
  /** The backend as a sequence of chunks, the last one carrying the SHA-256 of all before it. */
  snapshot (r: SnapshotRequest): AsyncIterable<SnapshotResponse>
}

const header = ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }] as const

export const AlarmMemberDesc = message('etcdserverpb.AlarmMember', [
  ['memberID', 1, { kind: 'uint64' }],
  ['alarm', 2, { kind: 'enum', enumType: AlarmTypeEnum }]
])
export const AlarmRequestDesc = message('etcdserverpb.AlarmRequest', [
  ['action', 1, { kind: 'enum', enumType: AlarmActionEnum }],
  ['memberID', 2, { kind: 'uint64' }],
  ['alarm', 3, { kind: 'enum', enumType: AlarmTypeEnum }]
])
export const AlarmResponseDesc = message('etcdserverpb.AlarmResponse', [
  header,
  ['alarms', 2, { kind: 'message', repeated: true, message: () => AlarmMemberDesc }]
])
export const StatusRequestDesc = message('etcdserverpb.StatusRequest', [])
export const StatusResponseDesc = message('etcdserverpb.StatusResponse', [
  header,
  ['version', 2, { kind: 'string' }],
  ['dbSize', 3, { kind: 'int64' }],
  ['leader', 4, { kind: 'uint64' }],
  ['raftIndex', 5, { kind: 'uint64' }],
  ['raftTerm', 6, { kind: 'uint64' }],
  ['raftAppliedIndex', 7, { kind: 'uint64' }],
  ['errors', 8, { kind: 'string', repeated: true }],
  ['dbSizeInUse', 9, { kind: 'int64' }],
  ['isLearner', 10, { kind: 'bool' }]
])
export const DefragmentRequestDesc = message('etcdserverpb.DefragmentRequest', [])
export const DefragmentResponseDesc = message('etcdserverpb.DefragmentResponse', [header])
export const HashRequestDesc = message('etcdserverpb.HashRequest', [])
export const HashResponseDesc = message('etcdserverpb.HashResponse', [header, ['hash', 2, { kind: 'uint32' }]])
export const HashKVRequestDesc = message('etcdserverpb.HashKVRequest', [['revision', 1, { kind: 'int64' }]])
export const HashKVResponseDesc = message('etcdserverpb.HashKVResponse', [
  header,
  ['hash', 2, { kind: 'uint32' }],
  ['compact_revision', 3, { kind: 'int64' }]
])
export const SnapshotRequestDesc = message('etcdserverpb.SnapshotRequest', [])
export const SnapshotResponseDesc = message('etcdserverpb.SnapshotResponse', [
  header,
  ['remaining_bytes', 2, { kind: 'uint64' }],
  ['blob', 3, { kind: 'bytes' }]
])

export const decodeAlarmRequest = (b: unknown): AlarmRequest => decodeMessage(AlarmRequestDesc, b)
export const decodeStatusRequest = (b: unknown): StatusRequest => decodeMessage(StatusRequestDesc, b)
export const decodeDefragmentRequest = (b: unknown): DefragmentRequest => decodeMessage(DefragmentRequestDesc, b)
export const decodeHashRequest = (b: unknown): HashRequest => decodeMessage(HashRequestDesc, b)
export const decodeHashKVRequest = (b: unknown): HashKVRequest => decodeMessage(HashKVRequestDesc, b)
export const decodeSnapshotRequest = (b: unknown): SnapshotRequest => decodeMessage(SnapshotRequestDesc, b)

type J = Record<string, unknown>
export const encodeAlarmResponse = (r: AlarmResponse): J => encodeMessage(AlarmResponseDesc, r)
export const encodeStatusResponse = (r: StatusResponse): J => encodeMessage(StatusResponseDesc, r)
export const encodeDefragmentResponse = (r: DefragmentResponse): J => encodeMessage(DefragmentResponseDesc, r)
export const encodeHashResponse = (r: HashResponse): J => encodeMessage(HashResponseDesc, r)
export const encodeHashKVResponse = (r: HashKVResponse): J => encodeMessage(HashKVResponseDesc, r)
export const encodeSnapshotResponse = (r: SnapshotResponse): J => encodeMessage(SnapshotResponseDesc, r)

// ---- TypeBox schemas of the JSON form (documentation; the codec does the decoding)

const lenient = { additionalProperties: true }
const H = Type.Optional(Type.Ref('ResponseHeader'))
const Empty = (id: string, description: string): TSchema => Type.Object({}, { ...lenient, $id: id, description })
const AlarmTypeJson = (d: string): TSchema => Type.Optional(Type.String({ enum: Object.keys(AlarmType), description: d }))
const Uint32Out = (d: string): TSchema => Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff, description: d }))

export const AlarmMemberJson = Type.Object({
  memberID: Type.Optional(Int64Out('The member that raised the alarm')),
  alarm: AlarmTypeJson('The alarm type')
}, { $id: 'AlarmMember' })
export const AlarmRequestJson = Type.Object({
  action: Type.Optional(Type.String({
    enum: Object.keys(AlarmAction),
    description: 'GET lists alarms (all when `alarm` is NONE or absent, else that type); ACTIVATE raises `alarm` for `memberID`; DEACTIVATE clears it. Absent = GET.',
    examples: ['GET']
  })),
  memberID: Type.Optional(Int64In('The member the alarm is about (ACTIVATE/DEACTIVATE); 0 with GET')),
  alarm: AlarmTypeJson('NONE (all, with GET), NOSPACE (writes refused with code 8) or CORRUPT (writes refused with code 15)')
}, { ...lenient, $id: 'AlarmRequest' })
export const AlarmResponseJson = Type.Object({
  header: H,
  alarms: Type.Optional(Type.Array(Type.Ref('AlarmMember'), { description: 'The alarms listed, raised or cleared; absent when none' }))
}, { $id: 'AlarmResponse' })
export const StatusRequestJson = Empty('StatusRequest', 'No fields.')
export const StatusResponseJson = Type.Object({
  header: H,
  version: Type.Optional(Type.String({ description: 'The etcd server version this member behaves as' })),
  dbSize: Type.Optional(Int64Out('Size of the backend file in bytes')),
  leader: Type.Optional(Int64Out('The leader\'s member ID; absent without a leader')),
  raftIndex: Type.Optional(Int64Out('The raft commit index')),
  raftTerm: Type.Optional(Int64Out('The raft term')),
  raftAppliedIndex: Type.Optional(Int64Out('The last applied raft index')),
  errors: Type.Optional(Type.Array(Type.String(), { description: 'Active alarms (`memberID:<id> alarm:<NAME> `) and `etcdserver: no leader`' })),
  dbSizeInUse: Type.Optional(Int64Out('Bytes of the backend in use (dbSize less free pages)')),
  isLearner: Type.Optional(Type.Boolean({ description: 'True when this member is a learner' }))
}, { $id: 'StatusResponse' })
export const DefragmentRequestJson = Empty('DefragmentRequest', 'No fields.')
export const DefragmentResponseJson = Type.Object({ header: H }, { $id: 'DefragmentResponse', description: 'Empty: `{}`.' })
export const HashRequestJson = Empty('HashRequest', 'No fields.')
export const HashResponseJson = Type.Object({
  header: H,
  hash: Uint32Out('CRC-32C of the whole backend (a JSON number)')
}, { $id: 'HashResponse' })
export const HashKVRequestJson = Type.Object({
  revision: Type.Optional(Int64In('Hash the key-value history up to this revision; 0 = the current revision'))
}, { ...lenient, $id: 'HashKVRequest' })
export const HashKVResponseJson = Type.Object({
  header: H,
  hash: Uint32Out('CRC-32 of the key-value history up to the revision (a JSON number)'),
  compact_revision: Type.Optional(Int64Out('The last compaction revision; -1 when never compacted'))
}, { $id: 'HashKVResponse' })
export const SnapshotRequestJson = Empty('SnapshotRequest', 'No fields.')
export const SnapshotResultJson = Type.Object({
  result: Type.Optional(Type.Object({
    remaining_bytes: Type.Optional(Int64Out('Bytes still to come after this chunk; absent on the last ones')),
    blob: Type.Optional(Bytes('32 KiB of the backend; the final line carries the SHA-256 of all chunks before it'))
  }))
}, { $id: 'SnapshotResult' })

/** Shared schemas the maintenance routes refer to by $id. */
export const maintenanceSchemas: TSchema[] = [AlarmMemberJson]
