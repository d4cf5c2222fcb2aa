// GET /members on the peer port: the cluster's members as etcd's peer handler lists them
// (IDs in hex), so a joining member or an operator can see who is in the cluster.
import type { FastifyInstance } from 'fastify'

export default async function membersRoutes (app: FastifyInstance): Promise<void> {
  app.get('/members', async (_req, reply) => {
    const members = app.etcd.cluster.members().map((m) => ({
      id: m.id.toString(16),
      name: m.name,
      peerURLs: m.peerURLs,
      clientURLs: m.clientURLs,
      ...(m.isLearner ? { isLearner: true } : {})
    }))
    return reply.type('application/json').send(JSON.stringify(members))
  })
}
