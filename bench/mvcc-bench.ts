// MVCC benchmark (not a test): puts/s and ranges/s in-process on a real LMDB backend, the
// backend commit modes compared, and heap/RSS and open (index rebuild) time for many keys of
// 256-byte values. Writes a Markdown table to --out (default bench/results/mvcc.md).
//   node --expose-gc --import tsx bench/mvcc-bench.ts [--keys 1000000] [--budget 300] [--out file]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { open } from 'lmdb'
import { range } from '../src/server/txn/index.js'
import { openBackend } from '../src/storage/backend/index.js'
import { KVStore } from '../src/storage/mvcc/index.js'

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : def
}
const KEYS = Number(arg('keys', '1000000'))
const BUDGET_S = Number(arg('budget', '300'))
const OUT = arg('out', 'bench/results/mvcc.md')
const VALUE = Buffer.alloc(256, 0x61)
const gc = (globalThis as { gc?: () => void }).gc
const mib = (n: number): string => (n / 1024 / 1024).toFixed(0)
const lines: string[] = []
const log = (s: string): void => { console.log(s); lines.push(s) }
const key = (i: number): Buffer => Buffer.from(`key-${String(i).padStart(9, '0')}`)

function mem (): { heap: number, rss: number } {
  gc?.()
  const m = process.memoryUsage()
  return { heap: m.heapUsed, rss: m.rss }
}

async function timed<T> (fn: () => T | Promise<T>): Promise<{ r: T, s: number }> {
  const t = performance.now()
  const r = await fn()
  return { r, s: (performance.now() - t) / 1000 }
}

const base = mkdtempSync(join(tmpdir(), 'mvcc-bench-'))
try {
  log('# MVCC benchmark')
  log('')
  log(`Command: \`node --expose-gc --import tsx bench/mvcc-bench.ts --keys ${KEYS} --budget ${BUDGET_S}\`  `)
  log(`Date: ${new Date().toISOString()}; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}; directory ${tmpdir()}  `)
  log(`Load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (the machine is shared with other builds; figures move with it).`)
  log('')

  // 1. backend commit modes: one LMDB write txn per batch, synchronous vs lmdb-js async batching
  log('## Backend commit mode (raw lmdb-js, 10 puts of 256 B per transaction)')
  log('')
  log('| mode | transactions/s | note |')
  log('|---|---:|---|')
  {
    const root = open<Buffer, Buffer>({ path: join(base, 'raw'), maxDbs: 4, keyEncoding: 'binary', encoding: 'binary' })
    const db = root.openDB<Buffer, Buffer>({ name: 'key', keyEncoding: 'binary', encoding: 'binary' })
    const n = 400
    let k = 0
    const sync = await timed(() => {
      for (let i = 0; i < n; i++) root.transactionSync(() => { for (let j = 0; j < 10; j++) db.putSync(key(k++), VALUE) })
    })
    log(`| transactionSync (chosen) | ${(n / sync.s).toFixed(0)} | commit + fsync done when the call returns |`)
    const asyncTx = await timed(async () => {
      const ps: Array<Promise<unknown>> = []
      for (let i = 0; i < n; i++) {
        ps.push(root.transaction(() => { for (let j = 0; j < 10; j++) db.putSync(key(k++), VALUE) }))
        await new Promise((resolve) => setImmediate(resolve))
      }
      await Promise.all(ps)
    })
    log(`| transaction() per event turn | ${(n / asyncTx.s).toFixed(0)} | commits on a worker thread, callback runs later |`)
    await root.close()
  }
  log('')

  // 2. puts/s and ranges/s through the store and src/server/txn
  const be = await openBackend({ path: join(base, 'small', 'member', 'snap', 'db') })
  const kv = new KVStore(be)
  log('## Store throughput (100 000 keys, 256-byte values)')
  log('')
  log('| operation | per second | detail |')
  log('|---|---:|---|')
  {
    const n = 2000
    const one = await timed(() => { for (let i = 0; i < n; i++) kv.applyBatch((b) => b.withWrite((w) => w.put(key(i), VALUE, 0n))) })
    log(`| put, one per batch | ${(n / one.s).toFixed(0)} | each put is one LMDB commit (fsync) |`)
    const total = 100_000
    const per = 1000
    const batched = await timed(() => {
      for (let i = 0; i < total; i += per) kv.applyBatch((b) => { for (let j = i; j < i + per; j++) b.withWrite((w) => w.put(key(j), VALUE, 0n)) })
    })
    log(`| put, ${per} per batch | ${(total / batched.s).toFixed(0)} | ${per} write txns (revisions) per LMDB commit |`)
    const m = 200_000
    let found = 0
    const get = await timed(() => {
      for (let i = 0; i < m; i++) found += range(kv.read(), { key: key((i * 7919) % total) }).kvs.length
    })
    log(`| range, single key | ${(m / get.s).toFixed(0)} | ${found === m ? 'all found' : `found ${found}`} |`)
    const r100 = 5000
    const pre = await timed(() => {
      for (let i = 0; i < r100; i++) {
        const s = (i * 7919) % (total - 100)
        range(kv.read(), { key: key(s), rangeEnd: key(s + 100) })
      }
    })
    log(`| range, 100 keys | ${(r100 / pre.s).toFixed(0)} | ${(r100 * 100 / pre.s).toFixed(0)} KeyValues/s |`)
    const cnt = 200
    const countAll = await timed(() => { for (let i = 0; i < cnt; i++) range(kv.read(), { key: Buffer.from([0]), rangeEnd: Buffer.from([0]), countOnly: true }) })
    log(`| range, count_only over all keys | ${(cnt / countAll.s).toFixed(1)} | ${total} keys counted from the index |`)
  }
  await kv.close()
  await be.close()
  log('')

  // 3. many keys: load, memory, reopen
  log(`## ${KEYS.toLocaleString('en')} keys of 256-byte values`)
  log('')
  const path = join(base, 'big', 'member', 'snap', 'db')
  const m0 = mem()
  let loaded = 0
  // (in a function of its own, so the loaded store is garbage once it returns)
  const load = async (): Promise<void> => {
    const be2 = await openBackend({ path })
    const kv2 = new KVStore(be2)
    const per = 10_000
    const t0 = performance.now()
    while (loaded < KEYS) {
      if ((performance.now() - t0) / 1000 > BUDGET_S) break
      const start = loaded
      const n = Math.min(per, KEYS - loaded)
      kv2.applyBatch((b) => { for (let j = start; j < start + n; j++) b.withWrite((w) => w.put(key(j), VALUE, 0n)) })
      loaded += n
    }
    const loadS = (performance.now() - t0) / 1000
    const m1 = mem()
    log('| measure | value |')
    log('|---|---:|')
    log(`| keys loaded | ${loaded.toLocaleString('en')}${loaded < KEYS ? ` (stopped by the ${BUDGET_S} s budget)` : ''} |`)
    log(`| load time (${per} puts per batch) | ${loadS.toFixed(1)} s (${(loaded / loadS).toFixed(0)} puts/s) |`)
    log(`| heap after load (after GC) | ${mib(m1.heap)} MiB (${((m1.heap - m0.heap) / loaded).toFixed(0)} B per key over the start) |`)
    log(`| RSS after load | ${mib(m1.rss)} MiB (includes LMDB pages mapped into the process) |`)
    log(`| backend file size | ${mib(be2.size())} MiB (in use ${mib(be2.sizeInUse())} MiB) |`)
    await kv2.close()
    await be2.close()
  }
  await load()
  gc?.()
  {
    const mBefore = mem()
    const { r: opened, s: openS } = await timed(async () => {
      const be3 = await openBackend({ path })
      return { be3, kv3: new KVStore(be3) }
    })
    const m2 = mem()
    log(`| open time (LMDB open + index rebuild of ${opened.kv3.index.size.toLocaleString('en')} keys) | ${openS.toFixed(1)} s |`)
    log(`| heap after open (after GC) | ${mib(m2.heap)} MiB (+${mib(m2.heap - mBefore.heap)} MiB for the index) |`)
    log(`| RSS after open | ${mib(m2.rss)} MiB |`)
    const g = await timed(() => { for (let i = 0; i < 100_000; i++) range(opened.kv3.read(), { key: key((i * 7919) % loaded) }) })
    log(`| range, single key, after reopen | ${(100_000 / g.s).toFixed(0)}/s |`)
    await opened.kv3.close()
    await opened.be3.close()
  }
  log('')
  log(`Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}.`)
} finally {
  rmSync(base, { recursive: true, force: true })
  writeFileSync(OUT, lines.join('\n') + '\n')
}
