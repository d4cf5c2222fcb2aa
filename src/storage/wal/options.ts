// The WAL's options and their defaults.

/** etcd's SegmentSizeBytes: 64 MiB. */
export const SegmentSizeBytes = 64 * 1024 * 1024

/** The largest record the WAL writes or accepts when reading. */
export const DefaultMaxRecordBytes = 64 * 1024 * 1024

/** Logs slower fdatasyncs (pino-compatible). */
export interface WalLogger {
  warn (obj: object, msg: string): void
}

export interface WalOptions {
  /** Segment size; a cut happens once the tail reaches it. Default 64 MiB. */
  segmentSizeBytes?: number
  /** Largest record (8 + payload bytes), below 4 GiB. Default 64 MiB. */
  maxRecordBytes?: number
  /** Called after every fdatasync with its duration and how many saves it made durable. */
  onFsync?: (durationSeconds: number, coveredSaves: number) => void
  /**
   * While fdatasync takes less than this on average (milliseconds), it runs on the calling
   * thread; slower disks sync on the thread pool so the event loop keeps serving. Default 1.
   */
  inlineSyncMaxMs?: number
  logger?: WalLogger
}

/** Options with defaults applied. */
export interface Resolved {
  segmentSizeBytes: number
  maxRecordBytes: number
  onFsync?: (durationSeconds: number, coveredSaves: number) => void
  inlineSyncMaxMs: number
  logger?: WalLogger
}

/**
 * The default inline-sync bound. On the machines measured, handing an fdatasync to libuv's
 * thread pool and back cost ~0.2 ms on top of a 0.24 ms sync; below 1 ms the wait on the
 * calling thread is the cheaper of the two.
 */
export const DefaultInlineSyncMaxMs = 1

/** Above this an fdatasync is logged as slow (etcd's warnSyncDuration). */
export const warnSyncSeconds = 1

export function resolveOptions (o: WalOptions = {}): Resolved {
  return {
    segmentSizeBytes: o.segmentSizeBytes ?? SegmentSizeBytes,
    maxRecordBytes: Math.min(o.maxRecordBytes ?? DefaultMaxRecordBytes, 0xffff_ffff),
    onFsync: o.onFsync,
    inlineSyncMaxMs: o.inlineSyncMaxMs ?? DefaultInlineSyncMaxMs,
    logger: o.logger
  }
}
