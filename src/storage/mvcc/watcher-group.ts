import type { Event } from '../../api/mvccpb/kv.js'
import { keyToString } from './key-bytes.js'
import type { Watcher } from './watcher.js'

/** etcd's watchBatchMaxRevs: at most this many revisions go into one response of a catching-up watcher. */
export const WATCH_BATCH_MAX_REVS = 1000

/** The events for one watcher in one round (etcd's eventBatch). */
export interface EventBatch {
  evs: Event[]
  /** Number of distinct revisions in `evs`. */
  revs: number
  /** The first revision left out because the batch was full (0 = none). */
  moreRev: bigint
}

/** Adds `ev` to `eb` unless the batch already holds WATCH_BATCH_MAX_REVS revisions. */
export function addEvent (eb: EventBatch, ev: Event): void {
  if (eb.revs > WATCH_BATCH_MAX_REVS) return
  if (eb.evs.length === 0) {
    eb.revs = 1
    eb.evs.push(ev)
    return
  }
  const last = eb.evs[eb.evs.length - 1].kv.modRevision
  if (ev.kv.modRevision > last) {
    eb.revs++
    if (eb.revs > WATCH_BATCH_MAX_REVS) {
      eb.moreRev = ev.kv.modRevision
      return
    }
  }
  eb.evs.push(ev)
}

/**
 * A set of watchers indexed for event matching (etcd's watcherGroup): single-key watchers by key,
 * range watchers in a list scanned per event.
 */
export class WatcherGroup {
  readonly #byKey = new Map<string, Set<Watcher>>()
  readonly #ranges = new Set<Watcher>()
  readonly watchers = new Set<Watcher>()

  get size (): number { return this.watchers.size }

  has (w: Watcher): boolean { return this.watchers.has(w) }

  add (w: Watcher): void {
    if (this.watchers.has(w)) return
    this.watchers.add(w)
    if (w.end === undefined) {
      let set = this.#byKey.get(w.key)
      if (set === undefined) {
        set = new Set()
        this.#byKey.set(w.key, set)
      }
      set.add(w)
    } else {
      this.#ranges.add(w)
    }
  }

  delete (w: Watcher): boolean {
    if (!this.watchers.delete(w)) return false
    if (w.end === undefined) {
      const set = this.#byKey.get(w.key)
      set?.delete(w)
      if (set?.size === 0) this.#byKey.delete(w.key)
    } else {
      this.#ranges.delete(w)
    }
    return true
  }

  /** Calls `fn` for every watcher whose range holds `key`. */
  forKey (key: string, fn: (w: Watcher) => void): void {
    const set = this.#byKey.get(key)
    if (set !== undefined) for (const w of set) fn(w)
    for (const w of this.#ranges) if (w.matches(key)) fn(w)
  }

  /** etcd's newWatcherBatch: per watcher, the events at or after its minRev. */
  batch (evs: readonly Event[]): Map<Watcher, EventBatch> {
    const wb = new Map<Watcher, EventBatch>()
    if (this.watchers.size === 0) return wb
    for (const ev of evs) {
      this.forKey(keyToString(ev.kv.key), (w) => {
        if (ev.kv.modRevision < w.minRev) return
        let eb = wb.get(w)
        if (eb === undefined) {
          eb = { evs: [], revs: 0, moreRev: 0n }
          wb.set(w, eb)
        }
        addEvent(eb, ev)
      })
    }
    return wb
  }
}
