// etcd_server_*, etcd_disk_* and etcd_mvcc_* families the server updates, registered on the one
// injected prom-client Registry (names and help as etcd's, in our own words).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

// etcd's disk histograms: exponential buckets from 1 ms, factor 2, 14 buckets.
const diskBuckets = Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i)

/** Values read at scrape time, bound once the server has opened its storage. */
export interface GaugeSources {
  keys?: () => number
  dbSize?: () => number
  dbSizeInUse?: () => number
}

export interface ServerMetrics {
  sources: GaugeSources
  hasLeader: Gauge
  isLeader: Gauge
  leaderChanges: Counter
  serverId: Gauge
  proposalsCommitted: Gauge
  proposalsApplied: Gauge
  proposalsPending: Gauge
  proposalsFailed: Counter
  slowApply: Counter
  slowReadIndex: Counter
  readIndexFailed: Counter
  walFsyncDuration: Histogram
  backendCommitDuration: Histogram
  applyDuration: Histogram
  dbTotalSize: Gauge
  dbTotalSizeInUse: Gauge
  keysTotal: Gauge
  putTotal: Counter
  deleteTotal: Counter
  rangeTotal: Counter
  txnTotal: Counter
  currentRevision: Gauge
  compactRevision: Gauge
  snapshotSaveTotal: Histogram
  healthSuccess: Counter
  healthFailures: Counter
  quotaBackendBytes: Gauge
}

export function newServerMetrics (registry: Registry): ServerMetrics {
  const registers = [registry]
  const sources: GaugeSources = {}
  const fromSource = (f: keyof GaugeSources) => function (this: Gauge): void {
    const get = sources[f]
    if (get !== undefined) this.set(get())
  }
  return {
    sources,
    hasLeader: new Gauge({ name: 'etcd_server_has_leader', help: 'Whether or not a leader exists. 1 is existence, 0 is not.', registers }),
    isLeader: new Gauge({ name: 'etcd_server_is_leader', help: 'Whether or not this member is a leader. 1 if is, 0 otherwise.', registers }),
    leaderChanges: new Counter({ name: 'etcd_server_leader_changes_seen_total', help: 'The number of leader changes seen.', registers }),
    serverId: new Gauge({ name: 'etcd_server_id', help: 'Server or member ID in hexadecimal format. 1 for \'server_id\' label with current ID.', labelNames: ['server_id'], registers }),
    proposalsCommitted: new Gauge({ name: 'etcd_server_proposals_committed_total', help: 'The total number of consensus proposals committed.', registers }),
    proposalsApplied: new Gauge({ name: 'etcd_server_proposals_applied_total', help: 'The total number of consensus proposals applied.', registers }),
    proposalsPending: new Gauge({ name: 'etcd_server_proposals_pending', help: 'The current number of pending proposals to commit.', registers }),
    proposalsFailed: new Counter({ name: 'etcd_server_proposals_failed_total', help: 'The total number of failed proposals seen.', registers }),
    slowApply: new Counter({ name: 'etcd_server_slow_apply_total', help: 'The total number of slow apply requests (likely overloaded from slow disk).', registers }),
    slowReadIndex: new Counter({ name: 'etcd_server_slow_read_indexes_total', help: 'The total number of pending read indexes not in sync with leader\'s or timed out read index requests.', registers }),
    readIndexFailed: new Counter({ name: 'etcd_server_read_indexes_failed_total', help: 'The total number of failed read indexes seen.', registers }),
    walFsyncDuration: new Histogram({ name: 'etcd_disk_wal_fsync_duration_seconds', help: 'The latency distributions of fsync called by WAL.', buckets: diskBuckets, registers }),
    backendCommitDuration: new Histogram({ name: 'etcd_disk_backend_commit_duration_seconds', help: 'The latency distributions of commit called by backend.', buckets: diskBuckets, registers }),
    applyDuration: new Histogram({ name: 'etcd_server_apply_duration_seconds', help: 'The latency distributions of v2 apply called by backend.', buckets: [0.0001, 0.0002, 0.0004, 0.0008, 0.0016, 0.0032, 0.0064, 0.0128, 0.0256, 0.0512, 0.1024, 0.2048, 0.4096, 0.8192, 1.6384, 3.2768, 6.5536, 13.1072, 26.2144, 52.4288], labelNames: ['version', 'op', 'success'], registers }),
    dbTotalSize: new Gauge({ name: 'etcd_mvcc_db_total_size_in_bytes', help: 'Total size of the underlying database physically allocated in bytes.', registers, collect: fromSource('dbSize') }),
    dbTotalSizeInUse: new Gauge({ name: 'etcd_mvcc_db_total_size_in_use_in_bytes', help: 'Total size of the underlying database logically in use in bytes.', registers, collect: fromSource('dbSizeInUse') }),
    keysTotal: new Gauge({ name: 'etcd_debugging_mvcc_keys_total', help: 'Total number of keys.', registers, collect: fromSource('keys') }),
    putTotal: new Counter({ name: 'etcd_mvcc_put_total', help: 'Total number of puts seen by this member.', registers }),
    deleteTotal: new Counter({ name: 'etcd_mvcc_delete_total', help: 'Total number of deletes seen by this member.', registers }),
    rangeTotal: new Counter({ name: 'etcd_mvcc_range_total', help: 'Total number of ranges seen by this member.', registers }),
    txnTotal: new Counter({ name: 'etcd_mvcc_txn_total', help: 'Total number of txns seen by this member.', registers }),
    currentRevision: new Gauge({ name: 'etcd_debugging_mvcc_current_revision', help: 'The current revision of store.', registers }),
    compactRevision: new Gauge({ name: 'etcd_debugging_mvcc_compact_revision', help: 'The revision of the last compaction in store.', registers }),
    snapshotSaveTotal: new Histogram({ name: 'etcd_debugging_snap_save_total_duration_seconds', help: 'The total latency distributions of save called by snapshot.', buckets: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192], registers }),
    healthSuccess: new Counter({ name: 'etcd_server_health_success', help: 'The total number of successful health checks', registers }),
    healthFailures: new Counter({ name: 'etcd_server_health_failures', help: 'The total number of failed health checks', registers }),
    quotaBackendBytes: new Gauge({ name: 'etcd_server_quota_backend_bytes', help: 'Current backend storage quota size in bytes.', registers })
  }
}
