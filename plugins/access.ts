// etcd's accessController (server/embed/serve.go) for a client listener, as one root-level
// onRequest hook, so it runs before routing decisions reach any handler — 404s and userHandlers
// included:
//
// 1. Host allow-list (`--host-whitelist`, CVE-2018-5702 DNS rebinding): on a plain-HTTP
//    connection whose Host (port stripped) is not allowed, answer 421 Misdirected Request with
//    etcd's explanation. `*` or an empty list allows every host; TLS connections are not checked.
// 2. On TLS with client-cert auth and auth enabled, a /v3/ request whose client certificate has a
//    CommonName is refused with 400 (the gateway would not use it as the user).
// 3. CORS (`--cors`): with `*` (or an empty list) every response carries the three
//    Access-Control-Allow-* headers with origin `*`; with a list, only requests whose Origin is
//    listed, echoing it.
// 4. Every OPTIONS request is answered 200 with an empty body right here (the CORS preflight),
//    whatever the path.
//
// Headers are set on the raw response, so hijacked userHandlers carry them too. @fastify/cors is
// not used: its preflight (204, echoed request headers, Vary) is not what etcd sends.
import type { TLSSocket } from 'node:tls'
import fp from 'fastify-plugin'

export interface AccessPluginOptions {
  /** `cors` of the Config: origins (`scheme://host:port`) or `*`. */
  cors: readonly string[]
  /** `host-whitelist` of the Config: host names or `*`. */
  hostWhitelist: readonly string[]
  /** `client-transport-security.client-cert-auth`. */
  clientCertAuth?: boolean
  /** Whether auth is enabled now (the CommonName check needs it). */
  authEnabled?: () => boolean
}

/** etcd's 421 body for a Host not on the allow-list. */
export function errCVE20185702 (host: string): string {
  return `
etcd received your request, but the Host header was unrecognized.

To fix this, choose one of the following options:
- Enable TLS, then any HTTPS request will be allowed.
- Add the hostname you want to use to the whitelist in settings.
  - e.g. etcd --host-whitelist ${JSON.stringify(host)}

This requirement has been added to help prevent "DNS Rebinding" attacks (CVE-2018-5702).
`
}

/** The Host header without its port (Go `httputil.GetHostname`). */
export function requestHostname (host: string | undefined): string {
  if (host === undefined) return ''
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    return end >= 0 && host[end + 1] === ':' ? host.slice(1, end) : host
  }
  const i = host.lastIndexOf(':')
  if (i < 0 || host.indexOf(':') !== i) return host
  return host.slice(0, i)
}

/** etcd's `AccessController`: an empty set or `*` allows everything. */
export function allowed (list: ReadonlySet<string>, value: string): boolean {
  return list.size === 0 || list.has('*') || list.has(value)
}

/**
 * etcd rewrites `/v3beta/…` to `/v3/…` before routing. Pass this as the root's `rewriteUrl`
 * option (routing happens before any hook could do it).
 */
export function rewriteV3beta (req: { url?: string }): string {
  const url = req.url ?? '/'
  return url.startsWith('/v3beta/') ? '/v3/' + url.slice('/v3beta/'.length) : url
}

const corsMethods = 'POST, GET, OPTIONS, PUT, DELETE'
const corsHeaders = 'accept, content-type, authorization'

export default fp<AccessPluginOptions>(async (app, opts) => {
  const hosts = new Set(opts.hostWhitelist)
  const origins = new Set(opts.cors)
  app.addHook('onRequest', async (req, reply) => {
    const socket = req.raw.socket as TLSSocket
    if (socket.encrypted !== true) {
      const host = requestHostname(req.headers.host)
      if (!allowed(hosts, host)) {
        req.log.warn({ host }, 'rejecting HTTP request to prevent DNS rebinding attacks')
        return reply.code(421).header('x-content-type-options', 'nosniff')
          .type('text/plain; charset=utf-8').send(errCVE20185702(host) + '\n')
      }
    } else if (opts.clientCertAuth === true && opts.authEnabled?.() === true && req.url.startsWith('/v3/')) {
      const cn = socket.getPeerCertificate?.()?.subject?.CN
      if (typeof cn === 'string' && cn !== '') {
        return reply.code(400).header('x-content-type-options', 'nosniff').type('text/plain; charset=utf-8')
          .send('CommonName of client sending a request against gateway will be ignored and not used as expected\n')
      }
    }
    const origin = req.headers.origin
    const allowOrigin = allowed(origins, '*') ? '*' : origin !== undefined && allowed(origins, origin) ? origin : undefined
    if (allowOrigin !== undefined) {
      reply.raw.setHeader('Access-Control-Allow-Methods', corsMethods)
      reply.raw.setHeader('Access-Control-Allow-Origin', allowOrigin)
      reply.raw.setHeader('Access-Control-Allow-Headers', corsHeaders)
    }
    if (req.method === 'OPTIONS') {
      return reply.code(200).send()
    }
  })
}, { name: 'etcd-access', fastify: '5.x' })
