// The Watch service's messages (etcd api/etcdserverpb/rpc.proto): typed forms, wire descriptors
// for the JSON codec, encode/decode helpers and TypeBox schemas of the JSON form (documentation).
import { Type, type TSchema } from 'typebox'
import type { Event } from '../mvccpb/kv.js'
import { EventDesc } from '../mvccpb/kv-desc.js'
import type { ResponseHeader } from './kv.js'
import { ResponseHeaderDesc } from './kv-desc.js'
import { enumDesc, message } from '../json/descriptor.js'
import { decodeMessage } from '../json/decode.js'
import { encodeMessage } from '../json/encode.js'
import { Bytes, EnumIn, Int64In, Int64Out } from './kv-json.js'

/** Server-side filters of a watch (WatchCreateRequest.FilterType). */
export const FilterType = { NOPUT: 0, NODELETE: 1 } as const
export type FilterTypeValue = typeof FilterType[keyof typeof FilterType]

export interface WatchCreateRequest {
  key?: Uint8Array
  rangeEnd?: Uint8Array
  startRevision?: bigint
  progressNotify?: boolean
  filters?: FilterTypeValue[]
  prevKv?: boolean
  watchId?: bigint
  fragment?: boolean
}
export interface WatchCancelRequest { watchId?: bigint }
export interface WatchProgressRequest {}
/** One message of the request stream: exactly one member set (none = ignored). */
export interface WatchRequest {
  createRequest?: WatchCreateRequest
  cancelRequest?: WatchCancelRequest
  progressRequest?: WatchProgressRequest
}

export interface WatchResponse {
  header: ResponseHeader
  watchId: bigint
  created?: boolean
  canceled?: boolean
  compactRevision?: bigint
  cancelReason?: string
  fragment?: boolean
  events: Event[]
}

export const FilterTypeEnum = enumDesc('etcdserverpb.WatchCreateRequest_FilterType', FilterType)

export const WatchCreateRequestDesc = message('etcdserverpb.WatchCreateRequest', [
  ['key', 1, { kind: 'bytes' }],
  ['range_end', 2, { kind: 'bytes' }],
  ['start_revision', 3, { kind: 'int64' }],
  ['progress_notify', 4, { kind: 'bool' }],
  ['filters', 5, { kind: 'enum', repeated: true, enumType: FilterTypeEnum }],
  ['prev_kv', 6, { kind: 'bool' }],
  ['watch_id', 7, { kind: 'int64' }],
  ['fragment', 8, { kind: 'bool' }]
])
export const WatchCancelRequestDesc = message('etcdserverpb.WatchCancelRequest', [['watch_id', 1, { kind: 'int64' }]])
export const WatchProgressRequestDesc = message('etcdserverpb.WatchProgressRequest', [])
export const WatchRequestDesc = message('etcdserverpb.WatchRequest', [
  ['create_request', 1, { kind: 'message', message: () => WatchCreateRequestDesc, oneof: 'request_union' }],
  ['cancel_request', 2, { kind: 'message', message: () => WatchCancelRequestDesc, oneof: 'request_union' }],
  ['progress_request', 3, { kind: 'message', message: () => WatchProgressRequestDesc, oneof: 'request_union' }]
])
export const WatchResponseDesc = message('etcdserverpb.WatchResponse', [
  ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }],
  ['watch_id', 2, { kind: 'int64' }],
  ['created', 3, { kind: 'bool' }],
  ['canceled', 4, { kind: 'bool' }],
  ['compact_revision', 5, { kind: 'int64' }],
  ['cancel_reason', 6, { kind: 'string' }],
  ['fragment', 7, { kind: 'bool' }],
  ['events', 11, { kind: 'message', repeated: true, message: () => EventDesc }]
])

/** WatchRequest from one parsed JSON value of the request stream. */
export const decodeWatchRequest = (v: unknown): WatchRequest => decodeMessage(WatchRequestDesc, v)
/** WatchResponse → gateway JSON (fields in tag order, zero values omitted). */
export const encodeWatchResponse = (r: WatchResponse): Record<string, unknown> => encodeMessage(WatchResponseDesc, r)

// ---- TypeBox schemas (documentation)

const lenient = { additionalProperties: true }

export const WatchCreateRequestJson = Type.Object({
  key: Type.Optional(Bytes('Key to watch, base64; empty = "\\0".', 'Zm9v')),
  range_end: Type.Optional(Bytes('End of the watched range [key, range_end); `AA==` = every key ≥ key.')),
  start_revision: Type.Optional(Int64In('First revision to deliver (inclusive); 0 = from the next revision; past revisions are replayed.')),
  progress_notify: Type.Optional(Type.Boolean({ description: 'Send an empty response every progress-notify-interval while no events arrive (keeps proxies from timing out).' })),
  filters: Type.Optional(Type.Array(EnumIn(['NOPUT', 'NODELETE'], 'Drop PUT or DELETE events.'))),
  prev_kv: Type.Optional(Type.Boolean({ description: 'Add the previous key-value to every event but creations.' })),
  watch_id: Type.Optional(Int64In('Watch ID chosen by the client; 0 = the server assigns one (0, 1, 2, … per stream).')),
  fragment: Type.Optional(Type.Boolean({ description: 'Split responses above max-request-bytes + 512 KiB.' }))
}, { ...lenient, $id: 'WatchCreateRequest' })

export const WatchRequestJson = Type.Object({
  create_request: Type.Optional(Type.Ref('WatchCreateRequest')),
  cancel_request: Type.Optional(Type.Object({ watch_id: Type.Optional(Int64In('The watch to cancel.')) }, lenient)),
  progress_request: Type.Optional(Type.Object({}, { ...lenient, description: 'Ask for a progress response (watch_id -1) once every watcher is synced.' }))
}, {
  ...lenient,
  $id: 'WatchRequest',
  description: 'The body is a sequence of WatchRequest objects (newline or space separated, may be streamed). The response stays open after the body ends.',
  examples: [{ create_request: { key: 'Zm9v' } }, { create_request: { key: 'Zm9v', range_end: 'Zm9w', start_revision: '1', prev_kv: true } }]
})

export const WatchResultJson = Type.Object({
  result: Type.Object({
    header: Type.Optional(Type.Ref('ResponseHeader')),
    watch_id: Type.Optional(Int64Out('The watch; absent for 0, "-1" for progress and failed creations')),
    created: Type.Optional(Type.Boolean()),
    canceled: Type.Optional(Type.Boolean()),
    compact_revision: Type.Optional(Int64Out('Set when the start revision was compacted')),
    cancel_reason: Type.Optional(Type.String()),
    fragment: Type.Optional(Type.Boolean({ description: 'More parts of this response follow' })),
    events: Type.Optional(Type.Array(Type.Object({
      type: Type.Optional(Type.String({ enum: ['PUT', 'DELETE'], description: 'Absent for PUT' })),
      kv: Type.Optional(Type.Ref('KeyValue')),
      prev_kv: Type.Optional(Type.Ref('KeyValue'))
    })))
  })
}, { $id: 'WatchResult', description: 'One NDJSON line (`{"result":…}\\n`) per WatchResponse, flushed at once.' })

/** Every watch schema with an `$id`, for app.addSchema. */
export const watchSchemas: readonly TSchema[] = [WatchCreateRequestJson, WatchRequestJson, WatchResultJson]
