// The robustness load: a few closed-loop clients over a handful of keys, each request a
// linearizable get, a put, a delete or a compare-and-set (txn), recorded with the harness clock.
// Two clients stay on one member each, the rest pick a member per request, so requests reach
// followers, the leader and members that are down. Everything is seeded.
import { performance } from 'node:perf_hooks'
import { seededRandom } from '../../src/raft/rand.js'
import type { Member } from '../cluster/harness.js'
import { StreamClient } from '../integration/watch-helper.js'
import { logEventOf, type LeaseRecord, type LogEvent, type Op, type OpKind, type OpResult } from './history.js'

export interface TrafficOptions {
  members: Member[]
  clients: number
  /** Watchers of the whole keyspace from revision 1, reconnecting from where they stopped. */
  watchers: number
  /** Clients that grant short leases, attach a key under `lease/`, keep them alive a while, then let them expire. */
  leaseClients: number
  /** The TTL those leases get, seconds. */
  leaseTTL: number
  keys: number
  seed: number
  /** A request without an answer after this long is indeterminate. */
  timeoutMs: number
}

const b64 = (s: string): string => Buffer.from(s).toString('base64')
const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString()
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

export class Traffic {
  readonly ops: Op[] = []
  /** What each watcher received, in order, across its reconnections. */
  readonly watches: LogEvent[][] = []
  readonly leases: LeaseRecord[] = []
  /** When stop() was called (harness clock). */
  stoppedAt = Infinity
  /** Answers that were not 200 (by message), for the report. */
  readonly errors = new Map<string, number>()
  readonly #o: TrafficOptions
  #stopped = false
  #running: Promise<void> | undefined

  constructor (o: TrafficOptions) {
    this.#o = o
  }

  start (): void {
    this.#running = Promise.all([
      ...Array.from({ length: this.#o.clients }, async (_, i) => await this.#client(i)),
      ...Array.from({ length: this.#o.watchers }, async (_, i) => await this.#watcher(i)),
      ...Array.from({ length: this.#o.leaseClients }, async (_, i) => await this.#leaseClient(100 + i))
    ]).then(() => {})
  }

  async stop (): Promise<void> {
    this.stoppedAt = performance.now()
    this.#stopped = true
    await this.#running
  }

  async #client (id: number): Promise<void> {
    const rnd = seededRandom(this.#o.seed * 1000 + id)
    const members = this.#o.members
    const lastSeen = new Map<string, string | null>()
    let seq = 0
    while (!this.#stopped) {
      const m = id < 2 ? members[id % members.length] : members[Math.floor(rnd() * members.length)]
      const key = `key${Math.floor(rnd() * this.#o.keys)}`
      const dice = rnd()
      const kind: OpKind = dice < 0.5 ? 'get' : dice < 0.75 ? 'put' : dice < 0.85 ? 'delete' : 'cas'
      const op: Op = { client: id, kind, key, start: 0 }
      if (kind === 'put' || kind === 'cas') op.value = `c${id}-${seq++}`
      if (kind === 'cas') op.expect = lastSeen.get(key) ?? null
      const ok = await this.#call(m, op)
      if (op.kind !== 'get' || ok) this.ops.push(op)
      if (op.result !== undefined) {
        if (op.kind === 'get' || (op.kind === 'cas' && op.result.succeeded !== true)) lastSeen.set(key, op.result.value ?? null)
        else if (op.kind === 'cas' || op.kind === 'put') lastSeen.set(key, op.value ?? null)
        else lastSeen.set(key, null)
      } else {
        await sleep(20)
      }
    }
  }

  /** POSTs `body` to `m`; the parsed answer when it is a 200, undefined otherwise. */
  async #post (m: Member, path: string, body: unknown): Promise<any> {
    try {
      const res = await fetch(m.clientURL + path, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(this.#o.timeoutMs) })
      const text = await res.text()
      if (res.status !== 200) return undefined
      // keep-alive answers are NDJSON lines; the first one is the answer
      return JSON.parse(text.split('\n')[0])
    } catch {
      return undefined
    }
  }

  /**
   * Grants a lease, attaches one key, keeps it alive 0-3 times a second apart (each request to
   * any member), then abandons it. Records when the lease was last known to be refreshed.
   */
  async #leaseClient (id: number): Promise<void> {
    const rnd = seededRandom(this.#o.seed * 1000 + id)
    const members = this.#o.members
    const pick = (): Member => members[Math.floor(rnd() * members.length)]
    let seq = 0
    while (!this.#stopped) {
      const grantStart = performance.now()
      const g = await this.#post(pick(), '/v3/lease/grant', { TTL: this.#o.leaseTTL })
      if (g?.ID === undefined) {
        await sleep(100)
        continue
      }
      const n = seq++
      const rec: LeaseRecord = {
        client: id,
        id: g.ID,
        ttlSeconds: Number(g.TTL),
        key: `lease/c${id}-${n}`,
        value: `lease-c${id}-${n}`,
        grantStart,
        putAnswered: false,
        keepAlives: [],
        abandonedAt: 0
      }
      this.leases.push(rec)
      const p = await this.#post(pick(), '/v3/kv/put', { key: b64(rec.key), value: b64(rec.value), lease: rec.id })
      rec.putAnswered = p !== undefined
      const keepAlives = Math.floor(rnd() * 4)
      for (let k = 0; k < keepAlives && !this.#stopped; k++) {
        await sleep(1000)
        const start = performance.now()
        const ka = await this.#post(pick(), '/v3/lease/keepalive', { ID: rec.id })
        const end = performance.now()
        const r = ka?.result
        if (r === undefined) continue
        if (r.TTL !== undefined && Number(r.TTL) > 0) rec.keepAlives.push({ start, end })
        else {
          rec.expiredSeenAt = start
          break
        }
      }
      rec.abandonedAt = performance.now()
      await sleep(200)
    }
  }

  /** Watches everything from revision 1 on one member; on any end, reconnects from the next revision. */
  async #watcher (id: number): Promise<void> {
    const events: LogEvent[] = []
    this.watches.push(events)
    const m = this.#o.members[id % this.#o.members.length]
    let next = 1n
    while (!this.#stopped) {
      const s = new StreamClient(m.clientURL, '/v3/watch', { create_request: { key: 'AA==', range_end: 'AA==', start_revision: next.toString() } })
      try {
        while (!this.#stopped) {
          let line: any
          try {
            line = await s.next(300)
          } catch {
            if (s.ended) break
            continue
          }
          if (line.error !== undefined || line.result?.canceled === true) break
          for (const e of line.result?.events ?? []) {
            const ev = logEventOf(e)
            events.push(ev)
            next = ev.revision + 1n
          }
        }
      } finally {
        s.destroy()
      }
      if (!this.#stopped) {
        this.#count('watch reconnect')
        await sleep(200)
      }
    }
  }

  /** Sends `op` and records its answer; false when there was no definite one. */
  async #call (m: Member, op: Op): Promise<boolean> {
    const key = b64(op.key)
    let path: string
    let body: unknown
    switch (op.kind) {
      case 'get': path = '/v3/kv/range'; body = { key }; break
      case 'put': path = '/v3/kv/put'; body = { key, value: b64(op.value ?? '') }; break
      case 'delete': path = '/v3/kv/deleterange'; body = { key }; break
      case 'cas':
        path = '/v3/kv/txn'
        body = {
          compare: [op.expect === null || op.expect === undefined
            ? { key, target: 'VERSION', result: 'EQUAL', version: '0' }
            : { key, target: 'VALUE', result: 'EQUAL', value: b64(op.expect) }],
          success: [{ request_put: { key, value: b64(op.value ?? '') } }],
          failure: [{ request_range: { key } }]
        }
        break
    }
    op.start = performance.now()
    let status = 0
    let json: any
    try {
      const res = await fetch(m.clientURL + path, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(this.#o.timeoutMs) })
      status = res.status
      json = JSON.parse(await res.text())
    } catch (err) {
      this.#count((err as Error).name === 'TimeoutError' ? 'timeout' : 'connection error')
      return false
    }
    const end = performance.now()
    if (status !== 200) {
      this.#count(String(json?.message ?? status))
      return false
    }
    const revision = BigInt(json.header.revision)
    let result: OpResult
    switch (op.kind) {
      case 'get': {
        const kv = json.kvs?.[0]
        result = { revision, value: kv === undefined ? null : unb64(kv.value), modRevision: BigInt(kv?.mod_revision ?? 0) }
        break
      }
      case 'put': result = { revision }; break
      case 'delete': result = { revision, deleted: Number(json.deleted ?? 0) }; break
      case 'cas': {
        const succeeded = json.succeeded === true
        const kv = succeeded ? undefined : json.responses?.[0]?.response_range?.kvs?.[0]
        result = { revision, succeeded, ...(succeeded ? {} : { value: kv === undefined ? null : unb64(kv.value) }) }
        break
      }
    }
    op.end = end
    op.result = result
    return true
  }

  #count (what: string): void {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1)
  }
}
