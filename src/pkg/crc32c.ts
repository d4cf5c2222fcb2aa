// CRC-32C (Castagnoli), the checksum of etcd's WAL records and snapshot files. Backed by
// @node-rs/crc32 (hardware CRC32 instructions where the CPU has them). node:zlib.crc32 is
// CRC-32/IEEE, a different polynomial, so it cannot be used here.
import { crc32c as nativeCrc32c } from '@node-rs/crc32'

/**
 * The CRC-32C of `buf`, continuing from `initial`: `crc32c(b, crc32c(a)) === crc32c(a ++ b)`,
 * which is what makes a running checksum chained across records possible. Returns an unsigned
 * 32-bit value; `initial` 0 starts a fresh checksum.
 */
export function crc32c (buf: Uint8Array, initial = 0): number {
  return nativeCrc32c(buf, initial) >>> 0
}
