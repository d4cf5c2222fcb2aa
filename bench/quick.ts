// A quick single-target run of some gateway cases, for profiling work on the hot path:
//   node --import tsx bench/quick.ts [--target etcd|etcd-ts] [--seconds N] [--cases put1,put16,...]
// With ETCD_TS_CPU_PROF=dir the etcd-ts process writes a V8 CPU profile there on exit.
import { startTarget, type Target } from './lib/targets.js'
import { runWrk } from './lib/wrk.js'

const arg = (name: string, d: string): string => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : d }
const seconds = Number(arg('--seconds', '5'))
const kind = arg('--target', 'etcd-ts') as Target['name']
const cases = arg('--cases', 'put1,put16,put64,rangeL,rangeS,txn').split(',')
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64')
const value = b64(Buffer.alloc(64, 'v'))
const keys = Array.from({ length: 1000 }, (_, i) => b64(`bench/key/${String(i).padStart(6, '0')}`))
const all: Record<string, { path: string, clients: number, bodies: string[] }> = {
  put1: { path: '/v3/kv/put', clients: 1, bodies: keys.map((k) => JSON.stringify({ key: k, value })) },
  put16: { path: '/v3/kv/put', clients: 16, bodies: keys.map((k) => JSON.stringify({ key: k, value })) },
  put64: { path: '/v3/kv/put', clients: 64, bodies: keys.map((k) => JSON.stringify({ key: k, value })) },
  rangeL: { path: '/v3/kv/range', clients: 64, bodies: keys.slice(0, 100).map((k) => JSON.stringify({ key: k })) },
  rangeS: { path: '/v3/kv/range', clients: 64, bodies: keys.slice(0, 100).map((k) => JSON.stringify({ key: k, serializable: true })) },
  txn: {
    path: '/v3/kv/txn',
    clients: 16,
    bodies: keys.slice(0, 100).map((k) => JSON.stringify({
      compare: [{ key: k, target: 'VERSION', result: 'GREATER', version: '0' }],
      success: [{ request_put: { key: k, value } }],
      failure: [{ request_range: { key: k } }]
    }))
  }
}
const t = await startTarget(kind)
try {
  for (const k of keys) await fetch(`${t.clientURL}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: k, value }) })
  for (const c of cases) {
    const s = all[c]
    const r = runWrk(t.clientURL, s.path, s.bodies, s.clients, seconds)
    console.log(`${kind} ${c.padEnd(7)} ${r.requestsPerSec.toFixed(0).padStart(7)} req/s  p50 ${r.p50ms.toFixed(2)}  p99 ${r.p99ms.toFixed(2)}  err ${r.errors}`)
  }
} finally {
  await t.stop()
}
