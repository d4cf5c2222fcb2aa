// The server's own configuration (etcd's config.ServerConfig): what EtcdServer needs, resolved
// by src/embed from the flag-shaped embed Config.
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { Trace } from '../pkg/trace.js'

export interface ServerConfig {
  name: string
  dataDir: string
  /** Where the WAL lives (`--wal-dir`, default `<data-dir>/member/wal`). */
  walDir: string
  /** `--initial-cluster`, parsed: member name → peer URLs. */
  initialPeerURLsMap: Map<string, string[]>
  initialClusterToken: string
  /** `--initial-cluster-state new`. */
  newCluster: boolean
  /** This member's advertised peer URLs. */
  peerURLs: string[]
  /** This member's advertised client URLs. */
  clientURLs: string[]
  snapshotCount: number
  snapshotCatchUpEntries: number
  maxSnapFiles: number
  maxWalFiles: number
  /** The raft tick (`--heartbeat-interval`), ms. */
  tickMs: number
  /** `--election-timeout` / `--heartbeat-interval`. */
  electionTicks: number
  preVote: boolean
  initialElectionTickAdvance: boolean
  maxTxnOps: number
  maxRequestBytes: number
  /** Backend size limit; a larger backend raises the NOSPACE alarm. <= 0: none. */
  quotaBackendBytes: number
  /** Longest a backend batch stays uncommitted to LMDB, ms (`--backend-batch-interval`; 0 = 100 ms). */
  backendBatchIntervalMs: number
  /** Commit the backend batch once it holds this many writes (`--backend-batch-limit`; 0 = 10 000). */
  backendBatchLimit: number
  compactionBatchLimit: number
  compactionSleepIntervalMs: number
  /** `experimental-enable-lease-checkpoint`: the leader checkpoints remaining lease TTLs through raft. */
  leaseCheckpoint?: boolean
  /** `experimental-enable-lease-checkpoint-persist`: checkpointed TTLs are stored in the lease bucket. */
  leaseCheckpointPersist?: boolean
  /** How often long leases are checkpointed, ms (etcd's default 5 min). */
  leaseCheckpointIntervalMs?: number
  /** Interval of watch progress notifications, ms (`progress-notify-interval`). */
  progressNotifyIntervalMs?: number
  /** Compare key-value hashes with the peers before a restarting member serves (refuse on mismatch). */
  initialCorruptCheck?: boolean
  /** How often the leader compares key-value hashes with the followers, ms (0 = never). */
  corruptCheckTimeMs?: number
  /** TLS material for dialling https peer URLs (`--peer-trusted-ca-file`, `--peer-cert-file`, `--peer-key-file`). */
  peerTLS?: { ca?: Buffer, cert?: Buffer, key?: Buffer }
  logger: Logger
  metrics: Registry
  /** Where slow requests are recorded for /debug/requests (set at log level debug). */
  traces?: { record (t: Trace, err?: unknown): boolean }
}

/** etcd's ReqTimeout: 5 s plus twice the election timeout. */
export function reqTimeoutMs (c: ServerConfig): number {
  return 5000 + 2 * c.electionTicks * c.tickMs
}

/** The election timeout in ms. */
export function electionTimeoutMs (c: ServerConfig): number {
  return c.electionTicks * c.tickMs
}
