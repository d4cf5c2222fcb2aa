// Lock conformance (spec §5.7; §11 cases 34, 127, 128) against real etcd and etcd-ts.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { b64, runStreamCases, shape, unb64, type StreamCase } from './watch-runner.js'

const lockCases: StreamCase[] = [
  {
    id: '34, 127',
    title: 'lock with a fresh 60 s lease; a second locker waits for unlock and answers at its revision',
    run: async (c) => {
      const l = await c.post('/v3/lock/lock', { name: b64('mylock') })
      assert.match(unb64(l.json.key), /^mylock\/[0-9a-f]{1,16}$/)
      const lease = BigInt('0x' + unb64(l.json.key).split('/')[1]).toString()
      const ttl = await c.post('/v3/lease/timetolive', { ID: lease })
      assert.equal(ttl.json.grantedTTL, '60')
      let settled = false
      const second = c.post('/v3/lock/lock', { name: b64('mylock') }).then((r) => { settled = true; return r })
      await sleep(500)
      assert.equal(settled, false)
      const u = await c.post('/v3/lock/unlock', { key: l.json.key })
      const s = await second
      assert.equal(s.json.header.revision, u.json.header.revision)
      await c.post('/v3/lock/unlock', { key: s.json.key })
      return [shape(l), ttl.json.grantedTTL, shape(u), shape(s)]
    }
  },
  {
    id: '128',
    title: 'unlock of a missing key, unlock {}, lock {}, unknown lease, re-entrant lease 4096',
    run: async (c) => {
      const t = [shape(await c.post('/v3/lock/unlock', { key: 'bm9uZXhpc3RlbnQ=' }))]
      const empty = await c.post('/v3/lock/unlock', {})
      assert.deepEqual([empty.status, empty.json.code, empty.json.message], [500, 2, 'etcdserver: key is not provided'])
      t.push(shape(empty))
      const noName = await c.post('/v3/lock/lock', {})
      assert.match(unb64(noName.json.key), /^\/[0-9a-f]+$/)
      t.push(shape(noName))
      await c.post('/v3/lock/unlock', { key: noName.json.key })
      const unknown = await c.post('/v3/lock/lock', { name: b64('x'), lease: '12345' })
      assert.deepEqual([unknown.status, unknown.json.message], [500, 'etcdserver: requested lease not found'])
      t.push(shape(unknown))
      await c.post('/v3/lease/grant', { ID: 4096, TTL: 60 })
      const a = await c.post('/v3/lock/lock', { name: b64('lk'), lease: 4096 })
      const b = await c.post('/v3/lock/lock', { name: b64('lk'), lease: 4096 })
      assert.equal(a.json.key, 'bGsvMTAwMA==')
      assert.equal(b.json.key, a.json.key)
      t.push(a.json.key, b.json.key)
      return t
    }
  }
]

runStreamCases('lock', lockCases)
