/**
 * `configFromFile`: reads an etcd YAML configuration file the way etcd 3.5 does. etcd converts the
 * YAML (1.1: `on`/`yes`/`y` are true) to JSON and decodes it into its Config struct, so:
 *
 * - unknown keys are ignored (etcd-ts also reports each one through `warn`);
 * - a `null` value leaves the default in place;
 * - a string field takes any scalar as written (`name: yes` is the name "yes");
 * - URL fields are comma-separated strings (`listen-client-urls: http://a:1,http://b:2`), as are
 *   `cors` and `host-whitelist`; `log-outputs`, `cipher-suites` and the TLS `allowed-*` fields are
 *   lists. etcd-ts also accepts a list where etcd wants a comma string, and the reverse;
 * - durations are integers in **nanoseconds** (Go's `time.Duration` in JSON), e.g.
 *   `experimental-watch-progress-notify-interval: 600000000000`; etcd-ts also accepts a Go
 *   duration string (`10m`);
 * - TLS settings live in `client-transport-security` / `peer-transport-security` maps, socket
 *   options in `socket-options: {reuse-port, reuse-address}`.
 *
 * The result is not validated: call `validate()` (etcdmain does).
 */
import { readFileSync } from 'node:fs'
import { parseDocument, isMap, isScalar, type Node } from 'yaml'
import { newConfig, initialClusterFromName, type Config, type TransportSecurity, type ConfigWarn } from './config.js'
import { ConfigError, parseURLs, parseUniqueURLs, parseUniqueStrings, parseGoDuration } from './config-values.js'

/** Keys whose YAML value is a comma-separated URL list. */
const urlKeys = new Set(['listen-peer-urls', 'listen-client-urls', 'listen-client-http-urls', 'initial-advertise-peer-urls', 'advertise-client-urls', 'listen-metrics-urls'])
/** Keys holding a Go `time.Duration` (ms in Config). */
export const durationKeys = new Set([
  'backend-batch-interval', 'grpc-keepalive-min-time', 'grpc-keepalive-interval', 'grpc-keepalive-timeout',
  'raft-read-timeout', 'raft-write-timeout', 'experimental-corrupt-check-time', 'experimental-compact-hash-check-time',
  'experimental-compaction-sleep-interval', 'progress-notify-interval', 'experimental-warning-apply-duration',
  'experimental-downgrade-check-time'
])
/** Integer keys that may be negative (Go `int`/`int64`); the other integers are unsigned. */
const signedKeys = new Set(['quota-backend-bytes', 'backend-batch-limit', 'experimental-compaction-batch-limit', 'experimental-distributed-tracing-sampling-rate'])
/** YAML spellings that etcd uses for a Config key of another name. */
export const yamlAliases: Record<string, keyof Config> = {
  'experimental-snapshot-catch-up-entries': 'experimental-snapshot-catchup-entries',
  'experimental-watch-progress-notify-interval': 'progress-notify-interval'
}
/** Keys with a fixed set of values (etcd's `SelectiveStringValue`). */
export const choiceKeys: Record<string, readonly string[]> = {
  'initial-cluster-state': ['new', 'existing'],
  proxy: ['off', 'readonly', 'on'],
  'discovery-fallback': ['exit', 'proxy'],
  metrics: ['basic', 'extensive'],
  'auto-compaction-mode': ['periodic', 'revision']
}

type Scalar = string | number | boolean | null

function typeName (v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (v === null) return 'null'
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v
}

function fail (key: string, v: unknown, want: string): never {
  throw new ConfigError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${typeName(v)} into Go struct field configYAML.${key} of type ${want}`)
}

/** A node's value; scalars keep their source text for string fields. */
function plain (node: Node | null | undefined): { value: unknown, source?: string } {
  if (node === null || node === undefined) return { value: null }
  if (isScalar(node)) return { value: node.value as Scalar, source: node.source }
  return { value: node.toJSON() }
}

function asString (key: string, n: { value: unknown, source?: string }): string {
  const v = n.value
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return n.source ?? String(v)
  return fail(key, v, 'string')
}

function asList (key: string, n: { value: unknown, source?: string }): string[] {
  if (Array.isArray(n.value)) return n.value.map((x) => asString(key, { value: x }))
  const s = asString(key, n)
  return s === '' ? [] : s.split(',')
}

function asInteger (key: string, v: unknown): number {
  const want = signedKeys.has(key) ? 'int64' : 'uint64'
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail(key, v, want)
  if (v < 0 && !signedKeys.has(key)) return fail(key, v, want)
  return v
}

function asDuration (key: string, n: { value: unknown, source?: string }): number {
  if (typeof n.value === 'number' && Number.isInteger(n.value)) return n.value / 1e6
  if (typeof n.value === 'string') {
    try {
      return parseGoDuration(n.value)
    } catch (err) {
      throw new ConfigError(`invalid value "${n.value}" for ${key}: ${(err as Error).message}`)
    }
  }
  return fail(key, n.value, 'time.Duration')
}

const securityKeys: Record<string, keyof TransportSecurity> = {
  'cert-file': 'cert-file',
  'key-file': 'key-file',
  'client-cert-file': 'client-cert-file',
  'client-key-file': 'client-key-file',
  'client-cert-auth': 'client-cert-auth',
  'trusted-ca-file': 'trusted-ca-file',
  'crl-file': 'crl-file',
  'auto-tls': 'auto-tls',
  'allowed-cn': 'allowed-cn',
  'allowed-hostname': 'allowed-hostname'
}

function setSecurity (key: string, node: Node | null, sec: TransportSecurity, warn: ConfigWarn): void {
  if (node === null || (isScalar(node) && node.value === null)) return
  if (!isMap(node)) fail(key, plain(node).value, 'embed.securityConfig')
  for (const item of node.items) {
    const k = String(isScalar(item.key) ? item.key.value : item.key)
    const field = securityKeys[k]
    const n = plain(item.value as Node | null)
    if (field === undefined) {
      warn('unrecognized configuration key', { key: `${key}.${k}` })
      continue
    }
    if (n.value === null) continue
    if (field === 'client-cert-auth' || field === 'auto-tls') {
      if (typeof n.value !== 'boolean') fail(`${key}.${k}`, n.value, 'bool')
      sec[field] = n.value
    } else if (field === 'allowed-cn' || field === 'allowed-hostname') {
      sec[field] = asList(`${key}.${k}`, n)
    } else {
      sec[field] = asString(`${key}.${k}`, n)
    }
  }
}

/**
 * Parses YAML text into a Config (defaults + the file's values). `source` names the file in
 * messages. Unknown keys are reported through `warn`.
 */
export function configFromYAML (text: string, warn: ConfigWarn = () => {}, source = 'config file'): Config {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false })
  if (doc.errors.length > 0) throw new ConfigError(`error converting YAML to JSON: ${doc.errors[0].message.split('\n')[0]} (${source})`)
  const cfg = newConfig()
  const defaultInitialCluster = cfg['initial-cluster']
  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === null)) return withDerived(cfg, new Set(), defaultInitialCluster)
  if (!isMap(root)) throw new ConfigError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${typeName(root.toJSON())} into Go value of type embed.configYAML`)
  const set = new Set<string>()
  const c = cfg as unknown as Record<string, unknown>
  for (const item of root.items) {
    const rawKey = String(isScalar(item.key) ? item.key.value : item.key)
    const key: string = yamlAliases[rawKey] ?? rawKey
    const node = item.value as Node | null
    if (key === 'client-transport-security' || key === 'peer-transport-security') {
      setSecurity(key, node, cfg[key], warn)
      continue
    }
    if (key === 'socket-options') {
      const v = plain(node).value as Record<string, unknown> | null
      if (v === null) continue
      if (typeof v !== 'object' || Array.isArray(v)) fail(key, v, 'transport.SocketOpts')
      for (const [k, b] of Object.entries(v)) {
        if (k !== 'reuse-port' && k !== 'reuse-address') { warn('unrecognized configuration key', { key: `${key}.${k}` }); continue }
        if (typeof b !== 'boolean') fail(`${key}.${k}`, b, 'bool')
        cfg[k === 'reuse-port' ? 'socket-reuse-port' : 'socket-reuse-address'] = b
      }
      continue
    }
    if (key === 'userHandlers' || !(key in cfg)) {
      warn('unrecognized configuration key', { key: rawKey })
      continue
    }
    const n = plain(node)
    if (n.value === null) continue
    set.add(key)
    const def = c[key]
    if (urlKeys.has(key)) {
      const list = asList(key, n)
      if (list.length === 0) continue
      try {
        c[key] = parseURLs(list)
      } catch (err) {
        throw new ConfigError(`unexpected error setting up ${key}: ${(err as Error).message}`)
      }
    } else if (key === 'cors') {
      const s = asList(key, n).join(',')
      if (s === '') continue
      try {
        c[key] = parseUniqueURLs(s, ['*'])
      } catch (err) {
        throw new ConfigError(`unexpected error setting up cors: ${(err as Error).message}`)
      }
    } else if (key === 'host-whitelist') {
      const s = asList(key, n).join(',')
      if (s !== '') c[key] = parseUniqueStrings(s)
    } else if (durationKeys.has(key)) {
      c[key] = asDuration(key, n)
    } else if (Array.isArray(def)) {
      c[key] = asList(key, n)
    } else if (typeof def === 'boolean') {
      if (typeof n.value !== 'boolean') fail(key, n.value, 'bool')
      c[key] = n.value
    } else if (typeof def === 'number') {
      c[key] = asInteger(key, n.value)
    } else {
      const s = asString(key, n)
      const valid = choiceKeys[key]
      if (valid !== undefined && s !== '' && !valid.includes(s)) {
        throw new ConfigError(`unexpected error setting up ${key}: invalid value "${s}" (valid values: ${[...valid].sort().join(', ')})`)
      }
      c[key] = s
    }
  }
  return withDerived(cfg, set, defaultInitialCluster)
}

/** Values etcd derives after reading the file: data dir from the name, cluster state default, … */
function withDerived (cfg: Config, set: Set<string>, defaultInitialCluster: string): Config {
  if (!set.has('data-dir') || cfg['data-dir'] === '') cfg['data-dir'] = `${cfg.name}.etcd`
  if ((cfg.discovery !== '' || cfg['discovery-srv'] !== '') && cfg['initial-cluster'] === defaultInitialCluster) {
    cfg['initial-cluster'] = ''
  }
  if ((cfg['initial-cluster-state'] as string) === '') cfg['initial-cluster-state'] = 'new'
  if (cfg['self-signed-cert-validity'] === 0) cfg['self-signed-cert-validity'] = 1
  if ((cfg.proxy as string) === '') cfg.proxy = 'off'
  if (!set.has('initial-cluster') && cfg.name !== 'default' && cfg['initial-cluster'] === defaultInitialCluster) {
    cfg['initial-cluster'] = initialClusterFromName(cfg, cfg.name)
  }
  return cfg
}

/** Reads and parses a YAML configuration file (see the module comment for the rules). */
export function configFromFile (path: string, warn: ConfigWarn = () => {}): Config {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new ConfigError(`open ${path}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`)
  }
  return configFromYAML(text, warn, path)
}
