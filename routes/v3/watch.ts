// POST /v3/watch (gateway spec §1.6, §5.2) and its WebSocket form GET /v3/watch (§1.7). The
// request body is a sequence of WatchRequest JSON values read as they arrive; the response is
// NDJSON `{"result":…}\n` lines, each written (flushed) at once with `X-Accel-Buffering: no`,
// headers deferred until the first line. The response outlives the request body; it ends when
// the client disconnects or the listener shuts down (preClose).
// Also exports the stream plumbing the other streamed routes (keep-alive, observe) share.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseJSONBody } from '../../src/api/codec.js'
import { scanFirstValue } from '../../src/api/json/go-scanner.js'
import { decodeWatchRequest, encodeWatchResponse, type WatchResponse } from '../../src/api/etcdserverpb/watch.js'
import { ErrorJson } from '../../src/api/etcdserverpb/kv-json.js'
import { WatchRequestJson, WatchResultJson } from '../../src/api/etcdserverpb/watch.js'
import { JSONDecodeError, toGatewayError, toStreamError, toUnknownError } from '../../src/api/rpctypes/errors.js'
import type { GatewayRouteOptions } from './kv.js'

/** Splits a streamed body into its JSON values as they complete (json.Decoder semantics). */
export class JSONValueSplitter {
  #buf = ''

  /** Adds text; returns the values it completed. Throws JSONDecodeError on malformed input. */
  push (text: string): unknown[] {
    this.#buf += text
    const out: unknown[] = []
    for (;;) {
      let end: number
      try {
        end = scanFirstValue(this.#buf)
      } catch (err) {
        if (err instanceof JSONDecodeError && err.message === 'unexpected EOF') return out
        throw err
      }
      if (end < 0) {
        this.#buf = ''
        return out
      }
      out.push(parseJSONBody(this.#buf.slice(0, end)) ?? {})
      this.#buf = this.#buf.slice(end)
    }
  }

  /** The body ended: a value cut short is an error. */
  end (): void {
    if (this.#buf.trim().length > 0) throw new JSONDecodeError('unexpected EOF')
  }
}

/** The JSON values of a request body, yielded as they arrive. */
export async function * requestValues (raw: IncomingMessage): AsyncGenerator<unknown> {
  const sp = new JSONValueSplitter()
  raw.setEncoding('utf8')
  for await (const chunk of raw) yield * sp.push(chunk as string)
  sp.end()
}

/** The answer to a stream whose listener is shutting down (v1 and v2 error fields together). */
export function shutdownError (): Record<string, unknown> {
  const e = toStreamError(new Error('etcdserver: server stopped'))
  return { error: { ...e.error, grpc_code: 14, http_code: 503, http_status: 'Service Unavailable', code: 14 } }
}

/**
 * An NDJSON response: status line and headers go out with the first line; every line is written
 * at once; an error ends it as etcd's gateway does (a unary error body before the first line,
 * the stream error object without newline after it).
 */
export class NDJSONResponse {
  readonly res: ServerResponse
  #started = false

  constructor (res: ServerResponse) {
    this.res = res
    res.socket?.setNoDelay(true)
  }

  get started (): boolean { return this.#started }
  get gone (): boolean { return this.res.writableEnded || this.res.destroyed }

  #start (status = 200): void {
    if (this.#started) return
    this.#started = true
    this.res.writeHead(status, {
      'content-type': 'application/json',
      'grpc-metadata-content-type': 'application/grpc',
      'x-accel-buffering': 'no',
      'cache-control': 'no-cache'
    })
  }

  /** Writes `{"result":msg}\n`; false when the socket buffer is full. */
  result (msg: Record<string, unknown>): boolean {
    if (this.gone) return true
    this.#start()
    return this.res.write(JSON.stringify({ result: msg }) + '\n')
  }

  /** Resolves once the socket drained (or the response is gone). */
  drained (): Promise<void> {
    if (this.gone || !this.res.writableNeedDrain) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => { this.res.off('drain', done); this.res.off('close', done); resolve() }
      this.res.on('drain', done)
      this.res.on('close', done)
    })
  }

  /** Ends the response with `err`: a unary error before the first line, the stream error object after. */
  fail (err: unknown): void {
    if (this.gone) return
    if (!this.#started) {
      const { status, body } = toGatewayError(err)
      this.#started = true
      this.res.writeHead(status, { 'content-type': 'application/json' })
      this.res.end(JSON.stringify(body))
      return
    }
    this.res.end(JSON.stringify(toStreamError(err)))
  }

  /** Ends the response with the shutdown error line. */
  shutdown (): void {
    if (this.gone) return
    this.#start(this.#started ? 200 : 503)
    // The client may still be sending its body: close the connection once the line is out, so
    // the listener's close does not wait for it.
    const socket = this.res.socket
    this.res.end(JSON.stringify(shutdownError()), () => socket?.destroySoon())
    // A client that stopped reading does not hold the shutdown either.
    setTimeout(() => socket?.destroy(), 2000).unref()
  }

  end (): void {
    if (this.gone) return
    this.#start()
    this.res.end()
  }
}

/** Streams still open on this listener, ended by the preClose hook. */
export class OpenStreams {
  readonly #open = new Set<() => void>()

  add (close: () => void): () => void {
    this.#open.add(close)
    return () => this.#open.delete(close)
  }

  closeAll (): void {
    for (const c of [...this.#open]) c()
    this.#open.clear()
  }
}

/** Route-scope setup for streamed bodies: the body is left unread for the handler (req.raw). */
export function streamedBodies (app: FastifyInstance, streams: OpenStreams): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_req, _payload, done) => { done(null, undefined) })
  app.addHook('preClose', (done) => { streams.closeAll(); done() })
}

/** The caller's token as etcd reads it: `Grpc-Metadata-Token`, else `Authorization`. */
export function requestToken (h: IncomingHttpHeaders): string | undefined {
  const t = h['grpc-metadata-token'] ?? h.authorization
  return Array.isArray(t) ? t[0] : t
}

/**
 * The token of a WebSocket upgrade as grpc-websocket-proxy passes it: `Sec-WebSocket-Protocol:
 * Bearer, <tok>` or a `token` cookie, both becoming `Authorization: Bearer <tok>`.
 */
export function wsToken (h: IncomingHttpHeaders): string | undefined {
  const proto = h['sec-websocket-protocol']?.split(',').map((p) => p.trim())
  if (proto !== undefined && proto[0] === 'Bearer' && proto[1] !== undefined) return `Bearer ${proto[1]}`
  const cookie = /(?:^|;\s*)token=([^;]*)/.exec(h.cookie ?? '')
  if (cookie !== null) return `Bearer ${cookie[1]}`
  return requestToken(h)
}

/** The parts of a `ws` WebSocket the streamed routes use. */
export interface WebSocket {
  readonly readyState: number
  readonly OPEN: number
  readonly bufferedAmount: number
  send (data: string): void
  close (code?: number, reason?: string): void
  on (event: 'message', fn: (data: { toString (): string }) => void): unknown
  on (event: 'close', fn: () => void): unknown
}

/** A WebSocket's send side as a bounded sink. */
export function wsSend (socket: WebSocket, msg: Record<string, unknown>): boolean {
  if (socket.readyState !== socket.OPEN) return true
  socket.send(JSON.stringify({ result: msg }))
  return socket.bufferedAmount < wsHighWater
}

const wsHighWater = 1 << 20

export async function wsDrained (socket: WebSocket): Promise<void> {
  while (socket.readyState === socket.OPEN && socket.bufferedAmount >= wsHighWater / 2) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Feeds the JSON values of each text frame to `onValue`; a malformed frame fails through `onError`. */
export function wsValues (socket: WebSocket, onValue: (v: unknown) => void, onError: (err: unknown) => void): void {
  const sp = new JSONValueSplitter()
  let failed = false
  socket.on('message', (data) => {
    if (failed) return
    try {
      for (const v of sp.push(data.toString() + '\n')) onValue(v)
    } catch (err) {
      failed = true
      onError(err)
    }
  })
}

const tags = ['Watch']
const security = [{ Authorization: [] }]

export default async function watchRoutes (app: FastifyInstance, _opts: GatewayRouteOptions): Promise<void> {
  const streams = new OpenStreams()
  streamedBodies(app, streams)

  async function serveHTTP (req: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.hijack()
    const out = new NDJSONResponse(reply.raw)
    let session: ReturnType<typeof app.etcd.watch.newSession> | undefined
    const forget = streams.add(() => { session?.close(); out.shutdown() })
    reply.raw.on('close', () => { forget(); session?.close() })
    const sink = {
      write: (r: WatchResponse) => out.result(encodeWatchResponse(r)),
      drained: () => out.drained()
    }
    try {
      for await (const v of requestValues(req.raw)) {
        if (out.gone) return
        let wr
        try {
          wr = decodeWatchRequest(v)
        } catch (err) {
          if (session === undefined) throw err
          return // a later undecodable message stops reading; the stream stays (etcd)
        }
        session ??= app.etcd.watch.newSession(sink, requestToken(req.headers))
        session.handle(wr)
      }
    } catch (err) {
      // An undecodable first message is a gRPC Unknown (500, code 2) with the parser's text.
      if (session === undefined) out.fail(toUnknownError(err, true))
    }
  }

  function serveWS (socket: WebSocket, req: FastifyRequest): void {
    const session = app.etcd.watch.newSession({
      write: (r) => wsSend(socket, encodeWatchResponse(r)),
      drained: () => wsDrained(socket)
    }, wsToken(req.headers))
    const forget = streams.add(() => { session.close(); socket.close(1001, 'server stopped') })
    socket.on('close', () => { forget(); session.close() })
    wsValues(socket, (v) => {
      try {
        session.handle(decodeWatchRequest(v))
      } catch { /* undecodable: ignored, as a later body message */ }
    }, (err) => {
      socket.send(JSON.stringify(toStreamError(toUnknownError(err, true))))
    })
  }

  app.post('/watch', {
    schema: {
      operationId: 'Watch_Watch',
      summary: 'Watch watches for events happening or that have happened. Both input and output are streams; the input stream is for creating and canceling watchers and the output stream sends events. One watch RPC can watch on multiple key ranges, streaming events for several watches at once. The entire event history can be watched starting from the last compaction revision.',
      description: 'NDJSON stream: one `{"result":…}` line per response. The response stays open after the request body ends. Also served as a WebSocket (GET with Upgrade) carrying the same JSON per frame.',
      tags,
      security,
      body: WatchRequestJson,
      response: { 200: WatchResultJson, default: ErrorJson }
    }
  }, serveHTTP)

  app.route({
    method: 'GET',
    url: '/watch',
    schema: { hide: true },
    handler: async (_req, reply) => reply.code(405).header('content-type', 'text/plain; charset=utf-8').send('Method Not Allowed\n'),
    wsHandler: (socket: WebSocket, req: FastifyRequest) => serveWS(socket, req)
  })
}
