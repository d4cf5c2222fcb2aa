// Applying membership changes (etcd's applyConfChange + RaftCluster.ValidateConfigurationChange):
// a v1 conf change carries the member as JSON context. A fresh entry is validated against the
// membership at that point of the log; an invalid one is applied to raft as a no-op (node ID 0,
// as etcd does), remembered in the `meta` bucket so that replay after a restart makes the same
// decision, and its error goes to the proposer. Also the member-attributes op a starting member
// proposes to publish its name and client URLs (etcd's ClusterMemberAttrSet).
import {
  ConfChangeType, EntryType, decodeConfChange, decodeConfChangeV2, type ConfChange, type ConfChangeI, type ConfState,
  type Entry, type RawNode
} from '../../raft/index.js'
import type { BatchTx, ReadTx } from '../../storage/backend/index.js'
import { Buckets } from '../../storage/schema/index.js'
import { CodedError } from '../../pkg/coded-error.js'
import type { RaftCluster } from '../membership/cluster.js'
import { decodeMemberContext } from '../membership/cluster.js'
import type { Member } from '../membership/member.js'
import type { ApplyResult } from '../proposer.js'

/** membership's sentinel errors (codes map to rpctypes). */
export const ErrIDRemoved = (): CodedError => new CodedError('ErrIDRemoved', 'membership: ID removed')
export const ErrIDNotFound = (): CodedError => new CodedError('ErrIDNotFound', 'membership: ID not found')
export const ErrIDExists = (): CodedError => new CodedError('ErrIDExists', 'membership: ID exists')
export const ErrPeerURLexists = (): CodedError => new CodedError('ErrPeerURLexists', 'membership: peerURL exists')
export const ErrMemberNotLearner = (): CodedError => new CodedError('ErrMemberNotLearner', 'membership: can only promote a learner member')
export const ErrTooManyLearners = (): CodedError => new CodedError('ErrTooManyLearners', 'membership: too many learner members in cluster')

/** etcd's default --max-learners. */
export const maxLearners = 1

function rejectedKey (index: number): Buffer {
  return Buffer.from(`confChangeRejected/${index.toString(16).padStart(16, '0')}`, 'latin1')
}

/** True when the conf change is a promotion: AddNode of a known learner with isLearner false. */
export function isPromotion (cc: ConfChange, cluster: RaftCluster): boolean {
  if (cc.type !== ConfChangeType.ConfChangeAddNode || cc.context.length === 0) return false
  const m = decodeMemberContext(cc.context)
  return !m.isLearner && cluster.member(m.id)?.isLearner === true
}

/** The membership checks of a conf change against `cluster` (undefined: valid). */
export function validateConfChange (cc: ConfChange, cluster: RaftCluster): CodedError | undefined {
  const id = cc.nodeID
  switch (cc.type) {
    case ConfChangeType.ConfChangeAddNode:
    case ConfChangeType.ConfChangeAddLearnerNode: {
      const m = decodeMemberContext(cc.context)
      if (cc.type === ConfChangeType.ConfChangeAddNode && cluster.member(id) !== undefined) {
        return cluster.member(id)?.isLearner === true && !m.isLearner ? undefined : ErrIDExists()
      }
      if (cluster.isIDRemoved(id)) return ErrIDRemoved()
      if (cluster.member(id) !== undefined) return ErrIDExists()
      const used = new Set(cluster.members().flatMap((x) => x.peerURLs))
      if (m.peerURLs.some((u) => used.has(u))) return ErrPeerURLexists()
      if (m.isLearner && cluster.members().filter((x) => x.isLearner).length >= maxLearners) return ErrTooManyLearners()
      return undefined
    }
    case ConfChangeType.ConfChangeRemoveNode:
      if (cluster.isIDRemoved(id)) return ErrIDRemoved()
      if (cluster.member(id) === undefined) return ErrIDNotFound()
      return undefined
    case ConfChangeType.ConfChangeUpdateNode: {
      if (cluster.isIDRemoved(id)) return ErrIDRemoved()
      if (cluster.member(id) === undefined) return ErrIDNotFound()
      const m = decodeMemberContext(cc.context)
      const used = new Set(cluster.members().filter((x) => x.id !== id).flatMap((x) => x.peerURLs))
      if (m.peerURLs.some((u) => used.has(u))) return ErrPeerURLexists()
      return undefined
    }
  }
  return undefined
}

export interface ConfChangeApplied {
  confState: ConfState
  /** The proposer's request ID and its result (v1 changes with an ID). */
  waiter?: { id: bigint, r: ApplyResult }
  /** This member was removed by the change. */
  removedSelf: boolean
}

/**
 * Applies one conf-change entry. `tx` is the batch's transaction when the entry is fresh (its
 * effects are written), undefined on replay (the in-memory bookkeeping only).
 */
export function applyConfChangeEntry (e: Entry, rn: RawNode, cluster: RaftCluster, tx: BatchTx | undefined, readTx: () => ReadTx): ConfChangeApplied {
  const cc: ConfChangeI = e.type === EntryType.EntryConfChange ? decodeConfChange(e.data) : decodeConfChangeV2(e.data)
  if (!('nodeID' in cc)) return { confState: rn.applyConfChange(cc), removedSelf: false }
  let err: CodedError | undefined
  if (tx !== undefined) {
    err = validateConfChange(cc, cluster)
    if (err !== undefined) tx.put(Buckets.Meta, rejectedKey(e.index), Buffer.from(err.code, 'latin1'))
  } else if (readTx().get(Buckets.Meta, rejectedKey(e.index)) !== undefined) {
    err = ErrIDNotFound()
  }
  if (err !== undefined) {
    const cs = rn.applyConfChange({ ...cc, nodeID: 0n })
    return { confState: cs, waiter: cc.id !== 0n ? { id: cc.id, r: { ok: false, err } } : undefined, removedSelf: false }
  }
  const promote = cc.type === ConfChangeType.ConfChangeAddNode && isPromotion(cc, cluster)
  const cs = rn.applyConfChange(cc)
  let removedSelf = false
  switch (cc.type) {
    case ConfChangeType.ConfChangeAddNode:
    case ConfChangeType.ConfChangeAddLearnerNode: {
      if (cc.context.length === 0) break
      const m = decodeMemberContext(cc.context)
      if (promote) {
        const cur = cluster.member(m.id)
        if (cur !== undefined) cluster.addMember({ ...cur, isLearner: false }, tx)
      } else if (cluster.member(m.id) === undefined || tx !== undefined) {
        cluster.addMember(m, tx)
      }
      break
    }
    case ConfChangeType.ConfChangeRemoveNode:
      cluster.removeMember(cc.nodeID, tx)
      removedSelf = cc.nodeID === cluster.localId
      break
    case ConfChangeType.ConfChangeUpdateNode: {
      const cur = cluster.member(cc.nodeID)
      if (cur !== undefined && cc.context.length > 0) cluster.addMember({ ...cur, peerURLs: decodeMemberContext(cc.context).peerURLs }, tx)
      break
    }
  }
  return { confState: cs, waiter: cc.id !== 0n ? { id: cc.id, r: { ok: true, value: cluster.members() } } : undefined, removedSelf }
}

/** What a starting member publishes about itself (etcd's ClusterMemberAttrSetRequest). */
export interface MemberAttrSetRequest { memberID: bigint, name: string, clientURLs: string[] }

/** The apply function of the member-attributes op, for the applier's extra ops. */
export function memberAttrSetOp (cluster: RaftCluster): (batch: { tx: BatchTx }, r: MemberAttrSetRequest) => Member[] {
  return (batch, r) => {
    const cur = cluster.member(r.memberID)
    if (cur !== undefined) cluster.addMember({ ...cur, name: r.name, clientURLs: r.clientURLs }, batch.tx)
    return cluster.members()
  }
}
