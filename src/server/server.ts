// EtcdServer: the core every listener serves (etcd's etcdserver.EtcdServer). It owns the raft
// node and its IO loop, the WAL, the backend and MVCC store, the proposer and the read loop, and
// exposes the transport-neutral API the gateway routes call (architecture decision j). It is
// built outside Fastify and injected by plugins/core.ts.
import type { Logger } from 'pino'
import {
  StateType, type ConfState, type Snapshot
} from '../raft/index.js'
import { WatchableStore, type TxnRead } from '../storage/mvcc/index.js'
import type {
  CompactionRequest, CompactionResponse, DeleteRangeRequest, DeleteRangeResponse, KVServer, PutRequest, PutResponse,
  RangeRequest, RangeResponse, ResponseHeader, TxnRequest, TxnResponse
} from '../api/etcdserverpb/kv.js'
import {
  checkDeleteRangeRequest, checkPutRequest, checkRangeRequest, checkTxn, isTxnReadonly, isTxnSerializable, range, txn
} from './txn/index.js'
import { IDGenerator } from '../pkg/id-util.js'
import { WaitTime } from '../pkg/wait.js'
import { bootstrap, initialMembers, type Bootstrapped } from './bootstrap.js'
import { electionTimeoutMs, reqTimeoutMs, type ServerConfig } from './config.js'
import { RaftNode } from './raft-node.js'
import { Applier, type CompactionResult } from './apply/applier.js'
import { Proposer } from './proposer.js'
import { ReadIndexLoop } from './read-index.js'
import { ReadBatcher } from './read-batch.js'
import { newServerMetrics, type ServerMetrics } from './metrics.js'
import type { ServerHealth } from './health.js'
import type { RaftCluster } from './membership/cluster.js'
import { ErrNoSpace, ErrStopped } from './errors.js'
import { CorruptionMonitor, checkInitialHashKV, type CorruptionDeps } from './corrupt.js'
import { SnapshotPolicy } from './snapshot.js'
import { leaseForwarders } from './lease-forward.js'
import { Trace } from '../pkg/trace.js'
import { Lessor } from '../lease/index.js'
import { V3Lease, leaseApplyOps, minLeaseTTL } from './v3-lease.js'
import { V3Watch } from './v3-watch.js'
import { V3Lock, type ConcurrencyClient } from './v3lock/index.js'
import { V3Election } from './v3election/index.js'
import { newPeerTransport, syncPeers } from './peer-transport.js'
import { restoreFromSnapshot } from './snapshot-restore.js'
import { ClusterService, ErrNotSupportedForLearner } from './cluster-server.js'
import { peerDispatcher } from './join.js'
import { memberAttrSetOp } from './apply/membership.js'
import { outgoingHeaders } from '../rafthttp/index.js'
import { backendPath } from '../storage/datadir.js'
import type { SnapshotPolicyOptions } from './snapshot.js'
import { AlarmStore } from './v3alarm/alarms.js'
import { alarmAdmission, alarmApplyOp } from './v3alarm/apply.js'
import { V3Maintenance, removeSnapshotCopies } from './v3-maintenance.js'
import { BackendQuota, costLeaseGrant, costPut, costTxn } from './quota.js'
import { AlarmAction, AlarmType, alarmName } from '../api/etcdserverpb/maintenance.js'
import type { Transport } from '../rafthttp/index.js'

export class EtcdServer implements KVServer, ServerHealth {
  readonly cfg: ServerConfig
  readonly memberId: bigint
  readonly clusterId: bigint
  readonly cluster: RaftCluster
  readonly metrics: ServerMetrics
  /** The lessor (leases live in the backend `lease` bucket; expiry only on the leader). */
  readonly lessor: Lessor
  /** The Lease service (grant, revoke, keep-alive, time-to-live, leases). */
  readonly lease: V3Lease
  /** The Watch service (one session per client stream). */
  readonly watch: V3Watch
  /** The Lock service (v3lock). */
  readonly lock: V3Lock
  /** The Election service (v3election). */
  readonly election: V3Election
  /** The peer transport (rafthttp); the peer routes hand it what arrives. */
  readonly transport: Transport
  #peersDirty = false
  /** The Cluster service (member add/remove/update/promote/list, leader transfer). */
  readonly clusterService: ClusterService
  /** The alarms raised in the cluster (replicated through raft, kept in the `alarm` bucket). */
  readonly alarmStore = new AlarmStore()
  /** The Maintenance service (alarm, status, hash, hashkv, defragment, snapshot). */
  readonly maintenance: V3Maintenance
  readonly #quota: BackendQuota
  #finish: (() => void) | undefined
  readonly #b: Bootstrapped
  readonly #log: Logger
  readonly #kv: WatchableStore
  readonly #node: RaftNode
  readonly #applier: Applier
  readonly #proposer: Proposer
  readonly #readLoop: ReadIndexLoop
  readonly #serializableReads = new ReadBatcher(() => this.#kv.read())
  readonly #appliedWait = new WaitTime()
  /** One generator for every request and lease ID of this member, as etcd's reqIDGen. */
  readonly #ids: IDGenerator
  readonly #snapshots: SnapshotPolicy
  #leader = 0n
  #term = 0
  #leaderWaiters: Array<() => void> = []
  /** Settles once this member has published its name and client URLs (etcd's ReadyNotify). */
  readonly #ready: Promise<void>
  #markReady!: (ok: boolean) => void
  #isReady = false
  #confState: ConfState
  #stopped = false
  #corruptionMonitor: CorruptionMonitor | undefined
  #fatal: ((err: unknown) => void) | undefined
  /** Settles with the error that stopped the server on its own (a fatal disk error). */
  readonly done: Promise<void>

  private constructor (cfg: ServerConfig, b: Bootstrapped, metrics: ServerMetrics) {
    this.cfg = cfg
    this.#b = b
    this.metrics = metrics
    this.#log = cfg.logger.child({ component: 'etcdserver' })
    this.memberId = b.memberId
    this.clusterId = b.cluster.clusterId
    this.cluster = b.cluster
    this.#confState = b.confState
    this.#ids = new IDGenerator(b.memberId, Date.now())
    this.done = new Promise((resolve, reject) => { this.#fatal = reject; this.#finish = resolve })
    this.done.catch(() => {})
    metrics.serverId.set({ server_id: this.memberId.toString(16) }, 1)
    metrics.sources.keys = () => this.#stopped ? 0 : this.#kv.index.countRevisions('', '', this.#kv.currentRev)
    metrics.sources.dbSize = () => this.#stopped ? 0 : b.backend.size()
    metrics.sources.dbSizeInUse = () => this.#stopped ? 0 : b.backend.sizeInUse()

    this.lessor = new Lessor({
      minLeaseTTL: minLeaseTTL(cfg.electionTicks, cfg.tickMs),
      checkpointing: cfg.leaseCheckpoint,
      checkpointPersist: cfg.leaseCheckpointPersist,
      checkpointIntervalMs: cfg.leaseCheckpointIntervalMs,
      logger: this.#log.child({ component: 'lessor' })
    })
    this.lessor.recover(b.backend.readTx())
    this.alarmStore.recover(b.backend.readTx())
    removeSnapshotCopies(b.backend.path)
    this.#quota = new BackendQuota(() => b.backend, cfg.quotaBackendBytes)
    metrics.quotaBackendBytes.set(Number.isFinite(cfg.quotaBackendBytes) ? cfg.quotaBackendBytes : -1)
    this.#kv = new WatchableStore(b.backend, {
      lessor: this.lessor,
      compactionBatchLimit: cfg.compactionBatchLimit,
      compactionSleepInterval: cfg.compactionSleepIntervalMs
    })
    const ci = this.#kv.consistentIndex
    const snapIndex = b.snapshot?.metadata.index ?? 0
    const snapTerm = b.snapshot?.metadata.term ?? 0
    this.#appliedWait.trigger(Math.max(ci.index, snapIndex))

    this.#ready = new Promise<void>((resolve, reject) => {
      this.#markReady = (ok) => {
        if (ok) {
          this.#isReady = true
          resolve()
        } else {
          reject(ErrStopped())
        }
      }
    })
    this.#ready.catch(() => {})
    this.#proposer = new Proposer({
      ids: this.#ids,
      propose: (data, onDropped) => this.#node.propose(data, onDropped),
      hasLeader: () => this.#leader !== 0n,
      leaderKnown: () => this.#leader !== 0n ? Promise.resolve() : new Promise((resolve) => this.#leaderWaiters.push(resolve)),
      backlog: () => b.rn.basicStatus().hardState.commit - this.#applier.appliedIndex,
      maxRequestBytes: cfg.maxRequestBytes + 512,
      timeoutMs: reqTimeoutMs(cfg),
      logger: this.#log,
      onPending: (d) => metrics.proposalsPending.inc(d),
      onFailed: () => metrics.proposalsFailed.inc()
    })
    this.#readLoop = new ReadIndexLoop({
      readIndex: (ctx) => { b.rn.readIndex(ctx); this.#node.schedule() },
      appliedWait: this.#appliedWait,
      timeoutMs: reqTimeoutMs(cfg),
      retryMs: 500,
      onSlow: () => metrics.slowReadIndex.inc(),
      onFailed: () => metrics.readIndexFailed.inc()
    })
    this.#applier = new Applier({
      kv: this.#kv,
      rn: b.rn,
      cluster: b.cluster,
      wait: this.#proposer.wait,
      txnOptions: { leaseExists: (id) => this.lessor.has(id) },
      extraOps: { ...leaseApplyOps(this.lessor), clusterMemberAttrSet: memberAttrSetOp(b.cluster), alarm: alarmApplyOp(this.alarmStore) },
      admit: alarmAdmission(this.alarmStore),
      onRemovedSelf: () => this.#onRemovedSelf(),
      logger: this.#log,
      onApplied: (index) => {
        this.#appliedWait.trigger(index)
        if (this.#leader === 0n) setImmediate(() => this.#maybeCampaignAlone())
        metrics.proposalsApplied.set(index)
        metrics.currentRevision.set(Number(this.#kv.currentRev))
        // The leader's lessor starts expiring once the entries of earlier terms are applied.
        if (!this.lessor.isPrimary && this.isLeader() && this.#applier.appliedTerm === this.term()) this.lessor.promote(electionTimeoutMs(cfg))
        if (this.#peersDirty) {
          this.#peersDirty = false
          syncPeers(this.transport, this.cluster)
        }
      },
      onConfState: (cs) => { this.#confState = cs; this.#peersDirty = true },
      onRequestApplied: (op) => {
        if (op === 'put') metrics.putTotal.inc()
        else if (op === 'deleteRange') metrics.deleteTotal.inc()
        else if (op === 'txn') metrics.txnTotal.inc()
      }
    }, snapIndex, snapTerm)
    const snapOpts: SnapshotPolicyOptions = {
      cfg,
      backend: b.backend,
      storage: b.storage,
      wal: b.wal,
      snapshotter: b.snapshotter,
      confState: () => this.#confState,
      logger: this.#log,
      snapshotIndex: snapIndex,
      onSaved: (seconds) => metrics.snapshotSaveTotal.observe(seconds)
    }
    this.#snapshots = new SnapshotPolicy(snapOpts)
    this.transport = newPeerTransport({
      localId: this.memberId,
      clusterId: this.clusterId,
      peerURLs: cfg.peerURLs,
      rn: b.rn,
      schedule: () => this.#node.schedule(),
      cluster: b.cluster,
      backend: () => b.backend,
      snapshotter: b.snapshotter,
      tls: cfg.peerTLS,
      snapshotMeta: () => ({ index: this.#applier.appliedIndex, term: this.#applier.appliedTerm, confState: this.#confState }),
      logger: cfg.logger,
      metrics: cfg.metrics
    })
    this.lease = new V3Lease({
      lessor: this.lessor,
      checkQuota: async () => { if (!this.#quota.available(costLeaseGrant)) await this.#raiseNoSpace() },
      propose: (op, req) => this.#proposer.propose(op, req),
      header: (rev) => this.header(rev ?? this.#kv.currentRev),
      isLeader: () => this.isLeader(),
      leader: () => this.#leader,
      term: () => this.term(),
      linearizableReadNotify: () => this.#readLoop.linearizableReadNotify(),
      waitAppliedCommitted: () => this.#appliedWait.wait(this.committedIndex()),
      ids: this.#ids,
      logger: this.#log.child({ component: 'lease' }),
      metrics: cfg.metrics,
      ...leaseForwarders({
        leaderPeerURLs: () => this.#leader === 0n ? undefined : b.cluster.member(this.#leader)?.peerURLs,
        headers: () => outgoingHeaders(this.memberId, this.clusterId, cfg.peerURLs),
        dispatcher: peerDispatcher(cfg.peerTLS),
        header: () => this.header(),
        timeoutMs: reqTimeoutMs(cfg)
      })
    })
    const client: ConcurrencyClient = {
      range: (r) => this.range(r),
      txn: (r) => this.txn(r),
      deleteRange: (r) => this.deleteRange(r),
      leaseGrant: (r) => this.lease.leaseGrant(r),
      newWatchStream: () => this.#kv.newWatchStream()
    }
    this.lock = new V3Lock(client)
    this.election = new V3Election(client)
    this.watch = new V3Watch({
      store: this.#kv,
      header: (rev) => this.header(rev),
      progressNotifyIntervalMs: cfg.progressNotifyIntervalMs ?? 10 * 60_000,
      maxResponseBytes: cfg.maxRequestBytes + 512 * 1024
    })
    this.clusterService = new ClusterService({
      localId: this.memberId,
      cluster: b.cluster,
      rn: b.rn,
      schedule: () => this.#node.schedule(),
      wait: this.#proposer.wait,
      ids: this.#ids,
      timeoutMs: reqTimeoutMs(cfg),
      electionMs: electionTimeoutMs(cfg),
      header: () => this.header(),
      leader: () => this.#leader,
      isLeader: () => this.isLeader(),
      linearizableReadNotify: () => this.#readLoop.linearizableReadNotify(),
      activeSince: (id) => this.transport.activeSince(id),
      peerHeaders: () => outgoingHeaders(this.memberId, this.clusterId, cfg.peerURLs),
      dispatcher: peerDispatcher(cfg.peerTLS),
      publish: (attrs) => this.#proposer.propose('clusterMemberAttrSet', attrs),
      stopped: () => this.#stopped,
      logger: this.#log
    })
    this.maintenance = new V3Maintenance({
      memberId: this.memberId,
      backend: () => b.backend,
      kv: this.#kv,
      alarms: this.alarmStore,
      propose: (op, req) => this.#proposer.propose(op, req),
      header: (rev) => this.header(rev ?? this.#kv.currentRev),
      leader: () => this.#leader,
      term: () => this.term(),
      committedIndex: () => this.committedIndex(),
      appliedIndex: () => this.appliedIndex(),
      isLearner: () => this.isLearner(),
      assertNotLearner: () => this.#assertNotLearner(),
      onDefragmented: () => this.#quota.invalidate(),
      logger: this.#log.child({ component: 'maintenance' })
    })
    this.#node = new RaftNode({
      rn: b.rn,
      storage: b.storage,
      wal: b.wal,
      snapshotter: b.snapshotter,
      transport: this.transport,
      applier: {
        applySnapshot: async (snap: Snapshot) => {
          await restoreFromSnapshot(snap, {
            snapshotter: b.snapshotter,
            current: () => b.backend,
            backendPath: backendPath(cfg.dataDir),
            reopen: b.reopenBackend,
            logger: this.#log,
            install: (be) => {
              b.backend = be
              snapOpts.backend = be
              this.lessor.recover(be.readTx())
              this.alarmStore.recover(be.readTx())
              this.#kv.restore(be)
              this.cluster.recover(be.readTx())
              this.#applier.reset(snap.metadata.index, snap.metadata.term)
              this.#confState = snap.metadata.confState
              syncPeers(this.transport, this.cluster)
              this.#appliedWait.trigger(snap.metadata.index)
            }
          })
        },
        applyEntries: async (entries) => {
          this.#applier.applyEntries(entries)
          metrics.proposalsCommitted.set(b.rn.basicStatus().hardState.commit)
          // Log compaction waits while a snapshot is being sent (the follower needs the entries after it).
          if (!this.transport.sendingSnapshot) await this.#snapshots.maybeSnapshot(this.#applier.appliedIndex)
        }
      },
      hooks: {
        onSoftState: (lead, isLeader, term) => this.#onSoftState(lead, isLeader, term),
        onReadStates: (rs) => this.#readLoop.onReadStates(rs),
        onFatal: (err) => this.#fatal?.(err)
      },
      tickMs: cfg.tickMs,
      logger: this.#log
    })
  }

  /** Bootstraps (new member or restart) and starts the raft loop. */
  static async start (cfg: ServerConfig): Promise<EtcdServer> {
    const metrics = newServerMetrics(cfg.metrics)
    const b = await bootstrap(cfg, {
      onFsync: (seconds) => metrics.walFsyncDuration.observe(seconds),
      onBackendCommit: (seconds) => metrics.backendCommitDuration.observe(seconds)
    })
    const s = new EtcdServer(cfg, b, metrics)
    // A restarting member compares its data with its peers before it serves (a new one has none).
    if (cfg.initialCorruptCheck === true && !b.isNew) {
      try {
        await checkInitialHashKV(s.#corruptionDeps())
      } catch (err) {
        await s.transport.stop()
        await b.wal.close()
        await b.backend.close()
        throw err
      }
    }
    s.#start()
    return s
  }

  #corruption: CorruptionDeps | undefined

  /** What the corruption checks need; built once, so a TLS peer dispatcher is shared by every check. */
  #corruptionDeps (): CorruptionDeps {
    this.#corruption ??= {
      localId: this.memberId,
      peers: () => this.cluster.members().filter((m) => m.id !== this.memberId).map((m) => ({ id: m.id, peerURLs: m.peerURLs })),
      hashKV: (rev) => this.#kv.hashByRev(rev),
      headers: () => outgoingHeaders(this.memberId, this.clusterId, this.cfg.peerURLs),
      dispatcher: peerDispatcher(this.cfg.peerTLS),
      timeoutMs: reqTimeoutMs(this.cfg),
      logger: this.#log.child({ component: 'corruption' })
    }
    return this.#corruption
  }

  #start (): void {
    this.clusterService.publish(this.cfg.name, this.cfg.clientURLs).then((published) => this.#markReady(published), () => this.#markReady(false))
    syncPeers(this.transport, this.cluster, this.#b.isNew ? initialMembers(this.cfg) : this.#b.remotes ?? [])
    this.#maybeCampaignAlone()
    this.lessor.start()
    this.#node.start()
    const every = this.cfg.corruptCheckTimeMs ?? 0
    if (every > 0) {
      this.#corruptionMonitor = new CorruptionMonitor({
        ...this.#corruptionDeps(),
        isLeader: () => this.isLeader(),
        raiseCorrupt: async (id) => {
          await this.#proposer.propose('alarm', { action: AlarmAction.ACTIVATE, memberID: id, alarm: AlarmType.CORRUPT })
        }
      }, every)
    }
  }

  /**
   * A lone voter need not wait out an election timeout (etcd advances its ticks for the same end):
   * it campaigns as soon as its configuration is applied (raft refuses while conf changes are pending).
   */
  #maybeCampaignAlone (): void {
    if (!this.cfg.initialElectionTickAdvance || this.#leader !== 0n || this.#stopped) return
    const st = this.#b.rn.status()
    const voters = st.confState.voters
    if (voters.length !== 1 || voters[0] !== this.memberId) return
    if (st.applied < st.hardState.commit) return
    this.#b.rn.campaign()
    this.#node.schedule()
  }

  #onSoftState (lead: bigint, isLeader: boolean, term: number): void {
    const m = this.metrics
    this.#term = term
    if (lead !== this.#leader) {
      if (lead !== 0n) m.leaderChanges.inc()
      const hadLeader = this.#leader !== 0n
      this.#leader = lead
      if (hadLeader) this.#readLoop.onLeaderChanged()
      if (lead !== 0n) {
        this.#readLoop.onLeaderElected()
        const waiters = this.#leaderWaiters
        this.#leaderWaiters = []
        for (const w of waiters) w()
      }
      this.#log.info({ leader: lead.toString(16), term }, lead === 0n ? 'raft lost leader' : 'raft elected leader')
    }
    m.hasLeader.set(lead !== 0n ? 1 : 0)
    m.isLeader.set(isLeader ? 1 : 0)
    if (!isLeader) this.lessor.demote()
  }

  /** This member was removed from the cluster: stop serving about a second later, as etcd does. */
  #onRemovedSelf (): void {
    this.#log.warn({}, 'the member has been permanently removed from the cluster')
    setTimeout(() => this.#finish?.(), 1000).unref()
  }

  /** Stops raft, fails waiting requests, flushes and closes storage. */
  async stop (): Promise<void> {
    if (this.#stopped) return
    // A leader hands over first, so the cluster does not wait out an election timeout.
    await this.clusterService.transferOnShutdown()
    this.#stopped = true
    this.#corruptionMonitor?.stop()
    this.lessor.stop()
    this.lease.stop()
    this.watch.closeAll()
    this.#readLoop.stop()
    await this.#node.stop()
    await this.transport.stop()
    this.#proposer.stop()
    await this.#kv.close()
    await this.#b.wal.close()
    await this.#b.backend.close()
    this.#log.info({}, 'stopped server')
  }

  /**
   * Resolves once this member has published its name and client URLs through raft and applied
   * that entry (so it has applied everything committed before it): etcd's ReadyNotify, which its
   * client listeners wait on before serving. Rejects with ErrStopped if the server stops first.
   */
  readyNotify (): Promise<void> {
    return this.#ready
  }

  /** True once readyNotify() has resolved. */
  get ready (): boolean {
    return this.#isReady
  }

  // ---- status used by health checks, metrics and the maintenance API

  leader (): bigint { return this.#leader }
  term (): number { return this.#b.rn.basicStatus().hardState.term }
  isLeader (): boolean { return this.#b.rn.basicStatus().softState.raftState === StateType.StateLeader }
  isLearner (): boolean { return this.cluster.isLearner(this.memberId) }
  appliedIndex (): number { return this.#applier.appliedIndex }
  committedIndex (): number { return this.#b.rn.basicStatus().hardState.commit }
  alarms (): string[] { return this.alarmStore.get().map((a) => alarmName(a.alarm)) }
  recordHealth (ok: boolean): void {
    if (ok) this.metrics.healthSuccess.inc()
    else this.metrics.healthFailures.inc()
  }

  get kv (): WatchableStore { return this.#kv }

  header (revision?: bigint): ResponseHeader {
    const h: ResponseHeader = { clusterId: this.clusterId, memberId: this.memberId, raftTerm: BigInt(this.term()) }
    if (revision !== undefined) h.revision = revision
    return h
  }

  #assertRunning (): void {
    if (this.#stopped) throw ErrStopped()
  }

  /**
   * Refuses a write that would take the backend past its quota (etcd's quotaAlarmer): raises this
   * member's NOSPACE alarm through raft first, then fails with ErrNoSpace.
   */
  async #raiseNoSpace (): Promise<never> {
    try {
      await this.#proposer.propose('alarm', { action: AlarmAction.ACTIVATE, memberID: this.memberId, alarm: AlarmType.NOSPACE })
    } catch (err) {
      this.#log.warn({ err }, 'failed to raise the NOSPACE alarm')
    }
    throw ErrNoSpace()
  }

  /** A learner serves serializable reads only (etcd's learner RPC filter). */
  #assertNotLearner (): void {
    if (this.isLearner()) throw ErrNotSupportedForLearner()
  }

  // ---- the KV service (etcd's v3_server.go)

  /** Runs `f`, recording it in the slow-request trace buffer when one is configured. */
  async #traced<T> (op: string, f: () => Promise<T>): Promise<T> {
    const traces = this.cfg.traces
    if (traces === undefined) return await f()
    const t = new Trace(op)
    try {
      const v = await f()
      traces.record(t)
      return v
    } catch (err) {
      traces.record(t, err)
      throw err
    }
  }

  async range (r: RangeRequest): Promise<RangeResponse> {
    this.#assertRunning()
    if (r.serializable !== true) this.#assertNotLearner()
    checkRangeRequest(r)
    return await this.#traced('range', () => this.#range(r))
  }

  /** The health checks' probe: a one-key range (etcd sends it without a key, below the API checks). */
  async healthRange (serializable: boolean): Promise<void> {
    this.#assertRunning()
    await this.#range({ keysOnly: true, limit: 1n, serializable })
  }

  async #range (r: RangeRequest): Promise<RangeResponse> {
    const answer = (view: TxnRead): RangeResponse => {
      const resp = range(view, r)
      resp.header = this.header(resp.header.revision)
      this.metrics.rangeTotal.inc()
      return resp
    }
    if (r.serializable === true) return await this.#serializableReads.read(answer)
    await this.#readLoop.linearizableReadNotify()
    const view = this.#kv.read()
    try {
      return answer(view)
    } finally {
      view.end()
    }
  }

  async put (r: PutRequest): Promise<PutResponse> {
    this.#assertRunning()
    this.#assertNotLearner()
    checkPutRequest(r)
    if (!this.#quota.available(costPut(r))) await this.#raiseNoSpace()
    const resp = await this.#traced('put', () => this.#proposer.propose('put', r)) as PutResponse
    resp.header = this.header(resp.header.revision)
    return resp
  }

  async deleteRange (r: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    this.#assertRunning()
    this.#assertNotLearner()
    checkDeleteRangeRequest(r)
    const resp = await this.#traced('delete_range', () => this.#proposer.propose('deleteRange', r)) as DeleteRangeResponse
    resp.header = this.header(resp.header.revision)
    return resp
  }

  async txn (r: TxnRequest): Promise<TxnResponse> {
    this.#assertRunning()
    this.#assertNotLearner()
    checkTxn(r, this.cfg.maxTxnOps)
    if (isTxnReadonly(r)) {
      const answer = (view: TxnRead): TxnResponse => {
        const resp = txn(view, r)
        resp.header = this.header(resp.header.revision)
        return resp
      }
      if (isTxnSerializable(r)) return await this.#serializableReads.read(answer)
      await this.#readLoop.linearizableReadNotify()
      const view = this.#kv.read()
      try {
        return answer(view)
      } finally {
        view.end()
      }
    }
    if (!this.#quota.available(costTxn(r))) await this.#raiseNoSpace()
    const resp = await this.#traced('transaction', () => this.#proposer.propose('txn', r)) as TxnResponse
    resp.header = this.header(resp.header.revision)
    return resp
  }

  async compact (r: CompactionRequest): Promise<CompactionResponse> {
    this.#assertRunning()
    this.#assertNotLearner()
    const res = await this.#proposer.propose('compaction', r) as CompactionResult
    if (r.physical === true) await res.physical
    return { header: this.header(res.header.revision) }
  }
}
