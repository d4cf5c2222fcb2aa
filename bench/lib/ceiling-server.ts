// The reference servers of bench/ceiling.ts, one per process: node --import tsx ceiling-server.ts
// <kind> <port> [dir]. Each answers POST /v3/kv/put with a fixed put response after parsing the
// JSON body, so wrk drives them exactly as it drives etcd and etcd-ts:
//   http          node:http alone;
//   fastify       a Fastify root configured as the gateway is (any Content-Type read as text);
//   fastify-fsync the same, plus what any durable server must do per batch: append the body to
//                 a preallocated file and fdatasync it, once per event-loop turn for every request
//                 read in that turn (group commit), answering only after the sync.
import { closeSync, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import Fastify from 'fastify'

const [kind, portArg, dir] = process.argv.slice(2)
const port = Number(portArg)
const answer = Buffer.from('{"header":{"cluster_id":"14841639068965178418","member_id":"10276657743932975437","revision":"2","raft_term":"2"}}')

if (kind === 'http') {
  createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => { body += d })
    req.on('end', () => {
      JSON.parse(body)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(answer)
    })
  }).listen(port, '127.0.0.1')
} else if (kind === 'fastify' || kind === 'fastify-fsync') {
  const app = Fastify()
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })
  let commit: (body: string) => Promise<void> = async () => {}
  if (kind === 'fastify-fsync') {
    const fd = openSync(join(dir ?? '.', 'ceiling.log'), 'w+')
    ftruncateSync(fd, 64 * 1024 * 1024)
    let offset = 0
    let batch: Array<{ body: string, done: () => void }> = []
    const flush = (): void => {
      const b = batch
      batch = []
      const buf = Buffer.from(b.map((x) => x.body).join('\n'))
      writeSync(fd, buf, 0, buf.length, offset)
      offset = (offset + buf.length) % (60 * 1024 * 1024)
      fdatasyncSync(fd)
      for (const x of b) x.done()
    }
    commit = async (body) => await new Promise<void>((resolve) => {
      if (batch.push({ body, done: resolve }) === 1) setImmediate(flush)
    })
    process.on('exit', () => closeSync(fd))
  }
  app.post('/v3/kv/put', async (req, reply) => {
    JSON.parse(req.body as string)
    await commit(req.body as string)
    return reply.header('content-type', 'application/json').send(answer)
  })
  await app.listen({ port, host: '127.0.0.1' })
} else {
  throw new Error(`unknown kind ${kind}`)
}
process.on('SIGTERM', () => process.exit(0))
