// One lease (etcd's lease.Lease): its ID, granted TTL, the remaining TTL recorded by the last
// checkpoint, its expiry on the primary's monotonic clock, and the keys attached to it.
import { keyFromString } from './keys.js'

/** A lease ID (int64; 0 = no lease). */
export type LeaseID = bigint

/** The "no lease" ID. */
export const NoLease: LeaseID = 0n

/** etcd's MaxLeaseTTL: grants above this many seconds fail with ErrLeaseTTLTooLarge. */
export const MAX_LEASE_TTL = 9_000_000_000n

/** The expiry of a lease on a lessor that does not track expiry (a follower). */
export const FOREVER = Number.POSITIVE_INFINITY

export class Lease {
  /** Keys attached to the lease, as latin1 strings. */
  readonly keys = new Set<string>()
  /** Expiry in ms on the lessor's clock; FOREVER while not primary. */
  expiry = FOREVER
  /** Settled once the lease is revoked (keep-alives of an expired lease wait for it). */
  readonly revoked: Promise<void>
  #onRevoked!: () => void

  constructor (
    readonly id: LeaseID,
    /** The granted TTL in seconds (after the minimum was applied). */
    public ttl: number,
    /** Remaining TTL in seconds from the last checkpoint; 0 = none (use `ttl`). */
    public remainingTTL = 0
  ) {
    this.revoked = new Promise((resolve) => { this.#onRevoked = resolve })
  }

  /** The TTL a promotion or refresh counts from: the checkpointed remainder, else the full TTL. */
  effectiveTTL (): number {
    return this.remainingTTL > 0 ? this.remainingTTL : this.ttl
  }

  /** Sets the expiry `extendMs` + the effective TTL from `now`. */
  refresh (now: number, extendMs: number): void {
    this.expiry = now + extendMs + this.effectiveTTL() * 1000
  }

  /** Milliseconds left before expiry (Infinity when not tracked). */
  remainingMs (now: number): number {
    return this.expiry === FOREVER ? FOREVER : this.expiry - now
  }

  expired (now: number): boolean {
    return this.expiry <= now
  }

  /** The attached keys in byte order. */
  sortedKeys (): Uint8Array[] {
    return [...this.keys].sort().map(keyFromString)
  }

  /** @internal Called by the lessor once the lease is gone. */
  markRevoked (): void {
    this.#onRevoked()
  }
}
