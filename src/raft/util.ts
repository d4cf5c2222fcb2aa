// Small helpers shared by the raft core: message classification and entry sizes.
import { MessageType } from './raftpb/types.js'
import type { Entry } from './raftpb/types.js'

const localMsgs = new Set<number>([
  MessageType.MsgHup, MessageType.MsgBeat, MessageType.MsgUnreachable,
  MessageType.MsgSnapStatus, MessageType.MsgCheckQuorum
])
const responseMsgs = new Set<number>([
  MessageType.MsgAppResp, MessageType.MsgVoteResp, MessageType.MsgHeartbeatResp,
  MessageType.MsgUnreachable, MessageType.MsgReadIndexResp, MessageType.MsgPreVoteResp
])

/** Messages that only the local host may generate (never received from a peer). */
export function isLocalMsg (t: MessageType): boolean {
  return localMsgs.has(t)
}

/** Messages that answer an earlier request. */
export function isResponseMsg (t: MessageType): boolean {
  return responseMsgs.has(t)
}

/** The response type for a vote request type. */
export function voteRespMsgType (t: MessageType): MessageType {
  if (t === MessageType.MsgVote) return MessageType.MsgVoteResp
  if (t === MessageType.MsgPreVote) return MessageType.MsgPreVoteResp
  throw new Error(`not a vote message: ${t}`)
}

/** Per-entry framing in an encoded message (type, term, index, data length). */
export const ENTRY_OVERHEAD = 21

/** The encoded size of an entry, used for message and Ready size limits. */
export function entrySize (e: Entry): number {
  return ENTRY_OVERHEAD + e.data.length
}

export function entsSize (ents: Entry[]): number {
  let s = 0
  for (const e of ents) s += ENTRY_OVERHEAD + e.data.length
  return s
}

/** The payload bytes of entries (what the uncommitted-size cap and inflight byte limit count). */
export function payloadsSize (ents: Entry[]): number {
  let s = 0
  for (const e of ents) s += e.data.length
  return s
}

/**
 * The longest prefix of `ents` whose total size stays within `maxSize`, but always at least one
 * entry. Returns the same array when nothing is cut.
 */
export function limitSize (ents: Entry[], maxSize: number): Entry[] {
  if (ents.length === 0) return ents
  let size = entrySize(ents[0])
  let limit = 1
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit])
    if (size > maxSize) break
  }
  return limit === ents.length ? ents : ents.slice(0, limit)
}
