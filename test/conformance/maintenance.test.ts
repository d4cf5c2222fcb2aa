// Maintenance conformance (spec §5.5, /health of §8; §11 cases 24–26, 35–38, 44, 106–113) against
// real etcd and etcd-ts. Sizes, hashes and snapshot bytes depend on the backend (row 14) and are
// checked for their form only; alarm answers are compared without their header (row 7), /health
// bodies per target (row 10). All cases share one member per target and run in order.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { b64, runStreamCases, shape, type Answer, type Ctx, type StreamCase } from './watch-runner.js'

const ALARM = '/v3/maintenance/alarm'
const STATUS = '/v3/maintenance/status'
const HASH = '/v3/maintenance/hash'
const HASHKV = '/v3/maintenance/hashkv'
const HEADER = ['cluster_id', 'member_id', 'revision', 'raft_term']

const memberId = async (c: Ctx): Promise<string> => (await c.post(STATUS, {})).json.header.member_id as string

/** Status and gRPC code only (texts of parse errors may differ: row 23). */
const code = (a: Answer): unknown => [a.status, a.json?.code]

/** Status, code and message: what a write under an alarm is compared by (no revisions, so one failure does not spread to later cases). */
const brief = (a: Answer): string => `${a.status} ${a.json?.code ?? ''} ${a.json?.message ?? ''}`.trim()

/** An alarm call: 200, a header on etcd-ts only (row 7); the alarms, own ID as `<mid>`, sorted (etcd keeps them in Go maps). */
async function alarm (c: Ctx, mid: string, body: unknown): Promise<string[]> {
  const r = await c.post(ALARM, body)
  assert.equal(r.status, 200, r.text)
  const { header, ...rest } = r.json
  if (c.reference) assert.equal(header, undefined, r.text)
  else assert.deepEqual(Object.keys(header ?? {}), HEADER, r.text)
  assert.ok(Object.keys(rest).every((k) => k === 'alarms') && rest.alarms?.length !== 0, r.text)
  return ((rest.alarms ?? []) as unknown[]).map((a) => JSON.stringify(a).split(mid).join('<mid>')).sort()
}

/** Status: key order and forms; version and sizes are checked, not compared (rows 13, 14). */
async function status (c: Ctx): Promise<unknown> {
  const r = await c.post(STATUS, {})
  assert.equal(r.status, 200, r.text)
  const s = r.json
  const mid = s.header.member_id as string
  assert.equal(s.leader, mid)
  assert.equal(s.raftTerm, s.header.raft_term)
  for (const k of ['dbSize', 'dbSizeInUse', 'raftIndex', 'raftAppliedIndex']) assert.match(s[k], /^[1-9]\d*$/, k)
  assert.ok(BigInt(s.dbSizeInUse) <= BigInt(s.dbSize), r.text)
  assert.match(s.version, c.reference ? /^3\.4\.23$/ : /^3\.5\.\d+$/)
  return [Object.keys(s), Object.keys(s.header), ((s.errors ?? []) as string[]).map((e) => e.split(mid).join('<mid>')).sort()]
}

/** GET /health with each target's own body (row 10): healthy if `reasons` is empty, else one of them. */
async function health (c: Ctx, query: string, reasons: string[] = []): Promise<number> {
  const r = await fetch(`${c.url}/health${query}`)
  const text = await r.text()
  if (reasons.length === 0) assert.equal(text, c.reference ? '{"health":"true"}' : '{"health":"true","reason":""}')
  else if (c.reference) assert.equal(text, '{"health":"false"}\n')
  else assert.ok(reasons.some((x) => text === `{"health":"false","reason":"${x}"}\n`), text)
  return r.status
}

/** Status and code of the writes an alarm may refuse and the reads it must not. */
async function ops (c: Ctx): Promise<string[]> {
  const put = { request_put: { key: b64('k'), value: b64('v') } }
  const calls: Array<[string, string, unknown]> = [
    ['put', '/v3/kv/put', { key: b64('k'), value: b64('v') }],
    ['txn put', '/v3/kv/txn', { success: [put] }],
    ['txn put in failure', '/v3/kv/txn', { compare: [{ key: b64('none'), target: 'VERSION', version: '0' }], failure: [put] }],
    ['lease grant', '/v3/lease/grant', { TTL: 60 }],
    ['range', '/v3/kv/range', { key: b64('k') }],
    ['serializable range', '/v3/kv/range', { key: b64('k'), serializable: true }],
    ['read txn', '/v3/kv/txn', { success: [{ request_range: { key: b64('k') } }] }],
    ['deleterange', '/v3/kv/deleterange', { key: b64('none') }],
    ['txn delete', '/v3/kv/txn', { success: [{ request_delete_range: { key: b64('none') } }] }]
  ]
  const out: string[] = []
  for (const [name, path, body] of calls) {
    const r = await c.post(path, body)
    out.push(`${name}: ${brief(r)}`)
  }
  return out
}

const NOSPACE_ERR = ': 429 8 etcdserver: mvcc: database space exceeded'
const CORRUPT_ERR = ': 500 15 etcdserver: corrupt cluster'

const cases: StreamCase[] = [
  {
    id: '25, 37, 110',
    title: 'hash: fresh member at revision 1; a uint32 number, stable, `revision` ignored, changed by a put',
    run: async (c) => {
      const h = await c.post(HASH, {})
      assert.ok(h.text.includes(',"revision":"1","raft_term":"2"},"hash":'), h.text)
      const hash = h.json.hash as number
      assert.ok(Number.isInteger(hash) && hash >= 0 && hash < 2 ** 32, h.text)
      const t: unknown[] = []
      for (const body of [{}, { revision: 20 }, { revision: 'x' }, '']) {
        const r = await c.post(HASH, body)
        assert.equal(r.json.hash, hash, `${JSON.stringify(body)}: ${r.text}`)
        t.push(shape({ ...r, json: { ...r.json, hash: typeof r.json.hash } }))
      }
      const p = await c.post('/v3/kv/put', { key: b64('h'), value: b64('1') })
      const after = await c.post(HASH, {})
      assert.notEqual(after.json.hash, hash)
      assert.equal(after.json.header.revision, p.json.header.revision)
      return t
    }
  },
  {
    id: '35, 106',
    title: 'status: fields in order, 64-bit values as strings, leader = member, no errors, no isLearner',
    run: async (c) => {
      const t = [await status(c)]
      for (const body of ['', 'null', { bogus: 1 }]) {
        const r = await c.post(STATUS, body)
        t.push([r.status, Object.keys(r.json ?? {})])
      }
      return t
    }
  },
  {
    id: '26, 109',
    title: 'hashkv: 404 on the reference (row 4); etcd-ts: header, hash, compact_revision, per-revision hashes',
    run: async (c) => {
      const t: unknown[] = []
      for (const v of ['1', '2']) t.push(shape(await c.post('/v3/kv/put', { key: b64(`hk${v}`), value: b64(v) })))
      const rev = Number((await c.post('/v3/kv/range', { key: b64('hk1') })).json.header.revision)
      if (c.reference) {
        const r = await c.post(HASHKV, {})
        assert.deepEqual([r.status, r.text], [404, 'Not Found\n'])
      }
      const hkv = async (body: unknown): Promise<Answer> => await c.post(HASHKV, body)
      let atRev = 0
      if (!c.reference) {
        const r = await hkv({})
        assert.equal(r.status, 200, r.text)
        assert.deepEqual(Object.keys(r.json), ['header', 'hash', 'compact_revision'])
        assert.deepEqual(Object.keys(r.json.header), HEADER)
        assert.equal(r.json.header.revision, String(rev))
        assert.equal(r.json.compact_revision, '-1')
        atRev = r.json.hash
        assert.ok(Number.isInteger(atRev) && atRev >= 0 && atRev < 2 ** 32, r.text)
        assert.equal((await hkv({ revision: rev })).json.hash, atRev)
        assert.equal((await hkv({ revision: String(rev) })).json.hash, atRev)
        assert.notEqual((await hkv({ revision: rev - 1 })).json.hash, atRev)
        assert.ok((await hkv({ revision: 1 })).text.includes(',"compact_revision":'))
        assert.deepEqual(code(await hkv({ revision: rev + 100 })), [400, 11])
        assert.equal((await hkv({ revision: rev + 100 })).json.message, 'etcdserver: mvcc: required revision is a future revision')
      }
      t.push(shape(await c.post('/v3/kv/put', { key: b64('hk3'), value: b64('3') })))
      t.push(shape(await c.post('/v3/kv/compaction', { revision: rev })))
      if (!c.reference) {
        const r = await hkv({ revision: rev + 1 })
        assert.equal(r.status, 200, r.text)
        assert.equal(r.json.compact_revision, String(rev))
        assert.equal(r.json.header.revision, String(rev + 1))
        const old = await hkv({ revision: rev - 1 })
        assert.deepEqual([...code(old) as unknown[], old.json.message], [400, 11, 'etcdserver: mvcc: required revision has been compacted'])
        assert.deepEqual(code(await hkv({ revision: 'x' })), [400, 3])
      }
      return t
    }
  },
  {
    id: '36, 107',
    title: 'defragment answers {} and keeps the data; alarm GET without alarms: no alarms',
    run: async (c) => {
      const mid = await memberId(c)
      const d = await c.post('/v3/maintenance/defragment', {})
      const t: unknown[] = [d.status, d.text]
      t.push(shape(await c.post('/v3/kv/range', { key: b64('hk3') })), await status(c))
      t.push(shape({ ...await c.post('/v3/maintenance/defragment', ''), json: undefined }))
      for (const body of [{}, '', { action: 'GET' }, { action: 'GET', alarm: 'NOSPACE' }, { action: 'DEACTIVATE', memberID: mid, alarm: 'NOSPACE' }, { action: 'DEACTIVATE' }]) {
        t.push(await alarm(c, mid, body))
      }
      return t
    }
  },
  {
    id: '38, 113',
    title: 'snapshot: 32 KiB blob chunks with remaining_bytes, then the SHA-256 of all of them',
    run: async (c) => {
      const big = b64('x'.repeat(60_000))
      for (const k of ['s1', 's2', 's3', 's4']) await c.post('/v3/kv/put', { key: b64(k), value: big })
      const res = await fetch(`${c.url}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' })
      const text = await res.text()
      assert.ok(text.includes('"result":{"blob":'))
      assert.ok(text.endsWith('}}\n'))
      const lines = text.slice(0, -1).split('\n').map((l) => JSON.parse(l).result)
      const blobs = lines.map((l) => Buffer.from(l.blob, 'base64'))
      const data = blobs.slice(0, -1)
      assert.ok(data.length >= 2, `${data.length} data chunks`)
      data.forEach((b, i) => {
        assert.ok(i === data.length - 1 ? b.length > 0 && b.length <= 32768 : b.length === 32768, `chunk ${i}: ${b.length} bytes`)
        const rest = data.slice(i + 1).reduce((n, x) => n + x.length, 0)
        assert.deepEqual(Object.keys(lines[i]), rest === 0 ? ['blob'] : ['remaining_bytes', 'blob'])
        if (rest > 0) assert.equal(lines[i].remaining_bytes, String(rest))
      })
      assert.deepEqual(Object.keys(lines.at(-1)), ['blob'])
      assert.deepEqual(blobs.at(-1), createHash('sha256').update(Buffer.concat(data)).digest())
      const bad = await c.post('/v3/maintenance/snapshot', 'garbage')
      return [res.status, res.headers.get('content-type'), code(bad)]
    }
  },
  {
    id: '24',
    title: 'ACTIVATE with alarm NONE: a no-op with a header (row 8; never sent to the reference, where it is fatal)',
    run: async (c) => {
      if (c.reference) return []
      const mid = await memberId(c)
      for (const body of [{ action: 'ACTIVATE' }, { action: 'ACTIVATE', memberID: mid }, { action: 1, alarm: 0 }]) {
        assert.deepEqual(await alarm(c, mid, body), [])
      }
      assert.deepEqual(await alarm(c, mid, {}), [])
      assert.equal(await health(c, ''), 200)
      return []
    }
  },
  {
    id: '44, 111',
    title: 'NOSPACE: writes and lease grant refused, reads and deletes served, status errors, /health 503, deactivate',
    run: async (c) => {
      const mid = await memberId(c)
      const on = { action: 'ACTIVATE', memberID: mid, alarm: 'NOSPACE' }
      const t: unknown[] = [await alarm(c, mid, on), await alarm(c, mid, on)]
      const o = await ops(c)
      assert.deepEqual(o.filter((x) => x.endsWith(NOSPACE_ERR)).length, 4, o.join('\n'))
      t.push(o)
      const cur = (await c.post('/v3/kv/range', { key: b64('k') })).json.header.revision
      t.push(brief(await c.post('/v3/kv/compaction', { revision: cur })))
      t.push(await status(c), await alarm(c, mid, {}), await alarm(c, mid, { action: 'GET', alarm: 'NOSPACE' }), await alarm(c, mid, { action: 'GET', alarm: 'CORRUPT' }))
      t.push(await health(c, '', ['ALARM NOSPACE']), await health(c, '?exclude=NOSPACE'), await health(c, '?exclude=CORRUPT', ['ALARM NOSPACE']))
      const off = { action: 'DEACTIVATE', memberID: mid, alarm: 'NOSPACE' }
      t.push(await alarm(c, mid, off), await alarm(c, mid, off), await ops(c), await status(c), await health(c, ''))
      return t
    }
  },
  {
    id: '112',
    title: 'CORRUPT: every write refused with 15/500, reads served; GET NOSPACE empty; deactivate restores writes',
    run: async (c) => {
      const mid = await memberId(c)
      const t: unknown[] = [await alarm(c, mid, { action: 'ACTIVATE', memberID: mid, alarm: 'CORRUPT' })]
      const o = await ops(c)
      assert.deepEqual(o.filter((x) => x.endsWith(CORRUPT_ERR)).length, 6, o.join('\n'))
      t.push(o, brief(await c.post('/v3/lease/revoke', { ID: 1 })), brief(await c.post('/v3/kv/compaction', { revision: 1 })))
      t.push(await status(c), await alarm(c, mid, { action: 'GET', alarm: 'NOSPACE' }), await alarm(c, mid, { action: 'GET', alarm: 'CORRUPT' }))
      t.push(await health(c, '', ['ALARM CORRUPT']), await health(c, '?exclude=CORRUPT'))
      t.push(await alarm(c, mid, { action: 'DEACTIVATE', memberID: mid, alarm: 'CORRUPT' }), await ops(c), await health(c, ''))
      return t
    }
  },
  {
    id: 'own-alarm-members',
    title: 'alarms of member 0 and of another member: listed, in status errors, deactivated one by one',
    run: async (c) => {
      const mid = await memberId(c)
      const t: unknown[] = [await alarm(c, mid, { action: 'ACTIVATE', alarm: 'NOSPACE' }), await alarm(c, mid, { action: 'ACTIVATE', memberID: '123', alarm: 'NOSPACE' })]
      t.push(await alarm(c, mid, {}), await status(c))
      t.push(await alarm(c, mid, { action: 'DEACTIVATE', alarm: 'NOSPACE' }), brief(await c.post('/v3/kv/put', { key: b64('k'), value: b64('v') })))
      t.push(await alarm(c, mid, { action: 'DEACTIVATE', memberID: 123, alarm: 1 }), await alarm(c, mid, { action: 2, memberID: '123', alarm: 'NOSPACE' }))
      t.push(brief(await c.post('/v3/kv/put', { key: b64('k'), value: b64('v') })), await alarm(c, mid, {}))
      return t
    }
  },
  {
    id: 'own-alarm-applier',
    title: 'both alarms at once: etcd lets the last activation pick the error and clearing either one re-enable writes; etcd-ts obeys every raised alarm, CORRUPT first (row N4)',
    run: async (c) => {
      const mid = await memberId(c)
      const act = (alarm: string, action = 'ACTIVATE'): object => ({ action, memberID: mid, alarm })
      const put = async (): Promise<string> => brief(await c.post('/v3/kv/put', { key: b64('k'), value: b64('v') }))
      const corrupt = '500 15 etcdserver: corrupt cluster'
      const t: unknown[] = [await alarm(c, mid, act('CORRUPT')), await put(), await alarm(c, mid, act('NOSPACE'))]
      // row N4: the answers that differ are checked per target and left out of the transcript
      assert.equal(await put(), c.reference ? '429 8 etcdserver: mvcc: database space exceeded' : corrupt)
      t.push(await alarm(c, mid, {}), await status(c), await health(c, '?exclude=NOSPACE', ['ALARM CORRUPT']))
      t.push(await health(c, '', ['ALARM NOSPACE', 'ALARM CORRUPT']))
      t.push(await alarm(c, mid, act('NOSPACE', 'DEACTIVATE')))
      const afterClear = await put()
      assert.equal(afterClear, c.reference ? '200' : corrupt)
      t.push(await alarm(c, mid, {}), await health(c, '', ['ALARM CORRUPT']))
      t.push(await alarm(c, mid, act('CORRUPT', 'DEACTIVATE')), await alarm(c, mid, {}))
      return t
    }
  },
  {
    id: 'own-nospace-nested-txn',
    title: 'NOSPACE and a put inside a nested txn: etcd counts only a txn\'s own branches and lets it through; etcd-ts refuses it (row N5)',
    run: async (c) => {
      const mid = await memberId(c)
      const on = { action: 'ACTIVATE', memberID: mid, alarm: 'NOSPACE' }
      const t: unknown[] = [await alarm(c, mid, on)]
      const nested = brief(await c.post('/v3/kv/txn', { success: [{ request_txn: { success: [{ request_put: { key: b64('n'), value: b64('v') } }] } }] }))
      assert.equal(nested, c.reference ? '200' : '429 8 etcdserver: mvcc: database space exceeded')
      t.push(await alarm(c, mid, { ...on, action: 'DEACTIVATE' }), await alarm(c, mid, {}))
      // the reference's revision moved by one: one more put on etcd-ts keeps later cases aligned
      if (!c.reference) assert.equal(brief(await c.post('/v3/kv/put', { key: b64('n'), value: b64('v') })), '200')
      return t
    }
  },
  {
    id: 'own-alarm-unknown-type',
    title: 'ACTIVATE an alarm type by an unknown number (7): stored and listed as a number, writes unaffected',
    run: async (c) => {
      const mid = await memberId(c)
      const t: unknown[] = [await alarm(c, mid, { action: 'ACTIVATE', alarm: 7 }), await alarm(c, mid, {}), await status(c)]
      t.push(await health(c, '', ['ALARM UNKNOWN']), brief(await c.post('/v3/kv/put', { key: b64('k'), value: b64('v') })))
      t.push(await alarm(c, mid, { action: 'DEACTIVATE', alarm: 7 }), await alarm(c, mid, {}), await health(c, ''))
      return t
    }
  },
  {
    id: 'own-alarm-unknown-action',
    title: 'an unknown action number is a no-op with a header (row N3: etcd 3.4 and 3.5 crash, never sent to the reference)',
    run: async (c) => {
      if (c.reference) return []
      const mid = await memberId(c)
      for (const action of [5, -1]) assert.deepEqual(await alarm(c, mid, { action, memberID: mid, alarm: 'NOSPACE' }), [])
      assert.deepEqual(await alarm(c, mid, {}), [])
      return []
    }
  },
  {
    id: 'own-maintenance-input',
    title: 'malformed bodies and bad enum names: 400 code 3 (texts: row 23); unknown fields and nulls ignored',
    run: async (c) => {
      const mid = await memberId(c)
      const t: unknown[] = []
      const bad: Array<[string, unknown]> = [
        [ALARM, { action: 'BOGUS' }], [ALARM, { action: 'get' }], [ALARM, { action: '0' }], [ALARM, { alarm: 'BOGUS' }],
        [ALARM, { action: true }], [ALARM, { action: 1.5 }], [ALARM, { memberID: 'abc' }], [ALARM, { memberID: {} }],
        [ALARM, { memberID: -1 }], [ALARM, { memberID: 1.5 }], [ALARM, { memberID: '18446744073709551616' }],
        [ALARM, 'garbage'], [ALARM, '[]'], [STATUS, 'garbage'], [STATUS, '[]'], [HASH, 'garbage'],
        ['/v3/maintenance/defragment', 'garbage'], ['/v3/maintenance/defragment', '{"x":']
      ]
      for (const [path, body] of bad) t.push([path, body, code(await c.post(path, body))])
      for (const body of ['null', { action: null }, { action: 'GET', memberID: null, alarm: null }, { action: 0, alarm: 1 }, { action: 'GET', alarm: 7 },
        { memberID: '18446744073709551615' }, { member_id: 'abc' }, { alarms: 'x' }]) {
        t.push(await alarm(c, mid, body))
      }
      return t
    }
  }
]

runStreamCases('maintenance', cases)
