// Joining a running cluster (`--initial-cluster-state existing`, etcd's bootstrapExistingClusterNoWAL):
// ask the peers named in --initial-cluster for the cluster's members (GET /members on their peer
// URLs; the cluster ID is in X-Etcd-Cluster-ID), find this member among them by its peer URLs
// (an operator added it with member add first), and start raft with an empty log: the leader
// sends the log, or a snapshot when the log was compacted.
import { Agent, request, type Dispatcher } from 'undici'
import type { ServerConfig } from './config.js'
import type { Member } from './membership/member.js'

/** What the peers told us about the cluster. */
export interface RemoteCluster {
  clusterId: bigint
  members: Member[]
}

interface GoMember { id: string, name?: string, peerURLs: string[], clientURLs?: string[], isLearner?: boolean }

/** A dispatcher for peer requests outside the transport (https peers need the peer TLS material). */
export function peerDispatcher (tls: ServerConfig['peerTLS']): Dispatcher | undefined {
  return tls === undefined ? undefined : new Agent({ connect: { ...tls } })
}

/** Asks each URL in turn for GET /members; the first answer wins. */
export async function fetchClusterFromPeers (urls: string[], timeoutMs = 2000, tls?: ServerConfig['peerTLS']): Promise<RemoteCluster> {
  const errors: string[] = []
  const dispatcher = peerDispatcher(tls)
  try {
    return await firstAnswer(urls, timeoutMs, dispatcher, errors)
  } finally {
    await dispatcher?.close()
  }
}

async function firstAnswer (urls: string[], timeoutMs: number, dispatcher: Dispatcher | undefined, errors: string[]): Promise<RemoteCluster> {
  for (const u of urls) {
    try {
      const res = await request(`${u.replace(/\/$/, '')}/members`, { method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs, dispatcher })
      const text = await res.body.text()
      if (res.statusCode !== 200) { errors.push(`${u}: ${res.statusCode}`); continue }
      const cid = res.headers['x-etcd-cluster-id']
      if (typeof cid !== 'string') { errors.push(`${u}: no X-Etcd-Cluster-ID`); continue }
      // IDs are bare 64-bit numbers: quote them before JSON.parse so no precision is lost.
      const list = JSON.parse(text.replace(/"id":\s*(\d+)/g, '"id":"$1"')) as GoMember[]
      return {
        clusterId: BigInt('0x' + cid),
        members: list.map((m) => ({
          id: BigInt(m.id), name: m.name ?? '', peerURLs: m.peerURLs, clientURLs: m.clientURLs ?? [], isLearner: m.isLearner === true
        }))
      }
    } catch (err) {
      errors.push(`${u}: ${(err as Error).message}`)
    }
  }
  throw new Error(`cannot fetch cluster info from peer urls: could not retrieve cluster information from the given URLs (${errors.join('; ')})`)
}

/** The peer URLs of --initial-cluster other than this member's own. */
export function remotePeerURLs (cfg: ServerConfig): string[] {
  const own = new Set(cfg.peerURLs)
  const out: string[] = []
  for (const [name, urls] of cfg.initialPeerURLsMap) {
    if (name === cfg.name) continue
    for (const u of urls) if (!own.has(u)) out.push(u)
  }
  return out
}

/** Finds this member in the remote cluster by its advertised peer URLs; throws etcd-style if absent. */
export function findSelf (cfg: ServerConfig, rc: RemoteCluster): Member {
  const want = [...cfg.peerURLs].sort().join(',')
  const self = rc.members.find((m) => [...m.peerURLs].sort().join(',') === want)
  if (self === undefined) {
    throw new Error(`error validating peerURLs {ClusterID:${rc.clusterId.toString(16)} Members:[${rc.members.map((m) => `${m.id.toString(16)}=${m.peerURLs.join('|')}`).join(' ')}]}: ` +
      `PeerURLs: no match found for existing member (${cfg.peerURLs.join(',')}); add it with member add before starting it with --initial-cluster-state existing`)
  }
  return self
}
