// Registers a listener's userHandlers (src/embed/user-handlers.ts: /metrics, /debug/pprof/*,
// /debug/requests, …; plus the embedder's) on a Fastify root. Each handler is a plain Node
// (req, res) function, so the route takes the request over in its onRequest hook
// (`reply.hijack()`), before Fastify reads the body: the handler sees the untouched request
// stream, as an http.Handler does in etcd. A path ending in `/` also serves everything below it
// (Go ServeMux subtree patterns, e.g. `/debug/pprof/`). A path some other plugin already routes
// is skipped with a warning, as etcd's registerUserHandler skips taken paths.
// The routes carry no schema, so @fastify/swagger (hideUntagged) leaves them out of the spec.
import type { FastifyInstance, HTTPMethods } from 'fastify'
import type { UserHandler } from '../src/embed/config.js'

const allMethods: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']

export interface UserHandlersPluginOptions {
  /** Path → handler, usually `defaultUserHandlers(cfg, deps)`. */
  handlers: Record<string, UserHandler>
}

export default async function userHandlersPlugin (app: FastifyInstance, opts: UserHandlersPluginOptions): Promise<void> {
  for (const [path, handler] of Object.entries(opts.handlers)) {
    const urls = path.endsWith('/') && path !== '/' ? [path, `${path}*`] : [path]
    for (const url of urls) {
      if (app.hasRoute({ url, method: 'GET' })) {
        app.log.warn({ path: url }, 'path is already registered by user handler')
        continue
      }
      app.route({
        method: allMethods,
        url,
        onRequest: (req, reply, done) => {
          reply.hijack()
          try {
            handler(req.raw, reply.raw)
          } catch (err) {
            req.log.error({ err, path: url }, 'user handler failed')
            if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
            reply.raw.end('Internal Server Error\n')
          }
          done()
        },
        handler: async () => {}
      })
    }
  }
}
