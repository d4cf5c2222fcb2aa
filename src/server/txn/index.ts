export { range } from './range.js'
export { put } from './put.js'
export type { TxnOptions } from './put.js'
export { deleteRange } from './delete.js'
export { txn, isTxnReadonly, isTxnSerializable } from './txn.js'
export { applyCompare, applyCompares, compareKV } from './compare.js'
export {
  DEFAULT_MAX_TXN_OPS, checkDeleteRangeRequest, checkIntervals, checkPutRequest, checkRangeRequest,
  checkRequestOp, checkTxn, checkTxnRequest
} from './validate.js'
export { mkGteRange, revHeader } from './util.js'
export {
  ErrGRPCDuplicateKey, ErrGRPCEmptyKey, ErrGRPCKeyNotFound, ErrGRPCLeaseProvided, ErrGRPCTooManyOps,
  ErrGRPCValueProvided, ErrKeyNotFound, ErrLeaseNotFound
} from './errors.js'
