// Test-only fault switch (registered only when ETCD_TS_FAILPOINTS=1): POST /debug/fault/partition
// with {"peers":["<hex id>", …]} drops all raft traffic to and from those peers; an empty list heals.
import type { FastifyInstance } from 'fastify'

export default async function faultRoutes (app: FastifyInstance): Promise<void> {
  app.post<{ Body: { peers?: string[] } }>('/debug/fault/partition', async (req, reply) => {
    const peers = (req.body?.peers ?? []).map((h) => BigInt('0x' + h))
    app.etcd.transport.faults.partition(peers)
    return reply.type('application/json').send(JSON.stringify({ blocked: app.etcd.transport.faults.blocked.map((id) => id.toString(16)) }))
  })
}
