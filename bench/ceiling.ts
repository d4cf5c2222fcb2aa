// Where the put target sits against what Node can do on this machine at all. Runs the gateway
// put workload (the same wrk script and bodies as gateway-bench) against reference servers that
// do less than any etcd can (bench/lib/ceiling-server.ts: node:http alone, a bare Fastify root,
// a bare Fastify root that group-commits each turn's bodies with one fdatasync), then against
// real etcd and etcd-ts, with 1, 16 and 64 clients, R rounds alternating the order; medians.
//   node --import tsx bench/ceiling.ts [--seconds N] [--rounds R]
// Writes bench/results/ceiling.md.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startTarget, type Target } from './lib/targets.js'
import { runWrk } from './lib/wrk.js'
import { preload, putBodies } from './lib/workload.js'

const arg = (name: string, d: number): number => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : d }
const seconds = arg('--seconds', 4)
const rounds = arg('--rounds', 3)
const clients = [1, 16, 64]
const refKinds = ['http', 'fastify', 'fastify-fsync'] as const
type Kind = typeof refKinds[number] | Target['name']
const kinds: Kind[] = [...refKinds, 'etcd', 'etcd-ts']

interface Running { url: string, stop: () => Promise<void> }

async function startReference (kind: typeof refKinds[number]): Promise<Running> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'ceiling-'))
  const script = fileURLToPath(new URL('./lib/ceiling-server.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script, kind, String(port), dir], { stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      await fetch(`${url}/v3/kv/put`, { method: 'POST', body: putBodies[0] })
      break
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${kind} reference server did not start`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

async function start (kind: Kind): Promise<Running> {
  if (kind === 'etcd' || kind === 'etcd-ts') {
    const t = await startTarget(kind)
    await preload(t.clientURL, kind)
    return { url: t.clientURL, stop: t.stop }
  }
  return await startReference(kind)
}

const results = new Map<string, number[]>()
const loadBefore = loadavg().map((l) => l.toFixed(1)).join(' ')
for (let r = 0; r < rounds; r++) {
  for (const kind of r % 2 === 0 ? kinds : [...kinds].reverse()) {
    const s = await start(kind)
    try {
      for (const c of clients) {
        const w = runWrk(s.url, '/v3/kv/put', putBodies, c, seconds)
        const key = `${kind}/${c}`
        results.set(key, [...(results.get(key) ?? []), w.requestsPerSec])
        console.error(`round ${r + 1} ${kind.padEnd(14)} ${String(c).padStart(2)} clients ${w.requestsPerSec.toFixed(0).padStart(7)} req/s  errors ${w.errors}`)
      }
    } finally {
      await s.stop()
    }
  }
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const m = (kind: Kind, c: number): number => median(results.get(`${kind}/${c}`) ?? [0])
const labels: Record<Kind, string> = {
  http: 'node:http, parse body, fixed answer',
  fastify: 'Fastify root, parse body, fixed answer',
  'fastify-fsync': 'Fastify + one write and fdatasync per turn',
  etcd: 'real etcd 3.4 (put)',
  'etcd-ts': 'etcd-ts (put)'
}
const lines = [
  '# Put ceilings on this machine',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, Node ${process.version}, wrk ${seconds} s per case, median of ${rounds} rounds (order alternating), the gateway put workload (64-byte values over 1000 keys). Load average before: ${loadBefore}; after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
  '',
  '| server | 1 client | 16 clients | 64 clients | 64 clients vs 2× etcd |',
  '|---|---:|---:|---:|---:|',
  ...kinds.map((k) => `| ${labels[k]} | ${m(k, 1).toFixed(0)} | ${m(k, 16).toFixed(0)} | ${m(k, 64).toFixed(0)} | ${(m(k, 64) / (2 * m('etcd', 64))).toFixed(2)} |`),
  '',
  `2× etcd would be ${(2 * m('etcd', 1)).toFixed(0)} / ${(2 * m('etcd', 16)).toFixed(0)} / ${(2 * m('etcd', 64)).toFixed(0)} req/s.`,
  '',
  `Command: \`node --import tsx bench/ceiling.ts --seconds ${seconds} --rounds ${rounds}\``,
  ''
]
const out = lines.join('\n')
console.log(out)
const dir = fileURLToPath(new URL('./results/', import.meta.url))
mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, 'ceiling.md'), out)
