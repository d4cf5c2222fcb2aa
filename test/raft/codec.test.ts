import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  CODEC_VERSION, CodecError, ConfChangeTransition, ConfChangeType, EntryType, MessageType,
  decodeConfChange, decodeConfChangeV2, decodeConfState, decodeEntry, decodeHardState, decodeMessage,
  decodeSnapshot, decodeSnapshotMetadata, encodeConfChange, encodeConfChangeV2, encodeConfState,
  encodeEntry, encodeHardState, encodeMessage, encodeSnapshot, encodeSnapshotMetadata, newMessage
} from '../../src/raft/index.js'
import type { ConfState, Entry, Message, Snapshot } from '../../src/raft/index.js'

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })
const safe = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
const bytes = fc.uint8Array({ maxLength: 64 })
const entryArb: fc.Arbitrary<Entry> = fc.record({
  term: safe,
  index: safe,
  type: fc.constantFrom(EntryType.EntryNormal, EntryType.EntryConfChange, EntryType.EntryConfChangeV2),
  data: bytes
}, { noNullPrototype: true })
const idList = fc.array(u64, { maxLength: 7 })
const confStateArb: fc.Arbitrary<ConfState> = fc.record({
  voters: idList, learners: idList, votersOutgoing: idList, learnersNext: idList, autoLeave: fc.boolean()
}, { noNullPrototype: true })
const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({
  data: bytes,
  metadata: fc.record({ confState: confStateArb, index: safe, term: safe }, { noNullPrototype: true })
}, { noNullPrototype: true })
const messageArb: fc.Arbitrary<Message> = fc.record({
  type: fc.integer({ min: 0, max: 18 }) as fc.Arbitrary<MessageType>,
  to: u64,
  from: u64,
  term: safe,
  logTerm: safe,
  index: safe,
  entries: fc.array(entryArb, { maxLength: 5 }),
  commit: safe,
  snapshot: fc.option(snapshotArb, { nil: undefined }),
  reject: fc.boolean(),
  rejectHint: safe,
  context: bytes
}, { noNullPrototype: true, requiredKeys: ['type', 'to', 'from', 'term', 'logTerm', 'index', 'entries', 'commit', 'reject', 'rejectHint', 'context'] })

function strip (m: Message): Message {
  const out = { ...m }
  if (out.snapshot === undefined) delete out.snapshot
  return out
}

describe('raftpb codec', () => {
  it('round-trips entries of every type, including empty data and the largest safe index', () => {
    fc.assert(fc.property(entryArb, (e) => { assert.deepEqual(decodeEntry(encodeEntry(e)), e) }))
    const e: Entry = { term: Number.MAX_SAFE_INTEGER, index: 2 ** 40 + 3, type: EntryType.EntryNormal, data: new Uint8Array() }
    assert.deepEqual(decodeEntry(encodeEntry(e)), e)
  })

  it('round-trips hard states with full 64-bit votes', () => {
    fc.assert(fc.property(safe, u64, safe, (term, vote, commit) => {
      const h = { term, vote, commit }
      assert.deepEqual(decodeHardState(encodeHardState(h)), h)
    }))
  })

  it('round-trips conf states, snapshot metadata and snapshots', () => {
    fc.assert(fc.property(confStateArb, (c) => { assert.deepEqual(decodeConfState(encodeConfState(c)), c) }))
    fc.assert(fc.property(snapshotArb, (s) => {
      assert.deepEqual(decodeSnapshotMetadata(encodeSnapshotMetadata(s.metadata)), s.metadata)
      assert.deepEqual(decodeSnapshot(encodeSnapshot(s)), s)
    }))
  })

  it('round-trips messages with entries, snapshots and context', () => {
    fc.assert(fc.property(messageArb, (m) => { assert.deepEqual(decodeMessage(encodeMessage(m)), strip(m)) }), { numRuns: 300 })
  })

  it('round-trips v1 and v2 conf changes', () => {
    const cct = fc.constantFrom(...Object.values(ConfChangeType))
    fc.assert(fc.property(cct, u64, u64, bytes, (type, nodeID, id, context) => {
      const c = { type, nodeID, id, context }
      assert.deepEqual(decodeConfChange(encodeConfChange(c)), c)
    }))
    fc.assert(fc.property(
      fc.constantFrom(...Object.values(ConfChangeTransition)),
      fc.array(fc.record({ type: cct, nodeID: u64 }, { noNullPrototype: true }), { maxLength: 6 }),
      bytes,
      (transition, changes, context) => {
        const c = { transition, changes, context }
        assert.deepEqual(decodeConfChangeV2(encodeConfChangeV2(c)), c)
      }))
  })

  it('decoded bytes never alias the input buffer', () => {
    const data = new Uint8Array([1, 2, 3])
    const b = encodeEntry({ term: 1, index: 1, type: EntryType.EntryNormal, data })
    const e = decodeEntry(b)
    b.fill(0)
    assert.deepEqual([...e.data], [1, 2, 3])
  })

  it('decodes from a view into a larger buffer (non-zero byteOffset)', () => {
    const enc = encodeMessage(newMessage({ type: MessageType.MsgApp, to: 2n, from: 1n, term: 3, entries: [{ term: 3, index: 4, type: EntryType.EntryNormal, data: new Uint8Array([9]) }] }))
    const big = new Uint8Array(enc.length + 10)
    big.set(enc, 7)
    const m = decodeMessage(big.subarray(7, 7 + enc.length))
    assert.equal(m.entries[0].index, 4)
    assert.equal(m.to, 2n)
  })

  it('rejects a wrong version, a wrong kind, truncation and trailing bytes with a CodecError', () => {
    const b = encodeHardState({ term: 1, vote: 2n, commit: 3 })
    assert.equal(b[0], CODEC_VERSION)
    const badVersion = b.slice(); badVersion[0] = 99
    assert.throws(() => decodeHardState(badVersion), CodecError)
    assert.throws(() => decodeEntry(b), /expected kind/)
    assert.throws(() => decodeHardState(b.subarray(0, b.length - 1)), /unexpected end/)
    const longer = new Uint8Array(b.length + 1); longer.set(b)
    assert.throws(() => decodeHardState(longer), /trailing/)
  })

  it('refuses to encode a term or index that is not a safe non-negative integer', () => {
    assert.throws(() => encodeHardState({ term: -1, vote: 0n, commit: 0 }), CodecError)
    assert.throws(() => encodeEntry({ term: 1.5, index: 1, type: EntryType.EntryNormal, data: new Uint8Array() }), CodecError)
  })

  it('rejects an out-of-range message type byte', () => {
    const b = encodeMessage(newMessage({ type: MessageType.MsgHeartbeat }))
    b[2] = 200
    assert.throws(() => decodeMessage(b), /invalid message type/)
  })

  it('names message types after etcd', () => {
    assert.equal(MessageType.MsgPreVoteResp, 18)
    assert.equal(MessageType.MsgReadIndex, 15)
  })
})
