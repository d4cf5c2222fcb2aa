// A compact, versioned binary codec for the raft types: what the WAL stores and the peer
// transport carries. Every top-level encoding starts with two bytes, [format version, kind],
// so a reader can refuse data it does not understand and a record of one kind is never read
// as another. Integers are little-endian: node IDs as uint64 (bigint), terms and indexes as
// uint64 holding a safe integer, lengths as uint32. Byte fields are copied on decode, so a
// decoded value never aliases the input buffer.
import { CodecError, CodecKind, Reader, Writer } from './codec-buffer.js'
import type {
  ConfChange, ConfChangeSingle, ConfChangeTransition, ConfChangeType, ConfChangeV2, ConfState,
  Entry, EntryType, HardState, Message, MessageType, Snapshot, SnapshotMetadata
} from './types.js'

export { CODEC_VERSION, CodecKind, CodecError } from './codec-buffer.js'

function enumByte<T extends number> (v: number, max: number, what: string): T {
  if (v > max) throw new CodecError(`invalid ${what} ${v}`)
  return v as T
}

// ---- Entry ----

function writeEntry (w: Writer, e: Entry): void {
  w.u8(e.type)
  w.num(e.term)
  w.num(e.index)
  w.bytes(e.data)
}

function readEntry (r: Reader): Entry {
  const type = enumByte<EntryType>(r.u8(), 2, 'entry type')
  const term = r.num()
  const index = r.num()
  return { term, index, type, data: r.bytes() }
}

/** Encodes one entry (2 + 21 bytes of framing plus the data). */
export function encodeEntry (e: Entry): Uint8Array {
  const w = new Writer(2 + 1 + 16 + 4 + e.data.length)
  w.header(CodecKind.Entry)
  writeEntry(w, e)
  return w.finish()
}

export function decodeEntry (b: Uint8Array): Entry {
  const r = new Reader(b)
  r.header(CodecKind.Entry)
  const e = readEntry(r)
  r.end()
  return e
}

// ---- HardState ----

export function encodeHardState (h: HardState): Uint8Array {
  const w = new Writer(2 + 24)
  w.header(CodecKind.HardState)
  w.num(h.term)
  w.id(h.vote)
  w.num(h.commit)
  return w.finish()
}

export function decodeHardState (b: Uint8Array): HardState {
  const r = new Reader(b)
  r.header(CodecKind.HardState)
  const h = { term: r.num(), vote: r.id(), commit: r.num() }
  r.end()
  return h
}

// ---- ConfState / SnapshotMetadata / Snapshot ----

function writeConfState (w: Writer, c: ConfState): void {
  w.ids(c.voters)
  w.ids(c.learners)
  w.ids(c.votersOutgoing)
  w.ids(c.learnersNext)
  w.u8(c.autoLeave ? 1 : 0)
}

function readConfState (r: Reader): ConfState {
  return { voters: r.ids(), learners: r.ids(), votersOutgoing: r.ids(), learnersNext: r.ids(), autoLeave: r.bool() }
}

function confStateSize (c: ConfState): number {
  return 17 + 8 * (c.voters.length + c.learners.length + c.votersOutgoing.length + c.learnersNext.length)
}

export function encodeConfState (c: ConfState): Uint8Array {
  const w = new Writer(2 + confStateSize(c))
  w.header(CodecKind.ConfState)
  writeConfState(w, c)
  return w.finish()
}

export function decodeConfState (b: Uint8Array): ConfState {
  const r = new Reader(b)
  r.header(CodecKind.ConfState)
  const c = readConfState(r)
  r.end()
  return c
}

function writeSnapshotMetadata (w: Writer, m: SnapshotMetadata): void {
  w.num(m.index)
  w.num(m.term)
  writeConfState(w, m.confState)
}

function readSnapshotMetadata (r: Reader): SnapshotMetadata {
  const index = r.num()
  const term = r.num()
  return { confState: readConfState(r), index, term }
}

export function encodeSnapshotMetadata (m: SnapshotMetadata): Uint8Array {
  const w = new Writer(2 + 16 + confStateSize(m.confState))
  w.header(CodecKind.SnapshotMetadata)
  writeSnapshotMetadata(w, m)
  return w.finish()
}

export function decodeSnapshotMetadata (b: Uint8Array): SnapshotMetadata {
  const r = new Reader(b)
  r.header(CodecKind.SnapshotMetadata)
  const m = readSnapshotMetadata(r)
  r.end()
  return m
}

function writeSnapshot (w: Writer, s: Snapshot): void {
  writeSnapshotMetadata(w, s.metadata)
  w.bytes(s.data)
}

function readSnapshot (r: Reader): Snapshot {
  const metadata = readSnapshotMetadata(r)
  return { data: r.bytes(), metadata }
}

export function encodeSnapshot (s: Snapshot): Uint8Array {
  const w = new Writer(2 + 16 + confStateSize(s.metadata.confState) + 4 + s.data.length)
  w.header(CodecKind.Snapshot)
  writeSnapshot(w, s)
  return w.finish()
}

export function decodeSnapshot (b: Uint8Array): Snapshot {
  const r = new Reader(b)
  r.header(CodecKind.Snapshot)
  const s = readSnapshot(r)
  r.end()
  return s
}

// ---- Message ----

function messageSize (m: Message): number {
  let n = 2 + 1 + 8 * 7 + 1 + 4 + m.context.length + 4 + 1
  for (const e of m.entries) n += 21 + e.data.length
  if (m.snapshot !== undefined) n += 20 + confStateSize(m.snapshot.metadata.confState) + m.snapshot.data.length
  return n
}

export function encodeMessage (m: Message): Uint8Array {
  const w = new Writer(messageSize(m))
  w.header(CodecKind.Message)
  w.u8(m.type)
  w.id(m.to)
  w.id(m.from)
  w.num(m.term)
  w.num(m.logTerm)
  w.num(m.index)
  w.num(m.commit)
  w.num(m.rejectHint)
  w.u8(m.reject ? 1 : 0)
  w.bytes(m.context)
  w.u32(m.entries.length)
  for (const e of m.entries) writeEntry(w, e)
  if (m.snapshot === undefined) {
    w.u8(0)
  } else {
    w.u8(1)
    writeSnapshot(w, m.snapshot)
  }
  return w.finish()
}

export function decodeMessage (b: Uint8Array): Message {
  const r = new Reader(b)
  r.header(CodecKind.Message)
  const type = enumByte<MessageType>(r.u8(), 18, 'message type')
  const to = r.id()
  const from = r.id()
  const term = r.num()
  const logTerm = r.num()
  const index = r.num()
  const commit = r.num()
  const rejectHint = r.num()
  const reject = r.bool()
  const context = r.bytes()
  const n = r.u32()
  if (n > r.buf.length) throw new CodecError('entry count exceeds data')
  const entries: Entry[] = new Array(n)
  for (let i = 0; i < n; i++) entries[i] = readEntry(r)
  const snapshot = r.bool() ? readSnapshot(r) : undefined
  r.end()
  const m: Message = { type, to, from, term, logTerm, index, entries, commit, reject, rejectHint, context }
  if (snapshot !== undefined) m.snapshot = snapshot
  return m
}

// ---- ConfChange / ConfChangeV2 ----

export function encodeConfChange (c: ConfChange): Uint8Array {
  const w = new Writer(2 + 1 + 16 + 4 + c.context.length)
  w.header(CodecKind.ConfChange)
  w.u8(c.type)
  w.id(c.nodeID)
  w.id(c.id)
  w.bytes(c.context)
  return w.finish()
}

export function decodeConfChange (b: Uint8Array): ConfChange {
  const r = new Reader(b)
  r.header(CodecKind.ConfChange)
  const type = enumByte<ConfChangeType>(r.u8(), 3, 'conf change type')
  const nodeID = r.id()
  const id = r.id()
  const context = r.bytes()
  r.end()
  return { type, nodeID, context, id }
}

export function encodeConfChangeV2 (c: ConfChangeV2): Uint8Array {
  const w = new Writer(2 + 1 + 4 + 9 * c.changes.length + 4 + c.context.length)
  w.header(CodecKind.ConfChangeV2)
  w.u8(c.transition)
  w.u32(c.changes.length)
  for (const ch of c.changes) {
    w.u8(ch.type)
    w.id(ch.nodeID)
  }
  w.bytes(c.context)
  return w.finish()
}

export function decodeConfChangeV2 (b: Uint8Array): ConfChangeV2 {
  const r = new Reader(b)
  r.header(CodecKind.ConfChangeV2)
  const transition = enumByte<ConfChangeTransition>(r.u8(), 2, 'conf change transition')
  const n = r.u32()
  if (n * 9 > r.buf.length) throw new CodecError('change count exceeds data')
  const changes: ConfChangeSingle[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const type = enumByte<ConfChangeType>(r.u8(), 3, 'conf change type')
    changes[i] = { type, nodeID: r.id() }
  }
  const context = r.bytes()
  r.end()
  return { transition, changes, context }
}
