import { EventType, type Event } from '../../api/mvccpb/kv.js'
import type { Backend } from '../backend/backend.js'
import { Buckets } from '../schema/buckets.js'
import type { CommittedChanges } from './kv.js'
import { decodeKeyValue } from './kv-codec.js'
import { KVStore, type StoreOptions } from './kvstore.js'
import { bytesToRev, isTombstone, revToBytes } from './revision.js'
import { WatchStream, type WatchHost } from './watch-stream.js'
import { Watcher, type WatcherSink, type WatchFilter } from './watcher.js'
import { WatcherGroup, type EventBatch } from './watcher-group.js'

/** Options of the watchable store. */
export interface WatchableStoreOptions extends StoreOptions {
  /** Pause between catch-up rounds when a round made no progress, ms (etcd: 100). */
  syncIntervalMs?: number
  /** Pause between retries of slow watchers, ms (etcd: 10). */
  victimIntervalMs?: number
  /** Unsynced watchers served per catch-up round (etcd: 512). */
  maxWatchersPerSync?: number
  /** Backend records read per catch-up round (bounds the memory of one round). */
  syncBatchRecords?: number
}

/**
 * The MVCC store with watchers (etcd's watchableStore): synced watchers get the events of each
 * committed write txn as it commits; unsynced ones (started in the past, or back from being slow)
 * catch up from the `key` bucket in bounded rounds; victims are watchers whose stream buffer was
 * full, retried until the consumer drains it.
 */
export class WatchableStore extends KVStore implements WatchHost {
  readonly #synced = new WatcherGroup()
  readonly #unsynced = new WatcherGroup()
  #victims: Array<Map<Watcher, EventBatch>> = []
  readonly #streams = new Set<WatchStream>()
  readonly #syncInterval: number
  readonly #victimInterval: number
  readonly #maxPerSync: number
  readonly #syncBatchRecords: number
  #syncTimer: NodeJS.Timeout | NodeJS.Immediate | undefined
  #victimTimer: NodeJS.Timeout | NodeJS.Immediate | undefined

  constructor (be: Backend, opts: WatchableStoreOptions = {}) {
    super(be, opts)
    this.#syncInterval = opts.syncIntervalMs ?? 100
    this.#victimInterval = opts.victimIntervalMs ?? 10
    this.#maxPerSync = opts.maxWatchersPerSync ?? 512
    this.#syncBatchRecords = opts.syncBatchRecords ?? 10_000
  }

  /** A new watch stream; `bufferSize` responses may wait unread before watchers turn slow. */
  newWatchStream (bufferSize?: number): WatchStream {
    const ws = new WatchStream(this, bufferSize)
    this.#streams.add(ws)
    return ws
  }

  /** Counts for metrics and tests. */
  watcherStats (): { synced: number, unsynced: number, victims: number, streams: number } {
    let victims = 0
    for (const v of this.#victims) victims += v.size
    return { synced: this.#synced.size, unsynced: this.#unsynced.size, victims, streams: this.#streams.size }
  }

  /** @internal etcd's watchableStore.watch. */
  addWatcher (id: bigint, key: string, end: string | undefined, startRev: bigint, filters: readonly WatchFilter[],
    prevKv: boolean, sink: WatcherSink): Watcher {
    const cur = this.currentRev
    const w = new Watcher(id, key, end, startRev, filters, prevKv, sink)
    if (startRev > cur || startRev === 0n) {
      w.minRev = startRev > cur + 1n ? startRev : cur + 1n
      this.#synced.add(w)
    } else {
      this.#unsynced.add(w)
      this.#scheduleSync(0)
    }
    return w
  }

  /** @internal */
  cancelWatcher (w: Watcher): void {
    if (this.#synced.delete(w) || this.#unsynced.delete(w)) return
    for (const v of this.#victims) if (v.delete(w)) return
  }

  /** @internal etcd's progressIfSync: one progress response on the first watcher if all are synced. */
  progressIfSync (watchers: Iterable<Watcher>, responseId: bigint): boolean {
    const list = [...watchers]
    if (list.some((w) => !this.#synced.has(w))) return false
    if (list.length > 0) list[0].send({ watchId: responseId, events: [], revision: this.currentRev, compactRevision: 0n })
    return true
  }

  /** @internal */
  kickVictims (): void {
    if (this.#victims.length > 0) this.#scheduleVictims(0)
  }

  /**
   * Swaps in a new backend (a snapshot from the leader) and rebuilds the index; every synced
   * watcher then catches up from the new backend (etcd's watchableStore.Restore).
   */
  override restore (be: Backend): void {
    super.restore(be)
    for (const w of [...this.#synced.watchers]) {
      this.#synced.delete(w)
      this.#unsynced.add(w)
    }
    if (this.#unsynced.size > 0) this.#scheduleSync(0)
  }

  /** @internal */
  streamClosed (ws: WatchStream): void {
    this.#streams.delete(ws)
  }

  protected override notify (c: CommittedChanges): void {
    const victims = new Map<Watcher, EventBatch>()
    for (const [w, eb] of this.#synced.batch(c.events)) {
      if (w.send({ watchId: w.id, events: this.#withPrevKv(w, eb.evs), revision: c.rev, compactRevision: 0n })) {
        // A synced watcher keeps its position too: a restore moves it back to unsynced, and it
        // must resume after what it was sent (etcd issue 15271), not where it last caught up.
        w.minRev = c.rev + 1n
        continue
      }
      w.minRev = c.rev + 1n
      w.victim = true
      victims.set(w, eb)
      this.#synced.delete(w)
    }
    this.#addVictims(victims)
  }

  /** Adds the previous KeyValue to non-create events when the watcher asked for prev_kv. */
  #withPrevKv (w: Watcher, evs: Event[]): Event[] {
    if (!w.prevKv) return evs
    return evs.map((ev) => {
      if (ev.type === EventType.PUT && ev.kv.createRevision === ev.kv.modRevision) return ev
      try {
        const prev = this.read().range(ev.kv.key, undefined, { rev: ev.kv.modRevision - 1n }).kvs[0]
        return prev === undefined ? ev : { ...ev, prevKv: prev }
      } catch {
        return ev
      }
    })
  }

  #addVictims (v: Map<Watcher, EventBatch>): void {
    if (v.size === 0) return
    this.#victims.push(v)
    this.#scheduleVictims(this.#victimInterval)
  }

  #scheduleSync (delay: number): void {
    if (this.#syncTimer !== undefined || this.closed) return
    const run = (): void => {
      this.#syncTimer = undefined
      if (this.closed) return
      const before = this.#unsynced.size
      let progressed = false
      try {
        progressed = this.#syncWatchers()
      } catch {
        // the backend is briefly unreadable (defrag swapping files): try again later
      }
      if (this.#unsynced.size > 0) this.#scheduleSync(progressed || this.#unsynced.size < before ? 0 : this.#syncInterval)
    }
    // An unref'd immediate does not stop the loop from blocking in poll, so only timeouts are unref'd.
    this.#syncTimer = delay === 0 ? setImmediate(run) : setTimeout(run, delay).unref()
  }

  #scheduleVictims (delay: number): void {
    if (this.#victimTimer !== undefined || this.closed) return
    const run = (): void => {
      this.#victimTimer = undefined
      if (this.closed) return
      try {
        this.#moveVictims()
      } catch {
        // prev_kv lookups failed while the backend was unreadable: retried on the next tick
      }
      if (this.#victims.length > 0) this.#scheduleVictims(this.#victimInterval)
    }
    this.#victimTimer = delay === 0 ? setImmediate(run) : setTimeout(run, delay).unref()
  }

  /** etcd's chooseAll: the watchers of this round, dropping (and telling) compacted ones. */
  #choose (curRev: bigint, compactRev: bigint): { group: WatcherGroup, minRev: bigint } {
    const group = new WatcherGroup()
    let minRev = curRev + 1n
    for (const w of this.#unsynced.watchers) {
      if (group.size >= this.#maxPerSync) break
      if (w.minRev < compactRev) {
        if (w.sink.offer({ watchId: w.id, events: [], revision: 0n, compactRevision: compactRev })) {
          w.compacted = true
          this.#unsynced.delete(w)
        }
        continue
      }
      group.add(w)
      if (w.minRev < minRev) minRev = w.minRev
    }
    return { group, minRev }
  }

  /**
   * One catch-up round (etcd's syncWatchers): reads the records from the smallest minRev of the
   * chosen watchers, at most `syncBatchRecords` of them (whole revisions), and sends each watcher
   * its events. Returns true when some watcher got events or became synced.
   */
  #syncWatchers (): boolean {
    if (this.#unsynced.size === 0) return false
    const curRev = this.currentRev
    const { group, minRev } = this.#choose(curRev, this.compactMainRev)
    if (group.size === 0) return true
    const { evs, upTo } = this.#readEvents(minRev, curRev)
    const wb = group.batch(evs)
    const victims = new Map<Watcher, EventBatch>()
    let progressed = false
    for (const w of group.watchers) {
      // (a watcher moved here by restore may wait for a revision beyond the new store's)
      if (w.minRev <= upTo) w.minRev = upTo + 1n
      const eb = wb.get(w)
      if (eb === undefined) {
        if (upTo === curRev) {
          this.#unsynced.delete(w)
          this.#synced.add(w)
        }
        progressed = true
        continue
      }
      if (eb.moreRev !== 0n) w.minRev = eb.moreRev
      if (w.send({ watchId: w.id, events: this.#withPrevKv(w, eb.evs), revision: curRev, compactRevision: 0n })) {
        progressed = true
      } else {
        w.victim = true
        victims.set(w, eb)
        this.#unsynced.delete(w)
        continue
      }
      if (eb.moreRev !== 0n || upTo < curRev) continue
      this.#unsynced.delete(w)
      this.#synced.add(w)
    }
    this.#addVictims(victims)
    return progressed
  }

  /** Events of the revisions [minRev, curRev], cut to whole revisions after `syncBatchRecords` records. */
  #readEvents (minRev: bigint, curRev: bigint): { evs: Event[], upTo: bigint } {
    const recs: Array<{ key: Buffer, value: Buffer }> = []
    const limit = this.#syncBatchRecords
    let cut = false
    this.be.readTx().forEach(Buckets.Key, (key, value) => {
      if (recs.length >= limit && bytesToRev(key).main !== bytesToRev(recs[recs.length - 1].key).main) {
        cut = true
        return false
      }
      recs.push({ key, value })
      return true
    }, revToBytes({ main: minRev, sub: 0n }), revToBytes({ main: curRev + 1n, sub: 0n }))
    const upTo = cut ? bytesToRev(recs[recs.length - 1].key).main : curRev
    const evs: Event[] = recs.map(({ key, value }) => {
      const kv = decodeKeyValue(value)
      return isTombstone(key) ? { type: EventType.DELETE, kv: { ...kv, modRevision: bytesToRev(key).main } } : { type: EventType.PUT, kv }
    })
    return { evs, upTo }
  }

  /** etcd's moveVictims: retry each victim's batch; delivered ones go back to synced or unsynced. */
  #moveVictims (): void {
    const victims = this.#victims
    this.#victims = []
    for (const wb of victims) {
      const still = new Map<Watcher, EventBatch>()
      for (const [w, eb] of wb) {
        if (!w.send({ watchId: w.id, events: this.#withPrevKv(w, eb.evs), revision: w.minRev - 1n, compactRevision: 0n })) {
          still.set(w, eb)
          continue
        }
        w.victim = false
        if (eb.moreRev !== 0n) w.minRev = eb.moreRev
        if (w.minRev <= this.currentRev) {
          this.#unsynced.add(w)
          this.#scheduleSync(0)
        } else {
          this.#synced.add(w)
        }
      }
      if (still.size > 0) this.#victims.push(still)
    }
  }

  /** Closes every stream, stops the loops and compaction. */
  override async close (): Promise<void> {
    for (const ws of [...this.#streams]) ws.close()
    if (this.#syncTimer !== undefined) { clearTimeout(this.#syncTimer as NodeJS.Timeout); clearImmediate(this.#syncTimer as NodeJS.Immediate) }
    if (this.#victimTimer !== undefined) { clearTimeout(this.#victimTimer as NodeJS.Timeout); clearImmediate(this.#victimTimer as NodeJS.Immediate) }
    this.#syncTimer = undefined
    this.#victimTimer = undefined
    await super.close()
  }
}
