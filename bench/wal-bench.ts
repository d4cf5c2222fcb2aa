// WAL benchmark (not a test): appends per second with 1 and 64 concurrent writers and how many
// saves share each fdatasync, next to this machine's raw fdatasync rate on the same file system.
//   node --import tsx bench/wal-bench.ts [--seconds 3] [--dir /tmp] [--size 256] [--out bench/results/wal.md]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { WAL } from '../src/storage/wal/index.js'

const args = process.argv.slice(2)
function arg (name: string, def: string): string {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : def
}
const seconds = Number(arg('seconds', '3'))
const base = arg('dir', tmpdir())
const size = Number(arg('size', '256'))
const out = arg('out', '')

function quantile (xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
}

/** Raw rate: write 512 bytes, fdatasync, repeat (into a preallocated file, as the WAL does). */
async function rawFdatasync (dir: string): Promise<{ perSec: number, p50: number, p99: number }> {
  const fh = await open(join(dir, 'raw'), 'w+')
  await fh.truncate(64 * 1024 * 1024)
  const buf = Buffer.alloc(512, 1)
  const lat: number[] = []
  const end = performance.now() + seconds * 1000
  let off = 0
  while (performance.now() < end) {
    await fh.write(buf, 0, buf.length, off)
    off += buf.length
    const t0 = performance.now()
    await fh.datasync()
    lat.push(performance.now() - t0)
  }
  await fh.close()
  return { perSec: lat.length / seconds, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) }
}

interface WalRun { writers: number, appends: number, perSec: number, fsyncs: number, savesPerFsync: number, p50: number, p99: number }

async function walRun (dir: string, writers: number): Promise<WalRun> {
  const lat: number[] = []
  let fsyncs = 0
  let covered = 0
  const w = await WAL.create(join(dir, `wal-${writers}`), Buffer.from('bench'), {
    onFsync: (_s, c) => { fsyncs++; covered += c }
  })
  const data = Buffer.alloc(size, 7)
  let next = 0
  const t0 = performance.now()
  const end = t0 + seconds * 1000
  await Promise.all(Array.from({ length: writers }, async () => {
    while (performance.now() < end) {
      const index = ++next
      const s = performance.now()
      await w.save({ term: 1, vote: 1n, commit: index }, [{ index, term: 1, type: 0, data }])
      lat.push(performance.now() - s)
    }
  }))
  const elapsed = (performance.now() - t0) / 1000
  await w.close()
  return {
    writers,
    appends: lat.length,
    perSec: lat.length / elapsed,
    fsyncs,
    savesPerFsync: covered / Math.max(fsyncs, 1),
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99)
  }
}

const dir = mkdtempSync(join(base, 'wal-bench-'))
try {
  const raw = await rawFdatasync(dir)
  const runs: WalRun[] = []
  for (const writers of [1, 64]) runs.push(await walRun(dir, writers))
  const f = (n: number, d = 0): string => n.toFixed(d)
  const lines = [
    '# WAL benchmark',
    '',
    `Command: \`node --import tsx bench/wal-bench.ts ${args.join(' ')}\`  `,
    `Date: ${new Date().toISOString()}; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? '?'}; directory ${base}  `,
    `Each run ${seconds} s; each save = one ${size}-byte entry + its HardState; 64 MiB segments preallocated with ftruncate.  `,
    `Load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (the machine is shared; figures move with it).`,
    '',
    `Raw fdatasync (512-byte write + fdatasync, one at a time): **${f(raw.perSec)}/s**, p50 ${f(raw.p50, 2)} ms, p99 ${f(raw.p99, 2)} ms`,
    '',
    '| writers | appends/s | fdatasyncs | saves per fdatasync | save p50 (ms) | save p99 (ms) |',
    '|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.writers} | ${f(r.perSec)} | ${r.fsyncs} | ${f(r.savesPerFsync, 1)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} |`),
    '',
    'Reading: one writer is bound by the fdatasync rate (one sync per save). With 64 writers every save',
    'issued while a sync runs joins the next batch (one write + one fdatasync), so appends/s is about',
    'the sync rate times the saves per sync; the WAL writer yields one event-loop turn before cutting a',
    'batch so that writers whose previous save just resolved join it.',
    ''
  ]
  const text = lines.join('\n')
  process.stdout.write(text + '\n')
  if (out !== '') writeFileSync(out, text)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
