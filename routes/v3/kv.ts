// POST /kv/{range,put,deleterange,txn,compaction}: etcd's KV service on the JSON gateway
// (gateway spec §5.1). Thin as etcd's v3rpc/key.go: decode the body into the typed request,
// call the core, encode the answer. Errors propagate to the client API's error handler.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  decodeCompactionRequest, decodeDeleteRangeRequest, decodePutRequest, decodeRangeRequest, decodeTxnRequest,
  parseJSONBody, writeCompactionResponse, writeDeleteRangeResponse, writePutResponse, writeRangeResponse,
  writeTxnResponse, type JSONObject
} from '../../src/api/codec.js'
import type { KVServer } from '../../src/api/etcdserverpb/kv.js'
import {
  CompactionRequestJson, CompactionResponseJson, DeleteRangeRequestJson, DeleteRangeResponseJson, ErrorJson,
  PutRequestJson, PutResponseJson, RangeRequestJson, RangeResponseJson, TxnRequestJson, TxnResponseJson
} from '../../src/api/etcdserverpb/kv-json.js'

export interface GatewayRouteOptions {
  /** gRPC receive limit: max-request-bytes + 512 KiB. */
  maxRecvBytes: number
}

/**
 * Sends a unary gateway answer exactly as etcd's gateway does: `application/json` without a
 * charset (a Buffer keeps Fastify from adding one), no trailing newline, and the echoed gRPC
 * header metadata.
 */
export function sendJSON (reply: FastifyReply, json: string | JSONObject): FastifyReply {
  return reply
    .header('content-type', 'application/json')
    .header('grpc-metadata-content-type', 'application/grpc')
    .send(Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)))
}

const security = [{ Authorization: [] }]
const tags = ['KV']

function schema (operationId: string, summary: string, body: unknown, ok: unknown): Record<string, unknown> {
  return { operationId, summary, tags, security, body, response: { 200: ok, default: ErrorJson } }
}

export default async function kvRoutes (app: FastifyInstance, opts: GatewayRouteOptions): Promise<void> {
  const max = opts.maxRecvBytes
  const etcd = (): KVServer => app.etcd
  const body = (req: FastifyRequest): unknown => parseJSONBody(req.body as string | undefined)

  app.post('/kv/range', {
    schema: schema('KV_Range', 'Range gets the keys in the range from the key-value store.', RangeRequestJson, RangeResponseJson)
  }, async (req, reply) => sendJSON(reply, writeRangeResponse(await etcd().range(decodeRangeRequest(body(req), max)))))

  app.post('/kv/put', {
    schema: schema('KV_Put', 'Put puts the given key into the key-value store. A put request increments the revision of the key-value store and generates one event in the event history.', PutRequestJson, PutResponseJson)
  }, async (req, reply) => sendJSON(reply, writePutResponse(await etcd().put(decodePutRequest(body(req), max)))))

  app.post('/kv/deleterange', {
    schema: schema('KV_DeleteRange', 'DeleteRange deletes the given range from the key-value store. A delete request increments the revision of the key-value store and generates a delete event in the event history for every deleted key.', DeleteRangeRequestJson, DeleteRangeResponseJson)
  }, async (req, reply) => sendJSON(reply, writeDeleteRangeResponse(await etcd().deleteRange(decodeDeleteRangeRequest(body(req), max)))))

  app.post('/kv/txn', {
    schema: schema('KV_Txn', 'Txn processes multiple requests in a single transaction. A txn request increments the revision of the key-value store and generates events with the same revision for every completed request. It is not allowed to modify the same key several times within one txn.', TxnRequestJson, TxnResponseJson)
  }, async (req, reply) => sendJSON(reply, writeTxnResponse(await etcd().txn(decodeTxnRequest(body(req), max)))))

  app.post('/kv/compaction', {
    schema: schema('KV_Compact', 'Compact compacts the event history in the etcd key-value store. The key-value store should be periodically compacted or the event history will continue to grow indefinitely.', CompactionRequestJson, CompactionResponseJson)
  }, async (req, reply) => sendJSON(reply, writeCompactionResponse(await etcd().compact(decodeCompactionRequest(body(req), max)))))
}
