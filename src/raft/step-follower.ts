// The step functions of followers and (pre-)candidates.
import { ErrProposalDropped } from './errors.js'
import type { Raft } from './raft.js'
import { CampaignType, StateType } from './raft.js'
import { VoteResult } from './quorum/quorum.js'
import { MessageType, None } from './raftpb/types.js'
import type { Message } from './raftpb/types.js'

export function stepCandidate (r: Raft, m: Message): void {
  // Only the response type of our own campaign counts; a stale pre-vote response after we moved
  // on to the real election (or the other way round) is ignored.
  const myVoteRespType = r.state === StateType.StatePreCandidate ? MessageType.MsgPreVoteResp : MessageType.MsgVoteResp
  switch (m.type) {
    case MessageType.MsgProp:
      r.logger.info('no leader; dropping proposal', { id: String(r.id), term: r.term })
      throw new ErrProposalDropped()
    case MessageType.MsgReadIndex:
      // Upstream ignores it silently; reporting it lets the host fail the read at once.
      r.logger.info('no leader; dropping index reading msg', { id: String(r.id), term: r.term })
      throw new ErrProposalDropped()
    case MessageType.MsgApp:
      r.becomeFollower(m.term, m.from) // always m.term === r.term here
      r.handleAppendEntries(m)
      return
    case MessageType.MsgHeartbeat:
      r.becomeFollower(m.term, m.from)
      r.handleHeartbeat(m)
      return
    case MessageType.MsgSnap:
      r.becomeFollower(m.term, m.from)
      r.handleSnapshot(m)
      return
    case myVoteRespType: {
      const { granted, rejected, result } = r.poll(m.from, !m.reject)
      r.logger.info('has received votes', { id: String(r.id), granted, rejected, type: m.type })
      if (result === VoteResult.VoteWon) {
        if (r.state === StateType.StatePreCandidate) {
          r.campaign(CampaignType.Election)
        } else {
          r.becomeLeader()
          r.bcastAppend()
        }
      } else if (result === VoteResult.VoteLost) {
        // A pre-candidate keeps its term; a candidate stays in the term it started.
        r.becomeFollower(r.term, None)
      }
      return
    }
    case MessageType.MsgTimeoutNow:
      r.logger.debug('ignored MsgTimeoutNow as candidate', { id: String(r.id), from: String(m.from) })
  }
}

export function stepFollower (r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.MsgProp:
      if (r.lead === None) {
        r.logger.info('no leader; dropping proposal', { id: String(r.id), term: r.term })
        throw new ErrProposalDropped()
      }
      if (r.cfg.disableProposalForwarding) {
        r.logger.info('not forwarding to leader; dropping proposal', { id: String(r.id), lead: String(r.lead) })
        throw new ErrProposalDropped()
      }
      m.to = r.lead
      r.send(m)
      return
    case MessageType.MsgApp:
      r.electionElapsed = 0
      r.lead = m.from
      r.handleAppendEntries(m)
      return
    case MessageType.MsgHeartbeat:
      r.electionElapsed = 0
      r.lead = m.from
      r.handleHeartbeat(m)
      return
    case MessageType.MsgSnap:
      r.electionElapsed = 0
      r.lead = m.from
      r.handleSnapshot(m)
      return
    case MessageType.MsgTransferLeader:
      if (r.lead === None) {
        r.logger.info('no leader; dropping leader transfer msg', { id: String(r.id), term: r.term })
        return
      }
      m.to = r.lead
      r.send(m)
      return
    case MessageType.MsgTimeoutNow:
      // A transfer never uses pre-vote: the leader asked us, so this is no partition recovery.
      r.logger.info('received MsgTimeoutNow; starting an election to take leadership', { id: String(r.id), term: r.term, from: String(m.from) })
      r.hup(CampaignType.Transfer)
      return
    case MessageType.MsgReadIndex:
      if (r.lead === None) {
        r.logger.info('no leader; dropping index reading msg', { id: String(r.id), term: r.term })
        throw new ErrProposalDropped()
      }
      m.to = r.lead
      r.send(m)
      return
    case MessageType.MsgReadIndexResp:
      if (m.entries.length !== 1) {
        r.logger.error('invalid format of MsgReadIndexResp', { from: String(m.from), entries: m.entries.length })
        return
      }
      r.readStates.push({ index: m.index, requestCtx: m.entries[0].data })
  }
}
