// Raft snapshots and log compaction (design/raft-and-reliability.md §3.3): every `snapshotCount`
// applied entries, once the backend is durable past the applied index, record a raft snapshot
// (the .snap file, then the WAL record), compact the in-memory raft log keeping
// `snapshotCatchUpEntries` for slow followers, and release WAL segments and old files.
import type { Logger } from 'pino'
import type { ConfState, MemoryStorage } from '../raft/index.js'
import type { Backend } from '../storage/backend/index.js'
import type { Snapshotter } from '../storage/snap/index.js'
import type { WAL } from '../storage/wal/index.js'
import type { ServerConfig } from './config.js'
import { failpoint, failpointsArmed } from '../pkg/failpoint.js'

export interface SnapshotPolicyOptions {
  cfg: ServerConfig
  backend: Backend
  storage: MemoryStorage
  wal: WAL
  snapshotter: Snapshotter
  confState (): ConfState
  logger: Logger
  snapshotIndex: number
  /** Called with how long saving the .snap file and its WAL record took. */
  onSaved? (seconds: number): void
}

export class SnapshotPolicy {
  readonly #o: SnapshotPolicyOptions
  #snapshotIndex: number

  constructor (o: SnapshotPolicyOptions) {
    this.#o = o
    this.#snapshotIndex = o.snapshotIndex
  }

  get snapshotIndex (): number {
    return this.#snapshotIndex
  }

  /** Takes a snapshot when more than `snapshotCount` entries were applied since the last one. */
  async maybeSnapshot (applied: number): Promise<void> {
    if (applied - this.#snapshotIndex <= this.#o.cfg.snapshotCount) return
    await this.snapshot(applied)
  }

  async snapshot (applied: number): Promise<void> {
    const o = this.#o
    // The snapshot index must never pass what the backend holds durably.
    const durable = await o.backend.flushed()
    if (durable.index < applied) throw new Error(`backend durable index ${durable.index} is behind applied index ${applied}`)
    const snap = o.storage.createSnapshot(applied, o.confState(), new Uint8Array(0))
    const t0 = performance.now()
    if (failpointsArmed) failpoint('beforeSnapshotSave')
    o.snapshotter.saveSnap(snap)
    await o.wal.saveSnapshot({ index: snap.metadata.index, term: snap.metadata.term })
    o.onSaved?.((performance.now() - t0) / 1000)
    if (failpointsArmed) failpoint('afterSnapshotSave')
    this.#snapshotIndex = applied
    const catchUp = o.cfg.snapshotCatchUpEntries
    const compactIndex = applied > catchUp ? applied - catchUp : 1
    if (compactIndex > o.storage.firstIndex()) o.storage.compact(compactIndex)
    o.wal.releaseLockTo(applied)
    const purgedWal = await o.wal.purge(o.cfg.maxWalFiles)
    const purgedSnap = o.snapshotter.purge(o.cfg.maxSnapFiles)
    o.logger.info({ index: applied, term: snap.metadata.term, compactIndex, purgedWal: purgedWal.length, purgedSnap: purgedSnap.length }, 'saved snapshot and compacted raft log')
  }
}
