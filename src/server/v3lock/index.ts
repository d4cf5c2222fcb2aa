// The lock package's public surface (and the concurrency helpers v3election shares).
export { V3Lock, errSessionExpired } from './lock.js'
export { waitDelete, waitDeletes, ErrCanceledWait } from './wait-deletes.js'
export { DEFAULT_SESSION_TTL, byCreate, bytes, concat, leaseKey, prefixEnd, rangeKvs } from './client.js'
export type { ConcurrencyClient } from './client.js'
