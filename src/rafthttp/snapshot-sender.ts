// Sends a MsgSnap with the backend (POST /raft/snapshot): one request whose body is the framed
// raft message followed by the raw database bytes, streamed from a consistent copy of the backend
// (never held in memory whole). The receiver answers 204 only after raft took the snapshot.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import type { Message } from '../raft/index.js'
import { encodeFrame } from './msg-codec.js'
import type { SnapshotIO } from './types.js'

export interface SnapshotSendResult {
  ok: boolean
  bytes: number
  /** Time spent streaming the request (after the backend copy was made). */
  seconds: number
  /** Time spent making the consistent copy of the backend. */
  prepareSeconds: number
  status: number
  error?: string
}

/** Streams the snapshot for `m` to the peer behind `dispatcher`. */
export async function sendSnapshot (
  m: Message, io: SnapshotIO, dispatcher: Dispatcher, headers: Record<string, string>, timeoutMs: number
): Promise<SnapshotSendResult> {
  const tp = performance.now()
  const file = await io.open(m)
  const t0 = performance.now()
  const prepareSeconds = (t0 - tp) / 1000
  try {
    const head = encodeFrame(m)
    async function * body (): AsyncIterable<Uint8Array> {
      yield head
      for await (const chunk of createReadStream(file.path, { highWaterMark: 256 * 1024 })) yield chunk as Buffer
    }
    const res = await dispatcher.request({
      method: 'POST',
      path: '/raft/snapshot',
      headers: { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': String(head.length + file.size) },
      body: Readable.from(body(), { objectMode: false }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs
    })
    const text = await res.body.text()
    const seconds = (performance.now() - t0) / 1000
    const bytes = head.length + file.size
    return res.statusCode === 204
      ? { ok: true, bytes, seconds, prepareSeconds, status: 204 }
      : { ok: false, bytes, seconds, prepareSeconds, status: res.statusCode, error: text.trim() }
  } finally {
    file.release()
  }
}
