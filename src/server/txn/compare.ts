import { CompareResult, CompareTarget, type Compare } from '../../api/etcdserverpb/kv.js'
import type { KeyValue } from '../../api/mvccpb/kv.js'
import type { ReadView } from '../../storage/mvcc/index.js'
import { bytes, mkGteRange } from './util.js'

const ZERO_KV: KeyValue = { key: new Uint8Array(0), createRevision: 0n, modRevision: 0n, version: 0n, value: new Uint8Array(0), lease: 0n }

function cmpInt (a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * etcd's compareKV: the operand comes from the target_union alternative that matches `target`;
 * any other (or none) counts as 0 / empty bytes. An unknown result enum compares true.
 */
export function compareKV (c: Compare, kv: KeyValue): boolean {
  const u = c.targetUnion
  let result = 0
  switch (c.target ?? CompareTarget.VERSION) {
    case CompareTarget.VALUE:
      result = Buffer.compare(kv.value, u !== undefined && 'value' in u ? u.value : new Uint8Array(0))
      break
    case CompareTarget.CREATE:
      result = cmpInt(kv.createRevision, u !== undefined && 'createRevision' in u ? u.createRevision : 0n)
      break
    case CompareTarget.MOD:
      result = cmpInt(kv.modRevision, u !== undefined && 'modRevision' in u ? u.modRevision : 0n)
      break
    case CompareTarget.VERSION:
      result = cmpInt(kv.version, u !== undefined && 'version' in u ? u.version : 0n)
      break
    case CompareTarget.LEASE:
      result = cmpInt(kv.lease, u !== undefined && 'lease' in u ? u.lease : 0n)
      break
  }
  switch (c.result ?? CompareResult.EQUAL) {
    case CompareResult.EQUAL: return result === 0
    case CompareResult.NOT_EQUAL: return result !== 0
    case CompareResult.GREATER: return result > 0
    case CompareResult.LESS: return result < 0
  }
  return true
}

/**
 * etcd's applyCompare: true when every key in the compare's range satisfies it. No key: numeric
 * targets compare against zeros, a VALUE compare is false. A read error makes it false.
 */
export function applyCompare (rv: ReadView, c: Compare): boolean {
  let kvs: KeyValue[]
  try {
    kvs = rv.range(bytes(c.key), mkGteRange(c.rangeEnd)).kvs
  } catch {
    return false
  }
  if (kvs.length === 0) {
    if ((c.target ?? CompareTarget.VERSION) === CompareTarget.VALUE) return false
    return compareKV(c, ZERO_KV)
  }
  return kvs.every((kv) => compareKV(c, kv))
}

/** All compares hold (an empty list holds). */
export function applyCompares (rv: ReadView, cmps: readonly Compare[] | undefined): boolean {
  return (cmps ?? []).every((c) => applyCompare(rv, c))
}
