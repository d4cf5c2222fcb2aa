// The snapshotter (etcd's server/etcdserver/api/snap): raft snapshot files
// `<term 16 hex>-<index 16 hex>.snap` in `<data-dir>/member/snap`, and backend snapshots received
// from a leader, `<index 16 hex>.snap.db`.
//
// A .snap file is a 4-byte little-endian CRC-32C of the body followed by the body, the raft
// codec's encodeSnapshot. It is written to a .tmp file, fsynced, renamed into place and the
// directory fsynced, so a crash leaves either no file or a whole one. A file that fails its
// check is renamed `<name>.broken` and the next older one is tried.
//
// saveSnap and the loaders are synchronous on purpose: the files are small (metadata and a
// ConfState; etcd-ts keeps the state itself in the backend), the raft loop calls them in order
// with its WAL writes, and a snapshot is taken once per thousands of entries.
import {
  closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync
} from 'node:fs'
import { join } from 'node:path'
import { type Snapshot, decodeSnapshot, encodeSnapshot, isEmptySnapshot } from '../../raft/index.js'
import { crc32c } from '../../pkg/crc32c.js'
import { ErrCRCMismatch, ErrEmptySnapshot, ErrNoDBSnapshot } from './errors.js'

/** What a WAL snapshot marker identifies. */
export interface SnapshotRef {
  index: number
  term: number
}

/** Logs broken files (pino-compatible). */
export interface SnapLogger {
  warn (obj: object, msg: string): void
}

const snapSuffix = '.snap'
const dbSuffix = '.snap.db'
const snapNameRe = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/
const dbNameRe = /^([0-9a-f]{16})\.snap\.db$/

function hex16 (n: number): string {
  return n.toString(16).padStart(16, '0')
}

/** `<term>-<index>.snap`. */
export function snapName (term: number, index: number): string {
  return `${hex16(term)}-${hex16(index)}${snapSuffix}`
}

function fsyncDirSync (dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Writes `data` to `path` durably: tmp file, fsync, rename, directory fsync. */
function writeFileDurably (dir: string, name: string, data: Uint8Array[]): void {
  const tmp = join(dir, `${name}.tmp`)
  const fd = openSync(tmp, 'w')
  try {
    for (const d of data) {
      let done = 0
      while (done < d.length) done += writeSync(fd, d, done, d.length - done)
    }
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, join(dir, name))
  fsyncDirSync(dir)
}

/** Reads and checks one .snap file. */
export function readSnapFile (path: string): Snapshot {
  const b = readFileSync(path)
  if (b.length === 0) throw new ErrEmptySnapshot()
  if (b.length < 4) throw new ErrCRCMismatch()
  const body = b.subarray(4)
  if (crc32c(body) !== b.readUInt32LE(0)) throw new ErrCRCMismatch()
  return decodeSnapshot(body)
}

export class Snapshotter {
  /** The snap directory (`<data-dir>/member/snap`). */
  readonly dir: string
  readonly #logger?: SnapLogger

  constructor (dir: string, logger?: SnapLogger) {
    this.dir = dir
    this.#logger = logger
  }

  /** Writes `s` as `<term>-<index>.snap` (durably). An empty snapshot is not written. */
  saveSnap (s: Snapshot): void {
    if (isEmptySnapshot(s)) return
    mkdirSync(this.dir, { recursive: true })
    const body = encodeSnapshot(s)
    const head = Buffer.alloc(4)
    head.writeUInt32LE(crc32c(body), 0)
    writeFileDurably(this.dir, snapName(s.metadata.term, s.metadata.index), [head, body])
  }

  /** The newest snapshot that loads and passes its check, or null when there is none. */
  load (): Snapshot | null {
    return this.#loadMatching(() => true)
  }

  /**
   * The newest snapshot that loads and that one of `walSnaps` (the WAL's valid snapshot markers)
   * names, or null. This is the one to restart from: its WAL marker proves it was fully saved.
   */
  loadNewestAvailable (walSnaps: readonly SnapshotRef[]): Snapshot | null {
    return this.#loadMatching((s) => walSnaps.some((w) => w.index === s.metadata.index && w.term === s.metadata.term))
  }

  /** The .snap file names, newest first. */
  snapNames (): string[] {
    return this.#list().filter((n) => snapNameRe.test(n)).sort().reverse()
  }

  /** Removes leftover `.tmp` files of interrupted writes; returns their names. */
  cleanup (): string[] {
    const removed = this.#list().filter((n) => n.endsWith('.tmp'))
    for (const n of removed) unlinkSync(join(this.dir, n))
    return removed
  }

  /** Deletes all but the `keep` newest .snap files; returns the names deleted. */
  purge (keep: number): string[] {
    const removed = this.snapNames().slice(Math.max(keep, 0))
    for (const n of removed) unlinkSync(join(this.dir, n))
    if (removed.length > 0) fsyncDirSync(this.dir)
    return removed
  }

  /** Where the backend snapshot received for raft index `index` is stored. */
  dbFilePath (index: number): string {
    return join(this.dir, `${hex16(index)}${dbSuffix}`)
  }

  /** The path of the received backend snapshot for `index`; throws ErrNoDBSnapshot if absent. */
  dbFilePathExisting (index: number): string {
    const name = `${hex16(index)}${dbSuffix}`
    if (!this.#list().includes(name)) throw new ErrNoDBSnapshot()
    return join(this.dir, name)
  }

  /**
   * Stores a backend snapshot received for raft index `index` (tmp file, fsync, rename,
   * directory fsync). Returns the number of bytes written.
   */
  async saveDBFrom (src: AsyncIterable<Uint8Array>, index: number): Promise<number> {
    mkdirSync(this.dir, { recursive: true })
    const final = this.dbFilePath(index)
    const tmp = `${final}.tmp`
    let bytes = 0
    // Each chunk goes to the page cache with a synchronous write (microseconds for the 16–64 KiB a
    // socket read brings); a write stream's thread-pool round trip per chunk held a 66 MiB
    // transfer to ~75 MiB/s. The one fsync at the end makes the file durable.
    const fd = openSync(tmp, 'w')
    try {
      for await (const chunk of src) {
        for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done, chunk.length - done)
        bytes += chunk.length
      }
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, final)
    fsyncDirSync(this.dir)
    return bytes
  }

  /** Deletes received backend snapshots older than raft index `index`; returns their names. */
  releaseSnapDBs (index: number): string[] {
    const removed: string[] = []
    for (const n of this.#list()) {
      const m = dbNameRe.exec(n)
      if (m !== null && parseInt(m[1], 16) < index) {
        unlinkSync(join(this.dir, n))
        removed.push(n)
      }
    }
    return removed
  }

  #list (): string[] {
    try {
      return readdirSync(this.dir)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
  }

  #loadMatching (want: (s: Snapshot) => boolean): Snapshot | null {
    for (const n of this.snapNames()) {
      const path = join(this.dir, n)
      let s: Snapshot
      try {
        s = readSnapFile(path)
      } catch (err) {
        this.#logger?.warn({ file: n, err }, 'snap: broken snapshot file, renaming to .broken')
        renameSync(path, `${path}.broken`)
        continue
      }
      if (want(s)) return s
    }
    return null
  }
}
