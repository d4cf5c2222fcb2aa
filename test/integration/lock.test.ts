// /v3/lock over real sockets: etcd's lock semantics and code-2 errors (gateway spec §5.7, §11
// cases 34, 127, 128).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { b64, post, startGateway, unb64 } from './watch-helper.js'

const code2 = (m: string): unknown => ({ error: m, code: 2, message: m })

describe('lock over the gateway', () => {
  it('locks with a fresh 60 s lease and unlocks (cases 34, 127)', async (t) => {
    const { url } = await startGateway(t)
    const l = await post(url, '/v3/lock/lock', { name: b64('mylock') })
    assert.equal(l.status, 200)
    assert.deepEqual(Object.keys(l.body), ['header', 'key'])
    const key = unb64(l.body.key)
    assert.match(key, /^mylock\/[0-9a-f]+$/)
    const lease = BigInt('0x' + key.split('/')[1])
    const ttl = await post(url, '/v3/lease/timetolive', { ID: lease.toString() })
    assert.equal(ttl.body.grantedTTL, '60')
    assert.ok(Number(ttl.body.TTL) >= 59)
    const range = await post(url, '/v3/kv/range', { key: l.body.key })
    assert.equal(range.body.kvs[0].lease, lease.toString())
    const u = await post(url, '/v3/lock/unlock', { key: l.body.key })
    assert.equal(u.status, 200)
    assert.ok(Number(u.body.header.revision) > Number(l.body.header.revision))
  })

  it('blocks a second locker until the holder unlocks, then answers at the unlock revision (case 127)', async (t) => {
    const { url } = await startGateway(t)
    const first = await post(url, '/v3/lock/lock', { name: b64('q') })
    let settled = false
    const second = post(url, '/v3/lock/lock', { name: b64('q') }).then((r) => { settled = true; return r })
    await sleep(500)
    assert.equal(settled, false, 'the second lock waits')
    const u = await post(url, '/v3/lock/unlock', { key: first.body.key })
    const s = await second
    assert.equal(s.status, 200)
    assert.notEqual(s.body.key, first.body.key)
    assert.equal(s.body.header.revision, u.body.header.revision)
  })

  it('is re-entrant for the same lease and answers etcd\'s code-2 errors (case 128)', async (t) => {
    const { url } = await startGateway(t)
    await post(url, '/v3/lease/grant', { ID: 4096, TTL: 60 })
    const a = await post(url, '/v3/lock/lock', { name: b64('lk'), lease: 4096 })
    const b = await post(url, '/v3/lock/lock', { name: b64('lk'), lease: '4096' })
    assert.equal(a.body.key, b64('lk/1000'))
    assert.equal(b.body.key, a.body.key)
    const none = await post(url, '/v3/lock/unlock', { key: b64('nonexistent') })
    assert.equal(none.status, 200)
    const empty = await post(url, '/v3/lock/unlock', {})
    assert.equal(empty.status, 500)
    assert.deepEqual(empty.body, code2('etcdserver: key is not provided'))
    const unknown = await post(url, '/v3/lock/lock', { name: b64('x'), lease: '12345' })
    assert.equal(unknown.status, 500)
    assert.deepEqual(unknown.body, code2('etcdserver: requested lease not found'))
    const noName = await post(url, '/v3/lock/lock', {})
    assert.match(unb64(noName.body.key), /^\/[0-9a-f]+$/)
  })

  it('gives up the place of a waiter that disconnects', async (t) => {
    const { url } = await startGateway(t)
    const first = await post(url, '/v3/lock/lock', { name: b64('g') })
    const ac = new AbortController()
    const waiting = fetch(url + '/v3/lock/lock', { method: 'POST', body: JSON.stringify({ name: b64('g') }), signal: ac.signal }).catch(() => undefined)
    await sleep(300)
    const keys = async (): Promise<string> => (await post(url, '/v3/kv/range', { key: b64('g/'), range_end: b64('g0'), count_only: true })).body.count ?? '0'
    assert.equal(await keys(), '2')
    ac.abort()
    await waiting
    let n = await keys()
    for (let i = 0; i < 20 && n !== '1'; i++) { await sleep(100); n = await keys() }
    assert.equal(n, '1', 'the abandoned waiter key was deleted')
    await post(url, '/v3/lock/unlock', { key: first.body.key })
  })
})
