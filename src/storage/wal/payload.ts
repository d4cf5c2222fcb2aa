// What the WAL's records carry. Entries and HardStates use the raft codec (src/raft); the
// snapshot marker is the WAL's own small record: index and term as two uint64 LE.
import { CodedError } from '../../pkg/coded-error.js'

/** A snapshot marker: a raft snapshot exists at this index and term. */
export interface WalSnapshot {
  index: number
  term: number
}

/** Encodes a snapshot marker (16 bytes). */
export function encodeWalSnapshot (s: WalSnapshot): Uint8Array {
  const b = Buffer.alloc(16)
  b.writeBigUInt64LE(BigInt(s.index), 0)
  b.writeBigUInt64LE(BigInt(s.term), 8)
  return b
}

/** Decodes a snapshot marker. */
export function decodeWalSnapshot (data: Uint8Array): WalSnapshot {
  if (data.length !== 16) throw new CodedError('ErrWALSnapshotRecord', `wal: snapshot record of ${data.length} bytes`)
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return { index: Number(b.readBigUInt64LE(0)), term: Number(b.readBigUInt64LE(8)) }
}
