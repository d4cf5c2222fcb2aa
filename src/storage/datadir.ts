// Where things live under a data directory (architecture.md, "Data directory"), as in etcd's
// server/storage/datadir:
//   <data-dir>/member/wal/             WAL segments
//   <data-dir>/member/snap/            raft snapshot files, received backend snapshots
//   <data-dir>/member/snap/db          the LMDB environment (the backend)
import { join } from 'node:path'

/** `<data-dir>/member`. */
export function memberDir (dataDir: string): string {
  return join(dataDir, 'member')
}

/** `<data-dir>/member/wal`: the WAL segments. */
export function walDir (dataDir: string): string {
  return join(memberDir(dataDir), 'wal')
}

/** `<data-dir>/member/snap`: raft snapshot files and received `.snap.db` files. */
export function snapDir (dataDir: string): string {
  return join(memberDir(dataDir), 'snap')
}

/** `<data-dir>/member/snap/db`: the path of the LMDB environment (etcd's bbolt file). */
export function backendPath (dataDir: string): string {
  return join(snapDir(dataDir), 'db')
}
