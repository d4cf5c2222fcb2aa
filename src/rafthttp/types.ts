// What rafthttp needs from the server (architecture principle 3: rafthttp sees a `Raft` of a few
// methods, not EtcdServer), and the options of a Transport.
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { Message } from '../raft/index.js'

/** The raft side of the transport (etcd's rafthttp.Raft). */
export interface Raft {
  /** Steps a message received from a peer into raft. */
  process (m: Message): void
  /** True if `id` was removed from the cluster (its traffic is refused). */
  isIDRemoved (id: bigint): boolean
  /** A message to `id` could not be delivered: raft drops the follower to probe mode. */
  reportUnreachable (id: bigint): void
  /** The outcome of sending a snapshot to `id`. */
  reportSnapshot (id: bigint, status: 'finish' | 'failure'): void
}

/** A backend snapshot ready to stream: its file and size; `release` deletes the temporary copy. */
export interface SnapshotFile {
  path: string
  size: number
  release (): void
}

/** The server side of snapshot transfer. */
export interface SnapshotIO {
  /** Takes a consistent copy of the backend for the MsgSnap `m` (sender side). */
  open (m: Message): Promise<SnapshotFile>
  /**
   * Receiver side: stores the streamed backend as `<index>.snap.db` and steps the MsgSnap into raft;
   * resolves once raft took it.
   */
  receive (m: Message, db: AsyncIterable<Uint8Array>): Promise<number>
}

/** TLS material for dialling peers (`--peer-*-file`). */
export interface PeerTLS {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  /** Expected server name when it differs from the URL host. */
  servername?: string
  rejectUnauthorized?: boolean
}

export interface TransportOptions {
  localId: bigint
  clusterId: bigint
  /** This member's advertised peer URLs (sent as X-PeerURLs). */
  peerURLs: string[]
  raft: Raft
  snapshots: SnapshotIO
  logger: Logger
  metrics: Registry
  /** Dial options for https peer URLs. */
  tls?: PeerTLS
  /** Send queue bound per peer stream (etcd: 4096). */
  streamBufSize?: number
  /** How long a stream may stay silent before it is considered dead, ms (etcd ConnReadTimeout: 5 s). */
  connReadTimeoutMs?: number
}
