// POST /maintenance/{alarm,status,defragment,hash,hashkv,snapshot} (etcd's Maintenance service,
// gateway spec §5.5; transfer-leadership is with the cluster routes). Thin: decode the body, call
// the core, encode the answer. The snapshot is a server stream: one `{"result":…}` line per
// 32 KiB chunk, then the checksum line.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseJSONBody } from '../../src/api/codec.js'
import { ErrorJson } from '../../src/api/etcdserverpb/kv-json.js'
import {
  AlarmRequestJson, AlarmResponseJson, DefragmentRequestJson, DefragmentResponseJson, HashKVRequestJson, HashKVResponseJson,
  HashRequestJson, HashResponseJson, SnapshotRequestJson, SnapshotResultJson, StatusRequestJson, StatusResponseJson,
  decodeAlarmRequest, decodeDefragmentRequest, decodeHashKVRequest, decodeHashRequest, decodeSnapshotRequest,
  decodeStatusRequest, encodeAlarmResponse, encodeDefragmentResponse, encodeHashKVResponse, encodeHashResponse,
  encodeSnapshotResponse, encodeStatusResponse, type MaintenanceServer
} from '../../src/api/etcdserverpb/maintenance.js'
import { sendJSON, type GatewayRouteOptions } from './kv.js'
import { NDJSONResponse, OpenStreams } from './watch.js'

const tags = ['Maintenance']
const security = [{ Authorization: [] }]

function schema (operationId: string, summary: string, body: unknown, ok: unknown): Record<string, unknown> {
  return { operationId, summary, tags, security, body, response: { 200: ok, default: ErrorJson } }
}

export default async function maintenanceRoutes (app: FastifyInstance, _opts: GatewayRouteOptions): Promise<void> {
  const m = (): MaintenanceServer => app.etcd.maintenance
  const body = (req: FastifyRequest): unknown => parseJSONBody(req.body as string | undefined)
  const streams = new OpenStreams()
  app.addHook('preClose', (done) => { streams.closeAll(); done() })

  app.post('/maintenance/alarm', {
    schema: schema('Maintenance_Alarm', 'Alarm activates, deactivates, and queries alarms regarding cluster health.', AlarmRequestJson, AlarmResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeAlarmResponse(await m().alarm(decodeAlarmRequest(body(req))))))

  app.post('/maintenance/status', {
    schema: schema('Maintenance_Status', 'Status gets the status of the member.', StatusRequestJson, StatusResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeStatusResponse(await m().status(decodeStatusRequest(body(req))))))

  app.post('/maintenance/defragment', {
    schema: schema('Maintenance_Defragment', 'Defragment defragments a member\'s backend database to recover storage space.', DefragmentRequestJson, DefragmentResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeDefragmentResponse(await m().defragment(decodeDefragmentRequest(body(req))))))

  app.post('/maintenance/hash', {
    schema: schema('Maintenance_Hash', 'Hash computes the hash of whole backend keyspace, including key, lease, and other buckets in storage. This is designed for testing ONLY!', HashRequestJson, HashResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeHashResponse(await m().hash(decodeHashRequest(body(req))))))

  app.post('/maintenance/hashkv', {
    schema: schema('Maintenance_HashKV', 'HashKV computes the hash of all MVCC keys up to a given revision. It only iterates "key" bucket in backend storage.', HashKVRequestJson, HashKVResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeHashKVResponse(await m().hashKV(decodeHashKVRequest(body(req))))))

  app.post('/maintenance/snapshot', {
    schema: {
      ...schema('Maintenance_Snapshot', 'Snapshot sends a snapshot of the entire backend from a member over a stream to a client.', SnapshotRequestJson, SnapshotResultJson),
      description: 'NDJSON stream: one `{"result":{"remaining_bytes":…,"blob":…}}` line per 32 KiB of the backend, then a line whose `blob` is the SHA-256 of all chunks before it.'
    }
  }, async (req: FastifyRequest, reply: FastifyReply) => {
    const r = decodeSnapshotRequest(body(req))
    reply.hijack()
    const out = new NDJSONResponse(reply.raw)
    const forget = streams.add(() => out.shutdown())
    reply.raw.on('close', forget)
    try {
      for await (const chunk of m().snapshot(r)) {
        if (out.gone) break
        if (!out.result(encodeSnapshotResponse(chunk))) await out.drained()
      }
      out.end()
    } catch (err) {
      out.fail(err)
    } finally {
      forget()
    }
  })
}
