// The raft package's typed errors, with etcd/raft's sentinel names as codes and its messages.
import { CodedError } from '../pkg/coded-error.js'

/** A proposal (or transfer/read forwarded as one) was not accepted: no leader, transfer in progress, size cap… */
export class ErrProposalDropped extends CodedError {
  constructor () { super('ErrProposalDropped', 'raft proposal dropped') }
}

/** The requested index is below the storage's first index (compacted away). */
export class ErrCompacted extends CodedError {
  constructor () { super('ErrCompacted', 'requested index is unavailable due to compaction') }
}

/** The snapshot being applied or created is not newer than the one held. */
export class ErrSnapOutOfDate extends CodedError {
  constructor () { super('ErrSnapOutOfDate', 'requested index is older than the existing snapshot') }
}

/** The requested entry is beyond the storage's last index. */
export class ErrUnavailable extends CodedError {
  constructor () { super('ErrUnavailable', 'requested entry at index is unavailable') }
}

/** Storage cannot produce a snapshot right now; raft retries later. */
export class ErrSnapshotTemporarilyUnavailable extends CodedError {
  constructor () { super('ErrSnapshotTemporarilyUnavailable', 'snapshot is temporarily unavailable') }
}

/** A local-only message type (MsgHup, MsgBeat, …) was passed to RawNode.step. */
export class ErrStepLocalMsg extends CodedError {
  constructor () { super('ErrStepLocalMsg', 'raft: cannot step raft local message') }
}

/** A response came from a node that is not in the configuration. */
export class ErrStepPeerNotFound extends CodedError {
  constructor () { super('ErrStepPeerNotFound', 'raft: cannot step as peer not found') }
}

/** An invariant of the raft state machine was violated (etcd panics here). Never expected in a correct program. */
export class RaftPanic extends CodedError {
  constructor (message: string) { super('ErrRaftPanic', `raft: ${message}`) }
}
