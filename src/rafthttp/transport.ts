// Transport (etcd's rafthttp.Transport): the peer registry and both halves of the protocol.
// Outgoing: `send` routes each raft message to its peer (streams, pipeline, snapshot sender).
// Incoming: the peer routes hand requests to `handleMessage`, `checkStream`/`attachStream` and
// `handleSnapshot`, which check etcd's headers and step what arrives into raft.
import type { ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { decodeMessage, MessageType, messageTypeName, type Message } from '../raft/index.js'
import { checkCompatibility, Header, headerValue, outgoingHeaders, parseHexId, type CheckFailure, type PeerHeaders } from './headers.js'
import { maxFrameBytes } from './msg-codec.js'
import { Peer } from './peer.js'
import { StreamType, StreamWriter } from './stream-writer.js'
import { FaultRules } from './fault.js'
import { newTransportMetrics, type TransportMetrics } from './metrics.js'
import type { TransportOptions } from './types.js'

/** A reply for a peer request: status and body text (or JSON). */
export interface PeerReply { status: number, text?: string, json?: unknown }

const probeIntervalMs = 5000

export class Transport {
  readonly localId: bigint
  clusterId: bigint
  readonly faults = new FaultRules()
  readonly metrics: TransportMetrics
  readonly #o: TransportOptions
  readonly #log: Logger
  readonly #peers = new Map<bigint, Peer>()
  readonly #rejectedLogged = new Set<string>()
  #prober: NodeJS.Timeout | undefined
  #stopped = false

  constructor (o: TransportOptions) {
    this.#o = o
    this.localId = o.localId
    this.clusterId = o.clusterId
    this.#log = o.logger
    this.metrics = newTransportMetrics(o.metrics)
    this.#prober = setInterval(() => { this.#probeAll().catch(() => {}) }, probeIntervalMs)
    this.#prober.unref()
  }

  #headers (): Record<string, string> {
    return outgoingHeaders(this.localId, this.clusterId, this.#o.peerURLs)
  }

  // ---- peers

  /** Adds (or updates) a remote member. The local member is never a peer. */
  addPeer (id: bigint, urls: string[]): void {
    if (id === this.localId || this.#stopped) return
    const p = this.#peers.get(id)
    if (p !== undefined) {
      if (p.urls.join(',') !== urls.join(',')) p.update(urls)
      return
    }
    if (urls.length === 0) return
    const hex = id.toString(16)
    this.#peers.set(id, new Peer({
      localId: this.localId,
      id,
      urls,
      headers: () => this.#headers(),
      tls: this.#o.tls,
      readTimeoutMs: this.#o.connReadTimeoutMs ?? 5000,
      snapshots: this.#o.snapshots,
      logger: this.#log,
      onMessage: (m) => this.#receive(m),
      onSendFailure: (m, why) => {
        this.metrics.sentFailures.inc({ To: hex })
        this.#log.debug({ remotePeerId: hex, type: messageTypeName(m.type), why }, 'failed to send raft message')
        this.#o.raft.reportUnreachable(id)
      },
      onSnapshotDone: (r, err) => {
        if (r?.ok === true) {
          this.metrics.snapshotSendSuccess.inc({ To: hex })
          this.metrics.snapshotSendSeconds.observe({ To: hex }, r.seconds)
          this.#log.info({ remotePeerId: hex, bytes: r.bytes, seconds: r.seconds, prepareSeconds: r.prepareSeconds }, 'sent database snapshot')
          this.#o.raft.reportSnapshot(id, 'finish')
        } else {
          this.metrics.snapshotSendFailures.inc({ To: hex })
          this.#log.warn({ remotePeerId: hex, err: err ?? r?.error, status: r?.status }, 'failed to send database snapshot')
          this.#o.raft.reportUnreachable(id)
          this.#o.raft.reportSnapshot(id, 'failure')
        }
      },
      onRejected: (status, text) => this.#onRejected(hex, status, text)
    }))
    this.#log.info({ remotePeerId: hex, urls }, 'added remote peer')
  }

  removePeer (id: bigint): void {
    const p = this.#peers.get(id)
    if (p === undefined) return
    this.#peers.delete(id)
    p.stop().catch(() => {})
    this.#log.info({ remotePeerId: id.toString(16) }, 'removed remote peer')
  }

  peerIds (): bigint[] {
    return [...this.#peers.keys()]
  }

  /** Since when `id` has been reachable (ms timestamp), 0 if it is not. */
  activeSince (id: bigint): number {
    if (this.faults.blocks(id)) return 0
    return this.#peers.get(id)?.activeSince ?? 0
  }

  /** True while a snapshot is being sent to any peer (log compaction waits). */
  get sendingSnapshot (): boolean {
    for (const p of this.#peers.values()) if (p.snapshotInFlight) return true
    return false
  }

  #onRejected (hex: string, status: number, text: string): void {
    const key = `${hex}:${status}:${text}`
    if (this.#rejectedLogged.has(key)) return
    this.#rejectedLogged.add(key)
    // A peer that has not learnt about us yet answers 404 until it applies our membership.
    if (status === 404) {
      this.#log.debug({ remotePeerId: hex, status, reason: text.trim() }, 'peer does not know this member yet')
      return
    }
    this.#log.error({ remotePeerId: hex, status, reason: text.trim() }, 'peer rejected the stream dial')
  }

  // ---- sending

  /**
   * Sends raft messages to their peers (never blocks; drops when a queue is full). The batch is
   * written to the streams before returning, so a leader's appends are on the wire while it
   * persists its own copy.
   */
  send (msgs: readonly Message[]): void {
    const touched = new Set<Peer>()
    for (const m of msgs) {
      if (m.to === 0n) continue
      const hex = m.to.toString(16)
      const p = this.#peers.get(m.to)
      if (p === undefined || this.faults.blocksSend(m.to)) {
        this.metrics.droppedMessages.inc({ To: hex })
        if (m.type === MessageType.MsgSnap) this.#o.raft.reportSnapshot(m.to, 'failure')
        continue
      }
      const delay = m.type === MessageType.MsgSnap ? 0 : this.faults.flakyDelay()
      if (delay < 0) {
        this.metrics.droppedMessages.inc({ To: hex })
        continue
      }
      if (delay > 0) {
        setTimeout(() => { if (!this.#stopped && p.send(m)) p.flush() }, delay).unref()
        continue
      }
      if (!p.send(m)) {
        this.metrics.droppedMessages.inc({ To: hex })
        this.#o.raft.reportUnreachable(m.to)
      }
      touched.add(p)
    }
    for (const p of touched) p.flush()
  }

  // ---- receiving

  #receive (m: Message): void {
    if (this.#stopped || this.faults.blocksReceive(m.from)) return
    this.#o.raft.process(m)
  }

  /** The version and cluster-ID checks of every raft endpoint. */
  checkCompatibility (h: PeerHeaders): CheckFailure | undefined {
    return checkCompatibility(h, this.clusterId)
  }

  #fromHeader (h: PeerHeaders): bigint | undefined {
    return parseHexId(headerValue(h, Header.ServerFrom))
  }

  /** POST /raft: one message in the body. */
  async handleMessage (h: PeerHeaders, body: AsyncIterable<Uint8Array>): Promise<PeerReply> {
    const bad = this.checkCompatibility(h)
    if (bad !== undefined) return { status: bad.status, text: bad.text }
    let buf: Buffer
    try {
      const chunks: Buffer[] = []
      let size = 0
      for await (const c of body) {
        size += c.length
        if (size > maxFrameBytes) throw new Error('too large')
        chunks.push(Buffer.from(c))
      }
      buf = Buffer.concat(chunks)
    } catch {
      return { status: 400, text: 'error reading raft message\n' }
    }
    let m: Message
    try {
      m = decodeMessage(buf)
    } catch {
      return { status: 400, text: 'error unmarshalling raft message\n' }
    }
    if (this.#o.raft.isIDRemoved(m.from)) return { status: 403, json: { message: 'cannot process message from removed member' } }
    const from = this.#fromHeader(h) ?? m.from
    this.metrics.receivedBytes.inc({ From: from.toString(16) }, buf.length)
    if (this.faults.blocksReceive(from)) return { status: 204 }
    try {
      this.#receive(m)
    } catch (err) {
      this.#log.warn({ err }, 'failed to process raft message')
      return { status: 500, text: 'error processing raft message\n' }
    }
    return { status: 204 }
  }

  /** GET /raft/stream/:type/:from, before the stream starts: etcd's checks in etcd's order. */
  checkStream (type: string, fromSeg: string, h: PeerHeaders): { ok: true, type: StreamType, from: bigint } | PeerReply {
    const bad = this.checkCompatibility(h)
    if (bad !== undefined) return { status: bad.status, text: bad.text }
    if (type !== StreamType.Message && type !== StreamType.MsgApp) return { status: 404, text: 'invalid path\n' }
    const from = parseHexId(fromSeg)
    if (from === undefined) return { status: 404, text: 'invalid from\n' }
    if (this.#o.raft.isIDRemoved(from)) return { status: 410, text: 'removed member\n' }
    if (!this.#peers.has(from)) return { status: 404, text: 'error sender not found\n' }
    const to = headerValue(h, Header.RaftTo)
    if (to !== this.localId.toString(16)) return { status: 412, text: 'to field mismatch\n' }
    if (this.faults.blocksReceive(from)) return { status: 503, text: 'partitioned (test fault)\n' }
    return { ok: true, type, from }
  }

  /** Takes over a response whose 200 head was sent: messages for `from` of `type` go out on it. */
  attachStream (type: StreamType, from: bigint, res: ServerResponse): void {
    const p = this.#peers.get(from)
    if (p === undefined) {
      res.end()
      return
    }
    const hex = from.toString(16)
    const readTimeout = this.#o.connReadTimeoutMs ?? 5000
    const w: StreamWriter = new StreamWriter(type, res, this.#o.streamBufSize ?? 4096, Math.max(100, Math.floor(readTimeout / 3)), () => {
      p.detachWriter(w)
      this.metrics.sentBytes.inc({ To: hex }, w.sentBytes)
    })
    p.attachWriter(w)
    this.#log.debug({ remotePeerId: hex, streamType: type }, 'peer dialled a stream')
  }

  /** POST /raft/snapshot: a framed MsgSnap, then the database bytes. */
  async handleSnapshot (h: PeerHeaders, body: AsyncIterable<Uint8Array>): Promise<PeerReply> {
    const bad = this.checkCompatibility(h)
    if (bad !== undefined) return { status: bad.status, text: bad.text }
    const t0 = performance.now()
    const it = body[Symbol.asyncIterator]()
    let head = Buffer.alloc(0)
    let m: Message
    let rest: Buffer
    try {
      while (head.length < 8) {
        const r = await it.next()
        if (r.done === true) throw new Error('unexpected EOF')
        head = Buffer.concat([head, r.value])
      }
      const len = Number(head.readBigUInt64BE(0))
      if (len > maxFrameBytes) throw new Error('message too large')
      while (head.length < 8 + len) {
        const r = await it.next()
        if (r.done === true) throw new Error('unexpected EOF')
        head = Buffer.concat([head, r.value])
      }
      m = decodeMessage(head.subarray(8, 8 + len))
      rest = head.subarray(8 + len)
    } catch (err) {
      return { status: 400, text: `failed to decode raft message (${(err as Error).message})\n` }
    }
    if (m.type !== MessageType.MsgSnap) return { status: 400, text: 'wrong raft message type\n' }
    const from = m.from.toString(16)
    async function * db (): AsyncIterable<Uint8Array> {
      if (rest.length > 0) yield rest
      for (;;) {
        const r = await it.next()
        if (r.done === true) return
        yield r.value
      }
    }
    try {
      const n = await this.#o.snapshots.receive(m, db())
      this.metrics.snapshotReceiveSuccess.inc({ From: from })
      this.metrics.snapshotReceiveSeconds.observe({ From: from }, (performance.now() - t0) / 1000)
      this.#log.info({ remotePeerId: from, index: m.snapshot?.metadata.index, bytes: n }, 'received and saved database snapshot')
    } catch (err) {
      this.#log.warn({ remotePeerId: from, err }, 'failed to save KV snapshot')
      return { status: 500, text: `failed to save KV snapshot (${(err as Error).message})\n` }
    }
    return { status: 204 }
  }

  // ---- probing

  async #probeAll (): Promise<void> {
    for (const p of this.#peers.values()) {
      if (this.faults.blocks(p.id)) continue
      const t0 = performance.now()
      try {
        const res = await p.unary.request({ method: 'GET', path: '/raft/probing', headersTimeout: 2000, bodyTimeout: 2000 })
        await res.body.text()
        if (res.statusCode === 200) this.metrics.roundTrip.observe({ To: p.id.toString(16) }, (performance.now() - t0) / 1000)
      } catch {
        // an unreachable peer shows as a missing sample
      }
    }
  }

  /** Stops every peer's streams and pools. */
  async stop (): Promise<void> {
    this.#stopped = true
    if (this.#prober !== undefined) clearInterval(this.#prober)
    const peers = [...this.#peers.values()]
    this.#peers.clear()
    await Promise.all(peers.map(async (p) => await p.stop()))
  }
}

/** GET /raft/probing's body (xiang90/probing's health answer). */
export function probingBody (): string {
  return JSON.stringify({ OK: true, Now: new Date().toISOString() }) + '\n'
}
