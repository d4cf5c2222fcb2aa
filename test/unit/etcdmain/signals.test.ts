// Starts the real binary (src/etcdmain/main.ts through tsx) on a temporary data dir and free
// loopback ports, checks that it serves, then stops it with SIGTERM / SIGINT: graceful shutdown,
// exit 0, and (after SIGTERM) the data survives a restart. Three process starts in all.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../..', import.meta.url))

async function freePort (): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

interface Member { child: ChildProcess, client: string, stderr: () => string, exited: Promise<number | null> }

/** Spawns a member and resolves once it logs that it serves clients. */
async function startMember (dataDir: string, extra: string[] = []): Promise<Member> {
  const [cp, pp] = [await freePort(), await freePort()]
  const client = `http://127.0.0.1:${cp}`
  const peer = `http://127.0.0.1:${pp}`
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_')))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/etcdmain/main.ts',
    '--data-dir', dataDir, '--listen-client-urls', client, '--advertise-client-urls', client,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `default=${peer}`, ...extra
  ], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`member did not become ready:\n${err}`)), 30_000)
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString()
      if (err.includes('ready to serve client requests')) { clearTimeout(timer); resolve() }
    })
    exited.then((code) => { clearTimeout(timer); reject(new Error(`member exited with ${String(code)} before ready:\n${err}`)) }, () => {})
  })
  await ready
  return { child, client, stderr: () => err, exited }
}

async function post (url: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(url, { method: 'POST', body: JSON.stringify(body) })
  assert.equal(r.status, 200)
  return await r.json() as Record<string, unknown>
}

describe('etcd-ts binary: signals', () => {
  let dir = ''
  before(() => { dir = mkdtempSync(join(tmpdir(), 'etcd-ts-sig-')) })
  after(() => rmSync(dir, { recursive: true, force: true }))

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: graceful shutdown, exit 0${signal === 'SIGTERM' ? ', data kept' : ''}`, async (t) => {
      const dataDir = join(dir, signal)
      const m = await startMember(dataDir, ['--enable-pprof'])
      t.after(() => { if (m.child.exitCode === null) m.child.kill('SIGKILL') })
      await post(`${m.client}/v3/kv/put`, { key: Buffer.from('k').toString('base64'), value: Buffer.from(signal).toString('base64') })
      const metrics = await (await fetch(`${m.client}/metrics`)).text()
      assert.match(metrics, /^etcd_server_version\{server_version="3\.5\.\d+"\} 1$/m)
      assert.equal((await fetch(`${m.client}/debug/pprof/`)).status, 200)
      m.child.kill(signal)
      assert.equal(await m.exited, 0, m.stderr())
      assert.match(m.stderr(), new RegExp(`"signal":"${signal}".*"msg":"received signal; shutting down"`))
      assert.match(m.stderr(), /"msg":"etcd-ts stopped"/)
      assert.doesNotMatch(m.stderr(), /\n\s+at /)
      if (signal === 'SIGINT') return

      const again = await startMember(dataDir)
      t.after(() => { if (again.child.exitCode === null) again.child.kill('SIGKILL') })
      const r = await post(`${again.client}/v3/kv/range`, { key: Buffer.from('k').toString('base64') })
      const kvs = r.kvs as Array<{ value: string }>
      assert.equal(Buffer.from(kvs[0].value, 'base64').toString(), signal)
      again.child.kill('SIGTERM')
      assert.equal(await again.exited, 0, again.stderr())
    })
  }
})
