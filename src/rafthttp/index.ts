// The rafthttp package's public surface.
export { Transport, probingBody } from './transport.js'
export type { PeerReply } from './transport.js'
export type { Raft, SnapshotIO, SnapshotFile, PeerTLS, TransportOptions } from './types.js'
export { StreamType } from './stream-writer.js'
export { FaultRules, failpointsEnabled } from './fault.js'
export { checkCompatibility, parseHexId, outgoingHeaders, Header } from './headers.js'
export type { CheckFailure, PeerHeaders } from './headers.js'
export { FrameDecoder, encodeFrame, encodeFrames } from './msg-codec.js'
