// Election conformance (spec §5.8; §11 cases 11–16, 129, 130) against real etcd and etcd-ts.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { b64, runStreamCases, shape, unb64, type StreamCase } from './watch-runner.js'

const electionCases: StreamCase[] = [
  {
    id: '11-16, 129',
    title: 'campaign, leader, proclaim, wrong proclaim/resign, missing leader, resign, no leader',
    run: async (c) => {
      const camp = await c.post('/v3/election/campaign', { name: b64('/election-prefix'), value: b64('v1') })
      assert.ok(camp.text.includes('"leader":{"name":"'))
      const leader = camp.json.leader
      const lease = leader.lease as string
      const t = [shape(camp, [lease])]
      t.push(shape(await c.post('/v3/election/leader', { name: b64('/election-prefix') }), [lease]))
      const p = await c.post('/v3/election/proclaim', { leader, value: b64('v2') })
      assert.ok(p.text.includes('"revision":'))
      t.push(shape(p))
      t.push(shape(await c.post('/v3/election/proclaim', { leader: { ...leader, key: b64('/election-prefix/zz') }, value: b64('x') })))
      t.push(shape(await c.post('/v3/election/resign', { leader: { ...leader, rev: '9999' } })))
      for (const path of ['/v3/election/proclaim', '/v3/election/resign']) {
        const miss = await c.post(path, { value: 'djI=' })
        assert.equal(miss.status, 500)
        assert.equal(miss.json.message, '"leader" field must be provided')
        t.push(shape(miss))
      }
      t.push(shape(await c.post('/v3/election/resign', { leader })))
      const none = await c.post('/v3/election/leader', { name: b64('/election-prefix') })
      assert.deepEqual([none.status, none.json.message], [500, 'election: no leader'])
      t.push(shape(none))
      t.push(shape(await c.post('/v3/election/leader', { name: 'aGVsbG8=' })))
      return t
    }
  },
  {
    id: '13, 130',
    title: 'observe: leader a, proclamation b, next leader c',
    run: async (c) => {
      const o = c.stream('/v3/election/observe', { name: b64('obs') })
      o.end()
      await sleep(300)
      const a = await c.post('/v3/election/campaign', { name: b64('obs'), value: b64('a') })
      const m1 = await o.next()
      assert.equal(m1.result.kv.key, a.json.leader.key)
      await c.post('/v3/election/proclaim', { leader: a.json.leader, value: b64('b') })
      const m2 = await o.next()
      await c.post('/v3/election/resign', { leader: a.json.leader })
      const g = await c.post('/v3/lease/grant', { TTL: 60 })
      await c.post('/v3/election/campaign', { name: b64('obs'), lease: g.json.ID, value: b64('c') })
      const m3 = await o.next()
      const values = [m1, m2, m3].map((m) => unb64(m.result.kv.value))
      assert.deepEqual(values, ['a', 'b', 'c'])
      return [values, [m1, m2, m3].map((m) => m.result.kv.mod_revision)]
    }
  }
]

runStreamCases('election', electionCases)
