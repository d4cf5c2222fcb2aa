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
