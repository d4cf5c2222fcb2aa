// startEtcd: the composition root (etcd's embed.StartEtcd). In etcd's order: validate the config,
// open the peer listeners, create and start the EtcdServer (bootstrap or restart), open the client
// listeners (with a connection limit and TCP keepalive), serve peers, serve clients. Each listener
// is its own Fastify root, so peer routes are never reachable on a client URL (architecture
// decision i). This is the only file of src/ that knows about Fastify.
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { EtcdServer, type ServerConfig } from '../server/index.js'
import {
  backendQuotaBytes, electionTicks, initialPeerURLsMap, validate, verifyBootstrap, verifyJoinExisting, walDir, type Config,
  type TransportSecurity
} from './config.js'
import { listenAddress } from './config-values.js'
import { componentLogger, newLogger } from './logger.js'
import { defaultUserHandlers, newMetricsRegistry } from './user-handlers.js'
import { EventBuffer, TraceBuffer } from '../pkg/trace.js'
import { WAL } from '../storage/wal/index.js'
import corePlugin from '../../plugins/core.js'
import healthPlugin from '../../plugins/health.js'
import readyGatePlugin from '../../plugins/ready-gate.js'
import accessPlugin from '../../plugins/access.js'
import userHandlersPlugin from '../../plugins/user-handlers.js'
import peerPlugin from '../../plugins/peer-api.js'
import { registerClientAPI } from '../../plugins/client-app.js'

/** A running member: what startEtcd returns. */
export interface Etcd {
  readonly server: EtcdServer
  readonly config: Config
  /** The client listeners' Fastify roots (one per `listen-client-urls` entry). */
  readonly clients: FastifyInstance[]
  readonly peers: FastifyInstance[]
  readonly metricsListeners: FastifyInstance[]
  /** Actual client URLs (ports resolved when a listen URL asked for port 0). */
  readonly clientURLs: string[]
  readonly peerURLs: string[]
  /** Settles when the server stops on its own: rejects with the fatal error. */
  readonly err: Promise<unknown>
  /** Graceful shutdown: stop accepting, finish in-flight requests, end streams, stop raft, flush. */
  close (): Promise<void>
}

/** etcd's TCP keepalive period on client connections. */
const keepAlivePeriodMs = 30_000

/** The ServerConfig EtcdServer takes, from the flag-shaped Config. */
export function serverConfig (cfg: Config, logger: Logger, metrics: Registry, traces?: TraceBuffer): ServerConfig {
  return {
    name: cfg.name,
    dataDir: cfg['data-dir'],
    walDir: walDir(cfg),
    initialPeerURLsMap: initialPeerURLsMap(cfg),
    initialClusterToken: cfg['initial-cluster-token'],
    newCluster: cfg['initial-cluster-state'] === 'new',
    peerURLs: cfg['initial-advertise-peer-urls'],
    clientURLs: cfg['advertise-client-urls'],
    snapshotCount: cfg['snapshot-count'],
    snapshotCatchUpEntries: cfg['experimental-snapshot-catchup-entries'],
    maxSnapFiles: cfg['max-snapshots'],
    maxWalFiles: cfg['max-wals'],
    tickMs: cfg['heartbeat-interval'],
    electionTicks: electionTicks(cfg),
    preVote: cfg['pre-vote'],
    initialElectionTickAdvance: cfg['initial-election-tick-advance'],
    maxTxnOps: cfg['max-txn-ops'],
    maxRequestBytes: cfg['max-request-bytes'],
    quotaBackendBytes: backendQuotaBytes(cfg),
    backendBatchIntervalMs: cfg['backend-batch-interval'],
    backendBatchLimit: cfg['backend-batch-limit'],
    compactionBatchLimit: cfg['experimental-compaction-batch-limit'],
    compactionSleepIntervalMs: cfg['experimental-compaction-sleep-interval'],
    leaseCheckpoint: cfg['experimental-enable-lease-checkpoint'],
    leaseCheckpointPersist: cfg['experimental-enable-lease-checkpoint-persist'],
    progressNotifyIntervalMs: cfg['progress-notify-interval'],
    initialCorruptCheck: cfg['experimental-initial-corrupt-check'],
    corruptCheckTimeMs: cfg['experimental-corrupt-check-time'],
    peerTLS: peerDialTLS(cfg['peer-transport-security']),
    logger,
    metrics,
    traces
  }
}

/** What the peer transport dials https peers with: the peer cert as client cert, the peer CA. */
function peerDialTLS (sec: TransportSecurity): ServerConfig['peerTLS'] {
  const read = (f: string): Buffer | undefined => f === '' ? undefined : readFileSync(f)
  const t = { ca: read(sec['trusted-ca-file']), cert: read(sec['client-cert-file'] !== '' ? sec['client-cert-file'] : sec['cert-file']), key: read(sec['client-key-file'] !== '' ? sec['client-key-file'] : sec['key-file']) }
  return t.ca === undefined && t.cert === undefined ? undefined : t
}

function httpsOptions (sec: TransportSecurity): Record<string, unknown> | undefined {
  if (sec['cert-file'] === '' || sec['key-file'] === '') return undefined
  return {
    cert: readFileSync(sec['cert-file']),
    key: readFileSync(sec['key-file']),
    ...(sec['trusted-ca-file'] !== '' ? { ca: readFileSync(sec['trusted-ca-file']) } : {}),
    requestCert: sec['client-cert-auth'],
    rejectUnauthorized: sec['client-cert-auth']
  }
}

function newRoot (lg: Logger, secure: boolean, sec: TransportSecurity, bodyLimit: number): FastifyInstance {
  const https = secure ? httpsOptions(sec) : undefined
  if (secure && https === undefined) throw new Error('TLS listener requires cert-file and key-file')
  const opts = {
    loggerInstance: lg,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    // Streams (watch, keepalive) stay open for long; an idle keep-alive socket is closed on shutdown.
    forceCloseConnections: 'idle',
    keepAliveTimeout: 72_000,
    requestTimeout: 0,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 }
  } satisfies FastifyServerOptions
  const app = (https !== undefined ? Fastify({ ...opts, https } as never) : Fastify(opts)) as unknown as FastifyInstance
  app.server.on('connection', (s: Socket) => s.setKeepAlive(true, keepAlivePeriodMs))
  return app
}

async function listen (app: FastifyInstance, url: string): Promise<string> {
  const addr = listenAddress(url)
  if ('path' in addr) {
    await app.listen({ path: addr.path })
    return url
  }
  await app.listen({ host: addr.host, port: addr.port })
  const a = app.server.address()
  const port = typeof a === 'object' && a !== null ? a.port : addr.port
  const u = new URL(url)
  u.port = String(port)
  return u.toString().replace(/\/$/, '')
}

export async function startEtcd (cfg: Config): Promise<Etcd> {
  validate(cfg)
  // etcd checks the bootstrap flags only when there is no WAL yet (a restart ignores them).
  if (!WAL.exist(walDir(cfg))) {
    if (cfg['initial-cluster-state'] === 'new') verifyBootstrap(cfg)
    else verifyJoinExisting(cfg)
  }
  const lg = newLogger(cfg)
  const registry = newMetricsRegistry()
  const debug = cfg['log-level'] === 'debug'
  const traces = debug ? new TraceBuffer(256, cfg['experimental-warning-apply-duration']) : undefined
  const events = debug ? new EventBuffer() : undefined
  const peers: FastifyInstance[] = []
  const clients: FastifyInstance[] = []
  const metricsListeners: FastifyInstance[] = []
  let server: EtcdServer | undefined
  const closeAll = async (): Promise<void> => {
    for (const app of [...clients, ...metricsListeners]) await app.close().catch(() => {})
    if (server !== undefined) await server.stop()
    for (const app of peers) await app.close().catch(() => {})
  }
  try {
    // 1. peer listeners, one Fastify root each: open (a taken port fails here, before any
    //    data is touched), answering 503 until the server below exists
    const peerLg = componentLogger(lg, 'peer-listener')
    const peerURLs: string[] = []
    for (const url of cfg['listen-peer-urls']) {
      const app = newRoot(peerLg, listenAddress(url).secure, cfg['peer-transport-security'], 64 * 1024 * 1024)
      await app.register(corePlugin, { server: () => server })
      await app.register(peerPlugin, {
        allowedCN: cfg['peer-transport-security']['allowed-cn'],
        allowedHostname: cfg['peer-transport-security']['allowed-hostname']
      })
      peers.push(app)
      peerURLs.push(await listen(app, url))
    }

    // 2. the server: bootstrap or restart, then the raft loop
    server = await EtcdServer.start(serverConfig(cfg, lg, registry, traces))

    // 3. client listeners, one Fastify root each
    const handlers = defaultUserHandlers(cfg, { registry, traces, events, logger: componentLogger(lg, 'user-handlers') })
    const clientLg = componentLogger(lg, 'client-listener')
    const clientURLs: string[] = []
    const clientListen = [...cfg['listen-client-urls'], ...cfg['listen-client-http-urls']]
    for (const url of clientListen) {
      const app = newRoot(clientLg, listenAddress(url).secure, cfg['client-transport-security'], cfg['max-request-bytes'] + 1024 * 1024)
      if (cfg['max-connections'] > 0) app.server.maxConnections = cfg['max-connections']
      await app.register(readyGatePlugin, { server })
      await app.register(accessPlugin, {
        cors: cfg.cors,
        hostWhitelist: cfg['host-whitelist'],
        clientCertAuth: cfg['client-transport-security']['client-cert-auth']
      })
      await app.register(corePlugin, { server })
      await app.register(healthPlugin, { version: true })
      await app.register(userHandlersPlugin, { handlers })
      await registerClientAPI(app, { maxRequestBytes: cfg['max-request-bytes'] })
      clients.push(app)
    }
    for (const [i, app] of clients.entries()) clientURLs.push(await listen(app, clientListen[i]))

    // 4. metrics listeners: /metrics and the health endpoints only
    for (const url of cfg['listen-metrics-urls']) {
      const app = newRoot(componentLogger(lg, 'metrics-listener'), listenAddress(url).secure, cfg['client-transport-security'], 1024 * 1024)
      await app.register(corePlugin, { server })
      await app.register(healthPlugin, { version: false })
      await app.register(userHandlersPlugin, { handlers: { '/metrics': handlers['/metrics'] } })
      await listen(app, url)
      metricsListeners.push(app)
    }

    const s = server
    s.readyNotify().then(() => {
      lg.info({ clientURLs, peerURLs, memberId: s.memberId.toString(16), clusterId: s.clusterId.toString(16) }, 'ready to serve client requests')
    }, () => {})
    let closing: Promise<void> | undefined
    return {
      server: s,
      config: cfg,
      clients,
      peers,
      metricsListeners,
      clientURLs,
      peerURLs,
      err: s.done,
      close: () => {
        closing ??= closeAll()
        return closing
      }
    }
  } catch (err) {
    await closeAll()
    throw err
  }
}
