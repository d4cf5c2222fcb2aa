/**
 * etcd's default-host rule (`netutil.GetDefaultHost` + `embed.UpdateDefaultClusterFromName`):
 * when a member listens on 0.0.0.0 but still advertises the default `localhost` URL, it
 * advertises the address of the interface that holds the default route instead, keeping the
 * listen port. Linux only (it reads /proc/net/route, as etcd does); elsewhere, or without a
 * default route, nothing changes.
 */
import { readFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import {
  DefaultAdvertiseClientURLs, DefaultInitialAdvertisePeerURLs, DefaultName, initialClusterFromName, type Config
} from '../embed/config.js'
import { parseURL, splitHostPort } from '../embed/config-values.js'

/** The first IPv4 address of the default-route interface, or an Error saying why there is none. */
export function defaultHost (routeTable?: string, ifaces = networkInterfaces()): string | Error {
  let table = routeTable
  try {
    table ??= readFileSync('/proc/net/route', 'utf8')
  } catch (err) {
    return new Error(`could not read the routing table: ${(err as Error).message}`)
  }
  const lines = table.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 8)
  const def = lines.filter((f) => f[1] === '00000000' && f[7] === '00000000').sort((a, b) => Number(a[6]) - Number(b[6]))[0]
  if (def === undefined) return new Error('could not find default route')
  const addr = (ifaces[def[0]] ?? []).find((a) => a.family === 'IPv4' && !a.internal)
  if (addr === undefined) return new Error(`could not find an IPv4 address on interface ${def[0]}`)
  return addr.address
}

function withHost (url: string, host: string, port: string): string {
  return `${parseURL(url).scheme}://${host}:${port}`
}

/**
 * Applies etcd's `UpdateDefaultClusterFromName`: the default-host rule above, then, when only
 * `name` was changed, `initial-cluster` follows the name. Returns the default host if it was
 * used, else ''.
 */
export function updateDefaultClusterFromName (cfg: Config, defaultInitialCluster: string, host: string | Error = defaultHost()): string {
  let used = false
  if (typeof host === 'string') {
    const lp = splitHostPort(parseURL(cfg['listen-peer-urls'][0] ?? DefaultInitialAdvertisePeerURLs).host)
    const ap = cfg['initial-advertise-peer-urls']
    if (ap.length === 1 && ap[0] === DefaultInitialAdvertisePeerURLs && lp.host === '0.0.0.0') {
      cfg['initial-advertise-peer-urls'] = [withHost(ap[0], host, lp.port)]
      used = true
    }
  }
  if (cfg.name !== DefaultName && cfg['initial-cluster'] === defaultInitialCluster) {
    cfg['initial-cluster'] = initialClusterFromName(cfg, cfg.name)
  }
  if (typeof host === 'string') {
    const lc = splitHostPort(parseURL(cfg['listen-client-urls'][0] ?? DefaultAdvertiseClientURLs).host)
    const ac = cfg['advertise-client-urls']
    if (ac.length === 1 && ac[0] === DefaultAdvertiseClientURLs && lc.host === '0.0.0.0') {
      cfg['advertise-client-urls'] = [withHost(ac[0], host, lc.port)]
      used = true
    }
  }
  return used ? host as string : ''
}
