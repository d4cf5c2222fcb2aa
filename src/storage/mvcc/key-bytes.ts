/** A user key as a latin1 string (byte order = string order). */
export function keyToString (k: Uint8Array): string {
  return Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1')
}

/** Back from {@link keyToString}. */
export function stringToKey (s: string): Buffer {
  return Buffer.from(s, 'latin1')
}

/** The index-level end of a range: undefined = single key, '' = open-ended. */
export function endToString (end: Uint8Array | undefined): string | undefined {
  return end === undefined ? undefined : keyToString(end)
}
