// Watch conformance (spec §5.2; §11 cases 4, 41, 89–97, 99) against real etcd and etcd-ts.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { WebSocket } from 'undici'
import { norm, runStreamCases, type Ctx, type StreamCase } from './watch-runner.js'
import type { StreamClient } from '../integration/watch-helper.js'

const b64 = (s: string): string => Buffer.from(s).toString('base64')

/** Reads lines until `n` events arrived; drops progress lines (watch_id -1, no events: row 21). */
async function events (s: StreamClient, n: number): Promise<any[]> {
  const out: any[] = []
  while (out.filter((m) => m.result.events !== undefined).reduce((a, m) => a + m.result.events.length, 0) < n) {
    const m = await s.next(5000)
    if (m.result.watch_id === '-1' && m.result.events === undefined) continue
    out.push(norm(m))
  }
  return out
}

const cases: StreamCase[] = [
  {
    id: '4',
    title: 'a past value is replayed and the stream stays open',
    run: async (c: Ctx) => {
      await c.post('/v3/kv/put', { key: 'Zm9v', value: 'YmFy' })
      const w = c.stream('/v3/watch', { create_request: { key: 'Zm9v', start_revision: 1 } })
      w.end()
      const lines = [norm(await w.next()), ...await events(w, 1)]
      assert.ok(JSON.stringify(lines).includes('YmFy'))
      await sleep(300)
      assert.equal(w.ended, false)
      return lines
    }
  },
  {
    id: '89',
    title: 'create with start_revision, prev_kv and watch_id; progress while catching up',
    run: async (c) => {
      await c.post('/v3/kv/put', { key: 'Zm9v', value: 'YmF6' })
      const w = c.stream('/v3/watch', { create_request: { key: 'Zm9v', start_revision: 2, prev_kv: true, watch_id: 7 } })
      w.write({ progress_request: {} })
      const created = norm(await w.next())
      assert.equal(created.result.watch_id, '7')
      const evs = await events(w, 2)
      const all = evs.flatMap((m) => m.result.events)
      assert.equal(all[0].prev_kv, undefined)
      assert.equal(all[1].prev_kv.value, 'YmFy')
      return [created, ...evs]
    }
  },
  {
    id: '90-94',
    title: 'range watch, filters + prev_kv, cancel, unknown cancel, duplicate ID, empty range',
    run: async (c) => {
      const w = c.stream('/v3/watch', { create_request: { key: 'd2E=', range_end: 'd2I=' } })
      const t: unknown[] = [norm(await w.next())]
      w.write({ create_request: { key: 'd2E=', range_end: 'd2I=', filters: ['NOPUT'], prev_kv: true } })
      t.push(norm(await w.next()))
      await c.post('/v3/kv/put', { key: 'd2Ex', value: 'MQ==' })
      t.push(norm(await w.next()))
      await c.post('/v3/kv/deleterange', { key: 'd2Ex' })
      const dels = [norm(await w.next()), norm(await w.next())]
      dels.sort((a, b) => String(a.result.watch_id).localeCompare(String(b.result.watch_id)))
      t.push(...dels)
      w.write({ cancel_request: { watch_id: '0' } })
      t.push(norm(await w.next()))
      w.write({ cancel_request: { watch_id: '55' } })
      w.write({ create_request: { key: 'eA==', watch_id: 1 } })
      const dup = norm(await w.next())
      assert.equal(dup.result.cancel_reason, 'mvcc: duplicate watch ID provided on the WatchStream')
      t.push(dup)
      w.write({ create_request: { key: 'd2I=', range_end: 'd2E=' } })
      const empty = norm(await w.next())
      assert.equal(empty.result.cancel_reason, 'mvcc: watcher range is empty')
      t.push(empty)
      return t
    }
  },
  {
    id: '95',
    title: 'a compacted start revision: created, then canceled with compact_revision',
    run: async (c) => {
      for (let i = 0; i < 3; i++) await c.post('/v3/kv/put', { key: 'Y3A=', value: 'eA==' })
      const rev = Number((await c.post('/v3/kv/range', { key: 'Y3A=' })).json.header.revision)
      await c.post('/v3/kv/compaction', { revision: rev, physical: true })
      const w = c.stream('/v3/watch', { create_request: { key: 'Y3A=', start_revision: 2 } })
      const t = [norm(await w.next()), norm(await w.next())]
      assert.equal(t[1].result.canceled, true)
      assert.equal(t[1].result.compact_revision, String(rev))
      assert.equal(t[1].result.header.revision, undefined)
      return t
    }
  },
  {
    id: '96',
    title: 'garbage first message, {} and an empty create',
    run: async (c) => {
      const bad = await c.post('/v3/watch', 'garbage')
      assert.equal(bad.status, 500)
      assert.equal(bad.json.code, 2)
      const e = c.stream('/v3/watch', {})
      e.end()
      assert.ok(await e.quiet(500))
      const w = c.stream('/v3/watch', { create_request: {} })
      const created = norm(await w.next())
      assert.equal(created.result.created, true)
      return [bad.status, bad.json, e.status, created]
    }
  },
  {
    id: '41',
    title: 'clients killed mid-stream leave the server running',
    run: async (c) => {
      for (let i = 0; i < 10; i++) {
        const w = c.stream('/v3/watch')
        await sleep(100)
        w.destroy()
      }
      const r = await c.post('/v3/kv/range', { key: 'Zm9v' })
      assert.equal(r.status, 200)
      return [r.status]
    }
  },
  {
    id: '99',
    title: 'WebSocket: create, event and cancel frames',
    run: async (c) => {
      const ws = new WebSocket(c.url.replace('http', 'ws') + '/v3/watch')
      const frames: any[] = []
      ws.addEventListener('message', (ev) => frames.push(norm(JSON.parse(String(ev.data)))))
      await new Promise((resolve, reject) => { ws.addEventListener('open', resolve); ws.addEventListener('error', reject) })
      const next = async (): Promise<any> => {
        for (let i = 0; i < 100 && frames.length === 0; i++) await sleep(50)
        return frames.shift()
      }
      try {
        ws.send(JSON.stringify({ create_request: { key: b64('ws') } }))
        const t = [await next()]
        await c.post('/v3/kv/put', { key: b64('ws'), value: b64('1') })
        t.push(await next())
        ws.send(JSON.stringify({ cancel_request: { watch_id: 0 } }))
        t.push(await next())
        assert.equal(t[2].result.canceled, true)
        return t
      } finally {
        ws.close()
      }
    }
  }
]

runStreamCases('watch', cases)

runStreamCases('watch fragment (--max-request-bytes 10000)', [{
  id: '97',
  title: '80 events of 9000 B: parts of 59 and 21 with fragment, one message without',
  run: async (c) => {
    const big = b64('x'.repeat(9000))
    for (let i = 0; i < 80; i++) await c.post('/v3/kv/put', { key: b64(`fx${String(i).padStart(2, '0')}`), value: big })
    const f = c.stream('/v3/watch', { create_request: { key: 'Zng=', range_end: 'Znk=', start_revision: 1, fragment: true } })
    await f.next()
    const parts = [await f.next(), await f.next()]
    assert.deepEqual(parts.map((p) => [p.result.fragment, p.result.events.length]), [[true, 59], [undefined, 21]])
    const w = c.stream('/v3/watch', { create_request: { key: 'Zng=', range_end: 'Znk=', start_revision: 1 } })
    await w.next()
    const whole = await w.next()
    assert.equal(whole.result.events.length, 80)
    return parts.map((p) => [p.result.fragment, p.result.events.length])
  }
}], ['--max-request-bytes', '10000'])
