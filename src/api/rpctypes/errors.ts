// THE error table (architecture decision h, principle 8): every client-visible error, keyed by
// its etcd Go name, with its gRPC code, the exact text the gateway sends and the HTTP status.
// Sources: etcd api/v3rpc/rpctypes/error.go and server/etcdserver/api/v3rpc/util.go
// (toGRPCErrorMap) at v3.5.33, restated in gateway spec §3.3/§3.4. Typed errors thrown anywhere
// in src/ carry a `code` (CodedError); toGatewayError() is the one function that renders them.
import { CodedError } from '../../pkg/coded-error.js'
import { GrpcCode, httpStatusFromCode, statusText } from './codes.js'

/** One row of the table. `message` absent = the error's own message is sent. */
export interface ErrorEntry {
  readonly grpcCode: GrpcCode
  readonly message?: string
  readonly httpStatus: number
}

function row (grpcCode: GrpcCode, message?: string): ErrorEntry {
  return Object.freeze({ grpcCode, message, httpStatus: httpStatusFromCode(grpcCode) })
}

const C = GrpcCode
const es = (m: string): string => `etcdserver: ${m}`

const emptyKey = row(C.InvalidArgument, es('key is not provided'))
const memberNotFound = row(C.NotFound, es('member not found'))
const memberExist = row(C.FailedPrecondition, es('member ID already exist'))
const peerURLExist = row(C.FailedPrecondition, es('Peer URLs already exists'))
const learnerNotReady = row(C.FailedPrecondition, es('can only promote a learner member which is in sync with leader'))
const leaseExist = row(C.FailedPrecondition, es('lease already exists'))
const notSupportedForLearner = row(C.Unavailable, es('rpc not supported for learner'))

/**
 * The table. Keys are etcd's Go names without the `GRPC` infix (`ErrGRPCCompacted` and
 * `mvcc.ErrCompacted` are both `ErrCompacted`); where packages spell a sentinel differently
 * (lease `ErrLeaseExists` vs rpctypes `ErrLeaseExist`, membership `ErrIDNotFound`), every
 * spelling is listed.
 */
export const errorTable: Readonly<Record<string, ErrorEntry>> = Object.freeze({
  // KV request validation (v3rpc/key.go) and txn checks
  ErrEmptyKey: emptyKey,
  ErrKeyNotFound: row(C.InvalidArgument, es('key not found')),
  ErrValueProvided: row(C.InvalidArgument, es('value is provided')),
  ErrLeaseProvided: row(C.InvalidArgument, es('lease is provided')),
  ErrTTLZero: row(C.InvalidArgument, es('ttl is 0')),
  ErrTooManyOps: row(C.InvalidArgument, es('too many operations in txn request')),
  ErrDuplicateKey: row(C.InvalidArgument, es('duplicate key given in txn request')),
  ErrInvalidSortOption: row(C.InvalidArgument, es('invalid sort option')),
  ErrInvalidClientAPIVersion: row(C.InvalidArgument, es('invalid client api version')),
  // mvcc
  ErrCompacted: row(C.OutOfRange, es('mvcc: required revision has been compacted')),
  ErrFutureRev: row(C.OutOfRange, es('mvcc: required revision is a future revision')),
  ErrNoSpace: row(C.ResourceExhausted, es('mvcc: database space exceeded')),
  // lease
  ErrLeaseNotFound: row(C.NotFound, es('requested lease not found')),
  ErrLeaseExist: leaseExist,
  ErrLeaseExists: leaseExist,
  ErrLeaseTTLTooLarge: row(C.OutOfRange, es('too large lease TTL')),
  ErrWatchCanceled: row(C.Canceled, es('watch canceled')),
  // membership
  ErrMemberExist: memberExist,
  ErrIDExists: memberExist,
  ErrPeerURLExist: peerURLExist,
  ErrPeerURLexists: peerURLExist,
  // Declared FailedPrecondition in rpctypes, but util.go maps the sentinel to a client-side
  // error that gRPC sends as Unknown (spec §3.4): code 2, HTTP 500.
  ErrMemberNotEnoughStarted: row(C.Unknown, es('re-configuration failed due to not enough started members')),
  ErrNotEnoughStartedMembers: row(C.Unknown, es('re-configuration failed due to not enough started members')),
  ErrMemberBadURLs: row(C.InvalidArgument, es('given member URLs are invalid')),
  ErrMemberNotFound: memberNotFound,
  ErrIDNotFound: memberNotFound,
  ErrIDRemoved: memberNotFound,
  ErrMemberNotLearner: row(C.FailedPrecondition, es('can only promote a learner member')),
  ErrLearnerNotReady: learnerNotReady,
  ErrMemberLearnerNotReady: learnerNotReady,
  ErrTooManyLearners: row(C.FailedPrecondition, es('too many learner members in cluster')),
  ErrClusterIdMismatch: row(C.FailedPrecondition, es('cluster ID mismatch')),
  ErrClusterIDMismatch: row(C.FailedPrecondition, es('cluster ID mismatch')),
  // request limits
  ErrRequestTooLarge: row(C.InvalidArgument, es('request is too large')),
  // Declared ResourceExhausted, sent as Unknown for the same reason as MemberNotEnoughStarted.
  ErrTooManyRequests: row(C.Unknown, es('too many requests')),
  ErrRequestTooManyRequests: row(C.Unknown, es('too many requests')),
  // auth
  ErrRootUserNotExist: row(C.FailedPrecondition, es('root user does not exist')),
  ErrRootRoleNotExist: row(C.FailedPrecondition, es('root user does not have root role')),
  ErrUserAlreadyExist: row(C.FailedPrecondition, es('user name already exists')),
  ErrUserEmpty: row(C.InvalidArgument, es('user name is empty')),
  ErrUserNotFound: row(C.FailedPrecondition, es('user name not found')),
  ErrRoleAlreadyExist: row(C.FailedPrecondition, es('role name already exists')),
  ErrRoleNotFound: row(C.FailedPrecondition, es('role name not found')),
  ErrRoleEmpty: row(C.InvalidArgument, es('role name is empty')),
  ErrAuthFailed: row(C.InvalidArgument, es('authentication failed, invalid user ID or password')),
  ErrPermissionNotGiven: row(C.InvalidArgument, es('permission not given')),
  ErrPermissionDenied: row(C.PermissionDenied, es('permission denied')),
  ErrRoleNotGranted: row(C.FailedPrecondition, es('role is not granted to the user')),
  ErrPermissionNotGranted: row(C.FailedPrecondition, es('permission is not granted to the role')),
  ErrAuthNotEnabled: row(C.FailedPrecondition, es('authentication is not enabled')),
  ErrInvalidAuthToken: row(C.Unauthenticated, es('invalid auth token')),
  ErrInvalidAuthMgmt: row(C.InvalidArgument, es('invalid auth management')),
  ErrAuthOldRevision: row(C.InvalidArgument, es('revision of auth store is old')),
  // leadership and availability
  ErrNoLeader: row(C.Unavailable, es('no leader')),
  ErrNotLeader: row(C.FailedPrecondition, es('not leader')),
  ErrLeaderChanged: row(C.Unavailable, es('leader changed')),
  ErrNotCapable: row(C.Unavailable, es('not capable')),
  ErrStopped: row(C.Unavailable, es('server stopped')),
  ErrTimeout: row(C.Unavailable, es('request timed out')),
  ErrTimeoutDueToLeaderFail: row(C.Unavailable, es('request timed out, possibly due to previous leader failure')),
  ErrTimeoutDueToConnectionLost: row(C.Unavailable, es('request timed out, possibly due to connection lost')),
  ErrTimeoutWaitAppliedIndex: row(C.Unavailable, es('request timed out, waiting for the applied index took too long')),
  ErrUnhealthy: row(C.Unavailable, es('unhealthy cluster')),
  ErrCorrupt: row(C.DataLoss, es('corrupt cluster')),
  ErrNotSupportedForLearner: notSupportedForLearner,
  ErrBadLeaderTransferee: row(C.FailedPrecondition, es('bad leader transferee')),
  // downgrade (3.5+)
  ErrClusterVersionUnavailable: row(C.Unavailable, es('cluster version not found during downgrade')),
  ErrWrongDowngradeVersionFormat: row(C.InvalidArgument, es('wrong downgrade target version format')),
  ErrInvalidDowngradeTargetVersion: row(C.InvalidArgument, es('invalid downgrade target version')),
  ErrDowngradeInProcess: row(C.FailedPrecondition, es('cluster has a downgrade job in progress')),
  ErrNoInflightDowngrade: row(C.FailedPrecondition, es('no inflight downgrade job')),
  // context errors, which gRPC converts itself (3.5: status.FromContextError)
  ErrContextCanceled: row(C.Canceled, 'context canceled'),
  ErrContextDeadlineExceeded: row(C.DeadlineExceeded, 'context deadline exceeded'),
  ErrDeadlineExceeded: row(C.DeadlineExceeded, 'context deadline exceeded'),
  // transport-level errors whose text depends on the request
  /** A request body that does not decode (JSON syntax, types, base64, enums): 400, code 3. */
  ErrJSONDecode: row(C.InvalidArgument),
  /** A request larger than the gRPC receive limit (max-request-bytes + 512 KiB): 429, code 8. */
  ErrMessageTooLarge: row(C.ResourceExhausted),
  /** An error etcd sends as a bare gRPC Unknown (code 2, HTTP 500) with its own text (§3.4). */
  ErrUnknown: row(C.Unknown),
  /** A request handler that does not exist in this build (code 12, HTTP 501). */
  ErrUnimplemented: row(C.Unimplemented)
})

/** Strips the `GRPC` (and etcd's misspelt `GPRC`) infix: `ErrGRPCNoLeader` → `ErrNoLeader`. */
function normalize (code: string): string {
  return code.startsWith('ErrGRPC') || code.startsWith('ErrGPRC') ? 'Err' + code.slice(7) : code
}

/** The table row of an error code, if the table has one. */
export function lookupError (code: string): ErrorEntry | undefined {
  return errorTable[code] ?? errorTable[normalize(code)]
}

/** What a unary gateway error answer is made of. */
export interface GatewayError {
  status: number
  body: { error: string, code: number, message: string }
}

/** The gRPC code and message an error reaches a client with (etcd's togRPCError). */
export function toStatus (err: unknown): { code: GrpcCode, message: string } {
  if (err instanceof CodedError) {
    const entry = lookupError(err.code)
    if (entry !== undefined) return { code: entry.grpcCode, message: entry.message ?? err.message }
    return { code: C.Unknown, message: err.message }
  }
  if (err instanceof Error) return { code: C.Unknown, message: err.message }
  return { code: C.Unknown, message: String(err) }
}

/**
 * Renders any error as the gateway's unary error answer: HTTP status per §3.2 and the 3.5 body
 * `{"error","code","message"}` in that key order. Errors outside the table are code 2 / 500
 * with their own message, as gRPC does with a non-status error.
 */
export function toGatewayError (err: unknown): GatewayError {
  const { code, message } = toStatus(err)
  return { status: httpStatusFromCode(code), body: { error: message, code, message } }
}

/** The error object a stream writes as its last chunk (3.4/3.5 shape, spec §1.6). */
export function toStreamError (err: unknown): { error: { grpc_code: number, http_code: number, message: string, http_status: string } } {
  const { code, message } = toStatus(err)
  const status = httpStatusFromCode(code)
  return { error: { grpc_code: code, http_code: status, message, http_status: statusText(status) } }
}

/**
 * Wraps an error the way etcd's embedded Go client returns it to v3lock/v3election (and the way
 * maintenance root checks leak raw auth errors, §3.4): a bare Unknown whose text is what the
 * error would have said on the wire, or, with `raw`, the error's own package text.
 */
export function toUnknownError (err: unknown, raw = false): CodedError {
  const message = raw && err instanceof Error ? err.message : toStatus(err).message
  return new CodedError('ErrUnknown', message, { cause: err })
}

/** A request body that cannot be decoded: code 3 with the parser's text. */
export class JSONDecodeError extends CodedError {
  constructor (message: string) {
    super('ErrJSONDecode', message)
  }
}

/** A request over the receive limit, with gRPC's text (`grpc: received message larger than max (N vs. M)`). */
export class MessageTooLargeError extends CodedError {
  constructor (size: number, max: number) {
    super('ErrMessageTooLarge', `grpc: received message larger than max (${size} vs. ${max})`)
  }
}
