// /v3/election over real sockets: campaign/proclaim/leader/observe/resign with etcd's semantics
// and code-2 errors (gateway spec §5.8, §11 cases 11–16, 129, 130).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { StreamClient, b64, post, startGateway, unb64 } from './watch-helper.js'

const code2 = (m: string): unknown => ({ error: m, code: 2, message: m })

describe('election over the gateway', () => {
  it('campaigns, proclaims, reports the leader and resigns (cases 11, 12, 16, 129)', async (t) => {
    const { url } = await startGateway(t)
    const c = await post(url, '/v3/election/campaign', { name: b64('elec'), value: b64('v1') })
    assert.equal(c.status, 200)
    assert.deepEqual(Object.keys(c.body.leader), ['name', 'key', 'rev', 'lease'])
    assert.match(unb64(c.body.leader.key), /^elec\/[0-9a-f]+$/)
    assert.equal(c.body.leader.rev, c.body.header.revision)
    const l1 = await post(url, '/v3/election/leader', { name: b64('elec') })
    assert.equal(unb64(l1.body.kv.value), 'v1')
    assert.equal(l1.body.kv.lease, c.body.leader.lease)
    const p = await post(url, '/v3/election/proclaim', { leader: c.body.leader, value: b64('v2') })
    assert.equal(p.status, 200)
    assert.ok(p.body.header.revision)
    assert.equal(unb64((await post(url, '/v3/election/leader', { name: b64('elec') })).body.kv.value), 'v2')
    const wrong = await post(url, '/v3/election/proclaim', { leader: { ...c.body.leader, key: b64('elec/zz') }, value: b64('x') })
    assert.equal(wrong.status, 500)
    assert.deepEqual(wrong.body, code2('election: not leader'))
    const resignWrong = await post(url, '/v3/election/resign', { leader: { ...c.body.leader, rev: '999' } })
    assert.equal(resignWrong.status, 200)
    const r = await post(url, '/v3/election/resign', { leader: c.body.leader })
    assert.equal(r.status, 200)
    const none = await post(url, '/v3/election/leader', { name: b64('elec') })
    assert.equal(none.status, 500)
    assert.deepEqual(none.body, code2('election: no leader'))
  })

  it('answers a missing leader with the code-2 text (cases 14, 15)', async (t) => {
    const { url } = await startGateway(t)
    for (const path of ['/v3/election/proclaim', '/v3/election/resign']) {
      const r = await post(url, path, { value: b64('djI=') })
      assert.equal(r.status, 500)
      assert.equal(r.text, '{"error":"\\"leader\\" field must be provided","code":2,"message":"\\"leader\\" field must be provided"}')
    }
  })

  it('re-campaigning with the same lease proclaims the new value and returns the first leader key', async (t) => {
    const { url } = await startGateway(t)
    const g = await post(url, '/v3/lease/grant', { TTL: 60 })
    const a = await post(url, '/v3/election/campaign', { name: b64('re'), lease: g.body.ID, value: b64('one') })
    const b = await post(url, '/v3/election/campaign', { name: b64('re'), lease: g.body.ID, value: b64('two') })
    assert.deepEqual(b.body.leader, a.body.leader)
    assert.equal(unb64((await post(url, '/v3/election/leader', { name: b64('re') })).body.kv.value), 'two')
  })

  it('blocks a second candidate until the leader resigns', async (t) => {
    const { url } = await startGateway(t)
    const a = await post(url, '/v3/election/campaign', { name: b64('e2'), value: b64('a') })
    let settled = false
    const second = post(url, '/v3/election/campaign', { name: b64('e2'), value: b64('b') }).then((r) => { settled = true; return r })
    await sleep(400)
    assert.equal(settled, false)
    await post(url, '/v3/election/resign', { leader: a.body.leader })
    const b = await second
    assert.equal(b.status, 200)
    assert.equal(unb64((await post(url, '/v3/election/leader', { name: b64('e2') })).body.kv.value), 'b')
  })

  it('observes the leader, its proclamations and the next leader (cases 13, 130)', async (t) => {
    const { url } = await startGateway(t)
    const o = new StreamClient(url, '/v3/election/observe', { name: b64('obs') })
    o.end()
    t.after(() => o.destroy())
    await sleep(200)
    const a = await post(url, '/v3/election/campaign', { name: b64('obs'), value: b64('a') })
    const m1 = await o.next()
    assert.equal(unb64(m1.result.kv.value), 'a')
    assert.equal(m1.result.kv.key, a.body.leader.key)
    await post(url, '/v3/election/proclaim', { leader: a.body.leader, value: b64('b') })
    assert.equal(unb64((await o.next()).result.kv.value), 'b')
    await post(url, '/v3/election/resign', { leader: a.body.leader })
    await post(url, '/v3/election/campaign', { name: b64('obs'), value: b64('c') })
    const m3 = await o.next()
    assert.equal(unb64(m3.result.kv.value), 'c')
    assert.ok(Number(m3.result.kv.mod_revision) > Number(m1.result.kv.mod_revision))
    assert.equal(o.headers['x-accel-buffering'], 'no')
  })
})
