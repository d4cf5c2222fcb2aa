// Applying membership changes to a tracker configuration, producing a new config and progress
// map (the tracker itself is not modified). Simple changes alter at most one voter; joint
// changes go through an intermediate config in which both old and new majorities must agree.
import { ConfChangeType } from '../raftpb/types.js'
import type { ConfChangeSingle, NodeID } from '../raftpb/types.js'
import { Inflights } from '../tracker/inflights.js'
import { Progress } from '../tracker/progress.js'
import type { ProgressMap } from '../tracker/progress.js'
import { cloneTrackerConfig } from '../tracker/tracker.js'
import type { ProgressTracker, TrackerConfig } from '../tracker/tracker.js'

/** A conf change that cannot be applied (etcd returns an error here). */
export class ConfChangeError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfChangeError'
  }
}

export interface ChangeResult {
  config: TrackerConfig
  progress: ProgressMap
}

function joint (cfg: TrackerConfig): boolean {
  return cfg.voters[1].size > 0
}

export class Changer {
  constructor (readonly tracker: ProgressTracker, readonly lastIndex: number) {}

  /** Enters a joint config: the current voters become the outgoing half, `ccs` shape the incoming one. */
  enterJoint (autoLeave: boolean, ccs: ConfChangeSingle[]): ChangeResult {
    const { config: cfg, progress: prs } = this.checkAndCopy()
    if (joint(cfg)) throw new ConfChangeError('config is already joint')
    if (cfg.voters[0].size === 0) throw new ConfChangeError("can't make a zero-voter config joint")
    cfg.voters[1] = new Set(cfg.voters[0])
    this.apply(cfg, prs, ccs)
    cfg.autoLeave = autoLeave
    return this.checkAndReturn(cfg, prs)
  }

  /** Leaves a joint config: drops the outgoing half, and demotes the learners-to-be. */
  leaveJoint (): ChangeResult {
    const { config: cfg, progress: prs } = this.checkAndCopy()
    if (!joint(cfg)) throw new ConfChangeError("can't leave a non-joint config")
    for (const id of cfg.learnersNext) {
      cfg.learners.add(id)
      const pr = prs.get(id)
      if (pr !== undefined) pr.isLearner = true
    }
    cfg.learnersNext = new Set()
    for (const id of cfg.voters[1]) {
      if (!cfg.voters[0].has(id) && !cfg.learners.has(id)) prs.delete(id)
    }
    cfg.voters[1] = new Set()
    cfg.autoLeave = false
    return this.checkAndReturn(cfg, prs)
  }

  /** Applies changes that alter at most one voter, without a joint config. */
  simple (ccs: ConfChangeSingle[]): ChangeResult {
    const { config: cfg, progress: prs } = this.checkAndCopy()
    if (joint(cfg)) throw new ConfChangeError("can't apply simple config change in joint config")
    this.apply(cfg, prs, ccs)
    const before = this.tracker.config.voters[0]
    let diff = 0
    for (const id of before) if (!cfg.voters[0].has(id)) diff++
    for (const id of cfg.voters[0]) if (!before.has(id)) diff++
    if (diff > 1) throw new ConfChangeError('more than one voter changed without entering joint config')
    return this.checkAndReturn(cfg, prs)
  }

  private apply (cfg: TrackerConfig, prs: ProgressMap, ccs: ConfChangeSingle[]): void {
    for (const cc of ccs) {
      if (cc.nodeID === 0n) continue // etcd ignores changes for node 0
      switch (cc.type) {
        case ConfChangeType.ConfChangeAddNode: this.makeVoter(cfg, prs, cc.nodeID); break
        case ConfChangeType.ConfChangeAddLearnerNode: this.makeLearner(cfg, prs, cc.nodeID); break
        case ConfChangeType.ConfChangeRemoveNode: this.remove(cfg, prs, cc.nodeID); break
        case ConfChangeType.ConfChangeUpdateNode: break
        default: throw new ConfChangeError(`unexpected conf type ${String(cc.type)}`)
      }
    }
    if (cfg.voters[0].size === 0) throw new ConfChangeError('removed all voters')
  }

  private makeVoter (cfg: TrackerConfig, prs: ProgressMap, id: NodeID): void {
    const pr = prs.get(id)
    if (pr === undefined) {
      this.initProgress(cfg, prs, id, false)
      return
    }
    pr.isLearner = false
    cfg.learners.delete(id)
    cfg.learnersNext.delete(id)
    cfg.voters[0].add(id)
  }

  private makeLearner (cfg: TrackerConfig, prs: ProgressMap, id: NodeID): void {
    const pr = prs.get(id)
    if (pr === undefined) {
      this.initProgress(cfg, prs, id, true)
      return
    }
    if (pr.isLearner) return
    // Take it out of every role, but keep its progress: it is still replicated to.
    this.remove(cfg, prs, id)
    prs.set(id, pr)
    // A voter of the outgoing config can only become a learner once the joint config is left.
    if (cfg.voters[1].has(id)) {
      cfg.learnersNext.add(id)
    } else {
      pr.isLearner = true
      cfg.learners.add(id)
    }
  }

  private remove (cfg: TrackerConfig, prs: ProgressMap, id: NodeID): void {
    if (!prs.has(id)) return
    cfg.voters[0].delete(id)
    cfg.learners.delete(id)
    cfg.learnersNext.delete(id)
    // Still a voter of the outgoing config: keep its progress until the joint config is left.
    if (!cfg.voters[1].has(id)) prs.delete(id)
  }

  private initProgress (cfg: TrackerConfig, prs: ProgressMap, id: NodeID, isLearner: boolean): void {
    if (isLearner) cfg.learners.add(id)
    else cfg.voters[0].add(id)
    prs.set(id, new Progress({
      // Probe from the last index: the follower may have received a snapshot out of band.
      next: Math.max(this.lastIndex, 1),
      inflights: new Inflights(this.tracker.maxInflight, this.tracker.maxInflightBytes),
      isLearner,
      // A new node counts as active so CheckQuorum does not fire before it had a chance to talk.
      recentActive: true
    }))
  }

  private checkAndCopy (): ChangeResult {
    const config = cloneTrackerConfig(this.tracker.config)
    const progress: ProgressMap = new Map()
    for (const [id, pr] of this.tracker.progress) progress.set(id, pr.copy())
    checkInvariants(config, progress)
    return { config, progress }
  }

  private checkAndReturn (config: TrackerConfig, progress: ProgressMap): ChangeResult {
    checkInvariants(config, progress)
    return { config, progress }
  }
}

/** Throws when a config and progress map are inconsistent. */
export function checkInvariants (cfg: TrackerConfig, prs: ProgressMap): void {
  for (const ids of [cfg.voters[0], cfg.voters[1], cfg.learners, cfg.learnersNext]) {
    for (const id of ids) if (!prs.has(id)) throw new ConfChangeError(`no progress for ${id}`)
  }
  for (const id of cfg.learnersNext) {
    if (!cfg.voters[1].has(id)) throw new ConfChangeError(`${id} is in LearnersNext, but not Voters[1]`)
    if (prs.get(id)?.isLearner === true) throw new ConfChangeError(`${id} is in LearnersNext, but is already marked as learner`)
  }
  for (const id of cfg.learners) {
    if (cfg.voters[1].has(id)) throw new ConfChangeError(`${id} is in Learners and Voters[1]`)
    if (cfg.voters[0].has(id)) throw new ConfChangeError(`${id} is in Learners and Voters[0]`)
    if (prs.get(id)?.isLearner !== true) throw new ConfChangeError(`${id} is in Learners, but is not marked as learner`)
  }
  if (!joint(cfg)) {
    if (cfg.learnersNext.size > 0) throw new ConfChangeError('cfg.LearnersNext must be nil when not joint')
    if (cfg.autoLeave) throw new ConfChangeError('AutoLeave must be false when not joint')
  }
}
