#!/usr/bin/env node
/**
 * The `etcd-ts` binary (etcd's `etcdmain.Main`): check the architecture, read flags, `ETCD_*`
 * variables or a YAML file, then start the member (`startEtcd`) or the proxy, and shut down
 * gracefully on SIGTERM/SIGINT.
 *
 * Exit codes: 0 after `--help`, `--version` or a graceful shutdown; 2 for a malformed command line
 * (as Go's flag package); 1 for an invalid configuration, an unsupported architecture, a failed
 * start, a listener failure, proxy mode (not built yet), or a second signal during shutdown.
 * Errors are one line on stderr (JSON log lines once the logger exists), without a stack trace;
 * only an unexpected internal error (uncaught exception, unhandled rejection) logs its stack, in
 * the `stack` field of its one JSON line, before exiting 1.
 */
import { arch, argv, env, exit, stdout, stderr } from 'node:process'
import { readdirSync } from 'node:fs'
import { DefaultInitialAdvertisePeerURLs, initialClusterFromName, type Config } from '../embed/config.js'
import { ConfigError } from '../embed/config-values.js'
import { bootstrapLogger, newLogger, type Logger } from '../embed/logger.js'
import { helpText, usageline, versionText } from './help.js'
import { FlagError, parseConfig, type Note } from './parse.js'

/** The handle `startEtcd` returns (src/embed/etcd.ts). */
interface Etcd {
  close: () => Promise<void>
  server: unknown
  /** Settles when a listener fails (an Error) or the server stops on its own. */
  err: Promise<unknown>
}

/** Node architectures etcd supports (Go amd64, arm64, ppc64le, s390x). */
const supportedArch = ['x64', 'arm64', 'ppc64', 's390x']
/** Longest a graceful shutdown may take before the process exits anyway. */
const shutdownGraceMs = 30_000

/** etcd's `checkSupportArch`: other architectures need `ETCD_UNSUPPORTED_ARCH=<arch>`. */
function checkSupportArch (lg: Logger): void {
  if (supportedArch.includes(arch)) return
  const allowed = env.ETCD_UNSUPPORTED_ARCH
  delete env.ETCD_UNSUPPORTED_ARCH
  if (allowed === arch) {
    lg.info({ arch }, 'running etcd on unsupported architecture since ETCD_UNSUPPORTED_ARCH is set')
    return
  }
  lg.error({ arch }, 'running etcd on unsupported architecture requires ETCD_UNSUPPORTED_ARCH to be set to it')
  exit(1)
}

function logNotes (lg: Logger, notes: readonly Note[]): void {
  for (const n of notes) lg[n.level](n.fields ?? {}, n.msg)
}

/** etcd's `identifyDataDirOrDie`: 'member', 'proxy' or 'empty'. */
function identifyDataDir (lg: Logger, dir: string): 'member' | 'proxy' | 'empty' {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'empty'
    lg.fatal({ dir, error: (err as Error).message }, 'failed to list data directory')
    exit(1)
  }
  const m = names.includes('member')
  const p = names.includes('proxy')
  for (const n of names) {
    if (n !== 'member' && n !== 'proxy') lg.warn({ filename: n, 'data-dir': dir }, 'found invalid file under data directory')
  }
  if (m && p) {
    lg.fatal('invalid datadir; both member and proxy directories exist')
    exit(1)
  }
  return m ? 'member' : p ? 'proxy' : 'empty'
}

/** Proxy mode is not built yet (a later issue builds it): say so and exit 1. */
function startProxy (lg: Logger, cfg: Config): never {
  lg.error({ proxy: cfg.proxy }, 'proxy mode is not built yet in etcd-ts; run without --proxy (or with --proxy=off)')
  exit(1)
}

async function main (): Promise<void> {
  const boot = bootstrapLogger()
  checkSupportArch(boot)
  const notes: Note[] = []
  let parsed
  try {
    parsed = parseConfig(argv.slice(2), env, notes)
  } catch (err) {
    if (err instanceof FlagError) {
      stderr.write(`${err.message}\n\n${usageline}\n\nRun 'etcd-ts --help' for the list of flags.\n`)
      exit(2)
    }
    logNotes(boot, notes)
    boot.warn({ error: (err as Error).message }, 'failed to verify flags')
    if (err instanceof ConfigError && err.code === 'ErrUnsetAdvertiseClientURLsFlag') {
      boot.warn({ error: err.message }, 'advertise client URLs are not set')
    }
    exit(1)
  }
  if (parsed.action === 'help') {
    stdout.write(helpText() + '\n')
    exit(0)
  }
  if (parsed.action === 'version') {
    stdout.write(versionText() + '\n')
    exit(0)
  }
  const cfg = parsed.cfg
  let lg: Logger
  try {
    lg = newLogger(cfg)
  } catch (err) {
    boot.error({ error: (err as Error).message }, 'failed to set up logging')
    exit(1)
  }
  lg.info({ args: argv.slice(1) }, 'Running: ')
  logNotes(lg, parsed.notes)

  const which = identifyDataDir(lg, cfg['data-dir'])
  if (which === 'proxy' || (which === 'empty' && cfg.proxy !== 'off')) startProxy(lg, cfg)

  let etcd: Etcd | undefined
  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) {
      lg.warn({ signal }, 'received second signal; exiting without finishing shutdown')
      exit(1)
    }
    stopping = true
    lg.info({ signal }, 'received signal; shutting down')
    setTimeout(() => {
      lg.error({ 'grace-ms': shutdownGraceMs }, 'graceful shutdown took too long; exiting')
      exit(1)
    }, shutdownGraceMs).unref()
    const closing = etcd === undefined ? Promise.resolve() : etcd.close()
    closing.then(() => {
      lg.info('etcd-ts stopped')
      exit(0)
    }, (err: unknown) => {
      lg.error({ error: (err as Error).message }, 'failed to shut down cleanly')
      exit(1)
    })
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  // an error nothing handled is fatal (etcd panics): one JSON line with the stack, exit 1
  const fatal = (kind: string) => (err: unknown): void => {
    const e = err instanceof Error ? err : new Error(String(err))
    lg.fatal({ error: e.message, stack: e.stack }, kind)
    exit(1)
  }
  process.on('uncaughtException', fatal('uncaught exception'))
  process.on('unhandledRejection', fatal('unhandled promise rejection'))

  const etcdModule = '../embed/etcd.js'
  try {
    const { startEtcd } = await import(etcdModule) as { startEtcd: (cfg: Config) => Promise<Etcd> }
    etcd = await startEtcd(cfg)
  } catch (err) {
    const msg = (err as Error).message
    lg.warn({ error: msg }, 'failed to start etcd')
    if (msg.includes('--initial-cluster')) {
      // etcd's hints for a member whose peer URLs and initial cluster disagree
      if (cfg['initial-cluster'] === initialClusterFromName(cfg, cfg.name)) lg.warn('forgot to set --initial-cluster?')
      if (cfg['initial-advertise-peer-urls'].join(',') === DefaultInitialAdvertisePeerURLs) lg.warn('forgot to set --initial-advertise-peer-urls?')
    }
    exit(1)
  }
  if (stopping) {
    // a signal arrived while starting: close what was started
    await etcd.close().catch(() => {})
    exit(0)
  }
  etcd.err.then((err) => {
    if (stopping) return
    if (err instanceof Error) {
      lg.fatal({ error: err.message }, 'listener failed')
      exit(1)
    }
    exit(0)
  }, (err: unknown) => {
    if (stopping) return
    lg.fatal({ error: (err as Error).message }, 'listener failed')
    exit(1)
  })
}

main().catch((err: unknown) => {
  stderr.write(`etcd-ts: ${(err as Error).message}\n`)
  exit(1)
})
