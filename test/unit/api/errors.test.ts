import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CodedError } from '../../../src/pkg/coded-error.js'
import { GrpcCode, httpStatusFromCode } from '../../../src/api/rpctypes/codes.js'
import {
  errorTable, JSONDecodeError, lookupError, MessageTooLargeError, toGatewayError, toStreamError, toUnknownError
} from '../../../src/api/rpctypes/errors.js'

describe('rpctypes: gRPC code → HTTP status (spec §3.2, 3.5 target)', () => {
  const table: Array<[number, number]> = [
    [0, 200], [1, 408], [2, 500], [3, 400], [4, 504], [5, 404], [6, 409], [7, 403], [8, 429],
    [9, 400], [10, 409], [11, 400], [12, 501], [13, 500], [14, 503], [15, 500], [16, 401], [17, 500], [-1, 500]
  ]
  for (const [code, status] of table) {
    it(`code ${code} → ${status}`, () => assert.equal(httpStatusFromCode(code), status))
  }
})

describe('rpctypes: the error table (spec §3.3, §3.4)', () => {
  // [code thrown by the core, gRPC code, exact gateway text, HTTP status]
  const cases: Array<[string, number, string, number]> = [
    ['ErrEmptyKey', 3, 'etcdserver: key is not provided', 400],
    ['ErrKeyNotFound', 3, 'etcdserver: key not found', 400],
    ['ErrValueProvided', 3, 'etcdserver: value is provided', 400],
    ['ErrLeaseProvided', 3, 'etcdserver: lease is provided', 400],
    ['ErrTooManyOps', 3, 'etcdserver: too many operations in txn request', 400],
    ['ErrDuplicateKey', 3, 'etcdserver: duplicate key given in txn request', 400],
    ['ErrCompacted', 11, 'etcdserver: mvcc: required revision has been compacted', 400],
    ['ErrFutureRev', 11, 'etcdserver: mvcc: required revision is a future revision', 400],
    ['ErrNoSpace', 8, 'etcdserver: mvcc: database space exceeded', 429],
    ['ErrLeaseNotFound', 5, 'etcdserver: requested lease not found', 404],
    ['ErrLeaseExists', 9, 'etcdserver: lease already exists', 400],
    ['ErrGRPCLeaseExist', 9, 'etcdserver: lease already exists', 400],
    ['ErrLeaseTTLTooLarge', 11, 'etcdserver: too large lease TTL', 400],
    ['ErrIDExists', 9, 'etcdserver: member ID already exist', 400],
    ['ErrPeerURLexists', 9, 'etcdserver: Peer URLs already exists', 400],
    ['ErrNotEnoughStartedMembers', 2, 'etcdserver: re-configuration failed due to not enough started members', 500],
    ['ErrMemberBadURLs', 3, 'etcdserver: given member URLs are invalid', 400],
    ['ErrIDNotFound', 5, 'etcdserver: member not found', 404],
    ['ErrIDRemoved', 5, 'etcdserver: member not found', 404],
    ['ErrMemberNotLearner', 9, 'etcdserver: can only promote a learner member', 400],
    ['ErrLearnerNotReady', 9, 'etcdserver: can only promote a learner member which is in sync with leader', 400],
    ['ErrTooManyLearners', 9, 'etcdserver: too many learner members in cluster', 400],
    ['ErrRequestTooLarge', 3, 'etcdserver: request is too large', 400],
    ['ErrTooManyRequests', 2, 'etcdserver: too many requests', 500],
    ['ErrRootUserNotExist', 9, 'etcdserver: root user does not exist', 400],
    ['ErrRootRoleNotExist', 9, 'etcdserver: root user does not have root role', 400],
    ['ErrUserAlreadyExist', 9, 'etcdserver: user name already exists', 400],
    ['ErrUserEmpty', 3, 'etcdserver: user name is empty', 400],
    ['ErrUserNotFound', 9, 'etcdserver: user name not found', 400],
    ['ErrRoleAlreadyExist', 9, 'etcdserver: role name already exists', 400],
    ['ErrRoleNotFound', 9, 'etcdserver: role name not found', 400],
    ['ErrRoleEmpty', 3, 'etcdserver: role name is empty', 400],
    ['ErrAuthFailed', 3, 'etcdserver: authentication failed, invalid user ID or password', 400],
    ['ErrPermissionNotGiven', 3, 'etcdserver: permission not given', 400],
    ['ErrPermissionDenied', 7, 'etcdserver: permission denied', 403],
    ['ErrRoleNotGranted', 9, 'etcdserver: role is not granted to the user', 400],
    ['ErrPermissionNotGranted', 9, 'etcdserver: permission is not granted to the role', 400],
    ['ErrAuthNotEnabled', 9, 'etcdserver: authentication is not enabled', 400],
    ['ErrInvalidAuthToken', 16, 'etcdserver: invalid auth token', 401],
    ['ErrInvalidAuthMgmt', 3, 'etcdserver: invalid auth management', 400],
    ['ErrAuthOldRevision', 3, 'etcdserver: revision of auth store is old', 400],
    ['ErrNoLeader', 14, 'etcdserver: no leader', 503],
    ['ErrNotLeader', 9, 'etcdserver: not leader', 400],
    ['ErrLeaderChanged', 14, 'etcdserver: leader changed', 503],
    ['ErrGRPCNotCapable', 14, 'etcdserver: not capable', 503],
    ['ErrStopped', 14, 'etcdserver: server stopped', 503],
    ['ErrTimeout', 14, 'etcdserver: request timed out', 503],
    ['ErrTimeoutDueToLeaderFail', 14, 'etcdserver: request timed out, possibly due to previous leader failure', 503],
    ['ErrTimeoutDueToConnectionLost', 14, 'etcdserver: request timed out, possibly due to connection lost', 503],
    ['ErrTimeoutWaitAppliedIndex', 14, 'etcdserver: request timed out, waiting for the applied index took too long', 503],
    ['ErrUnhealthy', 14, 'etcdserver: unhealthy cluster', 503],
    ['ErrCorrupt', 15, 'etcdserver: corrupt cluster', 500],
    ['ErrGPRCNotSupportedForLearner', 14, 'etcdserver: rpc not supported for learner', 503],
    ['ErrBadLeaderTransferee', 9, 'etcdserver: bad leader transferee', 400],
    ['ErrWrongDowngradeVersionFormat', 3, 'etcdserver: wrong downgrade target version format', 400],
    ['ErrInvalidDowngradeTargetVersion', 3, 'etcdserver: invalid downgrade target version', 400],
    ['ErrClusterVersionUnavailable', 14, 'etcdserver: cluster version not found during downgrade', 503],
    ['ErrDowngradeInProcess', 9, 'etcdserver: cluster has a downgrade job in progress', 400],
    ['ErrNoInflightDowngrade', 9, 'etcdserver: no inflight downgrade job', 400],
    ['ErrContextDeadlineExceeded', 4, 'context deadline exceeded', 504],
    ['ErrContextCanceled', 1, 'context canceled', 408]
  ]
  for (const [code, grpc, message, status] of cases) {
    it(`${code} → ${grpc} / ${status} "${message}"`, () => {
      // The core's own text (package prefix) never reaches the wire: the table's does.
      const g = toGatewayError(new CodedError(code, 'some package text'))
      assert.equal(g.status, status)
      assert.deepEqual(g.body, { error: message, code: grpc, message })
      assert.deepEqual(Object.keys(g.body), ['error', 'code', 'message'])
    })
  }

  it('every row is consistent: status derived from the gRPC code, messages prefixed as etcd', () => {
    for (const [code, e] of Object.entries(errorTable)) {
      assert.equal(e.httpStatus, httpStatusFromCode(e.grpcCode), code)
      if (e.message !== undefined) assert.match(e.message, /^(etcdserver: |context )/, code)
    }
  })

  it('lookup strips the GRPC infix', () => {
    assert.equal(lookupError('ErrGRPCNoLeader'), errorTable.ErrNoLeader)
    assert.equal(lookupError('ErrNoSuchThing'), undefined)
  })
})

describe('rpctypes: errors outside the table', () => {
  const cases: Array<[string, unknown, number, number, string]> = [
    ['unknown coded error', new CodedError('ErrElectionNoLeader', 'election: no leader'), 500, 2, 'election: no leader'],
    ['plain Error', new Error('boom'), 500, 2, 'boom'],
    ['a thrown string', 'oops', 500, 2, 'oops'],
    ['decode error', new JSONDecodeError('unexpected EOF'), 400, 3, 'unexpected EOF'],
    ['receive limit', new MessageTooLargeError(3145738, 2097152), 429, 8, 'grpc: received message larger than max (3145738 vs. 2097152)'],
    ['lock: etcdserver error as Unknown', toUnknownError(new CodedError('ErrLeaseNotFound', 'lease not found')), 500, 2, 'etcdserver: requested lease not found'],
    ['maintenance: raw auth error', toUnknownError(new CodedError('ErrUserEmpty', 'auth: user name is empty'), true), 500, 2, 'auth: user name is empty']
  ]
  for (const [name, err, status, code, message] of cases) {
    it(name, () => assert.deepEqual(toGatewayError(err), { status, body: { error: message, code, message } }))
  }

  it('stream error chunk keeps the 3.4/3.5 shape', () => {
    assert.deepEqual(toStreamError(new CodedError('ErrUnknown', 'auth: user name is empty')), {
      error: { grpc_code: 2, http_code: 500, message: 'auth: user name is empty', http_status: 'Internal Server Error' }
    })
    assert.equal(toStreamError(new CodedError('ErrCompacted', 'x')).error.http_status, 'Bad Request')
  })

  it('GrpcCode names', () => {
    assert.equal(GrpcCode.FailedPrecondition, 9)
    assert.equal(GrpcCode.Unauthenticated, 16)
  })
})
