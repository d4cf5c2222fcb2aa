/** 8-byte big-endian unsigned encoding, as etcd writes the consistent index and term. */
export function encodeUint64 (v: bigint | number): Buffer {
  const b = Buffer.allocUnsafe(8)
  b.writeBigUInt64BE(BigInt(v))
  return b
}

/** Decodes {@link encodeUint64}; undefined when `b` is absent or not 8 bytes long. */
export function decodeUint64 (b: Uint8Array | undefined): bigint | undefined {
  if (b === undefined || b.length !== 8) return undefined
  return Buffer.from(b.buffer, b.byteOffset, 8).readBigUInt64BE(0)
}
