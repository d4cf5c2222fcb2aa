// Conformance cases: requests and, where useful, what the reference answers. Every step is sent
// to every target in the same order, so revisions line up; kv.test.ts compares the normalized
// answers across targets and checks the expectations against each. Numbered cases are from the
// gateway reference (spec §11); `own-*` cases are this suite's. Keys: Zm9v=foo YmFy=bar
// YmF6=baz AA==“\0” a2V5MQ==key1.
import type { DifferenceId } from './differences.js'

export interface Expect {
  status?: number
  /** The normalized JSON body, compared ignoring key order. */
  json?: unknown
  /** Substrings of the raw body. */
  contains?: string[]
  /** The exact raw body. */
  text?: string
  contentType?: string
  /** `origin | methods | headers` of the Access-Control-Allow-* headers; null = none. */
  cors?: string | null
}

export interface Step {
  path: string
  method?: string
  /**
   * A string is sent raw; anything else as JSON; absent = no body. `{{name}}` in either is replaced,
   * per target, by a value an earlier step captured from that target's answer.
   */
  body?: unknown
  headers?: Record<string, string>
  expect?: Expect
  /** Send to the member's peer URL instead of its client URL. */
  peer?: boolean
  /** Wait this long before sending (for answers that depend on wall-clock seconds). */
  delayMs?: number
  /** name → dotted path into this step's JSON answer (e.g. `member.ID`), remembered per target. */
  capture?: Record<string, string>
  /**
   * Intended differences (rows of differences.ts) that make this step's answers differ: each
   * target must still meet `expect`, but the answers are not compared with each other.
   */
  differences?: DifferenceId[]
  /** The answer holds something time-dependent (a clock reading): only `expect` is checked. */
  volatile?: boolean
}

export interface Case {
  id: string
  title: string
  steps: Step[]
  /** Intended differences (beyond rows 1–3, always applied) that change how this case is compared. */
  differences?: DifferenceId[]
}

/** The error answer for gRPC code `code` and `message` (status per spec §3.2, FailedPrecondition = 400). */
export function ERR (code: number, message: string): Expect {
  const status = ({ 1: 408, 2: 500, 3: 400, 4: 504, 5: 404, 7: 403, 8: 429, 9: 400, 11: 400, 14: 503, 15: 500, 16: 401 } as Record<number, number>)[code] ?? 500
  return { status, json: { error: message, code, message }, contentType: 'application/json' }
}

/** A full header at revision `rev` (IDs and term normalized). */
export const H = (rev: number): unknown => ({ cluster_id: '<cid>', member_id: '<mid>', revision: String(rev), raft_term: '<term>' })

const kv = (op: string, body?: unknown, expect?: Expect, headers?: Record<string, string>): Step =>
  ({ path: `/v3/kv/${op}`, body, expect, headers })
const ok = (extra: Expect = {}): Expect => ({ status: 200, contentType: 'application/json', ...extra })
const bad = (message: string): Expect => ERR(3, message)

const EMPTY_KEY = 'etcdserver: key is not provided'

export const kvCases: Case[] = [
  {
    id: '1',
    title: 'put, identical under /v3beta',
    steps: [
      kv('put', { key: 'Zm9v', value: 'YmFy' }, ok({ json: { header: H(2) } })),
      { path: '/v3beta/kv/put', body: { key: 'Zm9v', value: 'YmFy' }, expect: ok({ json: { header: H(3) } }) }
    ]
  },
  { id: '2', title: 'range returns the value', steps: [kv('range', { key: 'Zm9v' }, ok({ contains: ['"value":"YmFy"'] }))] },
  { id: '3', title: 'deleterange', steps: [kv('deleterange', { key: 'Zm9v' }, ok({ contains: ['"deleted":"1"'] }))] },
  {
    id: '5',
    title: 'txn in lowerCamelCase',
    steps: [kv('txn', { compare: [{ target: 'CREATE', key: 'Zm9v', createRevision: '0' }], success: [{ requestPut: { key: 'Zm9v', value: 'YmFy' } }] },
      ok({ contains: ['"succeeded":true,"responses":[{"response_put":{"header":{"revision":"5"}}}]'] }))]
  },
  {
    id: '6',
    title: 'txn with Go field names only (unknown) is an empty op',
    steps: [kv('txn', '{"compare":[{"result":0,"target":1,"key":"Zm9v","TargetUnion":null}],"success":[{"Request":{"RequestPut":{"key":"Zm9v","value":"YmFy"}}}]}', bad('etcdserver: key not found'))]
  },
  { id: '27', title: 'compaction at a future revision', steps: [kv('compaction', { revision: 10000 }, ERR(11, 'etcdserver: mvcc: required revision is a future revision'))] },
  {
    id: '48',
    title: 'put with prev_kv',
    steps: [kv('put', { key: 'Zm9v', value: 'YmF6', prev_kv: true }, ok({ json: { header: H(6), prev_kv: { key: 'Zm9v', create_revision: '5', mod_revision: '5', version: '1', value: 'YmFy' } } }))]
  },
  { id: '49', title: 'range of a missing key is header only', steps: [kv('range', { key: 'bm9uZQ==' }, ok({ json: { header: H(6) } }))] },
  {
    id: '50',
    title: 'missing key in every form',
    steps: [
      kv('range', {}, bad(EMPTY_KEY)),
      kv('range', undefined, bad(EMPTY_KEY)),
      kv('put', {}, bad(EMPTY_KEY)),
      kv('deleterange', {}, bad(EMPTY_KEY)),
      kv('range', { key: null }, bad(EMPTY_KEY)),
      kv('range', { Key: 'YQ==' }, bad(EMPTY_KEY)),
      kv('range', 'null', bad(EMPTY_KEY)),
      kv('range', '   ', bad(EMPTY_KEY)),
      kv('range', { key: '' }, bad(EMPTY_KEY)),
      kv('range', { key: [] }, bad(EMPTY_KEY))
    ]
  },
  { id: '51', title: 'unknown fields are ignored', steps: [kv('put', { key: 'Zm9v', value: 'YmFy', bogus: 1 }, ok())] },
  { id: '52', title: 'truncated body', steps: [kv('put', '{"key":"Zm9v","value":"YmFy"', bad('unexpected EOF'))] },
  {
    id: '53-56',
    title: 'range over key1..key3: camelCase, limit, sort, count_only',
    steps: [
      kv('put', { key: 'a2V5MQ==', value: 'MQ==' }),
      kv('put', { key: 'a2V5Mg==', value: 'Mg==' }),
      kv('put', { key: 'a2V5Mw==', value: 'Mw==' }),
      kv('range', { key: 'a2V5', rangeEnd: 'a2V6' }, ok({ contains: ['"count":"3"'] })),
      kv('range', { key: 'a2V5', range_end: 'a2V6', limit: 1 }, ok({ contains: ['"more":true,"count":"3"'] })),
      kv('range', { key: 'a2V5', range_end: 'a2V6', limit: '1' }, ok({ contains: ['"more":true,"count":"3"'] })),
      kv('range', { key: 'a2V5', range_end: 'a2V6', sort_order: 'DESCEND', sort_target: 'KEY', keys_only: true }, ok()),
      kv('range', { key: 'a2V5', range_end: 'a2V6', sort_order: 2, count_only: true }, ok({ json: { header: H(10), count: '3' } })),
      kv('range', { key: 'a2V5', range_end: 'a2V6', sort_target: 'VALUE' }, ok()),
      kv('range', { key: 'a2V5', range_end: 'a2V6', sort_order: 'ASCEND', sort_target: 'CREATE', limit: 2 }, ok()),
      kv('range', { key: 'a2V5', range_end: 'a2V6', count_only: true, limit: 1 }, ok({ contains: ['"count":"3"'] }))
    ]
  },
  { id: '57', title: 'AA== to AA== is every key', steps: [kv('range', { key: 'AA==', range_end: 'AA==', keys_only: true }, ok())] },
  {
    id: '58',
    title: 'malformed base64',
    steps: [
      kv('range', { key: 'a2V5Mg', range_end: 'AA' }, bad('illegal base64 data at input byte 4')),
      kv('put', { key: '-_8=' }, bad('illegal base64 data at input byte 0'))
    ]
  },
  {
    id: '59',
    title: 'empty value is omitted',
    steps: [kv('put', { key: '+/8=', value: '' }, ok()), kv('range', { key: '+/8=' }, ok())]
  },
  {
    id: '60',
    title: 'mod revision filters do not change count',
    steps: [kv('range', { key: 'a2V5', range_end: 'a2V6', min_mod_revision: 9, max_mod_revision: 9 }, ok({ contains: ['"count":"3"'] }))]
  },
  { id: '61', title: 'range at a future revision', steps: [kv('range', { key: 'a2V5', range_end: 'a2V6', revision: 100 }, ERR(11, 'etcdserver: mvcc: required revision is a future revision'))] },
  {
    id: '62',
    title: 'sort_order by unknown name and unknown number',
    steps: [
      kv('range', { key: 'a2V5', range_end: 'a2V6', sort_order: 'BOGUS' }, bad('unknown value "BOGUS" for enum etcdserverpb.RangeRequest_SortOrder')),
      kv('range', { key: 'a2V5', range_end: 'a2V6', sort_order: 7 }, ok())
    ]
  },
  {
    id: '63',
    title: 'range_end before key is empty; delete deletes nothing',
    steps: [kv('range', { key: 'Yg==', range_end: 'YQ==' }, ok()), kv('deleterange', { key: 'Yg==', range_end: 'YQ==' }, ok())]
  },
  {
    id: '64',
    title: 'limit 1, DESCEND by MOD: the newest key',
    steps: [kv('range', { key: 'AA==', range_end: 'AA==', limit: 1, sort_order: 'DESCEND', sort_target: 'MOD' }, ok({ contains: ['"more":true'] }))]
  },
  { id: '65', title: 'trailing data after the first value is ignored', steps: [kv('range', '{"key":"YQ=="} garbage', ok())] },
  {
    id: '66',
    title: 'wrong JSON types',
    steps: [
      kv('range', { key: 123 }, bad('json: cannot unmarshal number into Go value of type []uint8')),
      kv('range', { key: 'YQ==', keys_only: 'true' }, bad('json: cannot unmarshal string into Go value of type bool')),
      kv('range', { key: 'YQ==', limit: 1.5 }, bad('json: cannot unmarshal number 1.5 into Go value of type int64')),
      kv('range', '[]', bad('json: cannot unmarshal array into Go value of type map[string]json.RawMessage'))
    ]
  },
  {
    id: '67-70',
    title: 'put flags and deleterange with prev_kv',
    steps: [
      kv('put', { key: 'aWc=', ignore_value: true }, bad('etcdserver: key not found')),
      kv('put', { key: 'aWc=', value: 'MQ==' }, ok()),
      kv('put', { key: 'aWc=', ignore_value: true, prev_kv: true }, ok()),
      kv('put', { key: 'aWc=', value: 'Mg==', ignore_lease: true, prev_kv: true }, ok()),
      kv('range', { key: 'aWc=' }, ok({ contains: ['"version":"3"', '"value":"Mg=="'] })),
      kv('put', { key: 'aWc=', value: 'Mg==', ignore_value: true }, bad('etcdserver: value is provided')),
      kv('put', { key: 'aWc=', ignore_lease: true, lease: 5 }, bad('etcdserver: lease is provided')),
      kv('deleterange', { key: 'aWc=', prev_kv: true }, ok({ contains: ['"deleted":"1","prev_kvs":[{'] })),
      kv('deleterange', { key: 'aWc=', prev_kv: true }, ok())
    ]
  },
  {
    id: '72-76',
    title: 'txn: compare and branches, nested txn, missing keys',
    steps: [
      kv('txn', { compare: [{ result: 'EQUAL', target: 'CREATE', key: 'dHhu', create_revision: '0' }], success: [{ request_put: { key: 'dHhu', value: 'YmFy' } }] }, ok({ contains: ['"succeeded":true'] })),
      kv('txn', { compare: [{ result: 'EQUAL', target: 'CREATE', key: 'dHhu', create_revision: '0' }], success: [{ request_put: { key: 'dHhu', value: 'YmFy' } }], failure: [{ request_range: { key: 'dHhu' } }] }, ok({ contains: ['"responses":[{"response_range":{"header":{"revision":'] })),
      kv('txn', {}, ok()),
      kv('txn', '', ok()),
      kv('txn', { compare: [{ target: 'VALUE', key: 'dHhu', value: 'YmFy' }], success: [{ request_delete_range: { key: 'dHhu', prev_kv: true } }, { request_txn: { success: [{ request_range: { key: 'dHhu' } }] } }] }, ok({ contains: ['"response_txn":{"header":{},"succeeded":true'] })),
      kv('txn', { compare: [{ target: 'VALUE', result: 'NOT_EQUAL', key: 'bWlzc2luZw==', value: 'eA==' }] }, ok()),
      kv('txn', { compare: [{ target: 'MOD', result: 'LESS', key: 'bWlzc2luZw==', mod_revision: '1' }] }, ok({ contains: ['"succeeded":true'] })),
      kv('txn', { compare: [{ target: 'VERSION', key: 'a2V5MQ==' }] }, ok()),
      kv('txn', { compare: [{ target: 'VERSION', result: 'GREATER', key: 'a2V5', range_end: 'a2V6', version: '0' }] }, ok({ contains: ['"succeeded":true'] })),
      kv('txn', { compare: [{ result: 9, target: 'VALUE', key: 'Zm9v' }] }, ok())
    ]
  },
  {
    id: '77-79',
    title: 'txn validation: duplicate keys, too many ops, empty keys',
    steps: [
      kv('txn', { success: [{ request_put: { key: 'dDE=' } }, { request_put: { key: 'dDE=' } }] }, bad('etcdserver: duplicate key given in txn request')),
      kv('txn', { success: [{ request_put: { key: 'dDE=' } }, { request_delete_range: { key: 'dA==', range_end: 'dQ==' } }] }, bad('etcdserver: duplicate key given in txn request')),
      kv('txn', { success: [{ request_put: { key: 'dDE=' } }], failure: [{ request_put: { key: 'dDE=' } }] }, ok()),
      kv('txn', { success: [{ request_delete_range: { key: 'dDE=' } }, { request_delete_range: { key: 'dDE=' } }] }, ok()),
      kv('txn', { success: Array.from({ length: 129 }, (_, i) => ({ request_put: { key: Buffer.from(`m${i}`).toString('base64') } })) }, bad('etcdserver: too many operations in txn request')),
      kv('txn', { success: Array.from({ length: 128 }, (_, i) => ({ request_put: { key: Buffer.from(`m${i}`).toString('base64') } })) }, ok()),
      kv('txn', { success: [{ request_range: {} }] }, bad(EMPTY_KEY)),
      kv('txn', { compare: [{ target: 'VALUE', value: 'eA==' }] }, bad(EMPTY_KEY))
    ]
  },
  {
    id: 'own-names',
    title: 'both spellings: lowerCamel wins when both are present; duplicate keys: the last wins',
    steps: [
      kv('put', { key: 'Zm9v', value: 'YmFy' }),
      kv('range', '{"key":"Zm9v","rangeEnd":"AA==","range_end":"YmFy","keys_only":true}', ok()),
      kv('range', '{"key":"YmFy","key":"Zm9v"}', ok()),
      kv('range', { key: 'Zm9v', keysOnly: true, countOnly: false }, ok()),
      kv('txn', { success: [{ requestRange: { key: 'Zm9v' }, request_range: { key: 'YmFy' } }] }, ok())
    ]
  },
  {
    id: 'own-int64',
    title: 'int64 as strings and numbers, and their errors',
    steps: [
      ...[' 5', '5 ', '-5', '9223372036854775807', '0', '-0'].map((v) => kv('range', { key: 'Zm9v', limit: v }, ok())),
      kv('range', '{"key":"Zm9v","limit":-0}', ok()),
      kv('range', '{"key":"Zm9v","limit":100000000000000000}', ok()),
      kv('range', { key: 'Zm9v', limit: '+5' }, bad("invalid character '+' looking for beginning of value")),
      kv('range', { key: 'Zm9v', limit: '05' }, bad("invalid character '5' after top-level value")),
      kv('range', { key: 'Zm9v', limit: '0x10' }, bad("invalid character 'x' after top-level value")),
      kv('range', { key: 'Zm9v', limit: 'abc' }, bad("invalid character 'a' looking for beginning of value")),
      kv('range', { key: 'Zm9v', limit: '' }, bad('unexpected end of JSON input')),
      kv('range', { key: 'Zm9v', limit: '-' }, bad("invalid character ' ' in numeric literal")),
      kv('range', { key: 'Zm9v', limit: 'true' }, bad('json: cannot unmarshal bool into Go value of type int64')),
      kv('range', { key: 'Zm9v', limit: '1.5' }, bad('json: cannot unmarshal number 1.5 into Go value of type int64')),
      kv('range', { key: 'Zm9v', limit: '1e400' }, bad('json: cannot unmarshal number 1e400 into Go value of type int64')),
      kv('range', '{"key":"Zm9v","limit":1e3}', bad('json: cannot unmarshal number 1e3 into Go value of type int64')),
      kv('range', '{"key":"Zm9v","limit":1.0}', bad('json: cannot unmarshal number 1.0 into Go value of type int64')),
      kv('range', '{"key":"Zm9v","limit":9223372036854775808}', bad('json: cannot unmarshal number 9223372036854775808 into Go value of type int64')),
      kv('range', '{"key":"Zm9v","limit":-9223372036854775809}', bad('json: cannot unmarshal number -9223372036854775809 into Go value of type int64')),
      kv('range', { key: 'Zm9v', limit: true }, bad('json: cannot unmarshal bool into Go value of type int64')),
      kv('range', { key: 'Zm9v', limit: {} }, bad('json: cannot unmarshal object into Go value of type int64')),
      kv('range', { key: 'Zm9v', limit: [1] }, bad('json: cannot unmarshal array into Go value of type int64')),
      kv('compaction', { revision: 'abc', physical: 'x' }, bad("invalid character 'a' looking for beginning of value"))
    ]
  },
  {
    id: 'own-enum',
    title: 'enums by name or number, and their errors',
    steps: [
      kv('range', { key: 'Zm9v', sort_order: '1' }, bad('unknown value "1" for enum etcdserverpb.RangeRequest_SortOrder')),
      kv('range', { key: 'Zm9v', sort_order: 'descend' }, bad('unknown value "descend" for enum etcdserverpb.RangeRequest_SortOrder')),
      kv('range', { key: 'Zm9v', sort_order: 1.5 }, bad('json: cannot unmarshal number 1.5 into Go value of type etcdserverpb.RangeRequest_SortOrder')),
      kv('range', { key: 'Zm9v', sort_order: true }, bad('json: cannot unmarshal bool into Go value of type etcdserverpb.RangeRequest_SortOrder')),
      kv('range', { key: 'Zm9v', sort_order: {} }, bad('json: cannot unmarshal object into Go value of type etcdserverpb.RangeRequest_SortOrder')),
      kv('range', { key: 'Zm9v', sort_order: 4294967296 }, bad('json: cannot unmarshal number 4294967296 into Go value of type etcdserverpb.RangeRequest_SortOrder')),
      kv('range', { key: 'Zm9v', sort_order: -1 }, ok()),
      kv('range', { key: 'Zm9v', sort_order: null, sort_target: 'MOD' }, ok()),
      kv('txn', { compare: [{ key: 'Zm9v', result: 'BAD' }] }, bad('unknown value "BAD" for enum etcdserverpb.Compare_CompareResult')),
      kv('txn', { compare: [{ key: 'Zm9v', target: 'BAD' }] }, bad('unknown value "BAD" for enum etcdserverpb.Compare_CompareTarget'))
    ]
  },
  {
    id: 'own-bytes',
    title: 'bytes: Go base64 rules, newlines ignored, arrays of numbers',
    steps: [
      kv('range', { key: 'Zm9v\n' }, ok({ contains: ['"kvs"'] })),
      kv('range', { key: 'Zm9\r\nv' }, ok({ contains: ['"kvs"'] })),
      kv('range', { key: [102, 111, 111] }, ok({ contains: ['"kvs"'] })),
      kv('range', { key: 'Zm9=' }, ok()),
      kv('range', { key: 'Zm9v=' }, bad('illegal base64 data at input byte 4')),
      kv('range', { key: 'Z===' }, bad('illegal base64 data at input byte 1')),
      kv('range', { key: 'Zg=' }, bad('illegal base64 data at input byte 3')),
      kv('range', { key: 'Zg==x' }, bad('illegal base64 data at input byte 4')),
      kv('range', { key: 'Zg' }, bad('illegal base64 data at input byte 0')),
      kv('range', { key: 'Zm9vYg' }, bad('illegal base64 data at input byte 4')),
      kv('range', { key: 'é' }, bad('illegal base64 data at input byte 0')),
      kv('range', '{"key":"Zg\\u003d\\u003d"}', ok()),
      kv('range', { key: [1, 300] }, bad('json: cannot unmarshal number 300 into Go value of type uint8')),
      kv('range', { key: [1, 'a'] }, bad('json: cannot unmarshal string into Go value of type uint8')),
      kv('range', { key: [1.5] }, bad('json: cannot unmarshal number 1.5 into Go value of type uint8')),
      kv('range', { key: {} }, bad('json: cannot unmarshal object into Go value of type []uint8')),
      kv('range', { key: true }, bad('json: cannot unmarshal bool into Go value of type []uint8'))
    ]
  },
  {
    id: 'own-bool',
    title: 'bool fields',
    steps: [
      kv('range', { key: 'Zm9v', keys_only: 1 }, bad('json: cannot unmarshal number into Go value of type bool')),
      kv('range', { key: 'Zm9v', keys_only: null }, ok()),
      kv('range', { key: 'Zm9v', keys_only: false }, ok())
    ]
  },
  {
    id: 'own-shape',
    title: 'top-level kinds and syntax errors',
    steps: [
      kv('range', '"x"', bad('json: cannot unmarshal string into Go value of type map[string]json.RawMessage')),
      kv('range', '5', bad('json: cannot unmarshal number into Go value of type map[string]json.RawMessage')),
      kv('range', 'true', bad('json: cannot unmarshal bool into Go value of type map[string]json.RawMessage')),
      kv('range', '{"key":"Zm9v",}', bad("invalid character '}' looking for beginning of object key string")),
      kv('range', '{"key" "Zm9v"}', bad('invalid character \'"\' after object key')),
      kv('range', '{"key":"Zm9v" x}', bad("invalid character 'x' after object key:value pair")),
      kv('range', '{key:1}', bad("invalid character 'k' looking for beginning of object key string")),
      kv('range', 'nul', bad('unexpected EOF')),
      kv('range', 'nulx', bad("invalid character 'x' in literal null (expecting 'l')")),
      kv('range', 'garbage', bad("invalid character 'g' looking for beginning of value")),
      kv('range', '{"key":"Zm9v","x":[1 2]}', bad("invalid character '2' after array element")),
      kv('range', '{"key":"a\nb"}', bad("invalid character '\\n' in string literal")),
      kv('range', '{"key":"\\x"}', bad("invalid character 'x' in string escape code")),
      kv('range', '{"key":1.}', bad("invalid character '}' after decimal point in numeric literal")),
      kv('range', ' {"key":"Zm9v"} {', ok())
    ]
  },
  {
    id: 'own-txn-types',
    title: 'txn: wrong types for lists and ops',
    steps: [
      kv('txn', { compare: {} }, bad('json: cannot unmarshal object into Go value of type []json.RawMessage')),
      kv('txn', { compare: 'x' }, bad('json: cannot unmarshal string into Go value of type []json.RawMessage')),
      kv('txn', { compare: [5] }, bad('json: cannot unmarshal number into Go value of type map[string]json.RawMessage')),
      kv('txn', { success: [{ request_put: 5 }] }, bad('json: cannot unmarshal number into Go value of type map[string]json.RawMessage')),
      kv('txn', { success: null }, ok())
    ]
  },
  {
    id: 'own-null-element',
    title: 'null elements in repeated messages',
    differences: ['N1'],
    steps: [
      kv('txn', { success: [null] }, bad('etcdserver: key not found')),
      kv('txn', { compare: [null] }, bad(EMPTY_KEY))
    ]
  },
  {
    id: 'own-content-type',
    title: 'any Content-Type is read as JSON',
    steps: [
      kv('range', '{"key":"Zm9v"}', ok(), { 'content-type': 'application/x-www-form-urlencoded' }),
      kv('range', '{"key":"Zm9v"}', ok(), { 'content-type': 'text/plain' }),
      kv('range', '{"key":"Zm9v"}', ok(), { 'content-type': 'application/json' }),
      kv('range', '{"key":"Zm9v"}', ok(), { 'content-type': 'application/octet-stream' }),
      kv('range', '{"key":"Zm9v"}', ok(), {})
    ]
  },
  {
    id: '71',
    title: 'deleterange from key to the end',
    steps: [kv('deleterange', { key: 'a2V5', range_end: 'AA==' }, ok({ contains: ['"deleted":"'] }))]
  },
  {
    id: '137',
    title: 'request size limits',
    steps: [
      kv('put', { key: 'Zm9v', value: Buffer.alloc(Math.round(1.6 * 1024 * 1024), 0x61).toString('base64') }, bad('etcdserver: request is too large')),
      kv('put', { key: 'Zm9v', value: Buffer.alloc(3 * 1024 * 1024, 0x61).toString('base64') }, ERR(8, 'grpc: received message larger than max (3145738 vs. 2097152)'))
    ]
  },
  {
    id: '81+80',
    title: 'compaction: revision 0 once, then compacted and future errors',
    steps: [
      kv('compaction', {}, ok()),
      kv('compaction', {}, ERR(11, 'etcdserver: mvcc: required revision has been compacted')),
      kv('put', { key: 'Y3A=', value: 'MQ==' }),
      kv('put', { key: 'Y3A=', value: 'Mg==' }),
      kv('put', { key: 'Y3A=', value: 'Mw==' }),
      kv('compaction', { revision: 12 }, ok()),
      kv('compaction', { revision: 12 }, ERR(11, 'etcdserver: mvcc: required revision has been compacted')),
      kv('compaction', { revision: 5 }, ERR(11, 'etcdserver: mvcc: required revision has been compacted')),
      kv('compaction', { revision: 100000 }, ERR(11, 'etcdserver: mvcc: required revision is a future revision')),
      kv('compaction', { revision: 13, physical: true }, ok()),
      kv('range', { key: 'Y3A=', revision: 5 }, ERR(11, 'etcdserver: mvcc: required revision has been compacted')),
      kv('range', { key: 'Y3A=', revision: 13 }, ok())
    ]
  }
]

const notAllowed: Expect = { status: 405, text: 'Method Not Allowed\n', contentType: 'text/plain; charset=utf-8' }
const notFound: Expect = { status: 404, text: 'Not Found\n', contentType: 'text/plain; charset=utf-8' }
const pageNotFound: Expect = { status: 404, text: '404 page not found\n', contentType: 'text/plain; charset=utf-8' }

export const httpCases: Case[] = [
  {
    id: '131',
    title: 'wrong method on a gateway path: 405',
    steps: [
      { path: '/v3/kv/range', method: 'GET', expect: notAllowed },
      { path: '/v3/kv/range', method: 'PUT', body: '{}', expect: notAllowed },
      { path: '/v3/kv/put', method: 'DELETE', expect: notAllowed },
      { path: '/v3beta/kv/txn', method: 'GET', expect: notAllowed }
    ]
  },
  {
    id: '132',
    title: 'unknown paths: gateway 404 under /v3/, Go 404 elsewhere',
    steps: [
      { path: '/v3/kv/bogus', body: '{}', expect: notFound },
      { path: '/v3/', method: 'GET', expect: notFound },
      { path: '/v3/kv/range/', body: '{}', expect: notFound },
      { path: '/v3/kv/bogus', body: '{bad json', expect: notFound },
      { path: '/bogus', method: 'GET', expect: pageNotFound },
      { path: '/v3alpha/kv/range', body: '{}', expect: pageNotFound },
      { path: '/V3/kv/range', body: '{}', expect: pageNotFound }
    ]
  },
  {
    id: '134',
    title: '/v3beta alias and ignored query strings',
    steps: [
      { path: '/v3beta/kv/range', body: { key: 'Zm9v' }, expect: { status: 200 } },
      { path: '/v3/kv/range?x=1', body: { key: 'Zm9v' }, expect: { status: 200 } },
      { path: '/v3beta/kv/range?revision=1', body: {}, expect: ERR(3, EMPTY_KEY) }
    ]
  },
  {
    id: '140',
    title: '/health: GET answers text JSON (row 10: ours adds "reason"), other methods 405, exclude and serializable accepted',
    steps: [
      { path: '/health', method: 'GET', expect: { status: 200, contentType: 'text/plain; charset=utf-8', contains: ['{"health":"true"'] }, differences: [10] },
      { path: '/health', method: 'POST', expect: notAllowed },
      { path: '/health?exclude=NOSPACE', method: 'GET', expect: { status: 200, contains: ['{"health":"true"'] }, differences: [10] },
      { path: '/health?serializable=true', method: 'GET', expect: { status: 200, contains: ['{"health":"true"'] }, differences: [10] }
    ]
  },
  {
    id: '141',
    title: 'by default the client port serves no pprof, request traces, peer or v2 paths',
    steps: ['/debug/pprof/', '/debug/requests', '/members', '/v2/keys'].map((path) => ({ path, method: 'GET', expect: pageNotFound }))
  },
  {
    id: '142',
    title: '/version: GET only',
    steps: [
      { path: '/version', method: 'GET', expect: { status: 200, contains: ['{"etcdserver":"', '"etcdcluster":"'] }, differences: [13] },
      { path: '/version', method: 'POST', expect: notAllowed }
    ]
  }
]
