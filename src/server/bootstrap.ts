// Bootstrap (etcd's etcdserver/bootstrap.go): opens the backend, then either creates a new WAL
// and a raft node for a brand-new cluster, or restarts from the newest snapshot the WAL knows plus
// the WAL's HardState and entries. Nothing here runs the loop; EtcdServer does.
import { existsSync, mkdirSync } from 'node:fs'
import { randomInt } from 'node:crypto'
import type { Logger } from 'pino'
import {
  MemoryStorage, RawNode, type ConfState, type Peer, type RaftLogger, type Snapshot
} from '../raft/index.js'
import { BufferedBackend, openBackend, type Backend } from '../storage/backend/index.js'
import { backendPath, snapDir } from '../storage/datadir.js'
import { Snapshotter } from '../storage/snap/index.js'
import { WAL, validSnapshotEntries } from '../storage/wal/index.js'
import { readConsistentIndex } from '../storage/schema/index.js'
import type { ServerConfig } from './config.js'
import { computeClusterId, computeMemberId, type Member } from './membership/member.js'
import { encodeMemberContext, RaftCluster } from './membership/cluster.js'
import { decodeWalMetadata, encodeWalMetadata } from './membership/wal-metadata.js'
import { fetchClusterFromPeers, findSelf, remotePeerURLs } from './join.js'
import { restoreFromSnapshot } from './snapshot-restore.js'

export interface Bootstrapped {
  backend: Backend
  wal: WAL
  snapshotter: Snapshotter
  storage: MemoryStorage
  rn: RawNode
  cluster: RaftCluster
  memberId: bigint
  /** The snapshot raft restarted from (undefined for a new member or none taken yet). */
  snapshot: Snapshot | undefined
  /** The configuration as of the snapshot (empty for a new member). */
  confState: ConfState
  /** True when this member started a brand-new cluster. */
  isNew: boolean
  /** Opens the backend at its path again, as bootstrap did (after a received snapshot replaced the file). */
  reopenBackend: () => Promise<Backend>
  /** Joining an existing cluster: the members its peers reported (dialled before raft knows them). */
  remotes?: Member[]
}

/** Adapts the pino child logger to raft's logger interface. */
export function raftLogger (log: Logger): RaftLogger {
  return {
    debug: (msg, fields) => log.debug(fields ?? {}, msg),
    info: (msg, fields) => log.info(fields ?? {}, msg),
    warn: (msg, fields) => log.warn(fields ?? {}, msg),
    error: (msg, fields) => log.error(fields ?? {}, msg)
  }
}

function raftConfig (cfg: ServerConfig, id: bigint, storage: MemoryStorage, applied: number): ConstructorParameters<typeof RawNode>[0] {
  return {
    id,
    electionTick: cfg.electionTicks,
    heartbeatTick: 1,
    storage,
    applied,
    maxSizePerMsg: 1024 * 1024,
    maxInflightMsgs: 4096 / 8,
    maxUncommittedEntriesSize: 1 << 30,
    checkQuorum: true,
    preVote: cfg.preVote,
    stepDownOnRemoval: true,
    // Production seeds from the OS; tests of src/raft seed deterministically.
    seed: randomInt(0, 2 ** 31),
    logger: raftLogger(cfg.logger.child({ component: 'raft' }))
  }
}

/** The members of `--initial-cluster`, with their IDs derived as etcd derives them. */
export function initialMembers (cfg: ServerConfig): Member[] {
  const members: Member[] = []
  for (const [name, urls] of cfg.initialPeerURLsMap) {
    members.push({
      id: computeMemberId(urls, cfg.initialClusterToken),
      name,
      peerURLs: [...urls].sort(),
      // Empty on every member, so the bootstrap entries are identical everywhere; each member
      // publishes its client URLs through raft once it has a leader.
      clientURLs: [],
      isLearner: false
    })
  }
  return members
}

/** Hooks bootstrap threads into what it opens. */
export interface BootstrapHooks {
  onFsync?: (durationSeconds: number, coveredSaves: number) => void
  onBackendCommit?: (durationSeconds: number) => void
}

export async function bootstrap (cfg: ServerConfig, hooks: BootstrapHooks = {}): Promise<Bootstrapped> {
  const log = cfg.logger
  mkdirSync(snapDir(cfg.dataDir), { recursive: true, mode: 0o700 })
  const reopenBackend = async (): Promise<Backend> => new BufferedBackend(await openBackend({ path: backendPath(cfg.dataDir) }), {
    batchIntervalMs: cfg.backendBatchIntervalMs > 0 ? cfg.backendBatchIntervalMs : 100,
    batchLimit: cfg.backendBatchLimit > 0 ? cfg.backendBatchLimit : 10_000,
    onCommit: hooks.onBackendCommit
  })
  let backend = await reopenBackend()
  const snapshotter = new Snapshotter(snapDir(cfg.dataDir), log.child({ component: 'snap' }))
  const storage = new MemoryStorage()
  try {
    if (!WAL.exist(cfg.walDir)) {
      if (!cfg.newCluster) {
        const rc = await fetchClusterFromPeers(remotePeerURLs(cfg), 2000, cfg.peerTLS)
        const me = findSelf(cfg, rc)
        const wal = await WAL.create(cfg.walDir, encodeWalMetadata({ memberId: me.id, clusterId: rc.clusterId }), { logger: log.child({ component: 'wal' }), onFsync: hooks.onFsync })
        log.info({ memberId: me.id.toString(16), clusterId: rc.clusterId.toString(16) }, 'joining existing cluster')
        return {
          backend,
          wal,
          snapshotter,
          storage,
          rn: new RawNode(raftConfig(cfg, me.id, storage, 0)),
          cluster: new RaftCluster(rc.clusterId, me.id),
          memberId: me.id,
          snapshot: undefined,
          confState: { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
          isNew: false,
          remotes: rc.members,
          reopenBackend
        }
      }
      const members = initialMembers(cfg)
      const self = members.find((m) => m.name === cfg.name)
      if (self === undefined) throw new Error(`couldn't find local name "${cfg.name}" in the initial cluster configuration`)
      const clusterId = computeClusterId(members.map((m) => m.id))
      // A peer already serving another cluster means a wrong --initial-cluster(-token): refuse.
      const running = await fetchClusterFromPeers(remotePeerURLs(cfg), 500, cfg.peerTLS).catch(() => undefined)
      if (running !== undefined && running.clusterId !== clusterId) {
        throw new Error(`cluster ID mismatch: peers of --initial-cluster serve cluster ${running.clusterId.toString(16)}, but this configuration gives cluster ${clusterId.toString(16)} (check --initial-cluster and --initial-cluster-token)`)
      }
      const wal = await WAL.create(cfg.walDir, encodeWalMetadata({ memberId: self.id, clusterId }), { logger: log.child({ component: 'wal' }), onFsync: hooks.onFsync })
      const rn = new RawNode(raftConfig(cfg, self.id, storage, 0))
      const peers: Peer[] = members.map((m) => ({ id: m.id, context: encodeMemberContext(m) }))
      rn.bootstrap(peers)
      log.info({ memberId: self.id.toString(16), clusterId: clusterId.toString(16) }, 'starting new cluster member')
      return {
        backend,
        wal,
        snapshotter,
        storage,
        rn,
        cluster: new RaftCluster(clusterId, self.id),
        memberId: self.id,
        snapshot: undefined,
        confState: { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
        isNew: true,
        reopenBackend
      }
    }

    // Restart: the newest snapshot that the WAL also has a record of, then the WAL after it.
    const walSnaps = await validSnapshotEntries(cfg.walDir)
    const snap = snapshotter.loadNewestAvailable(walSnaps) ?? undefined
    let ci = readConsistentIndex(backend.readTx())
    if (snap !== undefined && ci.index < snap.metadata.index && existsSync(snapshotter.dbFilePath(snap.metadata.index))) {
      // Killed after a snapshot from the leader was made durable but before the backend was
      // swapped for the received database: finish the swap now.
      backend = await restoreFromSnapshot(snap, {
        snapshotter, current: () => backend, backendPath: backendPath(cfg.dataDir), logger: log, reopen: reopenBackend, install: () => {}
      })
      ci = readConsistentIndex(backend.readTx())
    }
    if (snap !== undefined) {
      if (ci.index < snap.metadata.index) {
        throw new Error(`backend consistent index ${ci.index} is behind snapshot index ${snap.metadata.index}`)
      }
      storage.applySnapshot(snap)
    }
    const wal = await WAL.open(cfg.walDir, snap === undefined ? { index: 0, term: 0 } : { index: snap.metadata.index, term: snap.metadata.term },
      { logger: log.child({ component: 'wal' }), onFsync: hooks.onFsync })
    const { metadata, state, entries } = await wal.readAll()
    const { memberId, clusterId } = decodeWalMetadata(metadata)
    storage.setHardState(state)
    storage.append(entries)
    const cluster = new RaftCluster(clusterId, memberId)
    cluster.recover(backend.readTx())
    // Raft hands out every entry after the snapshot again; the applier skips the effects of those
    // at or below the backend's consistent index but replays their membership bookkeeping.
    const rn = new RawNode(raftConfig(cfg, memberId, storage, snap?.metadata.index ?? 0))
    log.info({
      memberId: memberId.toString(16),
      clusterId: clusterId.toString(16),
      commit: state.commit,
      term: state.term,
      consistentIndex: ci.index,
      snapshotIndex: snap?.metadata.index ?? 0,
      entries: entries.length
    }, 'restarting member')
    return {
      backend,
      wal,
      snapshotter,
      storage,
      rn,
      cluster,
      memberId,
      snapshot: snap,
      confState: snap?.metadata.confState ?? { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
      isNew: false,
      reopenBackend
    }
  } catch (err) {
    await backend.close()
    throw err
  }
}
