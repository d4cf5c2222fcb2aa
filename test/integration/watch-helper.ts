// Shared by the watch/lease/lock/election/nginx integration tests: a real single-member server
// behind the real client gateway on a loopback port, and an HTTP/1.1 stream client that keeps
// its request body open and reads NDJSON lines as they arrive.
import { request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { buildClientApp } from '../../plugins/client-app.js'
import type { EtcdServer, ServerConfig } from '../../src/server/index.js'
import { removeDir, startServer, tempDataDir } from '../unit/server/server-helper.js'

export interface Gateway {
  srv: EtcdServer
  app: FastifyInstance
  /** `http://127.0.0.1:<port>` */
  url: string
  dir: string
}

interface TestContext { after: (fn: () => unknown) => void }

/** A server + gateway listening on 127.0.0.1; closed after the test. */
export async function startGateway (t: TestContext, over: Partial<ServerConfig> = {}, maxRequestBytes?: number): Promise<Gateway> {
  const dir = tempDataDir()
  t.after(() => removeDir(dir))
  const srv = await startServer(dir, over)
  const app = await buildClientApp({ server: srv, swagger: false, maxRequestBytes: maxRequestBytes ?? over.maxRequestBytes })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.after(async () => {
    await app.close()
    await srv.stop()
  })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  return { srv, app, url: `http://127.0.0.1:${port}`, dir }
}

/** POST a JSON body; returns status and parsed body. */
export async function post (url: string, path: string, body: unknown): Promise<{ status: number, body: any, text: string }> {
  const res = await fetch(url + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) })
  const text = await res.text()
  let parsed: unknown
  try { parsed = JSON.parse(text) } catch { parsed = undefined }
  return { status: res.status, body: parsed, text }
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64')
export const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString()

/** A streamed POST: the body stays open until end(); response lines are collected as they arrive. */
export class StreamClient {
  readonly req: ClientRequest
  status = 0
  headers: IncomingHttpHeaders = {}
  readonly lines: string[] = []
  /** Raw response text (including a trailing partial line). */
  raw = ''
  ended = false
  res: IncomingMessage | undefined
  #waiters: Array<() => void> = []
  #read = 0
  #partial = ''
  #sent: Promise<void> = Promise.resolve()
  /** Settles when the server sent 100 Continue. */
  continued: Promise<void> = Promise.resolve()
  readonly responded: Promise<void>

  constructor (url: string, path: string, first?: unknown) {
    const u = new URL(url + path)
    // Expect: 100-continue as curl sends it: etcd's Go server reads a streamed body only then.
    this.req = request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'transfer-encoding': 'chunked', expect: '100-continue' }
    })
    this.req.on('error', () => { this.ended = true; this.#wake() })
    this.responded = new Promise((resolve) => {
      this.req.on('response', (res) => {
        this.res = res
        this.status = res.statusCode ?? 0
        this.headers = res.headers
        res.setEncoding('utf8')
        res.on('data', (d: string) => {
          this.raw += d
          const i = d.lastIndexOf('\n')
          if (i < 0) {
            this.#partial += d
          } else {
            this.lines.push(...(this.#partial + d.slice(0, i)).split('\n'))
            this.#partial = d.slice(i + 1)
          }
          this.#wake()
        })
        res.on('end', () => { this.ended = true; this.#wake() })
        res.on('error', () => { this.ended = true; this.#wake() })
        resolve()
      })
    })
    this.req.flushHeaders()
    this.continued = new Promise((resolve) => this.req.once('continue', resolve))
    if (first !== undefined) this.write(first)
  }

  #wake (): void {
    const w = this.#waiters
    this.#waiters = []
    for (const f of w) f()
  }

  write (v: unknown): void {
    const data = typeof v === 'string' ? v : JSON.stringify(v) + '\n'
    this.#sent = this.#sent.then(async () => {
      await this.continued
      if (!this.req.destroyed) this.req.write(data)
    })
  }

  end (): void {
    this.#sent = this.#sent.then(async () => {
      await this.continued
      if (!this.req.destroyed) this.req.end()
    })
  }

  /** Stops reading the response (the server sees a slow consumer). */
  pause (): void { this.res?.pause() }

  resume (): void { this.res?.resume() }

  destroy (): void { this.req.destroy() }

  /** The next unread line, parsed; throws after `ms` without one. */
  async next (ms = 5000): Promise<any> {
    const deadline = Date.now() + ms
    while (this.#read >= this.lines.length) {
      if (this.ended) throw new Error(`stream ended; raw: ${this.raw}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no line within ${ms} ms; got so far: ${this.lines.join(' | ')}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
    return JSON.parse(this.lines[this.#read++])
  }

  /** True if no new line arrives within `ms`. */
  async quiet (ms: number): Promise<boolean> {
    const n = this.lines.length
    await new Promise((resolve) => setTimeout(resolve, ms))
    return this.lines.length === n
  }
}
