// Framing of raft messages on peer streams and snapshot bodies: an 8-byte big-endian length
// followed by that many bytes of our raft message codec (src/raft encodeMessage). A frame of
// length 0 is the link heartbeat that keeps an idle stream alive.
import { decodeMessage, encodeMessage, type Message } from '../raft/index.js'

/** The 8 bytes of a link heartbeat frame. */
export const heartbeatFrame: Buffer = Buffer.alloc(8)

/** Encodes `m` as one frame. */
export function encodeFrame (m: Message): Buffer {
  const body = encodeMessage(m)
  const out = Buffer.allocUnsafe(8 + body.length)
  out.writeBigUInt64BE(BigInt(body.length), 0)
  out.set(body, 8)
  return out
}

/** Encodes several messages as consecutive frames in one buffer (one socket write). */
export function encodeFrames (msgs: readonly Message[]): Buffer {
  const parts: Buffer[] = []
  for (const m of msgs) parts.push(encodeFrame(m))
  return parts.length === 1 ? parts[0] : Buffer.concat(parts)
}

/** The largest frame a peer may send (a MsgApp batch is bounded by max-size-per-msg). */
export const maxFrameBytes = 512 * 1024 * 1024

/**
 * Incremental frame decoder: feed it chunks as they arrive; it returns the messages completed
 * (heartbeat frames are skipped).
 */
export class FrameDecoder {
  #buf: Buffer = Buffer.alloc(0)

  push (chunk: Uint8Array): Message[] {
    this.#buf = this.#buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buf, chunk])
    const out: Message[] = []
    let off = 0
    while (this.#buf.length - off >= 8) {
      const len = Number(this.#buf.readBigUInt64BE(off))
      if (len > maxFrameBytes) throw new Error(`raft frame too large (${len} bytes)`)
      if (this.#buf.length - off - 8 < len) break
      if (len > 0) out.push(decodeMessage(this.#buf.subarray(off + 8, off + 8 + len)))
      off += 8 + len
    }
    this.#buf = off === this.#buf.length ? Buffer.alloc(0) : this.#buf.subarray(off)
    return out
  }

  /** Bytes received that do not yet form a whole frame. */
  get pending (): number {
    return this.#buf.length
  }
}
