// Reading a WAL back: decode the selected segments in order (the chained CRC continues from one
// segment into the next through each segment's leading crc record) and fold the records into
// what ReadAll returns, with etcd's rules: the last metadata and HardState win, metadata must
// never change, an entry at or below an earlier one's index replaces the tail from there on,
// and the snapshot marker asked for must be present.
import { type FileHandle, open } from 'node:fs/promises'
import { join } from 'node:path'
import { type Entry, type HardState, decodeEntry, decodeHardState } from '../../raft/index.js'
import { type SegmentDecode, allZero, decodeSegment } from './decoder.js'
import { ErrMetadataConflict, ErrSliceOutOfRange, ErrSnapshotMismatch, ErrSnapshotNotFound } from './errors.js'
import { type WalSnapshot, decodeWalSnapshot } from './payload.js'
import { RecordType } from './record.js'

/** What ReadAll returns. */
export interface ReadAllResult {
  metadata: Uint8Array
  state: HardState
  entries: Entry[]
}

/** Everything learnt from reading segments, including where appending resumes. */
export interface ReadOutcome extends ReadAllResult {
  /** Index of the last entry record read (etcd's enti). */
  enti: number
  /** Running checksum after the last valid record. */
  crc: number
  /** Decode outcome of the last segment. */
  tail: SegmentDecode
  /** True when the last segment holds non-zero bytes after its last valid record. */
  tailDirty: boolean
  /** Snapshot markers seen, in order. */
  snapshots: WalSnapshot[]
}

export interface ReadOptions {
  maxRecordBytes: number
  /** When set, entries after it are collected and its marker must be found. */
  snap?: WalSnapshot
  /** Skip decoding entries (validSnapshotEntries only needs markers and state). */
  skipEntries?: boolean
}

function emptyState (): HardState {
  return { term: 0, vote: 0n, commit: 0 }
}

const scanChunkBytes = 1 << 20

/**
 * The offset just past the last non-zero byte of the first `size` bytes of `fh` (0 when all are
 * zero), scanning backwards in chunks through one reused buffer: a preallocated segment is mostly
 * zero, and reading all of it into fresh memory cost ~0.3 s per 64 MiB segment at every open.
 */
async function dataEnd (fh: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.allocUnsafe(scanChunkBytes)
  for (let hi = size; hi > 0;) {
    const lo = Math.max(0, hi - scanChunkBytes)
    const n = hi - lo
    let got = 0
    while (got < n) {
      const { bytesRead } = await fh.read(chunk, got, n - got, lo + got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    if (got === n && allZero(chunk, 0, n)) {
      hi = lo
      continue
    }
    for (let i = got - 1; i >= 0; i--) if (chunk[i] !== 0) return lo + i + 1
    hi = lo
  }
  return 0
}

/**
 * One segment file, whole: a zero-filled buffer of the file's size holding the bytes up to the
 * last non-zero one (`zeroFrom`); everything after it is zero on disk as in the buffer.
 */
async function readSegment (path: string): Promise<{ buf: Buffer, zeroFrom: number }> {
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    const zeroFrom = await dataEnd(fh, size)
    // Buffer.alloc's pages past zeroFrom are never written, so they cost no memory until read.
    const buf = Buffer.alloc(size)
    let got = 0
    while (got < zeroFrom) {
      const { bytesRead } = await fh.read(buf, got, zeroFrom - got, got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    return { buf, zeroFrom: got }
  } finally {
    await fh.close()
  }
}

/** Reads `names` (consecutive segments in `dir`) and folds their records. */
export async function readSegments (dir: string, names: readonly string[], opts: ReadOptions): Promise<ReadOutcome> {
  let metadata: Buffer | undefined
  let state = emptyState()
  const entries: Entry[] = []
  const snapshots: WalSnapshot[] = []
  let enti = 0
  let crc = 0
  let match = false
  let tail: SegmentDecode | undefined
  let tailDirty = false
  const snap = opts.snap

  for (let i = 0; i < names.length; i++) {
    const isLast = i === names.length - 1
    const { buf, zeroFrom } = await readSegment(join(dir, names[i]))
    const dec = decodeSegment(buf, { file: names[i], crc, isLast, maxRecordBytes: opts.maxRecordBytes, zeroFrom })
    for (const rec of dec.records) {
      switch (rec.type) {
        case RecordType.EntryType: {
          if (opts.skipEntries === true) break
          const e = decodeEntry(rec.data)
          if (snap !== undefined && e.index > snap.index) {
            const up = e.index - snap.index - 1
            if (up > entries.length) {
              throw new ErrSliceOutOfRange({ file: names[i], offset: rec.offset, reason: `entry ${e.index} after ${snap.index + entries.length}` })
            }
            entries.length = up
            entries.push(e)
          }
          enti = e.index
          break
        }
        case RecordType.StateType:
          state = decodeHardState(rec.data)
          break
        case RecordType.MetadataType:
          if (metadata !== undefined && !metadata.equals(rec.data)) {
            throw new ErrMetadataConflict({ file: names[i], offset: rec.offset })
          }
          metadata = Buffer.from(rec.data)
          break
        case RecordType.SnapshotType: {
          const s = decodeWalSnapshot(rec.data)
          snapshots.push(s)
          if (snap !== undefined && s.index === snap.index) {
            if (s.term !== snap.term) {
              throw new ErrSnapshotMismatch({ file: names[i], offset: rec.offset, reason: `term ${s.term}, want ${snap.term}` })
            }
            match = true
          }
          break
        }
        case RecordType.CrcType:
          // checked against the running checksum by the decoder
          break
      }
    }
    crc = dec.crc
    if (isLast) {
      tail = dec
      tailDirty = dec.zeroTail !== true && !allZero(buf, dec.end, zeroFrom)
    }
  }
  if (tail === undefined) throw new Error('wal: readSegments needs at least one segment')
  if (snap !== undefined && !match) {
    throw new ErrSnapshotNotFound({ reason: `no marker for index ${snap.index} term ${snap.term}` })
  }
  return { metadata: metadata ?? Buffer.alloc(0), state, entries, enti, crc, tail, tailDirty, snapshots }
}
