// Test-only fault switches (registered only when ETCD_TS_FAILPOINTS=1): POST /debug/fault/partition
// with {"peers":["<hex id>", …], "direction":"both"|"send"|"receive"} drops raft traffic with those
// peers in that direction (an empty list heals); POST /debug/fault/flaky with
// {"drop":0.3,"delayMs":75,"jitterMs":50,"seed":1} drops or delays every outgoing raft message; POST /debug/failpoint with {"name":"beforeApply"} arms a failpoint (src/pkg/failpoint.ts),
// with an empty name disarms them all.
import type { FastifyInstance } from 'fastify'
import { armFailpoint, disarmFailpoints } from '../../src/pkg/failpoint.js'
import type { FaultDirection } from '../../src/rafthttp/fault.js'

export default async function faultRoutes (app: FastifyInstance): Promise<void> {
  app.post<{ Body: { peers?: string[], direction?: FaultDirection } }>('/debug/fault/partition', async (req, reply) => {
    const peers = (req.body?.peers ?? []).map((h) => BigInt('0x' + h))
    const direction = req.body?.direction ?? 'both'
    if (!['both', 'send', 'receive'].includes(direction)) return reply.code(400).type('text/plain; charset=utf-8').send('direction must be both, send or receive\n')
    app.etcd.transport.faults.partition(peers, direction)
    return reply.type('application/json').send(JSON.stringify({ blocked: app.etcd.transport.faults.blocked.map((id) => id.toString(16)) }))
  })
  app.post<{ Body: { drop?: number, delayMs?: number, jitterMs?: number, seed?: number } }>('/debug/fault/flaky', async (req, reply) => {
    const b = req.body ?? {}
    const f = { drop: Number(b.drop ?? 0), delayMs: Number(b.delayMs ?? 0), jitterMs: Number(b.jitterMs ?? 0) }
    if (!(f.drop >= 0 && f.drop <= 1) || !(f.delayMs >= 0) || !(f.jitterMs >= 0)) return reply.code(400).type('text/plain; charset=utf-8').send('drop must be in [0, 1], delays >= 0\n')
    app.etcd.transport.faults.setFlaky(f, Number(b.seed ?? 1))
    return reply.type('application/json').send(JSON.stringify(f))
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
