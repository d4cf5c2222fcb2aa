// Typed message → JSON text, directly: the same output as JSON.stringify(encodeMessage(…))
// (./encode.ts states the rules), without building the intermediate object. Each descriptor is
// compiled once into a chain of per-field writers; the hot path is string concatenation only.
// Field names and enum names are plain ASCII, base64 and decimal strings need no escaping, so
// only `string` fields go through JSON.stringify.
import { encodeBase64 } from './base64.js'
import type { FieldDesc, MessageDesc } from './descriptor.js'

type Writer = (v: unknown) => string

interface CompiledField {
  readonly f: FieldDesc
  readonly key: string
  readonly write: Writer
  readonly isZero: (v: unknown) => boolean
}

const compiled = new WeakMap<MessageDesc, (msg: object) => string>()

function zeroTest (f: FieldDesc): (v: unknown) => boolean {
  switch (f.kind) {
    case 'int64': case 'uint64': case 'int32': case 'uint32': case 'enum':
      return (v) => v === 0n || v === 0
    case 'bool': return (v) => v === false
    case 'string': return (v) => v === ''
    case 'bytes': return (v) => (v as Uint8Array).length === 0
    default: return () => false
  }
}

function valueWriter (f: FieldDesc): Writer {
  switch (f.kind) {
    case 'int64': case 'uint64': return (v) => `"${String(v)}"`
    case 'int32': case 'uint32': return (v) => String(Number(v))
    case 'bool': return (v) => (v === true ? 'true' : 'false')
    case 'string': return (v) => JSON.stringify(v)
    case 'bytes': return (v) => `"${encodeBase64(v as Uint8Array)}"`
    case 'enum': {
      const names = f.enumType?.names
      return (v) => {
        const name = names?.get(Number(v))
        return name !== undefined ? `"${name}"` : String(Number(v))
      }
    }
    case 'message': {
      let sub: ((msg: object) => string) | undefined
      return (v) => (sub ??= compileWriter((f.message as () => MessageDesc)()))(v as object)
    }
  }
}

/** The writer of one message type (compiled on first use, then cached). */
export function compileWriter (desc: MessageDesc): (msg: object) => string {
  const hit = compiled.get(desc)
  if (hit !== undefined) return hit
  const fields: CompiledField[] = desc.fields.map((f) => ({ f, key: `"${f.name}":`, write: valueWriter(f), isZero: zeroTest(f) }))
  const writer = (msg: object): string => {
    const m = msg as Record<string, unknown>
    let out = ''
    for (const c of fields) {
      const f = c.f
      const v = f.group !== undefined ? (m[f.group] as Record<string, unknown> | undefined)?.[f.prop] : m[f.prop]
      if (v === undefined || v === null) continue
      let s: string
      if (f.repeated) {
        const list = v as unknown[]
        if (list.length === 0) continue
        s = '['
        for (let i = 0; i < list.length; i++) s += (i === 0 ? '' : ',') + c.write(list[i])
        s += ']'
      } else if (f.oneof === undefined && c.isZero(v)) {
        continue
      } else {
        s = c.write(v)
      }
      out += (out === '' ? '{' : ',') + c.key + s
    }
    return out === '' ? '{}' : out + '}'
  }
  compiled.set(desc, writer)
  return writer
}

/** JSON text of a typed message, as etcd's gateway writes it. */
export function writeMessage (desc: MessageDesc, msg: object): string {
  return compileWriter(desc)(msg)
}
