// The raft data types, modelled on etcd-io/raft's raftpb. Terms and indexes are `number`
// (they stay below 2^53 in practice); node IDs are uint64 member IDs and so are `bigint`.
// The binary codec for these types lives beside this file (codec.ts) and is what the WAL
// and the peer transport carry.

/** A node ID. 0n means "none". */
export type NodeID = bigint
export const None: NodeID = 0n

export const EntryType = {
  EntryNormal: 0,
  EntryConfChange: 1,
  EntryConfChangeV2: 2
} as const

export type EntryType = typeof EntryType[keyof typeof EntryType]

export interface Entry {
  term: number
  index: number
  type: EntryType
  data: Uint8Array
}

export interface HardState {
  term: number
  vote: NodeID
  commit: number
}

export interface ConfState {
  voters: NodeID[]
  learners: NodeID[]
  /** The voters of the outgoing config in a joint configuration (empty when not joint). */
  votersOutgoing: NodeID[]
  /** Learners that become learners once the joint config is left (demoted voters). */
  learnersNext: NodeID[]
  autoLeave: boolean
}

export interface SnapshotMetadata {
  confState: ConfState
  index: number
  term: number
}

export interface Snapshot {
  /** Opaque application data (etcd-ts stores nothing here: the backend travels separately). */
  data: Uint8Array
  metadata: SnapshotMetadata
}

/** The kinds of raft message, with etcd's names and numbers. */
export const MessageType = {
  MsgHup: 0,
  MsgBeat: 1,
  MsgProp: 2,
  MsgApp: 3,
  MsgAppResp: 4,
  MsgVote: 5,
  MsgVoteResp: 6,
  MsgSnap: 7,
  MsgHeartbeat: 8,
  MsgHeartbeatResp: 9,
  MsgUnreachable: 10,
  MsgSnapStatus: 11,
  MsgCheckQuorum: 12,
  MsgTransferLeader: 13,
  MsgTimeoutNow: 14,
  MsgReadIndex: 15,
  MsgReadIndexResp: 16,
  MsgPreVote: 17,
  MsgPreVoteResp: 18
} as const

export type MessageType = typeof MessageType[keyof typeof MessageType]

const messageTypeNames: string[] = []
for (const [k, v] of Object.entries(MessageType)) messageTypeNames[v] = k
/** The etcd name of a message type (`MsgApp`), for logs and test output. */
export function messageTypeName (t: MessageType): string {
  return messageTypeNames[t] ?? `MessageType(${t})`
}

/** A raft message. Fields a type does not use are zero / empty. */
export interface Message {
  type: MessageType
  to: NodeID
  from: NodeID
  term: number
  /** The term of the entry at `index` (MsgApp: prev entry; votes: last log term; MsgAppResp reject: the hint's term). */
  logTerm: number
  index: number
  entries: Entry[]
  commit: number
  snapshot?: Snapshot
  reject: boolean
  rejectHint: number
  /** Opaque context: the campaign type on votes, the request ctx on ReadIndex traffic. */
  context: Uint8Array
}

export const ConfChangeType = {
  ConfChangeAddNode: 0,
  ConfChangeRemoveNode: 1,
  ConfChangeUpdateNode: 2,
  ConfChangeAddLearnerNode: 3
} as const

export type ConfChangeType = typeof ConfChangeType[keyof typeof ConfChangeType]

/** How a ConfChangeV2 moves through joint consensus. */
export const ConfChangeTransition = {
  /** Single change: applied directly; several: joint config left automatically. */
  ConfChangeTransitionAuto: 0,
  /** Always joint, left automatically once applied. */
  ConfChangeTransitionJointImplicit: 1,
  /** Always joint, left only by an explicit empty ConfChangeV2. */
  ConfChangeTransitionJointExplicit: 2
} as const

export type ConfChangeTransition = typeof ConfChangeTransition[keyof typeof ConfChangeTransition]

/** A single-step (v1) membership change. */
export interface ConfChange {
  type: ConfChangeType
  nodeID: NodeID
  context: Uint8Array
  /** Opaque request ID for the application (etcd uses it to match the proposal). */
  id: bigint
}

export interface ConfChangeSingle {
  type: ConfChangeType
  nodeID: NodeID
}

/** A (possibly joint) membership change of several nodes at once. Empty `changes` = leave joint. */
export interface ConfChangeV2 {
  transition: ConfChangeTransition
  changes: ConfChangeSingle[]
  context: Uint8Array
}

/** Convenience constructors: every field filled. */
export function emptyConfState (): ConfState {
  return { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
}

export function emptySnapshot (): Snapshot {
  return { data: new Uint8Array(0), metadata: { confState: emptyConfState(), index: 0, term: 0 } }
}

export const emptyBytes: Uint8Array = new Uint8Array(0)

/** A Message with every field zeroed except those given. */
export function newMessage (m: Partial<Message> & { type: MessageType }): Message {
  return {
    type: m.type,
    to: m.to ?? None,
    from: m.from ?? None,
    term: m.term ?? 0,
    logTerm: m.logTerm ?? 0,
    index: m.index ?? 0,
    entries: m.entries ?? [],
    commit: m.commit ?? 0,
    snapshot: m.snapshot,
    reject: m.reject ?? false,
    rejectHint: m.rejectHint ?? 0,
    context: m.context ?? emptyBytes
  }
}

export function isEmptyHardState (h: HardState): boolean {
  return h.term === 0 && h.vote === None && h.commit === 0
}

export function hardStateEqual (a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit
}

export function isEmptySnapshot (s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0
}
