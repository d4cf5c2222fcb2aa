// A second load client beside wrk, for telling a server's latency tail from a client artifact:
// N keep-alive connections on raw sockets, each sending the gateway put workload in a closed loop
// (next request as soon as the answer is complete), every request's latency recorded.
//   node --import tsx bench/latency.ts [--target etcd|etcd-ts] [--connections N] [--seconds S]
import { connect } from 'node:net'
import { startTarget, type Target } from './lib/targets.js'
import { preload, putBodies } from './lib/workload.js'

const arg = (name: string, d: string): string => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : d }
const kind = arg('--target', 'etcd-ts') as Target['name']
const connections = Number(arg('--connections', '64'))
const seconds = Number(arg('--seconds', '5'))

const t = await startTarget(kind)
const latencies: number[] = []
try {
  await preload(t.clientURL, kind)
  const u = new URL(t.clientURL)
  const requests = putBodies.map((b) => Buffer.from(
    `POST /v3/kv/put HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`))
  const deadline = performance.now() + seconds * 1000
  let next = 0
  await Promise.all(Array.from({ length: connections }, async () => await new Promise<void>((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname)
    s.setNoDelay(true)
    s.setEncoding('latin1')
    let buf = ''
    let sentAt = 0
    const send = (): void => {
      if (performance.now() >= deadline) {
        s.end()
        resolve()
        return
      }
      sentAt = performance.now()
      s.write(requests[next++ % requests.length])
    }
    s.on('connect', send)
    s.on('error', reject)
    s.on('data', (d: string) => {
      buf += d
      const head = buf.indexOf('\r\n\r\n')
      if (head < 0) return
      const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, head))?.[1] ?? 0)
      if (buf.length < head + 4 + len) return
      if (!buf.startsWith('HTTP/1.1 200')) {
        reject(new Error(`answer: ${buf.slice(0, 200)}`))
        return
      }
      latencies.push(performance.now() - sentAt)
      buf = buf.slice(head + 4 + len)
      send()
    })
  })))
} finally {
  await t.stop()
}
latencies.sort((a, b) => a - b)
const q = (p: number): string => (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN).toFixed(2)
console.log(`${kind} put, ${connections} connections, ${seconds} s: ${(latencies.length / seconds).toFixed(0)} req/s  ` +
  `p50 ${q(0.5)}  p90 ${q(0.9)}  p99 ${q(0.99)}  p99.9 ${q(0.999)}  max ${q(1)} ms`)
