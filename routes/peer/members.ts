// GET /members and POST /members/promote/:id on the peer port (etcd's etcdhttp peer handlers).
// The member list is Go's JSON: IDs are bare decimal numbers (64-bit, so written by hand, not
// through JSON.stringify), `name`/`clientURLs` omitted when empty, `isLearner` only when true.
import type { FastifyInstance, FastifyReply } from 'fastify'

interface PeerMember { id: bigint, name: string, peerURLs: string[], clientURLs: string[], isLearner: boolean }

/** etcd's member JSON (Go encoding of membership.Member) for a list of members. */
export function membersJSON (members: PeerMember[]): string {
  return '[' + members.map((m) => {
    let s = `{"id":${m.id.toString()},"peerURLs":${JSON.stringify(m.peerURLs)}`
    if (m.name !== '') s += `,"name":${JSON.stringify(m.name)}`
    if (m.clientURLs.length > 0) s += `,"clientURLs":${JSON.stringify(m.clientURLs)}`
    if (m.isLearner) s += ',"isLearner":true'
    return s + '}'
  }).join(',') + ']'
}

function text (reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').header('X-Content-Type-Options', 'nosniff').send(body)
}

export default async function membersRoutes (app: FastifyInstance): Promise<void> {
  // Peers send JSON bodies without a content type (and on a GET): take any body as text.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })

  app.get('/members', async (_req, reply) => {
    // a Buffer keeps Fastify from adding a charset: etcd sends plain `application/json`
    return reply.type('application/json').send(Buffer.from(membersJSON(app.etcd.cluster.members()) + '\n'))
  })

  app.post<{ Params: { id: string } }>('/members/promote/:id', async (req, reply) => {
    const raw = req.params.id
    if (!/^\d+$/.test(raw)) return text(reply, 404, `member ${raw} not found in cluster\n`)
    try {
      const members = await app.etcd.clusterService.promoteAsLeader(BigInt(raw))
      return reply.type('application/json').send(Buffer.from(membersJSON(members) + '\n'))
    } catch (err) {
      const code = (err as { code?: string }).code
      const msg = (err as Error).message
      if (code === 'ErrIDNotFound') return text(reply, 404, `${msg}\n`)
      if (code === 'ErrMemberNotLearner' || code === 'ErrLearnerNotReady') return text(reply, 412, `${msg}\n`)
      return reply.code(500).type('application/json').send('{"message":"Internal Server Error"}')
    }
  })
}

/** etcd's HashKV handler for the corruption check: a JSON body {"revision":N}, Go-JSON answer. */
export async function hashKVRoutes (app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
    url: '/members/hashkv',
    handler: async (req, reply) => {
      if (req.method !== 'GET') return reply.code(405).header('Allow', 'GET').type('text/plain; charset=utf-8').send('Method Not Allowed\n')
      let rev: bigint
      try {
        const raw = typeof req.body === 'string' ? req.body : ''
        const m = /^\s*\{\s*(?:"revision"\s*:\s*(-?\d+)\s*)?\}\s*$/.exec(raw)
        if (m === null) throw new Error('bad body')
        rev = BigInt(m[1] ?? '0')
      } catch {
        return text(reply, 400, 'error unmarshalling request\n')
      }
      try {
        const h = app.etcd.kv.hashByRev(rev)
        let out = `{"header":{"revision":${h.currentRevision.toString()}},"hash":${h.hash}`
        if (h.compactRevision !== 0n) out += `,"compact_revision":${h.compactRevision.toString()}`
        return reply.type('application/json').send(out + '}')
      } catch (err) {
        return text(reply, 400, `${(err as Error).message}\n`)
      }
    }
  })
}
