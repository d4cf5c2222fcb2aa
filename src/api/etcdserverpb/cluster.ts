// The Cluster service's messages (etcd api/etcdserverpb/rpc.proto: Member*, and the maintenance
// MoveLeader pair the cluster work adds): typed forms (bigint IDs), wire descriptors for the JSON
// codec, encode/decode helpers, the transport-neutral ClusterServer interface and TypeBox schemas
// of the JSON form (documentation only, as for KV). Gateway spec §5.4.
import { Type, type TSchema } from 'typebox'
import type { ResponseHeader } from './kv.js'
import { ResponseHeaderDesc } from './kv-desc.js'
import { message } from '../json/descriptor.js'
import { decodeMessage } from '../json/decode.js'
import { encodeMessage } from '../json/encode.js'
import { Int64In, Int64Out } from './kv-json.js'

/** A cluster member as the API shows it (`name` and `clientURLs` empty until it has started). */
export interface Member {
  ID: bigint
  name: string
  peerURLs: string[]
  clientURLs: string[]
  isLearner: boolean
}

export interface MemberAddRequest { peerURLs?: string[], isLearner?: boolean }
export interface MemberAddResponse { header: ResponseHeader, member: Member, members: Member[] }
export interface MemberRemoveRequest { ID?: bigint }
export interface MemberRemoveResponse { header: ResponseHeader, members: Member[] }
export interface MemberUpdateRequest { ID?: bigint, peerURLs?: string[] }
export interface MemberUpdateResponse { header: ResponseHeader, members: Member[] }
export interface MemberListRequest { linearizable?: boolean }
export interface MemberListResponse { header: ResponseHeader, members: Member[] }
export interface MemberPromoteRequest { ID?: bigint }
export interface MemberPromoteResponse { header: ResponseHeader, members: Member[] }
export interface MoveLeaderRequest { targetID?: bigint }
export interface MoveLeaderResponse { header: ResponseHeader }

/** The transport-neutral Cluster service (etcd's ClusterServer). */
export interface ClusterServer {
  memberAdd (r: MemberAddRequest): Promise<MemberAddResponse>
  memberRemove (r: MemberRemoveRequest): Promise<MemberRemoveResponse>
  memberUpdate (r: MemberUpdateRequest): Promise<MemberUpdateResponse>
  memberList (r: MemberListRequest): Promise<MemberListResponse>
  memberPromote (r: MemberPromoteRequest): Promise<MemberPromoteResponse>
  moveLeader (r: MoveLeaderRequest): Promise<MoveLeaderResponse>
}

const header = ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }] as const

export const MemberDesc = message('etcdserverpb.Member', [
  ['ID', 1, { kind: 'uint64' }],
  ['name', 2, { kind: 'string' }],
  ['peerURLs', 3, { kind: 'string', repeated: true }],
  ['clientURLs', 4, { kind: 'string', repeated: true }],
  ['isLearner', 5, { kind: 'bool' }]
])
const members = ['members', 2, { kind: 'message', repeated: true, message: () => MemberDesc }] as const

export const MemberAddRequestDesc = message('etcdserverpb.MemberAddRequest', [
  ['peerURLs', 1, { kind: 'string', repeated: true }],
  ['isLearner', 2, { kind: 'bool' }]
])
export const MemberAddResponseDesc = message('etcdserverpb.MemberAddResponse', [
  header,
  ['member', 2, { kind: 'message', message: () => MemberDesc }],
  ['members', 3, { kind: 'message', repeated: true, message: () => MemberDesc }]
])
export const MemberRemoveRequestDesc = message('etcdserverpb.MemberRemoveRequest', [['ID', 1, { kind: 'uint64' }]])
export const MemberRemoveResponseDesc = message('etcdserverpb.MemberRemoveResponse', [header, members])
export const MemberUpdateRequestDesc = message('etcdserverpb.MemberUpdateRequest', [
  ['ID', 1, { kind: 'uint64' }],
  ['peerURLs', 2, { kind: 'string', repeated: true }]
])
export const MemberUpdateResponseDesc = message('etcdserverpb.MemberUpdateResponse', [header, members])
export const MemberListRequestDesc = message('etcdserverpb.MemberListRequest', [['linearizable', 1, { kind: 'bool' }]])
export const MemberListResponseDesc = message('etcdserverpb.MemberListResponse', [header, members])
export const MemberPromoteRequestDesc = message('etcdserverpb.MemberPromoteRequest', [['ID', 1, { kind: 'uint64' }]])
export const MemberPromoteResponseDesc = message('etcdserverpb.MemberPromoteResponse', [header, members])
export const MoveLeaderRequestDesc = message('etcdserverpb.MoveLeaderRequest', [['targetID', 1, { kind: 'uint64' }]])
export const MoveLeaderResponseDesc = message('etcdserverpb.MoveLeaderResponse', [header])

export const decodeMemberAddRequest = (b: unknown): MemberAddRequest => decodeMessage(MemberAddRequestDesc, b)
export const decodeMemberRemoveRequest = (b: unknown): MemberRemoveRequest => decodeMessage(MemberRemoveRequestDesc, b)
export const decodeMemberUpdateRequest = (b: unknown): MemberUpdateRequest => decodeMessage(MemberUpdateRequestDesc, b)
export const decodeMemberListRequest = (b: unknown): MemberListRequest => decodeMessage(MemberListRequestDesc, b)
export const decodeMemberPromoteRequest = (b: unknown): MemberPromoteRequest => decodeMessage(MemberPromoteRequestDesc, b)
export const decodeMoveLeaderRequest = (b: unknown): MoveLeaderRequest => decodeMessage(MoveLeaderRequestDesc, b)

type J = Record<string, unknown>
export const encodeMemberAddResponse = (r: MemberAddResponse): J => encodeMessage(MemberAddResponseDesc, r)
export const encodeMemberRemoveResponse = (r: MemberRemoveResponse): J => encodeMessage(MemberRemoveResponseDesc, r)
export const encodeMemberUpdateResponse = (r: MemberUpdateResponse): J => encodeMessage(MemberUpdateResponseDesc, r)
export const encodeMemberListResponse = (r: MemberListResponse): J => encodeMessage(MemberListResponseDesc, r)
export const encodeMemberPromoteResponse = (r: MemberPromoteResponse): J => encodeMessage(MemberPromoteResponseDesc, r)
export const encodeMoveLeaderResponse = (r: MoveLeaderResponse): J => encodeMessage(MoveLeaderResponseDesc, r)

// ---- TypeBox schemas of the JSON form (documentation; the codec does the decoding)

const lenient = { additionalProperties: true }
const H = Type.Optional(Type.Ref('ResponseHeader'))
const Uint64In = (d: string): TSchema => Int64In(d)
const Uint64Out = (d: string): TSchema => Int64Out(d)
const URLs = (d: string): TSchema => Type.Optional(Type.Array(Type.String(), { description: d }))

export const MemberJson = Type.Object({
  ID: Type.Optional(Uint64Out('The member ID')),
  name: Type.Optional(Type.String({ description: 'The member name; empty until the member has started' })),
  peerURLs: URLs('URLs the member uses to talk to its peers'),
  clientURLs: URLs('URLs clients reach the member at; empty until it has started'),
  isLearner: Type.Optional(Type.Boolean({ description: 'Whether the member is a non-voting learner' }))
}, { $id: 'Member' })
const MembersOut = Type.Optional(Type.Array(Type.Ref('Member')))

export const MemberAddRequestJson = Type.Object({
  peerURLs: URLs('Peer URLs of the member to add'),
  isLearner: Type.Optional(Type.Boolean({ description: 'Add it as a learner (non-voting)' }))
}, { ...lenient, $id: 'MemberAddRequest', examples: [{ peerURLs: ['http://10.0.0.4:2380'], isLearner: true }] })
export const MemberAddResponseJson = Type.Object({ header: H, member: Type.Optional(Type.Ref('Member')), members: MembersOut }, { $id: 'MemberAddResponse' })
export const MemberRemoveRequestJson = Type.Object({ ID: Type.Optional(Uint64In('The member to remove')) }, { ...lenient, $id: 'MemberRemoveRequest' })
export const MemberRemoveResponseJson = Type.Object({ header: H, members: MembersOut }, { $id: 'MemberRemoveResponse' })
export const MemberUpdateRequestJson = Type.Object({
  ID: Type.Optional(Uint64In('The member to update')),
  peerURLs: URLs('Its new peer URLs')
}, { ...lenient, $id: 'MemberUpdateRequest' })
export const MemberUpdateResponseJson = Type.Object({ header: H, members: MembersOut }, { $id: 'MemberUpdateResponse' })
export const MemberListRequestJson = Type.Object({
  linearizable: Type.Optional(Type.Boolean({ description: 'Confirm the list through a linearizable read first' }))
}, { ...lenient, $id: 'MemberListRequest' })
export const MemberListResponseJson = Type.Object({ header: H, members: MembersOut }, { $id: 'MemberListResponse' })
export const MemberPromoteRequestJson = Type.Object({ ID: Type.Optional(Uint64In('The learner to promote')) }, { ...lenient, $id: 'MemberPromoteRequest' })
export const MemberPromoteResponseJson = Type.Object({ header: H, members: MembersOut }, { $id: 'MemberPromoteResponse' })
export const MoveLeaderRequestJson = Type.Object({ targetID: Type.Optional(Uint64In('The member to hand leadership to')) }, { ...lenient, $id: 'MoveLeaderRequest' })
export const MoveLeaderResponseJson = Type.Object({ header: H }, { $id: 'MoveLeaderResponse' })

/** Shared schemas the cluster routes refer to by $id. */
export const clusterSchemas: TSchema[] = [MemberJson]
