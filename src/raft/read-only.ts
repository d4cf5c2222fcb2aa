// ReadIndex bookkeeping on the leader (safe mode). Every read request gets its own sequence
// number, and the heartbeats that confirm leadership carry that number (not the client's
// context). An ack for number n confirms every pending read with number ≤ n, because the
// follower acknowledged this leader after all of them were registered. Client contexts are
// therefore never compared: a duplicated or retried context cannot confirm a later read early.
import type { Message, NodeID } from './raftpb/types.js'

export interface ReadIndexStatus {
  /** The original MsgReadIndex (entries[0].data is the client's context). */
  req: Message
  /** The leader's commit index when the request arrived. */
  index: number
  seq: number
  acks: Set<NodeID>
}

/** A confirmed read: the host may serve it once its applied index reaches `index`. */
export interface ReadState {
  index: number
  requestCtx: Uint8Array
}

/** Encodes a read sequence number as a heartbeat context. */
export function encodeReadSeq (seq: number): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setFloat64(0, seq)
  return b
}

/** Decodes a heartbeat context; undefined when it is not a read sequence number. */
export function decodeReadSeq (ctx: Uint8Array): number | undefined {
  if (ctx.length !== 8) return undefined
  const v = new DataView(ctx.buffer, ctx.byteOffset, 8).getFloat64(0)
  return Number.isSafeInteger(v) && v > 0 ? v : undefined
}

export class ReadOnly {
  private nextSeq = 1
  /** Pending requests in arrival (= sequence) order. */
  readonly queue: ReadIndexStatus[] = []

  /** Registers a read at commit index `index`; returns the heartbeat context confirming it. */
  addRequest (index: number, m: Message): Uint8Array {
    const seq = this.nextSeq++
    this.queue.push({ req: m, index, seq, acks: new Set() })
    return encodeReadSeq(seq)
  }

  /**
   * Records that `id` acknowledged a heartbeat carrying `ctx`; returns the acks of the newest
   * request that ack confirms (undefined when it confirms none).
   */
  recvAck (id: NodeID, ctx: Uint8Array): Set<NodeID> | undefined {
    const seq = decodeReadSeq(ctx)
    if (seq === undefined) return undefined
    let last: ReadIndexStatus | undefined
    for (const rs of this.queue) {
      if (rs.seq > seq) break
      rs.acks.add(id)
      last = rs
    }
    return last?.acks
  }

  /** Removes and returns every request up to the one confirmed by `ctx`. */
  advance (ctx: Uint8Array): ReadIndexStatus[] {
    const seq = decodeReadSeq(ctx)
    if (seq === undefined) return []
    let n = 0
    while (n < this.queue.length && this.queue[n].seq <= seq) n++
    return this.queue.splice(0, n)
  }

  /** The context of the newest pending request (sent with every heartbeat), or empty. */
  lastPendingRequestCtx (): Uint8Array {
    if (this.queue.length === 0) return new Uint8Array(0)
    return encodeReadSeq(this.queue[this.queue.length - 1].seq)
  }

  /** Drops every pending request (leadership changed); sequence numbers keep increasing. */
  reset (): void {
    this.queue.length = 0
  }

  pendingCount (): number {
    return this.queue.length
  }
}
