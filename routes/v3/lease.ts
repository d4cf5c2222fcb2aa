// /v3/lease/{grant,revoke,keepalive,timetolive,leases} and the /v3/kv/lease/{revoke,timetolive,
// leases} aliases (gateway spec §5.3). Keep-alive is a stream: each `{"ID":…}` of the body gets
// one `{"result":…}` line, and the response ends with the body (unlike watch); its WebSocket
// form answers each frame with a frame for as long as the socket is open.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseJSONBody } from '../../src/api/codec.js'
import { ErrorJson } from '../../src/api/etcdserverpb/kv-json.js'
import {
  LeaseGrantRequestJson, LeaseGrantResponseJson, LeaseKeepAliveRequestJson, LeaseKeepAliveResultJson,
  LeaseLeasesRequestJson, LeaseLeasesResponseJson, LeaseRevokeRequestJson, LeaseRevokeResponseJson,
  LeaseTimeToLiveRequestJson, LeaseTimeToLiveResponseJson, decodeLeaseGrantRequest, decodeLeaseKeepAliveRequest,
  decodeLeaseLeasesRequest, decodeLeaseRevokeRequest, decodeLeaseTimeToLiveRequest, encodeLeaseGrantResponse,
  encodeLeaseKeepAliveResponse, encodeLeaseLeasesResponse, encodeLeaseRevokeResponse, encodeLeaseTimeToLiveResponse
} from '../../src/api/etcdserverpb/lease.js'
import { toStreamError, toUnknownError } from '../../src/api/rpctypes/errors.js'
import { sendJSON, type GatewayRouteOptions } from './kv.js'
import {
  NDJSONResponse, OpenStreams, requestValues, streamedBodies, wsDrained, wsSend, wsValues, type WebSocket
} from './watch.js'

const tags = ['Lease']
const security = [{ Authorization: [] }]

function schema (operationId: string, summary: string, body: unknown, ok: unknown, hide = false): Record<string, unknown> {
  return { operationId, summary, tags, security, body, response: { 200: ok, default: ErrorJson }, ...(hide ? { hide } : {}) }
}

async function keepAliveRoutes (app: FastifyInstance): Promise<void> {
  const streams = new OpenStreams()
  streamedBodies(app, streams)

  async function serveHTTP (req: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.hijack()
    const out = new NDJSONResponse(reply.raw)
    const forget = streams.add(() => out.shutdown())
    reply.raw.on('close', forget)
    let first = true
    try {
      for await (const v of requestValues(req.raw)) {
        if (out.gone) return
        let r
        try {
          r = decodeLeaseKeepAliveRequest(v)
        } catch (err) {
          if (first) throw err
          break
        }
        first = false
        const resp = await app.etcd.lease.leaseKeepAlive(r)
        if (!out.result(encodeLeaseKeepAliveResponse(resp))) await out.drained()
      }
      out.end()
    } catch (err) {
      out.fail(first ? toUnknownError(err, true) : err)
    } finally {
      forget()
    }
  }

  function serveWS (socket: WebSocket): void {
    const forget = streams.add(() => socket.close(1001, 'server stopped'))
    socket.on('close', forget)
    let chain = Promise.resolve()
    wsValues(socket, (v) => {
      chain = chain.then(async () => {
        try {
          const resp = await app.etcd.lease.leaseKeepAlive(decodeLeaseKeepAliveRequest(v))
          if (!wsSend(socket, encodeLeaseKeepAliveResponse(resp))) await wsDrained(socket)
        } catch (err) {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(toStreamError(err)))
          socket.close()
        }
      })
    }, (err) => {
      socket.send(JSON.stringify(toStreamError(toUnknownError(err, true))))
      socket.close()
    })
  }

  app.post('/lease/keepalive', {
    schema: {
      ...schema('Lease_LeaseKeepAlive', 'LeaseKeepAlive keeps the lease alive by streaming keep alive requests from the client to the server and streaming keep alive responses from the server to the client.',
        LeaseKeepAliveRequestJson, LeaseKeepAliveResultJson),
      description: 'NDJSON: one `{"result":…}` line per `{"ID":…}` of the body; the response ends with the body. An unknown lease answers without `TTL`. For continuous keep-alives use the WebSocket form (GET with Upgrade), one frame per request.'
    }
  }, serveHTTP)

  app.route({
    method: 'GET',
    url: '/lease/keepalive',
    schema: { hide: true },
    handler: async (_req, reply) => reply.code(405).header('content-type', 'text/plain; charset=utf-8').send('Method Not Allowed\n'),
    wsHandler: (socket: WebSocket) => serveWS(socket)
  })
}

export default async function leaseRoutes (app: FastifyInstance, _opts: GatewayRouteOptions): Promise<void> {
  const body = (req: FastifyRequest): unknown => parseJSONBody(req.body as string | undefined)
  const lease = (): typeof app.etcd.lease => app.etcd.lease

  app.post('/lease/grant', {
    schema: schema('Lease_LeaseGrant', 'LeaseGrant creates a lease which expires if the server does not receive a keepAlive within a given time to live period. All keys attached to the lease will be expired and deleted if the lease expires. Each expired key generates a delete event in the event history.', LeaseGrantRequestJson, LeaseGrantResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeLeaseGrantResponse(await lease().leaseGrant(decodeLeaseGrantRequest(body(req))))))

  for (const [path, hide] of [['/lease/revoke', false], ['/kv/lease/revoke', true]] as const) {
    app.post(path, {
      schema: schema(hide ? 'Lease_LeaseRevoke2' : 'Lease_LeaseRevoke', 'LeaseRevoke revokes a lease. All keys attached to the lease will expire and be deleted.', LeaseRevokeRequestJson, LeaseRevokeResponseJson, hide)
    }, async (req, reply) => sendJSON(reply, encodeLeaseRevokeResponse(await lease().leaseRevoke(decodeLeaseRevokeRequest(body(req))))))
  }

  for (const [path, hide] of [['/lease/timetolive', false], ['/kv/lease/timetolive', true]] as const) {
    app.post(path, {
      schema: schema(hide ? 'Lease_LeaseTimeToLive2' : 'Lease_LeaseTimeToLive', 'LeaseTimeToLive retrieves lease information.', LeaseTimeToLiveRequestJson, LeaseTimeToLiveResponseJson, hide)
    }, async (req, reply) => sendJSON(reply, encodeLeaseTimeToLiveResponse(await lease().leaseTimeToLive(decodeLeaseTimeToLiveRequest(body(req))))))
  }

  for (const [path, hide] of [['/lease/leases', false], ['/kv/lease/leases', true]] as const) {
    app.post(path, {
      schema: schema(hide ? 'Lease_LeaseLeases2' : 'Lease_LeaseLeases', 'LeaseLeases lists all existing leases.', LeaseLeasesRequestJson, LeaseLeasesResponseJson, hide)
    }, async (req, reply) => sendJSON(reply, encodeLeaseLeasesResponse(await lease().leaseLeases(decodeLeaseLeasesRequest(body(req))))))
  }

  await app.register(keepAliveRoutes)
}
