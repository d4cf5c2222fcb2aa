// The snapshotter's typed errors, with etcd's names and messages (server/etcdserver/api/snap).
import { CodedError } from '../../pkg/coded-error.js'

function kind (code: string, message: string): new (options?: ErrorOptions) => CodedError {
  return class extends CodedError {
    constructor (options?: ErrorOptions) {
      super(code, message, options)
    }
  }
}

/** No snapshot file could be loaded. */
export const ErrNoSnapshot = kind('ErrNoSnapshot', 'snap: no available snapshot')
/** A snapshot file is empty. */
export const ErrEmptySnapshot = kind('ErrEmptySnapshot', 'snap: empty snapshot')
/** A snapshot file's checksum does not match its contents. */
export const ErrCRCMismatch = kind('ErrCRCMismatch', 'snap: crc mismatch')
/** The backend snapshot file for an index does not exist. */
export const ErrNoDBSnapshot = kind('ErrNoDBSnapshot', "snap: snapshot file doesn't exist")
