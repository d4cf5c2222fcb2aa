// Request body text → JSON value, as etcd's gateway reads it (gateway spec §1.4, decision f):
// only the first JSON value counts (trailing bytes are ignored), an empty or all-space body is
// the empty message, and numbers that JSON.parse would round or re-spell (16+ digits,
// fractions, exponents) keep their literal text through lossless-json, so that a bare
// `{"ID":16141341921330110677}` arrives intact and `1e3` is refused as Go refuses it.
// Fast path: one regex test and JSON.parse.
import { parse as losslessParse } from 'lossless-json'
import { scanFirstValue } from './go-scanner.js'

/** A number token that JSON.parse would not carry exactly: 16+ digits, a fraction or an exponent. */
const NEEDS_LOSSLESS = /[:,[]\s*-?\d+(?:[.eE]|\d{15})/

const keepLast = ({ newValue }: { newValue: unknown }): unknown => newValue

function parseWhole (text: string): unknown {
  if (NEEDS_LOSSLESS.test(text)) return losslessParse(text, null, { onDuplicateKey: keepLast })
  return JSON.parse(text)
}

/**
 * Parses a request body. Returns `undefined` for an absent, empty or whitespace-only body. Numbers that
 * need it come back as lossless-json `LosslessNumber`s. Throws JSONDecodeError with Go's text.
 */
export function parseJSONBody (text: string | undefined): unknown {
  if (text === undefined || text.length === 0) return undefined
  try {
    return parseWhole(text)
  } catch {
    // Not one clean JSON document: find the end of the first value the way Go's json.Decoder
    // does (this throws Go's error text when the value itself is malformed).
    const end = scanFirstValue(text)
    if (end < 0) return undefined
    return parseWhole(text.slice(0, end))
  }
}
