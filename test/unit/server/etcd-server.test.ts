// EtcdServer end to end below HTTP: every write goes through raft, the WAL and the LMDB backend
// of a real single member, and survives a restart.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { b, removeDir, s, startServer, tempDataDir } from './server-helper.js'

describe('EtcdServer (single member)', () => {
  it('derives etcd\'s member and cluster IDs for the default member', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    const srv = await startServer(dir)
    t.after(() => srv.stop())
    assert.equal(srv.memberId.toString(16), '8e9e05c52164694d')
    assert.equal(srv.clusterId.toString(16), 'cdf818194e3a8c32')
  })

  it('commits puts through raft with increasing revisions and serves them linearizably', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    const srv = await startServer(dir)
    t.after(() => srv.stop())
    const r1 = await srv.put({ key: b('foo'), value: b('bar') })
    assert.equal(r1.header.revision, 2n)
    assert.equal(r1.header.memberId, srv.memberId)
    assert.ok(r1.header.raftTerm >= 1n)
    const r2 = await srv.put({ key: b('foo'), value: b('baz'), prevKv: true })
    assert.equal(r2.header.revision, 3n)
    assert.equal(s(r2.prevKv?.value), 'bar')
    const got = await srv.range({ key: b('foo') })
    assert.equal(got.kvs.length, 1)
    assert.equal(s(got.kvs[0].value), 'baz')
    assert.equal(got.kvs[0].version, 2n)
    assert.equal(got.kvs[0].createRevision, 2n)
    assert.equal(got.kvs[0].modRevision, 3n)
    assert.equal(got.header.revision, 3n)
  })

  it('batches concurrent proposals and answers each with its own revision', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    const srv = await startServer(dir)
    t.after(() => srv.stop())
    const revs = await Promise.all(Array.from({ length: 200 }, (_, i) => srv.put({ key: b(`k${i}`), value: b(`v${i}`) })))
    const sorted = revs.map((r) => r.header.revision ?? 0n).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    assert.deepEqual(sorted, Array.from({ length: 200 }, (_, i) => BigInt(i + 2)))
    const all = await srv.range({ key: b('k'), rangeEnd: b('l'), countOnly: true })
    assert.equal(all.count, 200n)
  })

  it('keeps every acknowledged write across a restart from its data dir', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    let srv = await startServer(dir)
    for (let i = 0; i < 50; i++) await srv.put({ key: b(`key/${i}`), value: b(`value-${i}`) })
    await srv.deleteRange({ key: b('key/0') })
    const before = await srv.range({ key: b('key/'), rangeEnd: b('key0') })
    await srv.stop()
    srv = await startServer(dir)
    t.after(() => srv.stop())
    const after = await srv.range({ key: b('key/'), rangeEnd: b('key0') })
    assert.equal(after.count, 49n)
    assert.deepEqual(after.kvs, before.kvs)
    assert.equal(after.header.revision, before.header.revision)
    const next = await srv.put({ key: b('again'), value: b('x') })
    assert.equal(next.header.revision, (before.header.revision ?? 0n) + 1n)
  })

  it('restarts from a raft snapshot after the log was compacted', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    let srv = await startServer(dir, { snapshotCount: 20, snapshotCatchUpEntries: 5 })
    for (let i = 0; i < 60; i++) await srv.put({ key: b(`s${i}`), value: b(String(i)) })
    await srv.stop()
    srv = await startServer(dir, { snapshotCount: 20, snapshotCatchUpEntries: 5 })
    t.after(() => srv.stop())
    const got = await srv.range({ key: b('s'), rangeEnd: b('t'), countOnly: true })
    assert.equal(got.count, 60n)
    const w = await srv.put({ key: b('after'), value: b('snap') })
    assert.equal(w.header.revision, 62n)
  })

  const failures: Array<{ name: string, run: (srv: Awaited<ReturnType<typeof startServer>>) => Promise<unknown>, code: string }> = [
    { name: 'put without a key', run: (srv) => srv.put({ value: b('x') }), code: 'ErrGRPCEmptyKey' },
    { name: 'range without a key', run: (srv) => srv.range({}), code: 'ErrGRPCEmptyKey' },
    { name: 'range at a future revision', run: (srv) => srv.range({ key: b('a'), revision: 100n }), code: 'ErrFutureRev' },
    { name: 'compaction at a future revision', run: (srv) => srv.compact({ revision: 10_000n }), code: 'ErrFutureRev' },
    { name: 'put with ignore_value on a missing key', run: (srv) => srv.put({ key: b('missing'), ignoreValue: true }), code: 'ErrKeyNotFound' },
    {
      name: 'txn that puts one key twice',
      run: (srv) => srv.txn({ success: [{ requestPut: { key: b('d'), value: b('1') } }, { requestPut: { key: b('d'), value: b('2') } }] }),
      code: 'ErrGRPCDuplicateKey'
    },
    {
      name: 'txn with more ops than max-txn-ops',
      run: (srv) => srv.txn({ success: Array.from({ length: 129 }, (_, i) => ({ requestPut: { key: b(`m${i}`), value: b('x') } })) }),
      code: 'ErrGRPCTooManyOps'
    },
    { name: 'put larger than max-request-bytes', run: (srv) => srv.put({ key: b('big'), value: new Uint8Array(2 * 1024 * 1024) }), code: 'ErrRequestTooLarge' }
  ]
  for (const f of failures) {
    it(`rejects ${f.name} with ${f.code}`, async (t) => {
      const dir = tempDataDir()
      t.after(() => removeDir(dir))
      const srv = await startServer(dir)
      t.after(() => srv.stop())
      await assert.rejects(f.run(srv), (err: { code?: string }) => err.code === f.code)
      // A rejected request leaves the store untouched.
      const r = await srv.range({ key: b('\0'), rangeEnd: b('\0'), countOnly: true })
      assert.equal(r.count, 0n)
      assert.equal(r.header.revision, 1n)
    })
  }

  it('compacts and then refuses reads below the compaction revision', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    const srv = await startServer(dir)
    t.after(() => srv.stop())
    for (let i = 0; i < 5; i++) await srv.put({ key: b('c'), value: b(String(i)) })
    const c = await srv.compact({ revision: 4n, physical: true })
    assert.equal(c.header.revision, 6n)
    await assert.rejects(srv.range({ key: b('c'), revision: 3n }), (err: { code?: string }) => err.code === 'ErrCompacted')
    const at4 = await srv.range({ key: b('c'), revision: 4n })
    assert.equal(s(at4.kvs[0].value), '2')
  })

  it('answers a read-only txn without a proposal and a write txn with one revision', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    const srv = await startServer(dir)
    t.after(() => srv.stop())
    await srv.put({ key: b('x'), value: b('1') })
    const ro = await srv.txn({ success: [{ requestRange: { key: b('x') } }] })
    assert.equal(ro.succeeded, true)
    assert.equal(ro.header.revision, 2n)
    const w = await srv.txn({
      compare: [{ key: b('x'), target: 3, result: 0, targetUnion: { value: b('1') } }],
      success: [{ requestPut: { key: b('x'), value: b('2') } }, { requestPut: { key: b('y'), value: b('2') } }],
      failure: []
    })
    assert.equal(w.succeeded, true)
    assert.equal(w.header.revision, 3n)
    const y = await srv.range({ key: b('y') })
    assert.equal(y.kvs[0].modRevision, 3n)
  })
})
