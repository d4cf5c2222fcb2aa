// The Maintenance service (etcd's v3rpc/maintenance.go and the server methods behind it): alarms
// through raft, this member's status, backend and key-value hashes, defragmentation, and the
// backend snapshot stream. MoveLeader belongs to the cluster service.
import { createHash } from 'node:crypto'
import { readdirSync, rmSync } from 'node:fs'
import { open, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Logger } from 'pino'
import type { ResponseHeader } from '../api/etcdserverpb/kv.js'
import {
  alarmName, type AlarmRequest, type AlarmResponse, type DefragmentResponse, type HashKVRequest, type HashKVResponse,
  type HashResponse, type MaintenanceServer, type SnapshotResponse, type StatusResponse
} from '../api/etcdserverpb/maintenance.js'
import { serverVersion } from '../api/version.js'
import type { Backend } from '../storage/backend/index.js'
import type { KVStore } from '../storage/mvcc/index.js'
import type { InternalOp, InternalRaftOps } from './internal-request.js'
import type { AlarmStore } from './v3alarm/alarms.js'
import { ErrNoLeader } from './errors.js'

/** etcd's snapshot chunk size (32 KiB). */
export const snapshotChunkBytes = 32 * 1024

export interface V3MaintenanceDeps {
  memberId: bigint
  /** The current backend (a snapshot restore replaces it). */
  backend (): Backend
  kv: KVStore
  alarms: AlarmStore
  propose<K extends InternalOp> (op: K, req: InternalRaftOps[K]): Promise<unknown>
  /** A full header at `revision` (default: the current revision). */
  header (revision?: bigint): ResponseHeader
  leader (): bigint
  term (): number
  committedIndex (): number
  appliedIndex (): number
  isLearner (): boolean
  /** Throws ErrNotSupportedForLearner on a learner (etcd's learner RPC filter). */
  assertNotLearner (): void
  /** Called after a defragmentation (the backend file shrank). */
  onDefragmented? (): void
  logger: Logger
}

/** The name of the temporary copy a snapshot stream reads from, beside the backend file. */
function snapshotCopyPath (backendPath: string, n: number): string {
  return `${backendPath}.snapshot.${process.pid}.${n}`
}

/** Removes snapshot copies a process left behind when it died while streaming one. */
export function removeSnapshotCopies (backendPath: string): void {
  const prefix = `${basename(backendPath)}.snapshot.`
  let names: string[]
  try {
    names = readdirSync(dirname(backendPath))
  } catch {
    return
  }
  for (const n of names) if (n.startsWith(prefix)) rmSync(join(dirname(backendPath), n), { force: true })
}

export class V3Maintenance implements MaintenanceServer {
  readonly #d: V3MaintenanceDeps
  #snapshots = 0

  constructor (d: V3MaintenanceDeps) {
    this.#d = d
  }

  /** Every alarm action goes through raft, so the answer reflects the applied, replicated state. */
  async alarm (r: AlarmRequest): Promise<AlarmResponse> {
    this.#d.assertNotLearner()
    const resp = await this.#d.propose('alarm', r) as Omit<AlarmResponse, 'header'>
    return { header: this.#d.header(), alarms: resp.alarms }
  }

  /**
   * The alarms' texts as etcd's status prints them: the protobuf text form, each set field as
   * `name:value ` (zero-valued fields left out, so an alarm for member 0 reads `alarm:NOSPACE `).
   */
  alarmStrings (): string[] {
    return this.#d.alarms.get().map((a) =>
      (a.memberID !== 0n ? `memberID:${a.memberID} ` : '') + (a.alarm !== 0 ? `alarm:${alarmName(a.alarm)} ` : ''))
  }

  async status (): Promise<StatusResponse> {
    const d = this.#d
    const be = d.backend()
    const leader = d.leader()
    const errors: string[] = []
    if (leader === 0n) errors.push(ErrNoLeader().message)
    errors.push(...this.alarmStrings())
    return {
      header: d.header(),
      version: serverVersion,
      dbSize: BigInt(be.size()),
      leader,
      raftIndex: BigInt(d.committedIndex()),
      raftTerm: BigInt(d.term()),
      raftAppliedIndex: BigInt(d.appliedIndex()),
      errors,
      dbSizeInUse: BigInt(be.sizeInUse()),
      isLearner: d.isLearner()
    }
  }

  async defragment (): Promise<DefragmentResponse> {
    this.#d.assertNotLearner()
    const t0 = performance.now()
    await this.#d.backend().defrag()
    this.#d.onDefragmented?.()
    this.#d.logger.info({ took: (performance.now() - t0) / 1000 }, 'finished defragmenting the backend')
    return {}
  }

  async hash (): Promise<HashResponse> {
    this.#d.assertNotLearner()
    const rev = this.#d.kv.currentRev
    return { header: this.#d.header(rev), hash: this.#d.backend().hash() }
  }

  async hashKV (r: HashKVRequest): Promise<HashKVResponse> {
    this.#d.assertNotLearner()
    const h = this.#d.kv.hashByRev(r.revision ?? 0n)
    return { header: this.#d.header(h.currentRevision), hash: h.hash, compactRevision: h.compactRevision }
  }

  /**
   * A consistent copy of the backend in 32 KiB chunks, each with the bytes still to come, then one
   * message with the SHA-256 of all chunks (etcd's Snapshot). The copy is taken first into a file
   * beside the backend and removed when the stream ends, however it ends.
   */
  async * snapshot (): AsyncGenerator<SnapshotResponse> {
    const be = this.#d.backend()
    const path = snapshotCopyPath(be.path, ++this.#snapshots)
    try {
      await be.backup(path)
      const fh = await open(path, 'r')
      try {
        const total = (await fh.stat()).size
        const sha = createHash('sha256')
        let sent = 0
        while (sent < total) {
          const buf = Buffer.allocUnsafe(Math.min(snapshotChunkBytes, total - sent))
          const { bytesRead } = await fh.read(buf, 0, buf.length, sent)
          if (bytesRead === 0) throw new Error(`snapshot file ended at ${sent} of ${total} bytes`)
          const blob = buf.subarray(0, bytesRead)
          sha.update(blob)
          sent += bytesRead
          yield { remainingBytes: BigInt(total - sent), blob }
        }
        this.#d.logger.info({ size: total }, 'sent database snapshot to writer')
        yield { remainingBytes: 0n, blob: sha.digest() }
      } finally {
        await fh.close()
      }
    } finally {
      await rm(path, { force: true })
    }
  }
}
