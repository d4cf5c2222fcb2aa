/**
 * Value parsers shared by the flag parser (src/etcdmain), the YAML loader and `validate()`. Each
 * one follows the Go function etcd uses for the same value, including its error text, so that a
 * bad value is reported the way etcd reports it: URL lists as `types.NewURLs`, durations as
 * `time.ParseDuration`, integers as `strconv.ParseUint`/`ParseInt` (base prefixes allowed),
 * booleans as `strconv.ParseBool`, and `name=url,…` maps as `types.NewURLsMap`.
 */

import { CodedError } from '../pkg/coded-error.js'

/** A parse failure; `message` is the text etcd prints for the same input. */
export class ValueError extends Error {
  override name = 'ValueError'
}

/**
 * A configuration that etcd would refuse. `code` is etcd's sentinel name where it has one
 * (`ErrUnsetAdvertiseClientURLsFlag`, `ErrConflictBootstrapFlags`), else `ErrInvalidConfig`.
 */
export class ConfigError extends CodedError {
  constructor (message: string, code = 'ErrInvalidConfig') {
    super(code, message)
  }
}

const schemeRe = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(.*)$/

/**
 * Splits `host:port` as Go's `net.SplitHostPort` does (IPv6 hosts in brackets). Throws with Go's
 * message when the port is missing or the brackets are unbalanced.
 */
export function splitHostPort (hostport: string): { host: string, port: string } {
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']')
    if (end < 0) throw new ValueError(`address ${hostport}: missing ']' in address`)
    const rest = hostport.slice(end + 1)
    if (!rest.startsWith(':')) throw new ValueError(`address ${hostport}: missing port in address`)
    return { host: hostport.slice(1, end), port: rest.slice(1) }
  }
  const i = hostport.lastIndexOf(':')
  if (i < 0) throw new ValueError(`address ${hostport}: missing port in address`)
  const host = hostport.slice(0, i)
  if (host.includes(':')) throw new ValueError(`address ${hostport}: too many colons in address`)
  return { host, port: hostport.slice(i + 1) }
}

/** A parsed URL in the parts etcd looks at. `host` keeps the port (`127.0.0.1:2379`). */
export interface ParsedURL {
  scheme: string
  host: string
  path: string
  /** The URL as Go's `url.URL.String()` prints it (no trailing slash added). */
  href: string
}

/** Parses one URL without `types.NewURLs`' scheme rules. */
export function parseURL (raw: string): ParsedURL {
  const m = schemeRe.exec(raw)
  if (m === null) throw new ValueError(`URL scheme must be http, https, unix, or unixs: ${raw}`)
  const scheme = m[1].toLowerCase()
  const host = m[2]
  const path = m[3]
  return { scheme, host, path, href: `${scheme}://${host}${path}${m[4]}` }
}

/**
 * Parses a list of URLs as `types.NewURLs` does: each entry trimmed; http/https need `host:port`
 * and no path; unix/unixs are taken as they are; the result is sorted. Returns the normalized
 * strings.
 */
export function parseURLs (strs: readonly string[]): string[] {
  if (strs.length === 0) throw new ValueError('no valid URLs given')
  const out: string[] = []
  for (const s of strs) {
    const input = s.trim()
    const u = parseURL(input)
    switch (u.scheme) {
      case 'http':
      case 'https':
        try {
          splitHostPort(u.host)
        } catch {
          throw new ValueError(`URL address does not have the form "host:port": ${input}`)
        }
        if (u.path !== '') throw new ValueError(`URL must not contain a path: ${input}`)
        break
      case 'unix':
      case 'unixs':
        break
      default:
        throw new ValueError(`URL scheme must be http, https, unix, or unixs: ${input}`)
    }
    out.push(u.href)
  }
  return out.sort()
}

/**
 * A comma-separated URL list with duplicates removed (etcd's `flags.UniqueURLs`), in sorted
 * order. Values in `exceptions` (e.g. `*` for `--cors`) are accepted as they are.
 */
export function parseUniqueURLs (s: string, exceptions: readonly string[] = []): string[] {
  if (exceptions.includes(s)) return [s]
  return [...new Set(parseURLs(s.split(',')))]
}

/** A comma-separated string set (etcd's `flags.UniqueStringsValue`), sorted. */
export function parseUniqueStrings (s: string): string[] {
  return [...new Set(s.split(','))].sort()
}

/** A comma-separated list that keeps order and duplicates (etcd's `flags.StringsValue`). */
export function parseStrings (s: string): string[] {
  return s === '' ? [] : s.split(',')
}

const unitMs: Record<string, number> = {
  ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000
}

/**
 * Parses a Go duration (`300ms`, `1.5h`, `2h45m`, `-1s`, `0`) into milliseconds, as
 * `time.ParseDuration` accepts it. Throws `time: invalid duration "x"` otherwise.
 */
export function parseGoDuration (s: string): number {
  const bad = (): ValueError => new ValueError(`time: invalid duration "${s}"`)
  let rest = s
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') throw bad()
  let total = 0
  const re = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/
  while (rest !== '') {
    const m = re.exec(rest)
    if (m === null) {
      if (/^(\d+\.?\d*|\.\d+)$/.test(rest)) throw new ValueError(`time: missing unit in duration "${s}"`)
      throw bad()
    }
    total += Number(m[1]) * unitMs[m[2]]
    rest = rest.slice(m[0].length)
  }
  return sign * total
}

/** Formats milliseconds the way Go prints a `time.Duration` (`10m0s`, `100ms`, `1h0m0s`). */
export function formatGoDuration (ms: number): string {
  if (ms === 0) return '0s'
  const neg = ms < 0
  let v = Math.abs(ms)
  let out: string
  if (v < 1000) {
    out = v >= 1 ? `${trim(v)}ms` : v >= 1e-3 ? `${trim(v * 1e3)}µs` : `${trim(v * 1e6)}ns`
  } else {
    const h = Math.floor(v / 3_600_000)
    v -= h * 3_600_000
    const m = Math.floor(v / 60_000)
    v -= m * 60_000
    const sec = `${trim(v / 1000)}s`
    out = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec
  }
  return (neg ? '-' : '') + out
}

function trim (n: number): string {
  return String(Number(n.toFixed(9)))
}

/** `strconv.ParseBool`: 1 t T TRUE true True 0 f F FALSE false False. */
export function parseGoBool (s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false
  throw new ValueError('parse error')
}

function parseGoInteger (s: string, signed: boolean): bigint {
  let t = s
  let neg = false
  if (signed && (t.startsWith('-') || t.startsWith('+'))) {
    neg = t[0] === '-'
    t = t.slice(1)
  }
  let digits: RegExp = /^[0-9](_?[0-9])*$/
  let prefix = ''
  if (/^0[xX]/.test(t)) { prefix = '0x'; digits = /^[0-9a-fA-F](_?[0-9a-fA-F])*$/; t = t.slice(2) } else if (/^0[bB]/.test(t)) { prefix = '0b'; digits = /^[01](_?[01])*$/; t = t.slice(2) } else if (/^0[oO]/.test(t)) { prefix = '0o'; digits = /^[0-7](_?[0-7])*$/; t = t.slice(2) } else if (/^0[0-7_]/.test(t)) { prefix = '0o'; digits = /^_?[0-7](_?[0-7])*$/; t = t.slice(1) }
  if (!digits.test(t)) throw new ValueError('parse error')
  const v = BigInt(prefix + t.replaceAll('_', ''))
  return neg ? -v : v
}

/** `strconv.ParseUint(s, 0, bits)` as a JS number (bits ≤ 64; values above 2^53 lose precision). */
export function parseGoUint (s: string, bits = 64): number {
  const v = parseGoInteger(s, false)
  if (v >= 1n << BigInt(bits)) throw new ValueError('value out of range')
  return Number(v)
}

/** `strconv.ParseInt(s, 0, bits)` as a JS number. */
export function parseGoInt (s: string, bits = 64): number {
  const v = parseGoInteger(s, true)
  const lim = 1n << BigInt(bits - 1)
  if (v >= lim || v < -lim) throw new ValueError('value out of range')
  return Number(v)
}

/**
 * Parses `name=url,name=url` as `types.NewURLsMap` does: entries grouped by name, each group's
 * URLs checked by `parseURLs`. An entry without `=` gets an empty URL (and then fails).
 */
export function parseURLsMap (s: string): Map<string, string[]> {
  const raw = new Map<string, string[]>()
  for (const entry of s.split(',')) {
    if (entry === '') continue
    const i = entry.indexOf('=')
    const name = i >= 0 ? entry.slice(0, i) : entry
    const value = i >= 0 ? entry.slice(i + 1) : ''
    raw.set(name, [...(raw.get(name) ?? []), value])
  }
  const out = new Map<string, string[]>()
  for (const [name, urls] of raw) out.set(name, parseURLs(urls))
  return out
}

/**
 * The address a listener binds for a listen URL: `{ host, port }` for tcp, `{ path }` for unix
 * sockets. `localhost` binds 127.0.0.1 (Node would otherwise pick ::1 on some systems; etcd-ts
 * serves loopback on IPv4 as the product brief asks).
 */
export function listenAddress (url: string): { host: string, port: number, secure: boolean } | { path: string, secure: boolean } {
  const u = parseURL(url)
  const secure = u.scheme === 'https' || u.scheme === 'unixs'
  if (u.scheme === 'unix' || u.scheme === 'unixs') return { path: u.host + u.path, secure }
  const { host, port } = splitHostPort(u.host)
  return { host: host === 'localhost' ? '127.0.0.1' : host, port: Number(port), secure }
}
