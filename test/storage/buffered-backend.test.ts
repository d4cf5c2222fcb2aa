// The write-buffering backend: batches are visible to reads at once, reach LMDB together in one
// commit with the consistent index, and a batch that throws leaves nothing behind.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { BufferedBackend, openBackend } from '../../src/storage/backend/index.js'
import { Buckets, readConsistentIndex, unsafeUpdateConsistentIndex } from '../../src/storage/schema/index.js'

async function open (dir: string, opts = {}): Promise<BufferedBackend> {
  return new BufferedBackend(await openBackend({ path: join(dir, 'db') }), { batchIntervalMs: 60_000, ...opts })
}

const k = (s: string): Buffer => Buffer.from(s, 'latin1')
const str = (b: Buffer | undefined): string | undefined => b?.toString('latin1')

describe('BufferedBackend', () => {
  it('shows buffered writes to readers before LMDB commits them, and commits them with the consistent index', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    let be = await open(dir)
    be.batch((tx) => {
      tx.put(Buckets.Key, k('a'), k('1'))
      unsafeUpdateConsistentIndex(tx, 7, 2)
    })
    assert.equal(str(be.readTx().get(Buckets.Key, k('a'))), '1')
    assert.deepEqual(be.committedIndex, { index: 7, term: 2 })
    assert.deepEqual(be.durableIndex, { index: 0, term: 0 })
    assert.equal(be.buffered, 3)
    await be.flushed()
    assert.equal(be.buffered, 0)
    assert.deepEqual(be.durableIndex, { index: 7, term: 2 })
    await be.close()
    be = await open(dir)
    t.after(() => be.close())
    assert.equal(str(be.readTx().get(Buckets.Key, k('a'))), '1')
    assert.deepEqual(readConsistentIndex(be.readTx()), { index: 7, term: 2 })
  })

  it('drops every write of a batch that throws, including overwrites of buffered values', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const be = await open(dir)
    t.after(() => be.close())
    be.batch((tx) => tx.put(Buckets.Key, k('a'), k('1')))
    assert.throws(() => be.batch((tx) => {
      tx.put(Buckets.Key, k('a'), k('2'))
      tx.put(Buckets.Key, k('b'), k('2'))
      tx.delete(Buckets.Key, k('a'))
      throw new Error('boom')
    }), /boom/)
    assert.equal(str(be.readTx().get(Buckets.Key, k('a'))), '1')
    assert.equal(be.readTx().get(Buckets.Key, k('b')), undefined)
    assert.equal(be.buffered, 1)
  })

  it('commits on its own once the batch limit is reached', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const be = await open(dir, { batchLimit: 10 })
    t.after(() => be.close())
    for (let i = 0; i < 9; i++) be.batch((tx) => tx.put(Buckets.Key, k(`k${i}`), k('v')))
    assert.equal(be.commits, 0)
    be.batch((tx) => tx.put(Buckets.Key, k('k9'), k('v')))
    assert.equal(be.buffered, 0, 'the commit started')
    assert.equal(be.readTx().get(Buckets.Key, k('k9'))?.toString(), 'v', 'readers see it while it commits')
    await be.flushed()
    assert.equal(be.commits, 1)
  })

  it('keeps what a commit in flight carries visible, and a later write of the same key wins', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const be = await open(dir, { batchLimit: 2 })
    t.after(() => be.close())
    be.batch((tx) => { tx.put(Buckets.Key, k('a'), k('1')); tx.put(Buckets.Key, k('b'), k('1')) }) // starts a commit
    be.batch((tx) => { tx.put(Buckets.Key, k('a'), k('2')); tx.delete(Buckets.Key, k('b')) }) // while it runs
    const seen = (): string[] => be.readTx().range(Buckets.Key, k(''), undefined).map((e) => `${e.key.toString()}=${e.value.toString()}`)
    assert.deepEqual(seen(), ['a=2'])
    await be.flushed()
    assert.deepEqual(seen(), ['a=2'])
    assert.equal(be.buffered, 0)
    await be.close()
    const again = await open(dir)
    t.after(() => again.close())
    assert.deepEqual(again.readTx().range(Buckets.Key, k(''), undefined).map((e) => `${e.key.toString()}=${e.value.toString()}`), ['a=2'])
  })

  it('commits on its own after the batch interval', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const be = await open(dir, { batchIntervalMs: 20 })
    t.after(() => be.close())
    be.batch((tx) => tx.put(Buckets.Key, k('x'), k('v')))
    assert.equal(be.commits, 0)
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.equal(be.commits, 1)
  })

  it('iterates committed and buffered entries merged in key order (property)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const be = await open(dir)
    t.after(() => be.close())
    const model = new Map<string, string>()
    const key = fc.stringMatching(/^[a-e]{1,3}$/)
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key, value: fc.stringMatching(/^[0-9]{1,2}$/) }),
      fc.record({ kind: fc.constant('del' as const), key }),
      fc.record({ kind: fc.constant('commit' as const) })
    )
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), key, key, (ops, lo, hi) => {
      for (const o of ops) {
        if (o.kind === 'commit') { be.commit(); continue }
        be.batch((tx) => {
          if (o.kind === 'put') tx.put(Buckets.Key, k(o.key), k(o.value))
          else tx.delete(Buckets.Key, k(o.key))
        })
        if (o.kind === 'put') model.set(o.key, o.value)
        else model.delete(o.key)
      }
      const want = [...model.entries()].filter(([mk]) => mk >= lo && mk < hi).sort(([a], [b]) => (a < b ? -1 : 1))
      const got = be.readTx().range(Buckets.Key, k(lo), k(hi)).map((e) => [str(e.key), str(e.value)])
      assert.deepEqual(got, hi > lo ? want : [])
      const all = be.readTx().range(Buckets.Key, k(''), undefined).map((e) => str(e.key))
      assert.deepEqual(all, [...model.keys()].sort())
    }), { numRuns: 150 })
  })
})
