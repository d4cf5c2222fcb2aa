// The raft transport's routes on the peer listener (etcd's rafthttp handlers): POST /raft (the
// pipeline), GET /raft/stream/:type/:from (long-lived streams the peer dials; we write its
// messages into the response), POST /raft/snapshot (a streamed backend snapshot) and
// GET /raft/probing. Bodies are read raw, never parsed by Fastify.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { serverVersion } from '../../src/api/version.js'

interface Reply { status: number, text?: string, json?: unknown }

function send (reply: FastifyReply, r: Reply): FastifyReply {
  reply.code(r.status)
  if (r.json !== undefined) return reply.type('application/json').send(JSON.stringify(r.json))
  if (r.text !== undefined) return reply.type('text/plain; charset=utf-8').header('X-Content-Type-Options', 'nosniff').send(r.text)
  return reply.send()
}

export default async function raftRoutes (app: FastifyInstance): Promise<void> {
  // Raft bodies are binary and may be large (snapshots): hand the raw request to the handler.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_req, _payload, done) => { done(null) })

  app.post('/raft', async (req, reply) => {
    return send(reply, await app.etcd.transport.handleMessage(req.headers, req.raw))
  })

  app.post('/raft/snapshot', async (req, reply) => {
    return send(reply, await app.etcd.transport.handleSnapshot(req.headers, req.raw))
  })

  app.get<{ Params: { type: string, from: string } }>('/raft/stream/:type/:from', async (req, reply) => {
    const t = app.etcd.transport
    const r = t.checkStream(req.params.type, req.params.from, req.headers)
    if (!('ok' in r)) return send(reply, r)
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'X-Server-Version': serverVersion,
      'X-Etcd-Cluster-ID': t.clusterId.toString(16)
    })
    res.flushHeaders()
    req.raw.socket.setNoDelay(true)
    t.attachStream(r.type, r.from, res)
  })

  // etcd's probing handler answers every method.
  app.all('/raft/probing', async (_req, reply) => {
    return reply.type('text/plain; charset=utf-8').send(JSON.stringify({ OK: true, Now: new Date().toISOString() }) + '\n')
  })
}
