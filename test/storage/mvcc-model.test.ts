// Model-based property test: random sequences of put / delete / range / txn / compact / restart,
// with several requests per apply batch, run against the real store (LMDB, index, src/server/txn)
// and against the tiny model of mvcc-model.ts. Every answer, every error code, the history at
// every readable revision and the watch events must agree exactly. Runs are bounded.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CompareTarget, type Compare, type RequestOp, type ResponseOp } from '../../src/api/etcdserverpb/kv.js'
import { EventType, type KeyValue } from '../../src/api/mvccpb/kv.js'
import { isCodedError } from '../../src/pkg/coded-error.js'
import { checkPutRequest, checkTxn, deleteRange, put, range, txn } from '../../src/server/txn/index.js'
import { openBackend, type Backend } from '../../src/storage/backend/index.js'
import { WatchableStore, type WatchStream } from '../../src/storage/mvcc/index.js'
import { b, dbPath, s, tempDir } from './mvcc-helper.js'
import { inRange, Model, type MKV, type ModelTxn } from './mvcc-model.js'
import { readUntil } from './watch-helper.js'

const RUNS = Number(process.env.MVCC_MODEL_RUNS ?? 30)
const SEED = Number(process.env.MVCC_MODEL_SEED ?? 20261124)

const keyArb = fc.constantFrom('a', 'ab', 'b', 'c', 'd')
const endArb = fc.option(fc.constantFrom('\0', 'b', 'c', 'e', 'a'), { nil: undefined })
const valueArb = fc.constantFrom('', 'x', 'y', 'zz')
const leaseArb = fc.constantFrom(0n, 0n, 1n, 2n)

type PutOp = { t: 'put', key: string, value: string, lease: bigint, prevKv: boolean, ignoreValue: boolean, ignoreLease: boolean }
type DelOp = { t: 'del', key: string, end: string | undefined, prevKv: boolean }
type RevBase = 'abs' | 'cur' | 'cmp'
type RangeOp = { t: 'range', key: string, end: string | undefined, rev: bigint, base: RevBase, limit: bigint, order: number, target: number, countOnly: boolean }
type CmpSpec = { key: string, target: number, result: number, num: bigint, value: string }
type LeafOp = PutOp | DelOp | RangeOp
type TxnOp = { t: 'txn', cmps: CmpSpec[], success: Array<LeafOp | TxnOp>, failure: Array<LeafOp | TxnOp> }
type Op = PutOp | DelOp | RangeOp | TxnOp | { t: 'compact', rev: bigint, base: RevBase } | { t: 'restart' } | { t: 'batch', ops: Array<PutOp | DelOp | TxnOp> }

const putArb = fc.record({ t: fc.constant('put' as const), key: keyArb, value: valueArb, lease: leaseArb, prevKv: fc.boolean(), ignoreValue: fc.boolean(), ignoreLease: fc.boolean() })
  .map((p) => ({ ...p, ignoreValue: p.ignoreValue && p.value === '', ignoreLease: p.ignoreLease && p.lease === 0n }))
const delArb = fc.record({ t: fc.constant('del' as const), key: keyArb, end: endArb, prevKv: fc.boolean() })
const rangeArb = (revs: boolean): fc.Arbitrary<RangeOp> => fc.record({
  t: fc.constant('range' as const),
  key: keyArb,
  end: endArb,
  rev: revs ? fc.bigInt(-1n, 25n) : fc.constant(0n),
  base: revs ? fc.constantFrom<RevBase>('abs', 'cur', 'cmp', 'cmp') : fc.constant<RevBase>('abs'),
  limit: fc.bigInt(0n, 3n),
  order: fc.integer({ min: 0, max: 2 }),
  target: fc.integer({ min: 0, max: 4 }),
  countOnly: fc.boolean()
})
const cmpArb = fc.record({ key: keyArb, target: fc.integer({ min: 0, max: 4 }), result: fc.integer({ min: 0, max: 3 }), num: fc.bigInt(0n, 6n), value: valueArb })
const leafArb = fc.oneof(putArb, delArb, rangeArb(false))
const nestedArb: fc.Arbitrary<TxnOp> = fc.record({
  t: fc.constant('txn' as const),
  cmps: fc.array(cmpArb, { maxLength: 2 }),
  success: fc.array(leafArb, { maxLength: 2 }),
  failure: fc.array(leafArb, { maxLength: 2 })
})
const opOrNested = fc.oneof({ weight: 5, arbitrary: leafArb }, { weight: 1, arbitrary: nestedArb })
const txnArb: fc.Arbitrary<TxnOp> = fc.record({
  t: fc.constant('txn' as const),
  cmps: fc.array(cmpArb, { maxLength: 2 }),
  success: fc.array(opOrNested, { maxLength: 3 }),
  failure: fc.array(opOrNested, { maxLength: 3 })
})
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: putArb },
  { weight: 2, arbitrary: delArb },
  { weight: 5, arbitrary: rangeArb(true) },
  { weight: 3, arbitrary: txnArb },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('compact' as const), rev: fc.bigInt(-1n, 25n), base: fc.constantFrom<RevBase>('cur', 'cur', 'cmp', 'abs') }) },
  { weight: 1, arbitrary: fc.constant({ t: 'restart' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('batch' as const), ops: fc.array(fc.oneof(putArb, delArb, txnArb), { minLength: 1, maxLength: 4 }) }) }
)

const kvView = (kv: KeyValue): string => `${s(kv.key)}|${kv.createRevision}|${kv.modRevision}|${kv.version}|${s(kv.value)}|${kv.lease}`
const mView = (kv: MKV): string => `${kv.key}|${kv.create}|${kv.mod}|${kv.version}|${kv.value}|${kv.lease}`
const codeOf = (err: unknown): string => { if (isCodedError(err)) return err.code; throw err }

function putReq (p: PutOp): RequestOp & { requestPut: object } {
  return { requestPut: { key: b(p.key), value: b(p.value), lease: p.lease, prevKv: p.prevKv, ignoreValue: p.ignoreValue, ignoreLease: p.ignoreLease } }
}
function delReq (d: DelOp): RequestOp & { requestDeleteRange: object } {
  return { requestDeleteRange: { key: b(d.key), ...(d.end !== undefined ? { rangeEnd: b(d.end) } : {}), prevKv: d.prevKv } }
}
/**
 * Revisions are drawn absolute, relative to the current revision (the next (future) one down to three
 * below) or around the compaction revision (one below to two above), so the edges get hit.
 */
function resolveRev (m: Model, rev: bigint, base: RevBase): bigint {
  const small = ((rev % 4n) + 4n) % 4n
  if (base === 'cur') return m.rev - small + 1n
  if (base === 'cmp') return m.compactRev + small - 1n
  return rev
}

function rangeReq (r: RangeOp): RequestOp & { requestRange: object } {
  return { requestRange: { key: b(r.key), ...(r.end !== undefined ? { rangeEnd: b(r.end) } : {}), revision: r.rev, limit: r.limit, sortOrder: r.order as 0, sortTarget: r.target as 0, countOnly: r.countOnly } }
}
function toReq (o: LeafOp | TxnOp): RequestOp {
  if (o.t === 'txn') return { requestTxn: txnReq(o) }
  return o.t === 'put' ? putReq(o) : o.t === 'del' ? delReq(o) : rangeReq(o)
}
function txnReq (o: TxnOp): { compare: Compare[], success: RequestOp[], failure: RequestOp[] } {
  return { compare: o.cmps.map(cmpReq), success: o.success.map(toReq), failure: o.failure.map(toReq) }
}
function cmpReq (c: CmpSpec): Compare {
  const targetUnion = [{ version: c.num }, { createRevision: c.num }, { modRevision: c.num }, { value: b(c.value) }, { lease: c.num }][c.target]
  return { key: b(c.key), target: c.target as 0, result: c.result as 0, targetUnion }
}

/** The model's answer to a put inside a model txn: an error code or the response view. */
function modelPut (w: ModelTxn, p: PutOp): string {
  const prev = w.state.get(p.key)
  if ((p.ignoreValue || p.ignoreLease) && prev === undefined) return 'ErrKeyNotFound'
  w.put(p.key, p.ignoreValue ? prev!.value : p.value, p.ignoreLease ? prev!.lease : p.lease)
  return `put@${w.rev()} prev=${p.prevKv && prev !== undefined ? mView(prev) : '-'}`
}
function modelDel (w: ModelTxn, d: DelOp): string {
  const gone = w.del(d.key, d.end)
  return `del ${gone.length}@${w.rev()} prev=${d.prevKv ? gone.map(mView).join(',') : ''}`
}
function modelRangeIn (w: ModelTxn, r: RangeOp): string {
  const m = new Model()
  m.rev = w.rev()
  m.states.set(m.rev, w.state)
  return rangeView(m.range(r.key, r.end, 0n, { limit: r.limit, order: r.order, target: r.target, countOnly: r.countOnly }))
}
function rangeView (r: ReturnType<Model['range']>): string {
  if ('code' in r) return r.code
  return `range@${r.rev} n=${r.count} more=${r.more} ${r.kvs.map(mView).join(',')}`
}
function compareHolds (m: Model, c: CmpSpec): boolean {
  const kvs = [...m.current().values()].filter((kv) => inRange(kv.key, c.key, undefined))
  if (kvs.length === 0 && c.target === CompareTarget.VALUE) return false
  const zero: MKV = { key: '', create: 0n, mod: 0n, version: 0n, value: '', lease: 0n }
  return (kvs.length === 0 ? [zero] : kvs).every((kv) => {
    const a = [kv.version, kv.create, kv.mod, kv.value, kv.lease][c.target]
    const o = [c.num, c.num, c.num, c.value, c.num][c.target]
    const r = a < o ? -1 : a > o ? 1 : 0
    return [r === 0, r > 0, r < 0, r !== 0][c.result] ?? true
  })
}
/** The branch of the txn and of every nested txn on it, all decided on the state before the txn. */
function modelPath (m: Model, t: TxnOp): boolean[] {
  const ok = t.cmps.every((c) => compareHolds(m, c))
  const path = [ok]
  for (const o of ok ? t.success : t.failure) if (o.t === 'txn') path.push(...modelPath(m, o))
  return path
}
/** Visits the ops on the path in execution order; `onTxn` wraps each nested txn's visit. */
function walk (t: TxnOp, path: boolean[], at: { i: number }, leaf: (o: LeafOp) => string, onTxn: (ok: boolean, inner: string[]) => string): string[] {
  const ok = path[at.i++]
  return (ok ? t.success : t.failure).map((o) => o.t === 'txn' ? onTxn(path[at.i], walk(o, path, at, leaf, onTxn)) : leaf(o))
}
function modelTxn (m: Model, t: TxnOp): string {
  const path = modelPath(m, t)
  // the txn checks its puts before writing anything: the key must exist, and must not be
  // deleted by an earlier op of the txn
  const deleted: DelOp[] = []
  let bad = false
  walk(t, path, { i: 0 }, (o) => {
    if (o.t === 'del') deleted.push(o)
    if (o.t === 'put' && (o.ignoreValue || o.ignoreLease) && (!m.current().has(o.key) || deleted.some((d) => inRange(o.key, d.key, d.end)))) bad = true
    return ''
  }, () => '')
  if (bad) return 'ErrKeyNotFound'
  return m.write((w) => {
    const out = walk(t, path, { i: 0 }, (o) => o.t === 'put' ? modelPut(w, o) : o.t === 'del' ? modelDel(w, o) : modelRangeIn(w, o),
      (ok, inner) => `txn ${ok}@0 [${inner.join('; ')}]`)
    return `txn ${path[0]}@${w.rev()} [${out.join('; ')}]`
  })
}

function respView (r: ResponseOp): string {
  if ('responsePut' in r) return `put@${r.responsePut.header.revision} prev=${r.responsePut.prevKv !== undefined ? kvView(r.responsePut.prevKv) : '-'}`
  if ('responseDeleteRange' in r) { const d = r.responseDeleteRange; return `del ${d.deleted}@${d.header.revision} prev=${d.prevKvs.map(kvView).join(',')}` }
  if ('responseRange' in r) { const g = r.responseRange; return `range@${g.header.revision} n=${g.count} more=${g.more} ${g.kvs.map(kvView).join(',')}` }
  if ('responseTxn' in r) { const t = r.responseTxn; return `txn ${t.succeeded}@${t.header.revision ?? 0n} [${t.responses.map(respView).join('; ')}]` }
  return 'empty'
}

class Subject {
  be!: Backend
  kv!: WatchableStore
  ws!: WatchStream
  readonly seen: string[] = []
  constructor (readonly path: string) {}

  async open (fromRev: bigint): Promise<void> {
    this.be = await openBackend({ path: this.path })
    this.kv = new WatchableStore(this.be, { compactionBatchLimit: 3 })
    this.ws = this.kv.newWatchStream(100_000)
    this.ws.watch(b('\0'), b('\0'), fromRev)
  }

  drain (): void {
    for (let r = this.ws.poll(); r !== undefined; r = this.ws.poll()) {
      for (const e of r.events) this.seen.push(`${e.type === EventType.PUT ? 'PUT' : 'DELETE'} ${s(e.kv.key)}@${e.kv.modRevision}=${e.type === EventType.PUT ? s(e.kv.value) : ''}`)
    }
  }

  async close (): Promise<void> {
    this.drain()
    await this.kv.close()
    await this.be.close()
  }

  /** One request inside a batch: the response view or an error code. */
  apply (bt: Parameters<Parameters<WatchableStore['applyBatch']>[0]>[0], o: PutOp | DelOp | TxnOp): string {
    try {
      if (o.t === 'put') {
        checkPutRequest(putReq(o).requestPut)
        const r = bt.withWrite((w) => put(w, putReq(o).requestPut))
        return `put@${r.header.revision} prev=${r.prevKv !== undefined ? kvView(r.prevKv) : '-'}`
      }
      if (o.t === 'del') {
        const d = bt.withWrite((w) => deleteRange(w, delReq(o).requestDeleteRange))
        return `del ${d.deleted}@${d.header.revision} prev=${d.prevKvs.map(kvView).join(',')}`
      }
      const r = bt.withWrite((w) => txn(w, txnReq(o)))
      return `txn ${r.succeeded}@${r.header.revision} [${r.responses.map(respView).join('; ')}]`
    } catch (err) {
      return codeOf(err)
    }
  }
}

function validTxn (o: TxnOp): boolean {
  try {
    checkTxn(txnReq(o))
    return true
  } catch (err) {
    codeOf(err)
    return false
  }
}

function modelApply (m: Model, o: PutOp | DelOp | TxnOp): string {
  if (o.t === 'put') {
    if ((o.ignoreValue || o.ignoreLease) && !m.current().has(o.key)) return 'ErrKeyNotFound'
    return m.write((w) => modelPut(w, o))
  }
  if (o.t === 'del') return m.write((w) => modelDel(w, o))
  return modelTxn(m, o)
}

async function runScenario (ops: Op[]): Promise<void> {
  const dir = tempDir(undefined)
  const subject = new Subject(dbPath(dir))
  const model = new Model()
  await subject.open(0n)
  try {
    for (const [i, op] of ops.entries()) {
      const at = `op ${i} ${JSON.stringify(op, (_k, v) => typeof v === 'bigint' ? `${v}n` : v)}`
      if (op.t === 'range') {
        const rop: RangeOp = { ...op, rev: resolveRev(model, op.rev, op.base), base: 'abs' }
        const req = rangeReq(rop).requestRange
        let got: string
        try {
          const r = range(subject.kv.read(), req)
          got = `range@${r.header.revision} n=${r.count} more=${r.more} ${r.kvs.map(kvView).join(',')}`
        } catch (err) { got = codeOf(err) }
        assert.equal(got, rangeView(model.range(rop.key, rop.end, rop.rev, { limit: rop.limit, order: rop.order, target: rop.target, countOnly: rop.countOnly })), at)
      } else if (op.t === 'compact') {
        const rev = resolveRev(model, op.rev, op.base)
        let got: string | undefined
        try { subject.kv.applyBatch((bt) => bt.compact(rev)).catch(() => {}) } catch (err) { got = codeOf(err) }
        assert.equal(got, model.compact(rev), `${at} at ${rev}`)
      } else if (op.t === 'restart') {
        const hash = subject.kv.hashByRev().hash
        await subject.close()
        await subject.open(model.rev + 1n)
        assert.equal(subject.kv.currentRev, model.rev, at)
        assert.equal(subject.kv.hashByRev().hash, hash, at)
      } else {
        const list = op.t === 'batch' ? op.ops : [op]
        const valid = list.filter((o) => o.t !== 'txn' || validTxn(o))
        const got = subject.kv.applyBatch((bt) => valid.map((o) => subject.apply(bt, o)))
        assert.deepEqual(got, valid.map((o) => modelApply(model, o)), at)
      }
      assert.equal(subject.kv.currentRev, model.rev, at)
      subject.drain()
    }
    // every readable revision holds exactly the model's state
    const first = model.compactRev > 1n ? model.compactRev : 1n
    for (let rev = first; rev <= model.rev; rev++) {
      const r = range(subject.kv.read(), { key: b('\0'), rangeEnd: b('\0'), revision: rev })
      assert.deepEqual(r.kvs.map(kvView), [...model.states.get(rev)!.values()].sort((a, c) => a.key < c.key ? -1 : 1).map(mView), `state at ${rev}`)
    }
    // the live watcher saw exactly the model's events
    subject.drain()
    const logView = model.log.map((e) => `${e.type} ${e.key}@${e.mod}=${e.value}`)
    assert.deepEqual(subject.seen, logView, 'live watch events')
    // a watcher catching up from the oldest complete revision sees the same history
    const from = model.compactRev + 1n > 2n ? model.compactRev + 1n : 2n
    if (from <= model.rev) {
      const ws = subject.kv.newWatchStream(100_000)
      ws.watch(b('\0'), b('\0'), from)
      const want = model.log.filter((e) => e.mod >= from)
      const got = await readUntil(ws, (g) => g.flatMap((r) => r.events).length >= want.length)
      assert.deepEqual(got.flatMap((r) => r.events).map((e) => `${e.type === EventType.PUT ? 'PUT' : 'DELETE'} ${s(e.kv.key)}@${e.kv.modRevision}=${e.type === EventType.PUT ? s(e.kv.value) : ''}`),
        want.map((e) => `${e.type} ${e.key}@${e.mod}=${e.value}`), 'catch-up watch events')
    }
    await subject.kv.compactionsDone()
  } finally {
    await subject.close()
    const { rmSync } = await import('node:fs')
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('mvcc: model-based property test', () => {
  it(`agrees with the model on random histories (${RUNS} runs, seed ${SEED})`, async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 60, size: 'max' }), runScenario), { numRuns: RUNS, seed: SEED, includeErrorInReport: true })
  })
})
