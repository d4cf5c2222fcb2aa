// GET /version on the peer port (etcd's etcdhttp version handler).
import type { FastifyInstance } from 'fastify'
import { clusterVersion, serverVersion } from '../../src/api/version.js'

export default async function versionRoutes (app: FastifyInstance): Promise<void> {
  app.get('/version', async (_req, reply) => {
    // a Buffer keeps Fastify from adding a charset: etcd sends plain `application/json`
    return reply.type('application/json').send(Buffer.from(JSON.stringify({ etcdserver: serverVersion, etcdcluster: clusterVersion })))
  })
}
