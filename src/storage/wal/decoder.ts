// Decodes one WAL segment held in memory, verifying the chained CRC record by record, and tells
// a torn tail (the last write of the last segment did not fully reach the disk) from corruption.
//
// A failing record in the LAST segment is a torn tail, to be truncated, when
//   - its frame runs past the end of the file (a short write), or
//   - nothing but zeros follows its frame (the write stopped part-way through the preallocated
//     space: a prefix of the record is there, the rest is still zero), or
//   - a sector-bounded piece of it is all zero (the sectors of one write reached the disk out of
//     order, and one of its sectors did not: etcd's isTornEntry).
// A zero length word followed by zeros is the clean end of the written part; followed by data it is
// a tear only if the rest of its sector is zero. Everything else, and any failure in a closed
// segment, is corruption and is refused with a typed error. Records past a tear were never
// fsynced, so none of them was acknowledged.
import { crc32c } from '../../pkg/crc32c.js'
import { ErrCRCMismatch, ErrMaxWALEntrySizeLimitExceeded, ErrUnexpectedEOF } from './errors.js'
import { RecordType, isRecordType, lengthCheck, lengthWordBytes, padBytes, recordHeaderBytes } from './record.js'

/** Sector size used to recognise torn writes (etcd's minSectorSize). */
export const minSectorSize = 512

/** One record as read back. `data` is a view into the segment buffer. */
export interface DecodedRecord {
  type: RecordType
  data: Buffer
  crc: number
  /** Byte offset of the record's frame in its segment. */
  offset: number
}

/** The outcome of decoding one segment. */
export interface SegmentDecode {
  records: DecodedRecord[]
  /** Offset just after the last valid record: where appending resumes. */
  end: number
  /** The running checksum after the last valid record. */
  crc: number
  /** True when a torn tail was found at `end` (only ever in the last segment). */
  torn: boolean
  /** True when everything from `end` to the end of the buffer is zero (a clean end). */
  zeroTail?: boolean
  /** Why the tail was judged torn, for logs. */
  tornReason?: string
}

export interface DecodeOptions {
  /** Segment file name, for errors. */
  file: string
  /** The running checksum before the segment (0 when unknown: the first crc record sets it). */
  crc: number
  /** Only the last segment may have a torn tail. */
  isLast: boolean
  /** Largest acceptable recBytes. */
  maxRecordBytes: number
  /**
   * Every byte at or after this offset is known to be zero (the reader found the file's last
   * non-zero byte and read only up to it); the tail checks then stop there. Default: the end.
   */
  zeroFrom?: number
}

const zeroChunk = Buffer.alloc(64 * 1024)

/** True when buf[from, to) holds only zero bytes. */
export function allZero (buf: Buffer, from: number, to: number): boolean {
  to = Math.min(to, buf.length)
  if (to - from <= 64) {
    // record padding and length words: a byte loop beats two subarrays and a native call
    for (let i = from; i < to; i++) if (buf[i] !== 0) return false
    return true
  }
  for (let off = from; off < to; off += zeroChunk.length) {
    const end = Math.min(to, off + zeroChunk.length)
    if (!buf.subarray(off, end).equals(zeroChunk.subarray(0, end - off))) return false
  }
  return true
}

/**
 * True when buf[from, to), split at 512-byte sector boundaries of the file, has a piece that is all
 * zero: a sector of the record's write that never reached the disk (etcd's isTornEntry).
 */
function hasZeroSectorChunk (buf: Buffer, from: number, to: number): boolean {
  to = Math.min(to, buf.length)
  for (let a = from; a < to;) {
    const b = Math.min(to, (Math.floor(a / minSectorSize) + 1) * minSectorSize)
    if (allZero(buf, a, b)) return true
    a = b
  }
  return false
}

/** Decodes `buf` (a whole segment file). Throws a WalError on corruption. */
export function decodeSegment (buf: Buffer, opts: DecodeOptions): SegmentDecode {
  const { file, isLast } = opts
  const size = buf.length
  const zeroFrom = Math.min(opts.zeroFrom ?? size, size)
  /** allZero over buf[from, to), skipping the part known to be zero. */
  const zero = (from: number, to: number): boolean => allZero(buf, from, Math.min(to, zeroFrom))
  const records: DecodedRecord[] = []
  let crc = opts.crc
  let off = 0
  const torn = (reason: string): SegmentDecode => ({ records, end: off, crc, torn: true, tornReason: reason })
  let zeroTail = false

  while (off < size) {
    if (off + lengthWordBytes > size) {
      // fewer than 8 bytes left: the file was cut inside a length word
      if (zero(off, size)) break
      if (isLast) return torn('file ends inside a length word')
      throw new ErrUnexpectedEOF({ file, offset: off, reason: 'segment ends inside a length word' })
    }
    const lo = buf.readUInt32LE(off)
    const hi = buf.readUInt32LE(off + 4)
    if (lo === 0 && hi === 0) {
      if (zero(off, size)) {
        zeroTail = true
        break
      }
      const sectorEnd = (Math.floor(off / minSectorSize) + 1) * minSectorSize
      if (isLast && zero(off, sectorEnd)) return torn('zero sector followed by data')
      throw new ErrCRCMismatch({ file, offset: off, reason: 'zero length word followed by data' })
    }
    const recBytes = lo
    const pad = padBytes(recBytes)
    const flag = buf[off + 7]
    const wordOk = buf.readUInt16LE(off + 4) === lengthCheck(buf, off) && buf[off + 6] === 0 &&
      flag === (pad === 0 ? 0 : 0x80 | pad) && recBytes >= recordHeaderBytes
    if (!wordOk || recBytes > opts.maxRecordBytes) {
      // a length word torn part-way is followed by nothing but zeros
      if (isLast && zero(off + lengthWordBytes, size)) return torn('torn length word')
      if (wordOk) throw new ErrMaxWALEntrySizeLimitExceeded({ file, offset: off, reason: `record of ${recBytes} bytes` })
      throw new ErrCRCMismatch({ file, offset: off, reason: 'damaged length word' })
    }
    const frameEnd = off + lengthWordBytes + recBytes + pad
    if (frameEnd > size) {
      if (isLast) return torn('record runs past the end of the file')
      throw new ErrUnexpectedEOF({ file, offset: off, reason: 'record runs past the end of a closed segment' })
    }
    const type = buf[off + 8]
    const recCrc = buf.readUInt32LE(off + 12)
    const dataEnd = off + lengthWordBytes + recBytes
    const data = buf.subarray(off + 16, dataEnd)
    let ok = isRecordType(type) && buf[off + 9] === (~type & 0xff) && buf.readUInt16LE(off + 10) === 0 &&
      zero(dataEnd, frameEnd)
    let next = crc
    if (ok && type === RecordType.CrcType) {
      ok = data.length === 0 && (crc === 0 || recCrc === crc)
      next = recCrc
    } else if (ok) {
      next = crc32c(data, crc)
      ok = next === recCrc
    }
    if (!ok) {
      if (isLast && zero(frameEnd, size)) return torn('last record incomplete')
      // header and data (not the padding, which is zero anyway) cut at sector boundaries
      if (isLast && hasZeroSectorChunk(buf, off + lengthWordBytes, dataEnd)) return torn('record contains a zeroed sector')
      throw new ErrCRCMismatch({ file, offset: off, reason: 'record header or checksum mismatch' })
    }
    records.push({ type: type as RecordType, data, crc: recCrc, offset: off })
    crc = next
    off = frameEnd
  }
  return { records, end: off, crc, torn: false, zeroTail: zeroTail || off >= size }
}
