// The core, built outside Fastify, decorated onto a Fastify root (architecture decision i,
// principle 5). Route plugins read `app.etcd` only. A listener opened before the server exists
// (etcd opens its peer listeners first) passes a getter and answers 503 until the server is up.
import fp from 'fastify-plugin'
import type { EtcdServer } from '../src/server/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The etcd-ts core serving this listener. */
    etcd: EtcdServer
  }
}

export interface CorePluginOptions {
  /** The server, or a getter for one that is still starting. */
  server: EtcdServer | (() => EtcdServer | undefined)
}

export default fp<CorePluginOptions>(async (app, opts) => {
  const get = opts.server
  if (typeof get !== 'function') {
    app.decorate('etcd', get)
    return
  }
  app.decorate('etcd', {
    getter (): EtcdServer {
      const s = get()
      if (s === undefined) throw new Error('etcd server is not started yet')
      return s
    }
  })
  app.addHook('onRequest', async (_req, reply) => {
    if (get() === undefined) {
      return reply.code(503).type('text/plain; charset=utf-8').send('etcd server is starting\n')
    }
  })
}, { name: 'etcd-core', fastify: '5.x' })
