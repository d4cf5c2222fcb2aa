/**
 * The default userHandlers of the client listeners (etcd's embed registers the same set): a
 * framework-free map from path to Node `(req, res)` handler.
 *
 * - `/metrics`: Prometheus text from the one injected prom-client `Registry`.
 * - `/debug/pprof/` (index), `/debug/pprof/profile?seconds=N` (CPU), `/debug/pprof/heap`
 *   (sampled heap), `/debug/pprof/cmdline`: real pprof (gzipped profile.proto, from
 *   @datadog/pprof), when `enable-pprof` is set or the log level is debug — etcd's rule.
 * - `/debug/requests` (recent slow requests) and `/debug/events`, at log level debug only.
 *
 * `defaultUserHandlers` starts from `cfg.userHandlers` and adds each default with
 * `registerUserHandler`, which skips a path the embedder already took, with a warning (etcd's
 * `registerUserHandler`). A path ending in `/` also serves everything below it (Go ServeMux).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { Config, UserHandler } from './config.js'
import type { Logger } from './logger.js'
import { apiVersion, serverVersion } from '../api/version.js'
import { EventBuffer, renderEvents, renderTraces, TraceBuffer } from '../pkg/trace.js'

/** etcd's pprof URL prefix. */
export const HTTPPrefixPProf = '/debug/pprof'
/** Heap sampling: one sample per 512 KiB allocated, stacks up to 64 frames. */
const heapIntervalBytes = 512 * 1024
const heapStackDepth = 64
/** Longest CPU profile served, in seconds. */
const maxProfileSeconds = 600

/**
 * A Registry with the process/Node default metrics (`process_cpu_seconds_total`,
 * `process_resident_memory_bytes`, `process_open_fds`, `process_start_time_seconds`, … — the
 * names Go's process collector uses too — and `nodejs_*` in place of etcd's `go_*`), plus
 * `etcd_server_version{server_version}` = 1, `etcd_cluster_version{cluster_version}` = 1 (the
 * cluster version this build runs, major.minor) and `etcd_server_go_version{server_go_version}`
 * = 1 carrying the Node version (differences table row 24).
 */
export function newMetricsRegistry (): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  new Gauge({ name: 'etcd_server_version', help: 'Which version is running. 1 for \'server_version\' label with current version.', labelNames: ['server_version'], registers })
    .set({ server_version: serverVersion }, 1)
  new Gauge({ name: 'etcd_cluster_version', help: 'Which version is running. 1 for \'cluster_version\' label with current cluster version', labelNames: ['cluster_version'], registers })
    .set({ cluster_version: apiVersion }, 1)
  new Gauge({ name: 'etcd_server_go_version', help: 'Which runtime version server is running. 1 for \'server_go_version\' label with current version (etcd-ts: the Node version).', labelNames: ['server_go_version'], registers })
    .set({ server_go_version: `node${process.version}` }, 1)
  return registry
}

/** `/metrics`: the registry in Prometheus text format (any method, as etcd). */
export function metricsHandler (registry: Registry): UserHandler {
  return (_req, res) => {
    registry.metrics().then((text) => {
      res.writeHead(200, { 'Content-Type': registry.contentType })
      res.end(text)
    }, (err: unknown) => {
      textReply(res, 500, `${(err as Error).message}\n`)
    })
  }
}

function textReply (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers })
  res.end(body)
}

function query (req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://x').searchParams
}

type PProf = typeof import('@datadog/pprof')
let pprofModule: Promise<PProf> | undefined
let heapStarted = false
let cpuBusy = false

/** Loads @datadog/pprof once and starts heap sampling. */
function loadPProf (): Promise<PProf> {
  pprofModule ??= import('@datadog/pprof').then((m) => {
    if (!heapStarted) {
      m.heap.start(heapIntervalBytes, heapStackDepth)
      heapStarted = true
    }
    return m
  })
  return pprofModule
}

function sendProfile (res: ServerResponse, name: string, buf: Buffer): void {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${name}"`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': String(buf.length)
  })
  res.end(buf)
}

/**
 * `/debug/pprof/profile?seconds=N`: a profile of the JS thread over N seconds (default 30, as
 * Go). It is V8's sampling profile in pprof form: sample types `sample/count` and
 * `wall/nanoseconds` (time on the one JS thread; idle time shows as `(idle)`), where Go's has
 * `cpu/nanoseconds`.
 */
function profileHandler (): UserHandler {
  return (req, res) => {
    let seconds = Number.parseInt(query(req).get('seconds') ?? '', 10)
    if (!Number.isFinite(seconds) || seconds <= 0) seconds = 30
    if (seconds > maxProfileSeconds) {
      textReply(res, 400, `profile duration exceeds server's limit of ${maxProfileSeconds}s\n`)
      return
    }
    if (cpuBusy) {
      textReply(res, 500, 'Could not enable CPU profiling: cpu profiling already in use\n')
      return
    }
    cpuBusy = true
    loadPProf().then((pprof) => {
      pprof.time.start({ durationMillis: seconds * 1000 })
      let done = false
      const onClose = (): void => finish(false)
      const finish = (send: boolean): void => {
        if (done) return
        done = true
        clearTimeout(timer)
        req.socket.off('close', onClose)
        const prof = pprof.time.stop()
        cpuBusy = false
        if (!send) return
        pprof.encode(prof).then((buf) => sendProfile(res, 'profile', buf), (err: unknown) => textReply(res, 500, `${(err as Error).message}\n`))
      }
      const timer = setTimeout(() => finish(true), seconds * 1000)
      req.socket.once('close', onClose)
    }).catch((err: unknown) => {
      cpuBusy = false
      textReply(res, 500, `Could not enable CPU profiling: ${(err as Error).message}\n`)
    })
  }
}

/** `/debug/pprof/heap`: the sampled live heap (sampling starts when pprof handlers are made). */
function heapHandler (): UserHandler {
  return (_req, res) => {
    loadPProf()
      .then(async (pprof) => await pprof.encode(pprof.heap.profile()))
      .then((buf) => sendProfile(res, 'heap', buf), (err: unknown) => textReply(res, 500, `${(err as Error).message}\n`))
  }
}

const profiles: Record<string, string> = {
  profile: 'CPU profile. You can specify the duration in the seconds GET parameter.',
  heap: 'A sampling of memory allocations of live objects.',
  cmdline: 'The command line invocation of the current program.'
}

/** `/debug/pprof/`: the list of profiles; unknown names under it answer 404 as Go does. */
function indexHandler (): UserHandler {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const name = path.slice(`${HTTPPrefixPProf}/`.length)
    if (name !== '') {
      textReply(res, 404, 'Unknown profile\n')
      return
    }
    const rows = Object.entries(profiles).map(([n, d]) => `<li><a href="${n}${n === 'profile' ? '?seconds=30' : ''}">${n}</a>: ${d}</li>`)
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(`<html><head><title>/debug/pprof/</title></head><body><p>/debug/pprof/</p><p>Profiles (pprof format, gzipped profile.proto):</p><ul>${rows.join('')}</ul></body></html>\n`)
  }
}

/** The pprof handlers (etcd `debugutil.PProfHandlers`). Loading them starts heap sampling. */
export function pprofHandlers (): Record<string, UserHandler> {
  loadPProf().catch(() => {})
  return {
    [`${HTTPPrefixPProf}/`]: indexHandler(),
    [`${HTTPPrefixPProf}/profile`]: profileHandler(),
    [`${HTTPPrefixPProf}/heap`]: heapHandler(),
    [`${HTTPPrefixPProf}/cmdline`]: (_req, res) => textReply(res, 200, process.argv.join('\x00'))
  }
}

/** Stops heap sampling (for tests and embedders that shut pprof down). */
export async function stopPProf (): Promise<void> {
  if (pprofModule === undefined) return
  const m = await pprofModule
  if (heapStarted) m.heap.stop()
  heapStarted = false
  pprofModule = undefined
}

/** `/debug/requests` and `/debug/events` (text; JSON with `?format=json`). */
export function traceHandlers (traces: TraceBuffer, events: EventBuffer): Record<string, UserHandler> {
  const json = (res: ServerResponse, v: unknown): void => {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(v, (_k, x: unknown) => typeof x === 'bigint' ? x.toString() : x))
  }
  return {
    '/debug/requests': (req, res) => {
      if (query(req).get('format') === 'json') json(res, { thresholdMs: traces.thresholdMs, total: traces.total, requests: traces.entries() })
      else textReply(res, 200, renderTraces(traces.entries(), traces.thresholdMs))
    },
    '/debug/events': (req, res) => {
      if (query(req).get('format') === 'json') json(res, { total: events.total, events: events.entries() })
      else textReply(res, 200, renderEvents(events.entries()))
    }
  }
}

/**
 * Adds `h` at `path` unless the path is taken; a taken path is kept and a warning logged (etcd's
 * `registerUserHandler`). Returns whether `h` was added.
 */
export function registerUserHandler (handlers: Record<string, UserHandler>, path: string, h: UserHandler, lg?: Logger): boolean {
  if (Object.hasOwn(handlers, path)) {
    lg?.warn({ path }, 'path is already registered by user handler')
    return false
  }
  handlers[path] = h
  return true
}

/** What the default handlers read from. */
export interface UserHandlerDeps {
  /** The one metrics registry of this member. */
  registry: Registry
  /** Slow-request traces the server records into (served at log level debug). */
  traces?: TraceBuffer
  /** Events the server records into (served at log level debug). */
  events?: EventBuffer
  logger?: Logger
}

/**
 * The handlers of a client listener: `cfg.userHandlers` first, then `/metrics`, then pprof
 * (`enable-pprof` or log level debug), then `/debug/requests` and `/debug/events` (log level
 * debug), each skipped with a warning when the embedder took its path.
 */
export function defaultUserHandlers (cfg: Pick<Config, 'userHandlers' | 'enable-pprof' | 'log-level' | 'experimental-warning-apply-duration'>, deps: UserHandlerDeps): Record<string, UserHandler> {
  const out: Record<string, UserHandler> = { ...cfg.userHandlers }
  const lg = deps.logger
  registerUserHandler(out, '/metrics', metricsHandler(deps.registry), lg)
  const debug = cfg['log-level'] === 'debug'
  if (cfg['enable-pprof'] || debug) {
    lg?.info({ path: HTTPPrefixPProf }, 'pprof is enabled')
    for (const [p, h] of Object.entries(pprofHandlers())) registerUserHandler(out, p, h, lg)
  }
  if (debug) {
    const traces = deps.traces ?? new TraceBuffer(256, cfg['experimental-warning-apply-duration'])
    const events = deps.events ?? new EventBuffer()
    for (const [p, h] of Object.entries(traceHandlers(traces, events))) registerUserHandler(out, p, h, lg)
  }
  return out
}
