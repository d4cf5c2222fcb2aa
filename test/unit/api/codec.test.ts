import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  decodeCompactionRequest, decodePutRequest, decodeRangeRequest, decodeTxnRequest, encodeDeleteRangeResponse,
  encodePutResponse, encodeRangeResponse, encodeTxnResponse, encodeMessage, parseJSONBody, protoSize,
  writeDeleteRangeResponse, writeMessage, writePutResponse, writeRangeResponse, writeTxnResponse
} from '../../../src/api/codec.js'
import {
  CompareDesc, PutRequestDesc, RangeRequestDesc, TxnRequestDesc
} from '../../../src/api/etcdserverpb/kv-desc.js'
import type { RangeRequest, TxnResponse } from '../../../src/api/etcdserverpb/kv.js'
import { decodeAlarmRequest } from '../../../src/api/etcdserverpb/maintenance.js'

const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s))
const decodeRange = (body: string): RangeRequest => decodeRangeRequest(parseJSONBody(body))

describe('codec: input rules (spec §2.2)', () => {
  const cases: Array<[string, string, RangeRequest]> = [
    ['proto names', '{"key":"Zm9v","range_end":"Zm9w","keys_only":true}', { key: b('foo'), rangeEnd: b('fop'), keysOnly: true }],
    ['lowerCamel names', '{"key":"Zm9v","rangeEnd":"Zm9w","keysOnly":true,"countOnly":true}', { key: b('foo'), rangeEnd: b('fop'), keysOnly: true, countOnly: true }],
    ['lowerCamel wins over the proto name', '{"key":"Zm9v","range_end":"YmFy","rangeEnd":"AA=="}', { key: b('foo'), rangeEnd: new Uint8Array([0]) }],
    ['names are case-sensitive, unknown fields ignored', '{"Key":"YQ==","bogus":{"x":[1]},"key":"Zm9v"}', { key: b('foo') }],
    ['null = absent', '{"key":null,"limit":null,"sort_order":null,"serializable":null}', {}],
    ['empty body', '', {}],
    ['int64 as number and as string', '{"limit":5,"revision":"-7","min_mod_revision":" 3 "}', { limit: 5n, revision: -7n, minModRevision: 3n }],
    ['int64 limits, losslessly', '{"limit":9223372036854775807,"revision":"-9223372036854775808"}', { limit: 9223372036854775807n, revision: -9223372036854775808n }],
    ['enums by name and number; unknown numbers kept', '{"sort_order":"DESCEND","sort_target":7}', { sortOrder: 2, sortTarget: 7 as never }],
    ['bytes as an array of numbers', '{"key":[102,111,111]}', { key: b('foo') }],
    ['empty bytes', '{"key":""}', { key: new Uint8Array(0) }],
    ['false booleans are kept as false', '{"serializable":false}', { serializable: false }]
  ]
  for (const [name, body, want] of cases) {
    it(name, () => assert.deepEqual(decodeRange(body), want))
  }

  const errors: Array<[string, string, string]> = [
    ['int64 fraction', '{"limit":1.5}', 'json: cannot unmarshal number 1.5 into Go value of type int64'],
    ['int64 overflow', '{"limit":"9223372036854775808"}', 'json: cannot unmarshal number 9223372036854775808 into Go value of type int64'],
    ['int64 exponent', '{"limit":1e3}', 'json: cannot unmarshal number 1e3 into Go value of type int64'],
    ['int64 from a string holding a bool', '{"limit":"true"}', 'json: cannot unmarshal bool into Go value of type int64'],
    ['int64 from garbage', '{"limit":"abc"}', "invalid character 'a' looking for beginning of value"],
    ['bool from a string', '{"keys_only":"true"}', 'json: cannot unmarshal string into Go value of type bool'],
    ['bytes from a number', '{"key":123}', 'json: cannot unmarshal number into Go value of type []uint8'],
    ['bytes array element out of range', '{"key":[256]}', 'json: cannot unmarshal number 256 into Go value of type uint8'],
    ['bytes array negative element', '{"key":[-1]}', 'json: cannot unmarshal number -1 into Go value of type uint8'],
    ['enum unknown name', '{"sort_order":"BOGUS"}', 'unknown value "BOGUS" for enum etcdserverpb.RangeRequest_SortOrder'],
    ['enum out of int32', '{"sort_target":4294967296}', 'json: cannot unmarshal number 4294967296 into Go value of type etcdserverpb.RangeRequest_SortTarget'],
    ['top-level array', '[]', 'json: cannot unmarshal array into Go value of type map[string]json.RawMessage'],
    ['first bad field in tag order wins', '{"sort_order":"BOGUS","key":5}', 'json: cannot unmarshal number into Go value of type []uint8']
  ]
  for (const [name, body, message] of errors) {
    it(`error: ${name}`, () => assert.throws(() => decodeRange(body), { code: 'ErrJSONDecode', message }))
  }

  // Bare numbers take the fast path; they must meet the same range checks as quoted ones.
  const unsigned: Array<[string, string, bigint | string]> = [
    ['uint64 bare negative', '{"memberID":-1}', 'json: cannot unmarshal number -1 into Go value of type uint64'],
    ['uint64 bare minus zero', '{"memberID":-0}', 'json: cannot unmarshal number -0 into Go value of type uint64'],
    ['uint64 quoted negative', '{"memberID":"-1"}', 'json: cannot unmarshal number -1 into Go value of type uint64'],
    ['uint64 bare zero', '{"memberID":0}', 0n],
    ['uint64 largest', '{"memberID":18446744073709551615}', 18446744073709551615n]
  ]
  for (const [name, body, want] of unsigned) {
    it(`${typeof want === 'string' ? 'error: ' : ''}${name}`, () => {
      const decode = (): unknown => decodeAlarmRequest(parseJSONBody(body))
      if (typeof want === 'string') assert.throws(decode, { code: 'ErrJSONDecode', message: want })
      else assert.deepEqual(decode(), { memberID: want })
    })
  }

  it('txn: oneofs, nested txn, compare target_union', () => {
    const t = decodeTxnRequest(parseJSONBody(JSON.stringify({
      compare: [{ result: 'LESS', target: 'MOD', key: 'Zm9v', modRevision: '9', range_end: 'Zm9w' }, { key: 'YQ==', value: 'Yg==' }],
      success: [{ requestPut: { key: 'Zm9v', value: 'YmFy', prevKv: true } }, { request_txn: { failure: [{ request_delete_range: { key: 'YQ==' } }] } }],
      failure: [{}, { request_range: { key: 'Zm9v' }, request_put: { key: 'YmFy' } }]
    })))
    assert.deepEqual(t, {
      compare: [
        { result: 2, target: 2, key: b('foo'), targetUnion: { modRevision: 9n }, rangeEnd: b('fop') },
        { key: b('a'), targetUnion: { value: b('b') } }
      ],
      success: [
        { requestPut: { key: b('foo'), value: b('bar'), prevKv: true } },
        { requestTxn: { failure: [{ requestDeleteRange: { key: b('a') } }] } }
      ],
      // an empty op stays empty (the core answers `key not found`); the later oneof member wins
      failure: [{}, { requestPut: { key: b('bar') } }]
    })
  })

  it('txn: null elements are empty messages; lists must be arrays', () => {
    assert.deepEqual(decodeTxnRequest(parseJSONBody('{"success":[null],"compare":[null]}')), { success: [{}], compare: [{}] })
    assert.throws(() => decodeTxnRequest(parseJSONBody('{"compare":{}}')), { message: 'json: cannot unmarshal object into Go value of type []json.RawMessage' })
    assert.throws(() => decodeTxnRequest(parseJSONBody('{"success":[{"request_put":5}]}')), { message: 'json: cannot unmarshal number into Go value of type map[string]json.RawMessage' })
  })

  it('put and compaction', () => {
    assert.deepEqual(decodePutRequest(parseJSONBody('{"key":"Zm9v","lease":"7587848433546444565","ignore_lease":false}')), { key: b('foo'), lease: 7587848433546444565n, ignoreLease: false })
    assert.deepEqual(decodeCompactionRequest(parseJSONBody('{"revision":12,"physical":true}')), { revision: 12n, physical: true })
    assert.deepEqual(decodeCompactionRequest(undefined), {})
  })

  it('the receive limit is checked on the proto size', () => {
    const body = { key: 'Zm9v', value: Buffer.alloc(3 * 1024 * 1024).toString('base64') }
    assert.throws(() => decodePutRequest(body, 2097152), { code: 'ErrMessageTooLarge', message: 'grpc: received message larger than max (3145738 vs. 2097152)' })
    assert.doesNotThrow(() => decodePutRequest(body, 3145738))
  })
})

const header = { clusterId: 14841639068965178418n, memberId: 10276657743932975437n, revision: 7n, raftTerm: 2n }
const kvFoo = { key: b('foo'), createRevision: 2n, modRevision: 7n, version: 3n, value: b('bar'), lease: 0n }

describe('codec: output rules (spec §2.1)', () => {
  it('proto names in tag order, int64 as strings, zero values omitted', () => {
    const json = JSON.stringify(encodeRangeResponse({ header, kvs: [kvFoo], more: false, count: 1n }))
    assert.equal(json, '{"header":{"cluster_id":"14841639068965178418","member_id":"10276657743932975437","revision":"7","raft_term":"2"},' +
      '"kvs":[{"key":"Zm9v","create_revision":"2","mod_revision":"7","version":"3","value":"YmFy"}],"count":"1"}')
  })

  it('no match: header only', () => {
    assert.equal(JSON.stringify(encodeRangeResponse({ header, kvs: [], more: false, count: 0n })),
      '{"header":{"cluster_id":"14841639068965178418","member_id":"10276657743932975437","revision":"7","raft_term":"2"}}')
  })

  it('empty values and leases are omitted, negative IDs are written signed', () => {
    assert.deepEqual(encodePutResponse({ header: { clusterId: 0n, memberId: 0n, revision: 3n, raftTerm: 0n }, prevKv: { ...kvFoo, value: new Uint8Array(0), lease: -7n } }), {
      header: { revision: '3' },
      prev_kv: { key: 'Zm9v', create_revision: '2', mod_revision: '7', version: '3', lease: '-7' }
    })
  })

  it('deleterange: deleted 0 and no prev_kvs give header only', () => {
    assert.deepEqual(encodeDeleteRangeResponse({ header, deleted: 0n, prevKvs: [] }), encodeRangeResponse({ header, kvs: [], more: false, count: 0n }))
  })

  it('txn: nested headers with only revision, an empty nested header as {}, oneof members by name', () => {
    const zero = { clusterId: 0n, memberId: 0n, raftTerm: 0n }
    const r: TxnResponse = {
      header,
      succeeded: true,
      responses: [
        { responseDeleteRange: { header: { ...zero, revision: 7n }, deleted: 1n, prevKvs: [kvFoo] } },
        { responseTxn: { header: { ...zero, revision: 0n }, succeeded: true, responses: [{ responseRange: { header: { ...zero, revision: 7n }, kvs: [], more: false, count: 0n } }] } },
        { responsePut: { header: { ...zero, revision: 7n } } }
      ]
    }
    assert.equal(JSON.stringify(encodeTxnResponse(r)).slice(JSON.stringify(encodeTxnResponse(r)).indexOf('"succeeded"')),
      '"succeeded":true,"responses":[{"response_delete_range":{"header":{"revision":"7"},"deleted":"1","prev_kvs":[{"key":"Zm9v","create_revision":"2","mod_revision":"7","version":"3","value":"YmFy"}]}},' +
      '{"response_txn":{"header":{},"succeeded":true,"responses":[{"response_range":{"header":{"revision":"7"}}}]}},' +
      '{"response_put":{"header":{"revision":"7"}}}]}')
  })

  it('enums by name; a set oneof member is written even when zero', () => {
    assert.deepEqual(encodeMessage(CompareDesc, { result: 3, target: 1, key: b('a'), targetUnion: { createRevision: 0n } }),
      { result: 'NOT_EQUAL', target: 'CREATE', key: 'YQ==', create_revision: '0' })
    assert.deepEqual(encodeMessage(CompareDesc, { result: 0, target: 9, key: b('a') }), { target: 9, key: 'YQ==' })
  })
})

describe('codec: round trips', () => {
  const bytes = fc.uint8Array({ maxLength: 16 }).map((u) => new Uint8Array(u))
  const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  const rangeReq = fc.record({
    key: bytes,
    rangeEnd: bytes,
    limit: i64,
    revision: i64,
    sortOrder: fc.constantFrom(0, 1, 2),
    sortTarget: fc.constantFrom(0, 1, 2, 3, 4),
    serializable: fc.boolean(),
    keysOnly: fc.boolean(),
    countOnly: fc.boolean(),
    minModRevision: i64,
    maxModRevision: i64,
    minCreateRevision: i64,
    maxCreateRevision: i64
  }, { requiredKeys: [] })

  /** Drops zero values, as the wire does: decode(encode(x)) equals x without them. */
  function withoutZeros (o: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => !(v === 0n || v === 0 || v === false || (v instanceof Uint8Array && v.length === 0))))
  }

  it('RangeRequest: decode(JSON(encode(x))) = x without zero fields, for both spellings', () => {
    fc.assert(fc.property(rangeReq, (r) => {
      const json = encodeMessage(RangeRequestDesc, r)
      const text = JSON.stringify(json)
      assert.deepEqual(decodeRangeRequest(parseJSONBody(text)), withoutZeros(r as Record<string, unknown>))
      // lowerCamel spelling and bare numbers decode the same
      const camel = Object.fromEntries(Object.entries(json).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]))
      // only the int64 fields: a base64 value may be all digits too ("1120" is bytes d7 5d b4)
      const bare = JSON.stringify(camel).replace(/"(limit|revision|\w+Revision)":"(-?[0-9]+)"/g, '"$1":$2')
      assert.deepEqual(decodeRangeRequest(parseJSONBody(bare)), withoutZeros(r as Record<string, unknown>))
    }), { numRuns: 300 })
  })

  it('TxnRequest with nested ops round-trips', () => {
    const op = fc.oneof(
      fc.record({ requestPut: fc.record({ key: bytes, value: bytes, lease: i64, prevKv: fc.boolean() }, { requiredKeys: [] }) }),
      fc.record({ requestDeleteRange: fc.record({ key: bytes, rangeEnd: bytes }, { requiredKeys: [] }) })
    )
    const txn = fc.record({ success: fc.array(op, { maxLength: 4 }), failure: fc.array(op, { maxLength: 4 }) }, { requiredKeys: [] })
    fc.assert(fc.property(txn, (t) => {
      const back = decodeTxnRequest(parseJSONBody(JSON.stringify(encodeMessage(TxnRequestDesc, t))))
      assert.deepEqual(JSON.stringify(encodeMessage(TxnRequestDesc, back)), JSON.stringify(encodeMessage(TxnRequestDesc, t)))
    }), { numRuns: 200 })
  })
})

describe('codec: proto size', () => {
  const cases: Array<[string, Record<string, unknown>, number]> = [
    ['empty', {}, 0],
    ['key foo', { key: b('foo') }, 5],
    ['3 MiB value (spec case 137)', { key: b('foo'), value: new Uint8Array(3 * 1024 * 1024) }, 3145738],
    ['negative lease: 10-byte varint', { key: b('a'), lease: -1n }, 3 + 11],
    ['flags', { key: b('a'), prevKv: true, ignoreValue: false }, 3 + 2]
  ]
  for (const [name, msg, size] of cases) {
    it(name, () => assert.equal(protoSize(PutRequestDesc, msg), size))
  }
  it('nested messages and oneof zero members', () => {
    // compare: tag+len+{key a (3) + create_revision 0 (2)} = 2 + 5
    assert.equal(protoSize(TxnRequestDesc, { compare: [{ key: b('a'), targetUnion: { createRevision: 0n } }] }), 7)
  })
})

describe('codec: the direct writer matches the object encoder byte for byte', () => {
  const bytes = fc.uint8Array({ maxLength: 12 }).map((u) => new Uint8Array(u))
  const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
  const hdr = fc.record({ clusterId: u64, memberId: u64, revision: i64, raftTerm: u64 })
  const kvA = fc.record({ key: bytes, createRevision: i64, modRevision: i64, version: i64, value: bytes, lease: i64 })
  const rangeResp = fc.record({ header: hdr, kvs: fc.array(kvA, { maxLength: 4 }), more: fc.boolean(), count: i64 })
  const putResp = fc.record({ header: hdr, prevKv: fc.option(kvA, { nil: undefined }) })
  const delResp = fc.record({ header: hdr, deleted: i64, prevKvs: fc.array(kvA, { maxLength: 3 }) })

  it('RangeResponse, PutResponse, DeleteRangeResponse', () => {
    fc.assert(fc.property(rangeResp, (r) => assert.equal(writeRangeResponse(r), JSON.stringify(encodeRangeResponse(r)))), { numRuns: 300 })
    fc.assert(fc.property(putResp, (r) => assert.equal(writePutResponse(r), JSON.stringify(encodePutResponse(r)))), { numRuns: 300 })
    fc.assert(fc.property(delResp, (r) => assert.equal(writeDeleteRangeResponse(r), JSON.stringify(encodeDeleteRangeResponse(r)))), { numRuns: 300 })
  })

  it('TxnResponse with nested responses, and Compare with enums and oneofs', () => {
    const op = fc.oneof(
      rangeResp.map((r) => ({ responseRange: r })),
      putResp.map((r) => ({ responsePut: r })),
      delResp.map((r) => ({ responseDeleteRange: r }))
    )
    const txn = fc.record({ header: hdr, succeeded: fc.boolean(), responses: fc.array(op, { maxLength: 4 }) })
    const nested = fc.record({ header: hdr, succeeded: fc.boolean(), responses: fc.array(fc.oneof(op, txn.map((t) => ({ responseTxn: t }))), { maxLength: 3 }) })
    fc.assert(fc.property(nested, (r) => assert.equal(writeTxnResponse(r as TxnResponse), JSON.stringify(encodeTxnResponse(r as TxnResponse)))), { numRuns: 200 })
    const cmp = fc.record({
      result: fc.integer({ min: -1, max: 5 }),
      target: fc.integer({ min: 0, max: 6 }),
      key: bytes,
      targetUnion: fc.oneof(i64.map((version) => ({ version })), bytes.map((value) => ({ value })), fc.constant(undefined)),
      rangeEnd: bytes
    }, { requiredKeys: [] })
    fc.assert(fc.property(cmp, (c) => assert.equal(writeMessage(CompareDesc, c), JSON.stringify(encodeMessage(CompareDesc, c)))), { numRuns: 300 })
    assert.equal(writeMessage(CompareDesc, {}), '{}')
  })
})
