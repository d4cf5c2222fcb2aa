// THE raft IO loop (architecture principle 2): the only code that calls ready()/advance().
// Time enters as tick() from a timer; each Ready is handled in order:
//   soft state → read states → (leader: send) → persist snapshot → persist HardState + entries
//   (one fdatasync) → raft storage append → (follower: send) → apply committed entries → advance.
// Entries are applied only once the Ready that persisted them is durable, so the backend's
// consistent index never passes the WAL (design/raft-and-reliability.md §3.1); entries made
// durable by an earlier Ready are applied while this Ready's write is in flight.
import { failpoint, failpointsArmed } from '../pkg/failpoint.js'
import type { Logger } from 'pino'
import {
  type Entry, type HardState, type Message, type RawNode, type ReadState, type Ready,
  type Snapshot, type MemoryStorage, isEmptySnapshot, MessageType, StateType
} from '../raft/index.js'
import type { WAL } from '../storage/wal/index.js'
import type { Snapshotter } from '../storage/snap/index.js'

/** Where outgoing raft messages go (rafthttp's Transporter, narrowed). */
export interface RaftTransport {
  send (msgs: Message[]): void
}

/** The apply side of the loop: applies a Ready's committed entries (and snapshot). */
export interface RaftApplier {
  /** Called with the snapshot of a Ready once it is durable. */
  applySnapshot (snap: Snapshot): Promise<void>
  /** Applies committed entries; resolves once their effects are committed to the backend. */
  applyEntries (entries: Entry[]): Promise<void>
}

export interface RaftNodeHooks {
  /** The leader or this member's role changed. */
  onSoftState (lead: bigint, isLeader: boolean, term: number): void
  /** ReadIndex answers. */
  onReadStates (rs: ReadState[]): void
  /** A fatal persistence error: the process must stop (principle 8: do not limp on). */
  onFatal (err: unknown): void
}

export interface RaftNodeOptions {
  rn: RawNode
  storage: MemoryStorage
  wal: WAL
  snapshotter: Snapshotter
  transport: RaftTransport
  applier: RaftApplier
  hooks: RaftNodeHooks
  tickMs: number
  logger: Logger
}

export class RaftNode {
  readonly #o: RaftNodeOptions
  readonly #log: Logger
  #timer: NodeJS.Timeout | undefined
  #running = false
  #scheduled = false
  #stopped = false
  #isLeader = false
  #idle: Array<() => void> = []
  /** Proposals of this turn, stepped into raft as one MsgProp before the next Ready. */
  #proposals: Uint8Array[] = []
  #onDropped: Array<(err: unknown) => void> = []
  /** The last raft log index known to be in the WAL on disk. */
  #durableIndex: number

  constructor (o: RaftNodeOptions) {
    this.#o = o
    this.#log = o.logger
    this.#durableIndex = o.storage.lastIndex()
  }

  get rawNode (): RawNode {
    return this.#o.rn
  }

  /** Starts ticking and processing Readies. */
  start (): void {
    this.#timer = setInterval(() => {
      this.#o.rn.tick()
      this.schedule()
    }, this.#o.tickMs)
    this.schedule()
  }

  /**
   * Asks the loop to look for a Ready. Call after every step/propose/readIndex. Runs on the next
   * turn of the event loop so that proposals arriving together share one Ready (and one fsync).
   */
  schedule (): void {
    if (this.#scheduled || this.#stopped) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      if (!this.#running) this.#run().catch(() => {})
    })
  }

  /**
   * Queues a normal proposal. The proposals queued in one turn (and while a Ready is being
   * persisted) enter raft together as one MsgProp just before the next Ready, so the leader
   * sends one MsgApp per follower for all of them rather than one per proposal, and a follower
   * forwards them to the leader in one message. `onDropped` hears raft's refusal.
   */
  propose (data: Uint8Array, onDropped: (err: unknown) => void): void {
    this.#proposals.push(data)
    this.#onDropped.push(onDropped)
    this.schedule()
  }

  #flushProposals (): void {
    if (this.#proposals.length === 0) return
    const data = this.#proposals
    const dropped = this.#onDropped
    this.#proposals = []
    this.#onDropped = []
    try {
      this.#o.rn.proposeEntries(data)
    } catch (err) {
      for (const f of dropped) f(err)
    }
  }

  /** Stops ticking and waits for the Ready in progress to finish. */
  async stop (): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    if (this.#running) await new Promise<void>((resolve) => this.#idle.push(resolve))
  }

  async #run (): Promise<void> {
    this.#running = true
    try {
      while (!this.#stopped && (this.#flushProposals(), this.#o.rn.hasReady())) {
        const rd = this.#o.rn.ready()
        await this.#handle(rd)
        this.#o.rn.advance(rd)
      }
    } catch (err) {
      this.#stopped = true
      if (this.#timer !== undefined) clearInterval(this.#timer)
      this.#log.fatal({ err }, 'failed to process raft ready')
      this.#o.hooks.onFatal(err)
    } finally {
      this.#running = false
      const idle = this.#idle
      this.#idle = []
      for (const f of idle) f()
    }
  }

  async #handle (rd: Ready): Promise<void> {
    const o = this.#o
    if (rd.softState !== undefined) {
      this.#isLeader = rd.softState.raftState === StateType.StateLeader
      o.hooks.onSoftState(rd.softState.lead, this.#isLeader, o.rn.basicStatus().hardState.term)
    }
    if (rd.readStates.length > 0) o.hooks.onReadStates(rd.readStates)

    // The leader may send its appends while it persists: it counts its own copy towards the
    // commit only once the write completed (thesis §10.2.1).
    if (this.#isLeader && rd.messages.length > 0) {
      if (failpointsArmed) failpoint('beforeLeaderSend')
      o.transport.send(rd.messages)
    }

    const snap = rd.snapshot !== undefined && !isEmptySnapshot(rd.snapshot) ? rd.snapshot : undefined
    if (snap !== undefined) {
      // The .snap file first, then the WAL record: an orphan file is harmless.
      o.snapshotter.saveSnap(snap)
      await o.wal.saveSnapshot({ index: snap.metadata.index, term: snap.metadata.term })
    }
    // Committed entries that an earlier Ready already made durable (and that this Ready's entries
    // do not overwrite) are applied while this Ready's WAL write is in flight, as etcd's apply
    // goroutine runs beside its raft loop; the rest wait for the write.
    let limit = snap === undefined ? this.#durableIndex : 0
    if (rd.entries.length > 0) limit = Math.min(limit, rd.entries[0].index - 1)
    const ents = rd.committedEntries
    let split = 0
    while (split < ents.length && ents[split].index <= limit) split++
    const hs: HardState | null = rd.hardState ?? null
    if (failpointsArmed && (hs !== null || rd.entries.length > 0)) failpoint('beforeWalSave')
    const persist = hs !== null || rd.entries.length > 0 ? o.wal.save(hs, rd.entries) : undefined
    if (split > 0) {
      const applied = o.applier.applyEntries(split === ents.length ? ents : ents.slice(0, split))
      // Both settle before the Ready is advanced; a failure of either stops the member.
      await Promise.all([persist, applied])
    } else if (persist !== undefined) {
      await persist
    }
    if (failpointsArmed && persist !== undefined) failpoint('afterWalSave')
    if (snap !== undefined) {
      o.storage.applySnapshot(snap)
      await o.applier.applySnapshot(snap)
      this.#durableIndex = snap.metadata.index
    }
    if (rd.entries.length > 0) {
      o.storage.append(rd.entries)
      this.#durableIndex = rd.entries[rd.entries.length - 1].index
    }

    if (!this.#isLeader && rd.messages.length > 0) {
      if (failpointsArmed) failpoint('beforeFollowerSend')
      o.transport.send(rd.messages)
    }

    if (split < ents.length) await o.applier.applyEntries(split === 0 ? ents : ents.slice(split))
  }

  /** True once a message is a local-only type that must never leave the process. */
  static isLocal (m: Message): boolean {
    return m.type === MessageType.MsgHup || m.type === MessageType.MsgBeat
  }
}
