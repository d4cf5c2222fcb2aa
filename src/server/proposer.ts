// Propose-and-wait (design/raft-and-reliability.md §3.5): assign a request ID, register a
// waiter, hand the encoded request to raft, and wait for the applier's result or the request
// timeout. A timeout does not mean the write failed: the entry may still commit later.
import type { Logger } from 'pino'
import { Wait } from '../pkg/wait.js'
import type { IDGenerator } from '../pkg/id-util.js'
import {
  encodeInternalRaftRequest, type InternalOp, type InternalRaftOps
} from './internal-request.js'
import {
  ErrNoLeader, ErrRequestTooLarge, ErrStopped, ErrTimeout, ErrTimeoutDueToLeaderFail, ErrTooManyRequests
} from './errors.js'
import { isCodedError } from '../pkg/coded-error.js'

/** What an applied request produced: a value or a typed error. */
export type ApplyResult = { ok: true, value: unknown } | { ok: false, err: unknown }

export interface ProposerOptions {
  ids: IDGenerator
  /** Hands encoded data to raft; `onDropped` is called if raft drops it (ErrProposalDropped). */
  propose (data: Uint8Array, onDropped: (err: unknown) => void): void
  /** Whether a leader is known. */
  hasLeader (): boolean
  /** Resolves once a leader is known (proposals wait for one, as etcd's node does). */
  leaderKnown (): Promise<void>
  /** committed − applied, to refuse proposals when the apply side is far behind. */
  backlog (): number
  maxRequestBytes: number
  timeoutMs: number
  logger: Logger
  onPending? (delta: number): void
  onFailed? (): void
}

/** etcd refuses new proposals when the apply side lags this far behind the commit index. */
export const maxGapBetweenApplyAndCommitIndex = 5000

export class Proposer {
  readonly #o: ProposerOptions
  readonly wait = new Wait<ApplyResult>()
  #stopped = false

  constructor (o: ProposerOptions) {
    this.#o = o
  }

  /** Proposes `req` under `op` and resolves with the applied result (or throws its error). */
  async propose<K extends InternalOp> (op: K, req: InternalRaftOps[K]): Promise<unknown> {
    if (this.#stopped) throw ErrStopped()
    if (this.#o.backlog() > maxGapBetweenApplyAndCommitIndex) throw ErrTooManyRequests()
    const id = this.#o.ids.next()
    const data = encodeInternalRaftRequest({ id, op, req } as never)
    if (data.length > this.#o.maxRequestBytes) throw ErrRequestTooLarge()

    const done = this.wait.register(id)
    this.#o.onPending?.(1)
    let timer: NodeJS.Timeout | undefined
    try {
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          this.wait.cancel(id)
          reject(this.#o.hasLeader() ? ErrTimeout() : ErrTimeoutDueToLeaderFail())
        }, this.#o.timeoutMs)
      })
      // Like etcd's raft node, a proposal waits (within its timeout) for a leader to exist.
      if (!this.#o.hasLeader()) await Promise.race([this.#o.leaderKnown(), timeout])
      if (this.#stopped) throw ErrStopped()
      const dropped = new Promise<never>((_resolve, reject) => {
        this.#o.propose(data, (err) => {
          this.wait.cancel(id)
          reject(isCodedError(err, 'ErrProposalDropped') && !this.#o.hasLeader() ? ErrNoLeader() : err)
        })
      })
      const r = await Promise.race([done, timeout, dropped])
      if (!r.ok) throw r.err
      return r.value
    } catch (err) {
      this.#o.onFailed?.()
      throw err
    } finally {
      if (timer !== undefined) clearTimeout(timer)
      this.#o.onPending?.(-1)
    }
  }

  /** Fails every waiting proposal (shutdown). */
  stop (): void {
    this.#stopped = true
    this.wait.failAll(ErrStopped())
  }
}
