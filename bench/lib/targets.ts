// Starts the two servers a benchmark compares, each a real process on free loopback ports with
// a fresh data directory: real etcd (/usr/bin/etcd, Debian's 3.4 build) and etcd-ts (built dist).
// BENCH_NODE_ARGS adds node flags to the etcd-ts process (e.g. '--single-threaded-gc' for an
// experiment); ETCD_TS_CPU_PROF=dir makes it write a V8 CPU profile there.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Target {
  name: 'etcd' | 'etcd-ts'
  clientURL: string
  /** The server process's PID (for RSS readings). */
  pid: number
  stop (): Promise<void>
}

const root = fileURLToPath(new URL('../..', import.meta.url))

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      s.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0))
    })
  })
}

async function waitHealthy (url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before becoming healthy`)
    try {
      const r = await fetch(`${url}/health`)
      if (r.status === 200) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms`)
}

/** Starts one member of `kind` with etcd's own flags; both programs take the same ones. */
export async function startTarget (kind: Target['name'], extraFlags: string[] = []): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${kind}-`))
  const cport = await freePort()
  const pport = await freePort()
  const clientURL = `http://127.0.0.1:${cport}`
  const peerURL = `http://127.0.0.1:${pport}`
  const flags = [
    '--name', 'bench', '--data-dir', join(dir, 'data'),
    '--listen-client-urls', clientURL, '--advertise-client-urls', clientURL,
    '--listen-peer-urls', peerURL, '--initial-advertise-peer-urls', peerURL,
    '--initial-cluster', `bench=${peerURL}`, '--log-level', 'error', ...extraFlags
  ]
  const [cmd, args] = kind === 'etcd'
    ? ['/usr/bin/etcd', flags]
    : [process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? []), ...(process.env.ETCD_TS_CPU_PROF !== undefined ? ['--cpu-prof', '--cpu-prof-dir', process.env.ETCD_TS_CPU_PROF] : []), join(root, 'dist/src/etcdmain/main.js'), ...flags]]
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', process.env.BENCH_STDERR !== undefined ? 'inherit' : 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  try {
    await waitHealthy(clientURL, child, 20_000)
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${kind} failed to start: ${(err as Error).message}\n${stderr}`)
  }
  return {
    name: kind,
    clientURL,
    pid: child.pid ?? 0,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(t)
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
