import { CodedError } from '../../pkg/coded-error.js'

/** The requested revision is at or below the last compaction. */
export class ErrCompacted extends CodedError {
  constructor () { super('ErrCompacted', 'mvcc: required revision has been compacted') }
}

/** The requested revision is above the current revision. */
export class ErrFutureRev extends CodedError {
  constructor () { super('ErrFutureRev', 'mvcc: required revision is a future revision') }
}

/** The key index has no revision at or below the one asked for. */
export class ErrRevisionNotFound extends CodedError {
  constructor () { super('ErrRevisionNotFound', 'mvcc: revision not found') }
}

/** A watch with an explicit ID that the stream already uses. */
export class ErrWatcherDuplicateID extends CodedError {
  constructor () { super('ErrWatcherDuplicateID', 'mvcc: duplicate watch ID provided on the WatchStream') }
}

/** A watch whose range_end is not after its key. */
export class ErrEmptyWatcherRange extends CodedError {
  constructor () { super('ErrEmptyWatcherRange', 'mvcc: watcher range is empty') }
}

/** Cancel or progress for an ID the stream does not know. */
export class ErrWatcherNotExist extends CodedError {
  constructor () { super('ErrWatcherNotExist', 'mvcc: watcher does not exist') }
}

/** The store was closed. */
export class ErrClosed extends CodedError {
  constructor () { super('ErrClosed', 'mvcc: closed') }
}
