/**
 * Turns argv + environment (+ an optional YAML file) into a validated Config, the way etcd 3.5's
 * `etcdmain` does (`config.parse` → `configFromCmdLine` / `configFromFile` → `Validate`). The
 * rules are documented on the flag table (./config.ts) and in the README's Configuration section.
 */
import { CodedError } from '../pkg/coded-error.js'
import { newConfig, validate, type Config, type TransportSecurity } from '../embed/config.js'
import { configFromFile } from '../embed/config-file.js'
import {
  ConfigError, parseGoBool, parseGoDuration, parseGoInt, parseGoUint, parseStrings, parseUniqueStrings,
  parseUniqueURLs, ValueError
} from '../embed/config-values.js'
import { flagsByName, flagToEnv, type FlagSpec } from './config.js'
import { defaultHost, updateDefaultClusterFromName } from './default-host.js'

/** A malformed command line; etcd (Go's flag package) exits 2 for these. */
export class FlagError extends CodedError {
  constructor (message: string) {
    super('ErrFlagParse', message)
  }
}

/** A log line produced while parsing, printed once the logger exists. */
export interface Note {
  level: 'info' | 'warn'
  msg: string
  fields?: Record<string, unknown>
}

/** What the command line asks for. */
export type ParseResult =
  | { action: 'help' }
  | { action: 'version' }
  | { action: 'run', cfg: Config, configFile: string, notes: Note[] }

type Env = Readonly<Record<string, string | undefined>>

/** Parses one flag value and stores it in `cfg`. Throws ValueError with Go's text. */
function setFlag (cfg: Config, spec: FlagSpec, raw: string, notes: Note[]): void {
  let v: unknown
  switch (spec.kind) {
    case 'ignored':
      notes.push({ level: 'warn', msg: 'flag is no longer supported - ignoring', fields: { 'flag-name': spec.name } })
      return
    case 'string': v = raw; break
    case 'bool': v = parseGoBool(raw); break
    case 'uint': v = parseGoUint(raw, spec.bits ?? 64); break
    case 'int': v = parseGoInt(raw, spec.bits ?? 64); break
    case 'duration': v = parseGoDuration(raw); break
    case 'urls': v = parseUniqueURLs(raw, spec.exceptions ?? []); break
    case 'unique-strings': v = parseUniqueStrings(raw); break
    case 'strings': v = parseStrings(raw); break
    case 'choice':
      if (!(spec.choices ?? []).includes(raw)) throw new ValueError(`invalid value (valid values: ${[...(spec.choices ?? [])].sort().join(', ')})`)
      v = raw
      break
  }
  const key = spec.key
  if (key === undefined) return
  if (Array.isArray(key)) {
    const sec = cfg[key[0]] as unknown as Record<keyof TransportSecurity, unknown>
    sec[key[1]] = v
  } else {
    (cfg as unknown as Record<string, unknown>)[key] = v
  }
}

interface CmdLine {
  /** Raw values by flag name, in order of appearance (last one wins, as Go's flag.Set). */
  set: Map<string, string[]>
  help: boolean
  positional: string[]
}

/** Go `flag.FlagSet.Parse` over argv: syntax only, values checked by `setFlag`. */
function scan (argv: readonly string[]): CmdLine {
  const out: CmdLine = { set: new Map(), help: false, positional: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') { out.positional = argv.slice(i + 1); break }
    if (a.length < 2 || !a.startsWith('-')) { out.positional = argv.slice(i); break }
    let body = a.slice(a.startsWith('--') ? 2 : 1)
    if (body === '' || body.startsWith('-') || body.startsWith('=')) throw new FlagError(`bad flag syntax: ${a}`)
    let value: string | undefined
    const eq = body.indexOf('=')
    if (eq >= 0) { value = body.slice(eq + 1); body = body.slice(0, eq) }
    const spec = flagsByName.get(body)
    if (spec === undefined) {
      if (body === 'help' || body === 'h') { out.help = true; return out }
      throw new FlagError(`flag provided but not defined: -${body}`)
    }
    if (spec.kind === 'bool' || spec.kind === 'ignored') {
      if (value !== undefined) {
        try {
          parseGoBool(value)
        } catch {
          throw new FlagError(`invalid boolean value "${value}" for -${body}: parse error`)
        }
      }
      value ??= 'true'
    } else if (value === undefined) {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: -${body}`)
      value = argv[++i]
    }
    out.set.set(body, [...(out.set.get(body) ?? []), value])
  }
  return out
}

/**
 * Parses the command line and environment into a validated Config. Throws `FlagError` (exit 2)
 * for a malformed command line and `ConfigError` (exit 1) for an invalid configuration. Log
 * lines produced on the way are pushed to `notes` (also on failure). `host` is the machine's
 * default host (see ./default-host.ts), injectable for tests.
 */
export function parseConfig (argv: readonly string[], env: Env, notes: Note[] = [], host: string | Error = defaultHost()): ParseResult {
  const cmd = scan(argv)
  if (cmd.help) return { action: 'help' }
  const cfg = newConfig()
  const defaultInitialCluster = cfg['initial-cluster']
  for (const [name, values] of cmd.set) {
    const spec = flagsByName.get(name) as FlagSpec
    for (const raw of values) {
      try {
        setFlag(cfg, spec, raw, notes)
      } catch (err) {
        throw new FlagError(`invalid value "${raw}" for flag -${name}: ${(err as Error).message}`)
      }
    }
  }
  const ver = cmd.set.get('version')?.at(-1)
  if (ver !== undefined && parseGoBool(ver)) return { action: 'version' }
  if (cmd.positional.length > 0) throw new ConfigError(`'${cmd.positional[0]}' is not a valid flag`)

  let configFile = cmd.set.get('config-file')?.at(-1) ?? ''
  if (configFile === '') configFile = env[flagToEnv('ETCD', 'config-file')] ?? ''
  let result: Config
  if (configFile !== '') {
    result = configFromFile(configFile, (msg, fields) => notes.push({ level: 'warn', msg, fields: { ...fields, path: configFile } }))
    notes.push({ level: 'info', msg: 'loaded server configuration, other configuration command line flags and environment variables will be ignored if provided', fields: { path: configFile } })
  } else {
    result = fromCmdLine(cfg, cmd, env, notes)
  }
  for (const name of cmd.set.keys()) {
    if (flagsByName.get(name)?.deprecated === true) notes.push({ level: 'warn', msg: `--${name} is deprecated in 3.5 and will be decommissioned in 3.6.` })
  }
  const dh = updateDefaultClusterFromName(result, defaultInitialCluster, host)
  if (dh !== '') notes.push({ level: 'info', msg: 'detected default host for advertise', fields: { host: dh } })
  if (host instanceof Error) notes.push({ level: 'info', msg: 'failed to detect default host', fields: { error: host.message } })
  if (result['data-dir'] === '') {
    result['data-dir'] = `${result.name}.etcd`
    notes.push({ level: 'warn', msg: "'data-dir' was empty; using default", fields: { 'data-dir': result['data-dir'] } })
  }
  try {
    validate(result, (msg, fields) => notes.push({ level: 'warn', msg, fields }))
  } catch (err) {
    // etcd lets a proxy start without advertise client URLs
    if (!(err instanceof ConfigError && err.code === 'ErrUnsetAdvertiseClientURLsFlag' && result.proxy !== 'off')) throw err
  }
  return { action: 'run', cfg: result, configFile, notes }
}

/** etcd's `configFromCmdLine`: environment, then the adjustments that depend on what was set. */
function fromCmdLine (cfg: Config, cmd: CmdLine, env: Env, notes: Note[]): Config {
  const verKey = 'ETCD_VERSION'
  if ((env[verKey] ?? '') !== '') notes.push({ level: 'warn', msg: 'cannot set special environment variable', fields: { key: verKey, value: env[verKey] } })
  const alreadySet = new Set([...cmd.set.keys()].map((n) => flagToEnv('ETCD', n)))
  const used = new Set<string>()
  const isSet = new Set(cmd.set.keys())
  for (const spec of flagsByName.values()) {
    const key = flagToEnv('ETCD', spec.name)
    if (alreadySet.has(key) || key === verKey) continue
    const val = env[key] ?? ''
    if (val === '') continue
    used.add(key)
    try {
      setFlag(cfg, spec, val, notes)
    } catch (err) {
      throw new ConfigError(`invalid value "${val}" for ${key}: ${(err as Error).message}`)
    }
    isSet.add(spec.name)
    notes.push({ level: 'info', msg: 'recognized and used environment variable', fields: { 'variable-name': key, 'variable-value': val } })
  }
  for (const name of Object.keys(env)) {
    if (used.has(name)) continue
    if (alreadySet.has(name)) {
      throw new ConfigError(`conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag): ${name}`)
    }
    if (name.startsWith('ETCD_') && name !== verKey && name !== 'ETCD_CONFIG_FILE') {
      notes.push({ level: 'warn', msg: 'unrecognized environment variable', fields: { 'environment-variable': `${name}=${env[name] ?? ''}` } })
    }
  }
  for (const k of ['raft-read-timeout', 'raft-write-timeout'] as const) {
    if (cfg[k] < 5000) {
      cfg[k] = 5000
      notes.push({ level: 'info', msg: `${k} increased to minimum value: 5s` })
    }
  }
  const mayBeProxy = cfg.proxy !== 'off' || (cfg.discovery !== '' && cfg['discovery-fallback'] === 'proxy')
  if (!mayBeProxy && isSet.has('listen-client-urls') && !isSet.has('advertise-client-urls')) {
    cfg['advertise-client-urls'] = []
  }
  if ((cfg.discovery !== '' || cfg['discovery-srv'] !== '' || cfg['discovery-srv-name'] !== '') && !isSet.has('initial-cluster')) {
    cfg['initial-cluster'] = ''
  }
  if (!isSet.has('data-dir')) cfg['data-dir'] = ''
  return cfg
}
