// TypeBox schemas of the KV service's JSON form, for the route definitions and the generated
// OpenAPI document. They document; they do not validate: etcd accepts both field spellings,
// integers as strings or numbers, and unknown fields, and answers bad content with exact texts
// the codec (../codec.ts) produces, so the client API compiles no validator from them.
import { Type, type TSchema } from 'typebox'

const RANGE_END = 'End of the range [key, range_end), base64. Absent: only `key`. ' +
  '`AA==` (a single zero byte): every key ≥ `key`; with `key` = `AA==` too: every key. ' +
  'Prefix query: `key` with its last byte incremented (prefix `foo` = `Zm9v` → `Zm9w`). ' +
  'A range_end ≤ key selects nothing.'

/** A bytes field: standard base64 with padding (`Zm9v` = "foo"). */
export const Bytes = (description: string, example?: string): TSchema =>
  Type.String({ format: 'byte', description, ...(example !== undefined ? { examples: [example] } : {}) })

/** An int64 request field: a decimal string or a JSON number (bare numbers above 2^53 are read losslessly). */
export const Int64In = (description: string): TSchema =>
  Type.Union([Type.String({ pattern: '^-?[0-9]+$' }), Type.Integer()], { description: `${description} int64: decimal string or number.` })

/** An int64/uint64 response field: always a decimal string. */
export const Int64Out = (description: string): TSchema =>
  Type.String({ pattern: '^-?[0-9]+$', description: `${description} (int64 as a decimal string)` })

/** An enum request field: the value name, or its number. */
export const EnumIn = (names: readonly string[], description: string): TSchema =>
  Type.Union([Type.String({ enum: [...names] }), Type.Integer()], { description: `${description} Name or number; ${names[0]} (0) is the default.` })

const lenient = { additionalProperties: true }

export const ResponseHeaderJson = Type.Object({
  cluster_id: Type.Optional(Int64Out('ID of the cluster')),
  member_id: Type.Optional(Int64Out('ID of the member that answered')),
  revision: Type.Optional(Int64Out('Store revision when the request was applied; nested txn headers carry only this')),
  raft_term: Type.Optional(Int64Out('Raft term when the request was applied'))
}, { $id: 'ResponseHeader', description: 'Fields that are zero are omitted.' })

export const KeyValueJson = Type.Object({
  key: Type.Optional(Bytes('The key, base64')),
  create_revision: Type.Optional(Int64Out('Revision of the last creation of the key')),
  mod_revision: Type.Optional(Int64Out('Revision of the last modification of the key')),
  version: Type.Optional(Int64Out('Number of modifications since creation (1 on create)')),
  value: Type.Optional(Bytes('The value, base64; absent when empty or with keys_only')),
  lease: Type.Optional(Int64Out('ID of the attached lease; absent when none'))
}, { $id: 'KeyValue' })

export const RangeRequestJson = Type.Object({
  key: Bytes('First key of the range, base64 (required).', 'Zm9v'),
  range_end: Type.Optional(Bytes(RANGE_END, 'Zm9w')),
  limit: Type.Optional(Int64In('Maximum number of keys returned; 0 = no limit.')),
  revision: Type.Optional(Int64In('Point-in-time revision to read at; ≤ 0 = latest.')),
  sort_order: Type.Optional(EnumIn(['NONE', 'ASCEND', 'DESCEND'], 'Sort order.')),
  sort_target: Type.Optional(EnumIn(['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'], 'Field to sort by.')),
  serializable: Type.Optional(Type.Boolean({ description: 'Serve from the local member without consensus.' })),
  keys_only: Type.Optional(Type.Boolean({ description: 'Return keys without values.' })),
  count_only: Type.Optional(Type.Boolean({ description: 'Return only the count.' })),
  min_mod_revision: Type.Optional(Int64In('Lower bound on mod_revision; 0 = none.')),
  max_mod_revision: Type.Optional(Int64In('Upper bound on mod_revision; 0 = none.')),
  min_create_revision: Type.Optional(Int64In('Lower bound on create_revision; 0 = none.')),
  max_create_revision: Type.Optional(Int64In('Upper bound on create_revision; 0 = none.'))
}, {
  ...lenient,
  $id: 'RangeRequest',
  description: 'Field names may also be written in lowerCamelCase (`rangeEnd`, `keysOnly`).',
  examples: [{ key: 'Zm9v' }, { key: 'Zm9v', range_end: 'Zm9w' }, { key: 'AA==', range_end: 'AA==', limit: '10' }]
})

export const RangeResponseJson = Type.Object({
  header: Type.Optional(ResponseHeaderJson),
  kvs: Type.Optional(Type.Array(KeyValueJson, { description: 'Matching keys; absent when none' })),
  more: Type.Optional(Type.Boolean({ description: 'True when `limit` cut the result' })),
  count: Type.Optional(Int64Out('Number of keys in the range, before limit and filters'))
}, { $id: 'RangeResponse', description: 'The keys in the range. Zero fields are omitted: no match answers `{"header":{…}}` only.' })

export const PutRequestJson = Type.Object({
  key: Bytes('Key to write, base64 (required).', 'Zm9v'),
  value: Type.Optional(Bytes('Value, base64.', 'YmFy')),
  lease: Type.Optional(Int64In('Lease to attach; 0 = none.')),
  prev_kv: Type.Optional(Type.Boolean({ description: 'Return the previous key-value.' })),
  ignore_value: Type.Optional(Type.Boolean({ description: 'Keep the current value (the key must exist).' })),
  ignore_lease: Type.Optional(Type.Boolean({ description: 'Keep the current lease (the key must exist).' }))
}, {
  ...lenient,
  $id: 'PutRequest',
  description: 'Field names may also be written in lowerCamelCase (`prevKv`).',
  examples: [{ key: 'Zm9v', value: 'YmFy' }]
})

export const PutResponseJson = Type.Object({
  header: Type.Optional(ResponseHeaderJson),
  prev_kv: Type.Optional(KeyValueJson)
}, { $id: 'PutResponse', description: 'The revision of the write, and the previous key-value when asked for.' })

export const DeleteRangeRequestJson = Type.Object({
  key: Bytes('First key to delete, base64 (required).', 'Zm9v'),
  range_end: Type.Optional(Bytes(RANGE_END)),
  prev_kv: Type.Optional(Type.Boolean({ description: 'Return the deleted key-values.' }))
}, { ...lenient, $id: 'DeleteRangeRequest', examples: [{ key: 'Zm9v' }] })

export const DeleteRangeResponseJson = Type.Object({
  header: Type.Optional(ResponseHeaderJson),
  deleted: Type.Optional(Int64Out('Number of keys deleted; absent when 0')),
  prev_kvs: Type.Optional(Type.Array(KeyValueJson))
}, { $id: 'DeleteRangeResponse', description: 'How many keys were deleted. Deleting nothing does not change the revision.' })

const RangeRef = Type.Ref('RangeRequest')
const PutRef = Type.Ref('PutRequest')
const DeleteRef = Type.Ref('DeleteRangeRequest')
const TxnRef = Type.Ref('TxnRequest')

export const RequestOpJson = Type.Object({
  request_range: Type.Optional(RangeRef),
  request_put: Type.Optional(PutRef),
  request_delete_range: Type.Optional(DeleteRef),
  request_txn: Type.Optional(TxnRef)
}, { ...lenient, $id: 'RequestOp', description: 'Exactly one of the fields. An empty op fails with `etcdserver: key not found`.' })

export const CompareJson = Type.Object({
  result: Type.Optional(EnumIn(['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'], 'Comparison.')),
  target: Type.Optional(EnumIn(['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'], 'What to compare.')),
  key: Bytes('Key to compare, base64 (required).', 'Zm9v'),
  version: Type.Optional(Int64In('Operand for target VERSION.')),
  create_revision: Type.Optional(Int64In('Operand for target CREATE (0 = the key does not exist).')),
  mod_revision: Type.Optional(Int64In('Operand for target MOD.')),
  value: Type.Optional(Bytes('Operand for target VALUE, base64.')),
  lease: Type.Optional(Int64In('Operand for target LEASE.')),
  range_end: Type.Optional(Bytes('Compare every key in [key, range_end).'))
}, { ...lenient, $id: 'Compare', description: 'Set one operand field; the one set is used whatever `target` says.' })

export const TxnRequestJson = Type.Object({
  compare: Type.Optional(Type.Array(CompareJson, { description: 'All must hold for `success` to run.' })),
  success: Type.Optional(Type.Array(RequestOpJson, { description: 'Run when every compare holds.' })),
  failure: Type.Optional(Type.Array(RequestOpJson, { description: 'Run otherwise.' }))
}, {
  ...lenient,
  $id: 'TxnRequest',
  description: 'Atomic if/then/else. Field names may also be written in lowerCamelCase (`requestPut`, `createRevision`).',
  examples: [{
    compare: [{ result: 'EQUAL', target: 'CREATE', key: 'Zm9v', create_revision: '0' }],
    success: [{ request_put: { key: 'Zm9v', value: 'YmFy' } }],
    failure: [{ request_range: { key: 'Zm9v' } }]
  }]
})

export const ResponseOpJson = Type.Object({
  response_range: Type.Optional(Type.Ref('RangeResponse')),
  response_put: Type.Optional(Type.Ref('PutResponse')),
  response_delete_range: Type.Optional(Type.Ref('DeleteRangeResponse')),
  response_txn: Type.Optional(Type.Ref('TxnResponse'))
}, { $id: 'ResponseOp' })

export const TxnResponseJson = Type.Object({
  header: Type.Optional(ResponseHeaderJson),
  succeeded: Type.Optional(Type.Boolean({ description: 'True when the compares held; absent when false' })),
  responses: Type.Optional(Type.Array(ResponseOpJson, { description: 'One per op of the branch that ran' }))
}, { $id: 'TxnResponse', description: 'Which branch ran and one response per op; nested headers carry only `revision`.' })

export const CompactionRequestJson = Type.Object({
  revision: Type.Optional(Int64In('Compact every revision below this one.')),
  physical: Type.Optional(Type.Boolean({ description: 'Wait until the backend has removed the compacted revisions.' }))
}, { ...lenient, $id: 'CompactionRequest', examples: [{ revision: '1' }] })

export const CompactionResponseJson = Type.Object({
  header: Type.Optional(ResponseHeaderJson)
}, { $id: 'CompactionResponse', description: 'Compaction never changes the revision.' })

/** The gateway's error body (etcd 3.5 shape; 3.6 clients read `code` and `message`). */
export const ErrorJson = Type.Object({
  error: Type.String({ description: 'The message (etcd 3.4/3.5 clients read this)' }),
  code: Type.Integer({ description: 'gRPC status code (3 InvalidArgument, 11 OutOfRange, 14 Unavailable, …)' }),
  message: Type.String({ description: 'The message again (etcd 3.6 clients read this)' })
}, { $id: 'Error', description: 'An error. The HTTP status follows the gRPC code: 3, 9, 11 → 400; 4 → 504; 5 → 404; 7 → 403; 8 → 429; 14 → 503; 16 → 401; 2, 13, 15 → 500.', examples: [{ error: 'etcdserver: key is not provided', code: 3, message: 'etcdserver: key is not provided' }] })

/** Every KV schema with an `$id`, to add to the Fastify instance (app.addSchema) before the routes. */
export const kvSchemas: readonly TSchema[] = [
  ResponseHeaderJson, KeyValueJson, RangeRequestJson, RangeResponseJson, PutRequestJson, PutResponseJson,
  DeleteRangeRequestJson, DeleteRangeResponseJson, CompareJson, RequestOpJson, TxnRequestJson, ResponseOpJson,
  TxnResponseJson, CompactionRequestJson, CompactionResponseJson, ErrorJson
]
