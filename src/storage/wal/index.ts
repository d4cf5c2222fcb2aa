// The WAL package's public surface (architecture decision b).
export { WAL } from './wal.js'
export { SegmentSizeBytes, DefaultMaxRecordBytes, type WalOptions, type WalLogger } from './options.js'
export { validSnapshotEntries } from './valid-snapshots.js'
export type { WalSnapshot } from './payload.js'
export type { ReadAllResult } from './read.js'
export {
  WalError, ErrCRCMismatch, ErrFileNotFound, ErrSnapshotNotFound, ErrSnapshotMismatch, ErrMetadataConflict,
  ErrSliceOutOfRange, ErrMaxWALEntrySizeLimitExceeded, ErrUnexpectedEOF, ErrExist, ErrLocked, ErrWALClosed,
  ErrDecoderNotFound
} from './errors.js'
