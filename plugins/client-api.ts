// The JSON gateway on a client listener (gateway spec §1.3–§1.6, §3), as an encapsulated plugin:
// - every body is read as text whatever its Content-Type (curl -d sends form-urlencoded, etcd's
//   docs send none); the routes parse it (first JSON value only, empty = {}), so a 404 or 405 is
//   decided before the body is looked at, as in etcd;
// - no schema validation (the codec answers bad content with etcd's texts) and no schema-based
//   serializer (the codec already writes etcd's key order);
// - the one error handler: every error goes through src/api/rpctypes/errors.ts;
// - 404 `Not Found\n` / 405 `Method Not Allowed\n` (text/plain) under /v3/ and /v3beta/;
// - routes registered under /v3 and, hidden from OpenAPI, under the /v3beta alias.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { grpcOverheadBytes } from '../src/api/codec.js'
import { kvSchemas } from '../src/api/etcdserverpb/kv-json.js'
import { JSONDecodeError, MessageTooLargeError, toGatewayError } from '../src/api/rpctypes/errors.js'
import kvRoutes, { type GatewayRouteOptions } from '../routes/v3/kv.js'
import websocket from '@fastify/websocket'
import watchRoutes from '../routes/v3/watch.js'
import leaseRoutes from '../routes/v3/lease.js'
import lockRoutes from '../routes/v3/lock.js'
import electionRoutes from '../routes/v3/election.js'
import { lockSchemas } from '../src/api/v3lockpb/lock.js'
import { electionSchemas } from '../src/api/v3electionpb/election.js'
import clusterRoutes from '../routes/v3/cluster.js'
import maintenanceRoutes from '../routes/v3/maintenance.js'
import { watchSchemas } from '../src/api/etcdserverpb/watch.js'
import { leaseSchemas } from '../src/api/etcdserverpb/lease.js'
import { clusterSchemas } from '../src/api/etcdserverpb/cluster.js'
import { maintenanceSchemas } from '../src/api/etcdserverpb/maintenance.js'

export interface ClientAPIOptions {
  /** `--max-request-bytes` (default 1.5 MiB); the gRPC receive limit adds 512 KiB to it. */
  maxRequestBytes?: number
}

/** etcd's default `--max-request-bytes`. */
export const defaultMaxRequestBytes = 1.5 * 1024 * 1024

/** The route plugins served under /v3 (and /v3beta). Later services add theirs here. */
export const gatewayRoutes: ReadonlyArray<(app: FastifyInstance, opts: GatewayRouteOptions) => Promise<void>> = [kvRoutes, watchRoutes, leaseRoutes, lockRoutes, electionRoutes, clusterRoutes, maintenanceRoutes]

function sendText (reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .send(text)
}

/** The error answer: typed errors through the table; Fastify's own body errors as gRPC would see them. */
function errorHandler (maxRecvBytes: number) {
  return function (this: FastifyInstance, err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
    let e: unknown = err
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      e = new MessageTooLargeError(Number(req.headers['content-length'] ?? 0) || maxRecvBytes + 1, maxRecvBytes)
    } else if (err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      e = new JSONDecodeError('unexpected EOF')
    } else if (typeof err.code === 'string' && err.code.startsWith('FST_') && (err.statusCode ?? 500) < 500) {
      e = new JSONDecodeError(err.message)
    }
    const { status, body } = toGatewayError(e)
    if (status >= 500) this.log.warn({ err, url: req.url }, 'request failed')
    // grpc-gateway 1.16 (etcd 3.5) sends the gRPC trailer only to clients that accept trailers.
    if (req.headers.te?.includes('trailers') === true) {
      reply.trailer('Grpc-Trailer-Content-Type', async () => 'application/grpc')
    }
    return reply.code(status).header('content-type', 'application/json').send(Buffer.from(JSON.stringify(body)))
  }
}

/** One gateway prefix (/v3 or /v3beta): its routes and its 404/405 answers. */
async function gatewayScope (app: FastifyInstance, opts: GatewayRouteOptions & { hidden: boolean }): Promise<void> {
  const paths = new Set<string>()
  app.addHook('onRoute', (route) => {
    paths.add(route.url)
    if (opts.hidden) route.schema = { ...(route.schema ?? {}), hide: true }
  })
  app.setNotFoundHandler((req, reply) => {
    const q = req.url.indexOf('?')
    const path = q < 0 ? req.url : req.url.slice(0, q)
    if (paths.has(path)) return sendText(reply, 405, 'Method Not Allowed\n')
    return sendText(reply, 404, 'Not Found\n')
  })
  for (const routes of gatewayRoutes) await app.register(routes, { maxRecvBytes: opts.maxRecvBytes })
}

/** The gateway plugin. Register it (not wrapped in fastify-plugin) on a client listener's root. */
export default async function clientAPI (app: FastifyInstance, opts: ClientAPIOptions): Promise<void> {
  const maxRecvBytes = (opts.maxRequestBytes ?? defaultMaxRequestBytes) + grpcOverheadBytes
  // JSON carries bytes as base64 (4/3 of their size) plus quoting: allow generous room, and let
  // the proto-size check in the codec give gRPC's exact answer.
  const bodyLimit = maxRecvBytes * 3

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => { done(null, body) })
  app.setValidatorCompiler(() => () => true)
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))
  app.setErrorHandler(errorHandler(maxRecvBytes))
  for (const s of kvSchemas) app.addSchema(s)
  for (const s of [...watchSchemas, ...leaseSchemas, ...lockSchemas, ...electionSchemas, ...clusterSchemas, ...maintenanceSchemas]) app.addSchema(s)
  // WebSocket form of the streamed /v3 calls (tmc/grpc-websocket-proxy in etcd); streams end on close.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 * 1024 } })

  await app.register(gatewayScope, { prefix: '/v3', maxRecvBytes, hidden: false })
  await app.register(gatewayScope, { prefix: '/v3beta', maxRecvBytes, hidden: true })
}
