// A seeded randomized simulator of a raft group. From one seed it draws a configuration and a
// sequence of steps — ticks, Ready handling, message delivery in random order with drops and
// duplicates, proposals, reads, leader transfers, membership changes, partitions, compaction,
// crashes (also in the middle of a Ready) and restarts — and checks the safety invariants after
// every step. A violation throws SimulationError carrying the seed and the recent history.
import {
  ConfChangeTransition, ConfChangeType, ErrProposalDropped, MessageType, None, StateType, messageTypeName, seededRandom
} from '../../../src/raft/index.js'
import type { Message, NodeID } from '../../../src/raft/index.js'
import { SimNode, bytes } from '../harness/network.js'
import { MemoryStorage } from '../../../src/raft/index.js'
import type { Config, ConfChangeSingle, ConfState } from '../../../src/raft/index.js'

export interface SimOptions {
  seed: number
  nodes: 3 | 5
  steps: number
}

export class SimulationError extends Error {
  constructor (readonly seed: number, readonly nodes: number, message: string, readonly history: string[]) {
    super(`raft simulation seed=${seed} nodes=${nodes}: ${message}\n  last steps:\n    ${history.slice(-25).join('\n    ')}`)
    this.name = 'SimulationError'
  }
}

interface NodeWatch {
  term: number
  vote: NodeID
  commit: number
  checkedCommit: number
  appliedCount: number
  appliedRef: unknown
  readsSeen: number
  persistedTerm: number
  persistedVote: NodeID
  persistedCommit: number
}

export interface SimResult {
  seed: number
  proposals: number
  acked: number
  committedIndex: number
  leaders: number
  reads: number
}

export class Simulation {
  readonly rand: () => number
  readonly nodes = new Map<NodeID, SimNode>()
  pool: Message[] = []
  readonly cut = new Set<string>()
  readonly history: string[] = []
  private nextID: bigint
  private readonly leaderOfTerm = new Map<number, NodeID>()
  private readonly committedTerms = new Map<number, number>()
  /** The longest applied sequence seen: every node's applied sequence must be a prefix of it. */
  private readonly canonical: string[] = []
  private readonly watch = new Map<NodeID, NodeWatch>()
  /** Proposal data → the node it was proposed at. */
  private readonly proposed = new Map<string, NodeID>()
  /** Proposals the proposing node applied (acknowledged to a client), with their apply position. */
  readonly acked = new Map<string, number>()
  private proposalSeq = 0
  private readSeq = 0
  private readonly reads = new Map<string, { node: NodeID, required: number }>()
  readsAnswered = 0
  /** Nodes that have been members, and nodes shut down after their removal. */
  private readonly members = new Set<NodeID>()
  private readonly retired = new Set<NodeID>()
  readonly cfg: { preVote: boolean, checkQuorum: boolean, stepDownOnRemoval: boolean, v2: boolean, maxInflight: number, maxSizePerMsg: number, dropRate: number, dupRate: number }

  constructor (readonly opts: SimOptions) {
    this.rand = seededRandom(opts.seed)
    this.cfg = {
      preVote: this.rand() < 0.5,
      checkQuorum: this.rand() < 0.5,
      stepDownOnRemoval: this.rand() < 0.5,
      v2: this.rand() < 0.5,
      maxInflight: 1 + Math.floor(this.rand() * 8),
      maxSizePerMsg: this.rand() < 0.5 ? Infinity : 40 + Math.floor(this.rand() * 200),
      dropRate: this.rand() * 0.2,
      dupRate: this.rand() * 0.05
    }
    const ids = Array.from({ length: opts.nodes }, (_, i) => BigInt(i + 1))
    this.nextID = BigInt(opts.nodes + 1)
    const cs: ConfState = { voters: ids, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }
    for (const id of ids) this.addNode(id, cs)
  }

  private addNode (id: NodeID, cs: ConfState): SimNode {
    const storage = new MemoryStorage(cs)
    const seed = this.opts.seed * 7919 + Number(id)
    const makeConfig = (applied: number): Config => ({
      id,
      electionTick: 5,
      heartbeatTick: 1,
      storage,
      applied,
      preVote: this.cfg.preVote,
      checkQuorum: this.cfg.checkQuorum,
      stepDownOnRemoval: this.cfg.stepDownOnRemoval,
      maxInflightMsgs: this.cfg.maxInflight,
      maxSizePerMsg: this.cfg.maxSizePerMsg,
      maxUncommittedEntriesSize: 1 << 16,
      seed: seed + this.history.length
    })
    const n = new SimNode(id, storage, makeConfig)
    this.nodes.set(id, n)
    this.watch.set(id, { term: 0, vote: None, commit: 0, checkedCommit: 0, appliedCount: 0, appliedRef: undefined, readsSeen: 0, persistedTerm: 0, persistedVote: None, persistedCommit: 0 })
    return n
  }

  private pick<T> (xs: T[]): T {
    return xs[Math.floor(this.rand() * xs.length)]
  }

  private live (): SimNode[] {
    return [...this.nodes.values()].filter((n) => !n.crashed)
  }

  private leader (): SimNode | undefined {
    let best: SimNode | undefined
    for (const n of this.live()) {
      if (n.state === StateType.StateLeader && (best === undefined || n.term > best.term)) best = n
    }
    return best
  }

  private fail (msg: string): never {
    throw new SimulationError(this.opts.seed, this.opts.nodes, msg, this.history)
  }

  private log (s: string): void {
    this.history.push(s)
    if (this.history.length > 60) this.history.splice(0, this.history.length - 60)
  }

  /** Runs the configured number of steps, then heals everything and checks convergence. */
  run (): SimResult {
    for (let step = 0; step < this.opts.steps; step++) {
      this.step()
      this.check()
    }
    this.converge()
    const lead = this.leader()
    return {
      seed: this.opts.seed,
      proposals: this.proposed.size,
      acked: this.acked.size,
      committedIndex: lead?.raft.raftLog.committed ?? 0,
      leaders: this.leaderOfTerm.size,
      reads: this.readsAnswered
    }
  }

  private step (): void {
    const r = this.rand()
    const nodes = this.live()
    if (nodes.length === 0) {
      this.restartOne()
      return
    }
    if (r < 0.05) {
      const n = this.pick(nodes)
      n.rn.tick()
      this.log(`tick ${n.id}`)
    } else if (r < 0.20) {
      // Time passes for everyone.
      for (const n of nodes) n.rn.tick()
      this.log('tick all')
    } else if (r < 0.62) {
      // The IO loops run and the network carries a few messages, in random order.
      for (const n of nodes) this.processReady(n)
      this.deliver(1 + Math.floor(this.rand() * 8))
    } else if (r < 0.66) {
      const n = this.pick(nodes)
      this.processReady(n)
      this.log(`process ${n.id}`)
    } else if (r < 0.78) {
      this.propose()
    } else if (r < 0.81) {
      this.readIndex()
    } else if (r < 0.84) {
      this.partition()
    } else if (r < 0.88) {
      this.cut.clear()
      this.log('heal')
    } else if (r < 0.905) {
      this.crashOne()
    } else if (r < 0.935) {
      this.restartOne()
    } else if (r < 0.96) {
      this.confChange()
    } else if (r < 0.98) {
      this.compact()
    } else if (r < 0.99) {
      const lead = this.leader()
      const to = this.pick(nodes)
      if (lead !== undefined) {
        lead.rn.transferLeader(to.id)
        this.log(`transfer ${lead.id} -> ${to.id}`)
      }
    } else {
      const n = this.pick(nodes)
      n.rn.reportUnreachable(this.pick([...this.nodes.keys()]))
      this.log(`unreachable report at ${n.id}`)
    }
  }

  private processReady (n: SimNode): void {
    if (n.crashed || !n.rn.hasReady()) return
    const msgs = n.processReady()
    this.refreshSnapshot(n)
    this.pool.push(...msgs)
    this.afterApply(n)
    this.retireIfRemoved(n)
  }

  /**
   * Host policy: a node whose log is compacted re-snapshots once it applied a change adding a
   * member, so the snapshot it may send to that member includes it (an older one is refused).
   */
  private refreshSnapshot (n: SimNode): void {
    const snap = n.storage.snapshot().metadata
    if (snap.index === 0 || n.appliedIndex <= snap.index || n.appliedIndex !== n.raft.raftLog.applied) return
    const known = new Set([...snap.confState.voters, ...snap.confState.learners])
    if ([...n.confState.voters, ...n.confState.learners].every((id) => known.has(id))) return
    n.storage.createSnapshot(n.appliedIndex, n.confState, bytes(JSON.stringify({ applied: n.applied })))
  }

  /** Checks newly applied entries against the canonical sequence and records acknowledgements. */
  private afterApply (n: SimNode): void {
    const w = this.watch.get(n.id)!
    // A snapshot restore replaces the whole sequence: verify it from the start.
    const from = n.applied === w.appliedRef ? w.appliedCount : 0
    for (let i = from; i < n.applied.length; i++) {
      const d = n.applied[i].data
      if (i < this.canonical.length) {
        if (this.canonical[i] !== d) this.fail(`node ${n.id} applied ${d} at position ${i}, others applied ${this.canonical[i]}`)
      } else {
        this.canonical.push(d)
      }
      if (this.proposed.get(d) === n.id && !this.acked.has(d)) this.acked.set(d, i)
    }
    w.appliedRef = n.applied
    w.appliedCount = n.applied.length
  }

  private deliver (k: number): void {
    for (let i = 0; i < k && this.pool.length > 0; i++) {
      // Random order: any pending message may go next.
      const j = Math.floor(this.rand() * this.pool.length)
      const m = this.pool[j]
      this.pool[j] = this.pool[this.pool.length - 1]
      this.pool.pop()
      const to = this.nodes.get(m.to)
      if (to === undefined || to.crashed || this.cut.has(`${m.from}-${m.to}`)) {
        if (m.type === MessageType.MsgSnap) this.nodes.get(m.from)?.rn.reportSnapshot(m.to, 'failure')
        continue
      }
      if (this.rand() < this.cfg.dropRate) {
        // A lost snapshot is a failed send: the transport reports it.
        if (m.type === MessageType.MsgSnap) this.nodes.get(m.from)?.rn.reportSnapshot(m.to, 'failure')
        this.log(`drop ${describe(m)}`)
        continue
      }
      const copies = this.rand() < this.cfg.dupRate ? 2 : 1
      for (let c = 0; c < copies; c++) {
        try {
          to.rn.step(c === 0 ? m : structuredClone(m))
        } catch (err) {
          const code = (err as { code?: string }).code
          if (code !== 'ErrProposalDropped' && code !== 'ErrStepPeerNotFound') throw err
        }
      }
      if (m.type === MessageType.MsgSnap) this.nodes.get(m.from)?.rn.reportSnapshot(m.to, 'finish')
      this.log(`deliver ${describe(m)}${copies > 1 ? ' x2' : ''}`)
    }
  }

  private propose (): void {
    const n = this.pick(this.live())
    const data = `p${this.opts.seed}-${this.proposalSeq++}`
    try {
      n.rn.propose(bytes(data))
      this.proposed.set(data, n.id)
      this.log(`propose ${data} at ${n.id}`)
    } catch (err) {
      if (!(err instanceof ErrProposalDropped)) throw err
      this.log(`propose dropped at ${n.id}`)
    }
  }

  private readIndex (): void {
    const n = this.pick(this.live())
    const ctx = `r${this.opts.seed}-${this.readSeq++}`
    // Linearizability: the read must observe every write committed before it was issued, i.e.
    // at least the highest commit index any node knows right now.
    let required = 0
    for (const x of this.nodes.values()) if (!x.crashed) required = Math.max(required, x.raft.raftLog.committed)
    try {
      n.rn.readIndex(bytes(ctx))
      this.reads.set(ctx, { node: n.id, required })
      this.log(`read ${ctx} at ${n.id} (needs ≥ ${required})`)
    } catch (err) {
      if (!(err instanceof ErrProposalDropped)) throw err
    }
  }

  /** Every ReadState answers a request of this node with an index covering all earlier commits. */
  private checkReads (n: SimNode): void {
    const w = this.watch.get(n.id)!
    for (let i = w.readsSeen; i < n.readStates.length; i++) {
      const rs = n.readStates[i]
      const req = this.reads.get(rs.ctx)
      if (req === undefined || req.node !== n.id) this.fail(`node ${n.id} got a ReadState for a request it did not make: ${rs.ctx}`)
      if (rs.index < req.required) this.fail(`stale read ${rs.ctx} at node ${n.id}: index ${rs.index} < ${req.required} committed before it was issued`)
      this.readsAnswered++
    }
    w.readsSeen = n.readStates.length
  }

  private partition (): void {
    const ids = [...this.nodes.keys()]
    const a = this.pick(ids)
    this.cut.clear()
    // Either isolate one node, or split the group in two.
    const side = new Set<NodeID>([a])
    if (this.rand() < 0.5) for (const id of ids) if (this.rand() < 0.4) side.add(id)
    for (const x of ids) {
      for (const y of ids) {
        if (side.has(x) !== side.has(y)) this.cut.add(`${x}-${y}`)
      }
    }
    this.log(`partition {${[...side].join(' ')}}`)
  }

  private crashOne (): void {
    const live = this.live()
    if (live.length === 0) return
    const n = this.pick(live)
    if (this.rand() < 0.3 && n.rn.hasReady()) {
      n.processReady({ crashBeforeSend: true })
      this.log(`crash ${n.id} mid-ready`)
    } else {
      this.log(`crash ${n.id}`)
    }
    n.crash()
  }

  private restartOne (): void {
    const down = [...this.nodes.values()].filter((n) => n.crashed && !this.retired.has(n.id))
    if (down.length === 0) return
    const n = this.pick(down)
    n.restart()
    this.restartWatch(n)
    this.log(`restart ${n.id}`)
  }

  private confChange (): void {
    const lead = this.leader()
    if (lead === undefined) return
    const cs = lead.rn.status().confState
    if (this.cfg.v2 && (cs.votersOutgoing.length > 0 || this.rand() < 0.5)) {
      this.confChangeV2(lead, cs)
      return
    }
    const r = this.rand()
    let type: ConfChangeType
    let id: NodeID
    if (r < 0.35 && this.nodes.size < this.opts.nodes + 3) {
      id = this.nextID++
      type = ConfChangeType.ConfChangeAddLearnerNode
      this.addNode(id, cs)
    } else if (r < 0.7 && cs.learners.length > 0) {
      id = this.pick(cs.learners)
      type = ConfChangeType.ConfChangeAddNode
    } else if (cs.voters.length > 3 || cs.learners.length > 0) {
      const candidates = cs.voters.length > 3 ? [...cs.voters, ...cs.learners] : cs.learners
      id = this.pick(candidates.filter((x) => x !== lead.id))
      if (id === undefined) return
      type = ConfChangeType.ConfChangeRemoveNode
    } else {
      return
    }
    try {
      lead.rn.proposeConfChange({ type, nodeID: id, context: new Uint8Array(), id: 0n })
      this.log(`conf change ${type} ${id} at ${lead.id}`)
    } catch (err) {
      if (!(err instanceof ErrProposalDropped)) throw err
    }
  }

  /** A joint-consensus change of up to three members (or leaving an explicit joint config). */
  private confChangeV2 (lead: SimNode, cs: ConfState): void {
    const changes: ConfChangeSingle[] = []
    let transition: ConfChangeTransition = ConfChangeTransition.ConfChangeTransitionAuto
    if (cs.votersOutgoing.length > 0) {
      // Joint: only leaving is allowed (auto-leave configs leave by themselves, this is harmless).
    } else {
      transition = this.pick([ConfChangeTransition.ConfChangeTransitionAuto, ConfChangeTransition.ConfChangeTransitionJointImplicit, ConfChangeTransition.ConfChangeTransitionJointExplicit])
      const voters = new Set(cs.voters)
      const n = 1 + Math.floor(this.rand() * 3)
      for (let i = 0; i < n; i++) {
        const r = this.rand()
        if (r < 0.3 && this.nodes.size < this.opts.nodes + 3) {
          const id = this.nextID++
          this.addNode(id, cs)
          changes.push({ type: this.rand() < 0.5 ? ConfChangeType.ConfChangeAddNode : ConfChangeType.ConfChangeAddLearnerNode, nodeID: id })
          voters.add(id)
        } else if (r < 0.55 && cs.learners.length > 0) {
          const id = this.pick(cs.learners)
          changes.push({ type: ConfChangeType.ConfChangeAddNode, nodeID: id })
          voters.add(id)
        } else if (r < 0.8 && voters.size > 3) {
          // Any voter may go, the leader included (it leaves once the joint config is left).
          const id = this.pick([...voters])
          changes.push({ type: this.rand() < 0.5 ? ConfChangeType.ConfChangeRemoveNode : ConfChangeType.ConfChangeAddLearnerNode, nodeID: id })
          voters.delete(id)
        }
      }
      if (changes.length === 0) return
    }
    try {
      lead.rn.proposeConfChange({ transition, changes, context: new Uint8Array() })
      this.log(`conf change v2 t${transition} [${changes.map((c) => `${c.type}:${c.nodeID}`).join(' ')}] at ${lead.id}`)
    } catch (err) {
      if (!(err instanceof ErrProposalDropped)) throw err
    }
  }

  /**
   * Host policy (etcd stops a member removed from the cluster): a node that applied its own
   * removal shuts down for good.
   */
  private retireIfRemoved (n: SimNode): void {
    // After a restart the membership is rebuilt by replaying entries: judge it once caught up.
    if (n.raft.raftLog.applied < n.appliedIndex) return
    const cs = n.confState
    const member = [cs.voters, cs.learners, cs.votersOutgoing, cs.learnersNext].some((ids) => ids.includes(n.id))
    if (member) {
      this.members.add(n.id)
    } else if (this.members.has(n.id) && !n.crashed) {
      n.crash()
      this.retired.add(n.id)
      this.log(`retire ${n.id}`)
    }
  }

  private compact (): void {
    const n = this.pick(this.live())
    const to = n.appliedIndex - Math.floor(this.rand() * 5)
    if (n.snapshotAndCompact(to)) this.log(`compact ${n.id} to ${to}`)
  }

  /** The safety invariants, checked after every step. */
  private check (): void {
    for (const n of this.nodes.values()) {
      if (n.crashed) continue
      const r = n.raft
      const w = this.watch.get(n.id)!
      if (r.state === StateType.StateLeader) {
        const prev = this.leaderOfTerm.get(r.term)
        if (prev !== undefined && prev !== n.id) this.fail(`two leaders in term ${r.term}: ${prev} and ${n.id}`)
        this.leaderOfTerm.set(r.term, n.id)
      }
      if (r.term < w.term) this.fail(`node ${n.id} term went back from ${w.term} to ${r.term}`)
      if (r.term === w.term && w.vote !== None && r.vote !== w.vote) this.fail(`node ${n.id} changed its vote in term ${r.term} from ${w.vote} to ${r.vote}`)
      const commit = r.raftLog.committed
      if (commit < w.commit) this.fail(`node ${n.id} commit went back from ${w.commit} to ${commit}`)
      w.term = r.term
      w.vote = r.vote
      w.commit = commit
      // Committed entries never change: the same index always has the same term.
      for (let i = w.checkedCommit + 1; i <= commit; i++) {
        const t = r.raftLog.zeroTermOnOutOfBounds(i)
        if (t === 0) continue
        const seen = this.committedTerms.get(i)
        if (seen === undefined) this.committedTerms.set(i, t)
        else if (seen !== t) this.fail(`committed entry ${i} has term ${t} on node ${n.id}, ${seen} elsewhere`)
      }
      w.checkedCommit = Math.max(w.checkedCommit, commit)
      // Persisted state is monotonic too, across crashes.
      const hs = n.storage.initialState().hardState
      if (hs.term < w.persistedTerm) this.fail(`node ${n.id} persisted term went back`)
      if (hs.term === w.persistedTerm && w.persistedVote !== None && hs.vote !== w.persistedVote) this.fail(`node ${n.id} persisted a second vote in term ${hs.term}`)
      if (hs.commit < w.persistedCommit) this.fail(`node ${n.id} persisted commit went back`)
      w.persistedTerm = hs.term
      w.persistedVote = hs.vote
      w.persistedCommit = hs.commit
      // Applied sequences are prefixes of one another.
      this.afterApply(n)
      this.checkReads(n)
    }
    // Every acknowledged proposal is in every applied sequence long enough to hold it.
    for (const [d, pos] of this.acked) {
      for (const n of this.nodes.values()) {
        if (n.applied.length > pos && n.applied[pos].data !== d) this.fail(`acknowledged ${d} missing at position ${pos} on node ${n.id}`)
      }
    }
  }

  /** Heals everything, restarts crashed nodes, and runs until the group settles. */
  private converge (): void {
    this.cut.clear()
    this.cfg.dropRate = 0
    this.cfg.dupRate = 0
    for (const n of this.nodes.values()) if (n.crashed && !this.retired.has(n.id)) { n.restart(); this.restartWatch(n) }
    this.log('converge')
    for (let round = 0; round < 400; round++) {
      for (const n of this.live()) this.processReady(n)
      for (let pump = 0; pump < 50 && this.pool.length > 0; pump++) {
        this.deliver(this.pool.length)
        for (const n of this.live()) this.processReady(n)
      }
      this.check()
      const lead = this.leader()
      if (lead !== undefined && lead.raft.committedEntryInCurrentTerm() && this.settled(lead)) return
      for (const n of this.live()) n.rn.tick()
    }
    this.fail('the group did not converge after healing')
  }

  /** A new incarnation: volatile state restarts from what was persisted. */
  private restartWatch (n: SimNode): void {
    const w = this.watch.get(n.id)!
    w.term = n.term
    w.vote = n.raft.vote
    w.commit = n.raft.raftLog.committed
    w.checkedCommit = Math.min(w.checkedCommit, w.commit)
  }

  /** Every member of the leader's configuration applied everything the leader committed. */
  private settled (lead: SimNode): boolean {
    const cs = lead.rn.status().confState
    const members = [...cs.voters, ...cs.learners]
    const commit = lead.raft.raftLog.committed
    if (lead.appliedIndex < commit) return false
    for (const id of members) {
      const n = this.nodes.get(id)
      if (n === undefined) this.fail(`member ${id} has no node`)
      if (n.appliedIndex < commit) return false
    }
    for (const [d, pos] of this.acked) {
      if (lead.applied[pos]?.data !== d) this.fail(`acknowledged ${d} not applied by the settled leader`)
    }
    return true
  }
}

function describe (m: Message): string {
  return `${m.from}->${m.to} ${messageTypeName(m.type)} t${m.term} i${m.index} lt${m.logTerm} c${m.commit} n${m.entries.length}${m.reject ? ' rej' : ''}`
}
