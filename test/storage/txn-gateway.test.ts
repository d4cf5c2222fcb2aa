// The KV conformance cases of spec/gateway-api.md §11 (48–81), at the level of the typed
// requests: the JSON codec is not involved, the results and error codes/messages are.
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { CompareResult, CompareTarget, SortOrder, SortTarget, type RequestOp } from '../../src/api/etcdserverpb/kv.js'
import type { KeyValue } from '../../src/api/mvccpb/kv.js'
import { isTxnReadonly, isTxnSerializable } from '../../src/server/txn/index.js'
import { b, newStore, s } from './mvcc-helper.js'
import { Harness } from './txn-harness.js'

async function harness (t: TestContext, leases: bigint[] = []): Promise<Harness> {
  const { kv } = await newStore(t)
  return new Harness(kv, { leaseExists: (id) => leases.includes(id) })
}

const view = (kv: KeyValue): unknown[] => [s(kv.key), kv.createRevision, kv.modRevision, kv.version, s(kv.value), kv.lease]

/** key1..key3 at revisions 2..4, then key2 again at 5 and key2 at 6 (so key2's mod revision is 6). */
function threeKeys (h: Harness): void {
  for (const k of ['key1', 'key2', 'key3', 'key2', 'key2']) h.put({ key: b(k), value: b('v') })
}

describe('txn: range (cases 49, 53–57, 60–64)', () => {
  const cases: Array<{ name: string, req: Parameters<Harness['range']>[0], keys: string[], count: bigint, more?: boolean, noValues?: boolean }> = [
    { name: '49 missing key', req: { key: b('none') }, keys: [], count: 0n },
    { name: '53 [key, kez)', req: { key: b('key'), rangeEnd: b('kez') }, keys: ['key1', 'key2', 'key3'], count: 3n },
    { name: '54 limit 1', req: { key: b('key'), rangeEnd: b('kez'), limit: 1n }, keys: ['key1'], count: 3n, more: true },
    { name: 'limit equal to the count', req: { key: b('key'), rangeEnd: b('kez'), limit: 3n }, keys: ['key1', 'key2', 'key3'], count: 3n },
    { name: '55 DESCEND by KEY, keys_only', req: { key: b('key'), rangeEnd: b('kez'), sortOrder: SortOrder.DESCEND, sortTarget: SortTarget.KEY, keysOnly: true }, keys: ['key3', 'key2', 'key1'], count: 3n, noValues: true },
    { name: '56 count_only with sort', req: { key: b('key'), rangeEnd: b('kez'), sortOrder: SortOrder.DESCEND, countOnly: true }, keys: [], count: 3n },
    { name: 'count_only with limit keeps the full count', req: { key: b('key'), rangeEnd: b('kez'), limit: 1n, countOnly: true }, keys: [], count: 3n },
    { name: '57 \\0..\\0 = every key', req: { key: b('\0'), rangeEnd: b('\0') }, keys: ['a', 'key1', 'key2', 'key3'], count: 4n },
    { name: 'key..\\0 = every key >= key', req: { key: b('key2'), rangeEnd: b('\0') }, keys: ['key2', 'key3'], count: 2n },
    { name: '60 min/max mod revision filter, count before filtering', req: { key: b('key'), rangeEnd: b('kez'), minModRevision: 6n, maxModRevision: 6n }, keys: ['key2'], count: 3n },
    { name: 'min/max create revision filter', req: { key: b('key'), rangeEnd: b('kez'), minCreateRevision: 3n, maxCreateRevision: 4n }, keys: ['key2', 'key3'], count: 3n },
    { name: '62 unknown sort order: unsorted', req: { key: b('key'), rangeEnd: b('kez'), sortOrder: 7 as SortOrder }, keys: ['key1', 'key2', 'key3'], count: 3n },
    { name: 'sort target MOD without order sorts ascending', req: { key: b('key'), rangeEnd: b('kez'), sortTarget: SortTarget.MOD }, keys: ['key1', 'key3', 'key2'], count: 3n },
    { name: 'sort by VERSION descending, then limit', req: { key: b('key'), rangeEnd: b('kez'), sortOrder: SortOrder.DESCEND, sortTarget: SortTarget.VERSION, limit: 1n }, keys: ['key2'], count: 3n, more: true },
    { name: 'sort by CREATE descending', req: { key: b('key'), rangeEnd: b('kez'), sortOrder: SortOrder.DESCEND, sortTarget: SortTarget.CREATE }, keys: ['key3', 'key2', 'key1'], count: 3n },
    { name: 'sort by VALUE ascending (ties stay in key order)', req: { key: b('\0'), rangeEnd: b('\0'), sortTarget: SortTarget.VALUE }, keys: ['key1', 'key2', 'key3', 'a'], count: 4n },
    { name: '63 range_end before key: empty', req: { key: b('b'), rangeEnd: b('a') }, keys: [], count: 0n },
    { name: '64 most recently modified key', req: { key: b('\0'), rangeEnd: b('\0'), limit: 1n, sortOrder: SortOrder.DESCEND, sortTarget: SortTarget.MOD }, keys: ['a'], count: 4n, more: true },
    { name: 'at an old revision', req: { key: b('\0'), rangeEnd: b('\0'), revision: 3n }, keys: ['key1', 'key2'], count: 2n }
  ]
  for (const c of cases) {
    it(c.name, async (t) => {
      const h = await harness(t)
      threeKeys(h)
      h.put({ key: b('a'), value: b('w') })
      const r = h.range(c.req)
      assert.deepEqual(r.kvs.map((kv) => s(kv.key)), c.keys)
      assert.equal(r.count, c.count)
      assert.equal(r.more, c.more ?? false)
      assert.equal(r.header.revision, 7n)
      if (c.noValues === true) assert.ok(r.kvs.every((kv) => kv.value.length === 0))
    })
  }

  it('61 a future revision fails, a compacted one too', async (t) => {
    const h = await harness(t)
    threeKeys(h)
    assert.throws(() => h.range({ key: b('key'), rangeEnd: b('kez'), revision: 100n }), { code: 'ErrFutureRev', message: 'mvcc: required revision is a future revision' })
    await h.kv.applyBatch((bt) => bt.compact(4n))
    assert.throws(() => h.range({ key: b('key'), revision: 3n }), { code: 'ErrCompacted', message: 'mvcc: required revision has been compacted' })
    assert.equal(h.range({ key: b('key1'), revision: 4n }).kvs.length, 1)
  })

  it('50 an empty key is refused', async (t) => {
    const h = await harness(t)
    for (const f of [() => h.range({}), () => h.put({ value: b('x') }), () => h.deleteRange({}), () => h.range({ key: new Uint8Array(0) })]) {
      assert.throws(f, { code: 'ErrGRPCEmptyKey', message: 'etcdserver: key is not provided' })
    }
  })
})

describe('txn: put and delete (cases 48, 59, 67–71)', () => {
  it('48 prev_kv returns the previous KeyValue', async (t) => {
    const h = await harness(t)
    h.put({ key: b('foo'), value: b('bar') })
    const r = h.put({ key: b('foo'), value: b('baz'), prevKv: true })
    assert.equal(r.header.revision, 3n)
    assert.deepEqual(view(r.prevKv!), ['foo', 2n, 2n, 1n, 'bar', 0n])
    assert.equal(h.put({ key: b('new'), value: b('x'), prevKv: true }).prevKv, undefined)
  })

  it('59 an empty value is stored as empty', async (t) => {
    const h = await harness(t)
    h.put({ key: Buffer.from([0xfb, 0xff]), value: new Uint8Array(0) })
    const r = h.range({ key: Buffer.from([0xfb, 0xff]) })
    assert.equal(r.kvs[0].value.length, 0)
  })

  it('67–69 ignore_value and ignore_lease', async (t) => {
    const h = await harness(t, [3000n, 5n])
    assert.throws(() => h.put({ key: b('ig'), ignoreValue: true }), { code: 'ErrKeyNotFound', message: 'etcdserver: key not found' })
    assert.throws(() => h.put({ key: b('ig'), ignoreLease: true }), { code: 'ErrKeyNotFound' })
    assert.equal(h.kv.currentRev, 1n, 'a failed put writes nothing')
    h.put({ key: b('ig'), value: b('1') })
    const r1 = h.put({ key: b('ig'), ignoreValue: true, lease: 3000n, prevKv: true })
    assert.equal(s(r1.prevKv!.value), '1')
    const r2 = h.put({ key: b('ig'), value: b('2'), ignoreLease: true, prevKv: true })
    assert.equal(r2.prevKv!.lease, 3000n)
    assert.deepEqual(view(h.range({ key: b('ig') }).kvs[0]), ['ig', 2n, 4n, 3n, '2', 3000n])
    assert.throws(() => h.put({ key: b('ig'), value: b('2'), ignoreValue: true }), { code: 'ErrGRPCValueProvided', message: 'etcdserver: value is provided' })
    assert.throws(() => h.put({ key: b('ig'), ignoreLease: true, lease: 5n }), { code: 'ErrGRPCLeaseProvided', message: 'etcdserver: lease is provided' })
  })

  it('an unknown lease is refused before anything is written', async (t) => {
    const h = await harness(t, [1n])
    assert.throws(() => h.put({ key: b('k'), value: b('v'), lease: 2n }), { code: 'ErrLeaseNotFound' })
    assert.equal(h.kv.currentRev, 1n)
    assert.equal(h.put({ key: b('k'), value: b('v'), lease: 1n }).header.revision, 2n)
  })

  it('70 delete with prev_kv; deleting again changes nothing', async (t) => {
    const h = await harness(t)
    h.put({ key: b('ig'), value: b('1') })
    const r = h.deleteRange({ key: b('ig'), prevKv: true })
    assert.equal(r.deleted, 1n)
    assert.equal(r.header.revision, 3n)
    assert.deepEqual(r.prevKvs.map(view), [['ig', 2n, 2n, 1n, '1', 0n]])
    const again = h.deleteRange({ key: b('ig'), prevKv: true })
    assert.equal(again.deleted, 0n)
    assert.deepEqual(again.prevKvs, [])
    assert.equal(again.header.revision, 3n)
  })

  it('63/71 delete ranges: end before key deletes nothing, key..\\0 deletes all in one revision', async (t) => {
    const h = await harness(t)
    threeKeys(h)
    h.put({ key: b('a'), value: b('w') })
    assert.equal(h.deleteRange({ key: b('b'), rangeEnd: b('a') }).header.revision, 7n)
    const r = h.deleteRange({ key: b('key'), rangeEnd: b('\0') })
    assert.equal(r.deleted, 3n)
    assert.equal(r.header.revision, 8n)
    assert.deepEqual(h.range({ key: b('\0'), rangeEnd: b('\0') }).kvs.map((kv) => s(kv.key)), ['a'])
  })
})

const putOp = (k: string, v = 'v'): RequestOp => ({ requestPut: { key: b(k), value: b(v) } })
const delOp = (k: string, end?: string): RequestOp => ({ requestDeleteRange: { key: b(k), ...(end !== undefined ? { rangeEnd: b(end) } : {}) } })
const rangeOp = (k: string): RequestOp => ({ requestRange: { key: b(k) } })

describe('txn: txn (cases 5, 6, 72–79)', () => {
  it('72/73 create-revision compare: success once, then failure branch with a range', async (t) => {
    const h = await harness(t)
    const cmp = [{ result: CompareResult.EQUAL, target: CompareTarget.CREATE, key: b('txn'), targetUnion: { createRevision: 0n } }]
    const r1 = h.txn({ compare: cmp, success: [putOp('txn', 'bar')] })
    assert.equal(r1.succeeded, true)
    assert.equal(r1.header.revision, 2n)
    assert.ok('responsePut' in r1.responses[0])
    assert.equal(r1.responses[0].responsePut.header.revision, 2n)
    const r2 = h.txn({ compare: cmp, success: [putOp('txn', 'bar')], failure: [rangeOp('txn')] })
    assert.equal(r2.succeeded, false)
    assert.equal(r2.header.revision, 2n)
    assert.ok('responseRange' in r2.responses[0])
    assert.equal(r2.responses[0].responseRange.header.revision, 2n)
    assert.equal(r2.responses[0].responseRange.count, 1n)
    assert.deepEqual(r2.responses[0].responseRange.kvs.map(view), [['txn', 2n, 2n, 1n, 'bar', 0n]])
  })

  it('74 an empty txn succeeds with no responses', async (t) => {
    const h = await harness(t)
    const r = h.txn({})
    assert.equal(r.succeeded, true)
    assert.deepEqual(r.responses, [])
    assert.equal(r.header.revision, 1n)
  })

  it('75 delete then nested txn: nested header is empty, inner range sees the delete', async (t) => {
    const h = await harness(t)
    h.put({ key: b('txn'), value: b('bar') })
    const r = h.txn({
      compare: [{ target: CompareTarget.VALUE, key: b('txn'), targetUnion: { value: b('bar') } }],
      success: [{ requestDeleteRange: { key: b('txn'), prevKv: true } }, { requestTxn: { success: [rangeOp('txn')] } }]
    })
    assert.equal(r.succeeded, true)
    assert.equal(r.header.revision, 3n)
    assert.ok('responseDeleteRange' in r.responses[0])
    assert.equal(r.responses[0].responseDeleteRange.deleted, 1n)
    assert.equal(r.responses[0].responseDeleteRange.prevKvs.length, 1)
    assert.ok('responseTxn' in r.responses[1])
    const nested = r.responses[1].responseTxn
    assert.equal(nested.header.revision, 0n)
    assert.equal(nested.succeeded, true)
    assert.ok('responseRange' in nested.responses[0])
    assert.equal(nested.responses[0].responseRange.header.revision, 3n)
    assert.deepEqual(nested.responses[0].responseRange.kvs, [])
  })

  const compareCases: Array<{ name: string, cmp: Parameters<Harness['txn']>[0]['compare'], ok: boolean }> = [
    { name: '76 VALUE NOT_EQUAL on a missing key is false', cmp: [{ result: CompareResult.NOT_EQUAL, target: CompareTarget.VALUE, key: b('missing'), targetUnion: { value: b('x') } }], ok: false },
    { name: '76 MOD LESS 1 on a missing key is true', cmp: [{ result: CompareResult.LESS, target: CompareTarget.MOD, key: b('missing'), targetUnion: { modRevision: 1n } }], ok: true },
    { name: 'VERSION with no operand compares with 0', cmp: [{ target: CompareTarget.VERSION, key: b('k1') }], ok: false },
    { name: 'an operand of another alternative counts as 0', cmp: [{ result: CompareResult.GREATER, target: CompareTarget.VERSION, key: b('k1'), targetUnion: { createRevision: 100n } }], ok: true },
    { name: 'VALUE EQUAL', cmp: [{ target: CompareTarget.VALUE, key: b('k1'), targetUnion: { value: b('v1') } }], ok: true },
    { name: 'VALUE GREATER bytewise', cmp: [{ result: CompareResult.GREATER, target: CompareTarget.VALUE, key: b('k1'), targetUnion: { value: b('v0') } }], ok: true },
    { name: 'LEASE EQUAL', cmp: [{ target: CompareTarget.LEASE, key: b('k2'), targetUnion: { lease: 9n } }], ok: true },
    { name: 'CREATE GREATER', cmp: [{ result: CompareResult.GREATER, target: CompareTarget.CREATE, key: b('k2'), targetUnion: { createRevision: 2n } }], ok: true },
    { name: 'range_end: every key must hold', cmp: [{ result: CompareResult.EQUAL, target: CompareTarget.VERSION, key: b('k'), rangeEnd: b('l'), targetUnion: { version: 1n } }], ok: false },
    { name: 'range_end: all keys hold', cmp: [{ result: CompareResult.GREATER, target: CompareTarget.MOD, key: b('k'), rangeEnd: b('l'), targetUnion: { modRevision: 1n } }], ok: true },
    { name: 'range_end over an empty range acts like a missing key', cmp: [{ result: CompareResult.EQUAL, target: CompareTarget.VERSION, key: b('x'), rangeEnd: b('y'), targetUnion: { version: 0n } }], ok: true },
    { name: 'unknown result enum compares true', cmp: [{ result: 9 as CompareResult, target: CompareTarget.VERSION, key: b('k1'), targetUnion: { version: 77n } }], ok: true },
    { name: 'all compares must hold', cmp: [{ target: CompareTarget.VALUE, key: b('k1'), targetUnion: { value: b('v1') } }, { target: CompareTarget.VALUE, key: b('k2'), targetUnion: { value: b('v1') } }], ok: false }
  ]
  for (const c of compareCases) {
    it(c.name, async (t) => {
      const h = await harness(t, [9n])
      h.put({ key: b('k1'), value: b('v1') }) // 2
      h.put({ key: b('k2'), value: b('v2'), lease: 9n }) // 3
      h.put({ key: b('k2'), value: b('v2'), lease: 9n }) // 4
      const r = h.txn({ compare: c.cmp, success: [rangeOp('k1')], failure: [] })
      assert.equal(r.succeeded, c.ok)
      assert.equal(r.responses.length, c.ok ? 1 : 0)
    })
  }

  it('nested compares see the state before the txn', async (t) => {
    const h = await harness(t)
    const r = h.txn({
      success: [putOp('n', '1'), {
        requestTxn: { compare: [{ target: CompareTarget.VERSION, key: b('n'), targetUnion: { version: 0n } }], success: [putOp('yes')], failure: [putOp('no')] }
      }]
    })
    assert.ok('responseTxn' in r.responses[1])
    assert.equal(r.responses[1].responseTxn.succeeded, true)
    assert.deepEqual(h.range({ key: b('\0'), rangeEnd: b('\0') }).kvs.map((kv) => [s(kv.key), kv.modRevision]), [['n', 2n], ['yes', 2n]])
  })

  it('77 duplicate keys: put twice or put inside a deleted range fail; branches and double deletes are fine', async (t) => {
    const h = await harness(t)
    const dup = { code: 'ErrGRPCDuplicateKey', message: 'etcdserver: duplicate key given in txn request' }
    assert.throws(() => h.txn({ success: [putOp('t1'), putOp('t1')] }), dup)
    assert.throws(() => h.txn({ success: [putOp('t1'), delOp('t', 'u')] }), dup)
    assert.throws(() => h.txn({ success: [delOp('t1'), putOp('t1')] }), dup)
    assert.throws(() => h.txn({ success: [putOp('t1'), { requestTxn: { success: [putOp('t1')] } }] }), dup)
    assert.throws(() => h.txn({ success: [delOp('t', 'u'), { requestTxn: { failure: [putOp('t1')] } }] }), dup)
    assert.equal(h.kv.currentRev, 1n)
    assert.equal(h.txn({ success: [putOp('t1')], failure: [putOp('t1')] }).succeeded, true)
    assert.equal(h.txn({ success: [{ requestTxn: { success: [putOp('t2')], failure: [putOp('t2')] } }] }).succeeded, true)
    const r = h.txn({ success: [delOp('t1'), delOp('t1')] })
    assert.ok('responseDeleteRange' in r.responses[0] && 'responseDeleteRange' in r.responses[1])
    assert.equal(r.responses[0].responseDeleteRange.deleted, 1n)
    assert.equal(r.responses[1].responseDeleteRange.deleted, 0n)
    assert.equal(r.responses[1].responseDeleteRange.header.revision, 4n)
    // etcd builds [key, "\0") from raw bytes: a from-key delete never conflicts with a put
    assert.equal(h.txn({ success: [putOp('z1'), delOp('z', '\0')] }).succeeded, true)
  })

  it('78 at most max-txn-ops per list', async (t) => {
    const h = await harness(t)
    const ops = (n: number): RequestOp[] => Array.from({ length: n }, (_, i) => putOp(`k${i}`))
    assert.throws(() => h.txn({ success: ops(129) }), { code: 'ErrGRPCTooManyOps', message: 'etcdserver: too many operations in txn request' })
    const r = h.txn({ success: ops(128) })
    assert.equal(r.responses.length, 128)
    assert.equal(r.header.revision, 2n)
    assert.equal(h.range({ key: b('k'), rangeEnd: b('l'), countOnly: true }).count, 128n)
  })

  it('79/6 empty keys and empty ops are refused', async (t) => {
    const h = await harness(t)
    assert.throws(() => h.txn({ success: [{ requestRange: {} }] }), { code: 'ErrGRPCEmptyKey' })
    assert.throws(() => h.txn({ compare: [{ target: CompareTarget.VALUE, targetUnion: { value: b('x') } }] }), { code: 'ErrGRPCEmptyKey' })
    assert.throws(() => h.txn({ compare: [{ target: CompareTarget.CREATE, key: b('foo') }], success: [{} as RequestOp] }), { message: 'etcdserver: key not found' })
    assert.throws(() => h.txn({ success: [{ requestTxn: { success: [{ requestPut: { key: b('a'), value: b('x'), ignoreValue: true } }] } }] }), { code: 'ErrGRPCValueProvided' })
  })

  it('checks puts and ranges of the chosen path before writing anything', async (t) => {
    const h = await harness(t, [1n])
    assert.throws(() => h.txn({ success: [putOp('a'), { requestPut: { key: b('b'), ignoreValue: true } }] }), { code: 'ErrKeyNotFound' })
    assert.throws(() => h.txn({ success: [putOp('a'), { requestPut: { key: b('b'), value: b('x'), lease: 2n } }] }), { code: 'ErrLeaseNotFound' })
    assert.throws(() => h.txn({ success: [putOp('a'), { requestRange: { key: b('a'), revision: 5n } }] }), { code: 'ErrFutureRev' })
    assert.equal(h.kv.currentRev, 1n)
    // the same problems on the branch not taken do not matter
    assert.equal(h.txn({ compare: [{ target: CompareTarget.VERSION, key: b('a'), targetUnion: { version: 5n } }], success: [{ requestPut: { key: b('b'), ignoreValue: true } }], failure: [putOp('a')] }).succeeded, false)
    assert.equal(h.kv.currentRev, 2n)
  })

  it('refuses, whole, a put with ignore_lease after a from-key delete of its key (etcd would panic half-way)', async (t) => {
    const h = await harness(t)
    h.put({ key: b('b'), value: b('1') })
    assert.throws(() => h.txn({ success: [delOp('a', '\0'), { requestPut: { key: b('b'), ignoreLease: true } }] }), { code: 'ErrKeyNotFound' })
    assert.equal(h.kv.currentRev, 2n)
    assert.equal(h.range({ key: b('b') }).count, 1n)
    // the other order is fine: the put sees the key, then the delete removes it
    const r = h.txn({ success: [{ requestPut: { key: b('b'), ignoreLease: true } }, delOp('a', '\0')] })
    assert.equal(r.header.revision, 3n)
    assert.equal(h.range({ key: b('b') }).count, 0n)
  })

  it('ranges inside a write txn see earlier writes of the txn, with the txn revision', async (t) => {
    const h = await harness(t)
    const r = h.txn({ success: [rangeOp('a'), putOp('a', '1'), rangeOp('a'), { requestPut: { key: b('b'), value: b('2'), prevKv: true } }] })
    const [r0, , r2] = r.responses
    assert.ok('responseRange' in r0 && 'responseRange' in r2)
    assert.equal(r0.responseRange.header.revision, 1n)
    assert.equal(r0.responseRange.count, 0n)
    assert.equal(r2.responseRange.header.revision, 2n)
    assert.deepEqual(r2.responseRange.kvs.map(view), [['a', 2n, 2n, 1n, '1', 0n]])
    assert.equal(r.header.revision, 2n)
  })

  it('classifies txns as read-only and serializable as etcd does', () => {
    const ser = { requestRange: { key: b('a'), serializable: true } }
    assert.equal(isTxnReadonly({ success: [rangeOp('a'), { requestTxn: { failure: [rangeOp('b')] } }] }), true)
    assert.equal(isTxnReadonly({ success: [rangeOp('a')], failure: [{ requestTxn: { success: [putOp('b')] } }] }), false)
    assert.equal(isTxnSerializable({ success: [ser], failure: [ser] }), true)
    assert.equal(isTxnSerializable({ success: [ser, rangeOp('a')] }), false)
    assert.equal(isTxnSerializable({ success: [{ requestTxn: { success: [ser] } }] }), false)
    assert.equal(isTxnSerializable({}), true)
  })

  it('a read-only txn runs on a read view', async (t) => {
    const h = await harness(t)
    h.put({ key: b('a'), value: b('1') })
    const r = h.txn({ compare: [{ target: CompareTarget.VALUE, key: b('a'), targetUnion: { value: b('1') } }], success: [rangeOp('a')] })
    assert.equal(r.succeeded, true)
    assert.equal(h.kv.consistentIndex.index, 0)
  })
})

describe('txn: compaction requests (cases 80, 81, 27)', () => {
  it('80 compaction at 12 of 14, twice, older, future, physical, then reads below fail', async (t) => {
    const h = await harness(t)
    for (let i = 0; i < 13; i++) h.put({ key: b('c'), value: b(String(i)) })
    assert.equal(h.kv.currentRev, 14n)
    await h.kv.applyBatch((bt) => bt.compact(12n))
    assert.equal(h.kv.currentRev, 14n)
    for (const rev of [12n, 5n]) assert.throws(() => h.kv.applyBatch((bt) => bt.compact(rev)), { code: 'ErrCompacted' })
    assert.throws(() => h.kv.applyBatch((bt) => bt.compact(1000n)), { code: 'ErrFutureRev', message: 'mvcc: required revision is a future revision' })
    await h.kv.applyBatch((bt) => bt.compact(13n))
    assert.throws(() => h.range({ key: b('c'), revision: 5n }), { code: 'ErrCompacted' })
  })
})
