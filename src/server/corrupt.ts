// Data-corruption checks (etcd's server/etcdserver/corrupt.go), comparing key-value hashes with the
// peers over their `/members/hashkv` handler:
// - at start (--experimental-initial-corrupt-check), a restarting member compares its hash with
//   every peer's at its own revision and refuses to start on a mismatch;
// - periodically on the leader (--experimental-corrupt-check-time), the leader compares, and
//   raises the CORRUPT alarm for whichever member is out of line, which stops writes everywhere.
import { request, type Dispatcher } from 'undici'
import type { Logger } from 'pino'
import type { KeyValueHash } from '../storage/mvcc/index.js'

/** A peer's answer to `GET /members/hashkv`. */
export interface PeerHash { revision: bigint, hash: number, compactRevision: bigint }

export interface PeerHashResult {
  id: bigint
  resp?: PeerHash
  err?: unknown
}

export interface CorruptionDeps {
  localId: bigint
  /** The other members and their peer URLs. */
  peers (): Array<{ id: bigint, peerURLs: readonly string[] }>
  /** This member's key-value hash at `rev` (0 = current). */
  hashKV (rev: bigint): KeyValueHash
  headers (): Record<string, string>
  dispatcher?: Dispatcher
  timeoutMs: number
  logger: Logger
}

const hex = (id: bigint): string => id.toString(16)

/** Asks one peer for its hash at `rev`, trying each of its peer URLs. */
async function peerHashKV (d: CorruptionDeps, urls: readonly string[], rev: bigint): Promise<PeerHash> {
  let last: unknown = new Error('no peer URL')
  for (const url of urls) {
    try {
      const r = await request(url.replace(/\/$/, '') + '/members/hashkv', {
        method: 'GET',
        headers: { ...d.headers(), 'content-type': 'application/json' },
        body: `{"revision":${rev}}`,
        headersTimeout: d.timeoutMs,
        bodyTimeout: d.timeoutMs,
        ...(d.dispatcher !== undefined ? { dispatcher: d.dispatcher } : {})
      })
      const text = await r.body.text()
      if (r.statusCode !== 200) {
        last = new Error(text.trim())
        continue
      }
      // Go JSON with bare 64-bit numbers: read the integers from the text, not through doubles.
      const num = (name: string): string | undefined => new RegExp(`"${name}":(-?\\d+)`).exec(text)?.[1]
      return {
        revision: BigInt(num('revision') ?? '0'),
        hash: Number(num('hash') ?? '0'),
        compactRevision: BigInt(num('compact_revision') ?? '0')
      }
    } catch (err) {
      last = err
    }
  }
  throw last
}

/** Every peer's hash at `rev`, or the error that kept it from answering. */
export async function peerHashKVs (d: CorruptionDeps, rev: bigint): Promise<PeerHashResult[]> {
  return await Promise.all(d.peers().map(async (p) => {
    try {
      return { id: p.id, resp: await peerHashKV(d, p.peerURLs, rev) }
    } catch (err) {
      return { id: p.id, err }
    }
  }))
}

/**
 * etcd's CheckInitialHashKV: compares this member's hash at its current revision with every
 * peer's at the same revision. A peer with the same compaction revision and another hash is a
 * mismatch; peers that cannot answer (down, behind, compacted past it) are only logged.
 * Throws `<id> found data inconsistency with peers` on a mismatch.
 */
export async function checkInitialHashKV (d: CorruptionDeps): Promise<void> {
  const log = d.logger
  const local = d.hashKV(0n)
  log.info({ 'local-member-id': hex(d.localId), revision: local.currentRevision.toString() }, 'starting initial corruption check')
  let mismatch = 0
  for (const p of await peerHashKVs(d, local.currentRevision)) {
    const fields = {
      'local-member-id': hex(d.localId),
      'local-member-revision': local.currentRevision.toString(),
      'local-member-compact-revision': local.compactRevision.toString(),
      'local-member-hash': local.hash,
      'remote-peer-id': hex(p.id)
    }
    if (p.resp === undefined) {
      log.warn({ ...fields, err: String((p.err as Error)?.message ?? p.err) }, 'cannot fetch hash from remote peer')
      continue
    }
    if (p.resp.hash === local.hash) continue
    if (p.resp.compactRevision === local.compactRevision) {
      log.warn({ ...fields, 'remote-peer-hash': p.resp.hash }, 'found different hash values from remote peer')
      mismatch++
    } else {
      log.warn({ ...fields, 'remote-peer-compact-revision': p.resp.compactRevision.toString() }, 'found different compact revision values from remote peer')
    }
  }
  if (mismatch > 0) throw new Error(`${hex(d.localId)} found data inconsistency with peers`)
  log.info({ 'local-member-id': hex(d.localId) }, 'initial corruption checking passed; no corruption')
}

/**
 * etcd's checkHashKV, run by the leader: returns the members found out of line. The leader hashes,
 * asks every peer for its hash at that revision, and hashes again; if its own hash moved while
 * the revision did not, the leader itself is corrupt. A peer is out of line when it is ahead of
 * the leader (revision or compaction), or when it compacted where the leader did and hashes
 * differently.
 */
export async function checkHashKV (d: CorruptionDeps): Promise<bigint[]> {
  const first = d.hashKV(0n)
  const peers = await peerHashKVs(d, first.currentRevision)
  const again = d.hashKV(0n)
  const out = new Set<bigint>()
  if (first.hash !== again.hash && first.currentRevision === again.currentRevision && first.compactRevision === again.compactRevision) {
    d.logger.warn({ 'leader-hash': first.hash, 'leader-hash-again': again.hash, revision: again.currentRevision.toString() }, 'found hash mismatch')
    out.add(d.localId)
  }
  for (const p of peers) {
    if (p.resp === undefined) continue
    const fields = { 'remote-peer-id': hex(p.id), 'remote-peer-revision': p.resp.revision.toString(), 'remote-peer-hash': p.resp.hash }
    if (p.resp.revision > again.currentRevision) {
      d.logger.warn({ ...fields, 'leader-revision': again.currentRevision.toString() }, 'revision from follower must be less than or equal to leader\'s')
      out.add(p.id)
    }
    if (p.resp.compactRevision > again.compactRevision) {
      d.logger.warn({ ...fields, 'leader-compact-revision': again.compactRevision.toString() }, 'compact revision from follower must be less than or equal to leader\'s')
      out.add(p.id)
    }
    if (p.resp.compactRevision === first.compactRevision && p.resp.hash !== first.hash) {
      d.logger.warn({ ...fields, 'leader-hash': first.hash }, 'same compact revision then hashes must match')
      out.add(p.id)
    }
  }
  return [...out]
}

export interface CorruptionMonitorDeps {
  isLeader (): boolean
  /** Raises the CORRUPT alarm for `id` through raft. */
  raiseCorrupt (id: bigint): Promise<void>
}

/** etcd's monitorCorruption: every `everyMs`, on the leader only, one checkHashKV at a time. */
export class CorruptionMonitor {
  readonly #d: CorruptionDeps & CorruptionMonitorDeps
  #timer: NodeJS.Timeout | undefined
  #checking = false
  #stopped = false

  constructor (d: CorruptionDeps & CorruptionMonitorDeps, everyMs: number) {
    this.#d = d
    d.logger.info({ interval: everyMs / 1000 }, 'enabled corruption checking')
    this.#timer = setInterval(() => { this.check().catch(() => {}) }, everyMs).unref()
  }

  /** One round: raise CORRUPT for every member out of line. */
  async check (): Promise<void> {
    const d = this.#d
    if (this.#checking || this.#stopped || !d.isLeader()) return
    this.#checking = true
    try {
      for (const id of await checkHashKV(d)) {
        if (this.#stopped) return
        d.logger.error({ 'member-id': hex(id) }, 'raising CORRUPT alarm: key-value hash mismatch')
        await d.raiseCorrupt(id)
      }
    } catch (err) {
      if (!this.#stopped) d.logger.warn({ err }, 'failed to check the cluster for corruption')
    } finally {
      this.#checking = false
    }
  }

  stop (): void {
    this.#stopped = true
    clearInterval(this.#timer)
  }
}
