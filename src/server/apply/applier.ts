// The applier (etcd's apply/apply.go + server's applyAll): turns one Ready's committed entries into
// ONE backend transaction that also records the consistent index (architecture decision c), then
// hands each proposer its result. Entries at or below the backend's consistent index were applied
// before a restart: their effects are skipped, their membership bookkeeping replayed.
import type { Logger } from 'pino'
import {
  EntryType, type ConfState, type Entry, type RawNode
} from '../../raft/index.js'
import type { KVStore, ApplyBatch } from '../../storage/mvcc/index.js'
import { deleteRange, put, range, revHeader, txn, type TxnOptions } from '../txn/index.js'
import { decodeInternalRaftRequest, type InternalRaftRequest } from '../internal-request.js'
import type { ApplyResult } from '../proposer.js'
import type { Wait } from '../../pkg/wait.js'
import type { RaftCluster } from '../membership/cluster.js'
import { applyConfChangeEntry } from './membership.js'
import { failpoint, failpointsArmed } from '../../pkg/failpoint.js'

/** What applying one request produced, before the server fills the response header. */
export interface CompactionResult {
  header: ReturnType<typeof revHeader>
  /** Settles once the compacted revisions are physically removed. */
  physical: Promise<void>
}

export interface ApplierOptions {
  kv: KVStore
  rn: RawNode
  cluster: RaftCluster
  wait: Wait<ApplyResult>
  txnOptions: TxnOptions
  logger: Logger
  /** Called after every batch with the last applied index (wakes readers, triggers snapshots). */
  onApplied (index: number, term: number): void
  /** The configuration changed (conf change applied). */
  onConfState (cs: ConfState): void
  onRequestApplied? (op: InternalRaftRequest['op'], ok: boolean): void
  /** This member was removed from the cluster by an applied conf change. */
  onRemovedSelf? (): void
  /** Throws the error a request is refused with at apply time (the alarms' capped and corrupt appliers). */
  admit? (r: InternalRaftRequest): void
  /** Apply functions of the ops other services add (lease, …), keyed by op. */
  extraOps?: Partial<Record<InternalRaftRequest['op'], (batch: ApplyBatch, req: never) => unknown>>
}

export class Applier {
  readonly #o: ApplierOptions
  #appliedIndex: number
  #appliedTerm: number

  constructor (o: ApplierOptions, appliedIndex: number, appliedTerm: number) {
    this.#o = o
    this.#appliedIndex = appliedIndex
    this.#appliedTerm = appliedTerm
  }

  get appliedIndex (): number {
    return this.#appliedIndex
  }

  get appliedTerm (): number {
    return this.#appliedTerm
  }

  /** Restarts the applied position (after a snapshot restore). */
  reset (index: number, term: number): void {
    this.#appliedIndex = index
    this.#appliedTerm = term
  }

  /** Applies committed entries in one backend transaction; results reach their proposers after it commits. */
  applyEntries (entries: Entry[]): void {
    if (failpointsArmed) failpoint('beforeApply')
    const o = this.#o
    const consistent = o.kv.consistentIndex.index
    const results: Array<{ id: bigint, r: ApplyResult }> = []
    let last: Entry | undefined
    o.kv.applyBatch((batch) => {
      for (const e of entries) {
        if (e.index <= this.#appliedIndex) continue
        last = e
        const fresh = e.index > consistent
        switch (e.type) {
          case EntryType.EntryNormal:
            if (fresh && e.data.length > 0) {
              const req = decodeInternalRaftRequest(e.data)
              results.push({ id: req.id, r: this.#applyRequest(batch, req) })
            }
            break
          case EntryType.EntryConfChange:
          case EntryType.EntryConfChangeV2:
            this.#applyConfChange(e, fresh ? batch : undefined, results)
            break
        }
      }
      if (last !== undefined) batch.setConsistentIndex(last.index, last.term)
    })
    if (last !== undefined) {
      this.#appliedIndex = last.index
      this.#appliedTerm = last.term
    }
    for (const { id, r } of results) o.wait.trigger(id, r)
    if (last !== undefined) o.onApplied(this.#appliedIndex, this.#appliedTerm)
  }

  #applyRequest (batch: ApplyBatch, r: InternalRaftRequest): ApplyResult {
    const o = this.#o
    try {
      o.admit?.(r)
      let value: unknown
      switch (r.op) {
        case 'put': value = batch.withWrite((t) => put(t, r.req, o.txnOptions)); break
        case 'deleteRange': value = batch.withWrite((t) => deleteRange(t, r.req)); break
        case 'txn': value = batch.withWrite((t) => txn(t, r.req, o.txnOptions)); break
        case 'range': value = range(batch.read(), r.req); break
        case 'compaction': {
          const physical = batch.compact(r.req.revision ?? 0n)
          // A failed physical compaction is reported to the waiter that asked for it, if any.
          physical.catch((err: unknown) => o.logger.error({ err }, 'failed to compact'))
          value = { header: revHeader(batch.read().rev()), physical } satisfies CompactionResult
          break
        }
        default: {
          const f = o.extraOps?.[r.op]
          if (f === undefined) throw new Error(`unknown internal raft request op ${(r as { op: string }).op}`)
          value = f(batch, r.req as never)
        }
      }
      o.onRequestApplied?.(r.op, true)
      return { ok: true, value }
    } catch (err) {
      o.onRequestApplied?.(r.op, false)
      return { ok: false, err }
    }
  }

  #applyConfChange (e: Entry, batch: ApplyBatch | undefined, results: Array<{ id: bigint, r: ApplyResult }>): void {
    const o = this.#o
    const a = applyConfChangeEntry(e, o.rn, o.cluster, batch?.tx, () => o.kv.be.readTx())
    o.onConfState(a.confState)
    if (a.waiter !== undefined) results.push(a.waiter)
    if (a.removedSelf) o.onRemovedSelf?.()
  }
}
