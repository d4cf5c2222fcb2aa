/**
 * The server configuration, as etcd's `embed.Config`: one object whose keys are etcd's flag names
 * in their config-file spelling, so an existing `etcd.conf.yml` loads unchanged. `newConfig()`
 * gives etcd 3.5's defaults, `validate()` runs etcd's checks with etcd's messages, and
 * `configFromFile()` (src/embed/config-file.ts) reads a YAML file the way etcd does.
 *
 * Value conventions: URL lists are arrays of normalized URL strings (`http://127.0.0.1:2379`);
 * durations are milliseconds; sizes are bytes; `cors` and `host-whitelist` are sets kept as sorted
 * arrays.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ConfigError, splitHostPort, parseURL, parseURLsMap, parseGoDuration, ValueError } from './config-values.js'

export { ConfigError } from './config-values.js'
export { configFromFile } from './config-file.js'

/** A framework-free HTTP handler, the value type of `userHandlers` (etcd's `http.Handler`). */
export type UserHandler = (req: IncomingMessage, res: ServerResponse) => void

/** TLS settings of one side (YAML `client-transport-security` / `peer-transport-security`). */
export interface TransportSecurity {
  'cert-file': string
  'key-file': string
  'client-cert-file': string
  'client-key-file': string
  'client-cert-auth': boolean
  'trusted-ca-file': string
  /** Certificate revocation list; flags `--client-crl-file` / `--peer-crl-file`. */
  'crl-file': string
  'auto-tls': boolean
  /** Peer side only: `--peer-cert-allowed-cn`. */
  'allowed-cn': string[]
  /** `--client-cert-allowed-hostname` / `--peer-cert-allowed-hostname`. */
  'allowed-hostname': string[]
}

export const ClusterStateFlagNew = 'new'
export const ClusterStateFlagExisting = 'existing'
export const DefaultName = 'default'
export const DefaultListenPeerURLs = 'http://localhost:2380'
export const DefaultListenClientURLs = 'http://localhost:2379'
export const DefaultInitialAdvertisePeerURLs = 'http://localhost:2380'
export const DefaultAdvertiseClientURLs = 'http://localhost:2379'
export const DefaultMaxTxnOps = 128
export const DefaultMaxRequestBytes = 1.5 * 1024 * 1024
/** etcd's `DefaultQuotaBytes` (2 GiB); `quota-backend-bytes: 0` means this value. */
export const DefaultQuotaBytes = 2 * 1024 * 1024 * 1024
/** etcd's `MaxQuotaBytes` (8 GiB): a larger quota draws a warning. */
export const MaxQuotaBytes = 8 * 1024 * 1024 * 1024
export const DefaultSnapshotCount = 100_000
export const DefaultSnapshotCatchUpEntries = 5000
export const DefaultMaxSnapshots = 5
export const DefaultMaxWALs = 5
export const DefaultLogOutput = 'default'
export const JournalLogOutput = 'systemd/journal'
export const StdErrLogOutput = 'stderr'
export const StdOutLogOutput = 'stdout'
/** Largest election timeout etcd accepts, in ms. */
export const maxElectionMs = 50_000
export const logLevels = ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'] as const
export type LogLevel = typeof logLevels[number]
export const proxyModes = ['off', 'readonly', 'on'] as const
export type ProxyMode = typeof proxyModes[number]

/**
 * The configuration of one etcd-ts member. Every key is an etcd 3.5 flag in its config-file
 * spelling, except the two marked "etcd-ts"; keys that etcd-ts accepts but that have no effect
 * (gRPC, bbolt and v2 settings) are marked "accepted, no effect".
 */
export interface Config {
  name: string
  'data-dir': string
  'wal-dir': string
  'snapshot-count': number
  /** Entries kept for slow followers after a raft log compaction (YAML also `experimental-snapshot-catch-up-entries`). */
  'experimental-snapshot-catchup-entries': number
  'max-snapshots': number
  'max-wals': number
  /** Raft tick, ms. */
  'heartbeat-interval': number
  /** ms; at least 5 × heartbeat-interval, at most 50 000. */
  'election-timeout': number
  'initial-election-tick-advance': boolean
  /** Longest time before the backend commits a batch, ms. */
  'backend-batch-interval': number
  'backend-batch-limit': number
  /** Accepted, no effect (bbolt only). */
  'backend-bbolt-freelist-type': string
  /** Backend size limit in bytes; 0 means `DefaultQuotaBytes` (2 GiB), negative disables the quota. */
  'quota-backend-bytes': number
  'max-txn-ops': number
  'max-request-bytes': number
  /** Accepted for a future gRPC listener; the JSON gateway has no stream limit. */
  'max-concurrent-streams': number
  'listen-peer-urls': string[]
  'listen-client-urls': string[]
  /** HTTP-only client URLs (no gRPC); served the same as listen-client-urls. */
  'listen-client-http-urls': string[]
  'initial-advertise-peer-urls': string[]
  'advertise-client-urls': string[]
  'listen-metrics-urls': string[]
  'client-transport-security': TransportSecurity
  'peer-transport-security': TransportSecurity
  'experimental-peer-skip-client-san-verification': boolean
  'self-signed-cert-validity': number
  'cipher-suites': string[]
  'tls-min-version': string
  'tls-max-version': string
  'initial-cluster': string
  'initial-cluster-token': string
  'initial-cluster-state': 'new' | 'existing'
  /** Accepted; any non-empty value is an error (discovery is not supported). */
  discovery: string
  'discovery-fallback': 'exit' | 'proxy'
  'discovery-proxy': string
  'discovery-srv': string
  'discovery-srv-name': string
  'strict-reconfig-check': boolean
  'pre-vote': boolean
  /** Accepted; `true` is an error (etcd-ts has no v2 API). */
  'enable-v2': boolean
  'experimental-enable-v2v3': string
  'v2-deprecation': string
  'auto-compaction-mode': 'periodic' | 'revision' | ''
  /** A Go duration or a number of hours (periodic), or a revision count (revision); `0` disables. */
  'auto-compaction-retention': string
  /** Accepted, no effect (gRPC keepalive). ms. */
  'grpc-keepalive-min-time': number
  'grpc-keepalive-interval': number
  'grpc-keepalive-timeout': number
  'socket-reuse-port': boolean
  'socket-reuse-address': boolean
  /** Peer connection timeouts, ms (at least 5 s, as etcd). */
  'raft-read-timeout': number
  'raft-write-timeout': number
  /** CORS origins (`scheme://host:port`), or `*`; empty also means all. */
  cors: string[]
  /** Hosts allowed in the Host header of plain-HTTP requests, or `*` (CVE-2018-5702). */
  'host-whitelist': string[]
  'auth-token': string
  'bcrypt-cost': number
  'auth-token-ttl': number
  'experimental-initial-corrupt-check': boolean
  'experimental-corrupt-check-time': number
  'experimental-compact-hash-check-enabled': boolean
  'experimental-compact-hash-check-time': number
  'experimental-enable-lease-checkpoint': boolean
  'experimental-enable-lease-checkpoint-persist': boolean
  'experimental-compaction-batch-limit': number
  'experimental-compaction-sleep-interval': number
  /**
   * etcd-ts: the interval of watch progress notifications, ms. etcd's
   * `experimental-watch-progress-notify-interval` (flag, env and YAML key) sets the same value.
   */
  'progress-notify-interval': number
  'experimental-warning-apply-duration': number
  'experimental-downgrade-check-time': number
  'experimental-bootstrap-defrag-threshold-megabytes': number
  'experimental-memory-mlock': boolean
  'experimental-txn-mode-write-with-shared-buffer': boolean
  'experimental-stop-grpc-service-on-defrag': boolean
  'experimental-enable-distributed-tracing': boolean
  'experimental-distributed-tracing-address': string
  'experimental-distributed-tracing-service-name': string
  'experimental-distributed-tracing-instance-id': string
  'experimental-distributed-tracing-sampling-rate': number
  'force-new-cluster': boolean
  'unsafe-no-fsync': boolean
  /** Serve `/debug/pprof/*` (also served at log level debug). */
  'enable-pprof': boolean
  metrics: 'basic' | 'extensive'
  'enable-grpc-gateway': boolean
  /** Only `zap` (structured JSON) is supported, as in etcd 3.5. */
  logger: string
  'log-level': LogLevel
  /** `default`/`stderr`, `stdout`, or file paths (appended). */
  'log-outputs': string[]
  'enable-log-rotation': boolean
  'log-rotation-config-json': string
  /** `off`, `readonly` or `on`; proxy mode is not built yet. */
  proxy: ProxyMode
  'proxy-failure-wait': number
  'proxy-refresh-interval': number
  'proxy-dial-timeout': number
  'proxy-write-timeout': number
  'proxy-read-timeout': number
  /**
   * etcd-ts: the most connections each client listener accepts at once (Node's
   * `server.maxConnections`); 0 means no limit of our own (the OS file limit still applies).
   */
  'max-connections': number
  /** Extra HTTP handlers for the client listeners, by exact path (etcd's `UserHandlers`). Not in YAML. */
  userHandlers: Record<string, UserHandler>
}

function emptySecurity (): TransportSecurity {
  return {
    'cert-file': '',
    'key-file': '',
    'client-cert-file': '',
    'client-key-file': '',
    'client-cert-auth': false,
    'trusted-ca-file': '',
    'crl-file': '',
    'auto-tls': false,
    'allowed-cn': [],
    'allowed-hostname': []
  }
}

/**
 * A one-member configuration on loopback with kernel-chosen ports (client and peer listen on
 * 127.0.0.1:0; the advertised URLs keep etcd's default ports, as the member IDs derive from them)
 * and data in `dataDir`: what tools such as openapi/generate.ts and in-process tests start.
 */
export function newLoopbackConfig (dataDir: string): Config {
  const cfg = newConfig()
  cfg['data-dir'] = dataDir
  cfg['listen-client-urls'] = ['http://127.0.0.1:0']
  cfg['advertise-client-urls'] = ['http://127.0.0.1:2379']
  cfg['listen-peer-urls'] = ['http://127.0.0.1:0']
  cfg['initial-advertise-peer-urls'] = ['http://127.0.0.1:2380']
  cfg['initial-cluster'] = 'default=http://127.0.0.1:2380'
  cfg['log-level'] = 'error'
  return cfg
}

/** A Config with etcd 3.5's defaults (embed.NewConfig plus the server-side defaults it leaves at 0). */
export function newConfig (): Config {
  const cfg: Config = {
    name: DefaultName,
    'data-dir': `${DefaultName}.etcd`,
    'wal-dir': '',
    'snapshot-count': DefaultSnapshotCount,
    'experimental-snapshot-catchup-entries': DefaultSnapshotCatchUpEntries,
    'max-snapshots': DefaultMaxSnapshots,
    'max-wals': DefaultMaxWALs,
    'heartbeat-interval': 100,
    'election-timeout': 1000,
    'initial-election-tick-advance': true,
    'backend-batch-interval': 100,
    'backend-batch-limit': 10_000,
    'backend-bbolt-freelist-type': 'map',
    'quota-backend-bytes': DefaultQuotaBytes,
    'max-txn-ops': DefaultMaxTxnOps,
    'max-request-bytes': DefaultMaxRequestBytes,
    'max-concurrent-streams': 2 ** 32 - 1,
    'listen-peer-urls': [DefaultListenPeerURLs],
    'listen-client-urls': [DefaultListenClientURLs],
    'listen-client-http-urls': [],
    'initial-advertise-peer-urls': [DefaultInitialAdvertisePeerURLs],
    'advertise-client-urls': [DefaultAdvertiseClientURLs],
    'listen-metrics-urls': [],
    'client-transport-security': emptySecurity(),
    'peer-transport-security': emptySecurity(),
    'experimental-peer-skip-client-san-verification': false,
    'self-signed-cert-validity': 1,
    'cipher-suites': [],
    'tls-min-version': 'TLS1.2',
    'tls-max-version': '',
    'initial-cluster': '',
    'initial-cluster-token': 'etcd-cluster',
    'initial-cluster-state': ClusterStateFlagNew,
    discovery: '',
    'discovery-fallback': 'proxy',
    'discovery-proxy': '',
    'discovery-srv': '',
    'discovery-srv-name': '',
    'strict-reconfig-check': true,
    'pre-vote': true,
    'enable-v2': false,
    'experimental-enable-v2v3': '',
    'v2-deprecation': 'not-yet',
    'auto-compaction-mode': 'periodic',
    'auto-compaction-retention': '0',
    'grpc-keepalive-min-time': 5000,
    'grpc-keepalive-interval': 2 * 3_600_000,
    'grpc-keepalive-timeout': 20_000,
    'socket-reuse-port': false,
    'socket-reuse-address': false,
    'raft-read-timeout': 5000,
    'raft-write-timeout': 5000,
    cors: ['*'],
    'host-whitelist': ['*'],
    'auth-token': 'simple',
    'bcrypt-cost': 10,
    'auth-token-ttl': 300,
    'experimental-initial-corrupt-check': false,
    'experimental-corrupt-check-time': 0,
    'experimental-compact-hash-check-enabled': false,
    'experimental-compact-hash-check-time': 60_000,
    'experimental-enable-lease-checkpoint': false,
    'experimental-enable-lease-checkpoint-persist': false,
    'experimental-compaction-batch-limit': 1000,
    'experimental-compaction-sleep-interval': 10,
    // 30 s, not etcd's 10 min: a quiet watch must outlive the ~60 s idle timeouts of common proxies
    // (nginx proxy_read_timeout, load balancers); an intended difference (conformance N2).
    'progress-notify-interval': 30_000,
    'experimental-warning-apply-duration': 100,
    'experimental-downgrade-check-time': 5000,
    'experimental-bootstrap-defrag-threshold-megabytes': 0,
    'experimental-memory-mlock': false,
    'experimental-txn-mode-write-with-shared-buffer': true,
    'experimental-stop-grpc-service-on-defrag': false,
    'experimental-enable-distributed-tracing': false,
    'experimental-distributed-tracing-address': 'localhost:4317',
    'experimental-distributed-tracing-service-name': 'etcd',
    'experimental-distributed-tracing-instance-id': '',
    'experimental-distributed-tracing-sampling-rate': 0,
    'force-new-cluster': false,
    'unsafe-no-fsync': false,
    'enable-pprof': false,
    metrics: 'basic',
    'enable-grpc-gateway': true,
    logger: 'zap',
    'log-level': 'info',
    'log-outputs': [DefaultLogOutput],
    'enable-log-rotation': false,
    'log-rotation-config-json': '{"maxsize": 100, "maxage": 0, "maxbackups": 0, "localtime": false, "compress": false}',
    proxy: 'off',
    'proxy-failure-wait': 5000,
    'proxy-refresh-interval': 30_000,
    'proxy-dial-timeout': 1000,
    'proxy-write-timeout': 5000,
    'proxy-read-timeout': 0,
    'max-connections': 0,
    userHandlers: {}
  }
  cfg['initial-cluster'] = initialClusterFromName(cfg, cfg.name)
  return cfg
}

/** `name=<advertise peer url>,…` for this member (etcd's `InitialClusterFromName`). */
export function initialClusterFromName (cfg: Config, name: string): string {
  const n = name === '' ? DefaultName : name
  return cfg['initial-advertise-peer-urls'].map((u) => `${n}=${u}`).join(',')
}

/** The backend quota in bytes that `quota-backend-bytes` selects (0 → 2 GiB; negative → no quota, `Infinity`). */
export function backendQuotaBytes (cfg: Config): number {
  const q = cfg['quota-backend-bytes']
  if (q === 0) return DefaultQuotaBytes
  return q < 0 ? Infinity : q
}

/** Election timeout in ticks (`election-timeout / heartbeat-interval`, rounded down). */
export function electionTicks (cfg: Config): number {
  return Math.floor(cfg['election-timeout'] / cfg['heartbeat-interval'])
}

/** The WAL directory: `wal-dir` if set, else `<data-dir>/member/wal`. */
export function walDir (cfg: Config): string {
  return cfg['wal-dir'] !== '' ? cfg['wal-dir'] : `${cfg['data-dir']}/member/wal`
}

/** Listen URLs must name an IP address (or `localhost`), as etcd's `checkBindURLs`. */
function checkBindURLs (urls: readonly string[]): void {
  for (const raw of urls) {
    const u = parseURL(raw)
    if (u.scheme === 'unix' || u.scheme === 'unixs') continue
    const { host } = splitHostPort(u.host)
    if (host === 'localhost') continue
    if (!isIP(host)) throw new ConfigError(`expected IP in URL for binding (${raw})`)
  }
}

function isIP (host: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host)) return host.split('.').every((p) => Number(p) <= 255)
  return host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host)
}

function checkHostURLs (urls: readonly string[]): void {
  for (const raw of urls) {
    const { host } = splitHostPort(parseURL(raw).host)
    if (host === '') throw new ValueError(`unexpected empty host (${raw})`)
  }
}

const tlsVersions: Record<string, number> = { '': 0, 'TLS1.2': 0x0303, 'TLS1.3': 0x0304 }

/** Warnings `validate()` reports through its callback (etcd logs them at warn level). */
export type ConfigWarn = (msg: string, fields?: Record<string, unknown>) => void

/**
 * Runs etcd's `embed.Config.Validate` checks, with etcd's messages, plus the checks of values
 * etcd-ts does not support (discovery, v2). Throws a `ConfigError`. Warnings go to `warn`.
 */
export function validate (cfg: Config, warn: ConfigWarn = () => {}): void {
  validateLogging(cfg)
  for (const k of ['listen-peer-urls', 'listen-client-urls', 'listen-client-http-urls', 'listen-metrics-urls'] as const) {
    wrap(() => checkBindURLs(cfg[k]))
  }
  try {
    checkHostURLs(cfg['initial-advertise-peer-urls'])
  } catch (err) {
    throw new ConfigError(`--initial-advertise-peer-urls "${cfg['initial-advertise-peer-urls'].join(',')}" must be "host:port" (${(err as Error).message})`)
  }
  try {
    checkHostURLs(cfg['advertise-client-urls'])
  } catch (err) {
    throw new ConfigError(`--advertise-client-urls "${cfg['advertise-client-urls'].join(',')}" must be "host:port" (${(err as Error).message})`)
  }
  const nSet = [cfg.discovery !== '', cfg['initial-cluster'] !== '', cfg['discovery-srv'] !== ''].filter(Boolean).length
  if (cfg['initial-cluster-state'] !== ClusterStateFlagNew && cfg['initial-cluster-state'] !== ClusterStateFlagExisting) {
    throw new ConfigError(`unexpected clusterState "${String(cfg['initial-cluster-state'])}"`)
  }
  if (nSet > 1) {
    throw new ConfigError('multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv"', 'ErrConflictBootstrapFlags')
  }
  const tick = cfg['heartbeat-interval']
  const election = cfg['election-timeout']
  if (tick <= 0) throw new ConfigError(`--heartbeat-interval must be >0 (set to ${tick}ms)`)
  if (election <= 0) throw new ConfigError(`--election-timeout must be >0 (set to ${election}ms)`)
  if (5 * tick > election) {
    throw new ConfigError(`--election-timeout[${election}ms] should be at least as 5 times as --heartbeat-interval[${tick}ms]`)
  }
  if (election > maxElectionMs) {
    throw new ConfigError(`--election-timeout[${election}ms] is too long, and should be set less than ${maxElectionMs}ms`)
  }
  if (cfg['listen-client-urls'].length > 0 && cfg['advertise-client-urls'].length === 0) {
    throw new ConfigError('--advertise-client-urls is required when --listen-client-urls is set explicitly', 'ErrUnsetAdvertiseClientURLsFlag')
  }
  const mode = cfg['auto-compaction-mode']
  if (mode !== '' && mode !== 'periodic' && mode !== 'revision') {
    throw new ConfigError(`unknown auto-compaction-mode "${String(mode)}"`)
  }
  compactionRetention(cfg)
  if (!cfg['experimental-enable-lease-checkpoint-persist'] && cfg['experimental-enable-lease-checkpoint']) {
    warn('Detected that checkpointing is enabled without persistence. Consider enabling experimental-enable-lease-checkpoint-persist')
  }
  if (cfg['experimental-enable-lease-checkpoint-persist'] && !cfg['experimental-enable-lease-checkpoint']) {
    throw new ConfigError('setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint')
  }
  if (cfg['experimental-compact-hash-check-time'] <= 0) {
    throw new ConfigError(`--experimental-compact-hash-check-time must be >0 (set to ${cfg['experimental-compact-hash-check-time']}ms)`)
  }
  const minV = tlsVersions[cfg['tls-min-version']]
  const maxV = tlsVersions[cfg['tls-max-version']]
  if (minV === undefined) throw new ConfigError(`unexpected TLS version "${cfg['tls-min-version']}" (must be one of: TLS1.2, TLS1.3)`)
  if (maxV === undefined) throw new ConfigError(`unexpected TLS version "${cfg['tls-max-version']}" (must be one of: TLS1.2, TLS1.3)`)
  if (maxV !== 0 && minV > maxV) {
    throw new ConfigError(`min version (${cfg['tls-min-version']}) is greater than max version (${cfg['tls-max-version']})`)
  }
  if (minV === 0x0304 && cfg['cipher-suites'].length > 0) {
    throw new ConfigError('cipher suites cannot be configured when only TLS1.3 is enabled')
  }
  validateUnsupported(cfg)
  if (cfg['quota-backend-bytes'] > MaxQuotaBytes) {
    warn('quota-backend-bytes exceeds maximum recommended quota', { 'quota-size-bytes': cfg['quota-backend-bytes'], 'quota-maximum-size-bytes': MaxQuotaBytes })
  }
  if (cfg['max-request-bytes'] > 10 * 1024 * 1024) {
    warn('exceeded recommended request limit', { 'max-request-bytes': cfg['max-request-bytes'] })
  }
}

function wrap (fn: () => void): void {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) throw err
    throw new ConfigError((err as Error).message)
  }
}

function validateLogging (cfg: Config): void {
  if (cfg.logger === 'capnslog') throw new ConfigError('--logger=capnslog is removed in v3.5')
  if (cfg.logger !== 'zap') throw new ConfigError(`unknown logger option "${cfg.logger}"`)
  if (!(logLevels as readonly string[]).includes(cfg['log-level'].toLowerCase())) {
    throw new ConfigError(`unrecognized level: "${cfg['log-level']}"`)
  }
  const outs = cfg['log-outputs']
  if (outs.length > 1 && outs.includes(DefaultLogOutput)) {
    throw new ConfigError(`multi logoutput for "${DefaultLogOutput}" is not supported yet`)
  }
  if (outs.includes(JournalLogOutput)) throw new ConfigError('log output systemd/journal is not supported by etcd-ts; use stderr, stdout or a file')
}

function validateUnsupported (cfg: Config): void {
  if (cfg.discovery !== '' || cfg['discovery-srv'] !== '' || cfg['discovery-srv-name'] !== '' || cfg['discovery-proxy'] !== '') {
    throw new ConfigError('discovery is not supported by etcd-ts (--discovery, --discovery-srv, --discovery-srv-name, --discovery-proxy); use --initial-cluster')
  }
  if (cfg['enable-v2']) throw new ConfigError('--enable-v2 is not supported by etcd-ts (the v2 API is not served)')
  if (cfg['experimental-enable-v2v3'] !== '') throw new ConfigError('--experimental-enable-v2v3 is not supported by etcd-ts (the v2 API is not served)')
}

/**
 * The auto-compaction retention (etcd `parseCompactionRetention`): in periodic mode a number of
 * ms (a bare number means hours), in revision mode a revision count. 0 disables.
 */
export function compactionRetention (cfg: Config): number {
  const s = cfg['auto-compaction-retention']
  const mode = cfg['auto-compaction-mode']
  if (s === '') return 0
  if (/^-?\d+$/.test(s)) {
    const n = Number(s)
    return mode === 'revision' ? n : n * 3_600_000
  }
  if (mode === 'revision') throw new ConfigError(`invalid auto-compaction-retention "${s}" (revision mode needs a revision count)`)
  try {
    return parseGoDuration(s)
  } catch (err) {
    throw new ConfigError(`invalid auto-compaction-retention "${s}" (${(err as Error).message})`)
  }
}

/**
 * The bootstrap checks etcd runs when a new member starts without a WAL (`VerifyBootstrap`):
 * this member is in `initial-cluster`, its advertise peer URLs match its entry there, and no URL
 * appears twice. Call it only when bootstrapping a new cluster.
 */
export function verifyBootstrap (cfg: Config): void {
  const map = initialPeerURLsMap(cfg)
  hasLocalMember(cfg, map)
  advertiseMatchesCluster(cfg, map)
  checkDuplicateURL(map)
  if (map.size === 0 && cfg.discovery === '') throw new ConfigError('initial cluster unset and no discovery URL found')
}

/** The checks etcd runs when a member joins an existing cluster (`VerifyJoinExisting`). */
export function verifyJoinExisting (cfg: Config): void {
  const map = initialPeerURLsMap(cfg)
  hasLocalMember(cfg, map)
  checkDuplicateURL(map)
  if (cfg.discovery !== '') throw new ConfigError('discovery URL should not be set when joining existing initial cluster')
}

/** `initial-cluster` parsed into name → sorted peer URLs. */
export function initialPeerURLsMap (cfg: Config): Map<string, string[]> {
  try {
    return parseURLsMap(cfg['initial-cluster'])
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
}

function hasLocalMember (cfg: Config, map: Map<string, string[]>): void {
  if (!map.has(cfg.name)) throw new ConfigError(`couldn't find local name "${cfg.name}" in the initial cluster configuration`)
}

function advertiseMatchesCluster (cfg: Config, map: Map<string, string[]>): void {
  const urls = [...(map.get(cfg.name) ?? [])].sort()
  const ap = [...cfg['initial-advertise-peer-urls']].sort()
  if (urls.length === ap.length && urls.every((u, i) => u === ap[i])) return
  const apStr = ap.join(',')
  const missing = urls.filter((u) => !ap.includes(u))
  const cmp = `"${apStr}" != "${urls.join(',')}"`
  if (missing.length > 0) {
    throw new ConfigError(`--initial-cluster has ${missing.map((u) => `${cfg.name}=${u}`).join(',')} but missing from --initial-advertise-peer-urls=${apStr} (${cmp})`)
  }
  const extra = ap.filter((u) => !urls.includes(u))
  const self = ap.map((u) => `${cfg.name}=${u}`).join(',')
  if (extra.length > 0) {
    throw new ConfigError(`--initial-advertise-peer-urls has ${extra.join(',')} but missing from --initial-cluster=${self}`)
  }
  throw new ConfigError(`failed to resolve ${apStr} to match --initial-cluster=${self} (${cmp})`)
}

function checkDuplicateURL (map: Map<string, string[]>): void {
  const seen = new Set<string>()
  for (const urls of map.values()) {
    for (const u of urls) {
      if (seen.has(u)) {
        const str = [...map].flatMap(([n, us]) => us.map((x) => `${n}=${x}`)).sort().join(',')
        throw new ConfigError(`initial cluster ${str} has duplicate url`)
      }
      seen.add(u)
    }
  }
}
