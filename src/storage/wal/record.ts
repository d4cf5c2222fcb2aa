// WAL record framing (design/raft-and-reliability.md §3.2, etcd's layout with two extra checks).
// One record on disk, every frame starting and ending 8-aligned:
//
//   0   length word, 8 bytes:
//         0..3  recBytes, uint32 LE = 8 + data length
//         4..5  lenCheck, uint16 LE = low 16 bits of CRC-32C(bytes 0..3)
//         6     0
//         7     0x80 | pad count when the frame needs padding to 8 bytes, else 0
//   8   type (uint8), 9: its complement (~type & 0xff), 10..11: 0
//   12  crc, uint32 LE: CRC-32C of this record's data seeded with the previous record's crc
//       (the running checksum); a crc record instead carries the running checksum itself
//   16  data (recBytes - 8 bytes), then zero padding up to the next multiple of 8
//
// The lenCheck and the type complement make every single-bit flip in a record's framing
// detectable (etcd's CRC covers the data only), so a damaged length word can never pass for a
// record running to the end of the file and be "repaired" away. A length word of zero marks the
// end of the written part of a preallocated segment.
import { crc32c } from '../../pkg/crc32c.js'

/** The kinds of WAL record, with etcd's names and numbers. */
export const RecordType = {
  MetadataType: 1,
  EntryType: 2,
  StateType: 3,
  CrcType: 4,
  SnapshotType: 5
} as const

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

/** The check stored beside a record's length: low 16 bits of the CRC-32C of its 4 bytes. */
export function lengthCheck (buf: Buffer, off: number): number {
  return crc32c(buf.subarray(off, off + 4)) & 0xffff
}

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
    buf.writeUInt32LE(recBytes, off)
    buf.writeUInt16LE(lengthCheck(buf, off), off + 4)
    buf[off + 7] = pad > 0 ? 0x80 | pad : 0
    buf[off + 8] = r.type
    buf[off + 9] = ~r.type & 0xff
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
