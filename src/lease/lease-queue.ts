// The expiry heap of the primary lessor (etcd's LeaseQueue): a binary min-heap of (lease ID,
// time) items. An item may be stale — the lease was renewed (a newer item exists) or revoked —
// so whoever pops checks the item against the lease itself.
import type { LeaseID } from './lease.js'

export interface LeaseItem {
  id: LeaseID
  /** Due time in ms on the lessor's clock. */
  time: number
}

export class LeaseQueue {
  readonly #h: LeaseItem[] = []

  get length (): number { return this.#h.length }

  push (item: LeaseItem): void {
    const h = this.#h
    h.push(item)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (h[p].time <= h[i].time) break
      ;[h[p], h[i]] = [h[i], h[p]]
      i = p
    }
  }

  /** The earliest item without removing it. */
  peek (): LeaseItem | undefined {
    return this.#h[0]
  }

  pop (): LeaseItem | undefined {
    const h = this.#h
    if (h.length === 0) return undefined
    const top = h[0]
    const last = h.pop() as LeaseItem
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && h[l].time < h[m].time) m = l
        if (r < h.length && h[r].time < h[m].time) m = r
        if (m === i) break
        ;[h[m], h[i]] = [h[i], h[m]]
        i = m
      }
    }
    return top
  }

  clear (): void {
    this.#h.length = 0
  }
}
