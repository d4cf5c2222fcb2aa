// The core, built outside Fastify, decorated onto a Fastify root (architecture decision i,
// principle 5). Route plugins read `app.etcd` only.
import fp from 'fastify-plugin'
import type { EtcdServer } from '../src/server/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The etcd-ts core serving this listener. */
    etcd: EtcdServer
  }
}

export interface CorePluginOptions {
  server: EtcdServer
}

export default fp<CorePluginOptions>(async (app, opts) => {
  app.decorate('etcd', opts.server)
}, { name: 'etcd-core', fastify: '5.x' })
