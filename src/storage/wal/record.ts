// WAL record framing (design/raft-and-reliability.md §3.2). One record on disk:
//
//   0        8-byte little-endian length word: the low 56 bits hold recBytes = 8 + data length;
//            when the frame needs padding to an 8-byte boundary the top byte is 0x80 | pad count
//   8        record type, uint32 LE
//   12       crc, uint32 LE: CRC-32C of this record's data seeded with the previous record's crc
//            (the running checksum); a crc record instead carries the running checksum itself
//   16       data (recBytes - 8 bytes)
//            zero padding up to the next multiple of 8
//
// Frames start and end 8-aligned, so a length word never straddles a sector. A length word of
// zero marks the end of the written part of a preallocated segment.
import { crc32c } from '../../pkg/crc32c.js'

/** The kinds of WAL record, with etcd's names and numbers. */
export const RecordType = {
  MetadataType: 1,
  EntryType: 2,
  StateType: 3,
  CrcType: 4,
  SnapshotType: 5
} as const
// eslint-disable-next-line @typescript-eslint/no-redeclare -- the as-const table and its union share a name
export type RecordType = typeof RecordType[keyof typeof RecordType]

/** True when `t` is one of the five record types. */
export function isRecordType (t: number): t is RecordType {
  return t >= RecordType.MetadataType && t <= RecordType.SnapshotType
}

/** A record before framing. */
export interface RecordInput {
  type: RecordType
  data: Uint8Array
}

/** Bytes of the length word, and of the type + crc header inside the payload. */
export const lengthWordBytes = 8
export const recordHeaderBytes = 8

/** Padding that brings `recBytes` to a multiple of 8. */
export function padBytes (recBytes: number): number {
  return (8 - (recBytes % 8)) % 8
}

/** Total on-disk size of a record carrying `dataLength` bytes of data. */
export function frameSize (dataLength: number): number {
  const recBytes = recordHeaderBytes + dataLength
  return lengthWordBytes + recBytes + padBytes(recBytes)
}

/**
 * Frames `records` into one zero-padded buffer, chaining the CRC from `crc` (the running
 * checksum after the last record already on disk). Returns the buffer and the running checksum
 * after the last framed record.
 */
export function frameRecords (records: readonly RecordInput[], crc: number): { buf: Buffer, crc: number } {
  let total = 0
  for (const r of records) total += frameSize(r.data.length)
  const buf = Buffer.alloc(total)
  let off = 0
  for (const r of records) {
    const recBytes = recordHeaderBytes + r.data.length
    const pad = padBytes(recBytes)
    buf.writeUInt32LE(recBytes % 0x1_0000_0000, off)
    const high = (Math.floor(recBytes / 0x1_0000_0000) & 0xff_ffff) | (pad > 0 ? (0x80 | pad) << 24 : 0)
    buf.writeUInt32LE(high >>> 0, off + 4)
    buf.writeUInt32LE(r.type, off + 8)
    if (r.type === RecordType.CrcType) {
      buf.writeUInt32LE(crc, off + 12)
    } else {
      crc = crc32c(r.data, crc)
      buf.writeUInt32LE(crc, off + 12)
    }
    buf.set(r.data, off + 16)
    off += lengthWordBytes + recBytes + pad
  }
  return { buf, crc }
}
