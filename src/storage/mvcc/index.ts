export type {
  ApplyBatch, CommittedChanges, LeaseAttacher, RangeOptions, RangeResult, ReadView, TxnRead, TxnWrite, WriteView
} from './kv.js'
export { KVStore } from './kvstore.js'
export type { StoreOptions } from './kvstore.js'
export { ReadOnlyTxnWrite } from './kvstore-txn.js'
export type { KeyValueHash } from './hash.js'
export {
  ErrClosed, ErrCompacted, ErrEmptyWatcherRange, ErrFutureRev, ErrRevisionNotFound, ErrWatcherDuplicateID,
  ErrWatcherNotExist
} from './errors.js'
export { bytesToRev, compareRev, isTombstone, revToBytes, MARK_TOMBSTONE, REV_BYTES_LEN } from './revision.js'
export type { Revision } from './revision.js'
export { KeyIndex } from './key-index.js'
export { TreeIndex } from './tree-index.js'
export { decodeKeyValue, encodeKeyValue } from './kv-codec.js'
export { WatchableStore } from './watchable-store.js'
export type { WatchableStoreOptions } from './watchable-store.js'
export { WatchStream, WATCH_STREAM_BUFFER } from './watch-stream.js'
export { Watcher, WatchFilter } from './watcher.js'
export type { WatchResponse } from './watcher.js'
export { WATCH_BATCH_MAX_REVS } from './watcher-group.js'
export { eventSize, fragmentWatchResponse, keyValueSize, watchResponseSize } from './fragment.js'
export type { WatchResponseShape } from './fragment.js'
