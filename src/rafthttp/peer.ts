// One remote member (etcd's rafthttp.peer): the undici pools to its URLs (long-lived streams
// apart from unary posts), the two stream readers we dial, the stream writers it dialled, the
// pipeline fallback and snapshot sending. Messages go out on the writer of their kind (MsgApp
// on msgapp, the rest on message; either falls back to the other), else on the pipeline.
import { Pool, type Dispatcher } from 'undici'
import type { Logger } from 'pino'
import { MessageType, type Message } from '../raft/index.js'
import { StreamReader } from './stream-reader.js'
import { StreamType, type StreamWriter } from './stream-writer.js'
import { Pipeline } from './pipeline.js'
import { sendSnapshot, type SnapshotSendResult } from './snapshot-sender.js'
import type { PeerTLS, SnapshotIO } from './types.js'

interface Pools { stream: Pool, unary: Pool }

export interface PeerOptions {
  localId: bigint
  id: bigint
  urls: string[]
  headers (): Record<string, string>
  tls?: PeerTLS
  readTimeoutMs: number
  snapshots: SnapshotIO
  logger: Logger
  /** A message arrived from this peer on one of our stream readers. */
  onMessage (m: Message): void
  /** Delivery of `m` failed. */
  onSendFailure (m: Message, why: string): void
  onSnapshotDone (r: SnapshotSendResult | undefined, err?: unknown): void
  onRejected (status: number, text: string): void
}

export class Peer {
  readonly id: bigint
  readonly #o: PeerOptions
  #urls: string[]
  #pick = 0
  readonly #pools = new Map<string, Pools>()
  readonly #readers: StreamReader[]
  readonly #writers = new Map<StreamType, StreamWriter>()
  readonly #pipeline: Pipeline
  /** ms timestamp since when the peer has been reachable (0: not now). */
  activeSince = 0
  #activeReaders = 0
  snapshotInFlight = false
  #stopped = false

  constructor (o: PeerOptions) {
    this.id = o.id
    this.#o = o
    this.#urls = [...o.urls]
    this.#readers = [StreamType.Message, StreamType.MsgApp].map((type) => new StreamReader({
      type,
      localId: o.localId,
      peerId: o.id,
      dispatcher: () => this.#pool().stream,
      onDialError: () => this.#nextURL(),
      headers: o.headers(),
      readTimeoutMs: o.readTimeoutMs,
      onMessage: (m) => o.onMessage(m),
      onActive: (a) => this.#onReaderActive(a),
      onRejected: (s, t) => o.onRejected(s, t),
      logger: o.logger
    }))
    this.#pipeline = new Pipeline({
      dispatcher: () => this.#pool().unary,
      headers: o.headers,
      onFailure: (m, status, text) => {
        if (status === 0) this.#nextURL()
        o.onSendFailure(m, status === 0 ? text : `${status} ${text.trim()}`)
      },
      onSuccess: () => { if (this.activeSince === 0) this.activeSince = Date.now() }
    })
    for (const r of this.#readers) r.start()
  }

  get urls (): string[] {
    return this.#urls
  }

  /** The unary dispatcher (probing, snapshot). */
  get unary (): Dispatcher {
    return this.#pool().unary
  }

  /** True when at least one stream to the peer is up either way. */
  get streaming (): boolean {
    return this.#activeReaders > 0 || this.#writers.size > 0
  }

  update (urls: string[]): void {
    this.#urls = [...urls]
    this.#pick = 0
    for (const r of this.#readers) r.reset()
  }

  #pool (): Pools {
    const url = this.#urls[this.#pick % this.#urls.length]
    let p = this.#pools.get(url)
    if (p === undefined) {
      const connect = url.startsWith('https:') && this.#o.tls !== undefined ? { ...this.#o.tls } : undefined
      p = {
        stream: new Pool(url, { connections: 2, pipelining: 0, keepAliveTimeout: 60_000, connect }),
        unary: new Pool(url, { connections: 4, pipelining: 1, connect })
      }
      this.#pools.set(url, p)
    }
    return p
  }

  #nextURL (): void {
    if (this.#urls.length > 1) this.#pick = (this.#pick + 1) % this.#urls.length
  }

  #onReaderActive (a: boolean): void {
    this.#activeReaders += a ? 1 : -1
    this.#refreshActive()
  }

  #refreshActive (): void {
    if (this.streaming) {
      if (this.activeSince === 0) this.activeSince = Date.now()
    } else {
      this.activeSince = 0
    }
  }

  /** A stream the peer dialled: messages of that kind now go out on it. Replaces an older one. */
  attachWriter (w: StreamWriter): void {
    this.#writers.get(w.type)?.close()
    this.#writers.set(w.type, w)
    this.#refreshActive()
  }

  detachWriter (w: StreamWriter): void {
    if (this.#writers.get(w.type) === w) this.#writers.delete(w.type)
    this.#refreshActive()
  }

  /** Queues `m`; false when it had to be dropped. */
  send (m: Message): boolean {
    if (this.#stopped) return false
    if (m.type === MessageType.MsgSnap) {
      this.#sendSnap(m).catch(() => {})
      return true
    }
    const primary = m.type === MessageType.MsgApp ? StreamType.MsgApp : StreamType.Message
    const other = primary === StreamType.MsgApp ? StreamType.Message : StreamType.MsgApp
    const w = this.#writers.get(primary) ?? this.#writers.get(other)
    if (w !== undefined && !w.closed) return w.enqueue(m)
    return this.#pipeline.send(m)
  }

  /** Writes the messages queued on this peer's streams now. */
  flush (): void {
    for (const w of this.#writers.values()) w.flushNow()
  }

  async #sendSnap (m: Message): Promise<void> {
    if (this.snapshotInFlight) {
      this.#o.onSnapshotDone(undefined, new Error('a snapshot is already being sent to this peer'))
      return
    }
    this.snapshotInFlight = true
    try {
      const r = await sendSnapshot(m, this.#o.snapshots, this.#pool().unary, this.#o.headers(), 60_000)
      this.#o.onSnapshotDone(r)
    } catch (err) {
      this.#o.onSnapshotDone(undefined, err)
    } finally {
      this.snapshotInFlight = false
    }
  }

  async stop (): Promise<void> {
    this.#stopped = true
    this.#pipeline.stop()
    for (const w of [...this.#writers.values()]) w.close()
    await Promise.all(this.#readers.map(async (r) => await r.stop()))
    await Promise.all([...this.#pools.values()].flatMap((p) => [p.stream.destroy(), p.unary.destroy()]).map(async (x) => await x.catch(() => {})))
  }

  stats (): { sentReaderBytes: number, receivedBytes: number } {
    return { sentReaderBytes: 0, receivedBytes: this.#readers.reduce((s, r) => s + r.receivedBytes, 0) }
  }
}
