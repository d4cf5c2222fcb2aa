// A test-only fault rule table (design/raft-and-reliability.md §6.2): traffic to and/or from the
// listed peers is dropped, on send for outgoing messages and on receive for incoming ones, so
// both symmetric and one-way cuts can be made. The peer route that sets it exists only when
// ETCD_TS_FAILPOINTS=1.

/** Which way traffic is cut: both ways, only what this member sends, or only what it receives. */
export type FaultDirection = 'both' | 'send' | 'receive'

export class FaultRules {
  #send = new Set<bigint>()
  #receive = new Set<bigint>()

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
