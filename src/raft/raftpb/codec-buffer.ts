// The byte-level reader and writer under the raftpb codec: little-endian integers, node IDs as
// uint64 bigints, terms and indexes as uint64 safe integers, length-prefixed bytes.
import { CodedError } from '../../pkg/coded-error.js'
import type { NodeID } from './types.js'

/** The format version written by this codec. */
export const CODEC_VERSION = 1

/** The kind byte that follows the version byte. */
export const CodecKind = {
  Entry: 1,
  HardState: 2,
  ConfState: 3,
  SnapshotMetadata: 4,
  Snapshot: 5,
  Message: 6,
  ConfChange: 7,
  ConfChangeV2: 8
} as const

export type CodecKind = typeof CodecKind[keyof typeof CodecKind]

/** Thrown when bytes cannot be decoded (wrong version or kind, truncated, trailing garbage). */
export class CodecError extends CodedError {
  constructor (message: string) {
    super('ErrRaftCodec', `raftpb: ${message}`)
  }
}

const TWO32 = 0x1_0000_0000

export class Writer {
  buf: Uint8Array
  dv: DataView
  off = 0

  constructor (size: number) {
    this.buf = new Uint8Array(size)
    this.dv = new DataView(this.buf.buffer)
  }

  private ensure (n: number): void {
    if (this.off + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.off + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.off))
    this.buf = next
    this.dv = new DataView(next.buffer)
  }

  u8 (v: number): void {
    this.ensure(1)
    this.buf[this.off++] = v
  }

  u32 (v: number): void {
    this.ensure(4)
    this.dv.setUint32(this.off, v, true)
    this.off += 4
  }

  /** A non-negative safe integer as uint64. */
  num (v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new CodecError(`not a uint64 safe integer: ${v}`)
    this.ensure(8)
    this.dv.setUint32(this.off, v % TWO32, true)
    this.dv.setUint32(this.off + 4, Math.floor(v / TWO32), true)
    this.off += 8
  }

  id (v: bigint): void {
    this.ensure(8)
    this.dv.setBigUint64(this.off, v, true)
    this.off += 8
  }

  bytes (b: Uint8Array): void {
    this.u32(b.length)
    this.ensure(b.length)
    this.buf.set(b, this.off)
    this.off += b.length
  }

  ids (list: NodeID[]): void {
    this.u32(list.length)
    for (const v of list) this.id(v)
  }

  header (kind: CodecKind): void {
    this.u8(CODEC_VERSION)
    this.u8(kind)
  }

  finish (): Uint8Array {
    return this.off === this.buf.length ? this.buf : this.buf.slice(0, this.off)
  }
}

export class Reader {
  readonly dv: DataView
  off = 0

  constructor (readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  private need (n: number): void {
    if (this.off + n > this.buf.length) throw new CodecError('unexpected end of data')
  }

  u8 (): number {
    this.need(1)
    return this.buf[this.off++]
  }

  u32 (): number {
    this.need(4)
    const v = this.dv.getUint32(this.off, true)
    this.off += 4
    return v
  }

  num (): number {
    this.need(8)
    const lo = this.dv.getUint32(this.off, true)
    const hi = this.dv.getUint32(this.off + 4, true)
    this.off += 8
    const v = hi * TWO32 + lo
    if (!Number.isSafeInteger(v)) throw new CodecError('uint64 value exceeds 2^53')
    return v
  }

  id (): bigint {
    this.need(8)
    const v = this.dv.getBigUint64(this.off, true)
    this.off += 8
    return v
  }

  bytes (): Uint8Array {
    const n = this.u32()
    this.need(n)
    const out = this.buf.slice(this.off, this.off + n)
    this.off += n
    return out
  }

  ids (): NodeID[] {
    const n = this.u32()
    this.need(n * 8)
    const out: NodeID[] = new Array(n)
    for (let i = 0; i < n; i++) out[i] = this.id()
    return out
  }

  bool (): boolean {
    const v = this.u8()
    if (v > 1) throw new CodecError(`invalid boolean byte ${v}`)
    return v === 1
  }

  header (kind: CodecKind): void {
    const version = this.u8()
    if (version !== CODEC_VERSION) throw new CodecError(`unsupported format version ${version}`)
    const k = this.u8()
    if (k !== kind) throw new CodecError(`expected kind ${kind}, got ${k}`)
  }

  end (): void {
    if (this.off !== this.buf.length) throw new CodecError(`${this.buf.length - this.off} trailing bytes`)
  }
}
