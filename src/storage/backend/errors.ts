import { CodedError } from '../../pkg/coded-error.js'

/** The backend was closed (or is being swapped by defrag) and cannot take writes. */
export class ErrBackendClosed extends CodedError {
  constructor (what = 'backend: closed') {
    super('ErrBackendClosed', what)
  }
}
