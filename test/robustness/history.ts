// What the robustness clients record: one entry per request, with the harness's clock at the call
// and at the answer. A request without a definite answer (timeout, dropped connection, server
// error) is indeterminate: it may or may not have taken effect, and the checker allows both.

export type OpKind = 'get' | 'put' | 'delete' | 'cas'

export interface Op {
  client: number
  kind: OpKind
  key: string
  /** put / cas: the value written (unique across the run, so the committed log names its op). */
  value?: string
  /** cas: the value compared against; null = the key must be absent. */
  expect?: string | null
  /** ms on the harness clock */
  start: number
  /** ms on the harness clock; undefined when indeterminate */
  end?: number
  /** The answer, when there was a definite one. */
  result?: OpResult
}

export interface OpResult {
  /** header.revision */
  revision: bigint
  /** get (and a cas that failed): the value read, null = absent */
  value?: string | null
  /** get: the key's mod_revision (0 when absent) */
  modRevision?: bigint
  /** cas: whether the comparison held */
  succeeded?: boolean
  /** delete: how many keys were deleted */
  deleted?: number
}

/** One event of the committed log (a watch from revision 1 after the run). */
export interface LogEvent {
  revision: bigint
  key: string
  type: 'PUT' | 'DELETE'
  value?: string
}

/** One lease's life in the lease workload: granted, one key attached, kept alive a while, abandoned. */
export interface LeaseRecord {
  client: number
  id: string
  ttlSeconds: number
  key: string
  value: string
  grantStart: number
  /** Whether the put attaching the key had a definite answer (it may have taken effect anyway). */
  putAnswered: boolean
  /** Keep-alives answered with a TTL: the lease was alive when each one was served. */
  keepAlives: Array<{ start: number, end: number }>
  /** A keep-alive answered without a TTL: the lease was gone by then. */
  expiredSeenAt?: number
  /** When this client stopped refreshing the lease. */
  abandonedAt: number
}

/** A gateway watch event (`{"type"?,"kv":{…}}`, base64 keys and values) as a log event. */
export function logEventOf (e: { type?: string, kv: { key: string, value?: string, mod_revision: string } }): LogEvent {
  const text = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString()
  const revision = BigInt(e.kv.mod_revision)
  return e.type === 'DELETE' ? { revision, key: text(e.kv.key), type: 'DELETE' } : { revision, key: text(e.kv.key), type: 'PUT', value: text(e.kv.value) }
}
