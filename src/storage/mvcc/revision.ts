/**
 * An MVCC revision (etcd's mvcc.Revision): `main` is the store revision of a write txn, `sub` the
 * index of a change inside it.
 */
export interface Revision {
  readonly main: bigint
  readonly sub: bigint
}

/** Length of an encoded revision: 8-byte BE main, '_', 8-byte BE sub. */
export const REV_BYTES_LEN = 17
/** Length of an encoded revision with the tombstone mark. */
export const MARKED_REV_BYTES_LEN = 18
/** The tombstone mark appended to the revision key of a deletion. */
export const MARK_TOMBSTONE = 0x74 // 't'

/** Encodes `rev` as etcd's 17-byte key, or 18 bytes with the tombstone mark. */
export function revToBytes (rev: Revision, tombstone = false): Buffer {
  const b = Buffer.allocUnsafe(tombstone ? MARKED_REV_BYTES_LEN : REV_BYTES_LEN)
  b.writeBigInt64BE(rev.main, 0)
  b[8] = 0x5f // '_'
  b.writeBigInt64BE(rev.sub, 9)
  if (tombstone) b[17] = MARK_TOMBSTONE
  return b
}

const SMALL: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i))

/** `n` as a bigint, shared for small values (saves a heap object per index entry). */
export function smallBig (n: number): bigint {
  return n >= 0 && n < SMALL.length ? SMALL[n] : BigInt(n)
}

/** Reads an int64 BE, returning a shared bigint for small non-negative values. */
export function readInt64 (buf: Buffer, off: number): bigint {
  if (buf.readUInt32BE(off) === 0) {
    const lo = buf.readUInt32BE(off + 4)
    if (lo < SMALL.length) return SMALL[lo]
  }
  return buf.readBigInt64BE(off)
}

/** Decodes the first 17 bytes of a revision key. */
export function bytesToRev (b: Uint8Array): Revision {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
  return { main: buf.readBigInt64BE(0), sub: readInt64(buf, 9) }
}

/** True when the revision key carries the tombstone mark. */
export function isTombstone (b: Uint8Array): boolean {
  return b.length === MARKED_REV_BYTES_LEN && b[17] === MARK_TOMBSTONE
}

/** Orders revisions by main, then sub. */
export function compareRev (a: Revision, b: Revision): number {
  if (a.main !== b.main) return a.main < b.main ? -1 : 1
  if (a.sub !== b.sub) return a.sub < b.sub ? -1 : 1
  return 0
}

/** The 17-byte key as a latin1 string: a compact, byte-ordered identity for sets and maps. */
export function revKey (rev: Revision): string {
  return revToBytes(rev).toString('latin1')
}
