// The KV service's messages, shaped like etcd's api/etcdserverpb/rpc.proto. These are the
// transport-neutral types the core takes and returns (architecture decision j): int64/uint64
// are bigint, bytes are Uint8Array, and an absent optional field means the proto zero value.
// The JSON gateway form and its TypeBox schemas live in ../codec.ts and ./kv-json.ts.
import type { KeyValue } from '../mvccpb/kv.js'

export interface ResponseHeader {
  clusterId: bigint
  memberId: bigint
  /** Omitted (undefined) on cluster-service responses, as etcd does. */
  revision?: bigint
  raftTerm: bigint
}

export const SortOrder = { NONE: 0, ASCEND: 1, DESCEND: 2 } as const
export type SortOrder = typeof SortOrder[keyof typeof SortOrder]

export const SortTarget = { KEY: 0, VERSION: 1, CREATE: 2, MOD: 3, VALUE: 4 } as const
export type SortTarget = typeof SortTarget[keyof typeof SortTarget]

export interface RangeRequest {
  key?: Uint8Array
  rangeEnd?: Uint8Array
  limit?: bigint
  revision?: bigint
  sortOrder?: SortOrder
  sortTarget?: SortTarget
  serializable?: boolean
  keysOnly?: boolean
  countOnly?: boolean
  minModRevision?: bigint
  maxModRevision?: bigint
  minCreateRevision?: bigint
  maxCreateRevision?: bigint
}

export interface RangeResponse {
  header: ResponseHeader
  kvs: KeyValue[]
  more: boolean
  count: bigint
}

export interface PutRequest {
  key?: Uint8Array
  value?: Uint8Array
  lease?: bigint
  prevKv?: boolean
  ignoreValue?: boolean
  ignoreLease?: boolean
}

export interface PutResponse {
  header: ResponseHeader
  prevKv?: KeyValue
}

export interface DeleteRangeRequest {
  key?: Uint8Array
  rangeEnd?: Uint8Array
  prevKv?: boolean
}

export interface DeleteRangeResponse {
  header: ResponseHeader
  deleted: bigint
  prevKvs: KeyValue[]
}

/** A oneof: exactly one member is set. */
export type RequestOp =
  | { requestRange: RangeRequest }
  | { requestPut: PutRequest }
  | { requestDeleteRange: DeleteRangeRequest }
  | { requestTxn: TxnRequest }

export type ResponseOp =
  | { responseRange: RangeResponse }
  | { responsePut: PutResponse }
  | { responseDeleteRange: DeleteRangeResponse }
  | { responseTxn: TxnResponse }

export const CompareResult = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const
export type CompareResult = typeof CompareResult[keyof typeof CompareResult]

export const CompareTarget = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3, LEASE: 4 } as const
export type CompareTarget = typeof CompareTarget[keyof typeof CompareTarget]

/** The target_union oneof of Compare: at most one is set (none = zero value of `target`). */
export type CompareTargetUnion =
  | { version: bigint }
  | { createRevision: bigint }
  | { modRevision: bigint }
  | { value: Uint8Array }
  | { lease: bigint }

export interface Compare {
  result?: CompareResult
  target?: CompareTarget
  key?: Uint8Array
  targetUnion?: CompareTargetUnion
  rangeEnd?: Uint8Array
}

export interface TxnRequest {
  compare?: Compare[]
  success?: RequestOp[]
  failure?: RequestOp[]
}

export interface TxnResponse {
  header: ResponseHeader
  succeeded: boolean
  responses: ResponseOp[]
}

export interface CompactionRequest {
  revision?: bigint
  physical?: boolean
}

export interface CompactionResponse {
  header: ResponseHeader
}

/**
 * The KV service as the gateway routes see it (etcd's etcdserverpb.KVServer). EtcdServer
 * implements it; routes/v3/kv.ts calls it through the `etcd` decorator. Failures are thrown as
 * typed errors that src/api/rpctypes/errors.ts maps to the wire.
 */
export interface KVServer {
  range (r: RangeRequest): Promise<RangeResponse>
  put (r: PutRequest): Promise<PutResponse>
  deleteRange (r: DeleteRangeRequest): Promise<DeleteRangeResponse>
  txn (r: TxnRequest): Promise<TxnResponse>
  compact (r: CompactionRequest): Promise<CompactionResponse>
}
