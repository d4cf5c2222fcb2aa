// The Election service (etcd's v3election over clientv3/concurrency.Election): a candidacy is
// the key `<name>/<lease hex>`; the leader is the oldest key under `<name>/`; its value is the
// proclamation. Errors reach the client as gRPC Unknown (code 2, HTTP 500), as in etcd.
import { CompareResult, CompareTarget, type ResponseHeader } from '../../api/etcdserverpb/kv.js'
import type {
  CampaignRequest, CampaignResponse, ElectionServer, LeaderKey, LeaderRequest, LeaderResponse, ProclaimRequest,
  ProclaimResponse, ResignRequest, ResignResponse
} from '../../api/v3electionpb/election.js'
import { EventType, type KeyValue } from '../../api/mvccpb/kv.js'
import { toUnknownError } from '../../api/rpctypes/errors.js'
import { CodedError } from '../../pkg/coded-error.js'
import {
  DEFAULT_SESSION_TTL, ErrCanceledWait, byCreate, bytes, concat, leaseKey, rangeKvs, waitDeletes, type ConcurrencyClient
} from '../v3lock/index.js'

export const errElectionNoLeader = (): CodedError => new CodedError('ErrElectionNoLeader', 'election: no leader')
export const errElectionNotLeader = (): CodedError => new CodedError('ErrElectionNotLeader', 'election: not leader')
export const errMissingLeaderKey = (): CodedError => new CodedError('ErrMissingLeaderKey', '"leader" field must be provided')

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0
}

export class V3Election implements ElectionServer {
  readonly #c: ConcurrencyClient

  constructor (c: ConcurrencyClient) {
    this.#c = c
  }

  async #wrap<T> (fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      throw toUnknownError(err)
    }
  }

  campaign (r: CampaignRequest, signal?: AbortSignal): Promise<CampaignResponse> {
    return this.#wrap(async () => {
      const c = this.#c
      let lease = r.lease ?? 0n
      if (lease === 0n) lease = (await c.leaseGrant({ TTL: DEFAULT_SESSION_TTL })).ID
      const name = bytes(r.name)
      const value = bytes(r.value)
      const prefix = concat(name, '/')
      const key = leaseKey(prefix, lease)
      const resp = await c.txn({
        compare: [{ result: CompareResult.EQUAL, target: CompareTarget.CREATE, key, targetUnion: { createRevision: 0n } }],
        success: [{ requestPut: { key, value, lease } }],
        failure: [{ requestRange: { key } }]
      })
      let rev = resp.header.revision ?? 0n
      const leader: LeaderKey = { name, key, rev, lease }
      if (!resp.succeeded) {
        const kv = rangeKvs(resp.responses[0])[0]
        rev = kv.createRevision
        leader.rev = rev
        // Campaigning again with the same lease: proclaim the new value.
        if (!sameBytes(kv.value, value)) {
          try {
            await this.#proclaim(leader, value)
          } catch (err) {
            await this.#resign(leader)
            throw err
          }
        }
      }
      try {
        await waitDeletes(c, prefix, rev - 1n, signal)
      } catch (err) {
        if (err instanceof ErrCanceledWait) await this.#resign(leader).catch(() => {})
        throw err
      }
      return { header: resp.header, leader }
    })
  }

  async #proclaim (l: LeaderKey, value: Uint8Array): Promise<ResponseHeader> {
    const resp = await this.#c.txn({
      compare: [{ result: CompareResult.EQUAL, target: CompareTarget.CREATE, key: l.key, targetUnion: { createRevision: l.rev } }],
      success: [{ requestPut: { key: l.key, value, lease: l.lease } }]
    })
    if (!resp.succeeded) throw errElectionNotLeader()
    return resp.header
  }

  async #resign (l: LeaderKey): Promise<ResponseHeader> {
    const resp = await this.#c.txn({
      compare: [{ result: CompareResult.EQUAL, target: CompareTarget.CREATE, key: l.key, targetUnion: { createRevision: l.rev } }],
      success: [{ requestDeleteRange: { key: l.key } }]
    })
    return resp.header
  }

  proclaim (r: ProclaimRequest): Promise<ProclaimResponse> {
    return this.#wrap(async () => {
      const l = this.#leaderKey(r.leader)
      return { header: await this.#proclaim(l, bytes(r.value)) }
    })
  }

  resign (r: ResignRequest): Promise<ResignResponse> {
    return this.#wrap(async () => ({ header: await this.#resign(this.#leaderKey(r.leader)) }))
  }

  #leaderKey (l: Partial<LeaderKey> | undefined): LeaderKey {
    if (l === undefined) throw errMissingLeaderKey()
    return { name: bytes(l.name), key: bytes(l.key), rev: l.rev ?? 0n, lease: l.lease ?? 0n }
  }

  leader (r: LeaderRequest): Promise<LeaderResponse> {
    return this.#wrap(async () => {
      const resp = await this.#c.range(byCreate(concat(bytes(r.name), '/'), 'first'))
      if (resp.kvs.length === 0) throw errElectionNoLeader()
      return { header: resp.header, kv: resp.kvs[0] }
    })
  }

  /**
   * concurrency.Election.Observe: the current leader's value (waiting for a first candidate if
   * there is none), every later proclamation of that leader, then the next leader once its key
   * is deleted; until `signal` aborts.
   */
  async observe (r: LeaderRequest, send: (resp: LeaderResponse) => Promise<void> | void, signal: AbortSignal): Promise<void> {
    const c = this.#c
    const prefix = concat(bytes(r.name), '/')
    const ws = c.newWatchStream()
    signal.addEventListener('abort', () => ws.close())
    try {
      while (!signal.aborted) {
        const resp = await c.range(byCreate(prefix, 'first'))
        let kv: KeyValue | undefined = resp.kvs[0]
        let header = resp.header
        if (kv === undefined) {
          const id = ws.watch(prefix, byCreate(prefix, 'first').rangeEnd, (resp.header.revision ?? 0n) + 1n)
          while (kv === undefined) {
            const w = await ws.next()
            if (w === undefined) return
            kv = w.events.find((ev) => ev.type === EventType.PUT)?.kv
            header = { ...resp.header, revision: w.revision }
          }
          ws.cancel(id)
        }
        await send({ header, kv })
        const id = ws.watch(kv.key, undefined, kv.modRevision + 1n)
        let deleted = false
        while (!deleted) {
          const w = await ws.next()
          if (w === undefined) return
          if (w.watchId !== id) continue
          for (const ev of w.events) {
            if (ev.type === EventType.DELETE) {
              deleted = true
              break
            }
            await send({ header: { ...header, revision: w.revision }, kv: ev.kv })
          }
        }
        ws.cancel(id)
      }
    } finally {
      ws.close()
    }
  }
}
