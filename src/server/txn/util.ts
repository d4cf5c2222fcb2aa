import type { ResponseHeader } from '../../api/etcdserverpb/kv.js'

const EMPTY = new Uint8Array(0)

/**
 * etcd's mkGteRange: the mvcc-level end of a request range. Absent or empty = the single key;
 * "\0" = every key >= key (an empty end); anything else as given.
 */
export function mkGteRange (rangeEnd: Uint8Array | undefined): Uint8Array | undefined {
  if (rangeEnd === undefined || rangeEnd.length === 0) return undefined
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return EMPTY
  return rangeEnd
}

/**
 * A header that carries only `revision`: what this package puts on every response. The server
 * fills clusterId, memberId and raftTerm of the top-level response; nested responses keep this
 * form, which the codec prints as `{"revision":"R"}` (zero fields omitted).
 */
export function revHeader (revision: bigint): ResponseHeader {
  return { clusterId: 0n, memberId: 0n, revision, raftTerm: 0n }
}

/** The bytes or an empty array. */
export function bytes (b: Uint8Array | undefined): Uint8Array {
  return b ?? EMPTY
}
