// Wires rafthttp to the server: the `Raft` the transport steps received messages into, the
// snapshot IO (a consistent backend copy streamed to a peer; a received one saved as
// `<index>.snap.db` before raft sees the MsgSnap), and keeping the transport's peer set equal to
// the cluster's members.
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { ErrStepPeerNotFound, MessageType, type Message, type RawNode, type SnapshotMetadata } from '../raft/index.js'
import type { Backend } from '../storage/backend/index.js'
import type { Snapshotter } from '../storage/snap/index.js'
import { Transport, type PeerTLS } from '../rafthttp/index.js'
import type { RaftCluster } from './membership/cluster.js'

export interface PeerTransportDeps {
  localId: bigint
  clusterId: bigint
  peerURLs: string[]
  rn: RawNode
  /** Asks the raft loop to look for a Ready. */
  schedule (): void
  cluster: RaftCluster
  backend (): Backend
  snapshotter: Snapshotter
  /** The applied index, its term and the configuration there (what a sent snapshot covers). */
  snapshotMeta (): SnapshotMetadata
  logger: Logger
  metrics: Registry
  tls?: PeerTLS
  connReadTimeoutMs?: number
}

let tmpSeq = 0

/** Builds the transport for this member; peers are added by `syncPeers`. */
export function newPeerTransport (d: PeerTransportDeps): Transport {
  const log = d.logger.child({ component: 'rafthttp' })
  const step = (m: Message): void => {
    try {
      d.rn.step(m)
    } catch (err) {
      // A response from a member raft no longer tracks (removed, or not yet added) is harmless.
      if (err instanceof ErrStepPeerNotFound || (err as { code?: string }).code === 'ErrStepPeerNotFound') return
      throw err
    }
    d.schedule()
  }
  return new Transport({
    localId: d.localId,
    clusterId: d.clusterId,
    peerURLs: d.peerURLs,
    logger: log,
    metrics: d.metrics,
    tls: d.tls,
    connReadTimeoutMs: d.connReadTimeoutMs,
    raft: {
      process: step,
      isIDRemoved: (id) => d.cluster.isIDRemoved(id),
      reportUnreachable: (id) => { d.rn.reportUnreachable(id); d.schedule() },
      reportSnapshot: (id, status) => { d.rn.reportSnapshot(id, status); d.schedule() }
    },
    snapshots: {
      open: async (m: Message) => {
        const path = join(d.snapshotter.dir, `send-${m.to.toString(16)}-${process.pid}-${++tmpSeq}.db.tmp`)
        // etcd's merged snapshot: it covers everything applied now, with the configuration now
        // (the stored raft snapshot may predate a member added since). Taken synchronously before
        // the copy starts, whose consistent index is then at least this index.
        const metadata = d.snapshotMeta()
        m.snapshot = { data: new Uint8Array(0), metadata }
        await d.backend().backup(path)
        return { path, size: statSync(path).size, release: () => rmSync(path, { force: true }) }
      },
      receive: async (m: Message, db: AsyncIterable<Uint8Array>) => {
        if (m.type !== MessageType.MsgSnap || m.snapshot === undefined) throw new Error('not a snapshot message')
        const n = await d.snapshotter.saveDBFrom(db, m.snapshot.metadata.index)
        step(m)
        return n
      }
    }
  })
}

/** Makes the transport's peers the cluster's members (plus `extra`, e.g. the initial cluster). */
export function syncPeers (t: Transport, cluster: RaftCluster, extra: Array<{ id: bigint, peerURLs: string[] }> = []): void {
  const want = new Map<bigint, string[]>()
  for (const m of extra) want.set(m.id, m.peerURLs)
  for (const m of cluster.members()) want.set(m.id, m.peerURLs)
  for (const id of t.peerIds()) if (!want.has(id) || cluster.isIDRemoved(id)) t.removePeer(id)
  for (const [id, urls] of want) if (!cluster.isIDRemoved(id)) t.addPeer(id, urls)
}
