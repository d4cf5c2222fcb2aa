/**
 * Request traces and event logs for `/debug/requests` and `/debug/events` (the pages etcd serves
 * from golang.org/x/net/trace at log level debug), plus a step timer in the style of etcd's
 * `pkg/traceutil`.
 *
 * A `Trace` times one operation and its steps; when it ends, the caller keeps it in a
 * `TraceBuffer` (a bounded ring: the newest `capacity` entries, oldest dropped first) if it was
 * slow. `EventBuffer` is the same ring for free-form events of long-lived objects (leader
 * changes, peers connecting). Both render as plain text or JSON. Nothing here knows about HTTP.
 */
import { performance } from 'node:perf_hooks'

/** One timed step of a trace. */
export interface TraceStep {
  msg: string
  /** ms since the trace started. */
  elapsedMs: number
  fields?: Record<string, unknown>
}

/** A finished trace as kept in a TraceBuffer. */
export interface TraceEntry {
  /** Wall-clock start, ISO-8601. */
  start: string
  /** The operation (`range`, `put`, `txn`, `compact`, …), the "family" of x/net/trace. */
  operation: string
  durationMs: number
  fields: Record<string, unknown>
  steps: TraceStep[]
  /** Set when the operation failed. */
  error?: string
}

/** Times one operation and its steps (etcd's `traceutil.Trace`). */
export class Trace {
  readonly operation: string
  readonly fields: Record<string, unknown>
  readonly #startWall = Date.now()
  readonly #start = performance.now()
  readonly #steps: TraceStep[] = []

  constructor (operation: string, fields: Record<string, unknown> = {}) {
    this.operation = operation
    this.fields = { ...fields }
  }

  /** Records that a step finished now. */
  step (msg: string, fields?: Record<string, unknown>): void {
    this.#steps.push({ msg, elapsedMs: performance.now() - this.#start, ...(fields === undefined ? {} : { fields }) })
  }

  /** Adds fields to the trace (e.g. the response revision once known). */
  addField (key: string, value: unknown): void {
    this.fields[key] = value
  }

  /** ms since the trace started. */
  elapsedMs (): number {
    return performance.now() - this.#start
  }

  /** The trace as an entry, ended now. */
  end (err?: unknown): TraceEntry {
    const e: TraceEntry = {
      start: new Date(this.#startWall).toISOString(),
      operation: this.operation,
      durationMs: this.elapsedMs(),
      fields: { ...this.fields },
      steps: [...this.#steps]
    }
    if (err !== undefined) e.error = err instanceof Error ? err.message : String(err)
    return e
  }
}

/** A bounded ring of the newest entries. */
export class RingBuffer<T> {
  readonly capacity: number
  readonly #items: Array<T | undefined>
  #next = 0
  #size = 0
  #total = 0

  constructor (capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`capacity must be a positive integer, got ${capacity}`)
    this.capacity = capacity
    this.#items = new Array<T | undefined>(capacity)
  }

  /** Adds an entry, dropping the oldest when full. */
  add (item: T): void {
    this.#items[this.#next] = item
    this.#next = (this.#next + 1) % this.capacity
    if (this.#size < this.capacity) this.#size++
    this.#total++
  }

  /** Entries, newest first. */
  entries (): T[] {
    const out: T[] = []
    for (let i = 1; i <= this.#size; i++) out.push(this.#items[(this.#next - i + this.capacity) % this.capacity] as T)
    return out
  }

  /** Entries currently held. */
  get size (): number {
    return this.#size
  }

  /** Entries ever added (held or dropped). */
  get total (): number {
    return this.#total
  }

  clear (): void {
    this.#items.fill(undefined)
    this.#next = 0
    this.#size = 0
  }
}

/**
 * Recent slow requests. `record(trace)` keeps a trace whose duration reached `thresholdMs`
 * (etcd's `experimental-warning-apply-duration`, 100 ms by default) and returns whether it did.
 */
export class TraceBuffer extends RingBuffer<TraceEntry> {
  readonly thresholdMs: number

  constructor (capacity = 256, thresholdMs = 100) {
    super(capacity)
    this.thresholdMs = thresholdMs
  }

  /** Ends `trace` and keeps it if it was slow (or failed). */
  record (trace: Trace, err?: unknown): boolean {
    const e = trace.end(err)
    if (e.durationMs < this.thresholdMs && e.error === undefined) return false
    this.add(e)
    return true
  }
}

/** One event of a long-lived object (x/net/trace `EventLog`). */
export interface EventEntry {
  time: string
  /** The object family (`raft`, `rafthttp`, `lessor`, …). */
  family: string
  msg: string
  fields?: Record<string, unknown>
  error?: boolean
}

/** Recent events of long-lived objects. */
export class EventBuffer extends RingBuffer<EventEntry> {
  constructor (capacity = 512) {
    super(capacity)
  }

  /** Records an event now. */
  printf (family: string, msg: string, fields?: Record<string, unknown>): void {
    this.add({ time: new Date().toISOString(), family, msg, ...(fields === undefined ? {} : { fields }) })
  }

  /** Records an error event now. */
  errorf (family: string, msg: string, fields?: Record<string, unknown>): void {
    this.add({ time: new Date().toISOString(), family, msg, error: true, ...(fields === undefined ? {} : { fields }) })
  }
}

function fmtFields (f: Record<string, unknown> | undefined): string {
  if (f === undefined) return ''
  const parts = Object.entries(f).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v, (_k, x: unknown) => typeof x === 'bigint' ? x.toString() : x)}`)
  return parts.length === 0 ? '' : ' ' + parts.join(' ')
}

/** Plain-text rendering of traces, newest first. */
export function renderTraces (entries: readonly TraceEntry[], thresholdMs: number): string {
  const lines = [`# recent requests slower than ${thresholdMs}ms (or failed), newest first: ${entries.length}`]
  for (const e of entries) {
    lines.push(`${e.start} ${e.operation} ${e.durationMs.toFixed(3)}ms${e.error === undefined ? '' : ` error=${JSON.stringify(e.error)}`}${fmtFields(e.fields)}`)
    for (const s of e.steps) lines.push(`    +${s.elapsedMs.toFixed(3)}ms ${s.msg}${fmtFields(s.fields)}`)
  }
  return lines.join('\n') + '\n'
}

/** Plain-text rendering of events, newest first. */
export function renderEvents (entries: readonly EventEntry[]): string {
  const lines = [`# recent events, newest first: ${entries.length}`]
  for (const e of entries) lines.push(`${e.time} [${e.family}]${e.error === true ? ' ERROR' : ''} ${e.msg}${fmtFields(e.fields)}`)
  return lines.join('\n') + '\n'
}
