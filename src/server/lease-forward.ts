// Lease calls a follower cannot answer itself, forwarded to the leader over the peer port (etcd's
// leasehttp: POST /leases for keep-alive, POST /leases/internal for time-to-live). Only the
// leader's lessor tracks expiry, so a keep-alive sent to any member must reach it.
import { request, type Dispatcher } from 'undici'
import type { LeaseTimeToLiveRequest, LeaseTimeToLiveResponse } from '../api/etcdserverpb/lease.js'
import type { ResponseHeader } from '../api/etcdserverpb/kv.js'
import type { TimeToLiveJSON } from '../api/etcdserverpb/lease-peer.js'
import { ErrNoLeader, ErrTimeout } from './errors.js'

export interface LeaseForwardDeps {
  /** The current leader's peer URLs; undefined while no leader is known. */
  leaderPeerURLs (): readonly string[] | undefined
  headers (): Record<string, string>
  dispatcher?: Dispatcher
  header (): ResponseHeader
  timeoutMs: number
}

async function postToLeader (d: LeaseForwardDeps, path: string, body: unknown): Promise<unknown> {
  const urls = d.leaderPeerURLs()
  if (urls === undefined || urls.length === 0) throw ErrNoLeader()
  let last: unknown = ErrTimeout()
  for (const url of urls) {
    try {
      const r = await request(url.replace(/\/$/, '') + path, {
        method: 'POST',
        headers: { ...d.headers(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
        headersTimeout: d.timeoutMs,
        bodyTimeout: d.timeoutMs,
        ...(d.dispatcher !== undefined ? { dispatcher: d.dispatcher } : {})
      })
      const text = await r.body.text()
      if (r.statusCode === 200) return JSON.parse(text)
      last = new Error(`leader answered ${r.statusCode}: ${text.trim()}`)
    } catch (err) {
      last = err
    }
  }
  throw last
}

/** The forwarders V3Lease calls on a follower. */
export function leaseForwarders (d: LeaseForwardDeps): {
  forwardKeepAlive: (id: bigint) => Promise<number>
  forwardTimeToLive: (r: LeaseTimeToLiveRequest) => Promise<LeaseTimeToLiveResponse>
} {
  return {
    forwardKeepAlive: async (id) => {
      const j = await postToLeader(d, '/leases', { ID: id.toString() }) as { TTL: string }
      return Number(j.TTL)
    },
    forwardTimeToLive: async (r) => {
      const j = await postToLeader(d, '/leases/internal', { ID: (r.ID ?? 0n).toString(), keys: r.keys === true }) as TimeToLiveJSON
      return {
        header: d.header(),
        ID: BigInt(j.ID),
        TTL: BigInt(j.TTL),
        grantedTTL: BigInt(j.grantedTTL),
        keys: j.keys.map((k) => Buffer.from(k, 'base64'))
      }
    }
  }
}
