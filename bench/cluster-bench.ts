// The cluster benchmark of issue 6: 3-member real etcd vs 3-member etcd-ts, in the same run on
// this machine, each on fresh data dirs and loopback ports:
//   - put throughput, 64 clients spread over the 3 members (one wrk per member);
//   - linearizable range throughput, 64 clients spread likewise (followers use ReadIndex);
//   - leader failover: kill -9 the leader, time until a survivor reports a new leader and until
//     a put succeeds again (3 trials; default 100 ms heartbeat / 1000 ms election timeout);
//   - snapshot transfer: a follower down while 8000 puts of 4 KiB go in (past etcd's fixed 5000
//     catch-up entries, with --snapshot-count 2000), restarted: the time the leader's send took
//     (etcd_network_snapshot_send_total_duration_seconds) and the DB size give the rate.
// Writes the table (and this command) to bench/results/cluster.md.
//   node --import tsx bench/cluster-bench.ts [--seconds N]
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { startCluster, type ClusterMember, type ClusterTarget } from './lib/cluster-targets.js'
import { runWrkSpread, type WrkResult } from './lib/wrk.js'
import type { Target } from './lib/targets.js'
import { b64, keys, putBodies, value } from './lib/workload.js'

const secondsArg = process.argv.indexOf('--seconds')
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 10
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

async function put (url: string, key: string, val: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const r = await fetch(`${url}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key, value: val }), signal: AbortSignal.timeout(timeoutMs) })
    await r.text()
    return r.status === 200
  } catch {
    return false
  }
}

async function parallel (n: number, total: number, f: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < total) await f(next++)
  }))
}

interface Figures {
  put: WrkResult
  range: WrkResult
  failoverLeaderMs: number[]
  failoverPutMs: number[]
  snapshot: { bytes: number, seconds: number, catchUpSeconds: number } | undefined
}

async function waitLeaderAmong (ms: ClusterMember[], timeoutMs = 30_000): Promise<ClusterMember> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    for (const m of ms) if ((await m.metric('etcd_server_is_leader')) === 1) return m
    if (Date.now() > deadline) throw new Error('no leader')
    await sleep(10)
  }
}

async function failover (c: ClusterTarget): Promise<{ leaderMs: number, putMs: number }> {
  const old = await waitLeaderAmong(c.members)
  const rest = c.members.filter((m) => m !== old)
  const t0 = performance.now()
  await old.kill()
  let leaderMs = -1
  let putMs = -1
  const deadline = Date.now() + 30_000
  let i = 0
  while ((leaderMs < 0 || putMs < 0) && Date.now() < deadline) {
    if (leaderMs < 0) {
      for (const m of rest) if ((await m.metric('etcd_server_is_leader')) === 1) leaderMs = performance.now() - t0
    }
    if (putMs < 0 && await put(rest[i++ % rest.length].clientURL, b64('failover'), b64(String(i)), 1000)) putMs = performance.now() - t0
    await sleep(5)
  }
  await old.restart()
  for (let k = 0; k < 300; k++) {
    if ((await old.metric('etcd_server_has_leader')) === 1) break
    await sleep(100)
  }
  return { leaderMs, putMs }
}

async function snapshotTransfer (c: ClusterTarget): Promise<Figures['snapshot']> {
  const leader = await waitLeaderAmong(c.members)
  const f = c.members.find((m) => m !== leader) as ClusterMember
  const live = c.members.filter((m) => m !== f)
  const sendBefore = (await leader.metric('etcd_network_snapshot_send_total_duration_seconds_sum')) ?? 0
  await f.kill()
  const big = b64(Buffer.alloc(4096, 's'))
  await parallel(32, 8000, async (i) => { await put(live[i % 2].clientURL, b64(`snap/${i}`), big, 10_000) })
  const t0 = performance.now()
  await f.restart()
  const last = b64('snap/7999')
  for (let k = 0; k < 1200; k++) {
    try {
      const r = await fetch(`${f.clientURL}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: last, serializable: true }), signal: AbortSignal.timeout(1000) })
      const j = await r.json() as { kvs?: unknown[] }
      if (r.status === 200 && (j.kvs?.length ?? 0) > 0) break
    } catch {}
    await sleep(50)
  }
  const catchUpSeconds = (performance.now() - t0) / 1000
  const sendAfter = (await leader.metric('etcd_network_snapshot_send_total_duration_seconds_sum')) ?? 0
  const bytes = (await f.metric('etcd_mvcc_db_total_size_in_bytes')) ?? 0
  if (sendAfter <= sendBefore) return { bytes, seconds: NaN, catchUpSeconds }
  return { bytes, seconds: sendAfter - sendBefore, catchUpSeconds }
}

async function measure (kind: Target['name']): Promise<Figures> {
  const c = await startCluster(kind, 3, ['--snapshot-count', '2000'])
  try {
    const urls = c.members.map((m) => m.clientURL)
    await parallel(16, keys.length, async (i) => { if (!await put(urls[i % 3], keys[i], value)) throw new Error(`${kind}: preload failed`) })
    const putR = await runWrkSpread(urls, '/v3/kv/put', putBodies, 64, seconds)
    console.error(`${kind.padEnd(8)} put 64 clients        ${putR.requestsPerSec.toFixed(0).padStart(7)} req/s p99 ${putR.p99ms.toFixed(1)} ms errors ${putR.errors}`)
    const rangeR = await runWrkSpread(urls, '/v3/kv/range', keys.slice(0, 100).map((k) => JSON.stringify({ key: k })), 64, seconds)
    console.error(`${kind.padEnd(8)} range (lin) 64 clients ${rangeR.requestsPerSec.toFixed(0).padStart(7)} req/s p99 ${rangeR.p99ms.toFixed(1)} ms errors ${rangeR.errors}`)
    const fo = []
    for (let t = 0; t < 3; t++) {
      const r = await failover(c)
      console.error(`${kind.padEnd(8)} failover: new leader after ${r.leaderMs.toFixed(0)} ms, first put after ${r.putMs.toFixed(0)} ms`)
      fo.push(r)
      await sleep(2000)
    }
    const snap = await snapshotTransfer(c)
    console.error(`${kind.padEnd(8)} snapshot: ${snap?.bytes} bytes, send ${snap?.seconds.toFixed(2)} s, follower caught up in ${snap?.catchUpSeconds.toFixed(2)} s`)
    return { put: putR, range: rangeR, failoverLeaderMs: fo.map((r) => r.leaderMs), failoverPutMs: fo.map((r) => r.putMs), snapshot: snap }
  } finally {
    await c.stop()
  }
}

const etcd = await measure('etcd')
const ours = await measure('etcd-ts')

const ratio = (a: number, b: number): string => `**${(b / a).toFixed(2)}×**`
const ms = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' / ')
const rate = (s: Figures['snapshot']): string => s === undefined || !Number.isFinite(s.seconds) ? 'n/a' : `${(s.bytes / 1024 / 1024 / s.seconds).toFixed(1)} MiB/s (${(s.bytes / 1024 / 1024).toFixed(1)} MiB in ${s.seconds.toFixed(2)} s)`
const table = [
  `Measured ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ` +
  '3 members per cluster on loopback, all 3 processes (and wrk) on this machine; real etcd = Debian etcd-server 3.4.23; ' +
  `etcd-ts from an esbuild bundle of src/ at ${process.env.GIT_SHA ?? 'the working tree'}; wrk ${seconds} s per case, 64-byte values over 1000 keys.`,
  '',
  '| case | etcd | etcd-ts | ratio |',
  '|---|---:|---:|---:|',
  `| put, 64 clients over 3 members (req/s) | ${etcd.put.requestsPerSec.toFixed(0)} | ${ours.put.requestsPerSec.toFixed(0)} | ${ratio(etcd.put.requestsPerSec, ours.put.requestsPerSec)} |`,
  `| put p99 (ms) | ${etcd.put.p99ms.toFixed(1)} | ${ours.put.p99ms.toFixed(1)} | |`,
  `| linearizable range, 64 clients over 3 members (req/s) | ${etcd.range.requestsPerSec.toFixed(0)} | ${ours.range.requestsPerSec.toFixed(0)} | ${ratio(etcd.range.requestsPerSec, ours.range.requestsPerSec)} |`,
  `| range p99 (ms) | ${etcd.range.p99ms.toFixed(1)} | ${ours.range.p99ms.toFixed(1)} | |`,
  `| errors put/range | ${etcd.put.errors}/${etcd.range.errors} | ${ours.put.errors}/${ours.range.errors} | |`,
  `| failover: kill -9 leader → survivor reports leader (ms, 3 trials) | ${ms(etcd.failoverLeaderMs)} | ${ms(ours.failoverLeaderMs)} | |`,
  `| failover: kill -9 leader → first put acknowledged (ms, 3 trials) | ${ms(etcd.failoverPutMs)} | ${ms(ours.failoverPutMs)} | |`,
  `| snapshot send rate (follower 8000 puts × 4 KiB behind) | ${rate(etcd.snapshot)} | ${rate(ours.snapshot)} | |`,
  `| follower restart → caught up (s) | ${etcd.snapshot?.catchUpSeconds.toFixed(2)} | ${ours.snapshot?.catchUpSeconds.toFixed(2)} | |`,
  '',
  `Command: \`node --import tsx bench/cluster-bench.ts --seconds ${seconds}\``,
  ''
].join('\n')
console.log(table)
const out = fileURLToPath(new URL('./results/', import.meta.url))
mkdirSync(out, { recursive: true })
writeFileSync(out + 'cluster.md', '# Cluster benchmark (issue 6)\n\n' + table)
