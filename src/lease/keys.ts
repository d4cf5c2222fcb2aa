// Keys inside the lessor are latin1 strings: one char per byte, so string order is byte order.

/** A key's bytes as a latin1 string. */
export function keyToString (key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')
}

/** The bytes of a latin1 key string. */
export function keyFromString (s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'))
}
