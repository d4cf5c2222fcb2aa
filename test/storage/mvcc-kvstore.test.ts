import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openBackend } from '../../src/storage/backend/index.js'
import { KVStore, type TxnWrite } from '../../src/storage/mvcc/index.js'
import { Buckets } from '../../src/storage/schema/index.js'
import { b, dbPath, newStore, s, tempDir } from './mvcc-helper.js'

function keys (kv: KVStore, key: string, end?: string, rev = 0n): string[] {
  return kv.read().range(b(key), end === undefined ? undefined : b(end), { rev }).kvs.map((x) => s(x.key))
}

describe('mvcc: store', () => {
  it('starts at revision 1; each changing write txn takes the next revision', async (t) => {
    const { kv } = await newStore(t)
    assert.equal(kv.currentRev, 1n)
    const revs = kv.applyBatch((bt) => [
      bt.withWrite((w) => w.put(b('a'), b('1'), 0n)),
      bt.withWrite((w) => w.deleteRange(b('zz'), undefined).rev), // nothing deleted: no revision
      bt.withWrite((w) => { w.put(b('b'), b('2'), 0n); return w.put(b('c'), b('3'), 0n) })
    ])
    assert.deepEqual(revs, [2n, 2n, 3n])
    assert.equal(kv.currentRev, 3n)
    const r = kv.read().range(b('a'), b(''), {})
    assert.deepEqual(r.kvs.map((x) => [s(x.key), x.createRevision, x.modRevision, x.version]),
      [['a', 2n, 2n, 1n], ['b', 3n, 3n, 1n], ['c', 3n, 3n, 1n]])
    assert.equal(r.count, 3)
  })

  it('gives each change of a txn the same main revision and increasing sub revisions', async (t) => {
    const { kv, be } = await newStore(t)
    kv.applyBatch((bt) => bt.withWrite((w) => { w.put(b('x'), b('1'), 0n); w.put(b('y'), b('2'), 0n); w.deleteRange(b('x'), undefined) }))
    const recs = be.readTx().range(Buckets.Key, Buffer.alloc(0)).map((e) => e.key.toString('hex'))
    assert.deepEqual(recs, [
      '0000000000000002' + '5f' + '0000000000000000',
      '0000000000000002' + '5f' + '0000000000000001',
      '0000000000000002' + '5f' + '0000000000000002' + '74'
    ])
  })

  it('keeps versions per generation and resets them after a delete', async (t) => {
    const { kv } = await newStore(t)
    kv.applyBatch((bt) => {
      bt.withWrite((w) => w.put(b('k'), b('1'), 0n)) // 2
      bt.withWrite((w) => w.put(b('k'), b('2'), 0n)) // 3
      bt.withWrite((w) => w.deleteRange(b('k'), undefined)) // 4
      bt.withWrite((w) => w.put(b('k'), b('3'), 0n)) // 5
    })
    const at = (rev: bigint): unknown => kv.read().range(b('k'), undefined, { rev }).kvs.map((x) => [s(x.value), x.createRevision, x.version])
    assert.deepEqual(at(2n), [['1', 2n, 1n]])
    assert.deepEqual(at(3n), [['2', 2n, 2n]])
    assert.deepEqual(at(4n), [])
    assert.deepEqual(at(5n), [['3', 5n, 1n]])
    assert.throws(() => at(6n), { code: 'ErrFutureRev', message: 'mvcc: required revision is a future revision' })
  })

  it('reads ranges: single key, [key, end), open end, empty when end <= key, limit and count', async (t) => {
    const { kv } = await newStore(t)
    kv.applyBatch((bt) => { for (const k of ['a', 'ab', 'b', 'c']) bt.withWrite((w) => w.put(b(k), b(k), 0n)) })
    assert.deepEqual(keys(kv, 'a'), ['a'])
    assert.deepEqual(keys(kv, 'a', 'b'), ['a', 'ab'])
    assert.deepEqual(keys(kv, 'ab', ''), ['ab', 'b', 'c'])
    assert.deepEqual(keys(kv, 'b', 'a'), [])
    const r = kv.read().range(b('a'), b(''), { limit: 2 })
    assert.deepEqual(r.kvs.map((x) => s(x.key)), ['a', 'ab'])
    assert.equal(r.count, 4)
    const c = kv.read().range(b('a'), b(''), { count: true })
    assert.deepEqual(c.kvs, [])
    assert.equal(c.count, 4)
  })

  it('stores the consistent index in the same transaction as the batch and rolls both back on error', async (t) => {
    const { kv, be } = await newStore(t)
    kv.applyBatch((bt) => { bt.withWrite((w) => w.put(b('a'), b('1'), 0n)); bt.setConsistentIndex(10, 2) })
    assert.deepEqual(kv.consistentIndex, { index: 10, term: 2 })
    assert.throws(() => kv.applyBatch((bt) => {
      bt.withWrite((w) => w.put(b('a'), b('2'), 0n))
      bt.withWrite((w) => w.put(b('z'), b('2'), 0n))
      bt.setConsistentIndex(11, 2)
      throw new Error('apply failed')
    }), /apply failed/)
    assert.equal(kv.currentRev, 2n)
    assert.deepEqual(kv.consistentIndex, { index: 10, term: 2 })
    assert.deepEqual(be.committedIndex, { index: 10, term: 2 })
    assert.deepEqual(keys(kv, 'a', ''), ['a'])
    assert.equal(s(kv.read().range(b('a'), undefined).kvs[0].value), '1')
    // and the store keeps working at the right revision
    assert.equal(kv.applyBatch((bt) => bt.withWrite((w) => w.put(b('q'), b('1'), 0n))), 3n)
  })

  it('a read view keeps its revision while later batches commit', async (t) => {
    const { kv } = await newStore(t)
    kv.applyBatch((bt) => bt.withWrite((w) => w.put(b('a'), b('1'), 0n)))
    const view = kv.read()
    kv.applyBatch((bt) => bt.withWrite((w) => { w.put(b('a'), b('2'), 0n); w.put(b('b'), b('2'), 0n) }))
    assert.equal(view.rev(), 2n)
    assert.deepEqual(view.range(b('a'), b('')).kvs.map((x) => s(x.value)), ['1'])
    assert.deepEqual(kv.read().range(b('a'), b('')).kvs.map((x) => s(x.value)), ['2', '2'])
  })

  it('rebuilds the index from the key bucket on reopen, with generations, versions and the consistent index', async (t) => {
    const dir = tempDir(t)
    const be = await openBackend({ path: dbPath(dir) })
    const kv = new KVStore(be)
    kv.applyBatch((bt) => {
      bt.withWrite((w) => w.put(b('a'), b('1'), 0n)) // 2
      bt.withWrite((w) => w.put(b('a'), b('2'), 5n)) // 3
      bt.withWrite((w) => w.deleteRange(b('a'), undefined)) // 4
      bt.withWrite((w) => w.put(b('a'), b('3'), 0n)) // 5
      bt.withWrite((w) => { w.put(b('b'), b('1'), 0n); w.put(b('c'), b('1'), 0n) }) // 6
      bt.withWrite((w) => w.deleteRange(b('c'), undefined)) // 7
      bt.setConsistentIndex(77, 4)
    })
    const snapshot = (k: KVStore): unknown => [2n, 3n, 4n, 5n, 6n, 7n].map((rev) =>
      k.read().range(b('\x00'), b(''), { rev }).kvs.map((x) => [s(x.key), s(x.value), x.createRevision, x.modRevision, x.version, x.lease]))
    const before = snapshot(kv)
    const hash = kv.hashByRev().hash
    await kv.close()
    await be.close()
    const be2 = await openBackend({ path: dbPath(dir) })
    const kv2 = new KVStore(be2)
    t.after(async () => { await kv2.close(); await be2.close() })
    assert.equal(kv2.currentRev, 7n)
    assert.deepEqual(kv2.consistentIndex, { index: 77, term: 4 })
    assert.deepEqual(snapshot(kv2), before)
    assert.equal(kv2.hashByRev().hash, hash)
    assert.equal(kv2.applyBatch((bt) => bt.withWrite((w) => w.put(b('a'), b('4'), 0n))), 8n)
    assert.equal(kv2.read().range(b('a'), undefined).kvs[0].version, 2n)
  })

  it('refuses writes through a ended txn', async (t) => {
    const { kv } = await newStore(t)
    let held: TxnWrite | undefined
    kv.applyBatch((bt) => { held = bt.write(); held.put(b('a'), b('1'), 0n); held.end() })
    assert.throws(() => held!.put(b('b'), b('1'), 0n))
  })

  it('calls the lease attacher on put, overwrite and delete, and again on restore', async (t) => {
    const events: string[] = []
    const lessor = {
      attach: (id: bigint, key: Uint8Array) => { events.push(`+${id}:${s(key)}`) },
      detach: (id: bigint, key: Uint8Array) => { events.push(`-${id}:${s(key)}`) }
    }
    const dir = tempDir(t)
    const be = await openBackend({ path: dbPath(dir) })
    const kv = new KVStore(be, { lessor })
    kv.applyBatch((bt) => {
      bt.withWrite((w) => w.put(b('a'), b('1'), 7n))
      bt.withWrite((w) => w.put(b('a'), b('2'), 8n))
      bt.withWrite((w) => w.put(b('b'), b('2'), 8n))
      bt.withWrite((w) => w.deleteRange(b('b'), undefined))
    })
    assert.deepEqual(events, ['+7:a', '-7:a', '+8:a', '+8:b', '-8:b'])
    await kv.close()
    await be.close()
    events.length = 0
    const be2 = await openBackend({ path: dbPath(dir) })
    const kv2 = new KVStore(be2, { lessor })
    t.after(async () => { await kv2.close(); await be2.close() })
    assert.deepEqual(events, ['+8:a'])
  })
})

describe('mvcc: store over a defragmented backend', () => {
  it('keeps serving reads and writes after defrag, and a compaction scheduled meanwhile finishes', async (t) => {
    const { kv, be } = await newStore(t)
    kv.applyBatch((bt) => { for (let i = 0; i < 200; i++) bt.withWrite((w) => w.put(b(`k${i % 20}`), Buffer.alloc(512, i), 0n)) })
    const compacted = kv.applyBatch((bt) => bt.compact(150n))
    const before = kv.hashByRev().hash
    await be.defrag()
    await compacted
    assert.equal(kv.finishedCompactRev, 150n)
    assert.equal(kv.hashByRev().hash, before)
    assert.equal(kv.read().range(b('k'), b('l'), { count: true }).count, 20)
    assert.equal(kv.applyBatch((bt) => bt.withWrite((w) => w.put(b('new'), b('1'), 0n))), 202n)
  })
})
