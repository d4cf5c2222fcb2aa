import { ErrCompacted, ErrEmptyWatcherRange, ErrWatcherDuplicateID, ErrWatcherNotExist } from './errors.js'
import { keyToString } from './key-bytes.js'
import type { Watcher, WatcherSink, WatchFilter, WatchResponse } from './watcher.js'

/** What a stream needs from the watchable store. */
export interface WatchHost {
  readonly currentRev: bigint
  addWatcher (id: bigint, key: string, end: string | undefined, startRev: bigint, filters: readonly WatchFilter[],
    prevKv: boolean, sink: WatcherSink): Watcher
  cancelWatcher (w: Watcher): void
  progressIfSync (watchers: Iterable<Watcher>, responseId: bigint): boolean
  /** A stream's buffer has room again: retry slow watchers soon. */
  kickVictims (): void
  /** The stream was closed. */
  streamClosed (ws: WatchStream): void
}

/** Default number of responses a stream buffers before its watchers turn into victims (etcd's chanBufLen). */
export const WATCH_STREAM_BUFFER = 128

/**
 * A stream of watchers sharing one bounded response buffer (etcd's mvcc WatchStream). Consume it
 * with `for await (const resp of stream)` or {@link next}. When the buffer is full, watchers stop
 * being fed and catch up from the store once the consumer drains it, so a slow consumer costs a
 * bounded amount of memory.
 */
export class WatchStream implements WatcherSink, AsyncIterable<WatchResponse> {
  readonly #host: WatchHost
  readonly #cap: number
  readonly #queue: WatchResponse[] = []
  #waiter: ((r: WatchResponse | undefined) => void) | undefined
  readonly #watchers = new Map<bigint, Watcher>()
  #nextId = 0n
  #closed = false

  constructor (host: WatchHost, bufferSize = WATCH_STREAM_BUFFER) {
    this.#host = host
    this.#cap = bufferSize
  }

  /**
   * Starts a watcher; returns its ID. `key`/`end` follow the request convention: an empty key is
   * "\0", an absent or empty end watches the single key, "\0" watches every key >= key.
   * `startRev` 0 = from the next revision; a past revision replays history first (in batches).
   * `id` 0 = assign the next free ID (from 0 up). Throws ErrEmptyWatcherRange (end <= key),
   * ErrWatcherDuplicateID, or ErrCompacted for a negative `startRev` (etcd 3.5.33's answer).
   */
  watch (key: Uint8Array | undefined, end?: Uint8Array, startRev = 0n, filters: readonly WatchFilter[] = [],
    prevKv = false, id = 0n): bigint {
    const k = key === undefined || key.length === 0 ? '\x00' : keyToString(key)
    let e: string | undefined
    if (end !== undefined && end.length > 0) e = end.length === 1 && end[0] === 0 ? '' : keyToString(end)
    if (e !== undefined && e !== '' && k >= e) throw new ErrEmptyWatcherRange()
    if (this.#closed) throw new ErrEmptyWatcherRange()
    if (startRev < 0n) throw new ErrCompacted()
    if (id === 0n) {
      while (this.#watchers.has(this.#nextId)) this.#nextId++
      id = this.#nextId++
    } else if (this.#watchers.has(id)) {
      throw new ErrWatcherDuplicateID()
    }
    this.#watchers.set(id, this.#host.addWatcher(id, k, e, startRev, filters, prevKv, this))
    return id
  }

  /** Stops watcher `id`; responses already queued stay queued. Throws ErrWatcherNotExist. */
  cancel (id: bigint): void {
    const w = this.#watchers.get(id)
    if (w === undefined) throw new ErrWatcherNotExist()
    this.#watchers.delete(id)
    this.#host.cancelWatcher(w)
  }

  /** Queues a progress notification for watcher `id` if it is synced (etcd's RequestProgress). */
  requestProgress (id: bigint): void {
    const w = this.#watchers.get(id)
    if (w !== undefined) this.#host.progressIfSync([w], id)
  }

  /**
   * If every watcher of the stream is synced, queues one progress notification with watch ID -1
   * and returns true; otherwise returns false and sends nothing (etcd 3.5 RequestProgressAll).
   */
  requestProgressAll (): boolean {
    return this.#host.progressIfSync(this.#watchers.values(), -1n)
  }

  /** The current store revision (for the header of a created message). */
  rev (): bigint {
    return this.#host.currentRev
  }

  /** IDs of the stream's watchers. */
  ids (): bigint[] {
    return [...this.#watchers.keys()]
  }

  /** Responses waiting in the buffer. */
  get buffered (): number { return this.#queue.length }

  /** @internal Used by watchers: false when the buffer is full. */
  offer (resp: WatchResponse): boolean {
    if (this.#closed) return true
    if (this.#waiter !== undefined) {
      const w = this.#waiter
      this.#waiter = undefined
      w(resp)
      return true
    }
    if (this.#queue.length >= this.#cap) return false
    this.#queue.push(resp)
    return true
  }

  /** The next response, waiting for one; undefined once the stream is closed. */
  next (): Promise<WatchResponse | undefined> {
    const r = this.#queue.shift()
    if (r !== undefined) {
      if (this.#queue.length === this.#cap - 1) this.#host.kickVictims()
      return Promise.resolve(r)
    }
    if (this.#closed) return Promise.resolve(undefined)
    return new Promise((resolve) => { this.#waiter = resolve })
  }

  /** The next response if one is buffered (never waits). */
  poll (): WatchResponse | undefined {
    const r = this.#queue.shift()
    if (r !== undefined && this.#queue.length === this.#cap - 1) this.#host.kickVictims()
    return r
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<WatchResponse> {
    for (;;) {
      const r = await this.next()
      if (r === undefined) return
      yield r
    }
  }

  /** Cancels every watcher and ends the iteration. */
  close (): void {
    if (this.#closed) return
    this.#closed = true
    for (const w of this.#watchers.values()) this.#host.cancelWatcher(w)
    this.#watchers.clear()
    this.#queue.length = 0
    const w = this.#waiter
    this.#waiter = undefined
    w?.(undefined)
    this.#host.streamClosed(this)
  }

  get closed (): boolean { return this.#closed }
}
