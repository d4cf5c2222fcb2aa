// The leader's view of one follower: how much of the log it has (Match), what to send next
// (Next), and the flow-control state deciding how aggressively to send.
import { Inflights } from './inflights.js'

export const ProgressStateType = {
  /** Position unknown: at most one MsgApp per heartbeat until an ack shows where the follower is. */
  StateProbe: 0,
  /** Optimistic pipelining: Next moves ahead as messages are sent. */
  StateReplicate: 1,
  /** A snapshot is being sent; no MsgApp until it is reported. */
  StateSnapshot: 2
} as const

export type ProgressStateType = typeof ProgressStateType[keyof typeof ProgressStateType]

const stateNames = ['StateProbe', 'StateReplicate', 'StateSnapshot']
export function progressStateName (s: ProgressStateType): string { return stateNames[s] }

export class Progress {
  /** Highest index known to be in the follower's log. */
  match = 0
  /** Next index to send. Invariant: match < next. */
  next = 0
  /** Highest commit index sent to the follower (in MsgApp or MsgHeartbeat). */
  sentCommit = 0
  state: ProgressStateType = ProgressStateType.StateProbe
  /** Index of the snapshot in flight (StateSnapshot). */
  pendingSnapshot = 0
  /** Heard from within the last election timeout (CheckQuorum). */
  recentActive = false
  /** Sending MsgApp is paused (probe sent, or inflights full). */
  msgAppFlowPaused = false
  inflights: Inflights
  isLearner = false

  constructor (init: { match?: number, next: number, inflights: Inflights, isLearner?: boolean, recentActive?: boolean }) {
    this.match = init.match ?? 0
    this.next = init.next
    this.inflights = init.inflights
    this.isLearner = init.isLearner ?? false
    this.recentActive = init.recentActive ?? false
  }

  /** A field-by-field copy sharing nothing mutable except the inflights window (as upstream). */
  copy (): Progress {
    const p = new Progress({ match: this.match, next: this.next, inflights: this.inflights, isLearner: this.isLearner, recentActive: this.recentActive })
    p.sentCommit = this.sentCommit
    p.state = this.state
    p.pendingSnapshot = this.pendingSnapshot
    p.msgAppFlowPaused = this.msgAppFlowPaused
    return p
  }

  private resetState (state: ProgressStateType): void {
    this.msgAppFlowPaused = false
    this.pendingSnapshot = 0
    this.state = state
    this.inflights.reset()
  }

  becomeProbe (): void {
    if (this.state === ProgressStateType.StateSnapshot) {
      // Resume after the snapshot, whichever is further: what the follower has, or the snapshot.
      const pendingSnapshot = this.pendingSnapshot
      this.resetState(ProgressStateType.StateProbe)
      this.next = Math.max(this.match + 1, pendingSnapshot + 1)
    } else {
      this.resetState(ProgressStateType.StateProbe)
      this.next = this.match + 1
    }
    this.sentCommit = Math.min(this.sentCommit, this.next - 1)
  }

  becomeReplicate (): void {
    this.resetState(ProgressStateType.StateReplicate)
    this.next = this.match + 1
  }

  becomeSnapshot (snapshoti: number): void {
    this.resetState(ProgressStateType.StateSnapshot)
    this.pendingSnapshot = snapshoti
    this.next = snapshoti + 1
    this.sentCommit = snapshoti
  }

  /** Accounts for a MsgApp of `entries` entries and `bytes` payload bytes just sent. */
  sentEntries (entries: number, bytes: number): void {
    if (this.state === ProgressStateType.StateReplicate) {
      if (entries > 0) {
        this.next += entries
        this.inflights.add(this.next - 1, bytes)
      }
      this.msgAppFlowPaused = this.inflights.full()
    } else if (this.state === ProgressStateType.StateProbe) {
      if (entries > 0) this.msgAppFlowPaused = true
    }
  }

  /** Whether the follower may not yet know commit index `index`. */
  canBumpCommit (index: number): boolean {
    return index > this.sentCommit && this.sentCommit < this.next - 1
  }

  sentCommitTo (commit: number): void {
    this.sentCommit = commit
  }

  /** Records an ack of `n`; false when it tells nothing new. */
  maybeUpdate (n: number): boolean {
    if (n <= this.match) return false
    this.match = n
    this.next = Math.max(this.next, n + 1)
    this.msgAppFlowPaused = false
    return true
  }

  /**
   * Handles a rejection of the MsgApp whose prev index was `rejected`; `matchHint` is where the
   * follower's log may match. False when the rejection is stale.
   */
  maybeDecrTo (rejected: number, matchHint: number): boolean {
    if (this.state === ProgressStateType.StateReplicate) {
      if (rejected <= this.match) return false
      this.next = this.match + 1
      this.sentCommit = Math.min(this.sentCommit, this.next - 1)
      return true
    }
    if (this.next - 1 !== rejected) return false
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1)
    this.sentCommit = Math.min(this.sentCommit, this.next - 1)
    this.msgAppFlowPaused = false
    return true
  }

  /** Whether sending MsgApp to this follower is currently held back. */
  isPaused (): boolean {
    if (this.state === ProgressStateType.StateSnapshot) return true
    return this.msgAppFlowPaused
  }

  toString (): string {
    let s = `${progressStateName(this.state)} match=${this.match} next=${this.next}`
    if (this.isLearner) s += ' learner'
    if (this.isPaused()) s += ' paused'
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`
    if (!this.recentActive) s += ' inactive'
    if (this.inflights.count() > 0) s += ` inflight=${this.inflights.count()}`
    return s
  }
}

export type ProgressMap = Map<bigint, Progress>
