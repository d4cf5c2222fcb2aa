// POST /v3/watch and its WebSocket form over real sockets against a real single member: the
// gateway spec's watch cases (§5.2, §11 cases 89–97) and etcd's watch guarantees — ordered,
// reliable, atomic per revision, resumable, progress — plus a slow consumer and abrupt
// disconnects.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { WebSocket } from 'undici'
import { StreamClient, b64, post, startGateway, unb64 } from './watch-helper.js'

describe('watch over the gateway', () => {
  it('streams created, events and progress as NDJSON with proxy-friendly headers (case 89)', async (t) => {
    const { url } = await startGateway(t)
    for (const v of ['a', 'b', 'c']) await post(url, '/v3/kv/put', { key: b64('foo'), value: b64(v) })
    const w = new StreamClient(url, '/v3/watch', { create_request: { key: b64('foo'), start_revision: 2, prev_kv: true, watch_id: 7 } })
    t.after(() => w.destroy())
    w.write({ progress_request: {} })
    const created = await w.next()
    assert.equal(w.status, 200)
    assert.equal(w.headers['content-type'], 'application/json')
    assert.equal(w.headers['x-accel-buffering'], 'no')
    assert.equal(w.headers['transfer-encoding'], 'chunked')
    assert.deepEqual(Object.keys(created.result), ['header', 'watch_id', 'created'])
    assert.equal(created.result.watch_id, '7')
    assert.equal(created.result.created, true)
    const evs: any[] = []
    while (evs.length < 3) {
      const m = await w.next()
      assert.equal(m.result.watch_id, '7', 'the progress request was dropped: the watcher was catching up')
      evs.push(...m.result.events)
    }
    assert.equal(evs[0].prev_kv, undefined, 'a create event has no prev_kv')
    assert.equal(unb64(evs[1].prev_kv.value), 'a')
    assert.equal(unb64(evs[2].prev_kv.value), 'b')
    assert.deepEqual(evs.map((e) => e.kv.mod_revision), ['2', '3', '4'])
  })

  it('ranges, filters, cancels, duplicate IDs and empty ranges as etcd (cases 90–94, 96)', async (t) => {
    const { url } = await startGateway(t)
    const w = new StreamClient(url, '/v3/watch', { create_request: { key: b64('wa'), range_end: b64('wb') } })
    t.after(() => w.destroy())
    const c0 = await w.next()
    assert.equal(c0.result.watch_id, undefined, 'id 0 is omitted')
    w.write({ create_request: { key: b64('wa'), range_end: b64('wb'), filters: ['NOPUT'], prev_kv: true } })
    assert.equal((await w.next()).result.watch_id, '1')
    await post(url, '/v3/kv/put', { key: b64('wa1'), value: b64('1') })
    const put = await w.next()
    assert.equal(put.result.watch_id, undefined)
    assert.deepEqual(put.result.events, [{ kv: { key: b64('wa1'), create_revision: '2', mod_revision: '2', version: '1', value: b64('1') } }])
    await post(url, '/v3/kv/deleterange', { key: b64('wa1') })
    const d1 = await w.next()
    const d2 = await w.next()
    const byId = new Map([[d1.result.watch_id, d1.result], [d2.result.watch_id, d2.result]])
    assert.deepEqual(byId.get(undefined).events, [{ type: 'DELETE', kv: { key: b64('wa1'), mod_revision: '3' } }])
    assert.equal(unb64(byId.get('1').events[0].prev_kv.value), '1', 'NOPUT watcher gets the DELETE with prev_kv')
    w.write({ cancel_request: { watch_id: '0' } })
    const cancel = await w.next()
    assert.deepEqual(Object.keys(cancel.result), ['header', 'canceled'])
    w.write({ cancel_request: { watch_id: 55 } })
    w.write({ create_request: { key: b64('x'), watch_id: 1 } })
    const dup = await w.next()
    assert.deepEqual(dup.result, {
      header: dup.result.header, watch_id: '-1', created: true, canceled: true, cancel_reason: 'mvcc: duplicate watch ID provided on the WatchStream'
    })
    w.write({ create_request: { key: b64('wb'), range_end: b64('wa') } })
    assert.equal((await w.next()).result.cancel_reason, 'mvcc: watcher range is empty')
    w.write({ create_request: { key: b64('neg'), start_revision: -3 } })
    const neg = await w.next()
    assert.equal(neg.result.cancel_reason, 'etcdserver: mvcc: required revision has been compacted')
    assert.equal(neg.result.watch_id, '-1')
    w.write({ create_request: {} })
    assert.equal((await w.next()).result.watch_id, '2', 'an empty create watches "\\0"')
  })

  it('answers an undecodable first message with 500 code 2 and writes nothing for {}', async (t) => {
    const { url } = await startGateway(t)
    const bad = await post(url, '/v3/watch', 'garbage')
    assert.equal(bad.status, 500)
    assert.deepEqual(bad.body, {
      error: "invalid character 'g' looking for beginning of value",
      code: 2,
      message: "invalid character 'g' looking for beginning of value"
    })
    const empty = new StreamClient(url, '/v3/watch', {})
    t.after(() => empty.destroy())
    empty.end()
    assert.ok(await empty.quiet(300), 'no response bytes for {}')
    assert.equal(empty.status, 0, 'not even a status line')
  })

  it('keeps the stream open after the request body ends', async (t) => {
    const { url } = await startGateway(t)
    const w = new StreamClient(url, '/v3/watch', { create_request: { key: b64('k') } })
    t.after(() => w.destroy())
    w.end()
    await w.next()
    await sleep(100)
    await post(url, '/v3/kv/put', { key: b64('k'), value: b64('v') })
    const ev = await w.next()
    assert.equal(unb64(ev.result.events[0].kv.value), 'v')
  })

  it('is atomic per revision, ordered and resumable', async (t) => {
    const { url } = await startGateway(t)
    const w = new StreamClient(url, '/v3/watch', { create_request: { key: b64('r/'), range_end: b64('r0') } })
    t.after(() => w.destroy())
    await w.next()
    await post(url, '/v3/kv/txn', { success: [1, 2, 3].map((i) => ({ request_put: { key: b64(`r/${i}`), value: b64('t') } })) })
    const txn = await w.next()
    assert.equal(txn.result.events.length, 3, 'one message holds the whole revision')
    assert.ok(txn.result.events.every((e: any) => e.kv.mod_revision === txn.result.header.revision))
    for (let i = 0; i < 30; i++) await post(url, '/v3/kv/put', { key: b64(`r/${i % 5}`), value: b64(String(i)) })
    const revs: number[] = []
    while (revs.length < 30) for (const e of (await w.next()).result.events) revs.push(Number(e.kv.mod_revision))
    assert.deepEqual(revs, Array.from({ length: 30 }, (_, i) => i + 3))
    w.destroy()
    // resume from the last revision seen + 1 after missing some writes
    for (let i = 0; i < 5; i++) await post(url, '/v3/kv/put', { key: b64('r/x'), value: b64(String(i)) })
    const r = new StreamClient(url, '/v3/watch', { create_request: { key: b64('r/'), range_end: b64('r0'), start_revision: revs[revs.length - 1] + 1 } })
    t.after(() => r.destroy())
    await r.next()
    const missed: number[] = []
    while (missed.length < 5) for (const e of (await r.next()).result.events) missed.push(Number(e.kv.mod_revision))
    assert.deepEqual(missed, [33, 34, 35, 36, 37])
  })

  it('sends progress notifications at the configured interval and answers progress requests when synced', async (t) => {
    const { url } = await startGateway(t, { progressNotifyIntervalMs: 200 })
    const w = new StreamClient(url, '/v3/watch', { create_request: { key: b64('quiet'), progress_notify: true, watch_id: 3 } })
    t.after(() => w.destroy())
    await w.next()
    const p1 = await w.next(2000)
    assert.deepEqual(Object.keys(p1.result), ['header', 'watch_id'])
    assert.equal(p1.result.watch_id, '3')
    await post(url, '/v3/kv/put', { key: b64('other'), value: b64('x') })
    const p2 = await w.next(2000)
    assert.equal(p2.result.header.revision, '2', 'bookmark: progress carries the current revision')
    w.write({ progress_request: {} })
    let got
    do got = await w.next(2000); while (got.result.watch_id !== '-1')
    assert.equal(got.result.header.revision, '2')
  })

  it('cancels a watch whose start revision was compacted (case 95)', async (t) => {
    const { url } = await startGateway(t)
    for (let i = 0; i < 12; i++) await post(url, '/v3/kv/put', { key: b64('foo'), value: b64(String(i)) })
    await post(url, '/v3/kv/compaction', { revision: 13, physical: true })
    const w = new StreamClient(url, '/v3/watch', { create_request: { key: b64('foo'), start_revision: 5 } })
    t.after(() => w.destroy())
    assert.equal((await w.next()).result.created, true)
    const c = await w.next()
    assert.equal(c.result.canceled, true)
    assert.equal(c.result.compact_revision, '13')
    assert.equal(c.result.header.revision, undefined)
  })

  it('fragments large responses on request (case 97)', async (t) => {
    const { url } = await startGateway(t, { maxRequestBytes: 10000 })
    const big = b64('x'.repeat(9000))
    for (let i = 0; i < 80; i++) await post(url, '/v3/kv/put', { key: b64(`fx${String(i).padStart(2, '0')}`), value: big })
    const w = new StreamClient(url, '/v3/watch', { create_request: { key: b64('fx'), range_end: b64('fy'), start_revision: 1, fragment: true } })
    t.after(() => w.destroy())
    await w.next()
    const a = await w.next()
    const bb = await w.next()
    assert.equal(a.result.fragment, true)
    assert.equal(a.result.events.length, 59)
    assert.equal(bb.result.fragment, undefined)
    assert.equal(bb.result.events.length, 21)
  })

  it('bounds the memory of a slow consumer and still delivers every event in order', async (t) => {
    const { url, srv } = await startGateway(t)
    const w = new StreamClient(url, '/v3/watch', { create_request: { key: b64('s/'), range_end: b64('s0') } })
    t.after(() => w.destroy())
    await w.next()
    await w.responded
    w.pause()
    // One revision per put, so the stream's bounded buffer (128 responses) fills once the
    // loopback socket buffers are full (~33 MB of JSON in all).
    const value = b64('v'.repeat(8000))
    const n = 3000
    for (let i = 0; i < n; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => post(url, '/v3/kv/put', { key: b64(`s/${i + j}`), value })))
    }
    const stats = srv.kv.watcherStats()
    assert.ok(stats.victims + stats.unsynced > 0, `the stalled watcher left the synced group: ${JSON.stringify(stats)}`)
    w.resume()
    const seen: number[] = []
    while (seen.length < n) for (const e of (await w.next(10000)).result.events) seen.push(Number(e.kv.mod_revision))
    assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i + 2), 'every revision exactly once, in order')
  })

  it('survives abrupt client disconnects and frees their watchers (case 41)', async (t) => {
    const { url, srv } = await startGateway(t)
    for (let i = 0; i < 10; i++) {
      const w = new StreamClient(url, '/v3/watch', i % 2 === 0 ? { create_request: { key: b64('d') } } : undefined)
      await sleep(100)
      w.destroy()
    }
    await sleep(200)
    assert.equal(srv.watch.sessions, 0)
    assert.equal(srv.kv.watcherStats().streams, 0)
    const ok = await post(url, '/v3/kv/put', { key: b64('d'), value: b64('still here') })
    assert.equal(ok.status, 200)
  })

  it('serves the same JSON per frame over a WebSocket (case 99)', async (t) => {
    const { url } = await startGateway(t)
    const ws = new WebSocket(url.replace('http', 'ws') + '/v3/watch')
    t.after(() => ws.close())
    const frames: any[] = []
    let wake: () => void = () => {}
    ws.addEventListener('message', (ev) => { frames.push(JSON.parse(String(ev.data))); wake() })
    await new Promise((resolve, reject) => { ws.addEventListener('open', resolve); ws.addEventListener('error', reject) })
    const next = async (): Promise<any> => {
      while (frames.length === 0) await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, 5000) })
      return frames.shift()
    }
    ws.send(JSON.stringify({ create_request: { key: b64('ws') } }))
    assert.equal((await next()).result.created, true)
    await post(url, '/v3/kv/put', { key: b64('ws'), value: b64('1') })
    assert.equal(unb64((await next()).result.events[0].kv.value), '1')
    ws.send(JSON.stringify({ cancel_request: { watch_id: 0 } }))
    assert.equal((await next()).result.canceled, true)
  })
})
