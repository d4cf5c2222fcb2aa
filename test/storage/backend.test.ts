import assert from 'node:assert/strict'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { openBackend } from '../../src/storage/backend/index.js'
import { ALL_BUCKETS, Buckets, readConsistentIndex, unsafeUpdateConsistentIndex } from '../../src/storage/schema/index.js'
import { b, dbPath, newBackend, tempDir } from './mvcc-helper.js'

describe('backend: LMDB environment', () => {
  it('creates member/snap/db with its lock file beside it', async (t) => {
    const { dir } = await newBackend(t)
    assert.ok(statSync(join(dir, 'member', 'snap', 'db')).isFile())
    assert.ok(existsSync(join(dir, 'member', 'snap', 'db-lock')))
  })

  it('commits every write of a batch together and reads its own writes inside it', async (t) => {
    const { be } = await newBackend(t)
    const seen = be.batch((tx) => {
      tx.put(Buckets.Key, b('k1'), b('v1'))
      tx.put(Buckets.Lease, b('l1'), b('x'))
      return tx.get(Buckets.Key, b('k1'))?.toString()
    })
    assert.equal(seen, 'v1')
    const r = be.readTx()
    assert.equal(r.get(Buckets.Key, b('k1'))?.toString(), 'v1')
    assert.equal(r.get(Buckets.Lease, b('l1'))?.toString(), 'x')
    assert.equal(be.commits, 1)
  })

  it('aborts the whole batch when the callback throws', async (t) => {
    const { be } = await newBackend(t)
    be.batch((tx) => tx.put(Buckets.Key, b('a'), b('1')))
    assert.throws(() => be.batch((tx) => {
      tx.put(Buckets.Key, b('a'), b('2'))
      tx.put(Buckets.Key, b('b'), b('2'))
      unsafeUpdateConsistentIndex(tx, 9, 1)
      throw new Error('boom')
    }), /boom/)
    const r = be.readTx()
    assert.equal(r.get(Buckets.Key, b('a'))?.toString(), '1')
    assert.equal(r.get(Buckets.Key, b('b')), undefined)
    assert.deepEqual(readConsistentIndex(r), { index: 0, term: 0 })
  })

  it('stores the consistent index in the batch and reads it back after reopen', async (t) => {
    const dir = tempDir(t)
    const be = await openBackend({ path: dbPath(dir) })
    assert.deepEqual(be.committedIndex, { index: 0, term: 0 })
    be.batch((tx) => { tx.put(Buckets.Key, b('k'), b('v')); unsafeUpdateConsistentIndex(tx, 42, 3) })
    assert.deepEqual(be.committedIndex, { index: 42, term: 3 })
    assert.deepEqual(await be.flushed(), { index: 42, term: 3 })
    assert.deepEqual(be.durableIndex, { index: 42, term: 3 })
    // a smaller index does not move it back
    be.batch((tx) => unsafeUpdateConsistentIndex(tx, 41, 3))
    assert.deepEqual(be.committedIndex, { index: 42, term: 3 })
    await be.close()
    assert.ok(be.closed)
    assert.throws(() => be.batch(() => {}), { code: 'ErrBackendClosed' })
    const be2 = await openBackend({ path: dbPath(dir) })
    t.after(() => be2.close())
    assert.deepEqual(be2.committedIndex, { index: 42, term: 3 })
    assert.deepEqual(be2.durableIndex, { index: 42, term: 3 })
    assert.equal(be2.readTx().get(Buckets.Key, b('k'))?.toString(), 'v')
  })

  it('ranges [start, end) in byte order, with limit and open end', async (t) => {
    const { be } = await newBackend(t)
    be.batch((tx) => {
      for (const k of ['b', 'a', 'c', 'a\x00', '\xff']) tx.put(Buckets.Meta, Buffer.from(k, 'latin1'), b(k))
    })
    const keys = (es: Array<{ key: Buffer }>): string[] => es.map((e) => e.key.toString('latin1'))
    const r = be.readTx()
    assert.deepEqual(keys(r.range(Buckets.Meta, b('a'))), ['a', 'a\x00', 'b', 'c', '\xff'])
    assert.deepEqual(keys(r.range(Buckets.Meta, b('a'), b('c'))), ['a', 'a\x00', 'b'])
    assert.deepEqual(keys(r.range(Buckets.Meta, b('a'), undefined, 2)), ['a', 'a\x00'])
    assert.deepEqual(keys(r.range(Buckets.Meta, b('c'), b('a'))), [])
  })

  it('hashes data but not the consistent index, so members with equal data agree', async (t) => {
    const { be: a } = await newBackend(t)
    const { be: c } = await newBackend(t)
    a.batch((tx) => { tx.put(Buckets.Key, b('k'), b('v')); unsafeUpdateConsistentIndex(tx, 5, 1) })
    c.batch((tx) => { tx.put(Buckets.Key, b('k'), b('v')); unsafeUpdateConsistentIndex(tx, 9, 2) })
    assert.equal(a.hash(), c.hash())
    c.batch((tx) => tx.put(Buckets.Alarm, b('x'), b('y')))
    assert.notEqual(a.hash(), c.hash())
  })

  it('reports size and size in use; defrag shrinks the file and keeps every bucket', async (t) => {
    const { be } = await newBackend(t)
    const big = Buffer.alloc(1024, 7)
    for (let i = 0; i < 20; i++) {
      be.batch((tx) => { for (let j = 0; j < 100; j++) tx.put(Buckets.Key, b(`k${i}-${j}`), big) })
    }
    be.batch((tx) => { for (const name of ALL_BUCKETS) tx.put(name, b('marker'), b(name)) })
    be.batch((tx) => { for (let i = 0; i < 20; i++) for (let j = 0; j < 100; j++) if (j > 0) tx.delete(Buckets.Key, b(`k${i}-${j}`)) })
    const before = be.size()
    const hash = be.hash()
    assert.ok(be.sizeInUse() <= before)
    assert.ok(be.sizeInUse() > 0)
    await be.defrag()
    assert.ok(be.size() < before, `defrag shrank ${before} to ${be.size()}`)
    assert.equal(be.hash(), hash)
    for (const name of ALL_BUCKETS) assert.equal(be.readTx().get(name, b('marker'))?.toString(), name)
    be.batch((tx) => tx.put(Buckets.Key, b('after'), b('defrag')))
    assert.equal(be.readTx().get(Buckets.Key, b('after'))?.toString(), 'defrag')
  })

  it('backs up a consistent copy that opens as a backend with the same data', async (t) => {
    const { be } = await newBackend(t)
    be.batch((tx) => { tx.put(Buckets.Key, b('k'), b('v')); unsafeUpdateConsistentIndex(tx, 3, 1) })
    const copy = join(tempDir(t), 'snap.db')
    await be.backup(copy)
    be.batch((tx) => tx.put(Buckets.Key, b('later'), b('x')))
    const be2 = await openBackend({ path: copy })
    t.after(() => be2.close())
    assert.equal(be2.readTx().get(Buckets.Key, b('k'))?.toString(), 'v')
    assert.equal(be2.readTx().get(Buckets.Key, b('later')), undefined)
    assert.deepEqual(be2.committedIndex, { index: 3, term: 1 })
  })
})

describe('backend: batch callbacks', () => {
  it('commits synchronously even when the callback returns a promise', async (t) => {
    const { be } = await newBackend(t)
    let settle!: () => void
    const p = be.batch((tx) => {
      tx.put(Buckets.Key, b('k'), b('v'))
      return new Promise<void>((resolve) => { settle = resolve })
    })
    assert.equal(be.commits, 1)
    be.batch((tx) => tx.put(Buckets.Key, b('k2'), b('v')))
    assert.equal(be.readTx().get(Buckets.Key, b('k'))?.toString(), 'v')
    settle()
    await p
  })
})
