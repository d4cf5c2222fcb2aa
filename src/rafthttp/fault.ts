// A test-only fault rule table (design/raft-and-reliability.md §6.2): traffic to and from the
// listed peers is dropped on send and on receive, which cuts this member off from them
// symmetrically. The peer route that sets it exists only when ETCD_TS_FAILPOINTS=1.

export class FaultRules {
  #blocked = new Set<bigint>()

  /** Replaces the set of peers whose traffic is dropped (empty: heal). */
  partition (peers: Iterable<bigint>): void {
    this.#blocked = new Set(peers)
  }

  blocks (peer: bigint): boolean {
    return this.#blocked.size > 0 && this.#blocked.has(peer)
  }

  get blocked (): bigint[] {
    return [...this.#blocked]
  }
}

export { failpointsEnabled } from '../pkg/failpoint.js'
