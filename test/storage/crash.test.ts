// Crash tests with real processes: a child appends to the WAL under load (several concurrent
// writers, group commit, small segments so cuts happen, periodic snapshots with release and
// purge), reports each acknowledged index, and applies acknowledged entries to the LMDB backend
// (one transaction per batch, consistent index in the same transaction); at start it replays the
// WAL into the backend, skipping entries at or below the stored consistent index. It is
// SIGKILLed at a seeded random moment (some runs during its start-up, i.e. while it opens,
// repairs and replays). After every kill the store is reopened the way a restarting member does
// it and checked: every acknowledged entry is there with its exact bytes and term, indexes are
// contiguous, the tail was repaired (appending again works: the next child does it); the backend
// applied every entry up to its consistent index exactly once (count and index sum), is never
// ahead of the WAL nor behind the snapshot, and (in half the runs, by the parent itself)
// replaying the WAL above the consistent index brings it to the log end without a double apply.
// SIGKILL alone never tears a write (the page cache keeps every completed write), so in about half
// of the runs the parent also simulates a power cut before reopening: it zeroes a random suffix of
// what was written after the last durable point it knows of (the record after the last
// acknowledged entry or the last entry its own previous reopen saw, the last snapshot marker, the
// segment header): either a prefix of those
// bytes reached the disk, or a random subset of their 512-byte sectors did (a disk reordering
// sector writes). That is the damage an un-fsynced tail may suffer, and the reopen must repair
// it without losing an acknowledged entry.
//   CRASH_RUNS (default 50), CRASH_SEED (default fixed) tune it.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { decodeEntry } from '../../src/raft/index.js'
import { walDir } from '../../src/storage/datadir.js'
import { decodeSegment } from '../../src/storage/wal/decoder.js'
import { RecordType } from '../../src/storage/wal/record.js'
import { applyEntries, backendState, openCrashBackend, openStore, payload } from './fixtures/crash-lib.js'
import { tempDir } from './wal-helpers.js'

const runs = Number(process.env.CRASH_RUNS ?? 50)
const seed = Number(process.env.CRASH_SEED ?? 20261124)
const writerPath = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))
const root = fileURLToPath(new URL('../..', import.meta.url))

/** mulberry32: a small seeded PRNG, so a failing sequence of kill points replays exactly. */
function rng (s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface RunResult {
  acks: number[]
  ready: boolean
  signal: NodeJS.Signals | null
}

/** Starts the child, kills it `delayMs` after it is ready (or after spawn when `early`). */
async function runChild (dataDir: string, writers: number, delayMs: number, early: boolean): Promise<RunResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', writerPath, dataDir, String(writers), '150'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe']
  })
  const acks: number[] = []
  let ready = false
  let buf = ''
  let stderr = ''
  let timer: NodeJS.Timeout | undefined
  const kill = (): void => { child.kill('SIGKILL') }
  if (early) timer = setTimeout(kill, delayMs)
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buf += chunk
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      if (line.startsWith('ack ')) acks.push(Number(line.slice(4)))
      else if (line.startsWith('ready ')) {
        ready = true
        if (!early) timer = setTimeout(kill, delayMs)
      }
    }
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (c: string) => { stderr += c })
  // a child that dies by itself (an exception) fails the test with its stderr
  const safety = setTimeout(kill, 20_000)
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, sig) => resolve(sig)))
  clearTimeout(timer)
  clearTimeout(safety)
  assert.equal(signal, 'SIGKILL', `child exited by itself:\n${stderr}`)
  return { acks, ready, signal }
}

/**
 * Zeroes a random part of the tail segment past its last known-durable byte (see the header).
 * Returns the number of bytes dropped and what was zeroed (for the failure message).
 */
function powerCut (dataDir: string, maxAcked: number, rand: () => number): { dropped: number, what: string } {
  const wd = walDir(dataDir)
  const name = readdirSync(wd).filter((n) => n.endsWith('.wal')).sort().at(-1) as string
  const path = join(wd, name)
  const orig = readFileSync(path)
  const d = decodeSegment(orig, { file: name, crc: 0, isLast: true, maxRecordBytes: 1 << 26 })
  const ends = d.records.map((_r, i) => i + 1 < d.records.length ? d.records[i + 1].offset : d.end)
  let boundary = ends[Math.min(2, ends.length - 1)]
  d.records.forEach((r, i) => {
    if (r.type === RecordType.SnapshotType) boundary = Math.max(boundary, ends[i])
    if (r.type === RecordType.EntryType && decodeEntry(r.data).index === maxAcked) {
      boundary = Math.max(boundary, ends[Math.min(i + 1, ends.length - 1)])
    }
  })
  if (boundary >= d.end) return { dropped: 0, what: '' }
  const buf = Buffer.from(orig)
  let dropped = 0
  const zeroed: string[] = []
  if (rand() < 0.5) {
    // a prefix of the unsynced writes reached the disk
    const cut = boundary + Math.floor(rand() * (d.end - boundary))
    buf.fill(0, cut, d.end)
    dropped = d.end - cut
    zeroed.push(`${cut}-${d.end}`)
  } else {
    // each 512-byte sector written since the boundary reached the disk, or did not
    for (let s = Math.floor(boundary / 512) * 512; s < d.end; s += 512) {
      if (rand() < 0.5) continue
      const a = Math.max(s, boundary)
      const b = Math.min(s + 512, d.end)
      buf.fill(0, a, b)
      dropped += b - a
      zeroed.push(`${a}-${b}`)
    }
  }
  writeFileSync(path, buf)
  const offsets = d.records.filter((r) => r.offset >= boundary - 200).slice(0, 40).map((r) => r.offset).join(',')
  return { dropped, what: `${name}: boundary ${boundary}, decoded end ${d.end}${d.torn ? ` (torn: ${d.tornReason})` : ''}, zeroed ${zeroed.join(' ')}; records from ${offsets}` }
}

describe('WAL + backend crash test (kill -9)', () => {
  it(`loses no acknowledged entry over ${runs} kills (seed ${seed})`, async (t) => {
    const dataDir = tempDir(t, 'wal-crash-')
    const rand = rng(seed)
    const ackedTerm = new Map<number, number>()
    let maxAcked = 0
    let totalAcks = 0
    let repairs = 0
    let earlyKills = 0
    let powerCuts = 0
    let parentReplays = 0
    // Everything up to here is known to be on disk: acknowledged, or synced by an open (WAL.open
    // syncs the tail, so what the parent's reopen saw survives any later power cut).
    let durableIndex = 0
    let startTerm = 0
    for (let run = 0; run < runs; run++) {
      const early = run > 0 && rand() < 0.15
      if (early) earlyKills++
      const delay = early ? 100 + rand() * 900 : 5 + rand() * 150
      const writers = [1, 4, 16, 64][Math.floor(rand() * 4)]
      const r = await runChild(dataDir, writers, delay, early)
      // the child writes in term state.term + 1 of the store it opened
      if (r.ready) startTerm++
      for (const a of r.acks) {
        assert.ok(a > maxAcked, `acks are increasing (${a} after ${maxAcked})`)
        maxAcked = a
        ackedTerm.set(a, startTerm)
      }
      totalAcks += r.acks.length
      const cut = rand() < 0.5 ? powerCut(dataDir, Math.max(maxAcked, durableIndex), rand) : { dropped: 0, what: '' }
      const cutBytes = cut.dropped
      if (cutBytes > 0) powerCuts++

      const warn = (): void => { repairs++ }
      const ctx = `run ${run} (seed ${seed}, writers ${writers}, delay ${delay.toFixed(0)} ms, early ${early}, power cut ${cutBytes})`
      const opened = await openStore(dataDir, { logger: { warn } }).catch((err: unknown) => {
        const e = err as { file?: string, offset?: number, reason?: string }
        throw new Error(`${ctx}: reopen failed in ${e.file ?? '?'} at ${e.offset ?? '?'} (${e.reason ?? ''}); power cut: ${cut.what}`, { cause: err })
      })
      const { wal, snap, entries, state } = opened
      const be = await openCrashBackend(dataDir)
      try {
        const last = entries.length > 0 ? entries[entries.length - 1].index : snap.index
        assert.ok(last >= maxAcked, `${ctx}: last index ${last} < acknowledged ${maxAcked}`)
        for (let i = 0; i < entries.length; i++) {
          const e = entries[i]
          assert.equal(e.index, snap.index + 1 + i, `${ctx}: contiguous`)
          assert.deepEqual(Buffer.from(e.data), payload(e.index, e.term), `${ctx}: bytes of entry ${e.index}`)
          const at = ackedTerm.get(e.index)
          if (at !== undefined) assert.equal(e.term, at, `${ctx}: term of acknowledged entry ${e.index}`)
        }
        assert.ok(state.commit <= last, `${ctx}: commit ${state.commit} beyond the log end ${last}`)
        // the term the next child will use must match our bookkeeping
        startTerm = state.term
        durableIndex = last

        const b = backendState(be)
        const exactlyOnce = (n: number): void => {
          const s = backendState(be)
          assert.equal(s.index, n, `${ctx}: consistent index`)
          assert.equal(s.count, BigInt(n), `${ctx}: entries applied (count) vs consistent index ${n}`)
          assert.equal(s.sum, BigInt(n) * BigInt(n + 1) / 2n, `${ctx}: sum of applied indexes vs consistent index ${n}`)
        }
        exactlyOnce(b.index)
        assert.ok(b.index <= last, `${ctx}: backend at ${b.index} is ahead of the WAL end ${last}`)
        assert.ok(b.index >= snap.index, `${ctx}: backend at ${b.index} is behind the snapshot ${snap.index}`)
        if (rand() < 0.5) {
          parentReplays++
          applyEntries(be, entries)
          exactlyOnce(last)
          applyEntries(be, entries)
          exactlyOnce(last)
        }
      } finally {
        await be.close()
        await wal.close()
      }
    }
    t.diagnostic(`runs ${runs}, early kills ${earlyKills}, power cuts ${powerCuts}, parent replays ${parentReplays}, acknowledged ${totalAcks}, last acknowledged index ${maxAcked}, tail repairs ${repairs}`)
    assert.ok(totalAcks > runs, 'the children made progress')
    assert.ok(repairs > 0, 'some reopen had a torn tail to repair')
  })
})
