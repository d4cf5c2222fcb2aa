// The lessor (etcd's lease.lessor), following architecture decision e: grant, revoke and
// checkpoint change state only when their raft entries are applied (on every member, inside the
// apply batch, persisted in the `lease` bucket); only the primary lessor (the leader's) tracks
// expiry, and it never revokes on its own — it reports expired leases to the server, which
// re-confirms leadership and proposes LeaseRevoke. Keep-alives are served by the primary alone.
import type { Logger } from 'pino'
import type { BatchTx, ReadTx } from '../storage/backend/index.js'
import { ErrLeaseExists, ErrLeaseNotFound, ErrLeaseTTLTooLarge, ErrNotPrimary } from './errors.js'
import { FOREVER, Lease, MAX_LEASE_TTL, type LeaseID } from './lease.js'
import { LeaseQueue } from './lease-queue.js'
import { deleteLease, persistLease, readLeases } from './persist.js'
import { keyToString } from './keys.js'

/** Deletes a key range in the revoking write txn (an mvcc TxnWrite satisfies it); injected so lease never imports mvcc. */
export interface RangeDeleter {
  deleteRange (key: Uint8Array, end: Uint8Array | undefined): unknown
}

/** One remaining-TTL checkpoint (etcd's LeaseCheckpoint). */
export interface LeaseCheckpoint {
  id: LeaseID
  /** Remaining seconds; 0 clears the checkpoint. */
  remainingTTL: number
}

export interface LessorConfig {
  /** The minimum TTL in seconds (etcd: ceil(1.5 × election timeout)). */
  minLeaseTTL: number
  /** Propose remaining-TTL checkpoints (`experimental-enable-lease-checkpoint`). */
  checkpointing?: boolean
  /** Store checkpointed TTLs in the lease bucket (`experimental-enable-lease-checkpoint-persist`). */
  checkpointPersist?: boolean
  /** How often a long lease is checkpointed, ms (etcd default 5 min). */
  checkpointIntervalMs?: number
  /** How long an expired lease waits before it is reported again, ms (etcd: 3 s). */
  expiredLeaseRetryMs?: number
  /** At most this many expired leases are reported per second (etcd's leaseRevokeRate, 1000). */
  revokeRatePerSecond?: number
  /** The lessor's monotonic clock in ms (default performance.now). */
  now?: () => number
  logger?: Logger
}

/** What the lessor asks of the server (set once the server exists). */
export interface LessorHooks {
  /** Expired leases on the primary: re-confirm leadership, then propose LeaseRevoke for each. */
  onExpired (ids: LeaseID[]): void
  /** Remaining TTLs to propose as one LeaseCheckpoint entry. */
  checkpoint? (cps: LeaseCheckpoint[]): void
}

/** What TimeToLive reports (etcd's LeaseTimeToLiveResponse without the header). */
export interface LeaseTTL {
  id: LeaseID
  /** Remaining seconds, truncated. */
  ttl: number
  grantedTTL: number
  keys: Uint8Array[]
}

const maxCheckpointBatch = 1000
const loopMaxMs = 500

export class Lessor {
  readonly #leases = new Map<LeaseID, Lease>()
  readonly #expiryQ = new LeaseQueue()
  readonly #checkpointQ = new LeaseQueue()
  readonly #cfg: Required<Omit<LessorConfig, 'logger'>> & { logger?: Logger }
  #hooks: LessorHooks | undefined
  #primary = false
  #demoted: Promise<never> = new Promise(() => {})
  #rejectDemoted: (e: unknown) => void = () => {}
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  constructor (cfg: LessorConfig) {
    this.#cfg = {
      checkpointing: false,
      checkpointPersist: false,
      checkpointIntervalMs: 5 * 60_000,
      expiredLeaseRetryMs: 3000,
      revokeRatePerSecond: 1000,
      now: () => performance.now(),
      ...cfg
    }
  }

  get minLeaseTTL (): number { return this.#cfg.minLeaseTTL }
  get isPrimary (): boolean { return this.#primary }
  get size (): number { return this.#leases.size }

  setHooks (h: LessorHooks): void { this.#hooks = h }

  /** Loads the leases stored in the backend (at start, before the KV store attaches keys). */
  recover (tx: ReadTx): void {
    this.#leases.clear()
    this.#expiryQ.clear()
    this.#checkpointQ.clear()
    for (const l of readLeases(tx)) this.#leases.set(l.id, l)
  }

  // ---- apply-time changes (every member, inside the apply batch)

  /** Applies a LeaseGrant: raises the TTL to the minimum, stores the lease, tracks it if primary. */
  grant (id: LeaseID, ttl: bigint, tx: BatchTx): Lease {
    if (ttl > MAX_LEASE_TTL) throw new ErrLeaseTTLTooLarge()
    if (this.#leases.has(id)) throw new ErrLeaseExists()
    const t = ttl < BigInt(this.#cfg.minLeaseTTL) ? this.#cfg.minLeaseTTL : Number(ttl)
    const l = new Lease(id, t)
    this.#leases.set(id, l)
    if (this.#primary) {
      l.refresh(this.#cfg.now(), 0)
      this.#expiryQ.push({ id, time: l.expiry })
      this.#scheduleCheckpoint(l)
    }
    persistLease(tx, l)
    this.#kick()
    return l
  }

  /**
   * Applies a LeaseRevoke: deletes every attached key through `deleter` (one write txn, so one
   * revision) and removes the lease from memory and the bucket.
   */
  revoke (id: LeaseID, deleter: RangeDeleter, tx: BatchTx): void {
    const l = this.#leases.get(id)
    if (l === undefined) throw new ErrLeaseNotFound()
    for (const key of l.sortedKeys()) deleter.deleteRange(key, undefined)
    this.#leases.delete(id)
    deleteLease(tx, id)
    l.markRevoked()
  }

  /** Applies a LeaseCheckpoint: records the remaining TTL (persisted when configured). */
  checkpoint (cps: readonly LeaseCheckpoint[], tx: BatchTx): void {
    for (const cp of cps) {
      const l = this.#leases.get(cp.id)
      if (l === undefined) continue
      l.remainingTTL = cp.remainingTTL
      if (this.#cfg.checkpointPersist) persistLease(tx, l)
      if (this.#primary) this.#scheduleCheckpoint(l)
    }
  }

  // ---- LeaseAttacher (kept in step by the KV store's puts and deletes)

  attach (lease: LeaseID, key: Uint8Array): void {
    this.#leases.get(lease)?.keys.add(keyToString(key))
  }

  detach (lease: LeaseID, key: Uint8Array): void {
    this.#leases.get(lease)?.keys.delete(keyToString(key))
  }

  // ---- reads

  lookup (id: LeaseID): Lease | undefined {
    return this.#leases.get(id)
  }

  /** True when the lease exists (the KV store's put check). */
  has (id: LeaseID): boolean {
    return this.#leases.has(id)
  }

  /** Every lease, soonest expiry first. */
  leases (): Lease[] {
    return [...this.#leases.values()].sort((a, b) => a.expiry - b.expiry || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** The remaining and granted TTL of a lease (undefined when it does not exist). */
  timeToLive (id: LeaseID, withKeys: boolean): LeaseTTL | undefined {
    const l = this.#leases.get(id)
    if (l === undefined) return undefined
    const ms = l.remainingMs(this.#cfg.now())
    const ttl = ms === FOREVER ? l.effectiveTTL() : Math.max(0, Math.trunc(ms / 1000))
    return { id, ttl, grantedTTL: l.ttl, keys: withKeys ? l.sortedKeys() : [] }
  }

  // ---- primary only

  /**
   * Keep-alive: refreshes the expiry to now + TTL and returns the TTL. An expired lease waits for
   * its revocation (then ErrLeaseNotFound) or for demotion (then ErrNotPrimary).
   */
  async renew (id: LeaseID): Promise<number> {
    if (!this.#primary) throw new ErrNotPrimary()
    const l = this.#leases.get(id)
    if (l === undefined) throw new ErrLeaseNotFound()
    if (l.expired(this.#cfg.now())) {
      await Promise.race([l.revoked, this.#demoted])
      throw new ErrLeaseNotFound()
    }
    if (this.#cfg.checkpointing && l.remainingTTL > 0) {
      // The lease is alive again for its full TTL: clear the checkpoint through raft.
      this.#hooks?.checkpoint?.([{ id, remainingTTL: 0 }])
    }
    l.remainingTTL = 0
    l.refresh(this.#cfg.now(), 0)
    this.#expiryQ.push({ id, time: l.expiry })
    return l.ttl
  }

  /**
   * This member became leader: every lease expires `extendMs` plus its remaining TTL from now
   * (clients get an election timeout to find the new leader), spread so that no more than ¾ of
   * the revoke rate fall into one second.
   */
  promote (extendMs: number): void {
    const now = this.#cfg.now()
    this.#primary = true
    this.#expiryQ.clear()
    this.#checkpointQ.clear()
    const all = [...this.#leases.values()]
    for (const l of all) l.refresh(now, extendMs)
    all.sort((a, b) => a.expiry - b.expiry)
    const perSecond = Math.max(1, Math.floor(this.#cfg.revokeRatePerSecond * 3 / 4))
    let sec = -Infinity
    let count = 0
    for (const l of all) {
      let s = Math.max(Math.floor(l.expiry / 1000), sec)
      if (s === sec && count >= perSecond) s = sec + 1
      if (s !== sec) {
        sec = s
        count = 0
      }
      count++
      // Only ever delayed: the overflow of a crowded second moves to the next one.
      if (s * 1000 > l.expiry) l.expiry = s * 1000
      this.#expiryQ.push({ id: l.id, time: l.expiry })
      this.#scheduleCheckpoint(l)
    }
    this.#kick()
  }

  /** This member stopped being leader: nothing expires here until promoted again. */
  demote (): void {
    if (!this.#primary) return
    this.#primary = false
    for (const l of this.#leases.values()) l.expiry = FOREVER
    this.#expiryQ.clear()
    this.#checkpointQ.clear()
    this.#rejectDemoted(new ErrNotPrimary())
    this.#demoted = new Promise<never>((_resolve, reject) => { this.#rejectDemoted = reject })
    this.#demoted.catch(() => {})
  }

  /** Starts the expiry/checkpoint loop. */
  start (): void {
    this.#demoted = new Promise<never>((_resolve, reject) => { this.#rejectDemoted = reject })
    this.#demoted.catch(() => {})
    this.#kick()
  }

  stop (): void {
    this.#stopped = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#rejectDemoted(new ErrNotPrimary())
  }

  /** (Re)arms the loop timer for the next due item, at most loopMaxMs away. */
  #kick (): void {
    if (this.#stopped) return
    const now = this.#cfg.now()
    const next = Math.min(this.#expiryQ.peek()?.time ?? Infinity, this.#checkpointQ.peek()?.time ?? Infinity)
    const delay = Math.max(0, Math.min(loopMaxMs, next - now))
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#runOnce()
      this.#kick()
    }, delay)
    this.#timer.unref()
  }

  #runOnce (): void {
    if (!this.#primary) return
    const expired = this.#findExpired(Math.max(1, Math.floor(this.#cfg.revokeRatePerSecond / 2)))
    if (expired.length > 0) {
      this.#cfg.logger?.debug({ count: expired.length }, 'leases expired; proposing revoke')
      this.#hooks?.onExpired(expired)
    }
    const cps = this.#dueCheckpoints()
    if (cps.length > 0) this.#hooks?.checkpoint?.(cps)
  }

  /** Pops up to `limit` expired leases; each is re-queued so a failed revoke is retried later. */
  #findExpired (limit: number): LeaseID[] {
    const now = this.#cfg.now()
    const out: LeaseID[] = []
    const seen = new Set<LeaseID>()
    while (out.length < limit) {
      const item = this.#expiryQ.peek()
      if (item === undefined || item.time > now) break
      this.#expiryQ.pop()
      const l = this.#leases.get(item.id)
      if (l === undefined || seen.has(l.id)) continue
      if (!l.expired(now)) continue // renewed: a newer item is queued
      seen.add(l.id)
      out.push(l.id)
      this.#expiryQ.push({ id: l.id, time: now + this.#cfg.expiredLeaseRetryMs })
    }
    return out
  }

  #scheduleCheckpoint (l: Lease): void {
    if (!this.#cfg.checkpointing) return
    if (l.ttl * 1000 <= this.#cfg.checkpointIntervalMs) return
    this.#checkpointQ.push({ id: l.id, time: this.#cfg.now() + this.#cfg.checkpointIntervalMs })
  }

  #dueCheckpoints (): LeaseCheckpoint[] {
    const now = this.#cfg.now()
    const out: LeaseCheckpoint[] = []
    while (out.length < maxCheckpointBatch) {
      const item = this.#checkpointQ.peek()
      if (item === undefined || item.time > now) break
      this.#checkpointQ.pop()
      const l = this.#leases.get(item.id)
      if (l === undefined) continue
      const ms = l.remainingMs(now)
      if (ms === FOREVER || ms <= 0) continue
      out.push({ id: l.id, remainingTTL: Math.ceil(ms / 1000) })
    }
    return out
  }
}
