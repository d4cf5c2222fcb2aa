// /health, /livez, /readyz and /version on the client listener (and /health, /livez, /readyz
// on the metrics listener), written as etcd's etcdhttp handlers write them: plain Go-style
// responses, not gateway JSON. Logic lives in src/server/health.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type {} from '@fastify/swagger'
import { checkHealth, livezChecks, readyzChecks, runChecks, type HealthCheck } from '../src/server/health.js'
import { clusterVersion, serverVersion } from '../src/api/version.js'

const allMethods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const

function methodNotAllowed (reply: FastifyReply): FastifyReply {
  return reply.code(405).header('allow', 'GET').header('x-content-type-options', 'nosniff')
    .type('text/plain; charset=utf-8').send('Method Not Allowed\n')
}

function queryList (req: FastifyRequest, name: string): string[] {
  const v = (req.query as Record<string, string | string[] | undefined>)[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).filter((s) => s !== '')
}

export interface HealthPluginOptions {
  /** Serve /version too (the client listener does, the metrics listener does not). */
  version?: boolean
}

export default async function healthPlugin (app: FastifyInstance, opts: HealthPluginOptions): Promise<void> {
  app.route({
    method: [...allMethods],
    url: '/health',
    schema: { hide: true },
    handler: async (req, reply) => {
      if (req.method !== 'GET') return methodNotAllowed(reply)
      const excluded = new Set(queryList(req, 'exclude'))
      const serializable = queryList(req, 'serializable')[0] === 'true'
      const h = await checkHealth(app.etcd, excluded, serializable)
      app.etcd.recordHealth(h.health === 'true')
      const body = JSON.stringify(h)
      if (h.health !== 'true') {
        req.log.warn({ output: body }, '/health error')
        return reply.code(503).header('x-content-type-options', 'nosniff')
          .type('text/plain; charset=utf-8').send(body + '\n')
      }
      return reply.code(200).type('text/plain; charset=utf-8').send(body)
    }
  })

  const probe = (kind: 'livez' | 'readyz', checks: () => HealthCheck[]) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== 'GET') return methodNotAllowed(reply)
    const only = (req.params as { check?: string }).check
    const report = await runChecks(kind, checks(), {
      excluded: new Set(queryList(req, 'exclude')),
      verbose: (req.query as Record<string, unknown>).verbose !== undefined,
      only
    })
    if (report === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n')
    return reply.code(report.ok ? 200 : 503).header('x-content-type-options', 'nosniff')
      .type('text/plain; charset=utf-8').send(report.body)
  }
  for (const kind of ['livez', 'readyz'] as const) {
    const checks = () => kind === 'livez' ? livezChecks(app.etcd) : readyzChecks(app.etcd)
    app.route({ method: [...allMethods], url: `/${kind}`, schema: { hide: true }, handler: probe(kind, checks) })
    app.route({ method: [...allMethods], url: `/${kind}/:check`, schema: { hide: true }, handler: probe(kind, checks) })
  }

  if (opts.version === true) {
    app.route({
      method: [...allMethods],
      url: '/version',
      schema: { hide: true },
      handler: async (req, reply) => {
        if (req.method !== 'GET') return methodNotAllowed(reply)
        return reply.type('application/json').send(JSON.stringify({ etcdserver: serverVersion, etcdcluster: clusterVersion }))
      }
    })
  }
}
