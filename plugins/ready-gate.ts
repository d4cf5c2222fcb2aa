// Holds a client listener's requests until the member is ready, as etcd's client listeners do
// (embed's serve() waits on the server's ReadyNotify before serving anything): a starting or
// rejoining member accepts connections at once but answers only after it has published its name
// and client URLs through raft, so it never serves from a state older than its own join. Requests
// still held when the listener closes are answered with `etcdserver: server stopped`.
import fp from 'fastify-plugin'
import { toGatewayError } from '../src/api/rpctypes/errors.js'
import { serverErrors, type EtcdServer } from '../src/server/index.js'

export interface ReadyGateOptions {
  server: EtcdServer
}

export default fp<ReadyGateOptions>(async (app, opts) => {
  const s = opts.server
  let release!: () => void
  const closing = new Promise<void>((resolve) => { release = resolve })
  app.addHook('preClose', async () => { release() })
  // A callback hook: once ready (every request but the first few) it costs no promise.
  app.addHook('onRequest', (_req, reply, done) => {
    if (s.ready) return done()
    Promise.race([s.readyNotify().catch(() => {}), closing]).then(() => {
      if (s.ready) return done()
      const { status, body } = toGatewayError(serverErrors.ErrStopped())
      reply.code(status).header('content-type', 'application/json').send(JSON.stringify(body))
    }, done)
  })
}, { name: 'etcd-ready-gate', fastify: '5.x' })
