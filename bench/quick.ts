// A quick single-target run of some gateway cases, for profiling work on the hot path:
//   node --import tsx bench/quick.ts [--target etcd|etcd-ts] [--seconds N] [--cases put1,put16,...]
// With ETCD_TS_CPU_PROF=dir the etcd-ts process writes a V8 CPU profile there on exit; with
// BENCH_STDERR=1 its stderr reaches the terminal. Each line gives the server's CPU time (user +
// system, all its threads) per request: steadier than throughput on this shared machine.
import { startTarget, type Target } from './lib/targets.js'
import { runWrk } from './lib/wrk.js'
import { preload, scenarios } from './lib/workload.js'
import { readFileSync } from 'node:fs'

/** The server process's user + system CPU seconds so far (Linux /proc). */
function cpuSeconds (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

const arg = (name: string, d: string): string => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : d }
const seconds = Number(arg('--seconds', '5'))
const kind = arg('--target', 'etcd-ts') as Target['name']
const cases = arg('--cases', scenarios.map((c) => c.id).join(',')).split(',')
const t = await startTarget(kind)
try {
  await preload(t.clientURL, kind)
  for (const c of cases) {
    const s = scenarios.find((x) => x.id === c)
    if (s === undefined) throw new Error(`unknown case ${c}; known: ${scenarios.map((x) => x.id).join(', ')}`)
    const cpu0 = cpuSeconds(t.pid)
    const r = runWrk(t.clientURL, s.path, s.bodies, s.clients, seconds)
    const cpuUs = (cpuSeconds(t.pid) - cpu0) / r.requests * 1e6
    console.log(`${kind} ${c.padEnd(7)} ${r.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${r.p50ms.toFixed(2)}  p99 ${r.p99ms.toFixed(2)}  err ${r.errors}  server CPU ${cpuUs.toFixed(0)} µs/req`)
  }
} finally {
  await t.stop()
}
