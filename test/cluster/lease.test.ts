// Leases in a cluster: only the leader's lessor tracks expiry, so a keep-alive or time-to-live
// sent to a follower is forwarded to the leader over the peer port (etcd's leasehttp).
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Cluster, b64 } from './harness.js'

describe('leases across a 3-member cluster', () => {
  const c = new Cluster({ size: 3 })
  after(async () => await c.destroy())

  it('keeps a lease alive and reports its TTL through any member', async () => {
    await c.start()
    const leader = await c.leader()
    assert.ok(leader !== undefined)
    const followers = c.members.filter((m) => m !== leader)
    const grant = await followers[0].post('/v3/lease/grant', { TTL: '30' })
    assert.equal(grant.status, 200, JSON.stringify(grant.body))
    const id: string = grant.body.ID
    const put = await followers[1].post('/v3/kv/put', { key: b64('leased'), value: b64('v'), lease: id })
    assert.equal(put.status, 200, JSON.stringify(put.body))
    for (const m of c.members) {
      const ka = await m.post('/v3/lease/keepalive', { ID: id })
      assert.equal(ka.status, 200, `${m.name}: ${JSON.stringify(ka.body)}`)
      assert.equal(ka.body.result?.ID, id, `${m.name}: ${JSON.stringify(ka.body)}`)
      assert.equal(ka.body.result?.TTL, '30', `${m.name}: ${JSON.stringify(ka.body)}`)
      const ttl = await m.post('/v3/lease/timetolive', { ID: id, keys: true })
      assert.equal(ttl.status, 200, `${m.name}: ${JSON.stringify(ttl.body)}`)
      assert.equal(ttl.body.grantedTTL, '30')
      assert.deepEqual(ttl.body.keys, [b64('leased')])
    }
    const revoke = await followers[0].post('/v3/lease/revoke', { ID: id })
    assert.equal(revoke.status, 200, JSON.stringify(revoke.body))
    for (const m of c.members) {
      const got = await m.post('/v3/kv/range', { key: b64('leased') })
      assert.equal(got.body.kvs, undefined, `${m.name} still has the key of a revoked lease`)
      const ttl = await m.post('/v3/lease/timetolive', { ID: id })
      assert.equal(ttl.body.TTL, '-1', `${m.name}: ${JSON.stringify(ttl.body)}`)
    }
  })

  it('refuses a forwarded keep-alive on a member that is not the leader', async () => {
    const leader = await c.leader()
    const follower = c.members.find((m) => m !== leader)
    assert.ok(follower !== undefined)
    const res = await fetch(`${follower.peerURL}/leases`, { method: 'POST', body: JSON.stringify({ ID: '1' }) })
    assert.equal(res.status, 503)
    const bad = await fetch(`${follower.peerURL}/leases`, { method: 'POST', body: 'nope' })
    assert.equal(bad.status, 400)
  })
})
