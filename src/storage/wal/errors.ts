// The WAL's typed errors, with etcd's Go names as codes and etcd's messages
// (server/storage/wal/wal.go, decoder.go). Details (file, offset) ride along as properties so
// the message stays exactly etcd's.
import { CodedError } from '../../pkg/coded-error.js'

/** Where in the WAL a problem was found. */
export interface WalErrorDetail {
  /** Segment file name. */
  file?: string
  /** Byte offset of the offending record inside the segment. */
  offset?: number
  /** A human explanation of what exactly failed. */
  reason?: string
}

/** Base class of the WAL's errors: a CodedError carrying where it happened. */
export class WalError extends CodedError {
  readonly file?: string
  readonly offset?: number
  readonly reason?: string

  constructor (code: string, message: string, detail: WalErrorDetail = {}, options?: ErrorOptions) {
    super(code, message, options)
    this.file = detail.file
    this.offset = detail.offset
    this.reason = detail.reason
  }
}

function kind (code: string, message: string): new (detail?: WalErrorDetail, options?: ErrorOptions) => WalError {
  return class extends WalError {
    constructor (detail?: WalErrorDetail, options?: ErrorOptions) {
      super(code, message, detail, options)
    }
  }
}

/** A record's checksum does not match (corruption before the tail, or in a closed segment). */
export const ErrCRCMismatch = kind('ErrCRCMismatch', 'wal: crc mismatch')
/** No WAL segment covers what was asked for. */
export const ErrFileNotFound = kind('ErrFileNotFound', 'wal: file not found')
/** The snapshot marker asked for at open is not in the WAL. */
export const ErrSnapshotNotFound = kind('ErrSnapshotNotFound', 'wal: snapshot not found')
/** The snapshot marker at the asked index has another term. */
export const ErrSnapshotMismatch = kind('ErrSnapshotMismatch', 'wal: snapshot mismatch')
/** Two metadata records differ. */
export const ErrMetadataConflict = kind('ErrMetadataConflict', 'wal: conflicting metadata found')
/** An entry's index leaves a gap after the entries read before it. */
export const ErrSliceOutOfRange = kind('ErrSliceOutOfRange', 'wal: slice bounds out of range')
/** A record is larger than the decoder accepts. */
export const ErrMaxWALEntrySizeLimitExceeded = kind('ErrMaxWALEntrySizeLimitExceeded', 'wal: max entry size limit exceeded')
/** A closed (non-last) segment ends in the middle of a record. */
export const ErrUnexpectedEOF = kind('ErrUnexpectedEOF', 'unexpected EOF')
/** `WAL.create` on a directory that already holds a WAL. */
export const ErrExist = kind('ErrExist', 'file already exists')
/** Another live process (or this one) holds the WAL's lock. */
export const ErrLocked = kind('ErrLocked', 'fileutil: file already locked')
/** The WAL was closed, or failed earlier (a failed fsync is never retried). */
export const ErrWALClosed = kind('ErrWALClosed', 'wal: closed')
/** readAll on a WAL that was not opened for reading (made by create, or already read). */
export const ErrDecoderNotFound = kind('ErrDecoderNotFound', 'wal: decoder not found')
