/**
 * The base of every typed error in etcd-ts (architecture principle 8). Each package exports its
 * sentinels as subclasses or instances carrying a stable `code` (etcd's Go name, e.g.
 * `ErrCompacted`) and etcd's package-prefixed message (`mvcc: required revision has been
 * compacted`). Compare by `code`, never by message. src/api/rpctypes/errors.ts maps codes to
 * the wire (gRPC code, exact gateway message, HTTP status) in one table.
 */
export class CodedError extends Error {
  readonly code: string

  constructor (code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = code
  }
}

/** True when `err` is a CodedError with the given code. */
export function isCodedError (err: unknown, code?: string): err is CodedError {
  return err instanceof CodedError && (code === undefined || err.code === code)
}
