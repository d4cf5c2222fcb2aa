// The public surface of the raft package: the only module other packages import.
export * from './raftpb/types.js'
export {
  CODEC_VERSION, CodecKind, CodecError,
  encodeEntry, decodeEntry, encodeHardState, decodeHardState,
  encodeSnapshotMetadata, decodeSnapshotMetadata, encodeSnapshot, decodeSnapshot,
  encodeConfState, decodeConfState, encodeMessage, decodeMessage,
  encodeConfChange, decodeConfChange, encodeConfChangeV2, decodeConfChangeV2
} from './raftpb/codec.js'
export {
  asV2, enterJoint, leaveJoint, marshalConfChange, confChange, confChangeV2, confStateEquivalent, isConfChangeV1
} from './raftpb/confchange.js'
export type { ConfChangeI } from './raftpb/confchange.js'
export { RawNode, SnapshotStatus } from './raw-node.js'
export type { Ready, Peer, Status, BasicStatus, ProgressStatus } from './raw-node.js'
export { StateType, stateName, confChangeFromEntry } from './raft.js'
export type { SoftState } from './raft.js'
export type { Config } from './config.js'
export { ConfigError } from './config.js'
export type { Storage } from './storage.js'
export { MemoryStorage } from './storage.js'
export type { ReadState } from './read-only.js'
export type { RaftLogger, LogFields } from './logger.js'
export { discardLogger } from './logger.js'
export {
  ErrProposalDropped, ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, ErrSnapshotTemporarilyUnavailable,
  ErrStepLocalMsg, ErrStepPeerNotFound, RaftPanic
} from './errors.js'
export { ConfChangeError } from './confchange/confchange.js'
export { ProgressStateType } from './tracker/progress.js'
export { seededRandom } from './rand.js'
export { isLocalMsg, isResponseMsg } from './util.js'
