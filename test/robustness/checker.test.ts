// The history checker against hand-made histories: each broken one must be caught, each valid
// one (indeterminate requests included) must pass.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { checkHistory, checkLeases, checkWatch } from './checker.js'
import type { LeaseRecord, LogEvent, Op } from './history.js'

const put = (client: number, key: string, value: string, start: number, end: number | undefined, revision?: bigint): Op =>
  ({ client, kind: 'put', key, value, start, end, ...(revision !== undefined ? { result: { revision } } : {}) })
const get = (client: number, key: string, start: number, end: number, revision: bigint, value: string | null, modRevision = 0n): Op =>
  ({ client, kind: 'get', key, start, end, result: { revision, value, modRevision } })
const ev = (revision: bigint, key: string, value?: string): LogEvent =>
  ({ revision, key, type: value === undefined ? 'DELETE' : 'PUT', ...(value !== undefined ? { value } : {}) })

interface Row { name: string, ops: Op[], log: LogEvent[], violation?: RegExp }

const rows: Row[] = [
  {
    name: 'sequential writes and reads',
    ops: [put(0, 'a', 'v1', 0, 1, 2n), get(1, 'a', 2, 3, 2n, 'v1', 2n), put(0, 'a', 'v2', 4, 5, 3n), get(1, 'a', 6, 7, 3n, 'v2', 3n)],
    log: [ev(2n, 'a', 'v1'), ev(3n, 'a', 'v2')]
  },
  {
    name: 'concurrent writes may commit in either order',
    ops: [put(0, 'a', 'v1', 0, 10, 3n), put(1, 'a', 'v2', 1, 9, 2n), get(2, 'a', 11, 12, 3n, 'v1', 3n)],
    log: [ev(2n, 'a', 'v2'), ev(3n, 'a', 'v1')]
  },
  {
    name: 'an indeterminate write that took effect, and one that did not',
    ops: [put(0, 'a', 'v1', 0, undefined), put(1, 'a', 'lost-in-flight', 1, undefined), get(2, 'a', 5, 6, 2n, 'v1', 2n)],
    log: [ev(2n, 'a', 'v1')]
  },
  {
    name: 'an indeterminate delete, and a delete of nothing',
    ops: [put(0, 'a', 'v1', 0, 1, 2n), { client: 1, kind: 'delete', key: 'a', start: 2, end: undefined },
      { client: 2, kind: 'delete', key: 'b', start: 2, end: 3, result: { revision: 2n, deleted: 0 } }, get(2, 'a', 10, 11, 3n, null)],
    log: [ev(2n, 'a', 'v1'), ev(3n, 'a')]
  },
  {
    name: 'compare-and-set, both outcomes',
    ops: [put(0, 'a', 'v1', 0, 1, 2n),
      { client: 1, kind: 'cas', key: 'a', expect: 'v1', value: 'v2', start: 2, end: 3, result: { revision: 3n, succeeded: true } },
      { client: 2, kind: 'cas', key: 'a', expect: 'v1', value: 'v3', start: 4, end: 5, result: { revision: 3n, succeeded: false, value: 'v2' } }],
    log: [ev(2n, 'a', 'v1'), ev(3n, 'a', 'v2')]
  },
  {
    name: 'stale read: a read that began after a write finished does not see it',
    ops: [put(0, 'a', 'v1', 0, 1, 2n), put(0, 'a', 'v2', 2, 3, 3n), get(1, 'a', 4, 5, 2n, 'v1', 2n)],
    log: [ev(2n, 'a', 'v1'), ev(3n, 'a', 'v2')],
    violation: /not linearizable.*client 1 get a/
  },
  {
    name: 'real-time order broken between writes',
    ops: [put(0, 'a', 'v1', 0, 1, 3n), put(1, 'b', 'w1', 2, 3, 2n)],
    log: [ev(2n, 'b', 'w1'), ev(3n, 'a', 'v1')],
    violation: /not linearizable/
  },
  {
    name: 'lost write',
    ops: [put(0, 'a', 'v1', 0, 1, 2n), put(0, 'a', 'v2', 2, 3, 3n)],
    log: [ev(2n, 'a', 'v1')],
    violation: /lost write/
  },
  {
    name: 'phantom write',
    ops: [put(0, 'a', 'v1', 0, 1, 2n)],
    log: [ev(2n, 'a', 'v1'), ev(3n, 'a', 'nobody')],
    violation: /phantom write/
  },
  {
    name: 'wrong value at the reported revision',
    ops: [put(0, 'a', 'v1', 0, 1, 2n), get(1, 'a', 2, 3, 2n, 'other', 2n)],
    log: [ev(2n, 'a', 'v1')],
    violation: /read "other"/
  },
  {
    name: 'a write reported at another revision than where it is',
    ops: [put(0, 'a', 'v1', 0, 1, 5n)],
    log: [ev(2n, 'a', 'v1')],
    violation: /reported revision 5/
  },
  {
    name: 'a compare-and-set that took effect although its compare did not hold',
    ops: [put(0, 'a', 'v1', 0, 1, 2n), { client: 1, kind: 'cas', key: 'a', expect: 'zzz', value: 'v2', start: 2, end: undefined }],
    log: [ev(2n, 'a', 'v1'), ev(3n, 'a', 'v2')],
    violation: /compare-and-set took effect/
  },
  {
    name: 'a gap in the committed log',
    ops: [put(0, 'a', 'v1', 0, 1, 2n), put(0, 'a', 'v2', 2, 3, 4n)],
    log: [ev(2n, 'a', 'v1'), ev(4n, 'a', 'v2')],
    violation: /expected 3/
  }
]

describe('robustness history checker', () => {
  for (const r of rows) {
    it(r.name, () => {
      const { violations } = checkHistory(r.ops, r.log)
      if (r.violation === undefined) assert.deepEqual(violations, [])
      else assert.ok(violations.some((v) => r.violation?.test(v) === true), violations.join('\n') || 'no violation found')
    })
  }
})

describe('robustness watch checker', () => {
  const log = [ev(2n, 'a', 'v1'), ev(3n, 'b', 'w1'), ev(4n, 'a')]
  const cases: Array<[string, LogEvent[], RegExp | undefined]> = [
    ['a prefix of the log', log.slice(0, 2), undefined],
    ['all of it', log, undefined],
    ['a gap', [log[0], log[2]], /event 1 is 4 DELETE a/],
    ['a repeat after a reconnection', [log[0], log[1], log[1]], /event 2 is 3 PUT b=w1/],
    ['a wrong value', [log[0], ev(3n, 'b', 'other')], /committed log has 3 PUT b=w1/]
  ]
  for (const [name, events, want] of cases) {
    it(name, () => {
      const v = checkWatch(events, log)
      if (want === undefined) assert.deepEqual(v, [])
      else assert.match(v.join('\n'), want)
    })
  }
})

describe('robustness lease checker', () => {
  // a lease of 3 s granted at 0 with key l/1 (revision 2), kept alive at 1000; KV answers give times to revisions
  const lease = (over: Partial<LeaseRecord> = {}): LeaseRecord => ({
    client: 100, id: '7', ttlSeconds: 3, key: 'l/1', value: 'lv', grantStart: 0, putAnswered: true, keepAlives: [{ start: 1000, end: 1001 }], abandonedAt: 1001, ...over
  })
  const kv = (rev: bigint, end: number): Op => get(0, 'a', end - 1, end, rev, null)
  const log = [ev(2n, 'l/1', 'lv'), ev(3n, 'l/1')]
  const cases: Array<[string, LeaseRecord, Op[], LogEvent[], number, RegExp | undefined]> = [
    ['expires after its TTL', lease(), [kv(2n, 100), kv(3n, 4500)], log, 10_000, undefined],
    ['expired early', lease(), [kv(2n, 100), kv(3n, 3500)], log, 10_000, /expired early/],
    ['kept alive after its key was deleted', lease({ keepAlives: [{ start: 1000, end: 1001 }, { start: 5000, end: 5001 }] }), [kv(3n, 4500)], log, 10_000, /found it alive, after its key was deleted/],
    ['never expired', lease(), [kv(2n, 100)], log.slice(0, 1), 20_000, /never expired/],
    ['not yet due when the traffic stopped', lease(), [kv(2n, 100)], log.slice(0, 1), 5_000, undefined],
    ['its key lost', lease(), [], [], 10_000, /lost write/]
  ]
  for (const [name, l, ops, lg, stoppedAt, want] of cases) {
    it(name, () => {
      const v = checkLeases([l], ops, lg, stoppedAt, 6000).violations
      if (want === undefined) assert.deepEqual(v, [])
      else assert.match(v.join('\n'), want)
    })
  }
})
