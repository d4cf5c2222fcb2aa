import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EventType, type Event } from '../../src/api/mvccpb/kv.js'
import { eventSize, fragmentWatchResponse, keyValueSize, watchResponseSize } from '../../src/storage/mvcc/index.js'
import { b } from './mvcc-helper.js'

const header = { clusterId: 14841639068965178418n, memberId: 10276657743932975437n, revision: 90n, raftTerm: 2n }

function putEvent (i: number, valueLen: number): Event {
  return { type: EventType.PUT, kv: { key: b(`key-${i}`), createRevision: BigInt(i + 2), modRevision: BigInt(i + 2), version: 1n, value: Buffer.alloc(valueLen, 1), lease: 0n } }
}

describe('watch: fragmenting large responses', () => {
  it('computes protobuf sizes as the wire encoding does', () => {
    const kv = { key: b('foo'), createRevision: 2n, modRevision: 2n, version: 1n, value: b('bar'), lease: 0n }
    assert.equal(keyValueSize(kv), 16) // 5 + 2 + 2 + 2 + 5
    assert.equal(eventSize({ type: EventType.PUT, kv }), 18)
    assert.equal(eventSize({ type: EventType.DELETE, kv, prevKv: kv }), 2 + 18 + 18)
    assert.equal(keyValueSize({ ...kv, lease: -1n }), 16 + 11)
    assert.equal(keyValueSize({ ...kv, value: Buffer.alloc(200) }), 16 - 5 + 1 + 2 + 200)
    // header: two 10-byte varints (ids above 2^63), revision and term 1 byte each
    assert.equal(watchResponseSize({ header, watchId: 0n, events: [] }), 2 + (11 + 11 + 2 + 2))
    assert.equal(watchResponseSize({ watchId: 3n, created: true, cancelReason: 'x', events: [] }), 2 + 2 + 3)
  })

  it('keeps small responses and single-event responses whole', () => {
    const small = { header, watchId: 1n, events: [putEvent(0, 10), putEvent(1, 10)] }
    assert.deepEqual(fragmentWatchResponse(small, 1000), [small])
    const one = { header, watchId: 1n, events: [putEvent(0, 5000)] }
    assert.deepEqual(fragmentWatchResponse(one, 1000), [one])
  })

  // spec §5.2: with --max-request-bytes 10000 (+ 512 KiB gRPC overhead) etcd split 80 events into 59 + 21
  it('splits into maximal parts below the limit, fragment on all but the last', () => {
    const limit = 10_000 + 512 * 1024
    const r = { header, watchId: 7n, events: Array.from({ length: 80 }, (_, i) => putEvent(i, 9000)) }
    const parts = fragmentWatchResponse(r, limit)
    assert.deepEqual(parts.map((p) => p.events.length), [59, 21])
    assert.deepEqual(parts.map((p) => p.fragment), [true, false])
    assert.deepEqual(parts.flatMap((p) => p.events), r.events)
    for (const p of parts) {
      assert.equal(p.watchId, 7n)
      assert.equal(p.header, header)
      assert.ok(watchResponseSize(p) < limit)
    }
    const first = parts[0]
    assert.ok(watchResponseSize({ ...first, events: [...first.events, r.events[first.events.length]] }) >= limit, 'the first part is maximal')
  })
})
