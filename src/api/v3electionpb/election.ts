// The v3election service's messages (etcd server/etcdserver/api/v3election/v3electionpb/
// v3election.proto): typed forms, wire descriptors, encode/decode helpers and TypeBox schemas.
import { Type, type TSchema } from 'typebox'
import type { KeyValue } from '../mvccpb/kv.js'
import { KeyValueDesc } from '../mvccpb/kv-desc.js'
import type { ResponseHeader } from '../etcdserverpb/kv.js'
import { ResponseHeaderDesc } from '../etcdserverpb/kv-desc.js'
import { Bytes, Int64In } from '../etcdserverpb/kv-json.js'
import { message } from '../json/descriptor.js'
import { decodeMessage } from '../json/decode.js'
import { encodeMessage } from '../json/encode.js'

/** The key a campaign created: name, key, its create revision and lease. */
export interface LeaderKey { name: Uint8Array, key: Uint8Array, rev: bigint, lease: bigint }
export interface CampaignRequest { name?: Uint8Array, lease?: bigint, value?: Uint8Array }
export interface CampaignResponse { header: ResponseHeader, leader: LeaderKey }
export interface ProclaimRequest { leader?: Partial<LeaderKey>, value?: Uint8Array }
export interface ProclaimResponse { header: ResponseHeader }
export interface LeaderRequest { name?: Uint8Array }
export interface LeaderResponse { header: ResponseHeader, kv: KeyValue }
export interface ResignRequest { leader?: Partial<LeaderKey> }
export interface ResignResponse { header: ResponseHeader }

/** The transport-neutral Election service. */
export interface ElectionServer {
  campaign (r: CampaignRequest, signal?: AbortSignal): Promise<CampaignResponse>
  proclaim (r: ProclaimRequest): Promise<ProclaimResponse>
  leader (r: LeaderRequest): Promise<LeaderResponse>
  /** Calls `send` for the current leader and every change; resolves when `signal` aborts. */
  observe (r: LeaderRequest, send: (resp: LeaderResponse) => Promise<void> | void, signal: AbortSignal): Promise<void>
  resign (r: ResignRequest): Promise<ResignResponse>
}

const header = ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }] as const

export const LeaderKeyDesc = message('v3electionpb.LeaderKey', [
  ['name', 1, { kind: 'bytes' }],
  ['key', 2, { kind: 'bytes' }],
  ['rev', 3, { kind: 'int64' }],
  ['lease', 4, { kind: 'int64' }]
])
export const CampaignRequestDesc = message('v3electionpb.CampaignRequest', [
  ['name', 1, { kind: 'bytes' }],
  ['lease', 2, { kind: 'int64' }],
  ['value', 3, { kind: 'bytes' }]
])
export const CampaignResponseDesc = message('v3electionpb.CampaignResponse', [
  header,
  ['leader', 2, { kind: 'message', message: () => LeaderKeyDesc }]
])
export const ProclaimRequestDesc = message('v3electionpb.ProclaimRequest', [
  ['leader', 1, { kind: 'message', message: () => LeaderKeyDesc }],
  ['value', 2, { kind: 'bytes' }]
])
export const ProclaimResponseDesc = message('v3electionpb.ProclaimResponse', [header])
export const LeaderRequestDesc = message('v3electionpb.LeaderRequest', [['name', 1, { kind: 'bytes' }]])
export const LeaderResponseDesc = message('v3electionpb.LeaderResponse', [
  header,
  ['kv', 2, { kind: 'message', message: () => KeyValueDesc }]
])
export const ResignRequestDesc = message('v3electionpb.ResignRequest', [
  ['leader', 1, { kind: 'message', message: () => LeaderKeyDesc }]
])
export const ResignResponseDesc = message('v3electionpb.ResignResponse', [header])

type J = Record<string, unknown>
export const decodeCampaignRequest = (b: unknown): CampaignRequest => decodeMessage(CampaignRequestDesc, b)
export const decodeProclaimRequest = (b: unknown): ProclaimRequest => decodeMessage(ProclaimRequestDesc, b)
export const decodeLeaderRequest = (b: unknown): LeaderRequest => decodeMessage(LeaderRequestDesc, b)
export const decodeResignRequest = (b: unknown): ResignRequest => decodeMessage(ResignRequestDesc, b)
export const encodeCampaignResponse = (r: CampaignResponse): J => encodeMessage(CampaignResponseDesc, r)
export const encodeProclaimResponse = (r: ProclaimResponse): J => encodeMessage(ProclaimResponseDesc, r)
export const encodeLeaderResponse = (r: LeaderResponse): J => encodeMessage(LeaderResponseDesc, r)
export const encodeResignResponse = (r: ResignResponse): J => encodeMessage(ResignResponseDesc, r)

const lenient = { additionalProperties: true }

export const LeaderKeyJson = Type.Object({
  name: Type.Optional(Bytes('Election name, base64')),
  key: Type.Optional(Bytes('The campaign key `<name>/<lease in hex>`, base64')),
  rev: Type.Optional(Int64In('Create revision of the key.')),
  lease: Type.Optional(Int64In('Lease of the key.'))
}, { ...lenient, $id: 'LeaderKey' })
export const CampaignRequestJson = Type.Object({
  name: Type.Optional(Bytes('Election name, base64.', 'ZWxlYw==')),
  lease: Type.Optional(Int64In('Lease of the candidacy; 0 = a new 60 s lease that is never kept alive.')),
  value: Type.Optional(Bytes('Value proclaimed once elected, base64.', 'djE='))
}, { ...lenient, $id: 'CampaignRequest', description: 'Blocks until this candidate is the leader.' })
export const CampaignResponseJson = Type.Object({
  header: Type.Optional(Type.Ref('ResponseHeader')),
  leader: Type.Optional(Type.Ref('LeaderKey'))
}, { $id: 'CampaignResponse' })
export const ProclaimRequestJson = Type.Object({
  leader: Type.Optional(Type.Ref('LeaderKey')),
  value: Type.Optional(Bytes('New value, base64.'))
}, { ...lenient, $id: 'ProclaimRequest' })
export const HeaderOnlyJson = Type.Object({ header: Type.Optional(Type.Ref('ResponseHeader')) }, { $id: 'ElectionHeaderResponse' })
export const LeaderRequestJson = Type.Object({
  name: Type.Optional(Bytes('Election name, base64.', 'ZWxlYw=='))
}, { ...lenient, $id: 'LeaderRequest' })
export const LeaderResponseJson = Type.Object({
  header: Type.Optional(Type.Ref('ResponseHeader')),
  kv: Type.Optional(Type.Ref('KeyValue'))
}, { $id: 'LeaderResponse' })
export const ObserveResultJson = Type.Object({
  result: Type.Ref('LeaderResponse')
}, { $id: 'ObserveResult', description: 'One NDJSON line per leader value.' })
export const ResignRequestJson = Type.Object({
  leader: Type.Optional(Type.Ref('LeaderKey'))
}, { ...lenient, $id: 'ResignRequest' })

export const electionSchemas: readonly TSchema[] = [
  LeaderKeyJson, CampaignRequestJson, CampaignResponseJson, ProclaimRequestJson, HeaderOnlyJson, LeaderRequestJson,
  LeaderResponseJson, ObserveResultJson, ResignRequestJson
]
