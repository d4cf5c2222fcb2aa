// A real multi-process cluster on loopback for the cluster suite: each member is a separate Node
// process running etcdmain (bundled once per test file with esbuild, so a start costs ~2 s
// instead of ~15 s of on-the-fly TypeScript), with its own data dir, free client and peer
// ports and small timeouts. Tests drive it over the JSON gateway and the peer port only.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, mkdirSync, createWriteStream, type WriteStream } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleEtcdMain } from '../framework/bundle.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
/** The bundled etcdmain every member process runs. */
export async function buildMember (): Promise<string> {
  return await bundleEtcdMain('cluster')
}

/** Ports nobody listens on right now (bound to port 0, then released). */
export async function freePorts (n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, async () => await new Promise<import('node:net').Server>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => resolve(s))
  })))
  const ports = servers.map((s) => (s.address() as { port: number }).port)
  await Promise.all(servers.map(async (s) => await new Promise((resolve) => s.close(resolve))))
  return ports
}

export const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** A JSON reply from a member. */
export interface Reply { status: number, body: any }

/** POSTs a JSON body to a member's client URL; network errors become status 0. */
export async function post (base: string, path: string, body: unknown, timeoutMs = 10_000): Promise<Reply> {
  try {
    const res = await fetch(base + path, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) })
    const text = await res.text()
    let parsed: unknown = text
    try { parsed = JSON.parse(text) } catch {}
    return { status: res.status, body: parsed }
  } catch (err) {
    return { status: 0, body: { error: (err as Error).message } }
  }
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64')
export const unb64 = (s: string): string => Buffer.from(s, 'base64').toString()

export interface MemberSpec { name: string, clientPort: number, peerPort: number, peerScheme?: 'http' | 'https' }

export class Member {
  readonly name: string
  readonly dataDir: string
  readonly clientURL: string
  readonly peerURL: string
  args: string[] = []
  proc: ChildProcess | undefined
  #log: WriteStream
  exited: Promise<number | null> = Promise.resolve(null)

  constructor (spec: MemberSpec, dir: string) {
    this.name = spec.name
    this.dataDir = join(dir, spec.name)
    this.clientURL = `http://127.0.0.1:${spec.clientPort}`
    this.peerURL = `${spec.peerScheme ?? 'http'}://127.0.0.1:${spec.peerPort}`
    mkdirSync(dir, { recursive: true })
    this.#log = createWriteStream(join(dir, `${spec.name}.log`), { flags: 'a' })
  }

  get running (): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null
  }

  async start (args: string[], env: Record<string, string> = {}): Promise<void> {
    this.args = args
    const main = await buildMember()
    // CLUSTER_NODE_ARGS: extra node flags for every member (e.g. --cpu-prof when investigating).
    const nodeArgs = (process.env.CLUSTER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '')
    const p = spawn(process.execPath, ['--max-old-space-size=256', ...nodeArgs, main, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, ETCD_TS_FAILPOINTS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    p.stdout?.pipe(this.#log, { end: false })
    p.stderr?.pipe(this.#log, { end: false })
    this.proc = p
    this.exited = new Promise((resolve) => p.once('exit', (code) => resolve(code)))
  }

  async restart (env: Record<string, string> = {}): Promise<void> {
    await this.start(this.args, env)
  }

  /** kill -9. */
  async kill (): Promise<void> {
    if (!this.running) return
    this.proc?.kill('SIGKILL')
    await this.exited
  }

  /** SIGTERM, then SIGKILL if it does not exit within `ms`. */
  async stop (ms = 10_000): Promise<number | null> {
    if (!this.running) return this.proc?.exitCode ?? null
    this.proc?.kill('SIGTERM')
    const t = setTimeout(() => this.proc?.kill('SIGKILL'), ms)
    const code = await this.exited
    clearTimeout(t)
    return code
  }

  /** Reads a metric's value from /metrics (undefined if absent or the member is down). */
  async metric (name: string): Promise<number | undefined> {
    try {
      const res = await fetch(`${this.clientURL}/metrics`, { signal: AbortSignal.timeout(3000) })
      const text = await res.text()
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)
      return m === null ? undefined : Number(m[1])
    } catch {
      return undefined
    }
  }

  async isLeader (): Promise<boolean> {
    return (await this.metric('etcd_server_is_leader')) === 1
  }

  async post (path: string, body: unknown, timeoutMs?: number): Promise<Reply> {
    return await post(this.clientURL, path, body, timeoutMs)
  }

  async put (key: string, value: string): Promise<Reply> {
    return await this.post('/v3/kv/put', { key: b64(key), value: b64(value) })
  }

  /** A linearizable (or serializable) read of one key: its value, or undefined if absent. */
  async get (key: string, serializable = false): Promise<{ status: number, value?: string, body: any }> {
    const r = await this.post('/v3/kv/range', { key: b64(key), serializable })
    const kv = r.status === 200 ? r.body.kvs?.[0] : undefined
    return { status: r.status, value: kv === undefined ? undefined : unb64(kv.value ?? ''), body: r.body }
  }

  /** The member ID (decimal string) from a response header. */
  async id (): Promise<string> {
    const r = await this.get('health-probe', true)
    return r.body.header.member_id
  }

  /** Arms a failpoint (src/pkg/failpoint.ts) in the running process; '' disarms them all. */
  async armFailpoint (name: string): Promise<void> {
    const res = await fetch(`${this.peerURL}/debug/failpoint`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name })
    })
    if (res.status !== 200) throw new Error(`failpoint ${name}: ${res.status} ${await res.text()}`)
  }

  /** Drops (probability `drop`) or delays every raft message this member sends; zeros heal. */
  async flaky (drop: number, delayMs: number, jitterMs: number, seed = 1): Promise<void> {
    const res = await fetch(`${this.peerURL}/debug/fault/flaky`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ drop, delayMs, jitterMs, seed })
    })
    if (res.status !== 200) throw new Error(`flaky failed: ${res.status} ${await res.text()}`)
  }

  /** Sets the test fault rule: drop raft traffic to and from these members (hex IDs). */
  async partition (peerHexIds: string[], direction: 'both' | 'send' | 'receive' = 'both'): Promise<void> {
    const res = await fetch(`${this.peerURL}/debug/fault/partition`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ peers: peerHexIds, direction })
    })
    if (res.status !== 200) throw new Error(`partition failed: ${res.status} ${await res.text()}`)
  }
}

export interface ClusterOptions {
  size: number
  heartbeatMs?: number
  electionMs?: number
  snapshotCount?: number
  catchUpEntries?: number
  extraArgs?: string[]
  /** https peer URLs (give the --peer-* TLS flags in extraArgs). */
  peerTLS?: boolean
}

/** Waits until `f` returns a value other than undefined, polling every `every` ms. */
export async function waitFor<T> (what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000, every = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(every)
  }
}

export class Cluster {
  readonly dir: string
  readonly members: Member[] = []
  readonly o: Required<ClusterOptions>
  readonly token = 'etcd-ts-cluster-test'

  constructor (o: ClusterOptions) {
    this.o = { heartbeatMs: 50, electionMs: 500, snapshotCount: 10_000, catchUpEntries: 5000, extraArgs: [], peerTLS: false, ...o }
    this.dir = mkdtempSync(join(tmpdir(), 'etcd-ts-cluster-'))
  }

  /** Allocates ports for a new member (not started). */
  async newMember (name: string): Promise<Member> {
    const [clientPort, peerPort] = await freePorts(2)
    const m = new Member({ name, clientPort, peerPort, peerScheme: this.o.peerTLS ? 'https' : 'http' }, this.dir)
    this.members.push(m)
    return m
  }

  memberArgs (m: Member, initialCluster: string, state: 'new' | 'existing'): string[] {
    const o = this.o
    return [
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientURL,
      '--advertise-client-urls', m.clientURL,
      '--listen-peer-urls', m.peerURL,
      '--initial-advertise-peer-urls', m.peerURL,
      '--initial-cluster', initialCluster,
      '--initial-cluster-state', state,
      '--initial-cluster-token', this.token,
      '--heartbeat-interval', String(o.heartbeatMs),
      '--election-timeout', String(o.electionMs),
      '--snapshot-count', String(o.snapshotCount),
      '--experimental-snapshot-catchup-entries', String(o.catchUpEntries),
      '--log-level', 'info',
      ...o.extraArgs
    ]
  }

  /** Starts `size` members as a new cluster and waits for a leader. */
  async start (): Promise<void> {
    for (let i = 1; i <= this.o.size; i++) await this.newMember(`m${i}`)
    const ic = this.members.map((m) => `${m.name}=${m.peerURL}`).join(',')
    await Promise.all(this.members.map(async (m) => await m.start(this.memberArgs(m, ic, 'new'))))
    await this.waitLeader(this.running(), 30_000 * Math.max(1, this.o.size - 2))
  }

  running (): Member[] {
    return this.members.filter((m) => m.running)
  }

  /** Waits until exactly one of `among` reports being leader and every one of them sees a leader. */
  async waitLeader (among: Member[] = this.running(), timeoutMs = 30_000): Promise<Member> {
    return await waitFor('a leader', async () => {
      const flags = await Promise.all(among.map(async (m) => [await m.metric('etcd_server_is_leader'), await m.metric('etcd_server_has_leader')]))
      const leaders = among.filter((_m, i) => flags[i][0] === 1)
      if (leaders.length !== 1 || flags.some((f) => f[1] !== 1)) return undefined
      return leaders[0]
    }, timeoutMs)
  }

  async leader (): Promise<Member | undefined> {
    for (const m of this.running()) if (await m.isLeader()) return m
    return undefined
  }

  /** Stops every member and removes the data dirs (unless KEEP_CLUSTER_DIRS is set). */
  async destroy (): Promise<void> {
    await Promise.all(this.members.map(async (m) => await m.kill()))
    if (process.env.KEEP_CLUSTER_DIRS === undefined) rmSync(this.dir, { recursive: true, force: true })
  }
}
