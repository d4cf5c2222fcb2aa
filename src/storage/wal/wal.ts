// The write-ahead log (architecture decision b, design/raft-and-reliability.md §3.2), modelled on
// etcd's server/storage/wal: segmented, preallocated files of CRC-chained records, one writer
// that group-commits (every save that queues while a write or fdatasync runs is written and
// synced by the next one), segment cuts through a tmp file + rename, torn-tail repair at open.
// Records reach the page cache with a synchronous write (microseconds); the fdatasync runs inline
// while the disk is fast and on the thread pool when it is not (see inlineSyncMaxMs).
//
// Preallocation is by ftruncate: Node has no fallocate, and writing 64 MiB of zeros per segment
// costs a 64 MiB write + sync per cut. The file therefore starts sparse; its size never changes
// while records are appended, so a plain fdatasync suffices for them.
import { fdatasyncSync } from 'node:fs'
import { type FileHandle, mkdir, open, rename, rm, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { type Entry, type HardState, encodeEntry, encodeHardState, isEmptyHardState } from '../../raft/index.js'
import { ErrDecoderNotFound, ErrExist, ErrMaxWALEntrySizeLimitExceeded, ErrWALClosed } from './errors.js'
import { parseWALName, readWALNames, selectWALFiles, walName } from './file-name.js'
import { fdatasyncAsync, fsyncDir, writeFully, writeFullySync } from './fsutil.js'
import { acquireLock, lockFileName, releaseLock, renameHeldLock } from './lock.js'
import { type WalSnapshot, encodeWalSnapshot } from './payload.js'
import { type ReadAllResult, readSegments } from './read.js'
import { type RecordInput, RecordType, frameRecords, recordHeaderBytes } from './record.js'
import { type Resolved, type WalOptions, resolveOptions, warnSyncSeconds } from './options.js'

/** One queued save or saveSnapshot. */
interface Item {
  records: RecordInput[]
  mustSync: boolean
  state?: HardState
  /** Index of the last entry (sets enti) / of a snapshot (raises enti). */
  lastEntry?: number
  snapIndex?: number
  resolve: () => void
  reject: (err: unknown) => void
}

function emptyState (): HardState {
  return { term: 0, vote: 0n, commit: 0 }
}

/** A WAL open for appending. Create one with WAL.create, or WAL.open an existing one. */
export class WAL {
  /** The WAL directory (`<data-dir>/member/wal`). */
  readonly dir: string
  readonly #o: Resolved
  readonly #metadata: Uint8Array
  #tail: FileHandle
  #seq: number
  #offset: number
  #crc: number
  #state: HardState
  #queuedState: HardState
  #enti: number
  /** Segments still needed, oldest first (etcd's locked files). */
  #held: string[]
  #released = new Set<string>()
  #pending: Item[] = []
  #running = false
  /** Moving average of recent fdatasync durations (ms): picks inline or thread-pool syncs. */
  #syncAvgMs = 0
  #drained: Promise<void> = Promise.resolve()
  #failed: unknown
  #closed = false
  #read: ReadAllResult | undefined

  private constructor (dir: string, o: Resolved, s: {
    metadata: Uint8Array,
    tail: FileHandle,
    seq: number,
    offset: number,
    crc: number,
    state: HardState,
    enti: number,
    held: string[],
    read?: ReadAllResult
  }) {
    this.dir = dir
    this.#o = o
    this.#metadata = s.metadata
    this.#tail = s.tail
    this.#seq = s.seq
    this.#offset = s.offset
    this.#crc = s.crc
    this.#state = s.state
    this.#queuedState = s.state
    this.#enti = s.enti
    this.#held = s.held
    this.#read = s.read
  }

  /** True when `dir` holds at least one WAL segment. */
  static exist (dir: string): boolean {
    return readWALNames(dir).length > 0
  }

  /**
   * Creates a new WAL in `dir` holding `metadata` (and an empty snapshot marker), ready for
   * appending. Built in `<dir>.tmp` and renamed into place, so a crash never leaves half a WAL.
   * Throws ErrExist if `dir` already holds one.
   */
  static async create (dir: string, metadata: Uint8Array, opts?: WalOptions): Promise<WAL> {
    if (WAL.exist(dir)) throw new ErrExist({ file: dir })
    const o = resolveOptions(opts)
    const tmpDir = `${dir.replace(/\/+$/, '')}.tmp`
    await rm(tmpDir, { recursive: true, force: true })
    await mkdir(tmpDir, { recursive: true })
    const tmpLock = join(tmpDir, lockFileName)
    acquireLock(tmpLock)
    let fh: FileHandle | undefined
    try {
      const name = walName(0, 0)
      fh = await open(join(tmpDir, name), 'w+')
      await fh.truncate(o.segmentSizeBytes)
      const { buf, crc } = frameRecords([
        { type: RecordType.CrcType, data: new Uint8Array(0) },
        { type: RecordType.MetadataType, data: metadata },
        { type: RecordType.SnapshotType, data: encodeWalSnapshot({ index: 0, term: 0 }) }
      ], 0)
      await writeFully(fh, buf, 0)
      await fh.sync()
      await rm(dir, { recursive: true, force: true })
      await rename(tmpDir, dir)
      renameHeldLock(tmpLock, join(dir, lockFileName))
      await fsyncDir(dirname(dir))
      return new WAL(dir, o, {
        metadata: Buffer.from(metadata),
        tail: fh,
        seq: 0,
        offset: buf.length,
        crc,
        state: emptyState(),
        enti: 0,
        held: [name]
      })
    } catch (err) {
      await fh?.close()
      releaseLock(tmpLock)
      releaseLock(join(dir, lockFileName))
      throw err
    }
  }

  /**
   * Opens the WAL in `dir` for appending, reading it from the segment holding snapshot `snap`
   * to the end: every CRC is verified, a torn tail of the last segment is truncated (and the rest
   * of the segment zeroed), corruption anywhere else throws (ErrCRCMismatch, ErrUnexpectedEOF, …).
   * The tail segment is then synced, so everything readAll() returns is durable even if the
   * previous process died before its last fdatasync. Throws ErrSnapshotNotFound when the marker for
   * `snap` is not in the WAL, ErrFileNotFound when no segment covers it, ErrLocked when another
   * process has the WAL open.
   */
  static async open (dir: string, snap: WalSnapshot, opts?: WalOptions): Promise<WAL> {
    const o = resolveOptions(opts)
    const names = selectWALFiles(dir, snap.index)
    const lockPath = join(dir, lockFileName)
    acquireLock(lockPath)
    let fh: FileHandle | undefined
    try {
      const r = await readSegments(dir, names, { maxRecordBytes: o.maxRecordBytes, snap })
      const tailName = names[names.length - 1]
      fh = await open(join(dir, tailName), 'r+')
      const size = (await fh.stat()).size
      if (r.tail.torn || r.tailDirty) {
        o.logger?.warn({ file: tailName, offset: r.tail.end, reason: r.tail.tornReason ?? 'stale bytes after the last record' },
          'wal: repairing the tail of the last segment')
        await fh.truncate(r.tail.end)
        await fh.truncate(Math.max(o.segmentSizeBytes, r.tail.end))
      } else if (size < o.segmentSizeBytes) {
        await fh.truncate(o.segmentSizeBytes)
      }
      // The previous process may have been killed after writing records but before syncing
      // them: they are in the page cache, readAll returns them, and the caller may apply them.
      // Make them durable first (closed segments were synced when they were cut).
      await fh.sync()
      const all = readWALNames(dir)
      const w = new WAL(dir, o, {
        metadata: r.metadata,
        tail: fh,
        seq: parseWALName(tailName)?.seq ?? 0,
        offset: r.tail.end,
        crc: r.crc,
        state: r.state,
        enti: r.enti,
        held: [...names],
        read: { metadata: r.metadata, state: r.state, entries: r.entries }
      })
      for (const n of all) if (n < names[0]) w.#released.add(n)
      return w
    } catch (err) {
      await fh?.close()
      releaseLock(lockPath)
      throw err
    }
  }

  /**
   * The metadata, the last HardState and the entries after the snapshot given to open, read at
   * open. Later entries at an index ≤ an earlier one replaced the tail. Only once per open, and
   * not on a WAL made by create (ErrDecoderNotFound).
   */
  async readAll (): Promise<ReadAllResult> {
    const r = this.#read
    if (r === undefined) throw new ErrDecoderNotFound()
    this.#read = undefined
    return r
  }

  /**
   * Appends `entries` and then `st` (when given and not empty). Resolves once the records are
   * written and, when etcd's MustSync holds (entries appended, or term or vote changed), made
   * durable by an fdatasync, which is shared with every save that queued while the previous sync
   * ran. A commit-only HardState change is written but not synced by itself, as in etcd.
   */
  async save (st: HardState | null, entries: Entry[]): Promise<void> {
    const hasState = st !== null && !isEmptyHardState(st)
    if (!hasState && entries.length === 0) return
    const records: RecordInput[] = []
    for (const e of entries) records.push(this.#record(RecordType.EntryType, encodeEntry(e)))
    let state: HardState | undefined
    let mustSync = entries.length > 0
    if (hasState) {
      state = { term: st.term, vote: st.vote, commit: st.commit }
      mustSync ||= st.term !== this.#queuedState.term || st.vote !== this.#queuedState.vote
      this.#queuedState = state
      records.push(this.#record(RecordType.StateType, encodeHardState(state)))
    }
    const lastEntry = entries.length > 0 ? entries[entries.length - 1].index : undefined
    return await this.#enqueue(records, mustSync, { state, lastEntry })
  }

  /** Appends a snapshot marker and syncs. */
  async saveSnapshot (s: WalSnapshot): Promise<void> {
    const rec = this.#record(RecordType.SnapshotType, encodeWalSnapshot(s))
    return await this.#enqueue([rec], true, { snapIndex: s.index })
  }

  /**
   * Lets go of the segments wholly before the one that holds raft index `index` (a snapshot
   * the backend covers), so purge() may delete them. As etcd, the segment before the first one
   * starting at or after `index` is kept.
   */
  releaseLockTo (index: number): void {
    let smaller = this.#held.length - 1
    for (let i = 0; i < this.#held.length; i++) {
      const p = parseWALName(this.#held[i])
      if (p !== undefined && p.index >= index) {
        smaller = i - 1
        break
      }
    }
    if (smaller <= 0) return
    for (const n of this.#held.splice(0, smaller)) this.#released.add(n)
  }

  /**
   * Deletes released segments, oldest first, while more than `maxFiles` segments remain.
   * Returns the names deleted. Never deletes a segment still held.
   */
  async purge (maxFiles: number): Promise<string[]> {
    const names = readWALNames(this.dir)
    const removed: string[] = []
    while (names.length > maxFiles && this.#released.has(names[0])) {
      const n = names.shift() as string
      await unlink(join(this.dir, n))
      this.#released.delete(n)
      removed.push(n)
    }
    if (removed.length > 0) await fsyncDir(this.dir)
    return removed
  }

  /** Waits for queued saves, syncs, closes the tail segment and releases the lock. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#drained
    try {
      if (this.#failed === undefined) await this.#tail.datasync()
    } finally {
      await this.#tail.close()
      releaseLock(join(this.dir, lockFileName))
    }
  }

  /** The segment names, oldest first, that this WAL still holds (not released). */
  heldSegments (): readonly string[] {
    return this.#held
  }

  #record (type: RecordType, data: Uint8Array): RecordInput {
    if (recordHeaderBytes + data.length > this.#o.maxRecordBytes) {
      throw new ErrMaxWALEntrySizeLimitExceeded({ reason: `record of ${data.length} bytes` })
    }
    return { type, data }
  }

  async #enqueue (records: RecordInput[], mustSync: boolean, extra: Pick<Item, 'state' | 'lastEntry' | 'snapIndex'>): Promise<void> {
    if (this.#closed || this.#failed !== undefined) throw new ErrWALClosed({}, { cause: this.#failed })
    return await new Promise<void>((resolve, reject) => {
      this.#pending.push({ records, mustSync, ...extra, resolve, reject })
      if (!this.#running) {
        this.#running = true
        this.#drained = this.#run()
      }
    })
  }

  /** The single writer: batches whatever is queued, writes it, syncs once, repeats. */
  async #run (): Promise<void> {
    let batch: Item[] = []
    try {
      while (this.#pending.length > 0) {
        // Saves issued in the same synchronous run (a microtask later) join this batch.
        await null
        if (this.#offset >= this.#o.segmentSizeBytes) await this.#cut()
        batch = this.#pending.splice(0)
        const { buf, crc } = frameRecords(batch.length === 1 ? batch[0].records : batch.flatMap((i) => i.records), this.#crc)
        // A write into the page cache takes microseconds; a thread-pool round trip costs more.
        writeFullySync(this.#tail.fd, buf, this.#offset)
        this.#offset += buf.length
        this.#crc = crc
        for (const i of batch) {
          if (i.state !== undefined) this.#state = i.state
          if (i.lastEntry !== undefined) this.#enti = i.lastEntry
          if (i.snapIndex !== undefined && i.snapIndex > this.#enti) this.#enti = i.snapIndex
        }
        if (batch.some((i) => i.mustSync)) await this.#sync(batch.length)
        for (const i of batch) i.resolve()
        batch = []
      }
    } catch (err) {
      // A failed write or fsync is never retried (the page cache may have dropped the data).
      this.#failed = err
      for (const i of [...batch, ...this.#pending.splice(0)]) i.reject(err)
    } finally {
      this.#running = false
    }
  }

  async #sync (covered: number): Promise<void> {
    const t0 = performance.now()
    // Fast disks sync inline (a thread-pool round trip would cost as much as the sync); slow
    // ones on the pool. The running average decides, so a disk that slows down moves off the
    // event loop after a few syncs and comes back once it is fast again.
    if (this.#syncAvgMs < this.#o.inlineSyncMaxMs) fdatasyncSync(this.#tail.fd)
    else await fdatasyncAsync(this.#tail.fd)
    const ms = performance.now() - t0
    this.#syncAvgMs += (ms - this.#syncAvgMs) / 8
    const seconds = ms / 1000
    if (seconds > warnSyncSeconds) {
      this.#o.logger?.warn({ took: seconds, expected: warnSyncSeconds }, 'slow fdatasync')
    }
    this.#o.onFsync?.(seconds, covered)
  }

  /**
   * Finishes the full tail segment and starts the next: truncate the preallocated rest and
   * sync; prepare `<seq>.tmp` (preallocated, leading crc record with the running checksum, the
   * metadata and the last HardState), sync it, rename it to its final name, sync the directory.
   */
  async #cut (): Promise<void> {
    await this.#tail.truncate(this.#offset)
    await this.#tail.sync()
    const seq = this.#seq + 1
    const name = walName(seq, this.#enti + 1)
    const tmpPath = join(this.dir, `${seq.toString(16)}.tmp`)
    const fh = await open(tmpPath, 'w+')
    let header: { buf: Buffer, crc: number }
    try {
      await fh.truncate(this.#o.segmentSizeBytes)
      const records: RecordInput[] = [
        { type: RecordType.CrcType, data: new Uint8Array(0) },
        { type: RecordType.MetadataType, data: this.#metadata }
      ]
      if (!isEmptyHardState(this.#state)) records.push({ type: RecordType.StateType, data: encodeHardState(this.#state) })
      header = frameRecords(records, this.#crc)
      await writeFully(fh, header.buf, 0)
      await fh.sync()
      await rename(tmpPath, join(this.dir, name))
      await fsyncDir(this.dir)
    } catch (err) {
      await fh.close()
      throw err
    }
    await this.#tail.close()
    this.#tail = fh
    this.#seq = seq
    this.#offset = header.buf.length
    this.#crc = header.crc
    this.#held.push(name)
  }
}
