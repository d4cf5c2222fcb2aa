// The JSON gateway codec (architecture decision j, principle 7): the one place that converts
// between the gateway's protojson form and the typed, transport-neutral messages the core takes
// and returns. The rules live in ./json (parse, decode, encode, base64, proto size); this file
// is the KV surface the routes call. Other services add their decode/encode pairs the same way:
// a descriptor per message (etcdserverpb/*-desc.ts) and two one-line functions.
import type {
  CompactionRequest, CompactionResponse, DeleteRangeRequest, DeleteRangeResponse, PutRequest,
  PutResponse, RangeRequest, RangeResponse, TxnRequest, TxnResponse
} from './etcdserverpb/kv.js'
import {
  CompactionRequestDesc, CompactionResponseDesc, DeleteRangeRequestDesc, DeleteRangeResponseDesc,
  PutRequestDesc, PutResponseDesc, RangeRequestDesc, RangeResponseDesc, TxnRequestDesc, TxnResponseDesc
} from './etcdserverpb/kv-desc.js'
import { decodeMessage } from './json/decode.js'
import type { MessageDesc } from './json/descriptor.js'
import { encodeMessage } from './json/encode.js'
import { writeMessage } from './json/write.js'
import { protoSize } from './json/size.js'
import { MessageTooLargeError } from './rpctypes/errors.js'

export { parseJSONBody } from './json/parse.js'
export { decodeMessage } from './json/decode.js'
export { encodeMessage } from './json/encode.js'
export { writeMessage, compileWriter } from './json/write.js'
export { protoSize } from './json/size.js'
export { decodeBase64, encodeBase64 } from './json/base64.js'
export type { MessageDesc } from './json/descriptor.js'

/** etcd's grpcOverheadBytes: the gRPC receive limit is max-request-bytes plus this. */
export const grpcOverheadBytes = 512 * 1024

/** A JSON object as the gateway writes it. */
export type JSONObject = Record<string, unknown>

/**
 * Decodes a parsed request body into `desc`'s typed message and, when `maxRecvBytes` is given,
 * refuses it as gRPC would when its proto size exceeds the receive limit (code 8).
 */
export function decodeRequest<T> (desc: MessageDesc, body: unknown, maxRecvBytes?: number): T {
  const msg = decodeMessage<T>(desc, body)
  if (maxRecvBytes !== undefined) {
    const size = protoSize(desc, msg as object)
    if (size > maxRecvBytes) throw new MessageTooLargeError(size, maxRecvBytes)
  }
  return msg
}

/** RangeRequest from a parsed body (`undefined` = empty body). */
export const decodeRangeRequest = (body: unknown, maxRecvBytes?: number): RangeRequest =>
  decodeRequest(RangeRequestDesc, body, maxRecvBytes)
/** PutRequest from a parsed body. */
export const decodePutRequest = (body: unknown, maxRecvBytes?: number): PutRequest =>
  decodeRequest(PutRequestDesc, body, maxRecvBytes)
/** DeleteRangeRequest from a parsed body. */
export const decodeDeleteRangeRequest = (body: unknown, maxRecvBytes?: number): DeleteRangeRequest =>
  decodeRequest(DeleteRangeRequestDesc, body, maxRecvBytes)
/** TxnRequest from a parsed body; an empty RequestOp decodes to `{}` (the core answers `key not found`). */
export const decodeTxnRequest = (body: unknown, maxRecvBytes?: number): TxnRequest =>
  decodeRequest(TxnRequestDesc, body, maxRecvBytes)
/** CompactionRequest from a parsed body. */
export const decodeCompactionRequest = (body: unknown, maxRecvBytes?: number): CompactionRequest =>
  decodeRequest(CompactionRequestDesc, body, maxRecvBytes)

/** RangeResponse → gateway JSON. */
export const encodeRangeResponse = (r: RangeResponse): JSONObject => encodeMessage(RangeResponseDesc, r)
/** PutResponse → gateway JSON. */
export const encodePutResponse = (r: PutResponse): JSONObject => encodeMessage(PutResponseDesc, r)
/** DeleteRangeResponse → gateway JSON. */
export const encodeDeleteRangeResponse = (r: DeleteRangeResponse): JSONObject => encodeMessage(DeleteRangeResponseDesc, r)
/** TxnResponse → gateway JSON. */
export const encodeTxnResponse = (r: TxnResponse): JSONObject => encodeMessage(TxnResponseDesc, r)
/** CompactionResponse → gateway JSON. */
export const encodeCompactionResponse = (r: CompactionResponse): JSONObject => encodeMessage(CompactionResponseDesc, r)

/** RangeResponse → the gateway's JSON text (same bytes as JSON.stringify(encodeRangeResponse(r)), faster). */
export const writeRangeResponse = (r: RangeResponse): string => writeMessage(RangeResponseDesc, r)
/** PutResponse → JSON text. */
export const writePutResponse = (r: PutResponse): string => writeMessage(PutResponseDesc, r)
/** DeleteRangeResponse → JSON text. */
export const writeDeleteRangeResponse = (r: DeleteRangeResponse): string => writeMessage(DeleteRangeResponseDesc, r)
/** TxnResponse → JSON text. */
export const writeTxnResponse = (r: TxnResponse): string => writeMessage(TxnResponseDesc, r)
/** CompactionResponse → JSON text. */
export const writeCompactionResponse = (r: CompactionResponse): string => writeMessage(CompactionResponseDesc, r)
