// plugins/access.ts (host whitelist, CORS, OPTIONS) and plugins/user-handlers.ts on a Fastify
// root, through inject.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import Fastify, { type FastifyInstance } from 'fastify'
import accessPlugin, { errCVE20185702, requestHostname, rewriteV3beta, type AccessPluginOptions } from '../../../plugins/access.js'
import userHandlersPlugin from '../../../plugins/user-handlers.js'
import type { UserHandler } from '../../../src/embed/config.js'

const echo: UserHandler = (req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    res.end(`${req.method ?? ''} ${req.url ?? ''} ${Buffer.concat(chunks).toString()}`)
  })
}

async function build (t: { after: (fn: () => Promise<void>) => void }, opts: AccessPluginOptions, handlers: Record<string, UserHandler> = {}): Promise<FastifyInstance> {
  const app = Fastify({ rewriteUrl: rewriteV3beta })
  await app.register(accessPlugin, opts)
  app.get('/health', async (_req, reply) => reply.type('text/plain').send('{"health":"true"}'))
  app.post('/v3/kv/range', async () => ({ ok: true }))
  await app.register(userHandlersPlugin, { handlers: { '/health': echo, ...handlers } })
  await app.ready()
  t.after(async () => await app.close())
  return app
}

const all: AccessPluginOptions = { cors: ['*'], hostWhitelist: ['*'] }

describe('host whitelist (CVE-2018-5702)', () => {
  const cases: Array<[string, string[], string, number]> = [
    ['* allows any host', ['*'], 'evil.example:2379', 200],
    ['empty allows any host', [], 'evil.example', 200],
    ['listed host with port', ['localhost'], 'localhost:2379', 200],
    ['listed IPv6 host', ['::1'], '[::1]:2379', 200],
    ['unlisted host', ['localhost', '127.0.0.1'], 'rebind.attacker.example:2379', 421]
  ]
  for (const [name, list, host, status] of cases) {
    it(name, async (t) => {
      const app = await build(t, { cors: ['*'], hostWhitelist: list })
      const r = await app.inject({ method: 'GET', url: '/health', headers: { host } })
      assert.equal(r.statusCode, status)
      if (status === 421) {
        assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8')
        assert.equal(r.headers['x-content-type-options'], 'nosniff')
        assert.equal(r.body, errCVE20185702('rebind.attacker.example') + '\n')
        assert.match(r.body, /--host-whitelist "rebind\.attacker\.example"/)
      }
    })
  }

  it('strips the port as Go GetHostname does', () => {
    assert.equal(requestHostname('a.example:2379'), 'a.example')
    assert.equal(requestHostname('a.example'), 'a.example')
    assert.equal(requestHostname('[::1]:2379'), '::1')
    assert.equal(requestHostname('[::1]'), '[::1]')
    assert.equal(requestHostname('::1'), '::1')
  })
})

describe('CORS', () => {
  it('sends the three headers with * on every response, 404s included', async (t) => {
    const app = await build(t, all)
    for (const url of ['/health', '/nope']) {
      const r = await app.inject({ method: 'GET', url })
      assert.equal(r.headers['access-control-allow-origin'], '*')
      assert.equal(r.headers['access-control-allow-methods'], 'POST, GET, OPTIONS, PUT, DELETE')
      assert.equal(r.headers['access-control-allow-headers'], 'accept, content-type, authorization')
    }
  })

  it('echoes a listed origin and sends nothing for others', async (t) => {
    const app = await build(t, { cors: ['http://ui.example:8080'], hostWhitelist: ['*'] })
    const ok = await app.inject({ method: 'POST', url: '/v3/kv/range', headers: { origin: 'http://ui.example:8080' }, payload: {} })
    assert.equal(ok.headers['access-control-allow-origin'], 'http://ui.example:8080')
    const other = await app.inject({ method: 'POST', url: '/v3/kv/range', headers: { origin: 'http://evil.example:80' }, payload: {} })
    assert.equal(other.statusCode, 200)
    assert.equal(other.headers['access-control-allow-origin'], undefined)
    assert.equal(other.headers['access-control-allow-methods'], undefined)
  })

  it('answers any OPTIONS with 200 and an empty body', async (t) => {
    const app = await build(t, all)
    for (const url of ['/v3/kv/range', '/v3beta/kv/put', '/anything']) {
      const r = await app.inject({ method: 'OPTIONS', url, headers: { origin: 'http://x.example:1', 'access-control-request-method': 'POST' } })
      assert.equal(r.statusCode, 200, url)
      assert.equal(r.body, '')
      assert.equal(r.headers['access-control-allow-origin'], '*')
    }
  })

  it('puts the headers on hijacked user handler responses too', async (t) => {
    const app = await build(t, all, { '/metrics': echo })
    const r = await app.inject({ method: 'GET', url: '/metrics' })
    assert.equal(r.statusCode, 200)
    assert.equal(r.headers['access-control-allow-origin'], '*')
  })
})

describe('plugins/user-handlers', () => {
  it('serves handlers with the raw request, body untouched, any method', async (t) => {
    const app = await build(t, all, { '/x': echo })
    const r = await app.inject({ method: 'POST', url: '/x?a=1', headers: { 'content-type': 'application/weird' }, payload: 'raw body' })
    assert.equal(r.statusCode, 200)
    assert.equal(r.body, 'POST /x?a=1 raw body')
  })

  it('serves a subtree for a path ending in /', async (t) => {
    const app = await build(t, all, { '/debug/pprof/': echo })
    assert.equal((await app.inject({ url: '/debug/pprof/' })).body, 'GET /debug/pprof/ ')
    assert.equal((await app.inject({ url: '/debug/pprof/goroutine' })).body, 'GET /debug/pprof/goroutine ')
  })

  it('skips a path another plugin already routes', async (t) => {
    const app = await build(t, all)
    const r = await app.inject({ method: 'GET', url: '/health' })
    assert.equal(r.body, '{"health":"true"}')
  })

  it('rewrites /v3beta/ to /v3/ before routing', async (t) => {
    const app = await build(t, all)
    const r = await app.inject({ method: 'POST', url: '/v3beta/kv/range', payload: {} })
    assert.equal(r.statusCode, 200)
    assert.deepEqual(r.json(), { ok: true })
    assert.equal(rewriteV3beta({ url: '/v3beta/kv/range?x=1' }), '/v3/kv/range?x=1')
    assert.equal(rewriteV3beta({ url: '/v3alpha/kv/range' }), '/v3alpha/kv/range')
  })
})
