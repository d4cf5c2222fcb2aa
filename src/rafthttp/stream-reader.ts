// The reading end of a stream: this member dials GET /raft/stream/<type>/<ourID> on the peer and
// reads the frames the peer writes for us, stepping each message into raft. Redialled with
// backoff whenever it ends or fails; a stream silent for longer than the read timeout (no
// heartbeat frame) is treated as dead.
import type { Dispatcher } from 'undici'
import type { Logger } from 'pino'
import type { Message } from '../raft/index.js'
import { FrameDecoder } from './msg-codec.js'
import type { StreamType } from './stream-writer.js'

export interface StreamReaderOptions {
  type: StreamType
  localId: bigint
  peerId: bigint
  /** The dispatcher for the peer's current URL. */
  dispatcher (): Dispatcher
  /** Called after a failed dial: move to the peer's next URL. */
  onDialError (): void
  headers: Record<string, string>
  readTimeoutMs: number
  onMessage (m: Message): void
  onActive (active: boolean): void
  /** The peer refused us for good (cluster ID mismatch, removed member): log it loudly once. */
  onRejected (status: number, text: string): void
  logger: Logger
}

const minBackoffMs = 50
const maxBackoffMs = 1000

export class StreamReader {
  readonly #o: StreamReaderOptions
  #stopped = false
  #ac: AbortController | undefined
  #active = false
  #done: Promise<void> | undefined
  #wake: (() => void) | undefined
  receivedBytes = 0

  constructor (o: StreamReaderOptions) {
    this.#o = o
  }

  get active (): boolean {
    return this.#active
  }

  start (): void {
    this.#done ??= this.#loop()
  }

  /** Drops the current connection (it will be redialled). */
  reset (): void {
    this.#ac?.abort()
    this.#wake?.()
  }

  async stop (): Promise<void> {
    this.#stopped = true
    this.#ac?.abort()
    this.#wake?.()
    await this.#done
  }

  #setActive (a: boolean): void {
    if (a === this.#active) return
    this.#active = a
    this.#o.onActive(a)
  }

  async #loop (): Promise<void> {
    const o = this.#o
    let backoff = minBackoffMs
    while (!this.#stopped) {
      const ac = new AbortController()
      this.#ac = ac
      try {
        const res = await o.dispatcher().request({
          method: 'GET',
          path: `/raft/stream/${o.type}/${o.localId.toString(16)}`,
          headers: { ...o.headers, 'X-Raft-To': o.peerId.toString(16) },
          signal: ac.signal,
          headersTimeout: o.readTimeoutMs,
          bodyTimeout: o.readTimeoutMs
        })
        if (res.statusCode !== 200) {
          const text = await res.body.text().catch(() => '')
          o.onRejected(res.statusCode, text)
          throw new Error(`stream dial answered ${res.statusCode}: ${text.trim()}`)
        }
        this.#setActive(true)
        backoff = minBackoffMs
        const dec = new FrameDecoder()
        // 'data' events, not async iteration: each frame reaches raft without promise hops.
        await new Promise<void>((resolve, reject) => {
          res.body.on('data', (chunk: Buffer) => {
            this.receivedBytes += chunk.length
            try {
              for (const m of dec.push(chunk)) o.onMessage(m)
            } catch (err) {
              // A corrupt frame ends this stream (it is redialled), never the process.
              res.body.destroy(err as Error)
            }
          })
          res.body.once('end', resolve)
          res.body.once('error', reject)
        })
      } catch (err) {
        if (!this.#stopped) {
          o.logger.debug({ remotePeerId: o.peerId.toString(16), streamType: o.type, err: (err as Error).message }, 'lost stream to remote peer')
          if (!this.#active) o.onDialError()
        }
      }
      this.#setActive(false)
      if (this.#stopped) break
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, backoff)
        this.#wake = () => { clearTimeout(t); resolve() }
      })
      this.#wake = undefined
      backoff = Math.min(maxBackoffMs, backoff * 2)
    }
  }
}
