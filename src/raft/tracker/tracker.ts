// The leader's tracking of the configuration and of every member's progress and votes.
import {
  VoteResult, jointCommittedIndex, jointIDs, jointVoteResult, sortedIDs
} from '../quorum/quorum.js'
import type { JointConfig } from '../quorum/quorum.js'
import type { ConfState, NodeID } from '../raftpb/types.js'
import type { Progress, ProgressMap } from './progress.js'

/** The active configuration: voters (possibly joint), learners, and learners-to-be. */
export interface TrackerConfig {
  voters: JointConfig
  /** Leave the joint config automatically once it is applied. */
  autoLeave: boolean
  learners: Set<NodeID>
  /** Voters of the outgoing config that become learners when the joint config is left. */
  learnersNext: Set<NodeID>
}

export function emptyTrackerConfig (): TrackerConfig {
  return { voters: [new Set(), new Set()], autoLeave: false, learners: new Set(), learnersNext: new Set() }
}

export function cloneTrackerConfig (c: TrackerConfig): TrackerConfig {
  return {
    voters: [new Set(c.voters[0]), new Set(c.voters[1])],
    autoLeave: c.autoLeave,
    learners: new Set(c.learners),
    learnersNext: new Set(c.learnersNext)
  }
}

export function trackerConfigString (c: TrackerConfig): string {
  let s = `voters=(${sortedIDs(c.voters[0]).join(' ')})`
  if (c.voters[1].size > 0) s += `&&(${sortedIDs(c.voters[1]).join(' ')})`
  if (c.learners.size > 0) s += ` learners=(${sortedIDs(c.learners).join(' ')})`
  if (c.learnersNext.size > 0) s += ` learners_next=(${sortedIDs(c.learnersNext).join(' ')})`
  if (c.autoLeave) s += ' autoleave'
  return s
}

export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig()
  progress: ProgressMap = new Map()
  votes = new Map<NodeID, boolean>()

  constructor (readonly maxInflight: number, readonly maxInflightBytes: number) {}

  confState (): ConfState {
    return {
      voters: sortedIDs(this.config.voters[0]),
      votersOutgoing: sortedIDs(this.config.voters[1]),
      learners: sortedIDs(this.config.learners),
      learnersNext: sortedIDs(this.config.learnersNext),
      autoLeave: this.config.autoLeave
    }
  }

  /** One voter and not joint. */
  isSingleton (): boolean {
    return this.config.voters[0].size === 1 && this.config.voters[1].size === 0
  }

  /** The largest index acknowledged by a (joint) quorum of voters. */
  committed (): number {
    return jointCommittedIndex(this.config.voters, (id) => this.progress.get(id)?.match)
  }

  private sortedFor: ProgressMap | undefined
  private sorted: NodeID[] = []

  /** Calls f for every tracked node in ascending ID order (deterministic message order). */
  visit (f: (id: NodeID, pr: Progress) => void): void {
    // The sorted ID list is cached per progress map (configuration changes install a new map).
    if (this.sortedFor !== this.progress || this.sorted.length !== this.progress.size) {
      this.sorted = sortedIDs(this.progress.keys())
      this.sortedFor = this.progress
    }
    for (const id of this.sorted) {
      const pr = this.progress.get(id)
      if (pr !== undefined) f(id, pr)
    }
  }

  /** Whether a quorum of voters has been recently active. */
  quorumActive (): boolean {
    const votes = new Map<NodeID, boolean>()
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue
      votes.set(id, pr.recentActive)
    }
    return jointVoteResult(this.config.voters, votes) === VoteResult.VoteWon
  }

  voterNodes (): NodeID[] {
    return sortedIDs(jointIDs(this.config.voters))
  }

  learnerNodes (): NodeID[] {
    return sortedIDs(this.config.learners)
  }

  resetVotes (): void {
    this.votes = new Map()
  }

  /** Records a vote; only the first vote of a node counts. */
  recordVote (id: NodeID, v: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, v)
  }

  tallyVotes (): { granted: number, rejected: number, result: VoteResult } {
    let granted = 0
    let rejected = 0
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue
      const v = this.votes.get(id)
      if (v === undefined) continue
      if (v) granted++
      else rejected++
    }
    return { granted, rejected, result: jointVoteResult(this.config.voters, this.votes) }
  }
}
