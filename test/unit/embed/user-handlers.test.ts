import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, request, type Server } from 'node:http'
import { gunzipSync } from 'node:zlib'
import type { AddressInfo } from 'node:net'
import { Counter } from 'prom-client'
import { newConfig, type UserHandler } from '../../../src/embed/config.js'
import {
  defaultUserHandlers, newMetricsRegistry, registerUserHandler, stopPProf, traceHandlers
} from '../../../src/embed/user-handlers.js'
import { EventBuffer, Trace, TraceBuffer } from '../../../src/pkg/trace.js'

interface Reply { status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }

/** Serves `handlers` (exact paths, plus `/`-suffixed subtrees) on a loopback port. */
async function serve (handlers: Record<string, UserHandler>): Promise<{ server: Server, get: (path: string) => Promise<Reply> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const h = handlers[path] ?? Object.entries(handlers).find(([p]) => p.endsWith('/') && path.startsWith(p))?.[1]
    if (h === undefined) {
      res.writeHead(404)
      res.end()
      return
    }
    h(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const get = (path: string): Promise<Reply> => new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject).end()
  })
  return { server, get }
}

describe('newMetricsRegistry + /metrics', () => {
  it('serves Prometheus text with etcd names and the process metrics', async () => {
    const registry = newMetricsRegistry()
    new Counter({ name: 'etcd_mvcc_put_total', help: 'puts', registers: [registry] }).inc(3)
    const { server, get } = await serve(defaultUserHandlers(newConfig(), { registry }))
    after(() => server.close())
    const r = await get('/metrics')
    assert.equal(r.status, 200)
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/)
    const text = r.body.toString()
    assert.match(text, /^etcd_server_version\{server_version="3\.5\.\d+"\} 1$/m)
    assert.match(text, /^etcd_cluster_version\{cluster_version="3\.5"\} 1$/m)
    assert.match(text, /^etcd_server_go_version\{server_go_version="nodev20\.[\d.]+"\} 1$/m)
    assert.match(text, /^etcd_mvcc_put_total 3$/m)
    assert.match(text, /^process_resident_memory_bytes \d+/m)
    assert.match(text, /^process_start_time_seconds \d+/m)
    assert.match(text, /^# TYPE etcd_server_version gauge$/m)
  })
})

describe('defaultUserHandlers', () => {
  const registry = newMetricsRegistry()
  after(async () => await stopPProf())

  it('serves pprof only with enable-pprof or at log level debug, traces only at debug', () => {
    const plain = Object.keys(defaultUserHandlers(newConfig(), { registry }))
    assert.deepEqual(plain, ['/metrics'])
    const pprof = Object.keys(defaultUserHandlers({ ...newConfig(), 'enable-pprof': true }, { registry }))
    assert.deepEqual(pprof.sort(), ['/debug/pprof/', '/debug/pprof/cmdline', '/debug/pprof/heap', '/debug/pprof/profile', '/metrics'])
    const debug = Object.keys(defaultUserHandlers({ ...newConfig(), 'log-level': 'debug' }, { registry }))
    assert.ok(debug.includes('/debug/pprof/profile'))
    assert.ok(debug.includes('/debug/requests'))
    assert.ok(debug.includes('/debug/events'))
  })

  it('keeps an embedder handler on a taken path and warns (registerUserHandler)', () => {
    const mine: UserHandler = (_req, res) => res.end('mine')
    const warnings: unknown[] = []
    const logger = { warn: (fields: unknown, msg: string) => warnings.push([fields, msg]), info: () => {} } as never
    const out = defaultUserHandlers({ ...newConfig(), userHandlers: { '/metrics': mine } }, { registry, logger })
    assert.equal(out['/metrics'], mine)
    assert.deepEqual(warnings, [[{ path: '/metrics' }, 'path is already registered by user handler']])
    const table: Record<string, UserHandler> = {}
    assert.equal(registerUserHandler(table, '/x', mine), true)
    assert.equal(registerUserHandler(table, '/x', () => {}), false)
    assert.equal(table['/x'], mine)
  })

  it('returns real pprof CPU and heap profiles (gzipped profile.proto)', async () => {
    const { server, get } = await serve(defaultUserHandlers({ ...newConfig(), 'enable-pprof': true }, { registry }))
    after(() => server.close())
    const busy = setInterval(() => { let x = 0; for (let i = 0; i < 1e5; i++) x += Math.sqrt(i); return x }, 5)
    const [cpu, second] = await Promise.all([get('/debug/pprof/profile?seconds=1'), new Promise<Reply>((resolve) => setTimeout(() => resolve(get('/debug/pprof/profile?seconds=1')), 100))])
    clearInterval(busy)
    for (const r of [cpu]) {
      assert.equal(r.status, 200)
      assert.equal(r.headers['content-type'], 'application/octet-stream')
      assert.equal(r.headers['content-disposition'], 'attachment; filename="profile"')
      assert.deepEqual([...r.body.subarray(0, 2)], [0x1f, 0x8b])
      const proto = gunzipSync(r.body)
      assert.ok(proto.length > 0)
      // a profile.proto with a sample_type (field 1, wire type 2) comes first; its string table
      // names the wall-time samples in nanoseconds
      assert.equal(proto[0], 0x0a)
      const strings = proto.toString('latin1')
      for (const w of ['sample', 'count', 'wall', 'nanoseconds']) assert.ok(strings.includes(w), w)
    }
    assert.equal(second.status, 500)
    assert.equal(second.body.toString(), 'Could not enable CPU profiling: cpu profiling already in use\n')
    const heap = await get('/debug/pprof/heap')
    assert.equal(heap.status, 200)
    assert.deepEqual([...heap.body.subarray(0, 2)], [0x1f, 0x8b])
    const heapProto = gunzipSync(heap.body)
    assert.equal(heapProto[0], 0x0a)
    for (const w of ['objects', 'space', 'bytes']) assert.ok(heapProto.toString('latin1').includes(w), w)
    const index = await get('/debug/pprof/')
    assert.equal(index.status, 200)
    assert.match(index.body.toString(), /href="profile\?seconds=30"/)
    assert.equal((await get('/debug/pprof/goroutine')).status, 404)
    assert.equal((await get('/debug/pprof/profile?seconds=100000')).status, 400)
  })
})

describe('/debug/requests and /debug/events', () => {
  it('render the recorded slow traces and events', async () => {
    const traces = new TraceBuffer(2, 0)
    const events = new EventBuffer(10)
    for (const op of ['range', 'put', 'txn']) {
      const t = new Trace(op, { key: 'foo' })
      t.step('applied')
      traces.record(t)
    }
    events.printf('raft', 'became leader', { term: 2 })
    const { server, get } = await serve(traceHandlers(traces, events))
    after(() => server.close())
    const text = (await get('/debug/requests')).body.toString()
    assert.match(text, /newest first: 2\n/)
    assert.match(text, / txn [\d.]+ms key=foo\n {4}\+[\d.]+ms applied\n/)
    assert.doesNotMatch(text, / range /)
    const json = JSON.parse((await get('/debug/requests?format=json')).body.toString()) as { total: number, requests: Array<{ operation: string }> }
    assert.equal(json.total, 3)
    assert.deepEqual(json.requests.map((r) => r.operation), ['txn', 'put'])
    assert.match((await get('/debug/events')).body.toString(), /\[raft\] became leader term=2\n/)
  })
})
