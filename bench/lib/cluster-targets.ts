// Multi-member targets for the cluster benchmark: an N-member real etcd (/usr/bin/etcd) or
// etcd-ts cluster on free loopback ports, each member a process with its own data dir. etcd-ts
// runs from an esbuild bundle of src/etcdmain (made once per run, ~1 s, so no dist build is
// needed). Members can be killed (-9) and restarted for failover figures.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleEtcdMain } from '../../test/framework/bundle.js'
import { freePort, type Target } from './targets.js'

async function etcdTsMain (): Promise<string> {
  return await bundleEtcdMain('bench')
}

export interface ClusterMember {
  name: string
  clientURL: string
  peerURL: string
  proc: ChildProcess | undefined
  running (): boolean
  kill (): Promise<void>
  restart (): Promise<void>
  /** A metric's value from /metrics (first sample), undefined if absent or down. */
  metric (name: string): Promise<number | undefined>
}

export interface ClusterTarget {
  name: Target['name']
  members: ClusterMember[]
  leader (): Promise<ClusterMember | undefined>
  stop (): Promise<void>
}

async function metricOf (url: string, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })).text()
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)
    return m === null ? undefined : Number(m[1])
  } catch {
    return undefined
  }
}

/** Starts an N-member cluster of `kind` and waits until every member is healthy. */
export async function startCluster (kind: Target['name'], size: number, extraFlags: string[] = []): Promise<ClusterTarget> {
  const dir = mkdtempSync(join(tmpdir(), `bench-cluster-${kind}-`))
  const specs = []
  for (let i = 1; i <= size; i++) specs.push({ name: `m${i}`, clientURL: `http://127.0.0.1:${await freePort()}`, peerURL: `http://127.0.0.1:${await freePort()}` })
  const initial = specs.map((s) => `${s.name}=${s.peerURL}`).join(',')
  const main = kind === 'etcd-ts' ? await etcdTsMain() : ''
  const members: ClusterMember[] = specs.map((s) => {
    const flags = [
      '--name', s.name, '--data-dir', join(dir, s.name),
      '--listen-client-urls', s.clientURL, '--advertise-client-urls', s.clientURL,
      '--listen-peer-urls', s.peerURL, '--initial-advertise-peer-urls', s.peerURL,
      '--initial-cluster', initial, '--initial-cluster-token', `bench-${kind}`, '--log-level', 'error', ...extraFlags
    ]
    const m: ClusterMember = {
      ...s,
      proc: undefined,
      running: () => m.proc !== undefined && m.proc.exitCode === null && m.proc.signalCode === null,
      kill: async () => {
        if (!m.running()) return
        const exited = new Promise((resolve) => m.proc?.once('exit', resolve))
        m.proc?.kill('SIGKILL')
        await exited
      },
      restart: async () => {
        m.proc = kind === 'etcd'
          ? spawn('/usr/bin/etcd', flags, { stdio: 'ignore' })
          : spawn(process.execPath, [...(process.env.ETCD_TS_CPU_PROF !== undefined ? ['--cpu-prof', '--cpu-prof-dir', process.env.ETCD_TS_CPU_PROF] : []), main, ...flags], { stdio: 'ignore' })
      },
      metric: async (name) => await metricOf(s.clientURL, name)
    }
    return m
  })
  await Promise.all(members.map(async (m) => await m.restart()))
  const deadline = Date.now() + 60_000
  for (const m of members) {
    for (;;) {
      if (!m.running()) throw new Error(`${kind} ${m.name} exited while starting`)
      try {
        if ((await fetch(`${m.clientURL}/health`, { signal: AbortSignal.timeout(2000) })).status === 200) break
      } catch {}
      if (Date.now() > deadline) throw new Error(`${kind} ${m.name} did not become healthy`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return {
    name: kind,
    members,
    leader: async () => {
      for (const m of members) if (m.running() && (await m.metric('etcd_server_is_leader')) === 1) return m
      return undefined
    },
    stop: async () => {
      await Promise.all(members.map(async (m) => {
        if (!m.running()) return
        const exited = new Promise((resolve) => m.proc?.once('exit', resolve))
        m.proc?.kill('SIGTERM')
        const t = setTimeout(() => m.proc?.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(t)
      }))
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
