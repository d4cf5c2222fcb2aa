// The peer listener's API (etcd's etcdhttp peer handler + rafthttp): its own Fastify root, so
// nothing here is reachable on a client URL. This registers the member-information routes; the
// raft transport routes (/raft, /raft/stream/*, /raft/snapshot, /raft/probing) join it with
// rafthttp.
import type { FastifyInstance } from 'fastify'
import membersRoutes from '../routes/peer/members.js'
import versionRoutes from '../routes/peer/version.js'

export default async function peerAPI (app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_req, reply) => {
    reply.header('X-Etcd-Cluster-ID', app.etcd.clusterId.toString(16))
  })
  await app.register(membersRoutes)
  await app.register(versionRoutes)
}
