// The KV gateway benchmark of issue 4: put with 1/16/64 clients, linearizable and serializable
// range with 64 clients, txn with 16 — against real etcd and etcd-ts over the same JSON gateway,
// on this machine, in the same run, each on a fresh data directory. Prints a markdown table with
// ratios and writes it to bench/results/gateway.md.
//   node --import tsx bench/gateway-bench.ts [--seconds N] [--rounds R]
// With R > 1 the two targets run R times, alternating which goes first, and every figure is the
// median over the rounds (this machine's throughput drifts by ±30 % between minutes).
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { startTarget, type Target } from './lib/targets.js'
import { runWrk, type WrkResult } from './lib/wrk.js'
import { preload, scenarios } from './lib/workload.js'

const secondsArg = process.argv.indexOf('--seconds')
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 10
const roundsArg = process.argv.indexOf('--rounds')
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 1

async function measure (kind: Target['name']): Promise<Map<string, WrkResult>> {
  const t = await startTarget(kind)
  const out = new Map<string, WrkResult>()
  try {
    await preload(t.clientURL, t.name)
    for (const s of scenarios) {
      const r = runWrk(t.clientURL, s.path, s.bodies, s.clients, seconds)
      console.error(`${kind.padEnd(8)} ${s.name.padEnd(36)} ${r.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${r.p50ms.toFixed(2)} ms  p99 ${r.p99ms.toFixed(2)} ms  errors ${r.errors}`)
      out.set(s.name, r)
    }
  } finally {
    await t.stop()
  }
  return out
}

const loadBefore = loadavg().map((l) => l.toFixed(1)).join(' ')
const runs: Record<Target['name'], Array<Map<string, WrkResult>>> = { etcd: [], 'etcd-ts': [] }
for (let r = 0; r < rounds; r++) {
  const order: Array<Target['name']> = r % 2 === 0 ? ['etcd', 'etcd-ts'] : ['etcd-ts', 'etcd']
  for (const kind of order) runs[kind].push(await measure(kind))
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
function medianOf (kind: Target['name']): Map<string, WrkResult> {
  const out = new Map<string, WrkResult>()
  for (const s of scenarios) {
    const rs = runs[kind].map((m) => m.get(s.name) as WrkResult)
    out.set(s.name, {
      requestsPerSec: median(rs.map((x) => x.requestsPerSec)),
      p50ms: median(rs.map((x) => x.p50ms)),
      p99ms: median(rs.map((x) => x.p99ms)),
      requests: rs.reduce((a, x) => a + x.requests, 0),
      errors: rs.reduce((a, x) => a + x.errors, 0)
    })
  }
  return out
}
const etcd = medianOf('etcd')
const ours = medianOf('etcd-ts')

const rows = scenarios.map((s) => {
  const a = etcd.get(s.name) as WrkResult
  const b = ours.get(s.name) as WrkResult
  return `| ${s.name} | ${a.requestsPerSec.toFixed(0)} | ${b.requestsPerSec.toFixed(0)} | **${(b.requestsPerSec / a.requestsPerSec).toFixed(2)}×** | ${a.p99ms.toFixed(2)} | ${b.p99ms.toFixed(2)} | ${a.errors}/${b.errors} |`
})
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ` +
  `wrk ${seconds} s per case, ${rounds > 1 ? `median of ${rounds} rounds (alternating which target runs first), ` : ''}64-byte values over 1000 keys; real etcd = Debian etcd-server 3.4.23. ` +
  `Load average before: ${loadBefore}; after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
  '',
  '| case | etcd req/s | etcd-ts req/s | ratio | etcd p99 ms | etcd-ts p99 ms | errors (etcd/ts) |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows,
  '',
  `Command: \`npm run build && node --import tsx bench/gateway-bench.ts --seconds ${seconds}${rounds > 1 ? ` --rounds ${rounds}` : ''}\``
].join('\n')
console.log(table)
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))
mkdirSync(resultsDir, { recursive: true })
writeFileSync(`${resultsDir}gateway.md`, table + '\n')
