// Shared helpers of the WAL tests (not a test file itself).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Entry, HardState } from '../../src/raft/index.js'

/** A fresh temporary directory, removed after the test. */
export function tempDir (t: { after: (fn: () => void) => void }, prefix = 'wal-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  t.after(() => rmSync(d, { recursive: true, force: true }))
  return d
}

/** An entry whose data names its index and term (and an optional suffix). */
export function ent (index: number, term = 1, suffix = ''): Entry {
  return { index, term, type: 0, data: Buffer.from(`entry ${index} term ${term}${suffix}`) }
}

/** Entries lo..hi inclusive. */
export function ents (lo: number, hi: number, term = 1): Entry[] {
  const out: Entry[] = []
  for (let i = lo; i <= hi; i++) out.push(ent(i, term))
  return out
}

export function hs (term: number, commit: number, vote = 1n): HardState {
  return { term, vote, commit }
}

/** Compact form of entries for assertions: "index/term". */
export function ids (es: readonly Entry[]): string[] {
  return es.map((e) => `${e.index}/${e.term}`)
}

/** The CodedError code of a rejected promise (or undefined when it resolves). */
export async function codeOf (p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
    return undefined
  } catch (err) {
    return (err as { code?: string }).code ?? String(err)
  }
}
