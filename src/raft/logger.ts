// The logging interface the raft core writes to. The host injects an implementation (the server
// adapts its pino child logger); nothing here imports a logging library.

/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>

/** What raft needs from a logger. */
export interface RaftLogger {
  debug (msg: string, fields?: LogFields): void
  info (msg: string, fields?: LogFields): void
  warn (msg: string, fields?: LogFields): void
  error (msg: string, fields?: LogFields): void
}

/** A logger that drops everything (the default). */
export const discardLogger: RaftLogger = {
  debug () {},
  info () {},
  warn () {},
  error () {}
}
