// The raft state machine: roles, terms, votes, the log and the leader's replication. Time enters
// only through tick(), messages through step(); output accumulates in `msgs` (sendable at once)
// and `msgsAfterAppend` (sendable only once the Ready that produced them is persisted), both
// drained by RawNode. The per-role step functions live in step-leader.ts and step-follower.ts.
import { Changer } from './confchange/confchange.js'
import type { ChangeResult } from './confchange/confchange.js'
import { restoreConfState } from './confchange/restore.js'
import { resolveConfig } from './config.js'
import type { Config, ResolvedConfig } from './config.js'
import { ErrProposalDropped, RaftPanic } from './errors.js'
import { RaftLog } from './log.js'
import type { RaftLogger } from './logger.js'
import { decodeConfChange, decodeConfChangeV2 } from './raftpb/codec.js'
import { asV2, confStateEquivalent, enterJoint, leaveJoint, marshalConfChange } from './raftpb/confchange.js'
import type { ConfChangeV2, ConfState, Entry, HardState, Message, NodeID, Snapshot } from './raftpb/types.js'
import { EntryType, MessageType, None, emptyBytes, isEmptyHardState, newMessage } from './raftpb/types.js'
import { ReadOnly } from './read-only.js'
import type { ReadState } from './read-only.js'
import { stepCandidate, stepFollower } from './step-follower.js'
import { stepLeader } from './step-leader.js'
import { Inflights } from './tracker/inflights.js'
import { Progress, ProgressStateType } from './tracker/progress.js'
import { ProgressTracker } from './tracker/tracker.js'
import { payloadsSize, voteRespMsgType } from './util.js'

export const StateType = {
  StateFollower: 0,
  StateCandidate: 1,
  StateLeader: 2,
  StatePreCandidate: 3
} as const

export type StateType = typeof StateType[keyof typeof StateType]
const stateNames = ['StateFollower', 'StateCandidate', 'StateLeader', 'StatePreCandidate']
export function stateName (s: StateType): string { return stateNames[s] }

/** Why a campaign is run; sent as the context of vote requests. */
export const CampaignType = {
  PreElection: 'CampaignPreElection',
  Election: 'CampaignElection',
  Transfer: 'CampaignTransfer'
} as const

export type CampaignType = typeof CampaignType[keyof typeof CampaignType]
const transferCtx = new TextEncoder().encode(CampaignType.Transfer)

function isTransferCtx (ctx: Uint8Array): boolean {
  if (ctx.length !== transferCtx.length) return false
  for (let i = 0; i < ctx.length; i++) if (ctx[i] !== transferCtx[i]) return false
  return true
}

/** Volatile state that the host may want to observe (leader, role). */
export interface SoftState {
  lead: NodeID
  raftState: StateType
}

export type StepFunc = (r: Raft, m: Message) => void

export class Raft {
  readonly id: NodeID
  readonly cfg: ResolvedConfig
  readonly logger: RaftLogger
  term = 0
  vote: NodeID = None
  readStates: ReadState[] = []
  readonly raftLog: RaftLog
  readonly trk: ProgressTracker
  state: StateType = StateType.StateFollower
  isLearner = false
  /** Messages that may be sent right away. */
  msgs: Message[] = []
  /** Responses that may only be sent once this Ready's entries and HardState are durable. */
  msgsAfterAppend: Message[] = []
  lead: NodeID = None
  /** The node leadership is being transferred to, or None. */
  leadTransferee: NodeID = None
  /** Index of the latest conf change that may not yet be applied (leader only). */
  pendingConfIndex = 0
  /** Payload bytes of the uncommitted log tail (leader only). */
  uncommittedSize = 0
  readonly readOnly = new ReadOnly()
  /** ReadIndex requests received before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = []
  electionElapsed = 0
  heartbeatElapsed = 0
  readonly electionTimeout: number
  readonly heartbeatTimeout: number
  randomizedElectionTimeout = 0
  tickFn: () => void = () => { this.tickElection() }
  stepFn: StepFunc = stepFollower

  constructor (config: Config) {
    const c = resolveConfig(config)
    this.cfg = c
    this.id = c.id
    this.logger = c.logger
    this.electionTimeout = c.electionTick
    this.heartbeatTimeout = c.heartbeatTick
    this.raftLog = new RaftLog(c.storage, c.logger, c.maxCommittedSizePerReady)
    const { hardState, confState } = c.storage.initialState()
    this.trk = new ProgressTracker(c.maxInflightMsgs, c.maxInflightBytes)
    const restored = restoreConfState(this.trk, this.raftLog.lastIndex(), confState)
    assertConfStatesEquivalent(confState, this.switchToConfig(restored))
    if (!isEmptyHardState(hardState)) this.loadState(hardState)
    if (c.applied > 0) this.raftLog.appliedTo(c.applied, 0)
    this.becomeFollower(this.term, None)
    this.logger.info('newRaft', {
      id: String(this.id),
      peers: this.trk.voterNodes().map(String),
      term: this.term,
      commit: this.raftLog.committed,
      applied: this.raftLog.applied,
      lastindex: this.raftLog.lastIndex()
    })
  }

  softState (): SoftState {
    return { lead: this.lead, raftState: this.state }
  }

  hardState (): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed }
  }

  /** Queues a message, filling in `from` and `term` as upstream's send does. */
  send (m: Message): void {
    if (m.from === None) m.from = this.id
    const t = m.type
    if (t === MessageType.MsgVote || t === MessageType.MsgVoteResp || t === MessageType.MsgPreVote || t === MessageType.MsgPreVoteResp) {
      if (m.term === 0) throw new RaftPanic(`term should be set when sending ${t}`)
    } else {
      if (m.term !== 0) throw new RaftPanic(`term should not be set when sending ${t} (was ${m.term})`)
      // Proposals and read requests are forwarded as local messages: no term.
      if (t !== MessageType.MsgProp && t !== MessageType.MsgReadIndex) m.term = this.term
    }
    if (t === MessageType.MsgAppResp || t === MessageType.MsgVoteResp || t === MessageType.MsgPreVoteResp) {
      this.msgsAfterAppend.push(m)
    } else {
      if (m.to === this.id) throw new RaftPanic(`message should not be self-addressed when sending ${t}`)
      this.msgs.push(m)
    }
  }

  /** Sends an append (or a snapshot when the entries are compacted) to `to`, even if empty. */
  sendAppend (to: NodeID): void {
    this.maybeSendAppend(to, true)
  }

  /** Sends entries to `to` if flow control allows; returns whether a message was sent. */
  maybeSendAppend (to: NodeID, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to)
    if (pr === undefined || pr.isPaused()) return false
    const prevIndex = pr.next - 1
    const prevTerm = this.raftLog.maybeTerm(prevIndex)
    // The log was compacted past what the follower needs: send a snapshot.
    if (prevTerm === undefined) return this.maybeSendSnapshot(to, pr)
    let ents: Entry[] = []
    // A throttled follower still gets empty appends, so a lost window eventually recovers.
    if (pr.state !== ProgressStateType.StateReplicate || !pr.inflights.full()) {
      try {
        ents = this.raftLog.entries(pr.next, this.cfg.maxSizePerMsg)
      } catch {
        return this.maybeSendSnapshot(to, pr)
      }
    }
    if (ents.length === 0 && !sendIfEmpty) return false
    this.send(newMessage({ type: MessageType.MsgApp, to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: this.raftLog.committed }))
    pr.sentEntries(ents.length, payloadsSize(ents))
    pr.sentCommitTo(this.raftLog.committed)
    return true
  }

  private maybeSendSnapshot (to: NodeID, pr: Progress): boolean {
    if (!pr.recentActive) {
      this.logger.debug('ignore sending snapshot since it is not recently active', { to: String(to) })
      return false
    }
    let snapshot: Snapshot
    try {
      snapshot = this.raftLog.snapshot()
    } catch (err) {
      this.logger.debug('failed to send snapshot because snapshot is temporarily unavailable', { to: String(to), err: String(err) })
      return false
    }
    if (snapshot.metadata.index === 0) throw new RaftPanic('need non-empty snapshot')
    pr.becomeSnapshot(snapshot.metadata.index)
    this.logger.debug('sent snapshot', { to: String(to), index: snapshot.metadata.index, term: snapshot.metadata.term })
    this.send(newMessage({ type: MessageType.MsgSnap, to, snapshot }))
    return true
  }

  sendHeartbeat (to: NodeID, ctx: Uint8Array): void {
    const pr = this.trk.progress.get(to)
    if (pr === undefined) return
    // Never tell a follower to commit beyond what it is known to have.
    const commit = Math.min(pr.match, this.raftLog.committed)
    this.send(newMessage({ type: MessageType.MsgHeartbeat, to, commit, context: ctx }))
    pr.sentCommitTo(commit)
  }

  bcastAppend (): void {
    this.trk.visit((id) => {
      if (id !== this.id) this.sendAppend(id)
    })
  }

  bcastHeartbeat (): void {
    this.bcastHeartbeatWithCtx(this.readOnly.lastPendingRequestCtx())
  }

  bcastHeartbeatWithCtx (ctx: Uint8Array): void {
    this.trk.visit((id) => {
      if (id !== this.id) this.sendHeartbeat(id, ctx)
    })
  }

  /** Advances the commit index to what a quorum has; true if it moved. */
  maybeCommit (): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term)
  }

  reset (term: number): void {
    if (this.term !== term) {
      this.term = term
      this.vote = None
    }
    this.lead = None
    this.electionElapsed = 0
    this.heartbeatElapsed = 0
    this.resetRandomizedElectionTimeout()
    this.abortLeaderTransfer()
    this.trk.resetVotes()
    const lastIndex = this.raftLog.lastIndex()
    for (const [id, old] of this.trk.progress) {
      const pr = new Progress({ next: lastIndex + 1, inflights: new Inflights(this.trk.maxInflight, this.trk.maxInflightBytes), isLearner: old.isLearner })
      if (id === this.id) pr.match = lastIndex
      this.trk.progress.set(id, pr)
    }
    this.pendingConfIndex = 0
    this.uncommittedSize = 0
    this.readOnly.reset()
    this.pendingReadIndexMessages = []
  }

  /** Appends entries to the leader's log, stamping term and index; false if dropped by the size cap. */
  appendEntry (es: Entry[]): boolean {
    let li = this.raftLog.lastIndex()
    for (let i = 0; i < es.length; i++) {
      es[i].term = this.term
      es[i].index = li + 1 + i
    }
    if (!this.increaseUncommittedSize(es)) {
      this.logger.warn('appending new entries would exceed uncommitted entry size limit; dropping proposal', { id: String(this.id) })
      return false
    }
    li = this.raftLog.append(es)
    // The leader acks its own entries once they are durable: this response comes back on advance().
    this.send(newMessage({ type: MessageType.MsgAppResp, to: this.id, index: li }))
    return true
  }

  tick (): void {
    this.tickFn()
  }

  /** Followers and candidates: campaign once the randomized election timeout passes. */
  tickElection (): void {
    this.electionElapsed++
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0
      this.stepLocal(newMessage({ type: MessageType.MsgHup, from: this.id }))
    }
  }

  /** Leaders: heartbeat every heartbeatTimeout; check quorum and abandon transfers every election timeout. */
  tickHeartbeat (): void {
    this.heartbeatElapsed++
    this.electionElapsed++
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0
      if (this.cfg.checkQuorum) this.stepLocal(newMessage({ type: MessageType.MsgCheckQuorum, from: this.id }))
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === StateType.StateLeader && this.leadTransferee !== None) this.abortLeaderTransfer()
    }
    if (this.state !== StateType.StateLeader) return
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0
      this.stepLocal(newMessage({ type: MessageType.MsgBeat, from: this.id }))
    }
  }

  private stepLocal (m: Message): void {
    try {
      this.step(m)
    } catch (err) {
      if (!(err instanceof ErrProposalDropped)) throw err
      this.logger.debug('error occurred during local step', { err: String(err) })
    }
  }

  becomeFollower (term: number, lead: NodeID): void {
    this.stepFn = stepFollower
    this.reset(term)
    this.tickFn = () => { this.tickElection() }
    this.lead = lead
    this.state = StateType.StateFollower
    this.logger.info('became follower', { id: String(this.id), term: this.term })
  }

  becomeCandidate (): void {
    if (this.state === StateType.StateLeader) throw new RaftPanic('invalid transition [leader -> candidate]')
    this.stepFn = stepCandidate
    this.reset(this.term + 1)
    this.tickFn = () => { this.tickElection() }
    this.vote = this.id
    this.state = StateType.StateCandidate
    this.logger.info('became candidate', { id: String(this.id), term: this.term })
  }

  becomePreCandidate (): void {
    if (this.state === StateType.StateLeader) throw new RaftPanic('invalid transition [leader -> pre-candidate]')
    // Neither the term nor the vote change: a pre-candidate disturbs nobody.
    this.stepFn = stepCandidate
    this.trk.resetVotes()
    this.tickFn = () => { this.tickElection() }
    this.lead = None
    this.state = StateType.StatePreCandidate
    this.logger.info('became pre-candidate', { id: String(this.id), term: this.term })
  }

  becomeLeader (): void {
    if (this.state === StateType.StateFollower) throw new RaftPanic('invalid transition [follower -> leader]')
    this.stepFn = stepLeader
    this.reset(this.term)
    this.tickFn = () => { this.tickHeartbeat() }
    this.lead = this.id
    this.state = StateType.StateLeader
    const pr = this.trk.progress.get(this.id)
    if (pr !== undefined) {
      // The leader's own progress is always "replicating" and active.
      pr.becomeReplicate()
      pr.recentActive = true
    }
    // Conservatively assume the uncommitted tail may hold a conf change.
    this.pendingConfIndex = this.raftLog.lastIndex()
    // The empty entry of the new term: committing it commits everything before (§5.4.2).
    if (!this.appendEntry([{ term: 0, index: 0, type: EntryType.EntryNormal, data: emptyBytes }])) {
      throw new RaftPanic('empty entry was dropped')
    }
    this.logger.info('became leader', { id: String(this.id), term: this.term })
  }

  hup (t: CampaignType): void {
    if (this.state === StateType.StateLeader) {
      this.logger.debug('ignoring MsgHup because already leader', { id: String(this.id) })
      return
    }
    if (!this.promotable()) {
      this.logger.warn('is unpromotable and can not campaign', { id: String(this.id) })
      return
    }
    if (this.hasUnappliedConfChanges()) {
      this.logger.warn('cannot campaign: pending configuration changes to apply', { id: String(this.id), term: this.term })
      return
    }
    this.campaign(t)
  }

  /** Whether committed but unapplied entries contain a conf change. */
  hasUnappliedConfChanges (): boolean {
    if (this.raftLog.applied >= this.raftLog.committed) return false
    let lo = this.raftLog.applied + 1
    const hi = this.raftLog.committed + 1
    while (lo < hi) {
      const ents = this.raftLog.slice(lo, hi, this.raftLog.maxApplyingEntsSize)
      for (const e of ents) {
        if (e.type === EntryType.EntryConfChange || e.type === EntryType.EntryConfChangeV2) return true
      }
      lo += ents.length
    }
    return false
  }

  campaign (t: CampaignType): void {
    if (!this.promotable()) this.logger.warn('is unpromotable; campaign() should have been called', { id: String(this.id) })
    let term: number
    let voteMsg: MessageType
    if (t === CampaignType.PreElection) {
      this.becomePreCandidate()
      voteMsg = MessageType.MsgPreVote
      term = this.term + 1 // the pre-vote asks for the next term without taking it
    } else {
      this.becomeCandidate()
      voteMsg = MessageType.MsgVote
      term = this.term
    }
    const last = this.raftLog.lastEntryID()
    const ctx = t === CampaignType.Transfer ? transferCtx : emptyBytes
    for (const id of this.trk.voterNodes()) {
      if (id === this.id) {
        // Our own vote counts once it is durable: it comes back on advance().
        this.send(newMessage({ type: voteRespMsgType(voteMsg), to: id, term }))
        continue
      }
      this.send(newMessage({ type: voteMsg, to: id, term, index: last.index, logTerm: last.term, context: ctx }))
    }
  }

  poll (id: NodeID, v: boolean): ReturnType<ProgressTracker['tallyVotes']> {
    this.trk.recordVote(id, v)
    return this.trk.tallyVotes()
  }

  /** Steps a message through the term rules and then the role's step function. */
  step (m: Message): void {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === MessageType.MsgVote || m.type === MessageType.MsgPreVote) {
        const force = isTransferCtx(m.context)
        const inLease = this.cfg.checkQuorum && this.lead !== None && this.electionElapsed < this.electionTimeout
        if (!force && inLease) {
          // Leader stickiness: we heard from a leader recently, so this candidate is disruptive.
          this.logger.info('ignored vote from a candidate: lease is not expired', { id: String(this.id), from: String(m.from), term: this.term, msgTerm: m.term })
          return
        }
      }
      if (m.type === MessageType.MsgPreVote) {
        // Never change our term in response to a pre-vote.
      } else if (m.type === MessageType.MsgPreVoteResp && !m.reject) {
        // The term is taken only once the pre-vote quorum is won.
      } else if (m.type === MessageType.MsgApp || m.type === MessageType.MsgHeartbeat || m.type === MessageType.MsgSnap) {
        this.becomeFollower(m.term, m.from)
      } else {
        this.becomeFollower(m.term, None)
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === MessageType.MsgHeartbeat || m.type === MessageType.MsgApp)) {
        // A stale leader (or one cut off by our higher term from a disrupted election) learns our
        // term from this response and steps down; otherwise it could stay leader forever while
        // we ignore it and our pre-votes/votes are refused by nodes that still hear from it.
        this.send(newMessage({ type: MessageType.MsgAppResp, to: m.from }))
      } else if (m.type === MessageType.MsgPreVote) {
        this.send(newMessage({ type: MessageType.MsgPreVoteResp, to: m.from, term: this.term, reject: true }))
      }
      return
    }

    switch (m.type) {
      case MessageType.MsgHup:
        this.hup(this.cfg.preVote ? CampaignType.PreElection : CampaignType.Election)
        return
      case MessageType.MsgVote:
      case MessageType.MsgPreVote: {
        const canVote = this.vote === m.from ||
          (this.vote === None && this.lead === None) ||
          (m.type === MessageType.MsgPreVote && m.term > this.term)
        if (canVote && this.raftLog.isUpToDate({ term: m.logTerm, index: m.index })) {
          this.send(newMessage({ type: voteRespMsgType(m.type), to: m.from, term: m.term }))
          if (m.type === MessageType.MsgVote) {
            this.electionElapsed = 0
            this.vote = m.from
          }
        } else {
          this.send(newMessage({ type: voteRespMsgType(m.type), to: m.from, term: this.term, reject: true }))
        }
        return
      }
      default:
        this.stepFn(this, m)
    }
  }

  handleAppendEntries (m: Message): void {
    if (m.index < this.raftLog.committed) {
      this.send(newMessage({ type: MessageType.MsgAppResp, to: m.from, index: this.raftLog.committed }))
      return
    }
    const lastnewi = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries)
    if (lastnewi !== undefined) {
      this.send(newMessage({ type: MessageType.MsgAppResp, to: m.from, index: lastnewi }))
      return
    }
    // Reject, with a hint where our log may match so the leader can skip whole terms.
    const [hintIndex, hintTerm] = this.raftLog.findConflictByTerm(Math.min(m.index, this.raftLog.lastIndex()), m.logTerm)
    this.send(newMessage({ type: MessageType.MsgAppResp, to: m.from, index: m.index, reject: true, rejectHint: hintIndex, logTerm: hintTerm }))
  }

  handleHeartbeat (m: Message): void {
    this.raftLog.commitTo(m.commit)
    this.send(newMessage({ type: MessageType.MsgHeartbeatResp, to: m.from, context: m.context }))
  }

  handleSnapshot (m: Message): void {
    const s = m.snapshot
    if (s !== undefined && this.restore(s)) {
      this.logger.info('restored snapshot', { id: String(this.id), index: s.metadata.index, term: s.metadata.term })
      this.send(newMessage({ type: MessageType.MsgAppResp, to: m.from, index: this.raftLog.lastIndex() }))
    } else {
      this.send(newMessage({ type: MessageType.MsgAppResp, to: m.from, index: this.raftLog.committed }))
    }
  }

  /** Installs a snapshot from the leader; false when it is stale or already covered by the log. */
  restore (s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false
    if (this.state !== StateType.StateFollower) {
      // Defensive: only followers receive snapshots. Force a new election.
      this.logger.warn('attempted to restore snapshot as leader; should never happen', { id: String(this.id) })
      this.becomeFollower(this.term + 1, None)
      return false
    }
    const cs = s.metadata.confState
    const found = [cs.voters, cs.learners, cs.votersOutgoing].some((ids) => ids.includes(this.id))
    if (!found) {
      this.logger.warn('attempted to restore snapshot but it is not in the ConfState; should never happen', { id: String(this.id) })
      return false
    }
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We already have the entry: just fast-forward the commit index.
      this.raftLog.commitTo(s.metadata.index)
      return false
    }
    this.raftLog.restore(s)
    this.trk.config = { voters: [new Set(), new Set()], autoLeave: false, learners: new Set(), learnersNext: new Set() }
    this.trk.progress = new Map()
    const restored = restoreConfState(this.trk, this.raftLog.lastIndex(), cs)
    assertConfStatesEquivalent(cs, this.switchToConfig(restored))
    return true
  }

  /** Whether this node may become leader: a voter not waiting for a snapshot. */
  promotable (): boolean {
    const pr = this.trk.progress.get(this.id)
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasNextOrInProgressSnapshot()
  }

  /** Applies an (already committed) conf change; returns the resulting ConfState. */
  applyConfChange (cc: ConfChangeV2): ConfState {
    const changer = new Changer(this.trk, this.raftLog.lastIndex())
    let res: ChangeResult
    if (leaveJoint(cc)) {
      res = changer.leaveJoint()
    } else {
      const { autoLeave, ok } = enterJoint(cc)
      res = ok ? changer.enterJoint(autoLeave, cc.changes) : changer.simple(cc.changes)
    }
    return this.switchToConfig(res)
  }

  /** Installs a new configuration and reacts to it (commit, step down, abort transfer). */
  switchToConfig (res: ChangeResult): ConfState {
    this.trk.config = res.config
    this.trk.progress = res.progress
    this.logger.info('switched to configuration', { id: String(this.id) })
    const cs = this.trk.confState()
    const pr = this.trk.progress.get(this.id)
    this.isLearner = pr !== undefined && pr.isLearner
    if ((pr === undefined || this.isLearner) && this.state === StateType.StateLeader) {
      // Removed or demoted: keep serving until the host stops us, unless asked to step down.
      if (this.cfg.stepDownOnRemoval) this.becomeFollower(this.term, None)
      return cs
    }
    if (this.state !== StateType.StateLeader || cs.voters.length === 0) return cs
    if (this.maybeCommit()) {
      // A smaller quorum may commit more.
      this.bcastAppend()
    } else {
      // New members need probing; others may be unpaused.
      this.trk.visit((id) => {
        if (id !== this.id) this.maybeSendAppend(id, false)
      })
    }
    // A transfer to a node that is no longer a voter cannot finish.
    const voters = this.trk.config.voters
    if (this.leadTransferee !== None && !voters[0].has(this.leadTransferee) && !voters[1].has(this.leadTransferee)) {
      this.abortLeaderTransfer()
    }
    return cs
  }

  loadState (st: HardState): void {
    if (st.commit < this.raftLog.committed || st.commit > this.raftLog.lastIndex()) {
      throw new RaftPanic(`state.commit ${st.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`)
    }
    this.raftLog.committed = st.commit
    this.term = st.term
    this.vote = st.vote
  }

  pastElectionTimeout (): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout
  }

  resetRandomizedElectionTimeout (): void {
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(this.cfg.rand() * this.electionTimeout)
  }

  /** Test hook: pins the randomized election timeout. */
  setRandomizedElectionTimeout (v: number): void {
    this.randomizedElectionTimeout = v
  }

  sendTimeoutNow (to: NodeID): void {
    this.send(newMessage({ type: MessageType.MsgTimeoutNow, to }))
  }

  abortLeaderTransfer (): void {
    this.leadTransferee = None
  }

  /** Whether the leader has committed an entry of its own term (ReadIndex waits for this). */
  committedEntryInCurrentTerm (): boolean {
    return this.raftLog.zeroTermOnOutOfBounds(this.raftLog.committed) === this.term
  }

  /** Answers a confirmed read: a ReadState locally, or a MsgReadIndexResp to a follower. */
  responseToReadIndexReq (req: Message, readIndex: number): Message | undefined {
    if (req.from === None || req.from === this.id) {
      this.readStates.push({ index: readIndex, requestCtx: req.entries[0].data })
      return undefined
    }
    return newMessage({ type: MessageType.MsgReadIndexResp, to: req.from, index: readIndex, entries: req.entries })
  }

  increaseUncommittedSize (ents: Entry[]): boolean {
    const s = payloadsSize(ents)
    if (this.uncommittedSize > 0 && s > 0 && this.uncommittedSize + s > this.cfg.maxUncommittedEntriesSize) return false
    this.uncommittedSize += s
    return true
  }

  reduceUncommittedSize (s: number): void {
    this.uncommittedSize = s > this.uncommittedSize ? 0 : this.uncommittedSize - s
  }

  /** Records that the host applied entries up to `index` (and may leave a joint config automatically). */
  appliedTo (index: number, size: number): void {
    const newApplied = Math.max(index, this.raftLog.applied)
    this.raftLog.appliedTo(newApplied, size)
    if (this.trk.config.autoLeave && newApplied >= this.pendingConfIndex && this.state === StateType.StateLeader) {
      // The joint config is applied: propose leaving it. Validation rejects this if a change is
      // still pending, and the attempt is repeated on the next apply.
      const { type, data } = marshalConfChange({ transition: 0, changes: [], context: emptyBytes })
      try {
        this.step(newMessage({ type: MessageType.MsgProp, from: this.id, entries: [{ term: 0, index: 0, type, data }] }))
        this.logger.info('initiating automatic transition out of joint configuration', { id: String(this.id) })
      } catch (err) {
        this.logger.debug('not initiating automatic transition out of joint configuration', { err: String(err) })
      }
    }
  }

  /** Records that the snapshot at `index` is applied. */
  appliedSnap (index: number): void {
    this.appliedTo(index, 0)
  }
}

/** Decodes the conf change carried by an entry, as v2. */
export function confChangeFromEntry (e: Entry): ConfChangeV2 | undefined {
  if (e.type === EntryType.EntryConfChange) return asV2(decodeConfChange(e.data))
  if (e.type === EntryType.EntryConfChangeV2) return decodeConfChangeV2(e.data)
  return undefined
}

function assertConfStatesEquivalent (a: ConfState, b: ConfState): void {
  if (!confStateEquivalent(a, b)) throw new RaftPanic(`ConfStates not equivalent after sorting: ${JSON.stringify(a, (_k, v) => typeof v === 'bigint' ? String(v) : v)} vs ${JSON.stringify(b, (_k, v) => typeof v === 'bigint' ? String(v) : v)}`)
}
