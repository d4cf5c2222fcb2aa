// Spawned member processes: start with etcd's flags on free loopback ports and a temporary data
// directory, wait until /health says true, stop with SIGTERM (SIGKILL after a grace period),
// remove the data directory.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { freePort } from './ports.js'

export interface MemberProcess {
  readonly name: string
  readonly clientURL: string
  readonly peerURL: string
  readonly dataDir: string
  readonly child: ChildProcess
  /** Everything the process wrote to stdout and stderr so far. */
  output (): string
  /** Stops the process (SIGTERM, then SIGKILL) and removes its data directory. */
  stop (): Promise<void>
  /** SIGKILL without cleanup (the data directory stays). */
  kill (): Promise<void>
}

export interface SpawnOptions {
  name: string
  /** Executable and leading arguments, before etcd's flags. */
  command: readonly string[]
  cwd?: string
  extraFlags?: readonly string[]
  env?: NodeJS.ProcessEnv
  /** How long to wait for a healthy /health (default 30 s). */
  readyTimeoutMs?: number
}

/** Children still running; killed if the test process exits first, so none is orphaned. */
const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL')
})

/** etcd's flags for a single member on the given ports. */
export function singleMemberFlags (dataDir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${clientPort}`
  const peer = `http://127.0.0.1:${peerPort}`
  return [
    '--name', 'default',
    '--data-dir', dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `default=${peer}`
  ]
}

async function exited (child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true
  return await Promise.race([
    new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))),
    sleep(ms).then(() => false)
  ])
}

/**
 * Starts one member and waits until it is healthy. A port handed out by freePort can be taken by
 * another process (an outgoing connection's ephemeral port) before the member binds it: a start
 * that fails with EADDRINUSE is retried on fresh ports.
 */
export async function spawnMember (opts: SpawnOptions): Promise<MemberProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnMemberOnce(opts)
    } catch (err) {
      if (attempt >= 3 || !(err as Error).message.includes('EADDRINUSE')) throw err
    }
  }
}

async function spawnMemberOnce (opts: SpawnOptions): Promise<MemberProcess> {
  const dir = mkdtempSync(join(tmpdir(), `conf-${opts.name}-`))
  const dataDir = join(dir, 'data')
  const [clientPort, peerPort] = [await freePort(), await freePort()]
  const [cmd, ...pre] = opts.command
  if (cmd === undefined) throw new Error('empty command')
  const child = spawn(cmd, [...pre, ...singleMemberFlags(dataDir, clientPort, peerPort), ...(opts.extraFlags ?? [])], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  live.add(child)
  child.once('exit', () => live.delete(child))
  let out = ''
  const keep = (b: Buffer): void => { out = (out + b.toString('utf8')).slice(-200_000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const clientURL = `http://127.0.0.1:${clientPort}`
  const stop = async (): Promise<void> => {
    if (!(await exited(child, 0))) {
      child.kill('SIGTERM')
      if (!(await exited(child, 10_000))) {
        child.kill('SIGKILL')
        await exited(child, 5_000)
      }
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const kill = async (): Promise<void> => {
    child.kill('SIGKILL')
    await exited(child, 5_000)
  }
  const member: MemberProcess = { name: opts.name, clientURL, peerURL: `http://127.0.0.1:${peerPort}`, dataDir, child, output: () => out, stop, kill }
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000)
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop()
      throw new Error(`${opts.name} exited during start (code ${String(child.exitCode)}):\n${out.slice(-4000)}`)
    }
    try {
      const r = await request(`${clientURL}/health`, { headersTimeout: 2000, bodyTimeout: 2000 })
      const text = await r.body.text()
      if (r.statusCode === 200 && text.includes('"health":"true"')) return member
    } catch {}
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`${opts.name} not healthy after ${opts.readyTimeoutMs ?? 30_000} ms:\n${out.slice(-4000)}`)
    }
    await sleep(100)
  }
}
