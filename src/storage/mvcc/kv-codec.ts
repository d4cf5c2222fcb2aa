import type { KeyValue } from '../../api/mvccpb/kv.js'
import { readInt64 } from './revision.js'

/*
 * The value stored in the `key` bucket for one revision: a fixed header and the key and value
 * bytes. Layout: u32 BE key length | key | i64 create_revision | i64 mod_revision | i64 version |
 * i64 lease | value (rest of the record).
 */
const FIXED = 4 + 8 * 4

/** Encodes a KeyValue for the `key` bucket. */
export function encodeKeyValue (kv: KeyValue): Buffer {
  const b = Buffer.allocUnsafe(FIXED + kv.key.length + kv.value.length)
  let o = b.writeUInt32BE(kv.key.length, 0)
  b.set(kv.key, o); o += kv.key.length
  o = b.writeBigInt64BE(kv.createRevision, o)
  o = b.writeBigInt64BE(kv.modRevision, o)
  o = b.writeBigInt64BE(kv.version, o)
  o = b.writeBigInt64BE(kv.lease, o)
  b.set(kv.value, o)
  return b
}

/** Decodes {@link encodeKeyValue}. The returned arrays are views on `b`. */
export function decodeKeyValue (b: Buffer): KeyValue {
  const kl = b.readUInt32BE(0)
  let o = 4
  const key = b.subarray(o, o + kl); o += kl
  const createRevision = b.readBigInt64BE(o); o += 8
  const modRevision = b.readBigInt64BE(o); o += 8
  const version = readInt64(b, o); o += 8
  const lease = readInt64(b, o); o += 8
  return { key, createRevision, modRevision, version, value: b.subarray(o), lease }
}

/** Only the key of an encoded record, as a latin1 string (used when rebuilding the index). */
export function decodeKeyLatin1 (b: Buffer): string {
  const kl = b.readUInt32BE(0)
  return b.toString('latin1', 4, 4 + kl)
}
