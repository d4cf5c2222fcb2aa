import { createHash } from 'node:crypto'

/** A cluster member, as etcd's membership.Member. */
export interface Member {
  id: bigint
  name: string
  peerURLs: string[]
  clientURLs: string[]
  isLearner: boolean
}

function first8BytesOfSha1 (data: Buffer): bigint {
  return createHash('sha1').update(data).digest().readBigUInt64BE(0)
}

/**
 * The member ID etcd derives: the first 8 bytes (big-endian) of SHA-1 over the sorted peer URLs
 * concatenated, the cluster token, and, for members added at runtime, the decimal unix seconds.
 */
export function computeMemberId (peerURLs: readonly string[], clusterToken: string, unixSeconds?: number): bigint {
  const parts = [...peerURLs].sort().join('') + clusterToken + (unixSeconds === undefined ? '' : String(unixSeconds))
  return first8BytesOfSha1(Buffer.from(parts, 'utf8'))
}

/** The cluster ID etcd derives: SHA-1 over the sorted member IDs as 8-byte big-endian words. */
export function computeClusterId (memberIds: readonly bigint[]): bigint {
  const sorted = [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const buf = Buffer.alloc(8 * sorted.length)
  sorted.forEach((id, i) => buf.writeBigUInt64BE(id, 8 * i))
  return first8BytesOfSha1(buf)
}

/** Parses etcd's `--initial-cluster` (`name=url,name=url2,…`) into name → peer URLs. */
export function parseInitialCluster (s: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const part of s.split(',')) {
    const trimmed = part.trim()
    if (trimmed === '') continue
    const eq = trimmed.indexOf('=')
    if (eq <= 0) throw new Error(`invalid initial-cluster entry ${JSON.stringify(trimmed)}`)
    const name = trimmed.slice(0, eq)
    const url = trimmed.slice(eq + 1)
    const urls = out.get(name) ?? []
    urls.push(url)
    out.set(name, urls)
  }
  return out
}
