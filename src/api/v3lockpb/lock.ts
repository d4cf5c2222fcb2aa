// The v3lock service's messages (etcd server/etcdserver/api/v3lock/v3lockpb/v3lock.proto):
// typed forms, wire descriptors, encode/decode helpers and TypeBox schemas (documentation).
import { Type, type TSchema } from 'typebox'
import type { ResponseHeader } from '../etcdserverpb/kv.js'
import { ResponseHeaderDesc } from '../etcdserverpb/kv-desc.js'
import { Bytes, Int64In } from '../etcdserverpb/kv-json.js'
import { message } from '../json/descriptor.js'
import { decodeMessage } from '../json/decode.js'
import { encodeMessage } from '../json/encode.js'

export interface LockRequest { name?: Uint8Array, lease?: bigint }
export interface LockResponse { header: ResponseHeader, key: Uint8Array }
export interface UnlockRequest { key?: Uint8Array }
export interface UnlockResponse { header: ResponseHeader }

/** The transport-neutral Lock service. `signal` aborts a waiting lock (the client went away). */
export interface LockServer {
  lock (r: LockRequest, signal?: AbortSignal): Promise<LockResponse>
  unlock (r: UnlockRequest): Promise<UnlockResponse>
}

export const LockRequestDesc = message('v3lockpb.LockRequest', [
  ['name', 1, { kind: 'bytes' }],
  ['lease', 2, { kind: 'int64' }]
])
export const LockResponseDesc = message('v3lockpb.LockResponse', [
  ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }],
  ['key', 2, { kind: 'bytes' }]
])
export const UnlockRequestDesc = message('v3lockpb.UnlockRequest', [['key', 1, { kind: 'bytes' }]])
export const UnlockResponseDesc = message('v3lockpb.UnlockResponse', [
  ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }]
])

export const decodeLockRequest = (b: unknown): LockRequest => decodeMessage(LockRequestDesc, b)
export const decodeUnlockRequest = (b: unknown): UnlockRequest => decodeMessage(UnlockRequestDesc, b)
export const encodeLockResponse = (r: LockResponse): Record<string, unknown> => encodeMessage(LockResponseDesc, r)
export const encodeUnlockResponse = (r: UnlockResponse): Record<string, unknown> => encodeMessage(UnlockResponseDesc, r)

const lenient = { additionalProperties: true }

export const LockRequestJson = Type.Object({
  name: Type.Optional(Bytes('Name of the lock, base64; the lock key is `<name>/<lease in hex>`.', 'bXlsb2Nr')),
  lease: Type.Optional(Int64In('Lease that holds the lock; 0 = a new 60 s lease that is never kept alive.'))
}, { ...lenient, $id: 'LockRequest', examples: [{ name: 'bXlsb2Nr' }] })
export const LockResponseJson = Type.Object({
  header: Type.Optional(Type.Ref('ResponseHeader')),
  key: Type.Optional(Bytes('The key that holds the lock; pass it to unlock.'))
}, { $id: 'LockResponse' })
export const UnlockRequestJson = Type.Object({
  key: Type.Optional(Bytes('The key returned by lock.'))
}, { ...lenient, $id: 'UnlockRequest' })
export const UnlockResponseJson = Type.Object({
  header: Type.Optional(Type.Ref('ResponseHeader'))
}, { $id: 'UnlockResponse' })

export const lockSchemas: readonly TSchema[] = [LockRequestJson, LockResponseJson, UnlockRequestJson, UnlockResponseJson]
