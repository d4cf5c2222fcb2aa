// The interaction environment behind the data-driven scenario files (test/raft/testdata/*.txt):
// a text command language that drives RawNodes step by step — handle a Ready, deliver
// messages, tick — and prints what happened in a stable text form, so a scenario reads as a
// transcript. Modelled on etcd-io/raft's rafttest interaction DSL (our own commands and output).
import {
  ConfChangeTransition, ConfChangeType, EntryType, MemoryStorage, MessageType, RawNode, confChangeFromEntry,
  messageTypeName, stateName
} from '../../../src/raft/index.js'
import type { ConfChangeSingle, ConfState, Entry, Message, NodeID, Ready } from '../../../src/raft/index.js'
import { progressStateName } from '../../../src/raft/tracker/progress.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

export interface Command { name: string, args: Map<string, string>, pos: string[], input: string[] }

interface EnvNode { id: NodeID, rn: RawNode, storage: MemoryStorage, applied: number, confState: ConfState }

function fmtEntry (e: Entry): string {
  const cc = confChangeFromEntry(e)
  if (cc !== undefined) {
    const ch = cc.changes.map((c) => `${['v', 'r', 'u', 'l'][c.type]}${c.nodeID}`).join(' ')
    return `${e.term}/${e.index} ${e.type === EntryType.EntryConfChange ? 'EntryConfChange' : 'EntryConfChangeV2'} ${ch === '' ? '(leave joint)' : ch}`
  }
  return `${e.term}/${e.index} EntryNormal ${JSON.stringify(dec.decode(e.data))}`
}

export function fmtMessage (m: Message): string {
  let s = `${m.from}->${m.to} ${messageTypeName(m.type)} Term:${m.term} Log:${m.logTerm}/${m.index}`
  if (m.commit !== 0) s += ` Commit:${m.commit}`
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`
  if (m.entries.length > 0) s += ` Entries:[${m.entries.map(fmtEntry).join(', ')}]`
  if (m.snapshot !== undefined) s += ` Snapshot: Index:${m.snapshot.metadata.index} Term:${m.snapshot.metadata.term} ConfState:${fmtConfState(m.snapshot.metadata.confState)}`
  if (m.context.length > 0 && m.type !== MessageType.MsgHeartbeat && m.type !== MessageType.MsgHeartbeatResp) s += ` Context:${JSON.stringify(dec.decode(m.context))}`
  return s
}

function fmtConfState (cs: ConfState): string {
  let s = `Voters:[${cs.voters.join(' ')}]`
  if (cs.votersOutgoing.length > 0) s += ` VotersOutgoing:[${cs.votersOutgoing.join(' ')}]`
  if (cs.learners.length > 0) s += ` Learners:[${cs.learners.join(' ')}]`
  if (cs.learnersNext.length > 0) s += ` LearnersNext:[${cs.learnersNext.join(' ')}]`
  if (cs.autoLeave) s += ' AutoLeave:true'
  return s
}

function ids (v: string | undefined): NodeID[] {
  if (v === undefined) return []
  return v.replace(/[()]/g, ' ').trim().split(/\s+/).filter((x) => x !== '').map(BigInt)
}

export class InteractionEnv {
  readonly nodes = new Map<NodeID, EnvNode>()
  /** Messages in flight, in send order. */
  messages: Message[] = []
  private out: string[] = []

  run (cmd: Command): string {
    this.out = []
    const h = (this as unknown as Record<string, ((c: Command) => void) | undefined>)[`cmd_${cmd.name.replace(/-/g, '_')}`]
    if (h === undefined) throw new Error(`unknown command ${cmd.name}`)
    h.call(this, cmd)
    return this.out.join('\n')
  }

  private p (line: string): void { this.out.push(line) }

  private node (id: string | bigint): EnvNode {
    const n = this.nodes.get(BigInt(id))
    if (n === undefined) throw new Error(`no node ${id}`)
    return n
  }

  /** add-nodes N voters=(1 2 3) [learners=(4)] [prevote=true] [checkquorum=true] [maxsize=N] */
  cmd_add_nodes (c: Command): void {
    const n = Number(c.pos[0])
    const cs: ConfState = { voters: ids(c.args.get('voters')), learners: ids(c.args.get('learners')), votersOutgoing: [], learnersNext: [], autoLeave: false }
    for (let i = 0; i < n; i++) {
      const id = BigInt(this.nodes.size + 1)
      const storage = new MemoryStorage(cs)
      const rn = new RawNode({
        id,
        storage,
        electionTick: 10,
        heartbeatTick: 1,
        preVote: c.args.get('prevote') === 'true',
        checkQuorum: c.args.get('checkquorum') === 'true',
        maxSizePerMsg: Number(c.args.get('maxsize') ?? Infinity),
        maxInflightMsgs: 256,
        rand: () => 0 // the election timeout is exactly electionTick: tick-election campaigns
      })
      this.nodes.set(id, { id, rn, storage, applied: 0, confState: cs })
      this.p(`INFO ${id} added: ${fmtConfState(cs)}`)
    }
  }

  cmd_campaign (c: Command): void {
    this.node(c.pos[0]).rn.campaign()
  }

  cmd_propose (c: Command): void {
    try {
      this.node(c.pos[0]).rn.propose(enc.encode(c.pos[1] ?? ''))
    } catch (err) {
      this.p(`error: ${(err as Error).message}`)
    }
  }

  /** propose-conf-change ID [v1=true] [transition=auto|implicit|explicit], changes on the next line: v2 l3 r4 u5 */
  cmd_propose_conf_change (c: Command): void {
    const changes: ConfChangeSingle[] = []
    for (const tok of c.input.join(' ').split(/\s+/).filter((x) => x !== '')) {
      const type = { v: ConfChangeType.ConfChangeAddNode, l: ConfChangeType.ConfChangeAddLearnerNode, r: ConfChangeType.ConfChangeRemoveNode, u: ConfChangeType.ConfChangeUpdateNode }[tok[0]]
      if (type === undefined) throw new Error(`bad change ${tok}`)
      changes.push({ type, nodeID: BigInt(tok.slice(1)) })
    }
    const rn = this.node(c.pos[0]).rn
    try {
      if (c.args.get('v1') === 'true') {
        rn.proposeConfChange({ type: changes[0].type, nodeID: changes[0].nodeID, context: new Uint8Array(), id: 0n })
      } else {
        const t = c.args.get('transition') ?? 'auto'
        const transition = t === 'implicit' ? ConfChangeTransition.ConfChangeTransitionJointImplicit : t === 'explicit' ? ConfChangeTransition.ConfChangeTransitionJointExplicit : ConfChangeTransition.ConfChangeTransitionAuto
        rn.proposeConfChange({ transition, changes, context: new Uint8Array() })
      }
    } catch (err) {
      this.p(`error: ${(err as Error).message}`)
    }
  }

  /** process-ready ID... : each node handles one Ready (persist, apply, advance). */
  cmd_process_ready (c: Command): void {
    for (const id of c.pos) this.processReady(this.node(id))
  }

  private processReady (n: EnvNode): boolean {
    if (!n.rn.hasReady()) return false
    const rd = n.rn.ready()
    this.p(`> ${n.id} handling Ready`)
    this.describeReady(rd)
    if (rd.snapshot !== undefined) {
      n.storage.applySnapshot(rd.snapshot)
      n.confState = rd.snapshot.metadata.confState
    }
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState)
    n.storage.append(rd.entries)
    for (const e of rd.committedEntries) {
      const cc = confChangeFromEntry(e)
      if (cc !== undefined) {
        n.confState = n.rn.applyConfChange(cc)
        this.p(`  INFO ${n.id} switched to configuration ${fmtConfState(n.confState)}`)
      }
      n.applied = e.index
    }
    this.messages.push(...rd.messages)
    n.rn.advance()
    return true
  }

  private describeReady (rd: Ready): void {
    if (rd.softState !== undefined) this.p(`  State:${stateName(rd.softState.raftState)} Lead:${rd.softState.lead}`)
    if (rd.hardState !== undefined) this.p(`  HardState Term:${rd.hardState.term} Vote:${rd.hardState.vote} Commit:${rd.hardState.commit}`)
    if (rd.snapshot !== undefined) this.p(`  Snapshot Index:${rd.snapshot.metadata.index} Term:${rd.snapshot.metadata.term} ConfState:${fmtConfState(rd.snapshot.metadata.confState)}`)
    if (rd.entries.length > 0) this.p(`  Entries: ${rd.entries.map(fmtEntry).join(', ')}`)
    if (rd.committedEntries.length > 0) this.p(`  CommittedEntries: ${rd.committedEntries.map(fmtEntry).join(', ')}`)
    for (const m of rd.messages) this.p(`  ${fmtMessage(m)}`)
    for (const rs of rd.readStates) this.p(`  ReadState Index:${rs.index} Ctx:${JSON.stringify(dec.decode(rs.requestCtx))}`)
    if (rd.mustSync) this.p('  MustSync')
  }

  /** deliver-msgs ID... [drop=true]: delivers (or drops) every in-flight message to these nodes. */
  cmd_deliver_msgs (c: Command): void {
    const to = new Set(c.pos.map(BigInt))
    const drop = c.args.get('drop') === 'true'
    for (const id of to) this.deliverTo(id, drop)
  }

  private deliverTo (id: NodeID, drop: boolean): boolean {
    const mine = this.messages.filter((m) => m.to === id)
    if (mine.length === 0) return false
    this.messages = this.messages.filter((m) => m.to !== id)
    for (const m of mine) {
      this.p(`${drop ? 'dropped' : ''}${drop ? ': ' : ''}${fmtMessage(m)}`)
      if (drop) continue
      try {
        this.node(m.to).rn.step(m)
      } catch (err) {
        this.p(`  error: ${(err as Error).message}`)
      }
    }
    return true
  }

  /** stabilize [ID...]: handles Readies and delivers messages among these nodes until quiet. */
  cmd_stabilize (c: Command): void {
    const which = c.pos.length > 0 ? c.pos.map(BigInt) : [...this.nodes.keys()]
    for (let round = 0; round < 1000; round++) {
      let moved = false
      for (const id of which) if (this.processReady(this.node(id))) moved = true
      for (const id of which) if (this.deliverTo(id, false)) moved = true
      if (!moved) return
    }
    throw new Error('stabilize did not settle')
  }

  cmd_tick_heartbeat (c: Command): void {
    const n = this.node(c.pos[0])
    for (let i = 0; i < n.rn.raft.heartbeatTimeout; i++) n.rn.tick()
  }

  cmd_tick_election (c: Command): void {
    const n = this.node(c.pos[0])
    for (let i = 0; i < n.rn.raft.electionTimeout; i++) n.rn.tick()
  }

  cmd_raft_state (): void {
    for (const n of this.nodes.values()) {
      const r = n.rn.raft
      const role = r.isLearner ? 'Learner' : r.trk.config.voters[0].has(n.id) || r.trk.config.voters[1].has(n.id) ? 'Voter' : 'Non-Voter'
      this.p(`${n.id}: ${stateName(r.state)} (${role}) Term:${r.term} Lead:${r.lead}`)
    }
  }

  cmd_raft_log (c: Command): void {
    const r = this.node(c.pos[0]).rn.raft
    const ents = r.raftLog.allEntries()
    if (ents.length === 0) this.p(`log is empty: first index=${r.raftLog.firstIndex()}, last index=${r.raftLog.lastIndex()}`)
    for (const e of ents) this.p(fmtEntry(e))
  }

  cmd_status (c: Command): void {
    const st = this.node(c.pos[0]).rn.status()
    for (const [id, pr] of st.progress) {
      let s = `${id}: ${progressStateName(pr.state)} match=${pr.match} next=${pr.next}`
      if (pr.isLearner) s += ' learner'
      if (pr.paused) s += ' paused'
      if (pr.pendingSnapshot > 0) s += ` pendingSnap=${pr.pendingSnapshot}`
      if (pr.inflight > 0) s += ` inflight=${pr.inflight}`
      this.p(s)
    }
  }

  /** compact ID INDEX: snapshots at the applied index and discards the log up to INDEX. */
  cmd_compact (c: Command): void {
    const n = this.node(c.pos[0])
    n.storage.createSnapshot(n.applied, n.confState, enc.encode('snap'))
    n.storage.compact(Number(c.pos[1]))
    this.cmd_raft_log(c)
  }

  cmd_transfer_leadership (c: Command): void {
    this.node(c.args.get('from') ?? '').rn.transferLeader(BigInt(c.args.get('to') ?? '0'))
  }

  cmd_read_index (c: Command): void {
    try {
      this.node(c.pos[0]).rn.readIndex(enc.encode(c.pos[1] ?? ''))
    } catch (err) {
      this.p(`error: ${(err as Error).message}`)
    }
  }

  cmd_report_unreachable (c: Command): void {
    this.node(c.pos[0]).rn.reportUnreachable(BigInt(c.pos[1]))
  }

  cmd_report_snapshot (c: Command): void {
    this.node(c.pos[0]).rn.reportSnapshot(BigInt(c.pos[1]), c.pos[2] === 'failure' ? 'failure' : 'finish')
  }
}
