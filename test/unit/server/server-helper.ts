// Starts a real single-member EtcdServer (WAL, LMDB backend, raft loop) on a temporary data dir.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { EtcdServer, type ServerConfig } from '../../../src/server/index.js'

export function tempDataDir (): string {
  return mkdtempSync(join(tmpdir(), 'etcd-ts-server-'))
}

export function testServerConfig (dataDir: string, over: Partial<ServerConfig> = {}): ServerConfig {
  return {
    name: 'default',
    dataDir,
    walDir: join(dataDir, 'member', 'wal'),
    initialPeerURLsMap: new Map([['default', ['http://localhost:2380']]]),
    initialClusterToken: 'etcd-cluster',
    newCluster: true,
    peerURLs: ['http://localhost:2380'],
    clientURLs: ['http://localhost:2379'],
    snapshotCount: 100_000,
    snapshotCatchUpEntries: 5000,
    maxSnapFiles: 5,
    maxWalFiles: 5,
    tickMs: 100,
    electionTicks: 10,
    preVote: true,
    initialElectionTickAdvance: true,
    maxTxnOps: 128,
    maxRequestBytes: 1.5 * 1024 * 1024,
    quotaBackendBytes: 2 * 1024 * 1024 * 1024,
    backendBatchIntervalMs: 100,
    backendBatchLimit: 10_000,
    compactionBatchLimit: 1000,
    compactionSleepIntervalMs: 0,
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    ...over
  }
}

export async function startServer (dataDir: string, over: Partial<ServerConfig> = {}): Promise<EtcdServer> {
  return await EtcdServer.start(testServerConfig(dataDir, over))
}

export function removeDir (dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

export const b = (s: string): Uint8Array => Buffer.from(s)
export const s = (u: Uint8Array | undefined): string => Buffer.from(u ?? []).toString()
