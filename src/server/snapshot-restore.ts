// Applying a snapshot received from the leader (etcd's applySnapshot): the `<index>.snap.db`
// that rafthttp saved becomes the backend — close the current LMDB environment, rename the
// received file into its place, fsync the directory, reopen — and everything derived from the
// backend (lessor, MVCC index, membership) is rebuilt from it.
import { failpoint, failpointsArmed } from '../pkg/failpoint.js'
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Logger } from 'pino'
import type { Snapshot } from '../raft/index.js'
import type { Backend } from '../storage/backend/index.js'
import type { Snapshotter } from '../storage/snap/index.js'

function fsyncDir (dir: string): void {
  const fd = openSync(dir, 'r')
  try { fsyncSync(fd) } finally { closeSync(fd) }
}

export interface SnapshotRestoreDeps {
  snapshotter: Snapshotter
  current (): Backend
  backendPath: string
  /** Opens the backend at `backendPath` (as bootstrap does). */
  reopen (): Promise<Backend>
  logger: Logger
  /** Rebuilds the server's state from the new backend (lessor, kv, membership, applier). */
  install (be: Backend): void
}

/** Swaps the backend for the one received with `snap`; returns the new backend. */
export async function restoreFromSnapshot (snap: Snapshot, d: SnapshotRestoreDeps): Promise<Backend> {
  const index = snap.metadata.index
  const file = d.snapshotter.dbFilePathExisting(index)
  // Test-only failpoint (design §6.2 beforeSnapshotApply): die after the snapshot is durable in the
  // WAL and saved as .snap.db, before the swap, so restart has to finish it.
  if (failpointsArmed) failpoint('beforeSnapshotSwap')
  const old = d.current()
  await old.close()
  renameSync(file, d.backendPath)
  rmSync(`${d.backendPath}-lock`, { force: true })
  fsyncDir(dirname(d.backendPath))
  const be = await d.reopen()
  d.install(be)
  d.snapshotter.releaseSnapDBs(index)
  d.logger.info({ index, term: snap.metadata.term }, 'applied snapshot from the leader: backend replaced')
  return be
}
