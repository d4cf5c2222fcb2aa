import type { Event, KeyValue } from '../../api/mvccpb/kv.js'

// Fragmenting of large watch responses (etcd's v3rpc sendFragments), with the protobuf size of a
// WatchResponse computed exactly as etcd's wr.Size() does, so the split points match etcd's.

function varintSize (v: bigint): number {
  if (v < 0n) return 10 // negative int64 values are sign-extended to 10 bytes
  let n = 1
  while (v >= 0x80n) { v >>= 7n; n++ }
  return n
}

function intField (v: bigint): number {
  return v === 0n ? 0 : 1 + varintSize(v)
}

function bytesField (len: number): number {
  return len === 0 ? 0 : 1 + varintSize(BigInt(len)) + len
}

function msgField (size: number): number {
  return 1 + varintSize(BigInt(size)) + size
}

/** Protobuf size of a mvccpb.KeyValue. */
export function keyValueSize (kv: KeyValue): number {
  return bytesField(kv.key.length) + intField(kv.createRevision) + intField(kv.modRevision) +
    intField(kv.version) + bytesField(kv.value.length) + intField(kv.lease)
}

/** Protobuf size of a mvccpb.Event. */
export function eventSize (ev: Event): number {
  return intField(BigInt(ev.type)) + msgField(keyValueSize(ev.kv)) + (ev.prevKv !== undefined ? msgField(keyValueSize(ev.prevKv)) : 0)
}

/** The fields of an etcdserverpb.WatchResponse that count towards its size. */
export interface WatchResponseShape {
  header?: { clusterId: bigint, memberId: bigint, revision?: bigint, raftTerm: bigint }
  watchId: bigint
  created?: boolean
  canceled?: boolean
  compactRevision?: bigint
  cancelReason?: string
  fragment?: boolean
  events: Event[]
}

/** Protobuf size of an etcdserverpb.WatchResponse. */
export function watchResponseSize (r: WatchResponseShape): number {
  let n = 0
  if (r.header !== undefined) {
    const h = r.header
    n += msgField(intField(h.clusterId) + intField(h.memberId) + intField(h.revision ?? 0n) + intField(h.raftTerm))
  }
  n += intField(r.watchId)
  if (r.created === true) n += 2
  if (r.canceled === true) n += 2
  n += intField(r.compactRevision ?? 0n)
  if (r.cancelReason !== undefined && r.cancelReason.length > 0) n += bytesField(Buffer.byteLength(r.cancelReason))
  if (r.fragment === true) n += 2
  for (const ev of r.events) n += msgField(eventSize(ev))
  return n
}

/**
 * etcd's sendFragments: a response of at least `maxBytes` with two or more events is split into
 * parts below `maxBytes` (each holding at least one event); every part but the last carries
 * `fragment: true`. Otherwise the response is returned as the only part.
 */
export function fragmentWatchResponse<T extends WatchResponseShape> (r: T, maxBytes: number): Array<T & { fragment?: boolean }> {
  if (watchResponseSize(r) < maxBytes || r.events.length < 2) return [r]
  const parts: Array<T & { fragment?: boolean }> = []
  let idx = 0
  for (;;) {
    const cur: T & { fragment?: boolean } = { ...r, events: [], fragment: true }
    let size = watchResponseSize(cur)
    while (idx < r.events.length) {
      const evSize = msgField(eventSize(r.events[idx]))
      if (cur.events.length > 0 && size + evSize >= maxBytes) break
      cur.events.push(r.events[idx])
      size += evSize
      idx++
    }
    if (idx === r.events.length) cur.fragment = false
    parts.push(cur)
    if (cur.fragment !== true) return parts
  }
}
