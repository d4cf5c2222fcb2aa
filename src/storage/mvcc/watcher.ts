import { EventType, type Event } from '../../api/mvccpb/kv.js'

/** Server-side event filters of a watch (etcd's WatchCreateRequest.FilterType). */
export const WatchFilter = { NOPUT: 0, NODELETE: 1 } as const
export type WatchFilter = typeof WatchFilter[keyof typeof WatchFilter]

/** One message of a watch stream (etcd's mvcc.WatchResponse). */
export interface WatchResponse {
  watchId: bigint
  /** The events, in revision order; empty for a progress notification. */
  events: Event[]
  /**
   * The store revision this response reflects: the revision of the last event for a live
   * response, the current revision for a catch-up batch or a progress notification.
   */
  revision: bigint
  /** Non-zero when the watcher was dropped because its next revision was compacted. */
  compactRevision: bigint
}

/** What a watcher needs from its stream. */
export interface WatcherSink {
  /** Queues a response; false when the stream's buffer is full. */
  offer (resp: WatchResponse): boolean
}

/**
 * One watcher (etcd's mvcc watcher): a key or range, the next revision it has to see (`minRev`),
 * filters and prev_kv, and the stream its responses go to.
 */
export class Watcher {
  /** True while the watcher waits in the victim list with an undelivered batch. */
  victim = false
  /** True once a compaction notification was delivered; the watcher gets nothing more. */
  compacted = false

  constructor (
    readonly id: bigint,
    /** The key as a latin1 string. */
    readonly key: string,
    /** undefined = the single key; '' = every key >= key; otherwise the exclusive end. */
    readonly end: string | undefined,
    public minRev: bigint,
    readonly filters: readonly WatchFilter[],
    readonly prevKv: boolean,
    readonly sink: WatcherSink
  ) {}

  /** True when `key` is in the watcher's range. */
  matches (key: string): boolean {
    if (this.end === undefined) return key === this.key
    return key >= this.key && (this.end === '' || key < this.end)
  }

  /**
   * etcd's watcher.send: drops filtered events; a response whose events were all filtered is
   * not sent (and counts as delivered). False when the stream's buffer is full.
   */
  send (resp: WatchResponse): boolean {
    const progress = resp.events.length === 0
    let events = resp.events
    if (this.filters.length > 0) {
      events = events.filter((ev) => !this.filters.some((f) =>
        (f === WatchFilter.NOPUT && ev.type === EventType.PUT) || (f === WatchFilter.NODELETE && ev.type === EventType.DELETE)))
    }
    if (!progress && events.length === 0) return true
    return this.sink.offer(events === resp.events ? resp : { ...resp, events })
  }
}
