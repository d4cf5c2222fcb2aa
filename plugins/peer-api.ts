// The peer listener's API (etcd's etcdhttp peer handler + rafthttp): its own Fastify root, so
// nothing here is reachable on a client URL. Registers the member-information routes and the raft
// transport routes (/raft, /raft/stream/*, /raft/snapshot, /raft/probing); the test-only fault
// switch joins them when ETCD_TS_FAILPOINTS=1.
import type { FastifyInstance } from 'fastify'
import membersRoutes from '../routes/peer/members.js'
import versionRoutes from '../routes/peer/version.js'
import raftRoutes from '../routes/peer/raft.js'
import faultRoutes from '../routes/peer/fault.js'

export default async function peerAPI (app: FastifyInstance): Promise<void> {
  // Peers send GET /members/hashkv with a body; Fastify treats GET as bodyless otherwise.
  app.addHttpMethod('GET', { hasBody: true, overrideExisting: true })
  app.addHook('onSend', async (_req, reply) => {
    reply.header('X-Etcd-Cluster-ID', app.etcd.clusterId.toString(16))
  })
  await app.register(membersRoutes)
  await app.register(versionRoutes)
  await app.register(raftRoutes)
  if (process.env.ETCD_TS_FAILPOINTS === '1') await app.register(faultRoutes)
}
