// POST /leases and POST /leases/internal on the peer port (etcd's leasehttp): a follower forwards
// lease keep-alives and time-to-live queries here, because only the leader's lessor tracks expiry.
// Bodies are JSON with 64-bit values as decimal strings. A member that is not the leader answers
// 503, so a stale view of the leader never makes requests bounce between followers.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { timeToLiveToJSON } from '../../src/api/etcdserverpb/lease-peer.js'

function notLeader (reply: FastifyReply): FastifyReply {
  return reply.code(503).type('text/plain; charset=utf-8').send('not leader\n')
}

function parseID (body: unknown): bigint | undefined {
  try {
    const j = JSON.parse(typeof body === 'string' ? body : '') as { ID?: unknown, keys?: unknown }
    return typeof j.ID === 'string' && /^-?\d+$/.test(j.ID) ? BigInt(j.ID) : undefined
  } catch {
    return undefined
  }
}

export default async function leasesRoutes (app: FastifyInstance): Promise<void> {
  // Take every body as text, whatever its content type; the handlers parse it.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })

  app.post('/leases', async (req, reply) => {
    const id = parseID(req.body)
    if (id === undefined) return reply.code(400).type('text/plain; charset=utf-8').send('error unmarshalling request\n')
    if (!app.etcd.isLeader()) return notLeader(reply)
    const r = await app.etcd.lease.leaseKeepAlive({ ID: id })
    return reply.type('application/json').send(JSON.stringify({ ID: r.ID.toString(), TTL: r.TTL.toString() }))
  })

  app.post('/leases/internal', async (req, reply) => {
    const id = parseID(req.body)
    if (id === undefined) return reply.code(400).type('text/plain; charset=utf-8').send('error unmarshalling request\n')
    if (!app.etcd.isLeader()) return notLeader(reply)
    const keys = (JSON.parse(String(req.body)) as { keys?: unknown }).keys === true
    const r = await app.etcd.lease.leaseTimeToLive({ ID: id, keys })
    return reply.type('application/json').send(JSON.stringify(timeToLiveToJSON(r)))
  })
}
