// Health checks behind /health, /livez and /readyz (etcd's etcdhttp health handlers), framework-
// free: each check returns a plain answer that plugins/health.ts writes to the wire.

/** What the health checks need from the server. */
export interface ServerHealth {
  /** Names of active alarms (`NOSPACE`, `CORRUPT`, …). */
  alarms (): string[]
  /** The known leader, 0n for none. */
  leader (): bigint
  isLearner (): boolean
  /** A one-key range below the API's request checks (etcd's health probe sends no key). */
  healthRange (serializable: boolean): Promise<void>
}

export interface Health { health: 'true' | 'false', reason: string }

function alarmReason (name: string): string {
  return name === 'NOSPACE' || name === 'CORRUPT' ? `ALARM ${name}` : 'ALARM UNKNOWN'
}

/** etcd 3.5's /health: alarms (minus `excluded`), then the leader (unless serializable), then a range. */
export async function checkHealth (srv: ServerHealth, excluded: ReadonlySet<string>, serializable: boolean): Promise<Health> {
  for (const a of srv.alarms()) {
    if (!excluded.has(a)) return { health: 'false', reason: alarmReason(a) }
  }
  if (!serializable && srv.leader() === 0n) return { health: 'false', reason: 'RAFT NO LEADER' }
  try {
    await srv.healthRange(serializable)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (code !== 'ErrUserEmpty' && code !== 'ErrPermissionDenied') {
      return { health: 'false', reason: `RANGE ERROR:${(err as Error).message}` }
    }
  }
  return { health: 'true', reason: '' }
}

/** One named check of /livez or /readyz; resolves to an error message or null when it passes. */
export interface HealthCheck { name: string, run (): Promise<string | null> }

export function livezChecks (srv: ServerHealth): HealthCheck[] {
  return [
    { name: 'serializable_read', run: () => rangeCheck(srv, true) }
  ]
}

export function readyzChecks (srv: ServerHealth): HealthCheck[] {
  return [
    {
      name: 'data_corruption',
      run: async () => srv.alarms().includes('CORRUPT') ? 'alarm activated: CORRUPT' : null
    },
    { name: 'serializable_read', run: () => rangeCheck(srv, true) },
    { name: 'linearizable_read', run: () => rangeCheck(srv, false) },
    { name: 'non_learner', run: async () => srv.isLearner() ? 'can not be a learner' : null }
  ]
}

async function rangeCheck (srv: ServerHealth, serializable: boolean): Promise<string | null> {
  try {
    await srv.healthRange(serializable)
    return null
  } catch (err) {
    return (err as Error).message
  }
}

export interface CheckReport { ok: boolean, body: string }

/**
 * Runs `checks` (minus `excluded`, or only `only` for a sub-path like /readyz/linearizable_read)
 * and renders the Kubernetes-style text etcd 3.5.11+ serves: `ok\n`, or with `verbose` one line per
 * check (`[+]name ok`, `[-]name failed: err`) and a closing line.
 */
export async function runChecks (kind: 'livez' | 'readyz', checks: HealthCheck[], opts: { excluded: ReadonlySet<string>, verbose: boolean, only?: string }): Promise<CheckReport | undefined> {
  const selected = opts.only === undefined ? checks : checks.filter((c) => c.name === opts.only)
  if (selected.length === 0) return undefined
  const lines: string[] = []
  let ok = true
  for (const c of selected) {
    if (opts.excluded.has(c.name)) {
      lines.push(`[+]${c.name} excluded: ok`)
      continue
    }
    const err = await c.run()
    if (err === null) {
      lines.push(`[+]${c.name} ok`)
    } else {
      ok = false
      lines.push(`[-]${c.name} failed: ${err}`)
    }
  }
  if (ok && !opts.verbose) return { ok, body: 'ok\n' }
  const tail = ok ? `${kind} check passed` : `${kind} check failed`
  return { ok, body: lines.join('\n') + '\n' + tail + '\n' }
}
