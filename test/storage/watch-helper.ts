// Helpers of the watch tests: a watchable store on a real backend, and bounded readers.
import type { TestContext } from 'node:test'
import { EventType, type Event } from '../../src/api/mvccpb/kv.js'
import { WatchableStore, type WatchableStoreOptions, type WatchResponse, type WatchStream } from '../../src/storage/mvcc/index.js'
import { b, newBackend, s } from './mvcc-helper.js'

export async function newWatchable (t: TestContext, opts: WatchableStoreOptions = {}): Promise<WatchableStore> {
  const { be } = await newBackend(t)
  const kv = new WatchableStore(be, { syncIntervalMs: 5, ...opts })
  t.after(() => kv.close())
  return kv
}

/** Reads responses until `pred` holds for the collected list, or fails after `ms`. */
export async function readUntil (ws: WatchStream, pred: (got: WatchResponse[]) => boolean, ms = 5000): Promise<WatchResponse[]> {
  const got: WatchResponse[] = []
  const deadline = Date.now() + ms
  while (!pred(got)) {
    const left = deadline - Date.now()
    if (left <= 0) throw new Error(`timed out after ${got.length} responses`)
    let timer: NodeJS.Timeout | undefined
    const r = await Promise.race([ws.next(), new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), left) })])
    clearTimeout(timer)
    if (r === 'timeout') continue
    if (r === undefined) throw new Error('stream closed')
    got.push(r)
  }
  return got
}

/** Nothing more arrives within `ms` (the stream's buffer is empty and stays so). */
export async function quiet (ws: WatchStream, ms = 50): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, ms))
  return ws.buffered === 0
}

/** A compact view of an event. */
export function ev (e: Event): string {
  return `${e.type === EventType.PUT ? 'PUT' : 'DEL'} ${s(e.kv.key)}@${e.kv.modRevision}${e.type === EventType.PUT ? '=' + s(e.kv.value) : ''}`
}

export function events (rs: WatchResponse[]): Event[] {
  return rs.flatMap((r) => r.events)
}

/** Puts `key=value` in a batch of its own; returns the revision. */
export function put (kv: WatchableStore, key: string, value = 'v'): bigint {
  return kv.applyBatch((bt) => bt.withWrite((w) => w.put(b(key), b(value), 0n)))
}

export function del (kv: WatchableStore, key: string, end?: string): bigint {
  return kv.applyBatch((bt) => bt.withWrite((w) => w.deleteRange(b(key), end === undefined ? undefined : b(end)).rev))
}
