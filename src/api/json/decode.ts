// JSON value → typed message, with the acceptance rules and error texts of etcd's gateway
// (golang/protobuf jsonpb over encoding/json, gateway spec §2.2): proto or lowerCamel names
// (lowerCamel wins when both are present), unknown fields ignored, null = absent, 64-bit
// integers as numbers or decimal strings (lossless), enums by name or number, bytes as padded
// standard base64 (or Go's array-of-bytes form). Fields are checked in tag order, so the first
// bad field in that order names the error, as in Go.
import { isLosslessNumber } from 'lossless-json'
import { JSONDecodeError } from '../rpctypes/errors.js'
import { decodeBase64 } from './base64.js'
import type { EnumDesc, FieldDesc, MessageDesc } from './descriptor.js'
import { checkValid, goQuote, type GoJSONKind } from './go-scanner.js'

type JSONObject = Record<string, unknown>

/** How Go's UnmarshalTypeError names the JSON kind of a value. */
export function goKind (v: unknown): GoJSONKind {
  if (v === null) return 'null'
  switch (typeof v) {
    case 'string': return 'string'
    case 'number': case 'bigint': return 'number'
    case 'boolean': return 'bool'
  }
  if (Array.isArray(v)) return 'array'
  if (isLosslessNumber(v)) return 'number'
  return 'object'
}

function typeError (kind: string, goType: string): JSONDecodeError {
  return new JSONDecodeError(`json: cannot unmarshal ${kind} into Go value of type ${goType}`)
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/
const GO_INT = { int64: 'int64', uint64: 'uint64', int32: 'int32', uint32: 'uint32' } as const
type IntKind = keyof typeof GO_INT
const BOUNDS: Readonly<Record<IntKind, readonly [bigint, bigint]>> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n]
}

/** The literal text of a JSON number value. */
function numberText (v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v)
  if (isLosslessNumber(v)) return v.value
  return String(v)
}

/** strconv.ParseInt/ParseUint of a number literal, as encoding/json does for integer targets. */
function parseIntLiteral (lit: string, kind: IntKind, goType: string): bigint {
  if (INTEGER.test(lit)) {
    const n = BigInt(lit)
    const [lo, hi] = BOUNDS[kind]
    if (n >= lo && n <= hi && !(kind.startsWith('u') && lit.startsWith('-'))) return n
  }
  throw new JSONDecodeError(`json: cannot unmarshal number ${lit} into Go value of type ${goType}`)
}

/** An integer field: a JSON number, or a string whose content is a JSON number (jsonpb drops the quotes). */
function decodeInt (v: unknown, kind: IntKind): bigint {
  const goType = GO_INT[kind]
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    const n = BigInt(v)
    const [lo, hi] = BOUNDS[kind]
    if (n >= lo && n <= hi && !(Object.is(v, -0) && kind.startsWith('u'))) return n
    return parseIntLiteral(numberText(v), kind, goType)
  }
  const k = goKind(v)
  if (k === 'number') return parseIntLiteral(numberText(v), kind, goType)
  if (k === 'string') {
    const inner = v as string
    if (INTEGER.test(inner)) return parseIntLiteral(inner, kind, goType)
    const innerKind = checkValid(inner)
    if (innerKind === 'number') return parseIntLiteral(inner.trim(), kind, goType)
    if (innerKind === 'null') return 0n
    throw typeError(innerKind, goType)
  }
  throw typeError(k, goType)
}

function decodeEnum (v: unknown, e: EnumDesc): number {
  if (typeof v === 'string') {
    const n = e.values[v]
    if (n === undefined || !Object.hasOwn(e.values, v)) {
      throw new JSONDecodeError(`unknown value ${goQuote(v)} for enum ${e.goName}`)
    }
    return n
  }
  const k = goKind(v)
  if (k !== 'number') throw typeError(k, e.goName)
  // Unknown numbers are kept as they are (etcd 3.4/3.5 accept them).
  return Number(parseIntLiteral(numberText(v), 'int32', e.goName))
}

function decodeBytes (v: unknown): Uint8Array {
  if (typeof v === 'string') return decodeBase64(v)
  if (Array.isArray(v)) {
    // encoding/json also fills a []byte from an array of numbers.
    const out = new Uint8Array(v.length)
    for (let i = 0; i < v.length; i++) {
      const x = v[i]
      if (x === null) continue
      const k = goKind(x)
      if (k !== 'number') throw typeError(k, 'uint8')
      const lit = numberText(x)
      if (!INTEGER.test(lit) || lit.startsWith('-') || BigInt(lit) > 255n) {
        throw new JSONDecodeError(`json: cannot unmarshal number ${lit} into Go value of type uint8`)
      }
      out[i] = Number(lit)
    }
    return out
  }
  throw typeError(goKind(v), '[]uint8')
}

function decodeScalar (f: FieldDesc, v: unknown): unknown {
  switch (f.kind) {
    case 'int64': case 'uint64': case 'int32': case 'uint32': {
      const n = decodeInt(v, f.kind)
      return f.kind === 'int32' || f.kind === 'uint32' ? Number(n) : n
    }
    case 'bool':
      if (typeof v === 'boolean') return v
      throw typeError(goKind(v), 'bool')
    case 'string':
      if (typeof v === 'string') return v
      throw typeError(goKind(v), 'string')
    case 'bytes':
      return decodeBytes(v)
    case 'enum':
      return decodeEnum(v, f.enumType as EnumDesc)
    case 'message':
      return decodeMessage((f.message as () => MessageDesc)(), v)
  }
}

/**
 * Decodes a parsed JSON value into the typed message `desc` describes. `undefined` (empty
 * body) and `null` give the empty message. Throws JSONDecodeError with Go's texts.
 */
export function decodeMessage<T = Record<string, unknown>> (desc: MessageDesc, v: unknown): T {
  const out: Record<string, unknown> = {}
  if (v === undefined || v === null) return out as T
  if (typeof v !== 'object' || Array.isArray(v) || isLosslessNumber(v)) {
    throw typeError(goKind(v), 'map[string]json.RawMessage')
  }
  const o = v as JSONObject
  for (const f of desc.fields) {
    let raw = o[f.json]
    if (raw === undefined && f.json !== f.name) raw = o[f.name]
    if (raw === undefined || raw === null) continue
    let value: unknown
    if (f.repeated) {
      if (!Array.isArray(raw)) throw typeError(goKind(raw), '[]json.RawMessage')
      value = raw.map((x) => x === null && f.kind !== 'message' ? zeroOf(f) : decodeScalar(f, x))
    } else {
      value = decodeScalar(f, raw)
    }
    if (f.group !== undefined) out[f.group] = { [f.prop]: value }
    else if (f.oneof !== undefined) {
      // A later member of the same oneof replaces an earlier one.
      for (const g of desc.fields) if (g.oneof === f.oneof && g !== f) delete out[g.prop]
      out[f.prop] = value
    } else out[f.prop] = value
  }
  return out as T
}

function zeroOf (f: FieldDesc): unknown {
  switch (f.kind) {
    case 'int64': case 'uint64': return 0n
    case 'int32': case 'uint32': case 'enum': return 0
    case 'bool': return false
    case 'string': return ''
    case 'bytes': return new Uint8Array(0)
    default: return {}
  }
}
