/**
 * The flag table of the `etcd-ts` binary: every etcd 3.5 server flag, its kind, the Config key it
 * sets, its group in `--help`, and its usage line (our wording).
 *
 * **Sources and precedence** (as etcd 3.5, see the README's Configuration section):
 * 1. Defaults (`newConfig()`).
 * 2. `ETCD_<FLAG>` environment variables (`--data-dir` ↔ `ETCD_DATA_DIR`) fill every flag that was
 *    not given on the command line. A flag given on the command line **and** in the environment is
 *    an error ("conflicting environment variable is shadowed by corresponding command-line flag"),
 *    exit 1, as etcd's `flags.SetFlagsFromEnv`. Unknown `ETCD_*` variables draw a warning.
 * 3. Command-line flags (`--flag value`, `--flag=value`, `-flag value`; booleans `--flag` or
 *    `--flag=false`, never `--flag false`).
 * 4. `--config-file` / `ETCD_CONFIG_FILE`: when given, the YAML file is the **only** source: other
 *    flags (still parsed and checked) and `ETCD_*` variables are ignored, as in etcd.
 *
 * Exit codes: a malformed command line (unknown flag, missing or unparsable value) exits 2 after
 * printing the error and a usage hint, as Go's flag package does for etcd; a configuration that
 * parses but is invalid (env value, config file, `validate()`) exits 1.
 */
import type { Config, TransportSecurity } from '../embed/config.js'

/** How a flag's text is parsed. */
export const flagKinds = ['string', 'bool', 'uint', 'int', 'duration', 'urls', 'unique-strings', 'strings', 'choice', 'ignored'] as const
export type FlagKind = typeof flagKinds[number]

/** Where a flag's value goes: a Config key, or a field of one of the two TLS maps. */
export type FlagTarget = keyof Config | ['client-transport-security' | 'peer-transport-security', keyof TransportSecurity]

/** One server flag. */
export interface FlagSpec {
  /** The flag name without dashes; the env var is `ETCD_` + upper-case with `_` for `-`. */
  name: string
  kind: FlagKind
  /** Config target; absent for `config-file`, `version` and ignored flags. */
  key?: FlagTarget
  /** The `--help` group. */
  group: string
  usage: string
  /** Values of a `choice` flag. */
  choices?: readonly string[]
  /** Exceptions accepted as they are by a `urls` flag (`*` for `--cors`). */
  exceptions?: readonly string[]
  /** Bit size of `uint`/`int` flags (default 64). */
  bits?: number
  /** Default shown in `--help` when it is not simply the Config default. */
  shownDefault?: string
  /** Deprecated in etcd 3.5: setting it logs etcd's deprecation warning. */
  deprecated?: boolean
}

const g = (group: string, list: Array<Omit<FlagSpec, 'group'>>): FlagSpec[] => list.map((f) => ({ ...f, group }))
const cs = 'client-transport-security' as const
const ps = 'peer-transport-security' as const

/** Every flag, in `--help` order. */
export const flagTable: readonly FlagSpec[] = [
  ...g('Member', [
    { name: 'name', kind: 'string', key: 'name', usage: 'Human-readable name of this member.' },
    { name: 'data-dir', kind: 'string', key: 'data-dir', usage: 'Directory for the WAL, snapshots and the backend.', shownDefault: '<name>.etcd' },
    { name: 'wal-dir', kind: 'string', key: 'wal-dir', usage: 'Separate directory for the WAL (default: <data-dir>/member/wal).' },
    { name: 'snapshot-count', kind: 'uint', key: 'snapshot-count', usage: 'Committed entries between two snapshots.' },
    { name: 'heartbeat-interval', kind: 'uint', key: 'heartbeat-interval', usage: 'Raft heartbeat interval in milliseconds.' },
    { name: 'election-timeout', kind: 'uint', key: 'election-timeout', usage: 'Raft election timeout in milliseconds (≥ 5 × heartbeat, ≤ 50000).' },
    { name: 'initial-election-tick-advance', kind: 'bool', key: 'initial-election-tick-advance', usage: 'Fast-forward election ticks at boot so the first election starts sooner.' },
    { name: 'listen-peer-urls', kind: 'urls', key: 'listen-peer-urls', usage: 'URLs to listen on for peer traffic.' },
    { name: 'listen-client-urls', kind: 'urls', key: 'listen-client-urls', usage: 'URLs to listen on for client traffic (JSON gateway, health, metrics).' },
    { name: 'listen-client-http-urls', kind: 'urls', key: 'listen-client-http-urls', usage: 'Extra URLs for HTTP-only client traffic.' },
    { name: 'max-snapshots', kind: 'uint', key: 'max-snapshots', usage: 'Snapshot files to keep (0 = unlimited).' },
    { name: 'max-wals', kind: 'uint', key: 'max-wals', usage: 'WAL files to keep (0 = unlimited).' },
    { name: 'quota-backend-bytes', kind: 'int', key: 'quota-backend-bytes', usage: 'Backend size that raises the NOSPACE alarm (0 = 2 GiB; negative = no quota).' },
    { name: 'backend-bbolt-freelist-type', kind: 'string', key: 'backend-bbolt-freelist-type', usage: 'Accepted for compatibility; no effect (LMDB backend).' },
    { name: 'backend-batch-interval', kind: 'duration', key: 'backend-batch-interval', usage: 'Longest time before the backend commits a batch.' },
    { name: 'backend-batch-limit', kind: 'int', key: 'backend-batch-limit', usage: 'Most operations before the backend commits a batch.' },
    { name: 'max-txn-ops', kind: 'uint', key: 'max-txn-ops', usage: 'Most operations allowed in one transaction.' },
    { name: 'max-request-bytes', kind: 'uint', key: 'max-request-bytes', usage: 'Largest client request accepted, in bytes.' },
    { name: 'max-concurrent-streams', kind: 'uint', bits: 32, key: 'max-concurrent-streams', usage: 'Accepted for a future gRPC listener; the JSON gateway has no stream limit.' },
    { name: 'max-connections', kind: 'uint', key: 'max-connections', usage: 'etcd-ts: most open connections per client listener (0 = no limit).' },
    { name: 'grpc-keepalive-min-time', kind: 'duration', key: 'grpc-keepalive-min-time', usage: 'Accepted for compatibility; no effect (no gRPC listener).' },
    { name: 'grpc-keepalive-interval', kind: 'duration', key: 'grpc-keepalive-interval', usage: 'Accepted for compatibility; no effect (no gRPC listener).' },
    { name: 'grpc-keepalive-timeout', kind: 'duration', key: 'grpc-keepalive-timeout', usage: 'Accepted for compatibility; no effect (no gRPC listener).' },
    { name: 'socket-reuse-port', kind: 'bool', key: 'socket-reuse-port', usage: 'Set SO_REUSEPORT on listeners.' },
    { name: 'socket-reuse-address', kind: 'bool', key: 'socket-reuse-address', usage: 'Set SO_REUSEADDR on listeners.' },
    { name: 'raft-read-timeout', kind: 'duration', key: 'raft-read-timeout', usage: 'Read timeout of peer connections (at least 5s).' },
    { name: 'raft-write-timeout', kind: 'duration', key: 'raft-write-timeout', usage: 'Write timeout of peer connections (at least 5s).' }
  ]),
  ...g('Clustering', [
    { name: 'initial-advertise-peer-urls', kind: 'urls', key: 'initial-advertise-peer-urls', usage: "This member's peer URLs as the rest of the cluster sees them." },
    { name: 'initial-cluster', kind: 'string', key: 'initial-cluster', usage: 'Bootstrap cluster: name=peer-url pairs, comma-separated.' },
    { name: 'initial-cluster-state', kind: 'choice', choices: ['new', 'existing'], key: 'initial-cluster-state', usage: "'new' to bootstrap a cluster, 'existing' to join one; ignored on restart." },
    { name: 'initial-cluster-token', kind: 'string', key: 'initial-cluster-token', usage: 'Token that keeps the IDs of different clusters apart at bootstrap.' },
    { name: 'advertise-client-urls', kind: 'urls', key: 'advertise-client-urls', usage: "This member's client URLs as clients should use them." },
    { name: 'discovery', kind: 'string', key: 'discovery', usage: 'Not supported by etcd-ts (error when set).' },
    { name: 'discovery-fallback', kind: 'choice', choices: ['exit', 'proxy'], key: 'discovery-fallback', usage: 'Not supported by etcd-ts.' },
    { name: 'discovery-proxy', kind: 'string', key: 'discovery-proxy', usage: 'Not supported by etcd-ts (error when set).' },
    { name: 'discovery-srv', kind: 'string', key: 'discovery-srv', usage: 'Not supported by etcd-ts (error when set).' },
    { name: 'discovery-srv-name', kind: 'string', key: 'discovery-srv-name', usage: 'Not supported by etcd-ts (error when set).' },
    { name: 'strict-reconfig-check', kind: 'bool', key: 'strict-reconfig-check', usage: 'Refuse membership changes that would lose quorum.' },
    { name: 'pre-vote', kind: 'bool', key: 'pre-vote', usage: 'Run the Raft pre-vote phase before elections.' },
    { name: 'auto-compaction-retention', kind: 'string', key: 'auto-compaction-retention', usage: 'History to keep: a duration or hours (periodic) or revisions (revision); 0 = off.' },
    { name: 'auto-compaction-mode', kind: 'choice', choices: ['periodic', 'revision'], key: 'auto-compaction-mode', usage: "How to read auto-compaction-retention: 'periodic' or 'revision'." },
    { name: 'enable-v2', kind: 'bool', key: 'enable-v2', usage: 'Not supported by etcd-ts (the v2 API is gone); must stay false.', deprecated: true },
    { name: 'experimental-enable-v2v3', kind: 'string', key: 'experimental-enable-v2v3', usage: 'Not supported by etcd-ts.', deprecated: true },
    { name: 'v2-deprecation', kind: 'choice', choices: ['not-yet', 'write-only', 'write-only-drop-data', 'gone'], key: 'v2-deprecation', usage: 'Accepted for compatibility; etcd-ts has no v2 store.' }
  ]),
  ...g('Security', [
    { name: 'cert-file', kind: 'string', key: [cs, 'cert-file'], usage: 'TLS certificate of the client listener.' },
    { name: 'key-file', kind: 'string', key: [cs, 'key-file'], usage: 'TLS key of the client listener.' },
    { name: 'client-cert-auth', kind: 'bool', key: [cs, 'client-cert-auth'], usage: 'Require client certificates.' },
    { name: 'client-cert-file', kind: 'string', key: [cs, 'client-cert-file'], usage: 'Client certificate used when client auth is required (default: cert-file).' },
    { name: 'client-key-file', kind: 'string', key: [cs, 'client-key-file'], usage: 'Client key used when client auth is required (default: key-file).' },
    { name: 'client-crl-file', kind: 'string', key: [cs, 'crl-file'], usage: 'Client certificate revocation list.' },
    { name: 'client-cert-allowed-hostname', kind: 'strings', key: [cs, 'allowed-hostname'], usage: 'Allowed SAN hostnames of client certificates, comma-separated.' },
    { name: 'trusted-ca-file', kind: 'string', key: [cs, 'trusted-ca-file'], usage: 'CA that signs client certificates.' },
    { name: 'auto-tls', kind: 'bool', key: [cs, 'auto-tls'], usage: 'Client TLS with generated certificates.' },
    { name: 'peer-cert-file', kind: 'string', key: [ps, 'cert-file'], usage: 'TLS certificate of the peer listener.' },
    { name: 'peer-key-file', kind: 'string', key: [ps, 'key-file'], usage: 'TLS key of the peer listener.' },
    { name: 'peer-client-cert-auth', kind: 'bool', key: [ps, 'client-cert-auth'], usage: 'Require peer client certificates.' },
    { name: 'peer-client-cert-file', kind: 'string', key: [ps, 'client-cert-file'], usage: 'Peer client certificate (default: peer-cert-file).' },
    { name: 'peer-client-key-file', kind: 'string', key: [ps, 'client-key-file'], usage: 'Peer client key (default: peer-key-file).' },
    { name: 'peer-trusted-ca-file', kind: 'string', key: [ps, 'trusted-ca-file'], usage: 'CA that signs peer certificates.' },
    { name: 'peer-cert-allowed-cn', kind: 'strings', key: [ps, 'allowed-cn'], usage: 'Allowed CNs of peer certificates, comma-separated.' },
    { name: 'peer-cert-allowed-hostname', kind: 'strings', key: [ps, 'allowed-hostname'], usage: 'Allowed SAN hostnames of peer certificates, comma-separated.' },
    { name: 'peer-auto-tls', kind: 'bool', key: [ps, 'auto-tls'], usage: 'Peer TLS with generated certificates.' },
    { name: 'peer-crl-file', kind: 'string', key: [ps, 'crl-file'], usage: 'Peer certificate revocation list.' },
    { name: 'experimental-peer-skip-client-san-verification', kind: 'bool', key: 'experimental-peer-skip-client-san-verification', usage: 'Skip the SAN check of peer client certificates.' },
    { name: 'self-signed-cert-validity', kind: 'uint', key: 'self-signed-cert-validity', usage: 'Years generated certificates stay valid.' },
    { name: 'cipher-suites', kind: 'strings', key: 'cipher-suites', usage: 'TLS cipher suites, comma-separated (empty = Node defaults).' },
    { name: 'cors', kind: 'urls', exceptions: ['*'], key: 'cors', usage: "Allowed CORS origins (scheme://host:port), comma-separated; '*' or empty = all." },
    { name: 'host-whitelist', kind: 'unique-strings', key: 'host-whitelist', usage: "Allowed Host headers of plain-HTTP requests, comma-separated; '*' or empty = all." },
    { name: 'tls-min-version', kind: 'string', key: 'tls-min-version', usage: 'Lowest TLS version: TLS1.2 or TLS1.3.' },
    { name: 'tls-max-version', kind: 'string', key: 'tls-max-version', usage: 'Highest TLS version: TLS1.2 or TLS1.3 (empty = Node default).' }
  ]),
  ...g('Auth', [
    { name: 'auth-token', kind: 'string', key: 'auth-token', usage: "Token provider: 'simple' or 'jwt,pub-key=…,priv-key=…,sign-method=…'." },
    { name: 'bcrypt-cost', kind: 'uint', key: 'bcrypt-cost', usage: 'bcrypt cost of password hashes.' },
    { name: 'auth-token-ttl', kind: 'uint', key: 'auth-token-ttl', usage: 'Lifetime of simple tokens, in seconds.' }
  ]),
  ...g('Profiling and monitoring', [
    { name: 'enable-pprof', kind: 'bool', key: 'enable-pprof', usage: 'Serve CPU and heap profiles at <client-url>/debug/pprof/.' },
    { name: 'metrics', kind: 'choice', choices: ['basic', 'extensive'], key: 'metrics', usage: "Metric detail: 'basic' or 'extensive' (adds per-call histograms)." },
    { name: 'listen-metrics-urls', kind: 'urls', key: 'listen-metrics-urls', usage: 'Extra URLs serving only /metrics and the health endpoints.' }
  ]),
  ...g('Logging', [
    { name: 'logger', kind: 'string', key: 'logger', usage: "Only 'zap' (structured JSON logs)." },
    { name: 'log-outputs', kind: 'unique-strings', key: 'log-outputs', usage: "Where logs go: 'default' (stderr), 'stderr', 'stdout' or file paths, comma-separated." },
    { name: 'log-level', kind: 'string', key: 'log-level', usage: 'debug, info, warn, error, panic or fatal.' },
    { name: 'enable-log-rotation', kind: 'bool', key: 'enable-log-rotation', usage: 'Accepted for compatibility; no effect (use logrotate).' },
    { name: 'log-rotation-config-json', kind: 'string', key: 'log-rotation-config-json', usage: 'Accepted for compatibility; no effect.' }
  ]),
  ...g('Tracing', [
    { name: 'experimental-enable-distributed-tracing', kind: 'bool', key: 'experimental-enable-distributed-tracing', usage: 'Accepted for compatibility; no effect yet.' },
    { name: 'experimental-distributed-tracing-address', kind: 'string', key: 'experimental-distributed-tracing-address', usage: 'Accepted for compatibility; no effect yet.' },
    { name: 'experimental-distributed-tracing-service-name', kind: 'string', key: 'experimental-distributed-tracing-service-name', usage: 'Accepted for compatibility; no effect yet.' },
    { name: 'experimental-distributed-tracing-instance-id', kind: 'string', key: 'experimental-distributed-tracing-instance-id', usage: 'Accepted for compatibility; no effect yet.' },
    { name: 'experimental-distributed-tracing-sampling-rate', kind: 'int', key: 'experimental-distributed-tracing-sampling-rate', usage: 'Accepted for compatibility; no effect yet.' }
  ]),
  ...g('Proxy (not built yet)', [
    { name: 'proxy', kind: 'choice', choices: ['off', 'readonly', 'on'], key: 'proxy', usage: "Proxy mode; anything but 'off' exits: proxy mode is not built yet.", deprecated: true },
    { name: 'proxy-failure-wait', kind: 'uint', key: 'proxy-failure-wait', usage: 'ms an endpoint stays failed.', deprecated: true },
    { name: 'proxy-refresh-interval', kind: 'uint', key: 'proxy-refresh-interval', usage: 'ms between endpoint refreshes.', deprecated: true },
    { name: 'proxy-dial-timeout', kind: 'uint', key: 'proxy-dial-timeout', usage: 'ms before a dial times out.', deprecated: true },
    { name: 'proxy-write-timeout', kind: 'uint', key: 'proxy-write-timeout', usage: 'ms before a write times out.', deprecated: true },
    { name: 'proxy-read-timeout', kind: 'uint', key: 'proxy-read-timeout', usage: 'ms before a read times out (0 = none).', deprecated: true }
  ]),
  ...g('Experimental', [
    { name: 'experimental-initial-corrupt-check', kind: 'bool', key: 'experimental-initial-corrupt-check', usage: 'Check for data corruption before serving.' },
    { name: 'experimental-corrupt-check-time', kind: 'duration', key: 'experimental-corrupt-check-time', usage: 'Time between corruption checks (0 = off).' },
    { name: 'experimental-compact-hash-check-enabled', kind: 'bool', key: 'experimental-compact-hash-check-enabled', usage: "Leader checks followers' hashes after compactions." },
    { name: 'experimental-compact-hash-check-time', kind: 'duration', key: 'experimental-compact-hash-check-time', usage: 'Time between compaction hash checks.' },
    { name: 'experimental-enable-lease-checkpoint', kind: 'bool', key: 'experimental-enable-lease-checkpoint', usage: 'Checkpoint remaining lease TTLs through raft.' },
    { name: 'experimental-enable-lease-checkpoint-persist', kind: 'bool', key: 'experimental-enable-lease-checkpoint-persist', usage: 'Persist checkpointed TTLs (needs experimental-enable-lease-checkpoint).' },
    { name: 'experimental-compaction-batch-limit', kind: 'int', key: 'experimental-compaction-batch-limit', usage: 'Revisions deleted per compaction batch.' },
    { name: 'experimental-compaction-sleep-interval', kind: 'duration', key: 'experimental-compaction-sleep-interval', usage: 'Pause between compaction batches.' },
    { name: 'experimental-watch-progress-notify-interval', kind: 'duration', key: 'progress-notify-interval', usage: 'Interval of watch progress notifications.' },
    { name: 'progress-notify-interval', kind: 'duration', key: 'progress-notify-interval', usage: 'etcd-ts: same as experimental-watch-progress-notify-interval.' },
    { name: 'experimental-warning-apply-duration', kind: 'duration', key: 'experimental-warning-apply-duration', usage: 'Applies slower than this are logged.' },
    { name: 'experimental-downgrade-check-time', kind: 'duration', key: 'experimental-downgrade-check-time', usage: 'Time between downgrade status checks.' },
    { name: 'experimental-memory-mlock', kind: 'bool', key: 'experimental-memory-mlock', usage: 'Accepted for compatibility; no effect.' },
    { name: 'experimental-txn-mode-write-with-shared-buffer', kind: 'bool', key: 'experimental-txn-mode-write-with-shared-buffer', usage: 'Accepted for compatibility; no effect.' },
    { name: 'experimental-stop-grpc-service-on-defrag', kind: 'bool', key: 'experimental-stop-grpc-service-on-defrag', usage: 'Answer health checks with failure during defragmentation.' },
    { name: 'experimental-bootstrap-defrag-threshold-megabytes', kind: 'uint', key: 'experimental-bootstrap-defrag-threshold-megabytes', usage: 'Defragment at boot when it frees at least this many MB (0 = never).' },
    { name: 'experimental-snapshot-catchup-entries', kind: 'uint', key: 'experimental-snapshot-catchup-entries', usage: 'Entries kept for slow followers after a log compaction.' }
  ]),
  ...g('Unsafe', [
    { name: 'force-new-cluster', kind: 'bool', key: 'force-new-cluster', usage: 'Restart as a new one-member cluster from the existing data.' },
    { name: 'unsafe-no-fsync', kind: 'bool', key: 'unsafe-no-fsync', usage: 'Skip fsync; loses data on a crash.' }
  ]),
  ...g('Gateway', [
    { name: 'enable-grpc-gateway', kind: 'bool', key: 'enable-grpc-gateway', usage: 'Serve the JSON gateway (/v3/*) on the client URLs.' }
  ]),
  ...g('Other', [
    { name: 'config-file', kind: 'string', usage: 'YAML configuration file; when given, other flags and ETCD_* variables are ignored.' },
    { name: 'version', kind: 'bool', usage: 'Print the version and exit.' }
  ])
]

/** Flags etcd accepts and ignores with a warning (removed v2-era flags). */
export const ignoredFlags: readonly string[] = [
  'cluster-active-size', 'cluster-remove-delay', 'cluster-sync-interval', 'config', 'force', 'max-result-buffer',
  'max-retry-attempts', 'peer-heartbeat-interval', 'peer-election-timeout', 'retry-interval', 'snapshot', 'v', 'vv'
]

/** Flag name → spec, ignored flags included (kind `ignored`). */
export const flagsByName: ReadonlyMap<string, FlagSpec> = new Map([
  ...flagTable.map((f) => [f.name, f] as const),
  ...ignoredFlags.map((name) => [name, { name, kind: 'ignored', group: '', usage: '' } satisfies FlagSpec] as const)
])

/** The environment variable of a flag (etcd's `flags.FlagToEnv`). */
export function flagToEnv (prefix: string, name: string): string {
  return `${prefix}_${name.replaceAll('-', '_').toUpperCase()}`
}
