// A synchronous in-memory network of RawNodes, the test harness for multi-node scenarios.
// Each node is a real RawNode over a real MemoryStorage (its "disk"); processing a Ready
// persists to that storage, queues the messages, applies committed entries (conf changes
// through applyConfChange) and advances. Delivery is FIFO and runs to quiescence. Filters:
// seeded per-link drop, cut, isolate, ignore a message type, hold-and-release (reorder),
// duplicate, and crash/restart from the stable storage.
import {
  EntryType, MemoryStorage, MessageType, RawNode, StateType, confChangeFromEntry, messageTypeName, seededRandom
} from '../../../src/raft/index.js'
import type { Config, ConfState, Entry, Message, NodeID, Ready } from '../../../src/raft/index.js'

export interface AppliedEntry { index: number, term: number, data: string }

export type Verdict = 'deliver' | 'drop' | 'hold' | 'duplicate'

export interface NetworkOptions {
  /** Member IDs to start with (all voters unless listed in learners). */
  ids: NodeID[]
  learners?: NodeID[]
  seed?: number
  electionTick?: number
  heartbeatTick?: number
  /** Adjusts each node's Config (preVote, checkQuorum, limits…). */
  configure?: (c: Config) => void
  /** Per-node ConfState override (e.g. to start a node with an empty config). */
  confStateOf?: (id: NodeID) => ConfState | undefined
  /** Prepares a node's disk before its RawNode starts (preload entries, HardState). */
  prepare?: (id: NodeID, storage: MemoryStorage) => void
}

const enc = new TextEncoder()
const dec = new TextDecoder()

export function bytes (s: string): Uint8Array { return enc.encode(s) }
export function str (b: Uint8Array): string { return dec.decode(b) }

/** One simulated server: its RawNode, its disk, and its application state. */
export class SimNode {
  rn: RawNode
  /** Applied normal entries with data (the application state machine). */
  applied: AppliedEntry[] = []
  appliedIndex = 0
  confState: ConfState
  crashed = false
  readonly readStates: Array<{ index: number, ctx: string }> = []
  /** Every Ready handled (for assertions on Ready contents). */
  readyLog: Ready[] = []
  keepReadyLog = false

  constructor (readonly id: NodeID, readonly storage: MemoryStorage, readonly makeConfig: (applied: number) => Config) {
    this.confState = storage.initialState().confState
    this.rn = new RawNode(makeConfig(0))
  }

  get raft (): RawNode['raft'] { return this.rn.raft }
  get state (): StateType { return this.rn.raft.state }
  get term (): number { return this.rn.raft.term }

  /** Handles one Ready: persist, apply, advance. Returns the messages to send. */
  processReady (opts: { crashBeforeSend?: boolean } = {}): Message[] {
    const rd = this.rn.ready()
    if (this.keepReadyLog) this.readyLog.push(rd)
    if (rd.snapshot !== undefined) {
      this.storage.applySnapshot(rd.snapshot)
      const s = JSON.parse(str(rd.snapshot.data)) as { applied: AppliedEntry[] }
      this.applied = s.applied
      this.appliedIndex = rd.snapshot.metadata.index
      this.confState = rd.snapshot.metadata.confState
    }
    if (rd.hardState !== undefined) this.storage.setHardState(rd.hardState)
    this.storage.append(rd.entries)
    if (opts.crashBeforeSend === true) return []
    for (const rs of rd.readStates) this.readStates.push({ index: rs.index, ctx: str(rs.requestCtx) })
    for (const e of rd.committedEntries) this.apply(e)
    this.rn.advance(rd)
    return rd.messages
  }

  private apply (e: Entry): void {
    const cc = confChangeFromEntry(e)
    if (cc !== undefined) {
      // Membership is raft state rebuilt on restart from the snapshot's ConfState plus the
      // entries after it, so conf changes are always (re)applied, as etcd's apply loop does.
      this.confState = this.rn.applyConfChange(cc)
      this.appliedIndex = Math.max(this.appliedIndex, e.index)
      return
    }
    if (e.index <= this.appliedIndex) return // already applied before a restart
    this.appliedIndex = e.index
    if (e.type === EntryType.EntryNormal && e.data.length > 0) {
      this.applied.push({ index: e.index, term: e.term, data: str(e.data) })
    }
  }

  /**
   * Takes a snapshot at the applied index and compacts the log up to `compactTo` (default: the
   * applied index). Only possible while raft's applied index and the application's agree (after a
   * restart the application may be ahead until raft has re-delivered up to it): the snapshot's
   * data and ConfState must both describe the state at its index. Returns whether it did.
   */
  snapshotAndCompact (compactTo = this.appliedIndex): boolean {
    const at = this.rn.raft.raftLog.applied
    if (at !== this.appliedIndex || at <= this.storage.snapshot().metadata.index) return false
    const data = bytes(JSON.stringify({ applied: this.applied }))
    this.storage.createSnapshot(at, this.confState, data)
    const to = Math.min(compactTo, at)
    if (to > this.storage.firstIndex() - 1) this.storage.compact(to)
    return true
  }

  /** Loses all volatile state; the storage (and the application's applied state) survive. */
  crash (): void {
    this.crashed = true
  }

  /**
   * Starts a fresh RawNode from the stable storage. Raft's applied index restarts at the
   * snapshot: entries after it are handed out again, so the conf changes among them rebuild the
   * membership; the application skips normal entries it already applied.
   */
  restart (): void {
    this.crashed = false
    this.confState = this.storage.initialState().confState
    this.rn = new RawNode(this.makeConfig(this.storage.snapshot().metadata.index))
  }
}

export class Network {
  readonly nodes = new Map<NodeID, SimNode>()
  queue: Message[] = []
  held: Message[] = []
  readonly rand: () => number
  readonly dropRates = new Map<string, number>()
  readonly ignored = new Set<MessageType>()
  /** Optional per-message filter, consulted after cuts/drops. */
  hook: ((m: Message) => Verdict) | undefined
  /** Every delivered message, when recording. */
  delivered: Message[] = []
  record = false
  /** Report each MsgSnap's outcome to its sender, as the transport does (finish / failure when dropped). */
  reportSnapshots = true

  constructor (readonly opts: NetworkOptions) {
    this.rand = seededRandom(opts.seed ?? 1)
    for (const id of opts.ids) this.addNode(id)
  }

  /** Creates a node with the network's initial config (or an explicit one). */
  addNode (id: NodeID, confState?: ConfState): SimNode {
    const o = this.opts
    const learners = o.learners ?? []
    const cs: ConfState = confState ?? o.confStateOf?.(id) ?? {
      voters: o.ids.filter((x) => !learners.includes(x)),
      learners,
      votersOutgoing: [],
      learnersNext: [],
      autoLeave: false
    }
    const storage = new MemoryStorage(cs)
    o.prepare?.(id, storage)
    const seed = (o.seed ?? 1) * 1000 + Number(id)
    const makeConfig = (applied: number): Config => {
      const c: Config = {
        id,
        electionTick: o.electionTick ?? 10,
        heartbeatTick: o.heartbeatTick ?? 1,
        storage,
        applied,
        maxSizePerMsg: Infinity,
        maxInflightMsgs: 256,
        seed
      }
      o.configure?.(c)
      return c
    }
    const n = new SimNode(id, storage, makeConfig)
    this.nodes.set(id, n)
    return n
  }

  node (id: NodeID): SimNode {
    const n = this.nodes.get(id)
    if (n === undefined) throw new Error(`no node ${id}`)
    return n
  }

  raft (id: NodeID): RawNode['raft'] { return this.node(id).rn.raft }

  private linkKey (from: NodeID, to: NodeID): string { return `${from}->${to}` }

  /** Drops messages on from→to with probability p (seeded). */
  drop (from: NodeID, to: NodeID, p: number): void { this.dropRates.set(this.linkKey(from, to), p) }

  /** Cuts both directions between a and b. */
  cut (a: NodeID, b: NodeID): void {
    this.drop(a, b, 1)
    this.drop(b, a, 1)
  }

  /** Cuts a node off from every other node. */
  isolate (id: NodeID): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cut(id, other)
  }

  /** Drops every message of a type. */
  ignore (t: MessageType): void { this.ignored.add(t) }

  /** Heals every filter (held messages stay held). */
  recover (): void {
    this.dropRates.clear()
    this.ignored.clear()
    this.hook = undefined
  }

  /** Re-queues held messages (those matching `pred`, default all) and delivers. */
  release (pred: (m: Message) => boolean = () => true): void {
    const keep: Message[] = []
    for (const m of this.held) (pred(m) ? this.queue : keep).push(m)
    this.held = keep
    this.stabilize()
  }

  private verdict (m: Message): Verdict {
    if (this.ignored.has(m.type)) return 'drop'
    const to = this.nodes.get(m.to)
    if (to === undefined || to.crashed) return 'drop'
    const from = this.nodes.get(m.from)
    if (from !== undefined && from.crashed) return 'drop'
    const p = this.dropRates.get(this.linkKey(m.from, m.to)) ?? 0
    if (p >= 1 || (p > 0 && this.rand() < p)) return 'drop'
    return this.hook?.(m) ?? 'deliver'
  }

  /** Handles every pending Ready of a node; queues its messages. */
  processNode (n: SimNode): boolean {
    let any = false
    while (!n.crashed && n.rn.hasReady()) {
      any = true
      for (const m of n.processReady()) this.queue.push(m)
    }
    return any
  }

  /** Runs Ready processing and delivery until nothing moves (bounded). */
  stabilize (maxRounds = 100_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false
      for (const n of this.sortedNodes()) if (this.processNode(n)) moved = true
      if (this.queue.length > 0) {
        moved = true
        const q = this.queue
        this.queue = []
        for (const m of q) this.deliver(m)
      }
      if (!moved) return
    }
    throw new Error('network did not stabilize')
  }

  /** Delivers one message now (subject to filters). */
  deliver (m: Message): void {
    const v = this.verdict(m)
    if (v === 'drop') {
      if (m.type === MessageType.MsgSnap) this.reportSnapshot(m, 'failure')
      return
    }
    if (v === 'hold') {
      this.held.push(m)
      return
    }
    const to = this.node(m.to)
    if (this.record) this.delivered.push(m)
    try {
      to.rn.step(m)
      if (v === 'duplicate') to.rn.step(structuredClone(m))
    } catch (err) {
      // A proposal forwarded to a node that can no longer take it, or a response from a node that
      // left the configuration, is dropped, as the server does.
      const code = (err as { code?: string }).code
      if (code !== 'ErrProposalDropped' && code !== 'ErrStepPeerNotFound') throw err
    }
    if (m.type === MessageType.MsgSnap) this.reportSnapshot(m, 'finish')
  }

  private reportSnapshot (m: Message, status: 'finish' | 'failure'): void {
    const from = this.nodes.get(m.from)
    if (this.reportSnapshots && from !== undefined && !from.crashed) from.rn.reportSnapshot(m.to, status)
  }

  /** Queues messages and delivers to quiescence. */
  send (...msgs: Message[]): void {
    this.queue.push(...msgs)
    this.stabilize()
  }

  sortedNodes (): SimNode[] {
    return [...this.nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** Ticks a node n times, stabilizing after each tick. */
  tick (id: NodeID, n = 1): void {
    for (let i = 0; i < n; i++) {
      const node = this.node(id)
      if (!node.crashed) node.rn.tick()
      this.stabilize()
    }
  }

  /** Ticks every live node n times, stabilizing after each round. */
  tickAll (n = 1): void {
    for (let i = 0; i < n; i++) {
      for (const node of this.sortedNodes()) if (!node.crashed) node.rn.tick()
      this.stabilize()
    }
  }

  /** Makes `id` campaign and runs to quiescence. */
  campaign (id: NodeID): void {
    this.node(id).rn.campaign()
    this.stabilize()
  }

  /** Proposes data at `id` and runs to quiescence. Throws what propose throws. */
  propose (id: NodeID, data: string): void {
    this.node(id).rn.propose(bytes(data))
    this.stabilize()
  }

  /** The live leader with the highest term, if any. */
  leader (): SimNode | undefined {
    let best: SimNode | undefined
    for (const n of this.nodes.values()) {
      if (n.crashed || n.state !== StateType.StateLeader) continue
      if (best === undefined || n.term > best.term) best = n
    }
    return best
  }

  crash (id: NodeID): void { this.node(id).crash() }

  /**
   * Crashes a node in the middle of handling a Ready: its entries and HardState are persisted,
   * but nothing is sent, applied or advanced.
   */
  crashMidReady (id: NodeID): void {
    const n = this.node(id)
    if (n.rn.hasReady()) n.processReady({ crashBeforeSend: true })
    n.crash()
  }

  /** Every live node's full raft log as [term, index] pairs. */
  logOf (id: NodeID): Array<[number, number]> {
    return this.raft(id).raftLog.allEntries().map((e) => [e.term, e.index])
  }

  restart (id: NodeID): void {
    this.node(id).restart()
    this.stabilize()
  }
}

/** A compact description of a message for assertion messages. */
export function describeMessage (m: Message): string {
  return `${m.from}->${m.to} ${messageTypeName(m.type)} term=${m.term} logTerm=${m.logTerm} index=${m.index} commit=${m.commit} ents=${m.entries.length}${m.reject ? ' reject' : ''}`
}

/** The data strings of a node's applied entries. */
export function appliedData (n: SimNode): string[] {
  return n.applied.map((e) => e.data)
}
