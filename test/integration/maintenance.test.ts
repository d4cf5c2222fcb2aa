// The Maintenance service over real sockets on a real single member started as etcd starts
// (embed): status, alarms and what they refuse (also after a restart), the backend quota raising
// NOSPACE, hash and hashkv, defragmentation under concurrent writes, and the snapshot stream
// opened as a backend again.
import { describe, it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newLoopbackConfig, type Config } from '../../src/embed/config.js'
import { startEtcd, type Etcd } from '../../src/embed/etcd.js'
import { openBackend } from '../../src/storage/backend/index.js'
import { Buckets } from '../../src/storage/schema/buckets.js'
import { backendPath } from '../../src/storage/datadir.js'
import { StreamClient, b64, post } from './watch-helper.js'

interface Member { url: string, dir: string, etcd: Etcd }

/** A member on loopback ports in a fresh directory (or `dir`), closed after the test. */
async function startMember (t: TestContext, over: Partial<Config> = {}, dir?: string): Promise<Member> {
  if (dir === undefined) {
    const d = mkdtempSync(join(tmpdir(), 'etcd-ts-maint-'))
    t.after(() => rmSync(d, { recursive: true, force: true }))
    dir = d
  }
  const etcd = await startEtcd({ ...newLoopbackConfig(join(dir, 'data')), ...over })
  t.after(async () => await etcd.close())
  await etcd.server.readyNotify()
  return { url: etcd.clientURLs[0] as string, dir, etcd }
}

const put = async (url: string, k: string, v = 'v'): Promise<{ status: number, body: any }> =>
  await post(url, '/v3/kv/put', { key: b64(k), value: b64(v) })

async function memberId (url: string): Promise<string> {
  return (await post(url, '/v3/maintenance/status', {})).body.header.member_id
}

async function alarm (url: string, action: string, memberID: string, kind: string): Promise<any> {
  const r = await post(url, '/v3/maintenance/alarm', { action, memberID, alarm: kind })
  assert.equal(r.status, 200, r.text)
  return r.body
}

describe('maintenance service', () => {
  it('reports the member status', async (t) => {
    const { url } = await startMember(t)
    await put(url, 'a')
    const st = await post(url, '/v3/maintenance/status', {})
    assert.equal(st.status, 200)
    const b = st.body
    assert.equal(b.leader, b.header.member_id)
    assert.equal(b.header.revision, '2')
    assert.match(b.version, /^3\.5\.\d+$/)
    assert.ok(Number(b.raftAppliedIndex) >= 3 && Number(b.raftIndex) >= Number(b.raftAppliedIndex), st.text)
    assert.ok(Number(b.dbSizeInUse) > 0 && Number(b.dbSizeInUse) <= Number(b.dbSize), st.text)
    assert.equal(b.errors, undefined)
    assert.equal(b.isLearner, undefined)
  })

  it('NOSPACE refuses puts, txns with a put and lease grants until deactivated; reads and deletes work', async (t) => {
    const { url } = await startMember(t)
    await put(url, 'k')
    const id = await memberId(url)
    assert.deepEqual((await alarm(url, 'ACTIVATE', id, 'NOSPACE')).alarms, [{ memberID: id, alarm: 'NOSPACE' }])
    // raising it again answers the alarm already raised
    assert.deepEqual((await alarm(url, 'ACTIVATE', id, 'NOSPACE')).alarms, [{ memberID: id, alarm: 'NOSPACE' }])
    const refused = [
      await put(url, 'k2'),
      await post(url, '/v3/kv/txn', { success: [{ request_put: { key: b64('k3'), value: b64('v') } }] }),
      await post(url, '/v3/kv/txn', { failure: [{ request_txn: { success: [{ request_put: { key: b64('k3') } }] } }] }),
      await post(url, '/v3/lease/grant', { TTL: 30 })
    ]
    for (const r of refused) assert.deepEqual([r.status, r.body.code, r.body.message], [429, 8, 'etcdserver: mvcc: database space exceeded'])
    assert.equal((await post(url, '/v3/kv/range', { key: b64('k') })).body.count, '1')
    assert.equal((await post(url, '/v3/kv/txn', { success: [{ request_range: { key: b64('k') } }] })).status, 200)
    assert.equal((await post(url, '/v3/kv/deleterange', { key: b64('k') })).body.deleted, '1')
    const health = await fetch(url + '/health')
    assert.deepEqual([health.status, await health.text()], [503, '{"health":"false","reason":"ALARM NOSPACE"}\n'])
    assert.equal((await fetch(url + '/health?exclude=NOSPACE')).status, 200)
    const st = await post(url, '/v3/maintenance/status', {})
    assert.deepEqual(st.body.errors, [`memberID:${id} alarm:NOSPACE `])
    assert.deepEqual((await alarm(url, 'GET', '0', 'NONE')).alarms, [{ memberID: id, alarm: 'NOSPACE' }])
    assert.equal((await alarm(url, 'GET', '0', 'CORRUPT')).alarms, undefined)
    assert.deepEqual((await alarm(url, 'DEACTIVATE', id, 'NOSPACE')).alarms, [{ memberID: id, alarm: 'NOSPACE' }])
    assert.equal((await alarm(url, 'DEACTIVATE', id, 'NOSPACE')).alarms, undefined)
    assert.equal((await put(url, 'k2')).status, 200)
    assert.equal((await fetch(url + '/health')).status, 200)
  })

  it('CORRUPT refuses every write with code 15; ACTIVATE of NONE raises nothing', async (t) => {
    const { url } = await startMember(t)
    await put(url, 'k')
    const none = await alarm(url, 'ACTIVATE', '0', 'NONE')
    assert.deepEqual(Object.keys(none), ['header'])
    const id = await memberId(url)
    await alarm(url, 'ACTIVATE', id, 'CORRUPT')
    const refused = [
      await put(url, 'k2'),
      await post(url, '/v3/kv/deleterange', { key: b64('k') }),
      await post(url, '/v3/kv/txn', { success: [{ request_delete_range: { key: b64('k') } }] }),
      await post(url, '/v3/kv/compaction', { revision: 1 }),
      await post(url, '/v3/lease/grant', { TTL: 30 })
    ]
    for (const r of refused) assert.deepEqual([r.status, r.body.code, r.body.message], [500, 15, 'etcdserver: corrupt cluster'])
    assert.equal((await post(url, '/v3/kv/range', { key: b64('k') })).body.count, '1')
    const ready = await fetch(url + '/readyz?verbose')
    assert.equal(ready.status, 503)
    assert.match(await ready.text(), /\[-\]data_corruption failed: alarm activated: CORRUPT/)
    await alarm(url, 'DEACTIVATE', id, 'CORRUPT')
    assert.equal((await put(url, 'k2')).status, 200)
  })

  it('keeps raised alarms across a restart', async (t) => {
    const first = await startMember(t)
    const id = await memberId(first.url)
    await alarm(first.url, 'ACTIVATE', id, 'NOSPACE')
    await first.etcd.close()
    // a copy left by a process that died while streaming a snapshot is removed at start
    const stale = `${backendPath(join(first.dir, 'data'))}.snapshot.4242.1`
    writeFileSync(stale, 'partial')
    const { url } = await startMember(t, {}, first.dir)
    assert.equal(existsSync(stale), false)
    assert.deepEqual((await alarm(url, 'GET', '0', 'NONE')).alarms, [{ memberID: id, alarm: 'NOSPACE' }])
    assert.equal((await put(url, 'k')).status, 429)
  })

  it('raises NOSPACE for this member when a write would pass --quota-backend-bytes', async (t) => {
    const { url, etcd } = await startMember(t, { 'quota-backend-bytes': 256 * 1024 })
    const value = 'x'.repeat(16 * 1024)
    let refused: { status: number, body: any } | undefined
    for (let i = 0; i < 200 && refused === undefined; i++) {
      const r = await put(url, `big/${i}`, value)
      if (r.status !== 200) refused = r
      // the file grows when the backend commits (every 100 ms): give each commit the chance to land
      else if (i % 4 === 3) await etcd.server.kv.be.flushed()
    }
    assert.ok(refused !== undefined, 'the quota never refused a put')
    assert.deepEqual([refused.status, refused.body.code], [429, 8])
    const id = await memberId(url)
    assert.deepEqual((await alarm(url, 'GET', '0', 'NOSPACE')).alarms, [{ memberID: id, alarm: 'NOSPACE' }])
    assert.equal((await post(url, '/v3/kv/deleterange', { key: b64('big/'), range_end: b64('big0') })).status, 200)
  })

  it('hashes the backend and the key-value history; hashkv at a revision stays fixed as history grows', async (t) => {
    const { url } = await startMember(t)
    for (let i = 0; i < 5; i++) await put(url, `h${i}`, `v${i}`)
    const h1 = await post(url, '/v3/maintenance/hash', {})
    const h2 = await post(url, '/v3/maintenance/hash', {})
    assert.equal(typeof h1.body.hash, 'number')
    assert.equal(h1.body.hash, h2.body.hash)
    assert.equal(h1.body.header.revision, '6')
    const kv4 = await post(url, '/v3/maintenance/hashkv', { revision: 4 })
    assert.deepEqual([kv4.status, kv4.body.compact_revision, kv4.body.header.revision], [200, '-1', '6'])
    await put(url, 'h9')
    assert.notEqual((await post(url, '/v3/maintenance/hash', {})).body.hash, h1.body.hash)
    assert.equal((await post(url, '/v3/maintenance/hashkv', { revision: 4 })).body.hash, kv4.body.hash)
    assert.notEqual((await post(url, '/v3/maintenance/hashkv', {})).body.hash, kv4.body.hash)
    await post(url, '/v3/kv/compaction', { revision: 3, physical: true })
    const after = await post(url, '/v3/maintenance/hashkv', { revision: 4 })
    assert.equal(after.body.compact_revision, '3')
    const future = await post(url, '/v3/maintenance/hashkv', { revision: 100 })
    assert.deepEqual([future.status, future.body.code, future.body.message], [400, 11, 'etcdserver: mvcc: required revision is a future revision'])
    const compacted = await post(url, '/v3/maintenance/hashkv', { revision: 2 })
    assert.deepEqual([compacted.status, compacted.body.code], [400, 11])
  })

  it('defragments while writes continue, keeping every key', async (t) => {
    const { url } = await startMember(t)
    const big = 'y'.repeat(4096)
    for (let i = 0; i < 100; i++) await put(url, `d/${String(i).padStart(3, '0')}`, big)
    await post(url, '/v3/kv/deleterange', { key: b64('d/'), range_end: b64('d0') })
    const rev = Number((await post(url, '/v3/kv/range', { key: b64('x') })).body.header.revision)
    await post(url, '/v3/kv/compaction', { revision: rev, physical: true })
    const before = (await post(url, '/v3/maintenance/status', {})).body
    const writes = Promise.all(Array.from({ length: 20 }, async (_, i) => await put(url, `w/${i}`)))
    const defrag = await post(url, '/v3/maintenance/defragment', {})
    assert.deepEqual([defrag.status, defrag.text], [200, '{}'])
    for (const w of await writes) assert.equal(w.status, 200)
    const st = (await post(url, '/v3/maintenance/status', {})).body
    assert.ok(Number(st.dbSize) < Number(before.dbSize), `dbSize ${before.dbSize} → ${st.dbSize}`)
    assert.equal((await post(url, '/v3/kv/range', { key: b64('w/'), range_end: b64('w0'), count_only: true })).body.count, '20')
    assert.equal((await put(url, 'after')).status, 200)
  })

  it('streams a snapshot that hashes right and opens as a backend holding the keys', async (t) => {
    const { url, dir } = await startMember(t)
    for (let i = 0; i < 50; i++) await put(url, `s/${i}`, 'z'.repeat(2000))
    const s = new StreamClient(url, '/v3/maintenance/snapshot', {})
    t.after(() => s.destroy())
    s.end()
    for (let i = 0; i < 200 && !s.ended; i++) await new Promise((resolve) => setTimeout(resolve, 25))
    assert.equal(s.ended, true)
    const lines = s.lines.map((l) => JSON.parse(l).result)
    assert.ok(lines.length >= 4, `${lines.length} lines`)
    const chunks = lines.slice(0, -1).map((r) => Buffer.from(r.blob, 'base64'))
    const data = Buffer.concat(chunks)
    for (const c of chunks.slice(0, -1)) assert.equal(c.length, 32 * 1024)
    const remaining = lines.slice(0, -1).map((r) => Number(r.remaining_bytes ?? 0))
    assert.deepEqual(remaining, chunks.map((_, i) => data.length - chunks.slice(0, i + 1).reduce((a, c) => a + c.length, 0)))
    assert.equal(lines.at(-1).remaining_bytes, undefined)
    assert.equal(lines.at(-1).blob, createHash('sha256').update(data).digest('base64'))
    const snapDir = join(backendPath(join(dir, 'data')), '..')
    assert.deepEqual(readdirSync(snapDir).filter((n) => n.includes('.snapshot.')), [], 'the temporary copy is removed')
    const path = join(dir, 'received.db')
    writeFileSync(path, data)
    const be = await openBackend({ path })
    try {
      let keys = 0
      be.readTx().forEach(Buckets.Key, () => { keys++; return true })
      assert.equal(keys, 50)
    } finally {
      await be.close()
    }
  })
})
