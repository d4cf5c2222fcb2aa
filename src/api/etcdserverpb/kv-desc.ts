// Wire descriptors of the KV service's messages (etcd api/etcdserverpb/rpc.proto): proto names,
// tags and kinds in tag order, for the JSON codec (../json) and the proto size check.
import { enumDesc, message } from '../json/descriptor.js'
import { KeyValueDesc } from '../mvccpb/kv-desc.js'
import { CompareResult, CompareTarget, SortOrder, SortTarget } from './kv.js'

export const SortOrderEnum = enumDesc('etcdserverpb.RangeRequest_SortOrder', SortOrder)
export const SortTargetEnum = enumDesc('etcdserverpb.RangeRequest_SortTarget', SortTarget)
export const CompareResultEnum = enumDesc('etcdserverpb.Compare_CompareResult', CompareResult)
export const CompareTargetEnum = enumDesc('etcdserverpb.Compare_CompareTarget', CompareTarget)

export const ResponseHeaderDesc = message('etcdserverpb.ResponseHeader', [
  ['cluster_id', 1, { kind: 'uint64' }],
  ['member_id', 2, { kind: 'uint64' }],
  ['revision', 3, { kind: 'int64' }],
  ['raft_term', 4, { kind: 'uint64' }]
])

export const RangeRequestDesc = message('etcdserverpb.RangeRequest', [
  ['key', 1, { kind: 'bytes' }],
  ['range_end', 2, { kind: 'bytes' }],
  ['limit', 3, { kind: 'int64' }],
  ['revision', 4, { kind: 'int64' }],
  ['sort_order', 5, { kind: 'enum', enumType: SortOrderEnum }],
  ['sort_target', 6, { kind: 'enum', enumType: SortTargetEnum }],
  ['serializable', 7, { kind: 'bool' }],
  ['keys_only', 8, { kind: 'bool' }],
  ['count_only', 9, { kind: 'bool' }],
  ['min_mod_revision', 10, { kind: 'int64' }],
  ['max_mod_revision', 11, { kind: 'int64' }],
  ['min_create_revision', 12, { kind: 'int64' }],
  ['max_create_revision', 13, { kind: 'int64' }]
])

export const RangeResponseDesc = message('etcdserverpb.RangeResponse', [
  ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }],
  ['kvs', 2, { kind: 'message', repeated: true, message: () => KeyValueDesc }],
  ['more', 3, { kind: 'bool' }],
  ['count', 4, { kind: 'int64' }]
])

export const PutRequestDesc = message('etcdserverpb.PutRequest', [
  ['key', 1, { kind: 'bytes' }],
  ['value', 2, { kind: 'bytes' }],
  ['lease', 3, { kind: 'int64' }],
  ['prev_kv', 4, { kind: 'bool' }],
  ['ignore_value', 5, { kind: 'bool' }],
  ['ignore_lease', 6, { kind: 'bool' }]
])

export const PutResponseDesc = message('etcdserverpb.PutResponse', [
  ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }],
  ['prev_kv', 2, { kind: 'message', message: () => KeyValueDesc }]
])

export const DeleteRangeRequestDesc = message('etcdserverpb.DeleteRangeRequest', [
  ['key', 1, { kind: 'bytes' }],
  ['range_end', 2, { kind: 'bytes' }],
  ['prev_kv', 3, { kind: 'bool' }]
])

export const DeleteRangeResponseDesc = message('etcdserverpb.DeleteRangeResponse', [
  ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }],
  ['deleted', 2, { kind: 'int64' }],
  ['prev_kvs', 3, { kind: 'message', repeated: true, message: () => KeyValueDesc }]
])

export const RequestOpDesc = message('etcdserverpb.RequestOp', [
  ['request_range', 1, { kind: 'message', message: () => RangeRequestDesc, oneof: 'request' }],
  ['request_put', 2, { kind: 'message', message: () => PutRequestDesc, oneof: 'request' }],
  ['request_delete_range', 3, { kind: 'message', message: () => DeleteRangeRequestDesc, oneof: 'request' }],
  ['request_txn', 4, { kind: 'message', message: () => TxnRequestDesc, oneof: 'request' }]
])

export const ResponseOpDesc = message('etcdserverpb.ResponseOp', [
  ['response_range', 1, { kind: 'message', message: () => RangeResponseDesc, oneof: 'response' }],
  ['response_put', 2, { kind: 'message', message: () => PutResponseDesc, oneof: 'response' }],
  ['response_delete_range', 3, { kind: 'message', message: () => DeleteRangeResponseDesc, oneof: 'response' }],
  ['response_txn', 4, { kind: 'message', message: () => TxnResponseDesc, oneof: 'response' }]
])

const target = { oneof: 'target_union', group: 'targetUnion' } as const

export const CompareDesc = message('etcdserverpb.Compare', [
  ['result', 1, { kind: 'enum', enumType: CompareResultEnum }],
  ['target', 2, { kind: 'enum', enumType: CompareTargetEnum }],
  ['key', 3, { kind: 'bytes' }],
  ['version', 4, { kind: 'int64', ...target }],
  ['create_revision', 5, { kind: 'int64', ...target }],
  ['mod_revision', 6, { kind: 'int64', ...target }],
  ['value', 7, { kind: 'bytes', ...target }],
  ['lease', 8, { kind: 'int64', ...target }],
  ['range_end', 64, { kind: 'bytes' }]
])

export const TxnRequestDesc = message('etcdserverpb.TxnRequest', [
  ['compare', 1, { kind: 'message', repeated: true, message: () => CompareDesc }],
  ['success', 2, { kind: 'message', repeated: true, message: () => RequestOpDesc }],
  ['failure', 3, { kind: 'message', repeated: true, message: () => RequestOpDesc }]
])

export const TxnResponseDesc = message('etcdserverpb.TxnResponse', [
  ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }],
  ['succeeded', 2, { kind: 'bool' }],
  ['responses', 3, { kind: 'message', repeated: true, message: () => ResponseOpDesc }]
])

export const CompactionRequestDesc = message('etcdserverpb.CompactionRequest', [
  ['revision', 1, { kind: 'int64' }],
  ['physical', 2, { kind: 'bool' }]
])

export const CompactionResponseDesc = message('etcdserverpb.CompactionResponse', [
  ['header', 1, { kind: 'message', message: () => ResponseHeaderDesc }]
])
