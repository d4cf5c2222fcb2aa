// The Fastify root of a client listener, minus what the composition root adds around it
// (access control, health, userHandlers: src/embed/etcd.ts). registerClientAPI() adds the
// OpenAPI document and Swagger UI, the JSON gateway, and Go's `404 page not found` for any
// other path; buildClientApp() makes a bare root with the core decorated, for
// openapi/generate.ts and tests that need the gateway alone.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { EtcdServer } from '../src/server/index.js'
import clientAPI, { type ClientAPIOptions } from './client-api.js'
import corePlugin from './core.js'
import swaggerPlugin from './swagger.js'

export interface RegisterClientAPIOptions extends ClientAPIOptions {
  /** Serve /docs and /openapi.json (default true). */
  swagger?: boolean
}

/** Adds Swagger, the gateway and the root 404 to a client listener's root. */
export async function registerClientAPI (app: FastifyInstance, opts: RegisterClientAPIOptions = {}): Promise<void> {
  if (opts.swagger ?? true) await app.register(swaggerPlugin)
  await app.register(clientAPI, { maxRequestBytes: opts.maxRequestBytes })
  app.setNotFoundHandler((_req, reply) => {
    return reply.code(404)
      .header('content-type', 'text/plain; charset=utf-8')
      .header('x-content-type-options', 'nosniff')
      .send('404 page not found\n')
  })
}

export interface BuildClientAppOptions extends RegisterClientAPIOptions {
  server: EtcdServer
  /** Extra Fastify options (logger, …). */
  fastify?: FastifyServerOptions
}

/** A client-listener root over `server`: core decorator, Swagger, gateway. Not listening yet. */
export async function buildClientApp (opts: BuildClientAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: false }, ...opts.fastify }) as unknown as FastifyInstance
  await app.register(corePlugin, { server: opts.server })
  await registerClientAPI(app, opts)
  return app
}
