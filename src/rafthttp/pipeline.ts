// The pipeline (POST /raft): one message per request, a few requests in flight, used when no
// stream to the peer is up. Its queue is bounded (etcd: 64); a full queue drops the message.
import type { Dispatcher } from 'undici'
import { encodeMessage, type Message } from '../raft/index.js'

const connPerPipeline = 4
const pipelineBufSize = 64

export interface PipelineOptions {
  dispatcher (): Dispatcher
  headers (): Record<string, string>
  /** A send failed (network or non-204 answer). */
  onFailure (m: Message, status: number, text: string): void
  onSuccess (): void
}

export class Pipeline {
  readonly #o: PipelineOptions
  #queue: Message[] = []
  #inflight = 0
  #stopped = false

  constructor (o: PipelineOptions) {
    this.#o = o
  }

  /** Queues `m`; false when the queue is full (the message is dropped). */
  send (m: Message): boolean {
    if (this.#stopped || this.#queue.length >= pipelineBufSize) return false
    this.#queue.push(m)
    this.#pump()
    return true
  }

  stop (): void {
    this.#stopped = true
    this.#queue = []
  }

  #pump (): void {
    while (!this.#stopped && this.#inflight < connPerPipeline && this.#queue.length > 0) {
      const m = this.#queue.shift() as Message
      this.#inflight++
      this.#post(m).finally(() => {
        this.#inflight--
        this.#pump()
      })
    }
  }

  async #post (m: Message): Promise<void> {
    try {
      const res = await this.#o.dispatcher().request({
        method: 'POST',
        path: '/raft',
        headers: { ...this.#o.headers(), 'Content-Type': 'application/protobuf' },
        body: Buffer.from(encodeMessage(m)),
        headersTimeout: 5000,
        bodyTimeout: 5000
      })
      const text = await res.body.text()
      if (res.statusCode === 204) this.#o.onSuccess()
      else this.#o.onFailure(m, res.statusCode, text)
    } catch (err) {
      this.#o.onFailure(m, 0, (err as Error).message)
    }
  }
}
