// Lease conformance (spec §5.3; §11 cases 17–23, 82–88) against real etcd and etcd-ts.
// Server-chosen lease IDs differ between members and are replaced by `<id>` in transcripts.
import assert from 'node:assert/strict'
import { norm, runStreamCases, type Answer, type StreamCase } from './watch-runner.js'

const strip = (a: Answer, ...ids: string[]): unknown => {
  let text = JSON.stringify(norm(a.json ?? a.text))
  for (const id of ids) text = text.split(`"${id}"`).join('"<id>"')
  return [a.status, JSON.parse(text)]
}

const cases: StreamCase[] = [
  {
    id: '17-23',
    title: 'grant (client and server IDs), put with lease, timetolive (+alias), revoke (+alias), leases, keepalive',
    run: async (c) => {
      const t: unknown[] = []
      const g1 = await c.post('/v3/lease/grant', { ID: 7777, TTL: 0 })
      assert.ok(g1.text.includes('"ID":"7777"'))
      t.push(strip(g1))
      const g2 = await c.post('/v3/lease/grant', { ID: 0, TTL: 20 })
      assert.ok(g2.text.includes('"TTL":"20"'))
      const id = g2.json.ID as string
      t.push(strip(g2, id))
      const p = await c.post('/v3/kv/put', { key: 'Zm9v', value: 'YmFy', lease: id })
      assert.ok(p.text.includes('"revision":"'))
      t.push(strip(p))
      for (const path of ['/v3/lease/timetolive', '/v3/kv/lease/timetolive']) {
        const r = await c.post(path, { ID: id, keys: true })
        assert.ok(r.text.includes('"grantedTTL"'))
        t.push(r.status, r.json.grantedTTL, r.json.keys)
      }
      for (const path of ['/v3/lease/leases', '/v3/kv/lease/leases']) {
        const r = await c.post(path, {})
        assert.ok(r.text.includes(`"ID":"${id}"`))
        t.push(r.status, r.json.leases.map((l: { ID: string }) => l.ID === id ? '<id>' : l.ID).sort())
      }
      const ka = await c.post('/v3/lease/keepalive', { ID: id })
      assert.ok(ka.text.includes(`"ID":"${id}"`))
      t.push(ka.status, ka.text.split(id).join('<id>').replace(/"cluster_id":"\d+","member_id":"\d+"/, '').replace(/"raft_term":"\d+"/, ''))
      const rv = await c.post('/v3/lease/revoke', { ID: id })
      assert.ok(rv.text.includes('"revision":"'))
      t.push(strip(rv))
      const again = await c.post('/v3/kv/lease/revoke', { ID: id })
      assert.equal(again.status, 404)
      t.push(strip(again))
      return t
    }
  },
  {
    id: '82-83',
    title: 'grant with an ID twice, the minimum TTL, the TTL limit, a negative ID',
    run: async (c) => {
      const t = [strip(await c.post('/v3/lease/grant', { TTL: 30, ID: 1000 }))]
      const dup = await c.post('/v3/lease/grant', { TTL: 30, ID: 1000 })
      assert.equal(dup.status, 400)
      assert.equal(dup.json.message, 'etcdserver: lease already exists')
      t.push(strip(dup))
      for (const body of [{}, { TTL: 1 }, { TTL: -5, ID: 1001 }]) {
        const r = await c.post('/v3/lease/grant', body)
        assert.equal(r.json.TTL, '2')
        t.push(strip(r, r.json.ID))
      }
      const max = await c.post('/v3/lease/grant', { TTL: 9000000000 })
      t.push(strip(max, max.json.ID))
      t.push(strip(await c.post('/v3/lease/grant', { TTL: 9000000001 })))
      t.push(strip(await c.post('/v3/lease/grant', { TTL: 5, ID: -7 })))
      return t
    }
  },
  {
    id: '84-87',
    title: 'timetolive with keys, unknown lease TTL -1, put/revoke with unknown lease, revoke deletes keys in one revision',
    run: async (c) => {
      await c.post('/v3/lease/grant', { ID: 2000, TTL: 300 })
      await c.post('/v3/kv/put', { key: 'bDE=', value: 'eA==', lease: 2000 })
      await c.post('/v3/kv/put', { key: 'bDI=', value: 'eA==', lease: 2000 })
      const ttl = await c.post('/v3/lease/timetolive', { ID: 2000, keys: true })
      // etcd keeps a lease's keys in a Go map, so their order in the answer is unspecified.
      const keys = [...(ttl.json.keys as string[])].sort()
      assert.deepEqual(keys, ['bDE=', 'bDI='])
      const t = [ttl.status, ttl.json.grantedTTL, keys, Number(ttl.json.TTL) >= 298]
      const alias = await c.post('/v3/kv/lease/timetolive', { ID: 2000 })
      t.push(alias.json.keys)
      t.push(strip(await c.post('/v3/lease/timetolive', { ID: 424242 })))
      t.push(strip(await c.post('/v3/kv/put', { key: 'eA==', value: 'eA==', lease: 424242 })))
      t.push(strip(await c.post('/v3/lease/revoke', {})))
      const before = Number((await c.post('/v3/kv/range', { key: 'bDE=' })).json.header.revision)
      const rv = await c.post('/v3/lease/revoke', { ID: 2000 })
      assert.equal(Number(rv.json.header.revision), before + 1)
      t.push(strip(rv), strip(await c.post('/v3/kv/range', { key: 'bDE=', range_end: 'bDM=' })))
      return t
    }
  },
  {
    id: '88',
    title: 'keepalive stream: one line per request, unknown lease without TTL, then the response ends',
    run: async (c) => {
      await c.post('/v3/lease/grant', { ID: 3000, TTL: 30 })
      const s = c.stream('/v3/lease/keepalive', { ID: 3000 })
      s.write({ ID: 424242 })
      s.write({ ID: 3000 })
      s.end()
      const lines = [norm(await s.next()), norm(await s.next()), norm(await s.next())]
      assert.deepEqual(lines.map((l) => [l.result.ID, l.result.TTL]), [['3000', '30'], ['424242', undefined], ['3000', '30']])
      for (let i = 0; i < 50 && !s.ended; i++) await new Promise((resolve) => setTimeout(resolve, 100))
      assert.equal(s.ended, true)
      return lines
    }
  }
]

runStreamCases('lease', cases)
