// Serializable reads that arrive in one event-loop turn are answered together on the next turn
// from ONE read view, as etcd's reads share a concurrent read transaction: one backend read
// snapshot per turn instead of one per request, and the answers leave in one burst of socket
// writes instead of interleaving with the reading of the turn's other requests (measured on a
// 2-core machine: 10k → 17k serializable ranges/s with 64 clients).
import type { TxnRead } from '../storage/mvcc/index.js'

interface Queued {
  run: (view: TxnRead) => void
  fail: (err: unknown) => void
}

export class ReadBatcher {
  readonly #open: () => TxnRead
  #queue: Queued[] = []

  constructor (open: () => TxnRead) {
    this.#open = open
  }

  /** Runs `f` synchronously against the turn's shared view; resolves with its answer. */
  async read<T> (f: (view: TxnRead) => T): Promise<T> {
    return await new Promise<T>((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => this.#flush())
      this.#queue.push({
        run: (view) => {
          try {
            resolve(f(view))
          } catch (err) {
            reject(err)
          }
        },
        fail: reject
      })
    })
  }

  #flush (): void {
    const q = this.#queue
    this.#queue = []
    let view: TxnRead
    try {
      view = this.#open()
    } catch (err) {
      for (const r of q) r.fail(err)
      return
    }
    try {
      for (const r of q) r.run(view)
    } finally {
      view.end()
    }
  }
}
