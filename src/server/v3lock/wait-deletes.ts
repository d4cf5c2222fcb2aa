// clientv3/concurrency's waitDelete/waitDeletes: block until every key under a prefix created
// before a revision is gone, watching the newest such key at a time.
import type { ResponseHeader } from '../../api/etcdserverpb/kv.js'
import { EventType } from '../../api/mvccpb/kv.js'
import { ErrCompacted } from '../../storage/mvcc/index.js'
import { byCreate, type ConcurrencyClient } from './client.js'

/** The wait was given up because the caller went away. */
export class ErrCanceledWait extends Error {
  constructor () { super('context canceled') }
}

/** Resolves once `key` is deleted at or after `rev`. */
export async function waitDelete (c: ConcurrencyClient, key: Uint8Array, rev: bigint, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) throw new ErrCanceledWait()
  const ws = c.newWatchStream()
  const onAbort = (): void => ws.close()
  signal?.addEventListener('abort', onAbort)
  try {
    ws.watch(key, undefined, rev)
    for (;;) {
      const r = await ws.next()
      if (r === undefined) throw new ErrCanceledWait()
      if (r.compactRevision !== 0n) throw new ErrCompacted()
      if (r.events.some((ev) => ev.type === EventType.DELETE)) return
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    ws.close()
  }
}

/** Waits until no key under `prefix` has a create revision <= `maxCreateRev`; returns the last range header. */
export async function waitDeletes (c: ConcurrencyClient, prefix: Uint8Array, maxCreateRev: bigint, signal?: AbortSignal): Promise<ResponseHeader> {
  for (;;) {
    const resp = await c.range(byCreate(prefix, 'last', maxCreateRev))
    if (resp.kvs.length === 0) return resp.header
    await waitDelete(c, resp.kvs[0].key, resp.header.revision ?? 0n, signal)
  }
}
