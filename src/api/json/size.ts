// The protobuf wire size of a typed message. The gateway talks to gRPC, whose server refuses a
// request whose encoded size exceeds max-request-bytes + 512 KiB with
// `grpc: received message larger than max (<size> vs. <max>)` (gateway spec §3.4, case 137);
// reproducing the number needs the proto size, not the JSON size. The core may use it too.
import type { FieldDesc, MessageDesc } from './descriptor.js'

/** Bytes a varint takes; negative int64/int32/enum values are sign-extended to 10 bytes. */
export function varintSize (v: bigint | number): number {
  let n = typeof v === 'bigint' ? v : BigInt(Math.trunc(v))
  if (n < 0n) return 10
  let size = 1
  while (n >= 0x80n) { n >>= 7n; size++ }
  return size
}

function smallVarintSize (n: number): number {
  let size = 1
  while (n >= 0x80) { n = Math.floor(n / 128); size++ }
  return size
}

function payloadSize (f: FieldDesc, v: unknown): number {
  switch (f.kind) {
    case 'int64': case 'uint64': case 'int32': case 'uint32': case 'enum':
      return typeof v === 'number' && v >= 0 ? smallVarintSize(v) : varintSize(v as bigint | number)
    case 'bool': return 1
    case 'string': {
      const len = Buffer.byteLength(v as string, 'utf8')
      return smallVarintSize(len) + len
    }
    case 'bytes': {
      const len = (v as Uint8Array).length
      return smallVarintSize(len) + len
    }
    case 'message': {
      const len = protoSize((f.message as () => MessageDesc)(), v as object)
      return smallVarintSize(len) + len
    }
  }
}

const isPackable = (f: FieldDesc): boolean => f.kind !== 'string' && f.kind !== 'bytes' && f.kind !== 'message'

function isZero (f: FieldDesc, v: unknown): boolean {
  switch (f.kind) {
    case 'int64': case 'uint64': case 'int32': case 'uint32': case 'enum': return v === 0n || v === 0
    case 'bool': return v === false
    case 'string': return v === ''
    case 'bytes': return (v as Uint8Array).length === 0
    default: return false
  }
}

/** The proto3 encoded size of `msg` (zero scalars skipped, set oneof members counted, packed repeated scalars). */
export function protoSize (desc: MessageDesc, msg: object): number {
  const m = msg as Record<string, unknown>
  let size = 0
  for (const f of desc.fields) {
    const v = f.group !== undefined ? (m[f.group] as Record<string, unknown> | undefined)?.[f.prop] : m[f.prop]
    if (v === undefined || v === null) continue
    const tagSize = smallVarintSize(f.tag * 8)
    if (f.repeated) {
      const list = v as unknown[]
      if (list.length === 0) continue
      if (isPackable(f)) {
        let body = 0
        for (const x of list) body += payloadSize(f, x)
        size += tagSize + smallVarintSize(body) + body
      } else {
        for (const x of list) size += tagSize + payloadSize(f, x)
      }
      continue
    }
    if (f.oneof === undefined && isZero(f, v)) continue
    size += tagSize + payloadSize(f, v)
  }
  return size
}
