// Test-only fault switches (registered only when ETCD_TS_FAILPOINTS=1): POST /debug/fault/partition
// with {"peers":["<hex id>", …]} drops all raft traffic to and from those peers (an empty list
// heals); POST /debug/failpoint with {"name":"beforeApply"} arms a failpoint (src/pkg/failpoint.ts),
// with an empty name disarms them all.
import type { FastifyInstance } from 'fastify'
import { armFailpoint, disarmFailpoints } from '../../src/pkg/failpoint.js'

export default async function faultRoutes (app: FastifyInstance): Promise<void> {
  app.post<{ Body: { peers?: string[] } }>('/debug/fault/partition', async (req, reply) => {
    const peers = (req.body?.peers ?? []).map((h) => BigInt('0x' + h))
    app.etcd.transport.faults.partition(peers)
    return reply.type('application/json').send(JSON.stringify({ blocked: app.etcd.transport.faults.blocked.map((id) => id.toString(16)) }))
  })
  app.post<{ Body: { name?: string } }>('/debug/failpoint', async (req, reply) => {
    try {
      if ((req.body?.name ?? '') === '') disarmFailpoints()
      else armFailpoint(req.body?.name ?? '')
    } catch (err) {
      return reply.code(400).type('text/plain; charset=utf-8').send(`${(err as Error).message}\n`)
    }
    return reply.type('application/json').send(JSON.stringify({ armed: req.body?.name }))
  })
}
