// ReadBatcher: the serializable reads of one event-loop turn share one read view of the real
// MVCC store; each read's answer or error reaches only its own caller.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ReadBatcher } from '../../../src/server/read-batch.js'
import { b, newStore, s } from '../../storage/mvcc-helper.js'

describe('ReadBatcher', () => {
  it('answers the reads of one turn from one view, and a later turn from a new one', async (t) => {
    const { kv } = await newStore(t)
    kv.applyBatch((bt) => bt.withWrite((w) => { w.put(b('a'), b('1'), 0n); w.put(b('b'), b('2'), 0n) }))
    let opened = 0
    const batcher = new ReadBatcher(() => { opened++; return kv.read() })
    const get = (k: string) => batcher.read((v) => v.range(b(k), undefined, {}).kvs.map((x) => s(x.value)))
    const failing = batcher.read(() => { throw new Error('bad read') })
    const [a, bb, missing] = await Promise.all([get('a'), get('b'), get('zz')])
    assert.deepEqual([a, bb, missing], [['1'], ['2'], []])
    await assert.rejects(failing, /bad read/, 'only the throwing read fails')
    assert.equal(opened, 1, 'one view for the turn')
    kv.applyBatch((bt) => bt.withWrite((w) => w.put(b('a'), b('3'), 0n)))
    assert.deepEqual(await get('a'), ['3'], 'the next turn sees the new revision')
    assert.equal(opened, 2)
  })

  it('fails every read of the turn when no view can be opened', async () => {
    const batcher = new ReadBatcher(() => { throw new Error('store closed') })
    const reads = [batcher.read(() => 1), batcher.read(() => 2)]
    for (const r of reads) await assert.rejects(r, /store closed/)
  })
})
