// A tiny, obviously-correct model of etcd's MVCC semantics for the property test: a full copy of
// the key space per revision, and a log of events. No indexes, no encodings, no cleverness.
import { SortOrder, SortTarget } from '../../src/api/etcdserverpb/kv.js'

export interface MKV { key: string, create: bigint, mod: bigint, version: bigint, value: string, lease: bigint }
export interface MEvent { type: 'PUT' | 'DELETE', key: string, mod: bigint, value: string }
export type MState = Map<string, MKV>

/** A range as the request gives it: end undefined = single key, '\0' = from key, else [key, end). */
export function inRange (k: string, key: string, end: string | undefined): boolean {
  if (end === undefined) return k === key
  if (end === '\0') return k >= key
  return k >= key && k < end
}

export class Model {
  rev = 1n
  compactRev = -1n
  readonly states = new Map<bigint, MState>([[1n, new Map()]])
  readonly log: MEvent[] = []

  current (): MState { return this.states.get(this.rev)! }

  /** Range result or an error code. */
  range (key: string, end: string | undefined, rev: bigint, o: { limit?: bigint, order?: number, target?: number, countOnly?: boolean } = {}):
  { code: string } | { kvs: MKV[], count: bigint, more: boolean, rev: bigint } {
    if (rev > this.rev) return { code: 'ErrFutureRev' }
    const at = rev <= 0n ? this.rev : rev
    if (at < this.compactRev) return { code: 'ErrCompacted' }
    const all = [...this.states.get(at)!.values()].filter((kv) => inRange(kv.key, key, end)).sort((a, b) => a.key < b.key ? -1 : 1)
    if (o.countOnly === true) return { kvs: [], count: BigInt(all.length), more: false, rev: this.rev }
    let kvs = all
    const target = o.target ?? SortTarget.KEY
    let order = o.order ?? SortOrder.NONE
    if (target !== SortTarget.KEY && order === SortOrder.NONE) order = SortOrder.ASCEND
    const field = (kv: MKV): string | bigint => [kv.key, kv.version, kv.create, kv.mod, kv.value][target]
    const cmp = (a: MKV, b: MKV): number => field(a) < field(b) ? -1 : field(a) > field(b) ? 1 : 0
    if (order === SortOrder.ASCEND) kvs = [...kvs].sort(cmp)
    if (order === SortOrder.DESCEND) kvs = [...kvs].sort((a, b) => cmp(b, a))
    const limit = o.limit ?? 0n
    const more = limit > 0n && BigInt(kvs.length) > limit
    if (more) kvs = kvs.slice(0, Number(limit))
    return { kvs, count: BigInt(all.length), more, rev: this.rev }
  }

  /** Runs `fn` as one write txn over a copy of the state; commits a revision if it changed anything. */
  write<T> (fn: (w: ModelTxn) => T): T {
    const w = new ModelTxn(new Map(this.current()), this.rev + 1n)
    const r = fn(w)
    if (w.events.length > 0) {
      this.rev++
      this.states.set(this.rev, w.state)
      this.log.push(...w.events)
    }
    return r
  }

  compact (rev: bigint): string | undefined {
    if (rev <= this.compactRev) return 'ErrCompacted'
    if (rev > this.rev) return 'ErrFutureRev'
    this.compactRev = rev
    return undefined
  }
}

export class ModelTxn {
  readonly events: MEvent[] = []
  constructor (readonly state: MState, readonly nextRev: bigint) {}

  /** The revision a read in this txn reports. */
  rev (): bigint { return this.events.length > 0 ? this.nextRev : this.nextRev - 1n }

  put (key: string, value: string, lease: bigint): MKV | undefined {
    const prev = this.state.get(key)
    this.state.set(key, { key, create: prev?.create ?? this.nextRev, mod: this.nextRev, version: (prev?.version ?? 0n) + 1n, value, lease })
    this.events.push({ type: 'PUT', key, mod: this.nextRev, value })
    return prev
  }

  del (key: string, end: string | undefined): MKV[] {
    const gone = [...this.state.values()].filter((kv) => inRange(kv.key, key, end)).sort((a, b) => a.key < b.key ? -1 : 1)
    for (const kv of gone) {
      this.state.delete(kv.key)
      this.events.push({ type: 'DELETE', key: kv.key, mod: this.nextRev, value: '' })
    }
    return gone
  }
}
