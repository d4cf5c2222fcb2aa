/**
 * The server logger: pino, configured from `log-level`, `logger` and `log-outputs` so that lines
 * look like etcd's zap JSON (`{"level":"info","ts":"…","msg":"…",…}`; lowercase level names, an
 * ISO-8601 `ts`, no pid/hostname). Components log through child loggers
 * (`componentLogger(lg, 'rafthttp')` → `"component":"rafthttp"`), as architecture principle 9 asks.
 *
 * Level mapping: etcd's `debug`, `info`, `warn`, `error`, `fatal` are pino's; zap's `dpanic` maps
 * to `error` and `panic` to `fatal` (pino has no panic level).
 * Outputs: `default` and `stderr` → fd 2, `stdout` → fd 1, anything else is a file path opened for
 * append (parent directories created). Several outputs write every line to each. Writes are
 * synchronous, so nothing is lost when the process exits right after logging.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { DefaultLogOutput, StdErrLogOutput, StdOutLogOutput, type Config } from './config.js'

export type { Logger } from 'pino'

const levelMap: Record<string, pino.Level> = {
  debug: 'debug', info: 'info', warn: 'warn', error: 'error', dpanic: 'error', panic: 'fatal', fatal: 'fatal'
}

/** The pino level for an etcd `log-level` value (case-insensitive, as zap). */
export function pinoLevel (level: string): pino.Level {
  const l = levelMap[level.toLowerCase()]
  if (l === undefined) throw new Error(`unrecognized level: "${level}"`)
  return l
}

/** pino options that make zap-shaped JSON lines at the configured level. */
export function loggerOptions (cfg: Pick<Config, 'log-level'>): LoggerOptions {
  return {
    level: pinoLevel(cfg['log-level']),
    base: null,
    messageKey: 'msg',
    errorKey: 'error',
    timestamp: () => `,"ts":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ level: label })
    }
  }
}

/** One destination per `log-outputs` entry. */
export function logDestinations (outputs: readonly string[]): DestinationStream[] {
  const list = outputs.length === 0 ? [DefaultLogOutput] : outputs
  return list.map((o) => {
    if (o === DefaultLogOutput || o === StdErrLogOutput) return pino.destination({ dest: 2, sync: true })
    if (o === StdOutLogOutput) return pino.destination({ dest: 1, sync: true })
    return pino.destination({ dest: o, sync: true, append: true, mkdir: true })
  })
}

/** The root logger for a Config. */
export function newLogger (cfg: Pick<Config, 'log-level' | 'log-outputs'>): Logger {
  const dests = logDestinations(cfg['log-outputs'])
  const opts = loggerOptions(cfg)
  if (dests.length === 1) return pino(opts, dests[0])
  const level = opts.level as pino.Level
  return pino(opts, pino.multistream(dests.map((stream) => ({ stream, level }))))
}

/** The logger used before the configuration is known (info level, stderr), as etcd's default zap logger. */
export function bootstrapLogger (): Logger {
  return newLogger({ 'log-level': 'info', 'log-outputs': [DefaultLogOutput] })
}

/** A child logger for one component (`"component":"<name>"` on every line). */
export function componentLogger (lg: Logger, component: string): Logger {
  return lg.child({ component })
}
