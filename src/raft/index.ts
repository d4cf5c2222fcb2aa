// The public surface of the raft package: the only module other packages import.
export * from './raftpb/types.js'
export {
  CODEC_VERSION, CodecKind, CodecError,
  encodeEntry, decodeEntry, encodeHardState, decodeHardState,
  encodeSnapshotMetadata, decodeSnapshotMetadata, encodeSnapshot, decodeSnapshot,
  encodeConfState, decodeConfState, encodeMessage, decodeMessage,
  encodeConfChange, decodeConfChange, encodeConfChangeV2, decodeConfChangeV2
} from './raftpb/codec.js'
