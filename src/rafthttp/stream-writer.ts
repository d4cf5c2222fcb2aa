// The writing end of a stream: a peer dialled GET /raft/stream/<type>/<ourID> and we write the
// messages bound for it into that response, as frames, batched into one socket write per turn
// of the event loop, or at once when the transport flushes after handing over a Ready's messages
// (the leader's appends must leave before it blocks on its own fdatasync). The queue is bounded:
// when full, the message is dropped (the caller counts it and tells raft the peer is
// unreachable). An empty frame goes out when the stream is idle.
import type { ServerResponse } from 'node:http'
import type { Message } from '../raft/index.js'
import { encodeFrames, heartbeatFrame } from './msg-codec.js'

export const StreamType = { Message: 'message', MsgApp: 'msgapp' } as const

export type StreamType = typeof StreamType[keyof typeof StreamType]

export class StreamWriter {
  readonly type: StreamType
  readonly #res: ServerResponse
  readonly #cap: number
  #queue: Message[] = []
  #scheduled = false
  #waitingDrain = false
  #closed = false
  #lastWrite = Date.now()
  readonly #hb: NodeJS.Timeout
  readonly #onClose: () => void
  sentBytes = 0

  constructor (type: StreamType, res: ServerResponse, cap: number, heartbeatMs: number, onClose: () => void) {
    this.type = type
    this.#res = res
    this.#cap = cap
    this.#onClose = onClose
    res.on('close', () => this.close())
    res.on('error', () => this.close())
    this.#hb = setInterval(() => {
      if (!this.#closed && this.#queue.length === 0 && Date.now() - this.#lastWrite >= heartbeatMs) this.#write(heartbeatFrame)
    }, heartbeatMs)
  }

  get closed (): boolean {
    return this.#closed
  }

  /** Queues `m`; false if the queue is full (the message is dropped) or the stream closed. */
  enqueue (m: Message): boolean {
    if (this.#closed || this.#queue.length >= this.#cap) return false
    this.#queue.push(m)
    if (!this.#scheduled && !this.#waitingDrain) {
      this.#scheduled = true
      setImmediate(() => this.#flush())
    }
    return true
  }

  /** Writes what is queued now instead of on the next turn. */
  flushNow (): void {
    if (this.#scheduled && !this.#waitingDrain) this.#flush()
  }

  #flush (): void {
    this.#scheduled = false
    if (this.#closed || this.#queue.length === 0) return
    // Bound one write to a few MB so a burst does not build one huge buffer.
    let n = 0
    let size = 0
    while (n < this.#queue.length && size < 4 * 1024 * 1024) {
      size += 64 + this.#queue[n].entries.reduce((s, e) => s + e.data.length + 32, 0)
      n++
    }
    const batch = this.#queue.splice(0, n)
    const ok = this.#write(encodeFrames(batch))
    if (!ok) {
      this.#waitingDrain = true
      this.#res.once('drain', () => {
        this.#waitingDrain = false
        this.#flush()
      })
    } else if (this.#queue.length > 0) {
      this.#scheduled = true
      setImmediate(() => this.#flush())
    }
  }

  #write (b: Buffer): boolean {
    this.#lastWrite = Date.now()
    this.sentBytes += b.length
    try {
      return this.#res.write(b)
    } catch {
      this.close()
      return true
    }
  }

  /** Ends the response; queued messages are dropped. Returns them so the caller can count them. */
  close (): number {
    if (this.#closed) return 0
    this.#closed = true
    clearInterval(this.#hb)
    const dropped = this.#queue.length
    this.#queue = []
    try { this.#res.end() } catch {}
    this.#onClose()
    return dropped
  }
}
