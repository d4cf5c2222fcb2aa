// The snap package's public surface.
export { Snapshotter, snapName, readSnapFile, type SnapshotRef, type SnapLogger } from './snapshotter.js'
export { ErrNoSnapshot, ErrEmptySnapshot, ErrCRCMismatch, ErrNoDBSnapshot } from './errors.js'
