// Test-only failpoints (design/raft-and-reliability.md §6.2): named places in the server where an
// armed point kills the process on the spot, as kill -9 would at exactly that moment. Points can
// be armed only when ETCD_TS_FAILPOINTS=1: at start through ETCD_TS_FAILPOINT=<name>[,<name>…] or
// later through the peer port's POST /debug/failpoint. A point fires once.

/** The points the server passes through. */
export const failpointNames = [
  'beforeLeaderSend', 'beforeFollowerSend', 'beforeWalSave', 'afterWalSave',
  'beforeApply', 'beforeDbCommit', 'beforeSnapshotSave', 'afterSnapshotSave', 'beforeSnapshotSwap'
] as const
export type FailpointName = typeof failpointNames[number]

const armed = new Set<string>()
/** Read at every point: false unless something is armed, so the points cost one branch. */
export let failpointsArmed = false

export function failpointsEnabled (): boolean {
  return process.env.ETCD_TS_FAILPOINTS === '1'
}

export function armFailpoint (name: string): void {
  if (!failpointsEnabled()) throw new Error('failpoints are disabled (ETCD_TS_FAILPOINTS=1 enables them)')
  if (!(failpointNames as readonly string[]).includes(name)) throw new Error(`unknown failpoint ${name}; known: ${failpointNames.join(', ')}`)
  armed.add(name)
  failpointsArmed = true
}

export function disarmFailpoints (): void {
  armed.clear()
  failpointsArmed = false
}

/** Kills the process if `name` is armed. Call as `if (failpointsArmed) failpoint('…')`. */
export function failpoint (name: FailpointName): void {
  if (!armed.has(name)) return
  armed.delete(name)
  process.stderr.write(`{"level":"warn","msg":"failpoint fired: killing the process","failpoint":"${name}"}\n`)
  process.kill(process.pid, 'SIGKILL')
}

for (const name of (failpointsEnabled() ? process.env.ETCD_TS_FAILPOINT ?? '' : '').split(',').filter((n) => n !== '')) armFailpoint(name)
