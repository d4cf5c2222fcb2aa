// etcd's peer headers and the compatibility checks every raft endpoint runs, in etcd's order:
// version first, then cluster ID (both answer 412 with etcd's text).
import { minClusterVersion, serverVersion } from '../api/version.js'

export const Header = {
  ClusterID: 'x-etcd-cluster-id',
  ServerFrom: 'x-server-from',
  ServerVersion: 'x-server-version',
  MinClusterVersion: 'x-min-cluster-version',
  PeerURLs: 'x-peerurls',
  RaftTo: 'x-raft-to'
} as const

/** What a peer request carries, by lower-case header name. */
export type PeerHeaders = Record<string, string | string[] | undefined>

function one (h: PeerHeaders, name: string): string | undefined {
  const v = h[name]
  return Array.isArray(v) ? v[0] : v
}

function majorMinor (v: string | undefined): [number, number] {
  // A missing version means an etcd 2.0 peer.
  const m = /^(\d+)\.(\d+)/.exec(v ?? '2.0.0')
  return m === null ? [2, 0] : [Number(m[1]), Number(m[2])]
}

function less (a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])
}

/** A failed check: the HTTP status and etcd's body text. */
export interface CheckFailure { status: number, text: string }

/** etcd's checkClusterCompatibilityFromHeader: version, then cluster ID. */
export function checkCompatibility (h: PeerHeaders, localClusterId: bigint): CheckFailure | undefined {
  const remoteServer = majorMinor(one(h, Header.ServerVersion))
  const remoteMin = majorMinor(one(h, Header.MinClusterVersion))
  if (less(remoteServer, majorMinor(minClusterVersion)) || less(majorMinor(serverVersion), remoteMin)) {
    return { status: 412, text: 'incompatible version\n' }
  }
  const cid = one(h, Header.ClusterID)
  if (cid !== localClusterId.toString(16)) return { status: 412, text: 'cluster ID mismatch\n' }
  return undefined
}

/** Parses a hex member ID header or path segment; undefined if malformed. */
export function parseHexId (s: string | undefined): bigint | undefined {
  if (s === undefined || !/^[0-9a-fA-F]{1,16}$/.test(s)) return undefined
  return BigInt('0x' + s)
}

/** The sender's peer URLs from X-PeerURLs. */
export function peerURLsOf (h: PeerHeaders): string[] {
  const v = one(h, Header.PeerURLs)
  return v === undefined || v === '' ? [] : v.split(',')
}

export function headerValue (h: PeerHeaders, name: string): string | undefined {
  return one(h, name)
}

/** The headers this member sends on every peer request. */
export function outgoingHeaders (localId: bigint, clusterId: bigint, peerURLs: readonly string[]): Record<string, string> {
  return {
    'X-Server-From': localId.toString(16),
    'X-Server-Version': serverVersion,
    'X-Min-Cluster-Version': minClusterVersion,
    'X-Etcd-Cluster-ID': clusterId.toString(16),
    'X-PeerURLs': peerURLs.join(',')
  }
}
