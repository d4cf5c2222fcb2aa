// The parameters of a raft node, with validation and defaults.
import type { RaftLogger } from './logger.js'
import { discardLogger } from './logger.js'
import type { NodeID } from './raftpb/types.js'
import { None } from './raftpb/types.js'
import { seededRandom } from './rand.js'
import type { Storage } from './storage.js'

export interface Config {
  /** This node's ID (non-zero). */
  id: NodeID
  /** Ticks without hearing from a leader before campaigning (randomized in [electionTick, 2·electionTick)). Must exceed heartbeatTick. */
  electionTick: number
  /** Ticks between leader heartbeats. */
  heartbeatTick: number
  /** The stable log. Raft reads its initial state from it. */
  storage: Storage
  /** The last index the host has applied (on restart), so those entries are not handed out again. */
  applied?: number
  /** Max bytes of entries per MsgApp (0 = one entry per message). Default 1 MiB. */
  maxSizePerMsg?: number
  /** Max bytes of committed entries per Ready (and un-applied in flight). Default maxSizePerMsg. */
  maxCommittedSizePerReady?: number
  /** Max bytes of uncommitted entry payload on the leader; proposals beyond are dropped. 0/undefined = no limit. */
  maxUncommittedEntriesSize?: number
  /** Max MsgApp messages in flight per follower while replicating. Default 256. */
  maxInflightMsgs?: number
  /** Max payload bytes in flight per follower (0/undefined = no limit). */
  maxInflightBytes?: number
  /** Leader steps down when it has not heard from a quorum within an election timeout; enables leader stickiness. */
  checkQuorum?: boolean
  /** Run a pre-vote round before a real election. */
  preVote?: boolean
  /** Drop (ErrProposalDropped) proposals on followers instead of forwarding them to the leader. */
  disableProposalForwarding?: boolean
  /** A leader removed from (or demoted in) the configuration steps down when the change is applied. */
  stepDownOnRemoval?: boolean
  /** Skip the leader's checks on proposed conf changes (pending change, joint state). */
  disableConfChangeValidation?: boolean
  /** Random source in [0, 1) for the election timeout. Takes precedence over `seed`. */
  rand?: () => number
  /** Seed for the built-in PRNG when `rand` is not given (default: derived from id). */
  seed?: number
  logger?: RaftLogger
}

/** A Config with every default filled in and checked. */
export interface ResolvedConfig {
  id: NodeID
  electionTick: number
  heartbeatTick: number
  storage: Storage
  applied: number
  maxSizePerMsg: number
  maxCommittedSizePerReady: number
  maxUncommittedEntriesSize: number
  maxInflightMsgs: number
  maxInflightBytes: number
  checkQuorum: boolean
  preVote: boolean
  disableProposalForwarding: boolean
  stepDownOnRemoval: boolean
  disableConfChangeValidation: boolean
  rand: () => number
  logger: RaftLogger
}

/** Thrown by `new RawNode(config)` for an invalid configuration. */
export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export function resolveConfig (c: Config): ResolvedConfig {
  if (c.id === None) throw new ConfigError('cannot use none as id')
  if (!(c.heartbeatTick > 0)) throw new ConfigError('heartbeat tick must be greater than 0')
  if (!(c.electionTick > c.heartbeatTick)) throw new ConfigError('election tick must be greater than heartbeat tick')
  if (c.storage === undefined) throw new ConfigError('storage cannot be nil')
  const maxInflightMsgs = c.maxInflightMsgs ?? 256
  if (!(maxInflightMsgs > 0)) throw new ConfigError('max inflight messages must be greater than 0')
  const maxSizePerMsg = c.maxSizePerMsg ?? 1024 * 1024
  const maxInflightBytes = c.maxInflightBytes ?? 0
  if (maxInflightBytes !== 0 && maxInflightBytes < maxSizePerMsg) throw new ConfigError('max inflight bytes must be >= max message size')
  const seed = c.seed ?? Number(c.id & 0xffffffffn)
  return {
    id: c.id,
    electionTick: c.electionTick,
    heartbeatTick: c.heartbeatTick,
    storage: c.storage,
    applied: c.applied ?? 0,
    maxSizePerMsg,
    maxCommittedSizePerReady: c.maxCommittedSizePerReady ?? Math.max(maxSizePerMsg, 1),
    maxUncommittedEntriesSize: c.maxUncommittedEntriesSize === undefined || c.maxUncommittedEntriesSize === 0 ? Infinity : c.maxUncommittedEntriesSize,
    maxInflightMsgs,
    maxInflightBytes,
    checkQuorum: c.checkQuorum ?? false,
    preVote: c.preVote ?? false,
    disableProposalForwarding: c.disableProposalForwarding ?? false,
    stepDownOnRemoval: c.stepDownOnRemoval ?? false,
    disableConfChangeValidation: c.disableConfChangeValidation ?? false,
    rand: c.rand ?? seededRandom(seed),
    logger: c.logger ?? discardLogger
  }
}
