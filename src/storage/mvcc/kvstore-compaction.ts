import { setTimeout as sleep } from 'node:timers/promises'
import type { BatchTx } from '../backend/backend.js'
import { Buckets } from '../schema/buckets.js'
import { MetaKeys } from '../schema/meta-keys.js'
import { revKey, revToBytes } from './revision.js'
import type { TreeIndex } from './tree-index.js'

/** What the compactor needs from the store. */
export interface CompactionHost {
  readonly index: TreeIndex
  compactBatch (fn: (tx: BatchTx) => void): void
  readonly closed: boolean
  /** True while the backend refuses writes for a while (defragmentation). */
  readonly busy: boolean
}

/**
 * Physical compaction (etcd's kvstore_compaction.go), run as a FIFO of jobs: compact the index at
 * `rev`, then delete the records at or below `rev` that the index no longer needs, `batchLimit`
 * per backend transaction, yielding to the event loop between transactions. The last transaction
 * records `finishedCompactRev` in `meta`, so a restart resumes an unfinished job.
 */
export class Compactor {
  finished = -1n
  #chain: Promise<void> = Promise.resolve()
  #stopped = false
  readonly #abort = new AbortController()

  constructor (private readonly host: CompactionHost, private readonly batchLimit: number,
    private readonly sleepMs: number) {}

  /** Queues a compaction at `rev`; the promise settles when its records are gone. */
  schedule (rev: bigint): Promise<void> {
    const job = this.#chain.then(() => this.#run(rev))
    this.#chain = job.catch(() => {})
    return job
  }

  async #run (rev: bigint): Promise<void> {
    if (this.#stopped) throw new Error('mvcc: compaction stopped')
    const keep = this.host.index.compact(rev)
    const end = revToBytes({ main: rev + 1n, sub: 0n })
    let start: Buffer = revToBytes({ main: 0n, sub: 0n })
    for (;;) {
      if (this.#stopped) throw new Error('mvcc: compaction stopped')
      let done = false
      if (this.host.busy) {
        // the backend refuses writes while it defragments: wait for it
        await sleep(10)
        continue
      }
      this.host.compactBatch((tx) => {
        const recs: Buffer[] = []
        tx.forEach(Buckets.Key, (k) => {
          recs.push(k)
          return recs.length < this.batchLimit
        }, start, end)
        for (const k of recs) {
          if (!keep.has(revKey({ main: k.readBigInt64BE(0), sub: k.readBigInt64BE(9) }))) tx.delete(Buckets.Key, k)
        }
        if (recs.length < this.batchLimit) {
          tx.put(Buckets.Meta, MetaKeys.FinishedCompactRev, revToBytes({ main: rev, sub: 0n }))
          done = true
        } else {
          const last = recs[recs.length - 1]
          start = Buffer.concat([last, Buffer.from([0])])
        }
      })
      if (done) break
      if (this.sleepMs > 0) await sleep(this.sleepMs, undefined, { signal: this.#abort.signal }).catch(() => {})
      else await new Promise<void>((resolve) => setImmediate(resolve))
    }
    if (rev > this.finished) this.finished = rev
  }

  /** Resolves when the queue is empty. */
  async idle (): Promise<void> {
    let c: Promise<void>
    do {
      c = this.#chain
      await c
    } while (c !== this.#chain)
  }

  /** Stops after the running transaction; queued jobs fail. */
  async stop (): Promise<void> {
    this.#stopped = true
    this.#abort.abort()
    await this.#chain
  }
}
