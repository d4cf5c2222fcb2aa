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
  app.get('/members', async (_req, reply) => {
    return reply.type('application/json').send(membersJSON(app.etcd.cluster.members()) + '\n')
  })

  app.post<{ Params: { id: string } }>('/members/promote/:id', async (req, reply) => {
    const raw = req.params.id
    if (!/^\d+$/.test(raw)) return text(reply, 404, `member ${raw} not found in cluster\n`)
    try {
      const members = await app.etcd.clusterService.promoteAsLeader(BigInt(raw))
      return reply.type('application/json').send(membersJSON(members) + '\n')
    } catch (err) {
      const code = (err as { code?: string }).code
      const msg = (err as Error).message
      if (code === 'ErrIDNotFound') return text(reply, 404, `${msg}\n`)
      if (code === 'ErrMemberNotLearner' || code === 'ErrLearnerNotReady') return text(reply, 412, `${msg}\n`)
      return reply.code(500).type('application/json').send('{"message":"Internal Server Error"}')
    }
  })
}
