// Majority and joint quorums: which index is committed, and whether an election is won.
import type { NodeID } from '../raftpb/types.js'

export const VoteResult = {
  /** Undecided: the outcome depends on votes not yet received. */
  VotePending: 1,
  VoteLost: 2,
  VoteWon: 3
} as const

export type VoteResult = typeof VoteResult[keyof typeof VoteResult]

/** Returns the acknowledged (matched) index of a voter, or undefined when unknown. */
export type AckedIndexer = (id: NodeID) => number | undefined

/** A set of voters; the quorum is a simple majority. */
export type MajorityConfig = Set<NodeID>

const scratch = new Float64Array(16)

/** The highest index acknowledged by a majority. An empty config returns +Infinity (neutral for joint min). */
export function majorityCommittedIndex (c: MajorityConfig, l: AckedIndexer): number {
  const n = c.size
  if (n === 0) return Infinity
  // Insertion sort into a reused buffer: configurations are small and this runs on every ack.
  const srt = n <= scratch.length ? scratch : new Float64Array(n)
  let k = 0
  for (const id of c) {
    const v = l(id) ?? 0
    let j = k++
    while (j > 0 && srt[j - 1] > v) {
      srt[j] = srt[j - 1]
      j--
    }
    srt[j] = v
  }
  return srt[n - (Math.floor(n / 2) + 1)]
}

/** The outcome of an election given the votes so far. An empty config wins (neutral for joint). */
export function majorityVoteResult (c: MajorityConfig, votes: Map<NodeID, boolean>): VoteResult {
  if (c.size === 0) return VoteResult.VoteWon
  let yes = 0
  let missing = 0
  for (const id of c) {
    const v = votes.get(id)
    if (v === undefined) missing++
    else if (v) yes++
  }
  const q = Math.floor(c.size / 2) + 1
  if (yes >= q) return VoteResult.VoteWon
  if (yes + missing >= q) return VoteResult.VotePending
  return VoteResult.VoteLost
}

/** A joint configuration: [incoming, outgoing]. Outgoing is empty when not joint. */
export type JointConfig = [MajorityConfig, MajorityConfig]

export function jointCommittedIndex (c: JointConfig, l: AckedIndexer): number {
  return Math.min(majorityCommittedIndex(c[0], l), majorityCommittedIndex(c[1], l))
}

export function jointVoteResult (c: JointConfig, votes: Map<NodeID, boolean>): VoteResult {
  const r1 = majorityVoteResult(c[0], votes)
  const r2 = majorityVoteResult(c[1], votes)
  if (r1 === r2) return r1
  if (r1 === VoteResult.VoteLost || r2 === VoteResult.VoteLost) return VoteResult.VoteLost
  return VoteResult.VotePending
}

/** The union of both halves of a joint config. */
export function jointIDs (c: JointConfig): Set<NodeID> {
  const s = new Set<NodeID>(c[0])
  for (const id of c[1]) s.add(id)
  return s
}

/** Sorted IDs of a set (bigint order). */
export function sortedIDs (s: Iterable<NodeID>): NodeID[] {
  return [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
