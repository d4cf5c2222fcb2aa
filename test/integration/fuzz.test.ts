// Bad input over a real socket (issue 4, "Bad input"): a real member started through startEtcd
// (WAL, LMDB, raft loop, client listener on a loopback port) receives ≥ 10 000 malformed or
// hostile gateway requests from a seeded generator — broken JSON, wrong types, huge numbers,
// invalid base64, invalid txns, oversized bodies, deep nesting, bodies trickled in slowly — and
// every one must be answered with a 4xx and etcd's error body {"error","code","message"}. The
// member must still serve a put and a range afterwards.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Pool } from 'undici'
import { newLoopbackConfig } from '../../src/embed/config.js'
import { startEtcd, type Etcd } from '../../src/embed/etcd.js'
import { seededRandom as rng } from '../../src/raft/rand.js'

const SEED = Number(process.env.FUZZ_SEED ?? 20261124)
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000)
const PATHS = ['/v3/kv/range', '/v3/kv/put', '/v3/kv/deleterange', '/v3/kv/txn', '/v3/kv/compaction', '/v3beta/kv/range']
/** Paths where a body with a malformed `key` is always refused. */
const KEYED_PATHS = ['/v3/kv/range', '/v3/kv/put', '/v3/kv/deleterange', '/v3beta/kv/range']

interface Hostile { path: string, body: string | Buffer, kind: string }

function generator (rand: () => number): () => Hostile {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const int = (n: number): number => Math.floor(rand() * n)
  const b64 = (): string => Buffer.from(Array.from({ length: 1 + int(12) }, () => int(256))).toString('base64')
  const digits = (n: number): string => '9' + Array.from({ length: n }, () => String(int(10))).join('')
  /** Valid base64 made invalid: a non-alphabet byte inserted, a padding byte added or removed. */
  const badB64 = (): string => {
    const s = b64()
    switch (int(3)) {
      case 0: { const i = int(s.length + 1); return s.slice(0, i) + pick(['-', '_', '!', '*', ' ', '.', '\u00e9', '\t']) + s.slice(i) }
      case 1: return s + '='
      default: return s.endsWith('=') ? s.slice(0, -1) : s.slice(0, -1)
    }
  }
  const validBodies = (): Record<string, unknown> => pick([
    { key: b64(), range_end: b64(), limit: int(10) },
    { key: b64(), value: b64(), prev_kv: true },
    { compare: [{ key: b64(), target: 'VALUE', value: b64() }], success: [{ request_put: { key: b64(), value: b64() } }] },
    { key: b64(), sort_order: 'DESCEND', keys_only: true }
  ])
  const wrongValues: readonly unknown[] = [123, true, false, {}, { a: 1 }, [1, 'a'], [300], 'not base64!', 1.5, -1]
  const kinds: Array<[string, () => Omit<Hostile, 'kind'>]> = [
    ['truncated JSON', () => {
      const s = JSON.stringify(validBodies())
      return { path: pick(PATHS), body: s.slice(0, 1 + int(s.length - 1)) }
    }],
    ['broken JSON start', () => {
      const s = JSON.stringify(validBodies())
      return { path: pick(PATHS), body: pick(['x', '}', ']', ':', ',', "'", '\u0000', '\u00ff', '+', '.']) + s.slice(1) }
    }],
    ['broken JSON inside', () => pick([
      { path: pick(PATHS), body: `{"key":"${b64()}",}` },
      { path: pick(PATHS), body: `{"key" "${b64()}"}` },
      { path: pick(PATHS), body: `{"key":"${b64()}" ${pick(['x', '1', '"a"', '{'])}}` },
      { path: pick(PATHS), body: `{key:"${b64()}"}` },
      { path: pick(PATHS), body: `{"key":"${b64()}","limit":${pick(['-', '1.', '1e', '01', '--1', 'tru', 'nul', 'NaN', 'Infinity'])}}` },
      { path: pick(PATHS), body: `{"key":"a\\${pick(['x', 'u12', 'q', '\n'])}"}` }
    ])],
    ['wrong types', () => {
      const field = pick(['key', 'range_end', 'value', 'limit', 'revision', 'sort_order', 'sort_target', 'keys_only', 'prev_kv', 'lease', 'compare', 'success'])
      // Without a key: a wrong value that happens to be acceptable still gets a 400 (key not provided).
      const body: Record<string, unknown> = { [field]: pick(wrongValues) }
      if (field === 'compare' || field === 'success') body[field] = pick([{}, 'x', 5, [5], [{ request_put: 5 }], [{ key: 7 }]])
      const path = field === 'compare' || field === 'success' ? '/v3/kv/txn' : field === 'value' || field === 'lease' || field === 'prev_kv' ? '/v3/kv/put' : '/v3/kv/range'
      return { path, body: JSON.stringify(body) }
    }],
    ['huge numbers', () => {
      const n = pick([digits(19 + int(40)), digits(1000 + int(4000)), '-' + digits(19 + int(10)), '1e' + (300 + int(700)), '9223372036854775808', '18446744073709551616'])
      const field = pick(['limit', 'revision', 'min_mod_revision', 'max_create_revision'])
      const quoted = rand() < 0.5
      return { path: '/v3/kv/range', body: `{"key":"${b64()}","${field}":${quoted ? `"${n}"` : n}}` }
    }],
    ['invalid base64', () => {
      const field = pick(['key', 'range_end', 'value'])
      const path = field === 'value' ? '/v3/kv/put' : pick(['/v3/kv/range', '/v3/kv/deleterange'])
      return { path, body: JSON.stringify({ key: b64(), [field]: badB64() }) }
    }],
    ['invalid enum', () => ({ path: '/v3/kv/range', body: JSON.stringify({ key: b64(), [pick(['sort_order', 'sort_target'])]: pick(['BOGUS', 'descend', '1', '', 'KEY ', {}, true, 2 ** 40]) }) })],
    ['missing key', () => ({ path: pick(['/v3/kv/range', '/v3/kv/put', '/v3/kv/deleterange']), body: pick(['', '{}', 'null', '{"key":""}', '{"Key":"YQ=="}', `{"value":"${b64()}"}`, '   ']) })],
    ['invalid txn', () => {
      const k = b64()
      return {
        path: '/v3/kv/txn',
        body: JSON.stringify(pick([
          { success: [{ request_put: { key: k } }, { request_put: { key: k } }] },
          { success: Array.from({ length: 129 + int(50) }, (_, i) => ({ request_put: { key: Buffer.from(`f${i}`).toString('base64') } })) },
          { success: [{}] },
          { success: [null] },
          { compare: [{ target: 'VALUE', value: b64() }] },
          { success: [{ request_range: {} }] },
          { failure: [{ request_txn: { success: [{ request_delete_range: {} }] } }] }
        ]))
      }
    }],
    ['future or compacted revision', () => pick([
      { path: '/v3/kv/compaction', body: JSON.stringify({ revision: String(1_000_000 + int(1e9)) }) },
      { path: '/v3/kv/range', body: JSON.stringify({ key: b64(), revision: String(1_000_000 + int(1e9)) }) }
    ])],
    ['top-level kinds', () => ({ path: pick(PATHS), body: pick(['[]', '[{}]', '"x"', '5', 'true', '"{}"', '[' + '{"key":"YQ=="}' + ']']) })],
    ['deep nesting', () => {
      const depth = 100 + int(20_000)
      const open = pick(['[', '{"a":'])
      const close = open === '[' ? ']' : '}'
      return { path: pick(KEYED_PATHS), body: `{"key":${open.repeat(depth)}1${close.repeat(depth)}}` }
    }]
  ]
  return () => {
    const [kind, make] = pick(kinds)
    return { ...make(), kind }
  }
}

function assertEtcdError (where: string, status: number, text: string): void {
  assert.ok(status >= 400 && status < 500, `${where}: status ${status} body ${text.slice(0, 200)}`)
  let body: unknown
  try { body = JSON.parse(text) } catch { assert.fail(`${where}: not JSON: ${text.slice(0, 200)}`) }
  const e = body as { error?: unknown, code?: unknown, message?: unknown }
  assert.deepEqual(Object.keys(e), ['error', 'code', 'message'], `${where}: ${text.slice(0, 200)}`)
  assert.equal(typeof e.code, 'number', where)
  assert.equal(typeof e.message, 'string', where)
  assert.equal(e.error, e.message, where)
}

describe('fuzz: hostile gateway requests over a real socket', () => {
  let etcd: Etcd
  let url: string
  let dir: string
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'etcd-ts-fuzz-'))
    etcd = await startEtcd(newLoopbackConfig(join(dir, 'data')))
    url = etcd.clientURLs[0] as string
  })
  after(async () => {
    await etcd?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it(`${TOTAL} generated requests (seed ${SEED}) are each answered 4xx with etcd's error body`, { timeout: 120_000 }, async () => {
    const pool = new Pool(url, { connections: 16, pipelining: 1 })
    const next = generator(rng(SEED))
    const byKind = new Map<string, number>()
    let sent = 0
    const worker = async (): Promise<void> => {
      while (sent < TOTAL) {
        sent++
        const h = next()
        byKind.set(h.kind, (byKind.get(h.kind) ?? 0) + 1)
        const r = await pool.request({ path: h.path, method: 'POST', body: h.body, headers: { 'content-type': sent % 3 === 0 ? 'application/x-www-form-urlencoded' : 'application/json' } })
        const text = await r.body.text()
        assertEtcdError(`${h.kind} ${h.path} ${String(h.body).slice(0, 120)}`, r.statusCode, text)
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
    await pool.close()
    assert.ok(sent >= TOTAL)
    assert.ok(byKind.size >= 10, `kinds covered: ${[...byKind.keys()].join(', ')}`)
  })

  it('oversized bodies get 429 code 8 with gRPC\'s text', { timeout: 60_000 }, async () => {
    const pool = new Pool(url, { connections: 2 })
    for (const size of [7 * 1024 * 1024, 12 * 1024 * 1024]) {
      const body = `{"key":"Zm9v","value":"${Buffer.alloc(size, 0x41).toString('latin1')}"}`
      const r = await pool.request({ path: '/v3/kv/put', method: 'POST', body })
      const text = await r.body.text()
      assert.equal(r.statusCode, 429, text.slice(0, 200))
      assertEtcdError('oversized', r.statusCode, text)
      assert.match(text, /grpc: received message larger than max \(\d+ vs\. 2097152\)/)
    }
    await pool.close()
  })

  it('slow bodies, trickled in small chunks, are read whole and answered', { timeout: 60_000 }, async () => {
    const port = new URL(url).port
    const one = async (i: number): Promise<void> => {
      const body = i % 2 === 0 ? '{"key":"Zm9v","limit":"1.5"}' : '{"key":"Zm9v'
      const s = connect(Number(port), '127.0.0.1')
      let got = ''
      s.on('data', (d) => { got += d.toString('latin1') })
      const closed = new Promise<void>((resolve) => s.on('close', () => resolve()))
      await new Promise<void>((resolve) => s.on('connect', () => resolve()))
      s.write(`POST /v3/kv/range HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`)
      for (let k = 0; k < body.length; k += 3) {
        s.write(body.slice(k, k + 3))
        await new Promise((resolve) => setTimeout(resolve, 15))
      }
      await closed
      const [head, payload] = got.split('\r\n\r\n')
      const status = Number(head?.split(' ')[1])
      assertEtcdError(`slow body ${i}`, status, payload ?? '')
      assert.match(payload ?? '', i % 2 === 0 ? /cannot unmarshal number 1\.5/ : /unexpected EOF/)
    }
    await Promise.all(Array.from({ length: 20 }, async (_, i) => await one(i)))
  })

  it('the member still serves writes and reads', async () => {
    const put = await fetch(`${url}/v3/kv/put`, { method: 'POST', body: '{"key":"ZnV6eg==","value":"b2s="}' })
    assert.equal(put.status, 200)
    const range = await fetch(`${url}/v3/kv/range`, { method: 'POST', body: '{"key":"ZnV6eg=="}' })
    assert.equal(range.status, 200)
    assert.match(await range.text(), /"value":"b2s="/)
    const health = await fetch(`${url}/health`)
    assert.equal(health.status, 200)
  })
})
