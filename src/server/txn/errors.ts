import { CodedError } from '../../pkg/coded-error.js'

// The request errors of etcd's etcdserver/txn and api/v3rpc/rpctypes that this package raises.
// `code` is etcd's Go name; src/api/rpctypes/errors.ts maps each code to the wire.

/** put with ignore_value/ignore_lease on a missing key; an empty RequestOp in a txn. */
export class ErrKeyNotFound extends CodedError {
  constructor () { super('ErrKeyNotFound', 'etcdserver: key not found') }
}

/** A put names a lease the lessor does not know (wire: "etcdserver: requested lease not found"). */
export class ErrLeaseNotFound extends CodedError {
  constructor () { super('ErrLeaseNotFound', 'lease not found') }
}

/** Empty key in a range, put, delete, compare or nested op. */
export class ErrGRPCEmptyKey extends CodedError {
  constructor () { super('ErrGRPCEmptyKey', 'etcdserver: key is not provided') }
}

/** ignore_value with a non-empty value. */
export class ErrGRPCValueProvided extends CodedError {
  constructor () { super('ErrGRPCValueProvided', 'etcdserver: value is provided') }
}

/** ignore_lease with a non-zero lease. */
export class ErrGRPCLeaseProvided extends CodedError {
  constructor () { super('ErrGRPCLeaseProvided', 'etcdserver: lease is provided') }
}

/** More than max-txn-ops compares, success ops or failure ops. */
export class ErrGRPCTooManyOps extends CodedError {
  constructor () { super('ErrGRPCTooManyOps', 'etcdserver: too many operations in txn request') }
}

/** The same key put twice, or put inside a deleted range, in one txn path. */
export class ErrGRPCDuplicateKey extends CodedError {
  constructor () { super('ErrGRPCDuplicateKey', 'etcdserver: duplicate key given in txn request') }
}

/** An empty RequestOp (no request set) in a txn: etcd answers with "key not found". */
export class ErrGRPCKeyNotFound extends CodedError {
  constructor () { super('ErrGRPCKeyNotFound', 'etcdserver: key not found') }
}
