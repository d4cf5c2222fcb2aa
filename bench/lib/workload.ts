// The gateway workload every KV benchmark drives, defined once: 64-byte values over 1000 keys, and
// the six cases of issue 4 (put with 1/16/64 clients, linearizable and serializable range with 64,
// txn with 16), each with a short id for bench/quick.ts.

export const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64')
export const value = b64(Buffer.alloc(64, 'v'))
export const keys = Array.from({ length: 1000 }, (_, i) => b64(`bench/key/${String(i).padStart(6, '0')}`))

/** Request bodies for wrk: one put of `value` per key. */
export const putBodies = keys.map((k) => JSON.stringify({ key: k, value }))

export interface Scenario { id: string, name: string, path: string, clients: number, bodies: string[] }

export const scenarios: Scenario[] = [
  ...[1, 16, 64].map((c) => ({
    id: `put${c}`,
    name: `put, ${c} client${c > 1 ? 's' : ''}`,
    path: '/v3/kv/put',
    clients: c,
    bodies: putBodies
  })),
  { id: 'rangeL', name: 'range (linearizable), 64 clients', path: '/v3/kv/range', clients: 64, bodies: keys.slice(0, 100).map((k) => JSON.stringify({ key: k })) },
  { id: 'rangeS', name: 'range (serializable), 64 clients', path: '/v3/kv/range', clients: 64, bodies: keys.slice(0, 100).map((k) => JSON.stringify({ key: k, serializable: true })) },
  {
    id: 'txn',
    name: 'txn (compare + put), 16 clients',
    path: '/v3/kv/txn',
    clients: 16,
    bodies: keys.slice(0, 100).map((k) => JSON.stringify({
      compare: [{ key: k, target: 'VERSION', result: 'GREATER', version: '0' }],
      success: [{ request_put: { key: k, value } }],
      failure: [{ request_range: { key: k } }]
    }))
  }
]

/** Puts every key once, so ranges find data and txns take the success branch. */
export async function preload (clientURL: string, name: string): Promise<void> {
  for (const body of putBodies) {
    const r = await fetch(`${clientURL}/v3/kv/put`, { method: 'POST', body })
    if (r.status !== 200) throw new Error(`${name}: preload put answered ${r.status}`)
  }
}
