// The linearizable read loop (architecture decision d; design/raft-and-reliability.md §3.6).
// Reads join the current batch; one ReadIndex request with a fresh 8-byte context serves the
// whole batch. A retry always takes a new context (etcd #20418 / PR #21399); a leader change
// while waiting fails the batch with "etcdserver: leader changed"; once the confirmed index is
// applied locally every read of the batch proceeds against the local store.
import { randomBytes } from 'node:crypto'
import type { ReadState } from '../raft/index.js'
import type { WaitTime } from '../pkg/wait.js'
import { ErrLeaderChanged, ErrStopped, ErrTimeout } from './errors.js'

interface Reader { resolve: () => void, reject: (e: unknown) => void }

interface InflightBatch {
  ctx: Uint8Array
  readers: Reader[]
  retry: NodeJS.Timeout
  deadline: NodeJS.Timeout
}

export interface ReadIndexLoopOptions {
  /** Hands a ReadIndex request to raft (and schedules the raft loop). */
  readIndex (ctx: Uint8Array): void
  appliedWait: WaitTime
  /** How long a batch may wait for its ReadState before failing with ErrTimeout. */
  timeoutMs: number
  /** How long to wait before re-asking with a new context (etcd: 500 ms). */
  retryMs: number
  onSlow?: () => void
  onFailed?: () => void
}

export class ReadIndexLoop {
  readonly #o: ReadIndexLoopOptions
  #next: Reader[] = []
  #inflight: InflightBatch | undefined
  #counter: bigint
  #stopped = false

  constructor (o: ReadIndexLoopOptions) {
    this.#o = o
    this.#counter = randomBytes(8).readBigUInt64BE(0)
  }

  /** Resolves once a read issued now may be served from the local store linearizably. */
  linearizableReadNotify (): Promise<void> {
    if (this.#stopped) return Promise.reject(ErrStopped())
    return new Promise<void>((resolve, reject) => {
      this.#next.push({ resolve, reject })
      if (this.#inflight === undefined) this.#startBatch()
    })
  }

  /** Feed ReadStates from the raft loop. States for contexts we did not issue are ignored. */
  onReadStates (states: ReadState[]): void {
    const b = this.#inflight
    if (b === undefined) return
    for (const rs of states) {
      if (!sameBytes(rs.requestCtx, b.ctx)) continue
      this.#finishBatch()
      const readers = b.readers
      this.#o.appliedWait.wait(rs.index).then(() => {
        for (const r of readers) r.resolve()
      }, () => {})
      return
    }
  }

  /** The leader changed: every read waiting on the old leader fails. */
  onLeaderChanged (): void {
    const b = this.#inflight
    if (b === undefined) return
    this.#finishBatch()
    this.#o.onFailed?.()
    const err = ErrLeaderChanged()
    for (const r of b.readers) r.reject(err)
  }

  stop (): void {
    this.#stopped = true
    const b = this.#inflight
    const err = ErrStopped()
    if (b !== undefined) {
      this.#finishBatch()
      for (const r of b.readers) r.reject(err)
    }
    for (const r of this.#next) r.reject(err)
    this.#next = []
  }

  #newCtx (): Uint8Array {
    this.#counter = (this.#counter + 1n) & 0xffffffffffffffffn
    const ctx = Buffer.alloc(8)
    ctx.writeBigUInt64BE(this.#counter)
    return ctx
  }

  #startBatch (): void {
    if (this.#next.length === 0 || this.#stopped) return
    const readers = this.#next
    this.#next = []
    const b: InflightBatch = {
      ctx: this.#newCtx(),
      readers,
      retry: setInterval(() => {
        // No answer yet: ask again with a context that was never used before.
        this.#o.onSlow?.()
        this.#issue(b)
      }, this.#o.retryMs),
      deadline: setTimeout(() => {
        if (this.#inflight !== b) return
        this.#finishBatch()
        this.#o.onFailed?.()
        const err = ErrTimeout()
        for (const r of b.readers) r.reject(err)
      }, this.#o.timeoutMs)
    }
    this.#inflight = b
    this.#issue(b)
  }

  /** Asks raft with a fresh context. Raft drops the request while it knows no leader; a retry follows. */
  #issue (b: InflightBatch): void {
    b.ctx = this.#newCtx()
    try {
      this.#o.readIndex(b.ctx)
    } catch (err) {
      if ((err as { code?: string }).code !== 'ErrProposalDropped') throw err
    }
  }

  /** A leader became known: re-ask at once instead of waiting for the retry timer. */
  onLeaderElected (): void {
    const b = this.#inflight
    if (b !== undefined) this.#issue(b)
  }

  #finishBatch (): void {
    const b = this.#inflight
    if (b === undefined) return
    clearInterval(b.retry)
    clearTimeout(b.deadline)
    this.#inflight = undefined
    // Reads that arrived meanwhile form the next batch at once.
    queueMicrotask(() => { if (this.#inflight === undefined) this.#startBatch() })
  }
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
