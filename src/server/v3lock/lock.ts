// The Lock service (etcd's v3lock over clientv3/concurrency.Mutex): the lock is the key
// `<name>/<lease hex>` with the lease attached; the holder is the oldest key under `<name>/`;
// others wait for every older key to be deleted. Every error reaches the client as a gRPC
// Unknown (code 2, HTTP 500) with the wire text, as etcd's embedded client returns plain errors.
import { CompareResult, CompareTarget } from '../../api/etcdserverpb/kv.js'
import type { LockRequest, LockResponse, LockServer, UnlockRequest, UnlockResponse } from '../../api/v3lockpb/lock.js'
import { toUnknownError } from '../../api/rpctypes/errors.js'
import { CodedError } from '../../pkg/coded-error.js'
import {
  DEFAULT_SESSION_TTL, byCreate, bytes, concat, leaseKey, rangeKvs, type ConcurrencyClient
} from './client.js'
import { waitDeletes } from './wait-deletes.js'

/** concurrency.ErrSessionExpired. */
export const errSessionExpired = (): CodedError => new CodedError('ErrSessionExpired', 'mutex: session is expired')

export class V3Lock implements LockServer {
  readonly #c: ConcurrencyClient

  constructor (c: ConcurrencyClient) {
    this.#c = c
  }

  async lock (r: LockRequest, signal?: AbortSignal): Promise<LockResponse> {
    try {
      return await this.#lock(r, signal)
    } catch (err) {
      throw toUnknownError(err)
    }
  }

  async #lock (r: LockRequest, signal?: AbortSignal): Promise<LockResponse> {
    const c = this.#c
    let lease = r.lease ?? 0n
    if (lease === 0n) lease = (await c.leaseGrant({ TTL: DEFAULT_SESSION_TTL })).ID
    const prefix = concat(bytes(r.name), '/')
    const key = leaseKey(prefix, lease)
    const owner = { requestRange: byCreate(prefix, 'first') }
    const resp = await c.txn({
      compare: [{ result: CompareResult.EQUAL, target: CompareTarget.CREATE, key, targetUnion: { createRevision: 0n } }],
      success: [{ requestPut: { key, value: new Uint8Array(0), lease } }, owner],
      failure: [{ requestRange: { key } }, owner]
    })
    const myRev = resp.succeeded ? resp.header.revision ?? 0n : rangeKvs(resp.responses[0])[0].createRevision
    const holder = rangeKvs(resp.responses[1])
    if (holder.length === 0 || holder[0].createRevision === myRev) return { header: resp.header, key }
    let header
    try {
      header = await waitDeletes(c, prefix, myRev - 1n, signal)
    } catch (err) {
      // The waiter went away: give the place up (concurrency.Mutex unlocks on a canceled wait).
      await c.deleteRange({ key }).catch(() => {})
      throw err
    }
    const mine = await c.range({ key })
    if (mine.kvs.length === 0) throw errSessionExpired()
    return { header, key }
  }

  async unlock (r: UnlockRequest): Promise<UnlockResponse> {
    try {
      const resp = await this.#c.deleteRange({ key: r.key })
      return { header: resp.header }
    } catch (err) {
      throw toUnknownError(err)
    }
  }
}
