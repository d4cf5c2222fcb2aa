// Helpers over the two conf-change shapes: v1 (one node) is a special case of v2.
import { ConfChangeTransition, EntryType } from './types.js'
import type { ConfChange, ConfChangeSingle, ConfChangeType, ConfChangeV2, ConfState, NodeID } from './types.js'
import { encodeConfChange, encodeConfChangeV2 } from './codec.js'

/** Either conf-change shape. v1 values are recognised by their `nodeID` field. */
export type ConfChangeI = ConfChange | ConfChangeV2

export function isConfChangeV1 (cc: ConfChangeI): cc is ConfChange {
  return 'nodeID' in cc
}

/** Converts a v1 change into the equivalent v2 change (auto transition, one change). */
export function asV2 (cc: ConfChangeI): ConfChangeV2 {
  if (!isConfChangeV1(cc)) return cc
  return {
    transition: ConfChangeTransition.ConfChangeTransitionAuto,
    changes: [{ type: cc.type, nodeID: cc.nodeID }],
    context: cc.context
  }
}

/** Whether this change enters a joint config, and whether that config is left automatically. */
export function enterJoint (cc: ConfChangeV2): { autoLeave: boolean, ok: boolean } {
  if (cc.transition !== ConfChangeTransition.ConfChangeTransitionAuto || cc.changes.length > 1) {
    switch (cc.transition) {
      case ConfChangeTransition.ConfChangeTransitionAuto:
      case ConfChangeTransition.ConfChangeTransitionJointImplicit:
        return { autoLeave: true, ok: true }
      case ConfChangeTransition.ConfChangeTransitionJointExplicit:
        return { autoLeave: false, ok: true }
    }
  }
  return { autoLeave: false, ok: false }
}

/** An empty v2 change: the instruction to leave a joint config. */
export function leaveJoint (cc: ConfChangeV2): boolean {
  return cc.changes.length === 0
}

/** The entry type and data that carry a conf change in the log. */
export function marshalConfChange (cc: ConfChangeI): { type: EntryType, data: Uint8Array } {
  if (isConfChangeV1(cc)) return { type: EntryType.EntryConfChange, data: encodeConfChange(cc) }
  return { type: EntryType.EntryConfChangeV2, data: encodeConfChangeV2(cc) }
}

/** A v1 conf change with defaults filled in. */
export function confChange (type: ConfChangeType, nodeID: NodeID, context: Uint8Array = new Uint8Array(0)): ConfChange {
  return { type, nodeID, context, id: 0n }
}

/** A v2 conf change with defaults filled in. */
export function confChangeV2 (changes: ConfChangeSingle[], transition: ConfChangeTransition = ConfChangeTransition.ConfChangeTransitionAuto): ConfChangeV2 {
  return { transition, changes, context: new Uint8Array(0) }
}

function sortedEqual (a: NodeID[], b: NodeID[]): boolean {
  if (a.length !== b.length) return false
  const x = [...a].sort(cmpID)
  const y = [...b].sort(cmpID)
  return x.every((v, i) => v === y[i])
}

export function cmpID (a: NodeID, b: NodeID): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Whether two ConfStates describe the same configuration (order of IDs ignored). */
export function confStateEquivalent (a: ConfState, b: ConfState): boolean {
  return sortedEqual(a.voters, b.voters) && sortedEqual(a.learners, b.learners) &&
    sortedEqual(a.votersOutgoing, b.votersOutgoing) && sortedEqual(a.learnersNext, b.learnersNext) &&
    a.autoLeave === b.autoLeave
}
