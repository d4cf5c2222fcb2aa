// Typed message → JSON object, as etcd's gateway writes it (jsonpb with OrigName, EmitDefaults
// off; gateway spec §2.1): proto field names in tag order, 64-bit integers as decimal strings,
// 32-bit integers as numbers, bytes as padded standard base64, enums by name, zero values and
// empty lists omitted, a present sub-message always written (`{}` when empty), a set oneof
// member written even when it holds its zero value.
import { encodeBase64 } from './base64.js'
import type { FieldDesc, MessageDesc } from './descriptor.js'

function isZero (f: FieldDesc, v: unknown): boolean {
  switch (f.kind) {
    case 'int64': case 'uint64': case 'int32': case 'uint32': case 'enum':
      return v === 0n || v === 0
    case 'bool': return v === false
    case 'string': return v === ''
    case 'bytes': return (v as Uint8Array).length === 0
    default: return false
  }
}

function encodeValue (f: FieldDesc, v: unknown): unknown {
  switch (f.kind) {
    case 'int64': case 'uint64': return String(v)
    case 'int32': case 'uint32': return Number(v)
    case 'bool': case 'string': return v
    case 'bytes': return encodeBase64(v as Uint8Array)
    case 'enum': {
      const n = Number(v)
      return f.enumType?.names.get(n) ?? n
    }
    case 'message': return encodeMessage((f.message as () => MessageDesc)(), v as Record<string, unknown>)
  }
}

/** Encodes a typed message into the JSON object etcd would write (key order = tag order). */
export function encodeMessage (desc: MessageDesc, msg: object): Record<string, unknown> {
  const m = msg as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const f of desc.fields) {
    let v: unknown
    if (f.group !== undefined) {
      const g = m[f.group] as Record<string, unknown> | undefined
      v = g?.[f.prop]
    } else v = m[f.prop]
    if (v === undefined || v === null) continue
    if (f.repeated) {
      const list = v as unknown[]
      if (list.length === 0) continue
      out[f.name] = list.map((x) => encodeValue(f, x))
    } else if (f.oneof === undefined && isZero(f, v)) {
      continue
    } else {
      out[f.name] = encodeValue(f, v)
    }
  }
  return out
}
