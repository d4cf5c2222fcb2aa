// A quick run of the cluster put and range cases on one kind of 3-member cluster, for hot-path
// work: node --import tsx bench/quick-cluster.ts [--target etcd|etcd-ts] [--seconds N]
// With ETCD_TS_CPU_PROF=dir each etcd-ts member writes a V8 CPU profile there on exit.
import { startCluster } from './lib/cluster-targets.js'
import type { Target } from './lib/targets.js'
import { runWrkSpread } from './lib/wrk.js'
import { keys, putBodies, value } from './lib/workload.js'

const arg = (name: string, d: string): string => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : d }
const seconds = Number(arg('--seconds', '5'))
const kind = arg('--target', 'etcd-ts') as Target['name']
const c = await startCluster(kind, 3)
try {
  const urls = c.members.map((m) => m.clientURL)
  for (const [i, k] of keys.entries()) await fetch(`${urls[i % 3]}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: k, value }) })
  const put = await runWrkSpread(urls, '/v3/kv/put', putBodies, 64, seconds)
  console.log(`${kind} put64   ${put.requestsPerSec.toFixed(0).padStart(7)} req/s  p99 ${put.p99ms.toFixed(1)}  err ${put.errors}`)
  const range = await runWrkSpread(urls, '/v3/kv/range', keys.slice(0, 100).map((k) => JSON.stringify({ key: k })), 64, seconds)
  console.log(`${kind} rangeL  ${range.requestsPerSec.toFixed(0).padStart(7)} req/s  p99 ${range.p99ms.toFixed(1)}  err ${range.errors}`)
} finally {
  await c.stop()
}
