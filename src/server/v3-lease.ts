// The Lease service of EtcdServer (etcd's v3_server.go LeaseGrant/Revoke/Renew/TimeToLive/Leases
// and the expiry side of server.go): grants, revokes and checkpoints go through raft; keep-alives
// are served by the leader's lessor; expired leases are revoked by a LeaseRevoke proposal issued
// only after the leader re-confirmed its leadership (architecture decision e).
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { Counter } from 'prom-client'
import type { ResponseHeader } from '../api/etcdserverpb/kv.js'
import type {
  LeaseCheckpointRequest, LeaseGrantRequest, LeaseGrantResponse, LeaseKeepAliveRequest, LeaseKeepAliveResponse,
  LeaseLeasesRequest, LeaseLeasesResponse, LeaseRevokeRequest, LeaseRevokeResponse, LeaseServer,
  LeaseTimeToLiveRequest, LeaseTimeToLiveResponse
} from '../api/etcdserverpb/lease.js'
import {
  ErrLeaseNotFound, ErrLeaseTTLTooLarge, ErrNotPrimary, Lessor, MAX_LEASE_TTL, type LeaseCheckpoint, type LeaseID
} from '../lease/index.js'
import type { ApplyBatch } from '../storage/mvcc/index.js'
import { isCodedError } from '../pkg/coded-error.js'
import type { IDGenerator } from '../pkg/id-util.js'
import { revHeader } from './txn/index.js'
import type { InternalOp, InternalRaftOps } from './internal-request.js'
import { ErrNoLeader, ErrNotLeader, ErrStopped } from './errors.js'

/** What the lease service needs from EtcdServer. */
export interface V3LeaseDeps {
  lessor: Lessor
  propose<K extends InternalOp> (op: K, req: InternalRaftOps[K]): Promise<unknown>
  /** A full header at `revision` (default: the current revision). */
  header (revision?: bigint): ResponseHeader
  isLeader (): boolean
  /** Whether a leader is known (0 = none). */
  leader (): bigint
  term (): number
  /** Resolves when a linearizable read could be served now (confirms leadership with a quorum). */
  linearizableReadNotify (): Promise<void>
  /** Resolves once the applied index reached the committed index seen at the call. */
  waitAppliedCommitted (): Promise<void>
  ids: IDGenerator
  logger: Logger
  metrics?: Registry
  /** Refuses a grant when the backend is over its quota (raising the NOSPACE alarm). */
  checkQuota? (): Promise<void>
  /**
   * Forwards a keep-alive to the leader from a follower (etcd's leasehttp POST /leases); resolves
   * with the TTL (0 = unknown lease). Absent: followers answer ErrNotLeader / ErrNoLeader.
   */
  forwardKeepAlive? (id: LeaseID): Promise<number>
  /** Forwards a time-to-live to the leader (leasehttp /leases/internal); absent: answered locally. */
  forwardTimeToLive? (r: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse>
}

/** The lessor's minimum TTL (etcd: ceil of 1.5 election timeouts in whole ticks, in seconds). */
export function minLeaseTTL (electionTicks: number, tickMs: number): number {
  return Math.ceil(Math.floor(3 * electionTicks / 2) * tickMs / 1000)
}

/** The raft ops this service applies (plugged into the applier). */
export type ApplyOp = (batch: ApplyBatch, req: never) => unknown

/** The apply functions of LeaseGrant, LeaseRevoke and LeaseCheckpoint entries (every member). */
export function leaseApplyOps (lessor: Lessor): Partial<Record<InternalOp, ApplyOp>> {
  const current = (batch: ApplyBatch): ResponseHeader => revHeader(batch.read().rev())
  return {
    leaseGrant: (batch, r: LeaseGrantRequest): LeaseGrantResponse => {
      const l = lessor.grant(r.ID ?? 0n, r.TTL ?? 0n, batch.tx)
      return { header: current(batch), ID: l.id, TTL: BigInt(l.ttl) }
    },
    leaseRevoke: (batch, r: LeaseRevokeRequest): LeaseRevokeResponse => {
      batch.withWrite((t) => lessor.revoke(r.ID ?? 0n, t, batch.tx))
      return { header: current(batch) }
    },
    leaseCheckpoint: (batch, r: LeaseCheckpointRequest): LeaseRevokeResponse => {
      lessor.checkpoint(r.checkpoints.map((c) => ({ id: c.ID, remainingTTL: Number(c.remainingTTL) })), batch.tx)
      return { header: current(batch) }
    }
  }
}

export class V3Lease implements LeaseServer {
  readonly #d: V3LeaseDeps
  readonly #revoking = new Set<LeaseID>()
  readonly #expiredTotal: Counter | undefined
  #stopped = false

  constructor (d: V3LeaseDeps) {
    this.#d = d
    if (d.metrics !== undefined) {
      this.#expiredTotal = new Counter({
        name: 'etcd_server_lease_expired_total',
        help: 'The total number of expired leases the leader proposed to revoke.',
        registers: [d.metrics]
      })
    }
    d.lessor.setHooks({
      onExpired: (ids) => { this.#revokeExpired(ids).catch(() => {}) },
      checkpoint: (cps) => { this.#proposeCheckpoints(cps).catch(() => {}) }
    })
  }

  get lessor (): Lessor { return this.#d.lessor }

  stop (): void {
    this.#stopped = true
  }

  async leaseGrant (r: LeaseGrantRequest): Promise<LeaseGrantResponse> {
    const req: LeaseGrantRequest = { TTL: r.TTL ?? 0n, ID: r.ID ?? 0n }
    // The server picks a positive ID when the client did not (etcd: reqIDGen & MaxInt64).
    while (req.ID === 0n) req.ID = this.#d.ids.next() & 0x7fffffffffffffffn
    if ((req.TTL as bigint) > MAX_LEASE_TTL) throw new ErrLeaseTTLTooLarge()
    await this.#d.checkQuota?.()
    const resp = await this.#d.propose('leaseGrant', req) as LeaseGrantResponse
    return { ...resp, header: this.#d.header(resp.header.revision) }
  }

  async leaseRevoke (r: LeaseRevokeRequest): Promise<LeaseRevokeResponse> {
    const resp = await this.#d.propose('leaseRevoke', { ID: r.ID ?? 0n }) as LeaseRevokeResponse
    return { header: this.#d.header(resp.header.revision) }
  }

  /** One keep-alive (one request, one answer). An unknown or expired lease answers TTL 0. */
  async leaseKeepAlive (r: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse> {
    const id = r.ID ?? 0n
    const ttl = await this.#renew(id)
    return { header: this.#d.header(), ID: id, TTL: BigInt(ttl) }
  }

  async #renew (id: LeaseID): Promise<number> {
    if (this.#stopped) throw ErrStopped()
    if (!this.#d.isLeader()) {
      // Only the leader's lessor tracks expiry: followers forward (peer /leases) when they can.
      if (this.#d.leader() === 0n) throw ErrNoLeader()
      if (this.#d.forwardKeepAlive !== undefined) return await this.#d.forwardKeepAlive(id)
      throw ErrNotLeader()
    }
    // A lease granted but not yet applied here must not be reported missing.
    await this.#d.waitAppliedCommitted()
    try {
      return await this.#d.lessor.renew(id)
    } catch (err) {
      if (err instanceof ErrLeaseNotFound) return 0
      if (err instanceof ErrNotPrimary) throw ErrNotLeader()
      throw err
    }
  }

  /** Remaining and granted TTL; an unknown lease answers TTL -1 (not an error, as etcd). */
  async leaseTimeToLive (r: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse> {
    const id = r.ID ?? 0n
    if (!this.#d.isLeader() && this.#d.leader() !== 0n && this.#d.forwardTimeToLive !== undefined) {
      return await this.#d.forwardTimeToLive({ ID: id, keys: r.keys === true })
    }
    await this.#d.linearizableReadNotify()
    const t = this.#d.lessor.timeToLive(id, r.keys === true)
    if (t === undefined) return { header: this.#d.header(), ID: id, TTL: -1n, grantedTTL: 0n, keys: [] }
    return { header: this.#d.header(), ID: id, TTL: BigInt(t.ttl), grantedTTL: BigInt(t.grantedTTL), keys: t.keys }
  }

  async leaseLeases (_r: LeaseLeasesRequest): Promise<LeaseLeasesResponse> {
    await this.#d.linearizableReadNotify()
    return { header: this.#d.header(), leases: this.#d.lessor.leases().map((l) => ({ ID: l.id })) }
  }

  /**
   * Expired leases reported by the primary lessor: re-confirm leadership with a quorum (an old
   * leader stuck on disk must not revoke), then propose LeaseRevoke for each one.
   */
  async #revokeExpired (ids: LeaseID[]): Promise<void> {
    const d = this.#d
    if (this.#stopped || !d.isLeader()) return
    const term = d.term()
    try {
      await d.linearizableReadNotify()
    } catch (err) {
      d.logger.warn({ err }, 'failed to confirm leadership before revoking expired leases')
      return
    }
    if (!d.isLeader() || d.term() !== term) return
    await Promise.all(ids.map(async (id) => {
      if (this.#revoking.has(id)) return
      this.#revoking.add(id)
      try {
        this.#expiredTotal?.inc()
        await d.propose('leaseRevoke', { ID: id })
        d.logger.debug({ lease: id.toString(16) }, 'revoked expired lease')
      } catch (err) {
        // Revoked by a client meanwhile, or the proposal failed: the lessor reports it again.
        if (!isCodedError(err, 'ErrLeaseNotFound')) d.logger.warn({ err, lease: id.toString(16) }, 'failed to revoke expired lease')
      } finally {
        this.#revoking.delete(id)
      }
    }))
  }

  async #proposeCheckpoints (cps: LeaseCheckpoint[]): Promise<void> {
    if (this.#stopped || !this.#d.isLeader()) return
    try {
      await this.#d.propose('leaseCheckpoint', {
        checkpoints: cps.map((c) => ({ ID: c.id, remainingTTL: BigInt(c.remainingTTL) }))
      })
    } catch (err) {
      this.#d.logger.warn({ err }, 'failed to checkpoint lease TTLs')
    }
  }
}
