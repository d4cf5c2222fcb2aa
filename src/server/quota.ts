// The backend quota (etcd's etcdserver/quota.go): a write is admitted while the backend file plus
// an estimate of what the request adds stays under --quota-backend-bytes. A request that would not
// fit raises the NOSPACE alarm for this member and is refused with ErrNoSpace; the alarm then
// caps the applier on every member until an operator clears it.
import type { PutRequest, RequestOp, TxnRequest } from '../api/etcdserverpb/kv.js'
import type { Backend } from '../storage/backend/index.js'

/** etcd's per-key overhead estimate (revision, index and bucket entries). */
const kvOverhead = 256
/** etcd's per-lease overhead estimate. */
const leaseOverhead = 64

export function costPut (r: PutRequest): number {
  return kvOverhead + (r.key?.length ?? 0) + (r.value?.length ?? 0)
}

/** The larger of the two branches' put costs (only one branch runs), nested txns included. */
export function costTxn (r: TxnRequest): number {
  const branch = (ops: readonly RequestOp[] | undefined): number => (ops ?? []).reduce((sum, op) => {
    if ('requestPut' in op) return sum + costPut(op.requestPut)
    if ('requestTxn' in op) return sum + costTxn(op.requestTxn)
    return sum
  }, 0)
  return Math.max(branch(r.success), branch(r.failure))
}

export const costLeaseGrant = leaseOverhead

export class BackendQuota {
  readonly #backend: () => Backend
  /** The file size seen after the backend's last commit (it only grows on commits). */
  #size = 0
  #seen: { be: Backend | undefined, commits: number } = { be: undefined, commits: -1 }

  /** @param maxBytes the quota; Infinity when disabled (negative --quota-backend-bytes) */
  constructor (backend: () => Backend, readonly maxBytes: number) {
    this.#backend = backend
  }

  /** Forgets the cached size (after a defragmentation shrank the file). */
  invalidate (): void {
    this.#seen = { be: undefined, commits: -1 }
  }

  /** True when a request costing `cost` bytes fits (a request that adds nothing always does). */
  available (cost: number): boolean {
    if (cost === 0 || this.maxBytes === Infinity) return true
    const be = this.#backend()
    if (be !== this.#seen.be || be.commits !== this.#seen.commits) {
      this.#seen = { be, commits: be.commits }
      this.#size = be.size()
    }
    return this.#size + cost < this.maxBytes
  }
}
