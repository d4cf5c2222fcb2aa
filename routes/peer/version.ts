// GET /version on the peer port (etcd's etcdhttp version handler).
import type { FastifyInstance } from 'fastify'
import { clusterVersion, serverVersion } from '../../src/api/version.js'

export default async function versionRoutes (app: FastifyInstance): Promise<void> {
  app.get('/version', async (_req, reply) => {
    return reply.type('application/json').send(JSON.stringify({ etcdserver: serverVersion, etcdcluster: clusterVersion }))
  })
}
