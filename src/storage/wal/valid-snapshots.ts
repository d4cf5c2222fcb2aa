// validSnapshotEntries: which snapshot markers in a WAL may be loaded at restart.
import { readWALNames } from './file-name.js'
import { ErrFileNotFound } from './errors.js'
import type { WalSnapshot } from './payload.js'
import { readSegments } from './read.js'
import { DefaultMaxRecordBytes } from './options.js'

/**
 * The snapshot markers in the WAL at `dir` whose index is covered by the last HardState's commit
 * (a marker beyond it may belong to a snapshot that was never fully persisted). Reads the whole
 * WAL read-only; a torn tail is tolerated (not repaired), corruption throws.
 */
export async function validSnapshotEntries (dir: string, opts: { maxRecordBytes?: number } = {}): Promise<WalSnapshot[]> {
  const names = readWALNames(dir)
  if (names.length === 0) throw new ErrFileNotFound({ reason: `no WAL segments in ${dir}` })
  const r = await readSegments(dir, names, { maxRecordBytes: opts.maxRecordBytes ?? DefaultMaxRecordBytes, skipEntries: true })
  return r.snapshots.filter((s) => s.index <= r.state.commit)
}
