// The peer listener's API (etcd's etcdhttp peer handler + rafthttp): its own Fastify root, so
// nothing here is reachable on a client URL. Registers the member-information routes and the raft
// transport routes (/raft, /raft/stream/*, /raft/snapshot, /raft/probing); the test-only fault
// switch joins them when ETCD_TS_FAILPOINTS=1. With --peer-cert-allowed-cn / -hostname, a peer
// whose client certificate does not match is refused.
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import membersRoutes, { hashKVRoutes } from '../routes/peer/members.js'
import versionRoutes from '../routes/peer/version.js'
import raftRoutes from '../routes/peer/raft.js'
import faultRoutes from '../routes/peer/fault.js'
import leasesRoutes from '../routes/peer/leases.js'

export interface PeerAPIOptions {
  /** `--peer-cert-allowed-cn`: the client certificate's CN must be one of these. */
  allowedCN?: string[]
  /** `--peer-cert-allowed-hostname`: the client certificate must be valid for one of these names. */
  allowedHostname?: string[]
}

/** True if the peer's certificate passes the allowed-CN and allowed-hostname rules. */
export function peerCertAllowed (cert: PeerCertificate | undefined, o: PeerAPIOptions): boolean {
  const cns = o.allowedCN ?? []
  const hosts = o.allowedHostname ?? []
  if (cns.length === 0 && hosts.length === 0) return true
  if (cert === undefined || cert.subject === undefined) return false
  const cn: string | string[] | undefined = cert.subject.CN
  const name = Array.isArray(cn) ? cn[0] : cn
  if (cns.length > 0 && (name === undefined || !cns.includes(name))) return false
  if (hosts.length > 0 && !hosts.some((h) => checkServerIdentity(h, cert) === undefined)) return false
  return true
}

/** The Allow header etcd sends for a peer path served under other methods ('' = none); undefined = unknown path. */
function peerAllow (path: string): string | undefined {
  if (path === '/raft' || path === '/raft/snapshot' || path.startsWith('/members/promote/')) return 'POST'
  if (path === '/members' || path === '/version') return 'GET'
  if (path === '/leases' || path === '/leases/internal') return ''
  return undefined
}

export default async function peerAPI (app: FastifyInstance, opts: PeerAPIOptions = {}): Promise<void> {
  // Peers send GET /members/hashkv with a body; Fastify treats GET as bodyless otherwise.
  app.addHttpMethod('GET', { hasBody: true, overrideExisting: true })
  if ((opts.allowedCN?.length ?? 0) > 0 || (opts.allowedHostname?.length ?? 0) > 0) {
    app.addHook('onRequest', async (req, reply) => {
      const sock = req.raw.socket as TLSSocket
      const cert = typeof sock.getPeerCertificate === 'function' ? sock.getPeerCertificate() : undefined
      if (!peerCertAllowed(cert !== undefined && Object.keys(cert).length > 0 ? cert : undefined, opts)) {
        return reply.code(403).type('text/plain; charset=utf-8').send('peer certificate not allowed\n')
      }
    })
  }
  app.addHook('onSend', async (_req, reply) => {
    reply.header('X-Etcd-Cluster-ID', app.etcd.clusterId.toString(16))
  })
  // Go's mux answers: a known path with another method is 405 with the route's Allow header
  // (etcd's handlers set none for /leases), anything else `404 page not found`.
  app.setNotFoundHandler((req, reply) => {
    const q = req.url.indexOf('?')
    const path = q < 0 ? req.url : req.url.slice(0, q)
    const allow = peerAllow(path)
    const text = allow === undefined ? '404 page not found\n' : 'Method Not Allowed\n'
    reply.code(allow === undefined ? 404 : 405).type('text/plain; charset=utf-8').header('X-Content-Type-Options', 'nosniff')
    if (allow !== undefined && allow !== '') reply.header('Allow', allow)
    return reply.send(text)
  })
  await app.register(membersRoutes)
  await app.register(hashKVRoutes)
  await app.register(versionRoutes)
  await app.register(raftRoutes)
  await app.register(leasesRoutes)
  if (process.env.ETCD_TS_FAILPOINTS === '1') await app.register(faultRoutes)
}
