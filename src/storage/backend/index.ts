export type { Backend, BackendOptions, BatchTx, BucketEntry, ReadTx } from './backend.js'
export { LmdbBackend, openBackend } from './lmdb-backend.js'
export { ErrBackendClosed } from './errors.js'
export { BufferedBackend, type BufferedBackendOptions } from './buffered-backend.js'
