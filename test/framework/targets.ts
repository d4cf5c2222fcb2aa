// The targets a conformance suite runs against (architecture principle 10): the Debian etcd
// 3.4.23 build (`/usr/bin/etcd`, or ETCD_BIN) and etcd-ts (spawned from src/etcdmain/main.ts
// through tsx with exactly etcd's flags). CONFORMANCE_TARGETS=etcd,etcd-ts picks a subset;
// by default every target whose program exists runs.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnMember, type MemberProcess } from './process.js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

export interface Target {
  /** `etcd` (the reference) or `etcd-ts`. */
  readonly name: string
  /** The reference implementation the others are compared with. */
  readonly reference: boolean
  available (): boolean
  start (extraFlags?: readonly string[]): Promise<MemberProcess>
}

const etcdBin = process.env.ETCD_BIN ?? '/usr/bin/etcd'
const etcdTsMain = `${repoRoot}src/etcdmain/main.ts`

export const etcdTarget: Target = {
  name: 'etcd',
  reference: true,
  available: () => existsSync(etcdBin),
  start: async (extraFlags) => await spawnMember({ name: 'etcd', command: [etcdBin], extraFlags })
}

export const etcdTsTarget: Target = {
  name: 'etcd-ts',
  reference: false,
  available: () => existsSync(etcdTsMain),
  start: async (extraFlags) => await spawnMember({
    name: 'etcd-ts',
    command: [process.execPath, '--import', 'tsx', etcdTsMain],
    cwd: repoRoot,
    extraFlags,
    env: { ...process.env, ETCD_LOG_LEVEL: process.env.ETCD_LOG_LEVEL ?? 'warn' }
  })
}

/** The targets to run: CONFORMANCE_TARGETS if set, else every available one. */
export function selectedTargets (): Target[] {
  const all = [etcdTarget, etcdTsTarget]
  const wanted = process.env.CONFORMANCE_TARGETS?.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (wanted !== undefined && wanted.length > 0) {
    const picked = all.filter((t) => wanted.includes(t.name))
    for (const t of picked) if (!t.available()) throw new Error(`target ${t.name} requested but not available`)
    return picked
  }
  return all.filter((t) => t.available())
}
