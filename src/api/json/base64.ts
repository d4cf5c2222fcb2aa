// bytes fields on the wire: padded standard base64 out; in, exactly what Go's
// base64.StdEncoding accepts (etcd 3.4/3.5 hand bytes to encoding/json, gateway spec §2.2):
// padded standard alphabet only, CR and LF ignored anywhere, and on failure Go's
// `illegal base64 data at input byte N`. Node's Buffer decoder is lenient (url-safe, missing
// padding, junk), so input is validated first.
import { JSONDecodeError } from '../rpctypes/errors.js'

const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

const EMPTY = new Uint8Array(0)

/** Standard base64 with padding. */
export function encodeBase64 (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')
}

/** Decodes what Go's StdEncoding accepts, or throws Go's error text as a JSONDecodeError. */
export function decodeBase64 (s: string): Uint8Array {
  if (s.length === 0) return EMPTY
  if (STRICT.test(s)) return new Uint8Array(Buffer.from(s, 'base64'))
  const pos = corruptAt(s)
  if (pos >= 0) throw new JSONDecodeError(`illegal base64 data at input byte ${pos}`)
  // Valid once CR/LF are dropped.
  return new Uint8Array(Buffer.from(s.replace(/[\r\n]/g, ''), 'base64'))
}

const isAlphabet = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f
const isNewline = (c: number): boolean => c === 0x0a || c === 0x0d

/**
 * The byte offset Go's decoder reports for a corrupt input (its decodeQuantum walk), or -1 when
 * the input is valid. Offsets count UTF-8 bytes; every character before the first bad one is
 * ASCII, so character and byte offsets agree.
 */
export function corruptAt (s: string): number {
  const n = s.length
  let si = 0
  for (;;) {
    let j = 0
    for (; j < 4; j++) {
      if (si === n) {
        if (j === 0) return -1
        return si - j
      }
      const c = s.charCodeAt(si++)
      if (isAlphabet(c)) continue
      if (isNewline(c)) { j--; continue }
      if (c !== 0x3d) return si - 1
      // padding: only after two or three symbols of the quantum
      if (j === 0 || j === 1) return si - 1
      if (j === 2) {
        while (si < n && isNewline(s.charCodeAt(si))) si++
        if (si === n) return n
        if (s.charCodeAt(si) !== 0x3d) return si - 1
        si++
      }
      while (si < n && isNewline(s.charCodeAt(si))) si++
      if (si < n) return si
      return -1
    }
  }
}
