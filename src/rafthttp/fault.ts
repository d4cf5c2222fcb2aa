// A test-only fault rule table (design/raft-and-reliability.md §6.2): traffic to and/or from the
// listed peers is dropped, on send for outgoing messages and on receive for incoming ones, so
// both symmetric and one-way cuts can be made. The peer route that sets it exists only when
// ETCD_TS_FAILPOINTS=1.

import { seededRandom } from '../raft/index.js'

/** Which way traffic is cut: both ways, only what this member sends, or only what it receives. */
export type FaultDirection = 'both' | 'send' | 'receive'

/** A flaky network on every outgoing link: each message dropped with probability `drop`, else delayed. */
export interface Flaky { drop: number, delayMs: number, jitterMs: number }

export class FaultRules {
  #send = new Set<bigint>()
  #receive = new Set<bigint>()
  #flaky: Flaky | undefined
  #random: () => number = seededRandom(1)

  /** Makes every outgoing raft message flaky (`undefined` heals); the coin is seeded with `seed`. */
  setFlaky (f: Flaky | undefined, seed = 1): void {
    this.#flaky = f !== undefined && (f.drop > 0 || f.delayMs > 0 || f.jitterMs > 0) ? f : undefined
    this.#random = seededRandom(seed)
  }

  /**
   * For one outgoing message under a flaky network: -1 to drop it, else the delay in ms (0 = send
   * now). Without a flaky rule, always 0.
   */
  flakyDelay (): number {
    const f = this.#flaky
    if (f === undefined) return 0
    if (this.#random() < f.drop) return -1
    return Math.max(0, f.delayMs + (this.#random() * 2 - 1) * f.jitterMs)
  }

  /** Replaces the rules: drop traffic with these peers in `direction` (an empty list heals). */
  partition (peers: Iterable<bigint>, direction: FaultDirection = 'both'): void {
    const ids = [...peers]
    this.#send = new Set(direction === 'receive' ? [] : ids)
    this.#receive = new Set(direction === 'send' ? [] : ids)
  }

  /** Messages to `peer` are dropped. */
  blocksSend (peer: bigint): boolean {
    return this.#send.size > 0 && this.#send.has(peer)
  }

  /** Messages from `peer` are dropped. */
  blocksReceive (peer: bigint): boolean {
    return this.#receive.size > 0 && this.#receive.has(peer)
  }

  /** Any rule concerns `peer`. */
  blocks (peer: bigint): boolean {
    return this.blocksSend(peer) || this.blocksReceive(peer)
  }

  get blocked (): bigint[] {
    return [...new Set([...this.#send, ...this.#receive])]
  }
}

export { failpointsEnabled } from '../pkg/failpoint.js'
