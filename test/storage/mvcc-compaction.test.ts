import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openBackend } from '../../src/storage/backend/index.js'
import { KVStore } from '../../src/storage/mvcc/index.js'
import { Buckets, MetaKeys } from '../../src/storage/schema/index.js'
import { bytesToRev } from '../../src/storage/mvcc/revision.js'
import { b, dbPath, newStore, s, tempDir } from './mvcc-helper.js'

/** Puts a=1..n one revision each, then deletes `d` at the end; returns the last revision. */
function fill (kv: KVStore): void {
  kv.applyBatch((bt) => {
    bt.withWrite((w) => w.put(b('a'), b('1'), 0n)) // 2
    bt.withWrite((w) => w.put(b('b'), b('1'), 0n)) // 3
    bt.withWrite((w) => w.put(b('a'), b('2'), 0n)) // 4
    bt.withWrite((w) => w.put(b('d'), b('1'), 0n)) // 5
    bt.withWrite((w) => w.deleteRange(b('d'), undefined)) // 6
    bt.withWrite((w) => w.put(b('a'), b('3'), 0n)) // 7
  })
}

function recordRevs (kv: KVStore): string[] {
  return kv.be.readTx().range(Buckets.Key, Buffer.alloc(0)).map((e) => {
    const r = bytesToRev(e.key)
    return `${r.main}_${r.sub}${e.key.length === 18 ? 't' : ''}`
  })
}

describe('mvcc: compaction', () => {
  it('checks the revision as etcd does', async (t) => {
    const { kv } = await newStore(t)
    await kv.applyBatch((bt) => bt.compact(0n)) // a fresh store accepts {} once
    assert.throws(() => kv.applyBatch((bt) => bt.compact(0n)), { code: 'ErrCompacted', message: 'mvcc: required revision has been compacted' })
    fill(kv)
    assert.throws(() => kv.applyBatch((bt) => bt.compact(8n)), { code: 'ErrFutureRev' })
    await kv.applyBatch((bt) => bt.compact(5n))
    for (const rev of [5n, 3n]) {
      assert.throws(() => kv.applyBatch((bt) => bt.compact(rev)), { code: 'ErrCompacted' })
    }
    assert.equal(kv.currentRev, 7n, 'compaction never changes the revision')
  })

  it('removes what no revision at or after the compaction needs, physically', async (t) => {
    const { kv } = await newStore(t)
    fill(kv)
    const at = (rev: bigint): unknown => kv.read().range(b('\x00'), b(''), { rev }).kvs.map((x) => [s(x.key), s(x.value), x.version])
    const before6 = at(6n)
    await kv.applyBatch((bt) => bt.compact(6n))
    assert.deepEqual(recordRevs(kv), ['3_0', '4_0', '7_0'])
    assert.deepEqual(at(6n), before6)
    assert.deepEqual(at(7n), [['a', '3', 3n], ['b', '1', 1n]])
    assert.throws(() => at(5n), { code: 'ErrCompacted' })
    assert.equal(kv.compactMainRev, 6n)
    assert.equal(kv.finishedCompactRev, 6n)
    const meta = kv.be.readTx()
    assert.equal(bytesToRev(meta.get(Buckets.Meta, MetaKeys.FinishedCompactRev)!).main, 6n)
    assert.equal(bytesToRev(meta.get(Buckets.Meta, MetaKeys.ScheduledCompactRev)!).main, 6n)
  })

  it('keeps a tombstone while the put before it is kept', async (t) => {
    const { kv } = await newStore(t)
    fill(kv)
    await kv.applyBatch((bt) => bt.compact(5n))
    assert.deepEqual(recordRevs(kv), ['3_0', '4_0', '5_0', '6_0t', '7_0'])
    assert.deepEqual(kv.read().range(b('d'), undefined, { rev: 5n }).kvs.map((x) => s(x.value)), ['1'])
  })

  it('gives the same HashKV before and after the physical removal, and tells revisions apart', async (t) => {
    const { kv: a } = await newStore(t)
    const { kv: c } = await newStore(t)
    fill(a)
    fill(c)
    const done = a.applyBatch((bt) => bt.compact(5n))
    const pending = a.hashByRev(7n).hash // computed before the job removed anything
    await done
    assert.equal(a.hashByRev(7n).hash, pending)
    await c.applyBatch((bt) => bt.compact(5n))
    assert.equal(a.hashByRev(7n).hash, c.hashByRev(7n).hash)
    assert.notEqual(a.hashByRev(6n).hash, a.hashByRev(7n).hash)
    assert.throws(() => a.hashByRev(4n), { code: 'ErrCompacted' })
    assert.throws(() => a.hashByRev(9n), { code: 'ErrFutureRev' })
    const h = a.hashByRev()
    assert.equal(h.hashRevision, 7n)
    assert.equal(h.compactRevision, 5n)
    assert.equal(h.currentRevision, 7n)
  })

  it('resumes an unfinished compaction after a restart', async (t) => {
    const dir = tempDir(t)
    const be = await openBackend({ path: dbPath(dir) })
    const kv = new KVStore(be, { compactionBatchLimit: 2, compactionSleepInterval: 60_000 })
    kv.applyBatch((bt) => { for (let i = 0; i < 10; i++) bt.withWrite((w) => w.put(b('k'), b(String(i)), 0n)) })
    const done = kv.applyBatch((bt) => bt.compact(9n))
    const failed = done.then(() => 'finished', (e: Error) => e.message)
    // let the first transaction of the job run, then stop as a crash would
    await new Promise((resolve) => setTimeout(resolve, 50))
    await kv.close()
    assert.equal(await failed, 'mvcc: compaction stopped')
    assert.ok(recordRevs(kv).length > 2, 'the job was cut short')
    await be.close()

    const be2 = await openBackend({ path: dbPath(dir) })
    const kv2 = new KVStore(be2, { compactionBatchLimit: 2 })
    t.after(async () => { await kv2.close(); await be2.close() })
    assert.equal(kv2.compactMainRev, 9n)
    assert.throws(() => kv2.read().range(b('k'), undefined, { rev: 8n }), { code: 'ErrCompacted' })
    await kv2.compactionsDone()
    assert.equal(kv2.finishedCompactRev, 9n)
    assert.deepEqual(recordRevs(kv2), ['9_0', '10_0', '11_0'])
    assert.deepEqual(kv2.read().range(b('k'), undefined, { rev: 9n }).kvs.map((x) => [s(x.value), x.version]), [['7', 8n]])
  })
})
