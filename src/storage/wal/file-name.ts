// WAL segment names: `<seq 16 hex>-<first raft index 16 hex>.wal`. The first segment is
// 0000000000000000-0000000000000000.wal; each cut adds one to seq and names the raft index of the
// first entry expected in the new segment.
import { readdirSync } from 'node:fs'
import { ErrFileNotFound } from './errors.js'

const walNameRe = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/

function hex16 (n: number): string {
  return n.toString(16).padStart(16, '0')
}

/** The file name of segment `seq` whose first entry index is `index`. */
export function walName (seq: number, index: number): string {
  return `${hex16(seq)}-${hex16(index)}.wal`
}

/** Parses a segment name; undefined for anything else (tmp files, the lock file). */
export function parseWALName (name: string): { seq: number, index: number } | undefined {
  const m = walNameRe.exec(name)
  if (m === null) return undefined
  return { seq: parseInt(m[1], 16), index: parseInt(m[2], 16) }
}

/** The segment names in `dir`, sorted (by seq, since names are fixed-width hex). [] if no dir. */
export function readWALNames (dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return names.filter((n) => walNameRe.test(n)).sort()
}

/**
 * The position of the last segment whose first index is ≤ `index`: the segment a reader that
 * starts at raft index `index` must begin with. -1 when there is none.
 */
export function searchIndex (names: readonly string[], index: number): number {
  for (let i = names.length - 1; i >= 0; i--) {
    const p = parseWALName(names[i])
    if (p !== undefined && p.index <= index) return i
  }
  return -1
}

/** True when the sequence numbers of `names` are consecutive. */
export function isValidSeq (names: readonly string[]): boolean {
  let last: number | undefined
  for (const n of names) {
    const p = parseWALName(n)
    if (p === undefined) return false
    if (last !== undefined && p.seq !== last + 1) return false
    last = p.seq
  }
  return true
}

/** The segments a reader starting at snapshot index `index` needs, checked for gaps. */
export function selectWALFiles (dir: string, index: number): string[] {
  const names = readWALNames(dir)
  if (names.length === 0) throw new ErrFileNotFound({ reason: `no WAL segments in ${dir}` })
  const i = searchIndex(names, index)
  if (i < 0) throw new ErrFileNotFound({ reason: `no segment covers index ${index}` })
  const selected = names.slice(i)
  if (!isValidSeq(selected)) throw new ErrFileNotFound({ reason: 'WAL segment sequence has a gap' })
  return selected
}
