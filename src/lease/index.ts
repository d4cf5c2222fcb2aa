// The lease package's public surface.
export { Lessor } from './lessor.js'
export type { LeaseCheckpoint, LeaseTTL, LessorConfig, LessorHooks, RangeDeleter } from './lessor.js'
export { FOREVER, Lease, MAX_LEASE_TTL, NoLease } from './lease.js'
export type { LeaseID } from './lease.js'
export { ErrLeaseExists, ErrLeaseNotFound, ErrLeaseTTLTooLarge, ErrNotPrimary } from './errors.js'
export { LeaseQueue } from './lease-queue.js'
export type { LeaseItem } from './lease-queue.js'
