// The lessor's sentinel errors (etcd server/lease/lessor.go), as CodedErrors. The wire texts
// live in src/api/rpctypes/errors.ts; these carry the lease package's own messages.
import { CodedError } from '../pkg/coded-error.js'

/** No lease with that ID (wire: "etcdserver: requested lease not found", 5/404). */
export class ErrLeaseNotFound extends CodedError {
  constructor () { super('ErrLeaseNotFound', 'lease not found') }
}

/** Grant of an ID that is already granted (wire: "etcdserver: lease already exists", 9/400). */
export class ErrLeaseExists extends CodedError {
  constructor () { super('ErrLeaseExists', 'lease already exists') }
}

/** A TTL above MAX_LEASE_TTL (wire: "etcdserver: too large lease TTL", 11/400). */
export class ErrLeaseTTLTooLarge extends CodedError {
  constructor () { super('ErrLeaseTTLTooLarge', 'too large lease TTL') }
}

/** Keep-alive on a lessor that is not the primary (this member is not the leader). */
export class ErrNotPrimary extends CodedError {
  constructor () { super('ErrNotPrimary', 'not a primary lessor') }
}
