// The leader's step function: proposals, replication acks, heartbeats, reads, transfers.
import { ErrProposalDropped } from './errors.js'
import type { Raft } from './raft.js'
import { confChangeFromEntry } from './raft.js'
import { VoteResult, jointVoteResult } from './quorum/quorum.js'
import { EntryType, MessageType, None, emptyBytes } from './raftpb/types.js'
import type { Message } from './raftpb/types.js'
import { ProgressStateType } from './tracker/progress.js'

/** Registers a read (safe mode) and starts the heartbeat round that confirms it. */
function sendMsgReadIndexResponse (r: Raft, m: Message): void {
  const ctx = r.readOnly.addRequest(r.raftLog.committed, m)
  r.readOnly.recvAck(r.id, ctx)
  r.bcastHeartbeatWithCtx(ctx)
}

/** Serves reads that waited for this leader's first commit in its term. */
function releasePendingReadIndexMessages (r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0) return
  if (!r.committedEntryInCurrentTerm()) {
    r.logger.error('pending MsgReadIndex should be released only after first commit in current term')
    return
  }
  const msgs = r.pendingReadIndexMessages
  r.pendingReadIndexMessages = []
  for (const m of msgs) sendMsgReadIndexResponse(r, m)
}

export function stepLeader (r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.MsgBeat:
      r.bcastHeartbeat()
      return
    case MessageType.MsgCheckQuorum:
      if (!r.trk.quorumActive()) {
        r.logger.warn('stepped down to follower since quorum is not active', { id: String(r.id) })
        r.becomeFollower(r.term, None)
      }
      // Everyone but us must prove activity again within the next election timeout.
      r.trk.visit((id, pr) => {
        if (id !== r.id) pr.recentActive = false
      })
      return
    case MessageType.MsgProp:
      stepProposal(r, m)
      return
    case MessageType.MsgReadIndex:
      // With a single voter, our commit index is already the quorum's.
      if (r.trk.isSingleton()) {
        const resp = r.responseToReadIndexReq(m, r.raftLog.committed)
        if (resp !== undefined) r.send(resp)
        return
      }
      // Until an entry of this term commits, our commit index may be behind the cluster's.
      if (!r.committedEntryInCurrentTerm()) {
        r.pendingReadIndexMessages.push(m)
        return
      }
      sendMsgReadIndexResponse(r, m)
      return
  }

  // Every other message needs a progress entry for its sender.
  const pr = r.trk.progress.get(m.from)
  if (pr === undefined) {
    r.logger.debug('no progress available', { id: String(r.id), from: String(m.from) })
    return
  }
  switch (m.type) {
    case MessageType.MsgAppResp: {
      pr.recentActive = true
      if (m.reject) {
        // rejectHint is where the follower's log may match and logTerm its term there: skip
        // every entry of ours with a larger term at once.
        let nextProbeIdx = m.rejectHint
        if (m.logTerm > 0) nextProbeIdx = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm)[0]
        if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
          if (pr.state === ProgressStateType.StateReplicate) pr.becomeProbe()
          r.sendAppend(m.from)
        }
        return
      }
      // An ack equal to match still moves a probing follower back to replicating.
      if (pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === ProgressStateType.StateProbe)) {
        if (pr.state === ProgressStateType.StateProbe) {
          pr.becomeReplicate()
        } else if (pr.state === ProgressStateType.StateSnapshot && pr.match + 1 >= r.raftLog.firstIndex()) {
          // The follower can be caught up from the log now, whatever snapshot it applied.
          pr.becomeProbe()
          pr.becomeReplicate()
        } else if (pr.state === ProgressStateType.StateReplicate) {
          pr.inflights.freeLE(m.index)
        }
        if (r.maybeCommit()) {
          releasePendingReadIndexMessages(r)
          r.bcastAppend()
        } else if (r.id !== m.from && pr.canBumpCommit(r.raftLog.committed)) {
          // The follower may not know the latest commit index yet.
          r.sendAppend(m.from)
        }
        // Flow control may now allow several messages at once.
        if (r.id !== m.from) {
          while (r.maybeSendAppend(m.from, false)) { /* send as many as allowed */ }
        }
        if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
          r.logger.info('sent MsgTimeoutNow after received MsgAppResp', { id: String(r.id), to: String(m.from) })
          r.sendTimeoutNow(m.from)
        }
      }
      return
    }
    case MessageType.MsgHeartbeatResp: {
      pr.recentActive = true
      pr.msgAppFlowPaused = false
      // Even a throttled follower gets an (empty) append: it recovers a window whose messages
      // were all lost, and moves a caught-up probing follower back to replicating.
      if (pr.match < r.raftLog.lastIndex() || pr.state === ProgressStateType.StateProbe || pr.canBumpCommit(r.raftLog.committed)) {
        r.sendAppend(m.from)
      }
      if (m.context.length === 0) return
      const acks = r.readOnly.recvAck(m.from, m.context)
      if (acks === undefined) return
      const votes = new Map<bigint, boolean>()
      for (const id of acks) votes.set(id, true)
      if (jointVoteResult(r.trk.config.voters, votes) !== VoteResult.VoteWon) return
      for (const rs of r.readOnly.advance(m.context)) {
        const resp = r.responseToReadIndexReq(rs.req, rs.index)
        if (resp !== undefined) r.send(resp)
      }
      return
    }
    case MessageType.MsgSnapStatus:
      if (pr.state !== ProgressStateType.StateSnapshot) return
      if (m.reject) {
        // The snapshot failed: forget it and probe again.
        pr.pendingSnapshot = 0
        r.logger.debug('snapshot failed, resumed sending replication messages', { to: String(m.from) })
      }
      pr.becomeProbe()
      // Wait for a heartbeat response (or the next MsgAppResp) before sending again.
      pr.msgAppFlowPaused = true
      return
    case MessageType.MsgUnreachable:
      // Optimistic sends to an unreachable follower were probably lost.
      if (pr.state === ProgressStateType.StateReplicate) pr.becomeProbe()
      r.logger.debug('failed to send message to peer because it is unreachable', { to: String(m.from) })
      return
    case MessageType.MsgTransferLeader: {
      if (pr.isLearner) {
        r.logger.debug('is learner. Ignored transferring leadership', { id: String(m.from) })
        return
      }
      const leadTransferee = m.from
      const last = r.leadTransferee
      if (last !== None) {
        if (last === leadTransferee) {
          r.logger.info('transfer leadership is in progress, ignores request to same node', { to: String(leadTransferee) })
          return
        }
        r.abortLeaderTransfer()
      }
      if (leadTransferee === r.id) {
        r.logger.debug('is already leader. Ignored transferring leadership to self')
        return
      }
      // The transfer must finish within an election timeout.
      r.electionElapsed = 0
      r.leadTransferee = leadTransferee
      if (pr.match === r.raftLog.lastIndex()) {
        r.sendTimeoutNow(leadTransferee)
      } else {
        r.sendAppend(leadTransferee)
      }
    }
  }
}

function stepProposal (r: Raft, m: Message): void {
  if (m.entries.length === 0) throw new Error('raft: stepped empty MsgProp')
  if (!r.trk.progress.has(r.id)) {
    // Removed from the configuration while still leader: refuse new work.
    throw new ErrProposalDropped()
  }
  if (r.leadTransferee !== None) {
    r.logger.debug('transfer leadership is in progress; dropping proposal', { id: String(r.id), to: String(r.leadTransferee) })
    throw new ErrProposalDropped()
  }
  for (let i = 0; i < m.entries.length; i++) {
    const e = m.entries[i]
    const cc = confChangeFromEntry(e)
    if (cc === undefined) continue
    const alreadyPending = r.pendingConfIndex > r.raftLog.applied
    const alreadyJoint = r.trk.config.voters[1].size > 0
    const wantsLeaveJoint = cc.changes.length === 0
    let failedCheck = ''
    if (alreadyPending) failedCheck = `possible unapplied conf change at index ${r.pendingConfIndex} (applied to ${r.raftLog.applied})`
    else if (alreadyJoint && !wantsLeaveJoint) failedCheck = 'must transition out of joint config first'
    else if (!alreadyJoint && wantsLeaveJoint) failedCheck = 'not in joint state; refusing empty conf change'
    if (failedCheck !== '' && !r.cfg.disableConfChangeValidation) {
      // Replaced by an empty normal entry: the proposer sees it commit as a no-op.
      r.logger.info('ignoring conf change', { reason: failedCheck })
      m.entries[i] = { term: 0, index: 0, type: EntryType.EntryNormal, data: emptyBytes }
    } else {
      r.pendingConfIndex = r.raftLog.lastIndex() + i + 1
    }
  }
  if (!r.appendEntry(m.entries)) throw new ErrProposalDropped()
  r.bcastAppend()
}
