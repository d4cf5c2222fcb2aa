// The Watch service of EtcdServer (etcd's v3rpc/watch.go serverWatchStream), transport-neutral:
// a WatchSession takes WatchRequests (create, cancel, progress) in arrival order and writes
// WatchResponses to a sink in order — created before the watcher's events, events in revision
// order. Events are pulled from the store's bounded WatchStream only while the sink accepts
// more, so a slow consumer holds a bounded amount of memory (its watchers catch up later).
import type { ResponseHeader } from '../api/etcdserverpb/kv.js'
import type { WatchRequest, WatchResponse } from '../api/etcdserverpb/watch.js'
import { toStatus } from '../api/rpctypes/errors.js'
import { GrpcCode } from '../api/rpctypes/codes.js'
import { isCodedError } from '../pkg/coded-error.js'
import {
  fragmentWatchResponse, type WatchableStore, type WatchResponse as StoreWatchResponse, type WatchStream
} from '../storage/mvcc/index.js'

/** Where a session writes its responses (an HTTP response, a WebSocket, a test). */
export interface WatchSink {
  /** Writes one response; false when the transport's buffer is full. */
  write (r: WatchResponse): boolean
  /** Resolves once the transport can take more (or it is gone). */
  drained (): Promise<void>
}

export interface V3WatchDeps {
  store: WatchableStore
  /** A full header at `revision`; undefined = a header without revision. */
  header (revision: bigint | undefined): ResponseHeader
  /** Interval of progress notifications for watches created with progress_notify, ms. */
  progressNotifyIntervalMs: number
  /** Responses of `fragment` watches above this size are split (max-request-bytes + 512 KiB). */
  maxResponseBytes: number
  /**
   * Checks that the stream's caller may read [key, rangeEnd) (the auth store's range check; the
   * whole range, as etcd 3.5.33 does); throws the auth error. Absent: everything is allowed.
   */
  authorize? (auth: unknown, key: Uint8Array, rangeEnd: Uint8Array | undefined): void
}

const codeNames = new Map<number, string>(Object.entries(GrpcCode).map(([k, v]) => [v, k]))

/** An error as Go formats a gRPC status: `rpc error: code = InvalidArgument desc = …` (watch cancel reasons). */
export function formatGrpcError (err: unknown): string {
  const { code, message } = toStatus(err)
  return `rpc error: code = ${codeNames.get(code) ?? `Code(${code})`} desc = ${message}`
}

/** The watch service: one session per client stream. */
export class V3Watch {
  readonly #d: V3WatchDeps
  readonly #sessions = new Set<WatchSession>()

  constructor (d: V3WatchDeps) {
    this.#d = d
  }

  /** Opens a session writing to `sink`; `auth` is the caller's credentials for `authorize`. Close it when the client goes away. */
  newSession (sink: WatchSink, auth?: unknown): WatchSession {
    const s = new WatchSession(this.#d, sink, () => this.#sessions.delete(s), auth)
    this.#sessions.add(s)
    return s
  }

  /** Open sessions (metrics, tests). */
  get sessions (): number { return this.#sessions.size }

  /** Closes every session (shutdown). */
  closeAll (): void {
    for (const s of [...this.#sessions]) s.close()
  }
}

export class WatchSession {
  readonly #d: V3WatchDeps
  readonly #sink: WatchSink
  readonly #ws: WatchStream
  /** Watches created with progress_notify → whether the next tick should notify (no events since). */
  readonly #progress = new Map<bigint, boolean>()
  readonly #fragment = new Set<bigint>()
  readonly #onClose: () => void
  #timer: NodeJS.Timeout | undefined
  #closed = false
  /** Settles when the pump stops. */
  readonly done: Promise<void>

  readonly #auth: unknown

  constructor (d: V3WatchDeps, sink: WatchSink, onClose: () => void, auth?: unknown) {
    this.#d = d
    this.#auth = auth
    this.#sink = sink
    this.#onClose = onClose
    this.#ws = d.store.newWatchStream()
    this.done = this.#pump()
  }

  get closed (): boolean { return this.#closed }

  /** Handles one request of the client's stream. */
  handle (req: WatchRequest): void {
    if (this.#closed) return
    if (req.createRequest !== undefined) this.#create(req)
    else if (req.cancelRequest !== undefined) this.#cancel(req.cancelRequest.watchId ?? 0n)
    else if (req.progressRequest !== undefined) this.#ws.requestProgressAll()
  }

  #create (req: WatchRequest): void {
    const c = req.createRequest ?? {}
    if (this.#d.authorize !== undefined) {
      try {
        const key = c.key !== undefined && c.key.length > 0 ? c.key : Uint8Array.of(0)
        this.#d.authorize(this.#auth, key, c.rangeEnd !== undefined && c.rangeEnd.length > 0 ? c.rangeEnd : undefined)
      } catch (err) {
        // Not a failed request: a created-and-canceled answer whose reason is the gRPC error string.
        this.#sink.write({
          header: this.#d.header(this.#ws.rev()), watchId: -1n, created: true, canceled: true, cancelReason: formatGrpcError(err), events: []
        })
        return
      }
    }
    let id: bigint
    try {
      id = this.#ws.watch(c.key, c.rangeEnd, c.startRevision ?? 0n, c.filters ?? [], c.prevKv === true, c.watchId ?? 0n)
    } catch (err) {
      // A negative start revision is reported as the wire error (3.5.33); the others with mvcc's text.
      const reason = isCodedError(err, 'ErrCompacted') ? toStatus(err).message : (err as Error).message
      this.#sink.write({
        header: this.#d.header(this.#ws.rev()), watchId: -1n, created: true, canceled: true, cancelReason: reason, events: []
      })
      return
    }
    if (c.progressNotify === true) {
      this.#progress.set(id, true)
      this.#startTicker()
    }
    if (c.fragment === true) this.#fragment.add(id)
    // Written before returning, so it precedes every response of the new watcher.
    this.#sink.write({ header: this.#d.header(this.#ws.rev()), watchId: id, created: true, events: [] })
  }

  #cancel (id: bigint): void {
    try {
      this.#ws.cancel(id)
    } catch {
      return // unknown ID: no answer, as etcd
    }
    this.#progress.delete(id)
    this.#fragment.delete(id)
    this.#sink.write({ header: this.#d.header(this.#ws.rev()), watchId: id, canceled: true, events: [] })
  }

  #startTicker (): void {
    if (this.#timer !== undefined || this.#closed) return
    this.#timer = setInterval(() => {
      for (const [id, due] of this.#progress) {
        if (due) this.#ws.requestProgress(id)
        this.#progress.set(id, true)
      }
    }, this.#d.progressNotifyIntervalMs)
    this.#timer.unref()
  }

  #convert (r: StoreWatchResponse): WatchResponse {
    if (r.compactRevision !== 0n) {
      return { header: this.#d.header(undefined), watchId: r.watchId, canceled: true, compactRevision: r.compactRevision, events: [] }
    }
    return { header: this.#d.header(r.revision), watchId: r.watchId, events: r.events }
  }

  async #pump (): Promise<void> {
    for (;;) {
      const r = await this.#ws.next()
      if (r === undefined || this.#closed) return
      if (r.events.length > 0 && this.#progress.has(r.watchId)) this.#progress.set(r.watchId, false)
      const resp = this.#convert(r)
      const parts = this.#fragment.has(r.watchId) ? fragmentWatchResponse(resp, this.#d.maxResponseBytes) : [resp]
      let room = true
      for (const p of parts) room = this.#sink.write(p) && room
      if (!room) await this.#sink.drained()
    }
  }

  /** Cancels every watcher of the session and stops writing. */
  close (): void {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#ws.close()
    this.#onClose()
  }
}
