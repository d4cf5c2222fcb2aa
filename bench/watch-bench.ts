// The watch/lease benchmark of issue 5, real etcd vs etcd-ts in the same run, each a fresh
// process, both over the JSON gateway (HTTP/1.1 NDJSON watch streams):
// - watch event latency (put sent → event read by the watcher), p50/p99, at 100 and 1000 puts/s
//   (open loop) with 1 and 1000 watchers on one key range;
// - fan-out: events per second delivered to N watchers on one range (default 10 000) while puts
//   run flat out;
// - memory per idle watcher: server RSS growth / N after creating the N watchers;
// - keep-alives per second (wrk, one {"ID"} per request).
//   npm run build && node --import tsx bench/watch-bench.ts [--seconds 5] [--fanout 10000]
import { request } from 'node:http'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { startTarget, type Target } from './lib/targets.js'
import { runWrk } from './lib/wrk.js'

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const seconds = arg('--seconds', 5)
const fanout = arg('--fanout', 10_000)

const b64 = (s: string): string => Buffer.from(s).toString('base64')
const now = (): number => performance.now()

/** A latency histogram in 0.1 ms buckets up to 30 s. */
class Histogram {
  readonly #b = new Uint32Array(300_000)
  count = 0
  add (ms: number): void {
    this.#b[Math.min(this.#b.length - 1, Math.max(0, Math.round(ms * 10)))]++
    this.count++
  }

  pct (p: number): number {
    const want = Math.ceil(this.count * p)
    let seen = 0
    for (let i = 0; i < this.#b.length; i++) {
      seen += this.#b[i]
      if (seen >= want) return i / 10
    }
    return NaN
  }
}

/** One HTTP watch stream carrying `creates`; calls `onEvents` with each response's events. */
function openStream (url: string, creates: unknown[], onEvents: (evs: any[]) => void): Promise<{ close: () => void }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url + '/v3/watch')
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'transfer-encoding': 'chunked', expect: '100-continue' } })
    let created = 0
    let partial = ''
    req.on('error', reject)
    req.on('continue', () => { for (const c of creates) req.write(JSON.stringify({ create_request: c }) + '\n') })
    req.on('response', (res) => {
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        const i = d.lastIndexOf('\n')
        if (i < 0) { partial += d; return }
        const lines = (partial + d.slice(0, i)).split('\n')
        partial = d.slice(i + 1)
        for (const l of lines) {
          const m = JSON.parse(l).result
          if (m?.created === true) {
            if (++created === creates.length) resolve({ close: () => req.destroy() })
          } else if (m?.events !== undefined) onEvents(m.events)
        }
      })
    })
    req.flushHeaders()
  })
}

async function openWatchers (url: string, n: number, key: string, end: string, onEvents: (evs: any[]) => void): Promise<() => void> {
  const streams = n <= 10 ? n : Math.max(10, Math.ceil(n / 100))
  const per = Math.ceil(n / streams)
  const opened: Array<{ close: () => void }> = []
  for (let s = 0, left = n; s < streams && left > 0; s++, left -= per) {
    const creates = Array.from({ length: Math.min(per, left) }, () => ({ key: b64(key), range_end: b64(end) }))
    opened.push(await openStream(url, creates, onEvents))
  }
  return () => { for (const o of opened) o.close() }
}

function rssKiB (pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? NaN : Number(m[1])
}

async function latency (t: Target, watchers: number, rate: number): Promise<{ p50: number, p99: number, delivered: number, putsPerSec: number }> {
  const sentAt: number[] = []
  const h = new Histogram()
  const close = await openWatchers(t.clientURL, watchers, `lat/${watchers}/${rate}/`, `lat/${watchers}/${rate}0`, (evs) => {
    const at = now()
    for (const ev of evs) h.add(at - sentAt[Number(Buffer.from(ev.kv.value, 'base64').toString())])
  })
  const pool = new Pool(t.clientURL, { connections: 64 })
  const perTick = rate / 100
  let seq = 0
  let acked = 0
  const inflight: Array<Promise<void>> = []
  const start = now()
  while (now() - start < seconds * 1000) {
    const due = Math.floor(((now() - start) / 10 + 1) * perTick)
    while (seq < due) {
      const s = seq++
      sentAt[s] = now()
      inflight.push(pool.request({
        path: '/v3/kv/put', method: 'POST', body: JSON.stringify({ key: b64(`lat/${watchers}/${rate}/${s % 100}`), value: b64(String(s)) })
      }).then(async (r) => { await r.body.text(); acked++ }))
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  await Promise.allSettled(inflight)
  const putsPerSec = acked / ((now() - start) / 1000)
  const expected = seq * watchers
  for (let i = 0; i < 100 && h.count < expected; i++) await new Promise((resolve) => setTimeout(resolve, 100))
  close()
  await pool.close()
  return { p50: h.pct(0.5), p99: h.pct(0.99), delivered: h.count / expected, putsPerSec }
}

async function fanOut (t: Target, n: number): Promise<{ eventsPerSec: number, putsPerSec: number, bytesPerWatcher: number }> {
  const before = rssKiB(t.pid)
  let events = 0
  const close = await openWatchers(t.clientURL, n, 'fan/', 'fan0', (evs) => { events += evs.length })
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const after = rssKiB(t.pid)
  const pool = new Pool(t.clientURL, { connections: 16 })
  let puts = 0
  const start = now()
  const value = b64('x'.repeat(64))
  await Promise.all(Array.from({ length: 16 }, async (_, c) => {
    while (now() - start < seconds * 1000) {
      const r = await pool.request({ path: '/v3/kv/put', method: 'POST', body: JSON.stringify({ key: b64(`fan/${c}`), value }) })
      await r.body.text()
      puts++
    }
  }))
  const elapsed = (now() - start) / 1000
  const counted = events
  close()
  await pool.close()
  return { eventsPerSec: counted / elapsed, putsPerSec: puts / elapsed, bytesPerWatcher: (after - before) * 1024 / n }
}

async function keepalives (t: Target): Promise<number> {
  const r = await fetch(t.clientURL + '/v3/lease/grant', { method: 'POST', body: JSON.stringify({ TTL: 600 }) })
  const id = (await r.json() as { ID: string }).ID
  const w = runWrk(t.clientURL, '/v3/lease/keepalive', [JSON.stringify({ ID: id })], 16, seconds)
  return w.requestsPerSec
}

/**
 * Lease expiry: leases of TTL 2 s with one key each; the delay from the moment the lease is due
 * (grant answered + TTL) to the DELETE event of its key, read from a watch.
 */
async function expiryDelay (t: Target, n = 10): Promise<{ p50: number, max: number }> {
  const deleted = new Map<string, number>()
  const close = await openWatchers(t.clientURL, 1, 'exp/', 'exp0', (evs) => {
    for (const ev of evs) if (ev.type === 'DELETE') deleted.set(Buffer.from(ev.kv.key, 'base64').toString(), now())
  })
  const due = new Map<string, number>()
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const g = await (await fetch(t.clientURL + '/v3/lease/grant', { method: 'POST', body: JSON.stringify({ TTL: 2 }) })).json() as { ID: string, TTL: string }
    const at = now() + Number(g.TTL) * 1000
    await fetch(t.clientURL + '/v3/kv/put', { method: 'POST', body: JSON.stringify({ key: b64(`exp/${i}`), value: b64('x'), lease: g.ID }) })
    due.set(`exp/${i}`, at)
  }))
  for (let i = 0; i < 200 && deleted.size < n; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  close()
  const d = [...due].map(([k, at]) => (deleted.get(k) ?? NaN) - at).sort((a, b) => a - b)
  return { p50: d[Math.floor(d.length / 2)], max: d[d.length - 1] }
}

interface Row { name: string, etcd: string, ts: string }

async function main (): Promise<void> {
  const rows: Row[] = []
  const results: Record<string, Record<string, string>> = {}
  for (const kind of ['etcd', 'etcd-ts'] as const) {
    const t = await startTarget(kind)
    const r: Record<string, string> = {}
    try {
      if (process.argv.includes('--expiry-only')) {
        const e = await expiryDelay(t)
        console.log(kind, `lease expiry → DELETE event: p50 ${e.p50.toFixed(0)} ms, max ${e.max.toFixed(0)} ms after due`)
        continue
      }
      // First, on the fresh process: idle-watcher memory is read before other cases leave garbage.
      const f = await fanOut(t, fanout)
      r[`fan-out ${fanout} watchers`] = `${f.eventsPerSec.toFixed(0)} events/s (puts ${f.putsPerSec.toFixed(0)}/s)`
      r['memory per idle watcher'] = `${f.bytesPerWatcher.toFixed(0)} B`
      console.error(kind, r[`fan-out ${fanout} watchers`], r['memory per idle watcher'])
      for (const watchers of [1, 1000]) {
        for (const rate of [100, 1000]) {
          const l = await latency(t, watchers, rate)
          r[`latency ${watchers}w ${rate}/s`] = `p50 ${l.p50.toFixed(1)} / p99 ${l.p99.toFixed(1)} ms (puts ${l.putsPerSec.toFixed(0)}/s, delivered ${(l.delivered * 100).toFixed(1)}%)`
          console.error(kind, watchers, rate, r[`latency ${watchers}w ${rate}/s`])
        }
      }
      r['keep-alives'] = `${(await keepalives(t)).toFixed(0)} /s`
      const e = await expiryDelay(t)
      r['lease expiry → DELETE event (TTL 2 s, 10 leases)'] = `p50 ${e.p50.toFixed(0)} ms, max ${e.max.toFixed(0)} ms after due`
      console.error(kind, r['lease expiry → DELETE event (TTL 2 s, 10 leases)'])
      console.error(kind, r['keep-alives'])
    } finally {
      await t.stop()
    }
    results[kind] = r
  }
  if (process.argv.includes('--expiry-only')) return
  for (const name of Object.keys(results.etcd)) rows.push({ name, etcd: results.etcd[name], ts: results['etcd-ts'][name] })
  const cpu = cpus()
  const md = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, ${seconds} s per case; real etcd = Debian etcd-server 3.4.23; both over the JSON gateway (HTTP/1.1 NDJSON watch streams, ≤100 watchers per stream). Client and server share the machine.`,
    '',
    '| case | etcd | etcd-ts |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.etcd} | ${r.ts} |`),
    '',
    `Command: \`npm run build && node --import tsx bench/watch-bench.ts --seconds ${seconds} --fanout ${fanout}\``,
    '',
    'Notes. Latency is measured from the moment a put is handed to the client pool (open loop, 64',
    'connections) to the moment the watcher parsed the event, so at 1000 puts/s it includes the queue of',
    'puts neither server sustains on this machine (the `puts` figure is what was acknowledged); at 1000',
    'watchers × 1000 puts/s the offered load is 10⁶ events/s. Fan-out puts run flat out with 16 clients;',
    'events/s counts what reached the watchers during the run. Memory per idle watcher is the server RSS',
    'growth one second after opening the watchers on the fresh process, divided by their number (GC',
    'makes it approximate; a negative value means RSS shrank). Keep-alives: wrk, 16',
    'connections, one `{"ID"}` per request.',
    ''
  ].join('\n')
  console.log(md)
  const dir = fileURLToPath(new URL('./results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  writeFileSync(dir + 'watch.md', md)
}

await main()
