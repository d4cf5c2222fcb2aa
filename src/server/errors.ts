// etcdserver's sentinel errors (etcd server/etcdserver/errors), as CodedErrors with etcd's exact
// messages. src/api/rpctypes/errors.ts maps each code to the wire.
import { CodedError } from '../pkg/coded-error.js'

function sentinel (code: string, message: string): () => CodedError {
  return () => new CodedError(code, message)
}

export const ErrUnknownMethod = sentinel('ErrUnknownMethod', 'etcdserver: unknown method')
export const ErrStopped = sentinel('ErrStopped', 'etcdserver: server stopped')
export const ErrCanceled = sentinel('ErrCanceled', 'etcdserver: request cancelled')
export const ErrTimeout = sentinel('ErrTimeout', 'etcdserver: request timed out')
export const ErrTimeoutDueToLeaderFail = sentinel('ErrTimeoutDueToLeaderFail', 'etcdserver: request timed out, possibly due to previous leader failure')
export const ErrTimeoutDueToConnectionLost = sentinel('ErrTimeoutDueToConnectionLost', 'etcdserver: request timed out, possibly due to connection lost')
export const ErrTimeoutLeaderTransfer = sentinel('ErrTimeoutLeaderTransfer', 'etcdserver: request timed out, leader transfer took too long')
export const ErrLeaderChanged = sentinel('ErrLeaderChanged', 'etcdserver: leader changed')
export const ErrNotEnoughStartedMembers = sentinel('ErrNotEnoughStartedMembers', 'etcdserver: re-configuration failed due to not enough started members')
export const ErrLearnerNotReady = sentinel('ErrLearnerNotReady', 'etcdserver: can only promote a learner member which is in sync with leader')
export const ErrNoLeader = sentinel('ErrNoLeader', 'etcdserver: no leader')
export const ErrNotLeader = sentinel('ErrNotLeader', 'etcdserver: not leader')
export const ErrRequestTooLarge = sentinel('ErrRequestTooLarge', 'etcdserver: request is too large')
export const ErrNoSpace = sentinel('ErrNoSpace', 'etcdserver: no space')
export const ErrTooManyRequests = sentinel('ErrTooManyRequests', 'etcdserver: too many requests')
export const ErrUnhealthy = sentinel('ErrUnhealthy', 'etcdserver: unhealthy cluster')
export const ErrCorrupt = sentinel('ErrCorrupt', 'etcdserver: corrupt cluster')
export const ErrBadLeaderTransferee = sentinel('ErrBadLeaderTransferee', 'etcdserver: bad leader transferee')
export const ErrTooManyOps = sentinel('ErrTooManyOps', 'etcdserver: too many operations in txn request')
export const ErrEmptyKey = sentinel('ErrEmptyKey', 'etcdserver: key is not provided')
export const ErrLeaseNotFound = sentinel('ErrLeaseNotFound', 'etcdserver: requested lease not found')
export const ErrContextDeadlineExceeded = sentinel('ErrContextDeadlineExceeded', 'context deadline exceeded')
