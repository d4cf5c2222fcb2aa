/** Keys of the `meta` bucket (etcd's schema/meta.go names, as latin1 bytes). */
export const MetaKeys = {
  ConsistentIndex: Buffer.from('consistent_index', 'latin1'),
  Term: Buffer.from('term', 'latin1'),
  ScheduledCompactRev: Buffer.from('scheduledCompactRev', 'latin1'),
  FinishedCompactRev: Buffer.from('finishedCompactRev', 'latin1'),
  StorageVersion: Buffer.from('storageVersion', 'latin1')
} as const

/** The storage version this code writes into `meta` on first open. */
export const STORAGE_VERSION = '3.5.0'
