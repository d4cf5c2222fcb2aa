import { crc32c } from '@node-rs/crc32'
import type { ReadTx } from '../backend/backend.js'
import { Buckets } from '../schema/buckets.js'
import { bytesToRev, revKey, revToBytes } from './revision.js'

/** The answer of HashKV (etcd's KeyValueHash plus the current revision). */
export interface KeyValueHash {
  /** CRC-32C (uint32) over the `key` bucket name and the kept records up to `hashRevision`. */
  hash: number
  compactRevision: bigint
  hashRevision: bigint
  currentRevision: bigint
}

/**
 * etcd's unsafeHashByRev: hashes every record with revision <= `rev`, skipping records at or below
 * the compaction revision that a compaction at `rev` would not keep, so members that compacted
 * and members that did not agree.
 */
export function hashByRev (tx: ReadTx, compactRev: bigint, rev: bigint, keep: Set<string>, currentRev: bigint): KeyValueHash {
  let h = crc32c(Buffer.from(Buckets.Key, 'latin1'))
  const lower = compactRev + 1n
  tx.forEach(Buckets.Key, (k, v) => {
    const kr = bytesToRev(k)
    // etcd skips only while `keep` is non-empty; skipping always makes the hash independent of
    // how far the physical compaction got, also when a compaction kept nothing.
    if (kr.main < lower && !keep.has(revKey(kr))) return true
    h = crc32c(k, h)
    h = crc32c(v, h)
    return true
  }, revToBytes({ main: 0n, sub: 0n }), revToBytes({ main: rev + 1n, sub: 0n }), { view: true })
  return { hash: h >>> 0, compactRevision: compactRev, hashRevision: rev, currentRevision: currentRev }
}
