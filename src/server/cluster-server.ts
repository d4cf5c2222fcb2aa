// The Cluster service (etcd's v3_server.go member methods + cluster_util.go checks): member
// add/remove/update/promote as v1 conf changes proposed through raft and answered once applied,
// the strict-reconfiguration checks ("not enough started members", connectivity to a quorum),
// the learner readiness check on the leader (promotion of a non-leader is forwarded to the leader
// over the peer port), member list, leadership transfer, and publishing this member's name and
// client URLs once it has a leader.
import type { Logger } from 'pino'
import { request, type Dispatcher } from 'undici'
import { ConfChangeType, confChange, type ConfChange, type RawNode } from '../raft/index.js'
import type {
  ClusterServer, Member as ApiMember, MemberAddRequest, MemberAddResponse, MemberListRequest, MemberListResponse,
  MemberPromoteRequest, MemberPromoteResponse, MemberRemoveRequest, MemberRemoveResponse, MemberUpdateRequest,
  MemberUpdateResponse, MoveLeaderRequest, MoveLeaderResponse
} from '../api/etcdserverpb/cluster.js'
import type { ResponseHeader } from '../api/etcdserverpb/kv.js'
import { CodedError } from '../pkg/coded-error.js'
import type { IDGenerator } from '../pkg/id-util.js'
import type { Wait } from '../pkg/wait.js'
import type { ApplyResult } from './proposer.js'
import type { RaftCluster } from './membership/cluster.js'
import { encodeMemberContext } from './membership/cluster.js'
import { computeMemberId, type Member } from './membership/member.js'
import { ErrIDNotFound, ErrMemberNotLearner } from './apply/membership.js'
import {
  ErrBadLeaderTransferee, ErrLearnerNotReady, ErrNotEnoughStartedMembers, ErrNotLeader, ErrStopped, ErrTimeout,
  ErrTimeoutLeaderTransfer, ErrUnhealthy
} from './errors.js'

/** etcd's HealthInterval: a peer counts as connected if it has been reachable for this long. */
const healthIntervalMs = 5000
/** A learner is ready for promotion once its log reaches this share of the leader's. */
const readyPercent = 0.9

/** What a learner answers to every client call but serializable reads (etcd's learner RPC filter). */
export const ErrNotSupportedForLearner = (): CodedError => new CodedError('ErrNotSupportedForLearner', 'etcdserver: rpc not supported for learner')

const ErrMemberBadURLs = (): CodedError => new CodedError('ErrMemberBadURLs', 'etcdserver: given member URLs are invalid')

export interface ClusterServiceDeps {
  localId: bigint
  cluster: RaftCluster
  rn: RawNode
  schedule (): void
  wait: Wait<ApplyResult>
  ids: IDGenerator
  timeoutMs: number
  electionMs: number
  header (): ResponseHeader
  leader (): bigint
  isLeader (): boolean
  /** Resolves once raft has a leader (rejects with the proposer's errors on timeout). */
  linearizableReadNotify (): Promise<void>
  /** Since when the transport reaches `id` (0: not reachable). */
  activeSince (id: bigint): number
  /** The peer-request headers (cluster ID, sender …) for forwarding to the leader. */
  peerHeaders (): Record<string, string>
  /** Dials https peers (peer TLS); undefined: undici's global dispatcher. */
  dispatcher?: Dispatcher
  /** Proposes this member's attributes (name, client URLs) through raft. */
  publish (attrs: { memberID: bigint, name: string, clientURLs: string[] }): Promise<unknown>
  /** True once the server is stopping. */
  stopped (): boolean
  logger: Logger
}

function toApi (m: Member): ApiMember {
  return { ID: m.id, name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs, isLearner: m.isLearner }
}

function validURLs (urls: string[] | undefined): string[] {
  if (urls === undefined || urls.length === 0) throw ErrMemberBadURLs()
  for (const u of urls) {
    let p: URL
    try { p = new URL(u) } catch { throw ErrMemberBadURLs() }
    if ((p.protocol !== 'http:' && p.protocol !== 'https:' && p.protocol !== 'unix:' && p.protocol !== 'unixs:') || p.host === '' || (p.pathname !== '' && p.pathname !== '/')) throw ErrMemberBadURLs()
  }
  return [...urls]
}

export class ClusterService implements ClusterServer {
  readonly #d: ClusterServiceDeps

  constructor (d: ClusterServiceDeps) {
    this.#d = d
  }

  #members (): ApiMember[] {
    return this.#d.cluster.members().map(toApi)
  }

  /** Proposes `cc` and waits until it is applied; resolves with the members after it. */
  async #configure (cc: ConfChange): Promise<void> {
    const d = this.#d
    if (d.stopped()) throw ErrStopped()
    const id = d.ids.next()
    cc.id = id
    const done = d.wait.register(id)
    try {
      d.rn.proposeConfChange(cc)
    } catch (err) {
      d.wait.cancel(id)
      throw err
    }
    d.schedule()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { d.wait.cancel(id); reject(ErrTimeout()) }, d.timeoutMs)
    })
    try {
      const r = await Promise.race([done, timeout])
      if (!r.ok) throw r.err
    } finally {
      clearTimeout(timer)
    }
    // Return only once raft itself has advanced past the change, so a following change is not
    // refused as pending (etcd issue 15528).
    const target = d.rn.status().hardState.commit
    for (let i = 0; i < 200 && d.rn.status().applied < target; i++) await new Promise((resolve) => setTimeout(resolve, 5))
  }

  // ---- strict reconfiguration checks (etcd cluster_util.go / server.go may*Member)

  #startedVoters (exclude?: bigint): { n: number, started: number } {
    let n = 0
    let started = 0
    for (const m of this.#d.cluster.members()) {
      if (m.isLearner || m.id === exclude) continue
      n++
      if (m.name !== '') started++
    }
    return { n, started }
  }

  #connectedSince (members: Member[], since: number): number {
    let n = 0
    for (const m of members) {
      if (m.id === this.#d.localId) { n++; continue }
      const t = this.#d.activeSince(m.id)
      if (t !== 0 && t <= since) n++
    }
    return n
  }

  #mayAddVoter (): void {
    const { n, started } = this.#startedVoters()
    const total = n + 1
    if (!(started === 1 && total === 2) && started < Math.floor(total / 2) + 1) throw ErrNotEnoughStartedMembers()
    const voters = this.#d.cluster.members().filter((m) => !m.isLearner)
    // The new member is not connected yet: the connected voters must be a quorum of the new size.
    if (this.#connectedSince(voters, Date.now() - healthIntervalMs) < Math.floor(total / 2) + 1 && !(voters.length === 1)) throw ErrUnhealthy()
  }

  #mayRemoveVoter (id: bigint): void {
    const target = this.#d.cluster.member(id)
    if (target === undefined || target.isLearner) return
    const { n, started } = this.#startedVoters(id)
    if (started < Math.floor(n / 2) + 1) throw ErrNotEnoughStartedMembers()
    const voters = this.#d.cluster.members().filter((m) => !m.isLearner)
    const since = Date.now() - healthIntervalMs
    let active = this.#connectedSince(voters, since)
    const t = id === this.#d.localId ? 1 : this.#d.activeSince(id)
    if (t !== 0 && t <= since) active--
    if (active < Math.floor((voters.length - 1) / 2) + 1) throw ErrUnhealthy()
  }

  // ---- the service

  async memberList (r: MemberListRequest): Promise<MemberListResponse> {
    if (r.linearizable === true) await this.#d.linearizableReadNotify()
    return { header: this.#d.header(), members: this.#members() }
  }

  async memberAdd (r: MemberAddRequest): Promise<MemberAddResponse> {
    const urls = validURLs(r.peerURLs)
    const isLearner = r.isLearner === true
    const m: Member = { id: computeMemberId(urls, '', Math.floor(Date.now() / 1000)), name: '', peerURLs: urls, clientURLs: [], isLearner }
    if (!isLearner) this.#mayAddVoter()
    const type = isLearner ? ConfChangeType.ConfChangeAddLearnerNode : ConfChangeType.ConfChangeAddNode
    await this.#configure(confChange(type, m.id, encodeMemberContext(m)))
    return { header: this.#d.header(), member: toApi(m), members: this.#members() }
  }

  async memberRemove (r: MemberRemoveRequest): Promise<MemberRemoveResponse> {
    const id = r.ID ?? 0n
    this.#mayRemoveVoter(id)
    await this.#configure(confChange(ConfChangeType.ConfChangeRemoveNode, id))
    return { header: this.#d.header(), members: this.#members() }
  }

  async memberUpdate (r: MemberUpdateRequest): Promise<MemberUpdateResponse> {
    const id = r.ID ?? 0n
    const urls = validURLs(r.peerURLs)
    const cur = this.#d.cluster.member(id)
    const m: Member = { id, name: cur?.name ?? '', peerURLs: urls, clientURLs: cur?.clientURLs ?? [], isLearner: cur?.isLearner ?? false }
    await this.#configure(confChange(ConfChangeType.ConfChangeUpdateNode, id, encodeMemberContext(m)))
    return { header: this.#d.header(), members: this.#members() }
  }

  async memberPromote (r: MemberPromoteRequest): Promise<MemberPromoteResponse> {
    const id = r.ID ?? 0n
    if (this.#d.isLeader()) {
      await this.promoteAsLeader(id)
      return { header: this.#d.header(), members: this.#members() }
    }
    await this.#forwardPromote(id)
    return { header: this.#d.header(), members: this.#members() }
  }

  /** The leader's half of promotion: readiness checks, then the conf change. */
  async promoteAsLeader (id: bigint): Promise<Member[]> {
    const d = this.#d
    const m = d.cluster.member(id)
    if (m === undefined) throw ErrIDNotFound()
    if (!m.isLearner) throw ErrMemberNotLearner()
    const st = d.rn.status()
    if (st.progress.size === 0) throw ErrNotLeader()
    const leaderMatch = st.progress.get(d.localId)?.match ?? 0
    const learner = st.progress.get(id)
    if (learner === undefined) throw ErrIDNotFound()
    if (learner.match < leaderMatch * readyPercent) throw ErrLearnerNotReady()
    this.#mayAddVoter()
    await this.#configure(confChange(ConfChangeType.ConfChangeAddNode, id, encodeMemberContext({ ...m, isLearner: false })))
    return d.cluster.members()
  }

  async #forwardPromote (id: bigint): Promise<void> {
    const d = this.#d
    const leader = d.cluster.member(d.leader())
    if (leader === undefined) throw ErrTimeout()
    let last: unknown = ErrTimeout()
    for (const u of leader.peerURLs) {
      try {
        const res = await request(`${u}/members/promote/${id.toString()}`, {
          method: 'POST', headers: d.peerHeaders(), headersTimeout: d.timeoutMs, bodyTimeout: d.timeoutMs, dispatcher: d.dispatcher
        })
        const text = await res.body.text()
        if (res.statusCode === 200) return
        if (res.statusCode === 412 && text.includes('in sync')) throw ErrLearnerNotReady()
        if (res.statusCode === 412 && text.includes('can only promote')) throw ErrMemberNotLearner()
        if (res.statusCode === 404) throw ErrIDNotFound()
        last = new Error(`promote forwarded to leader answered ${res.statusCode}: ${text.trim()}`)
      } catch (err) {
        if (err instanceof CodedError) throw err
        last = err
      }
    }
    throw last
  }

  async moveLeader (r: MoveLeaderRequest): Promise<MoveLeaderResponse> {
    const d = this.#d
    const target = r.targetID ?? 0n
    if (!d.isLeader()) throw ErrNotLeader()
    const m = d.cluster.member(target)
    if (target === 0n || m === undefined || m.isLearner) throw ErrBadLeaderTransferee()
    await this.transferLeadership(target, d.timeoutMs)
    return { header: d.header() }
  }

  /** Asks raft to hand leadership to `target` and waits until it has it. */
  async transferLeadership (target: bigint, timeoutMs: number): Promise<void> {
    const d = this.#d
    if (target === d.localId) return
    d.rn.transferLeader(target)
    d.schedule()
    const deadline = Date.now() + timeoutMs
    while (d.leader() !== target) {
      if (Date.now() > deadline) throw ErrTimeoutLeaderTransfer()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  /** Leader transfer on graceful shutdown: to the most caught-up voter that is reachable. */
  async transferOnShutdown (): Promise<void> {
    const d = this.#d
    if (!d.isLeader()) return
    const st = d.rn.status()
    let best: bigint | undefined
    let bestMatch = -1
    for (const [id, pr] of st.progress) {
      if (id === d.localId || pr.isLearner || d.activeSince(id) === 0) continue
      if (pr.match > bestMatch) { best = id; bestMatch = pr.match }
    }
    if (best === undefined) return
    try {
      await this.transferLeadership(best, Math.max(d.electionMs * 2, 1000))
      d.logger.info({ transferee: best.toString(16) }, 'leadership transferred on shutdown')
    } catch (err) {
      d.logger.warn({ transferee: best.toString(16), err }, 'failed to transfer leadership on shutdown')
    }
  }

  /**
   * Publishes this member's name and client URLs through raft until it sticks (etcd's publishV3).
   * Resolves true once published, false if the server stopped first.
   */
  async publish (name: string, clientURLs: string[]): Promise<boolean> {
    const d = this.#d
    while (!d.stopped()) {
      const cur = d.cluster.member(d.localId)
      if (d.leader() !== 0n && cur !== undefined) {
        try {
          await d.publish({ memberID: d.localId, name, clientURLs })
          d.logger.info({ name, clientURLs }, 'published local member to cluster through raft')
          return true
        } catch (err) {
          d.logger.debug({ err }, 'failed to publish local member; retrying')
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    return false
  }
}
