// Lease routes and stream lifecycles over real sockets: keep-alive as an NDJSON stream and as a
// WebSocket, the /v3/kv/lease aliases, and streams ended cleanly when the listener shuts down.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { WebSocket } from 'undici'
import { StreamClient, b64, post, startGateway } from './watch-helper.js'

describe('lease routes and stream lifecycle', () => {
  it('answers each keep-alive of a streamed body and ends with the body', async (t) => {
    const { url } = await startGateway(t)
    await post(url, '/v3/lease/grant', { ID: 1000, TTL: 30 })
    const s = new StreamClient(url, '/v3/lease/keepalive', { ID: 1000 })
    t.after(() => s.destroy())
    const first = await s.next()
    assert.deepEqual([first.result.ID, first.result.TTL], ['1000', '30'])
    s.write({ ID: 424242 })
    const unknown = await s.next()
    assert.deepEqual(Object.keys(unknown.result), ['header', 'ID'], 'no TTL for an unknown lease')
    s.end()
    for (let i = 0; i < 50 && !s.ended; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(s.ended, true)
    assert.equal(s.headers['x-accel-buffering'], 'no')
  })

  it('keeps a lease alive over a WebSocket, one frame per request', async (t) => {
    const { url } = await startGateway(t)
    await post(url, '/v3/lease/grant', { ID: 5, TTL: 10 })
    const ws = new WebSocket(url.replace('http', 'ws') + '/v3/lease/keepalive')
    t.after(() => ws.close())
    const frames: any[] = []
    ws.addEventListener('message', (ev) => frames.push(JSON.parse(String(ev.data))))
    await new Promise((resolve, reject) => { ws.addEventListener('open', resolve); ws.addEventListener('error', reject) })
    for (let i = 0; i < 3; i++) ws.send(JSON.stringify({ ID: '5' }))
    for (let i = 0; i < 100 && frames.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    assert.deepEqual(frames.map((f) => [f.result.ID, f.result.TTL]), [['5', '10'], ['5', '10'], ['5', '10']])
  })

  it('serves the /v3/kv/lease aliases', async (t) => {
    const { url } = await startGateway(t)
    await post(url, '/v3/lease/grant', { ID: 9, TTL: 60 })
    await post(url, '/v3/kv/put', { key: b64('k'), value: b64('v'), lease: 9 })
    const ttl = await post(url, '/v3/kv/lease/timetolive', { ID: 9, keys: true })
    assert.deepEqual(ttl.body.keys, [b64('k')])
    const leases = await post(url, '/v3/kv/lease/leases', {})
    assert.deepEqual(leases.body.leases, [{ ID: '9' }])
    assert.equal((await post(url, '/v3/kv/lease/revoke', { ID: 9 })).status, 200)
    const again = await post(url, '/v3/kv/lease/revoke', { ID: 9 })
    assert.deepEqual([again.status, again.body.message], [404, 'etcdserver: requested lease not found'])
    assert.equal((await post(url, '/v3/lease/grant', { TTL: 9000000001 })).body.message, 'etcdserver: too large lease TTL')
  })

  it('ends open watch and observe streams with the shutdown line when the listener closes', async (t) => {
    const { url, app } = await startGateway(t)
    const w = new StreamClient(url, '/v3/watch', { create_request: { key: b64('x') } })
    const o = new StreamClient(url, '/v3/election/observe', { name: b64('e') })
    o.end()
    t.after(() => { w.destroy(); o.destroy() })
    await w.next()
    await post(url, '/v3/election/campaign', { name: b64('e'), value: b64('v') })
    await o.next()
    await app.close()
    for (let i = 0; i < 100 && !(w.ended && o.ended); i++) await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(w.ended, true)
    assert.equal(o.ended, true)
    for (const s of [w, o]) {
      const last = JSON.parse(s.raw.slice(s.raw.lastIndexOf('\n') + 1))
      assert.deepEqual(last, {
        error: { grpc_code: 14, http_code: 503, message: 'etcdserver: server stopped', http_status: 'Service Unavailable', code: 14 }
      })
    }
  })
})
