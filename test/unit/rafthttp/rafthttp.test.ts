// rafthttp pieces that need no network: frame encoding/decoding across arbitrary chunk
// boundaries, etcd's peer compatibility checks, and the fault rule table.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MessageType, newMessage, type Message } from '../../../src/raft/index.js'
import { FrameDecoder, encodeFrames, checkCompatibility, parseHexId, FaultRules } from '../../../src/rafthttp/index.js'
import { heartbeatFrame } from '../../../src/rafthttp/msg-codec.js'

function msg (i: number): Message {
  return newMessage({
    type: MessageType.MsgApp,
    to: 2n,
    from: 1n,
    term: 3,
    index: i,
    logTerm: 3,
    commit: i,
    entries: [{ term: 3, index: i + 1, type: 0, data: Buffer.alloc(i * 7, i) }]
  })
}

describe('frames', () => {
  const msgs = Array.from({ length: 20 }, (_, i) => msg(i))
  const wire = Buffer.concat([heartbeatFrame, encodeFrames(msgs.slice(0, 10)), heartbeatFrame, encodeFrames(msgs.slice(10))])

  for (const size of [1, 3, 8, 9, 64, 1000, wire.length]) {
    it(`decodes every message whatever the chunking (chunks of ${size} bytes)`, () => {
      const d = new FrameDecoder()
      const out: Message[] = []
      for (let off = 0; off < wire.length; off += size) out.push(...d.push(wire.subarray(off, off + size)))
      assert.equal(d.pending, 0)
      assert.deepEqual(out.map((m) => [m.index, m.entries[0].data.length]), msgs.map((m) => [m.index, m.entries[0].data.length]))
      assert.deepEqual(Buffer.from(out[19].entries[0].data), Buffer.from(msgs[19].entries[0].data))
    })
  }

  it('refuses a frame longer than the limit', () => {
    const b = Buffer.alloc(8)
    b.writeBigUInt64BE(1n << 40n)
    assert.throws(() => new FrameDecoder().push(b), /too large/)
  })
})

describe('peer compatibility checks (etcd order: version, then cluster ID)', () => {
  const cid = 0xcdf818194e3a8c32n
  const ok = { 'x-server-version': '3.5.33', 'x-min-cluster-version': '3.0.0', 'x-etcd-cluster-id': 'cdf818194e3a8c32' }
  const table: Array<[string, Record<string, string>, string | undefined]> = [
    ['compatible', ok, undefined],
    ['no version headers (treated as 2.0.0)', { 'x-etcd-cluster-id': 'cdf818194e3a8c32' }, 'incompatible version\n'],
    ['a 2.3 server', { ...ok, 'x-server-version': '2.3.8' }, 'incompatible version\n'],
    ['a peer needing a newer cluster', { ...ok, 'x-min-cluster-version': '3.6.0' }, 'incompatible version\n'],
    ['a 3.4 peer', { ...ok, 'x-server-version': '3.4.23' }, undefined],
    ['wrong cluster ID', { ...ok, 'x-etcd-cluster-id': 'deadbeef' }, 'cluster ID mismatch\n'],
    ['both wrong: version wins', { 'x-etcd-cluster-id': 'deadbeef' }, 'incompatible version\n']
  ]
  for (const [name, h, want] of table) {
    it(name, () => {
      const r = checkCompatibility(h, cid)
      assert.equal(r?.text, want)
      if (want !== undefined) assert.equal(r?.status, 412)
    })
  }

  it('parses hex member IDs', () => {
    assert.equal(parseHexId('cdf818194e3a8c32'), cid)
    assert.equal(parseHexId('xyz'), undefined)
    assert.equal(parseHexId('11112222333344445'), undefined)
    assert.equal(parseHexId(undefined), undefined)
  })
})

describe('fault rules', () => {
  it('blocks the listed peers until healed', () => {
    const f = new FaultRules()
    assert.equal(f.blocks(2n), false)
    f.partition([2n, 3n])
    assert.equal(f.blocks(2n), true)
    assert.equal(f.blocks(4n), false)
    f.partition([])
    assert.equal(f.blocks(2n), false)
  })

  it('cuts one way only when asked', () => {
    const f = new FaultRules()
    f.partition([2n], 'receive')
    assert.deepEqual([f.blocksReceive(2n), f.blocksSend(2n), f.blocks(2n)], [true, false, true])
    f.partition([2n], 'send')
    assert.deepEqual([f.blocksReceive(2n), f.blocksSend(2n)], [false, true])
    f.partition([2n])
    assert.deepEqual([f.blocksReceive(2n), f.blocksSend(2n)], [true, true])
  })

  it('a flaky network drops about the given share and delays the rest within the jitter', () => {
    const f = new FaultRules()
    assert.equal(f.flakyDelay(), 0)
    f.setFlaky({ drop: 0.3, delayMs: 75, jitterMs: 50 }, 7)
    const d = Array.from({ length: 2000 }, () => f.flakyDelay())
    const dropped = d.filter((x) => x < 0).length
    assert.ok(dropped > 500 && dropped < 700, `${dropped} of 2000 dropped`)
    assert.ok(d.filter((x) => x >= 0).every((x) => x >= 25 && x <= 125))
    f.setFlaky(undefined)
    assert.equal(f.flakyDelay(), 0)
  })
})
