/**
 * The named LMDB databases of the backend (etcd's server/storage/schema buckets). Every bucket is
 * opened with `keyEncoding: 'binary'` and `encoding: 'binary'`: keys compare by memcmp and values
 * are raw bytes.
 */
export const Buckets = {
  /** Revision-keyed MVCC records: 17-byte revision key (+ 't' for a tombstone) → encoded KeyValue. */
  Key: 'key',
  /** Consistent index and term, compaction revisions, storage version. */
  Meta: 'meta',
  Lease: 'lease',
  Auth: 'auth',
  AuthUsers: 'authUsers',
  AuthRoles: 'authRoles',
  Members: 'members',
  MembersRemoved: 'members_removed',
  Alarm: 'alarm'
} as const

/** The name of one bucket. */
export type Bucket = typeof Buckets[keyof typeof Buckets]

/** Every bucket, in a fixed order (the order `hash` walks them). */
export const ALL_BUCKETS: readonly Bucket[] = Object.freeze([
  Buckets.Key,
  Buckets.Meta,
  Buckets.Lease,
  Buckets.Auth,
  Buckets.AuthUsers,
  Buckets.AuthRoles,
  Buckets.Members,
  Buckets.MembersRemoved,
  Buckets.Alarm
])
