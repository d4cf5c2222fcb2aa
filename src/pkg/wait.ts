/**
 * Wait: a registry of pending results keyed by a 64-bit request ID, as etcd's pkg/wait. The
 * proposer registers an ID and awaits; the applier triggers the ID with the result. Triggering
 * an unknown ID is a no-op (the proposer may have timed out, or the entry came from another
 * member).
 */
export class Wait<T> {
  readonly #pending = new Map<bigint, { resolve: (v: T) => void, reject: (e: unknown) => void }>()

  /** Registers `id` and returns the promise its trigger resolves. An ID may be registered once. */
  register (id: bigint): Promise<T> {
    if (this.#pending.has(id)) throw new Error(`wait: duplicate id ${id}`)
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
    })
  }

  /** Resolves the waiter of `id`, if any. */
  trigger (id: bigint, value: T): boolean {
    const w = this.#pending.get(id)
    if (w === undefined) return false
    this.#pending.delete(id)
    w.resolve(value)
    return true
  }

  /** Rejects the waiter of `id`, if any. */
  fail (id: bigint, err: unknown): boolean {
    const w = this.#pending.get(id)
    if (w === undefined) return false
    this.#pending.delete(id)
    w.reject(err)
    return true
  }

  /** Forgets `id` without settling it (its proposer gave up). */
  cancel (id: bigint): void {
    this.#pending.delete(id)
  }

  /** Rejects every waiter (used on shutdown and leader loss). */
  failAll (err: unknown): void {
    const all = [...this.#pending.values()]
    this.#pending.clear()
    for (const w of all) w.reject(err)
  }

  isRegistered (id: bigint): boolean {
    return this.#pending.has(id)
  }

  get size (): number {
    return this.#pending.size
  }
}

/**
 * WaitTime: waiters on a monotonically increasing deadline (an applied index), as etcd's
 * wait.WaitTime. `wait(n)` resolves once `trigger(m)` was called with m >= n.
 */
export class WaitTime {
  #last = 0
  readonly #waiters: Array<{ at: number, resolve: () => void }> = []

  wait (at: number): Promise<void> {
    if (at <= this.#last) return Promise.resolve()
    return new Promise((resolve) => {
      this.#waiters.push({ at, resolve })
    })
  }

  trigger (at: number): void {
    if (at <= this.#last) return
    this.#last = at
    if (this.#waiters.length === 0) return
    let keep = 0
    for (const w of this.#waiters) {
      if (w.at <= at) w.resolve()
      else this.#waiters[keep++] = w
    }
    this.#waiters.length = keep
  }

  get last (): number {
    return this.#last
  }
}
