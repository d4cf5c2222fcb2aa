// Checks a recorded history against the committed log, using what etcd exposes: every write gets
// a revision, and revisions totally order the writes. That makes a linearizability check a sweep,
// not a search:
// 1. the log is gap-free (one event per revision, since every write here touches one key);
// 2. every event is the effect of a request that was made (no phantom writes), and every
//    acknowledged write is in the log at the revision it reported (no lost writes);
// 3. every definite answer matches the state the log gives at its revision (values,
//    mod_revisions, compare outcomes);
// 4. the order the revisions give (each write at its revision, each read after the write of its
//    header revision and before the next one) admits a linearization point inside every
//    request's [call, answer] interval; indeterminate requests have no upper bound.
import type { LeaseRecord, LogEvent, Op } from './history.js'

export interface CheckResult {
  violations: string[]
  stats: { ops: number, definite: number, indeterminate: number, committedWrites: number, checkedReads: number }
}

interface State { value: string | null, modRevision: bigint }

const describe = (op: Op): string =>
  `client ${op.client} ${op.kind} ${op.key}${op.value !== undefined ? `=${op.value}` : ''}${op.expect !== undefined ? ` if ${op.expect}` : ''} ` +
  `[${op.start.toFixed(1)}, ${op.end?.toFixed(1) ?? '∞'}] → ${op.result === undefined ? 'indeterminate' : JSON.stringify(op.result, (_k, v) => typeof v === 'bigint' ? v.toString() : v)}`

/**
 * `foreign` marks the events of another workload (the lease keys): they keep their revisions in
 * the order but are not matched to requests here.
 */
export function checkHistory (ops: readonly Op[], log: readonly LogEvent[], foreign: (e: LogEvent) => boolean = () => false): CheckResult {
  const violations: string[] = []
  const fail = (msg: string): void => { if (violations.length < 50) violations.push(msg) }

  // 1. a gap-free log from revision 2 (revision 1 is the empty store)
  log.forEach((e, i) => {
    if (e.revision !== BigInt(i + 2)) fail(`committed log: event ${i} has revision ${e.revision}, expected ${i + 2}`)
  })
  const lastRev = BigInt(log.length + 1)

  // the state of each key after each of its writes
  const timeline = new Map<string, Array<{ rev: bigint, value: string | null }>>()
  for (const e of log) {
    let t = timeline.get(e.key)
    if (t === undefined) timeline.set(e.key, t = [])
    t.push({ rev: e.revision, value: e.type === 'PUT' ? e.value ?? '' : null })
  }
  const stateAt = (key: string, rev: bigint): State => {
    const t = timeline.get(key) ?? []
    let lo = 0
    let hi = t.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (t[mid].rev <= rev) lo = mid + 1
      else hi = mid
    }
    if (lo === 0) return { value: null, modRevision: 0n }
    const w = t[lo - 1]
    return { value: w.value, modRevision: w.value === null ? 0n : w.rev }
  }

  // 2. match events to requests
  const byValue = new Map<string, Op>()
  for (const op of ops) if (op.value !== undefined) byValue.set(op.value, op)
  const writerOf = new Map<bigint, Op>()
  const matched = new Set<Op>()
  const pendingDeletes = ops.filter((o) => o.kind === 'delete' && o.result === undefined).sort((a, b) => a.start - b.start)
  for (const e of log) {
    if (foreign(e)) continue
    let op: Op | undefined
    if (e.type === 'PUT') {
      op = e.value === undefined ? undefined : byValue.get(e.value)
      if (op === undefined || op.key !== e.key) {
        fail(`phantom write: revision ${e.revision} put ${e.key}=${e.value} that no request asked for`)
        continue
      }
      if (matched.has(op)) {
        fail(`value ${e.value} written twice (revision ${e.revision})`)
        continue
      }
      if (op.kind === 'cas' && stateAt(e.key, e.revision - 1n).value !== (op.expect ?? null)) {
        fail(`compare-and-set took effect at revision ${e.revision} although ${e.key} was ${JSON.stringify(stateAt(e.key, e.revision - 1n).value)}: ${describe(op)}`)
      }
      if (op.result !== undefined) {
        if (op.kind === 'cas' && op.result.succeeded !== true) fail(`a failed compare-and-set took effect at revision ${e.revision}: ${describe(op)}`)
        else if (op.result.revision !== e.revision) fail(`write reported revision ${op.result.revision} but is at revision ${e.revision}: ${describe(op)}`)
      }
    } else {
      op = ops.find((o) => o.kind === 'delete' && o.key === e.key && o.result?.revision === e.revision && (o.result.deleted ?? 0) > 0)
      if (op === undefined) {
        const i = pendingDeletes.findIndex((o) => o.key === e.key && !matched.has(o))
        if (i >= 0) op = pendingDeletes[i]
      }
      if (op === undefined) {
        fail(`phantom delete: revision ${e.revision} deleted ${e.key} and no request accounts for it`)
        continue
      }
    }
    matched.add(op)
    writerOf.set(e.revision, op)
  }

  // lost writes: acknowledged, but not in the log
  for (const op of ops) {
    const r = op.result
    if (r === undefined || matched.has(op)) continue
    if (op.kind === 'put' || (op.kind === 'cas' && r.succeeded === true) || (op.kind === 'delete' && (r.deleted ?? 0) > 0)) {
      fail(`lost write: acknowledged but not in the committed log: ${describe(op)}`)
    }
  }

  // 3. definite answers against the state at their revision; collect the reads for step 4
  const readsAt = new Map<bigint, Op[]>()
  let checkedReads = 0
  for (const op of ops) {
    const r = op.result
    if (r === undefined) continue
    if (r.revision > lastRev) fail(`answer from the future: revision ${r.revision} > last committed ${lastRev}: ${describe(op)}`)
    let isRead = false
    switch (op.kind) {
      case 'get': {
        const s = stateAt(op.key, r.revision)
        if (s.value !== (r.value ?? null) || s.modRevision !== (r.modRevision ?? 0n)) {
          fail(`read ${JSON.stringify(r.value)} (mod ${r.modRevision}) but the log has ${JSON.stringify(s.value)} (mod ${s.modRevision}) at revision ${r.revision}: ${describe(op)}`)
        }
        isRead = true
        break
      }
      case 'delete':
        if ((r.deleted ?? 0) === 0) {
          const s = stateAt(op.key, r.revision)
          if (s.value !== null) fail(`delete found nothing but ${op.key}=${s.value} at revision ${r.revision}: ${describe(op)}`)
          isRead = true
        }
        break
      case 'cas':
        // a success was checked against the log with its event
        if (r.succeeded !== true) {
          const s = stateAt(op.key, r.revision)
          if (s.value === (op.expect ?? null)) fail(`compare-and-set failed but ${op.key} was ${JSON.stringify(s.value)} at revision ${r.revision}: ${describe(op)}`)
          if (s.value !== (r.value ?? null)) fail(`compare-and-set failure branch read ${JSON.stringify(r.value)} but the log has ${JSON.stringify(s.value)} at revision ${r.revision}: ${describe(op)}`)
          isRead = true
        }
        break
      case 'put':
        break
    }
    if (isRead) {
      checkedReads++
      let list = readsAt.get(r.revision)
      if (list === undefined) readsAt.set(r.revision, list = [])
      list.push(op)
    }
  }

  // 4. real time against revision order: earliest feasible linearization points, in order
  let t = -Infinity
  let last: Op | undefined
  for (let rev = 1n; rev <= lastRev; rev++) {
    const w = writerOf.get(rev)
    if (w !== undefined) {
      if (t > (w.end ?? Infinity)) {
        fail(`not linearizable: the write at revision ${rev} answered at ${w.end?.toFixed(1)}, before a request ordered earlier began (${last !== undefined ? describe(last) : '?'}): ${describe(w)}`)
      }
      if (w.start >= t) {
        t = w.start
        last = w
      }
    }
    let after = t
    for (const rd of readsAt.get(rev) ?? []) {
      const p = Math.max(t, rd.start)
      if (p > (rd.end ?? Infinity)) {
        fail(`not linearizable (stale read): read at revision ${rev} answered at ${rd.end?.toFixed(1)}, but ${last !== undefined ? describe(last) : 'an earlier write'} must come first: ${describe(rd)}`)
      }
      if (p > after) {
        after = p
        last = rd
      }
    }
    t = after
  }

  const definite = ops.filter((o) => o.result !== undefined).length
  return {
    violations,
    stats: { ops: ops.length, definite, indeterminate: ops.length - definite, committedWrites: log.filter((e) => !foreign(e)).length, checkedReads }
  }
}

/**
 * A watcher of the whole keyspace from revision 1 must have received exactly the start of the
 * committed log: in order, without gaps or repeats, with the same keys, types and values, however
 * often it reconnected.
 */
export function checkWatch (events: readonly LogEvent[], log: readonly LogEvent[]): string[] {
  const fmt = (e: LogEvent | undefined): string => e === undefined ? 'nothing' : `${e.revision} ${e.type} ${e.key}${e.value !== undefined ? `=${e.value}` : ''}`
  for (let i = 0; i < Math.min(events.length, log.length); i++) {
    const a = events[i]
    const b = log[i]
    if (a.revision !== b.revision || a.key !== b.key || a.type !== b.type || a.value !== b.value) {
      return [`watch event ${i} is ${fmt(a)}, the committed log has ${fmt(b)} (previous: ${fmt(events[i - 1])})`]
    }
  }
  if (events.length > log.length) return [`watch received ${events.length} events, the log has ${log.length}`]
  return []
}

export interface LeaseCheckResult { violations: string[], stats: { leases: number, attached: number, expired: number, keepAlives: number } }

/**
 * Lease safety and liveness from the committed log. Only expiry deletes a lease's key, so its
 * DELETE event is the expiry. A lease must not expire before TTL after its last refresh began
 * (grant or a keep-alive answered with a TTL): the delete is known to have happened before the
 * earliest answer that carried its revision or a later one. No keep-alive may find the lease
 * alive after its key was deleted. A lease abandoned more than TTL + `graceMs` before the
 * traffic stopped must have expired.
 */
export function checkLeases (leases: readonly LeaseRecord[], ops: readonly Op[], log: readonly LogEvent[], stoppedAt: number, graceMs: number): LeaseCheckResult {
  const violations: string[] = []
  const answered = ops.filter((o) => o.result !== undefined && o.end !== undefined)
    .map((o) => ({ rev: o.result?.revision as bigint, end: o.end as number }))
    .sort((a, b) => (a.rev < b.rev ? -1 : a.rev > b.rev ? 1 : 0))
  // suffix minimum of answer times: the earliest answer at or after each revision
  const suffixMin: number[] = new Array(answered.length + 1).fill(Infinity)
  for (let i = answered.length - 1; i >= 0; i--) suffixMin[i] = Math.min(answered[i].end, suffixMin[i + 1])
  const doneBy = (rev: bigint): number => {
    let lo = 0
    let hi = answered.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (answered[mid].rev < rev) lo = mid + 1
      else hi = mid
    }
    return suffixMin[lo]
  }
  let attached = 0
  let expired = 0
  for (const l of leases) {
    const put = log.find((e) => e.type === 'PUT' && e.key === l.key && e.value === l.value)
    if (put === undefined) {
      if (l.putAnswered) violations.push(`lost write: the key ${l.key} of lease ${l.id} was acknowledged but is not in the log`)
      continue
    }
    attached++
    const del = log.find((e) => e.type === 'DELETE' && e.key === l.key && e.revision > put.revision)
    const refreshed = Math.max(l.grantStart, ...l.keepAlives.map((k) => k.start))
    const fmt = (t: number): string => t.toFixed(1)
    if (del === undefined) {
      if (refreshed + l.ttlSeconds * 1000 + graceMs < stoppedAt) {
        violations.push(`lease ${l.id} (TTL ${l.ttlSeconds} s, last refreshed at ${fmt(refreshed)}) never expired although the traffic ran until ${fmt(stoppedAt)}`)
      }
      continue
    }
    expired++
    const by = doneBy(del.revision)
    if (by < refreshed + l.ttlSeconds * 1000) {
      violations.push(`lease ${l.id} expired early: its key was deleted at revision ${del.revision}, answered by ${fmt(by)}, but it was refreshed at ${fmt(refreshed)} with TTL ${l.ttlSeconds} s`)
    }
    for (const k of l.keepAlives) {
      if (k.start > by) violations.push(`lease ${l.id}: a keep-alive begun at ${fmt(k.start)} found it alive, after its key was deleted (revision ${del.revision}, answered by ${fmt(by)})`)
    }
  }
  return { violations, stats: { leases: leases.length, attached, expired, keepAlives: leases.reduce((a, l) => a + l.keepAlives.length, 0) } }
}
