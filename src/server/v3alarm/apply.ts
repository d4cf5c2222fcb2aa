// Applying alarms (etcd's applierV3.Alarm and its capped/corrupt appliers): the AlarmRequest entry
// changes the alarm store on every member, and while NOSPACE or CORRUPT is raised the applier
// refuses the writes etcd refuses. The refusal is decided from the store at apply time, so every
// member, and a member restarting with the alarm in its backend, refuses the same entries.
import type { ApplyBatch } from '../../storage/mvcc/index.js'
import type { RequestOp, TxnRequest } from '../../api/etcdserverpb/kv.js'
import { AlarmAction, AlarmType, type AlarmRequest, type AlarmResponse } from '../../api/etcdserverpb/maintenance.js'
import type { InternalRaftRequest } from '../internal-request.js'
import { ErrCorrupt, ErrNoSpace } from '../errors.js'
import type { AlarmStore } from './alarms.js'

/** The alarm op of the applier: GET lists, ACTIVATE raises, DEACTIVATE clears (header filled later). */
export function alarmApplyOp (store: AlarmStore): (batch: ApplyBatch, r: AlarmRequest) => Omit<AlarmResponse, 'header'> {
  return (batch, r) => {
    const memberID = r.memberID ?? 0n
    const alarm = r.alarm ?? AlarmType.NONE
    switch (r.action ?? AlarmAction.GET) {
      case AlarmAction.GET:
        return { alarms: store.get(alarm) }
      case AlarmAction.ACTIVATE: {
        const m = store.activate(batch.tx, memberID, alarm)
        return { alarms: m === undefined ? [] : [m] }
      }
      case AlarmAction.DEACTIVATE: {
        const m = store.deactivate(batch.tx, memberID, alarm)
        return { alarms: m === undefined ? [] : [m] }
      }
      default:
        return { alarms: [] }
    }
  }
}

/** True when the txn (either branch, nested txns included) has a put: its quota cost is not zero. */
export function txnHasPut (r: TxnRequest): boolean {
  const has = (ops: readonly RequestOp[] | undefined): boolean => (ops ?? []).some((op) =>
    'requestPut' in op || ('requestTxn' in op && txnHasPut(op.requestTxn)))
  return has(r.success) || has(r.failure)
}

/**
 * What the alarms forbid: with CORRUPT raised, every write and lease grant or revoke fails with
 * ErrCorrupt; with NOSPACE, puts, txns with a put and lease grants fail with ErrNoSpace. Throws the
 * refusal for `r`; returns when it may be applied.
 */
export function alarmAdmission (store: AlarmStore): (r: InternalRaftRequest) => void {
  return (r) => {
    if (store.has(AlarmType.CORRUPT)) {
      switch (r.op) {
        case 'put': case 'deleteRange': case 'txn': case 'range': case 'compaction': case 'leaseGrant': case 'leaseRevoke':
          throw ErrCorrupt()
      }
    }
    if (store.has(AlarmType.NOSPACE)) {
      if (r.op === 'put' || r.op === 'leaseGrant' || (r.op === 'txn' && txnHasPut(r.req))) throw ErrNoSpace()
    }
  }
}
