// The sliding window of MsgApp messages sent to one follower and not yet acknowledged, bounded
// by a message count and (optionally) by the total payload bytes.
import { RaftPanic } from '../errors.js'

export class Inflights {
  private start = 0
  private cnt = 0
  private bytesInFlight = 0
  private readonly indexes: number[] = []
  private readonly sizes: number[] = []

  /**
   * @param size maximum number of messages in flight
   * @param maxBytes maximum total payload bytes in flight (0 = unlimited)
   */
  constructor (readonly size: number, readonly maxBytes = 0) {}

  /** A copy with the same limits and contents. */
  clone (): Inflights {
    const c = new Inflights(this.size, this.maxBytes)
    for (let i = 0; i < this.cnt; i++) {
      const j = (this.start + i) % this.size
      c.add(this.indexes[j], this.sizes[j])
    }
    return c
  }

  /** Records a message whose last entry is `index` carrying `bytes` of payload. */
  add (index: number, bytes: number): void {
    if (this.full()) throw new RaftPanic('cannot add into a full inflights')
    let next = this.start + this.cnt
    if (next >= this.size) next -= this.size
    this.indexes[next] = index
    this.sizes[next] = bytes
    this.cnt++
    this.bytesInFlight += bytes
  }

  /** Frees every message whose last index is ≤ `to`. */
  freeLE (to: number): void {
    if (this.cnt === 0 || to < this.indexes[this.start]) return
    let idx = this.start
    let i = 0
    let bytes = 0
    for (; i < this.cnt; i++) {
      if (to < this.indexes[idx]) break
      bytes += this.sizes[idx]
      if (++idx >= this.size) idx -= this.size
    }
    this.cnt -= i
    this.bytesInFlight -= bytes
    this.start = idx
    if (this.cnt === 0) this.start = 0
  }

  /** True when no more messages may be sent. */
  full (): boolean {
    return this.cnt === this.size || (this.maxBytes !== 0 && this.bytesInFlight >= this.maxBytes)
  }

  count (): number { return this.cnt }

  bytes (): number { return this.bytesInFlight }

  reset (): void {
    this.start = 0
    this.cnt = 0
    this.bytesInFlight = 0
  }
}
