// Non-negotiable 4: every acknowledged write survives kill -9. A real etcd-ts process takes
// concurrent puts over the gateway, is SIGKILLed at a random moment, and restarts from its data
// dir; every put it acknowledged must be there with its value. Several rounds on one data dir.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { freePort } from '../framework/ports.js'
import { singleMemberFlags } from '../framework/process.js'
import { repoRoot } from '../framework/targets.js'

const b64 = (s: string): string => Buffer.from(s).toString('base64')

async function post (url: string, body: unknown): Promise<{ status: number, json: any }> {
  const r = await request(url, { method: 'POST', body: JSON.stringify(body), headersTimeout: 10_000, bodyTimeout: 10_000 })
  return { status: r.statusCode, json: await r.body.json() }
}

async function startMember (flags: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/etcdmain/main.ts'), ...flags, '--log-level', 'error'],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr?.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000) })
  const url = flags[flags.indexOf('--listen-client-urls') + 1]
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`member exited during start:\n${err}`)
    try {
      const r = await request(`${url}/health`, { headersTimeout: 2000, bodyTimeout: 2000 })
      if (r.statusCode === 200 && (await r.body.text()).includes('"true"')) return child
      else await r.body.dump()
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`member not healthy in time:\n${err}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function kill9 (child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

describe('durability under kill -9', () => {
  it('keeps every acknowledged put across repeated SIGKILLs under concurrent load', { timeout: 240_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'durability-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const flags = singleMemberFlags(join(dir, 'data'), await freePort(), await freePort())
    const url = flags[flags.indexOf('--listen-client-urls') + 1]
    const acked = new Map<string, string>()
    // A put in flight when the process died is indeterminate: it may or may not have committed.
    const inflight = new Map<string, string>()
    const check = (key: string, got: string | undefined, when: string): void => {
      const ok = got === b64(acked.get(key) ?? '') || (inflight.has(key) && got === b64(inflight.get(key) ?? ''))
      assert.ok(ok, `${when}: acknowledged key ${key} lost or stale (got ${String(got)}, acked ${acked.get(key)}, in flight ${String(inflight.get(key))})`)
    }
    const rounds = 4
    let seq = 0
    for (let round = 0; round < rounds; round++) {
      const child = await startMember(flags)
      // Everything acknowledged in earlier rounds is still there, with the last acknowledged value.
      for (const key of acked.keys()) {
        const r = await post(`${url}/v3/kv/range`, { key: b64(key) })
        assert.equal(r.status, 200)
        check(key, r.json.kvs?.[0]?.value, `round ${round}`)
        // What is there now is settled: it is the value later rounds must find.
        const now = Buffer.from(r.json.kvs[0].value, 'base64').toString()
        acked.set(key, now)
      }
      inflight.clear()
      const state = { stop: false }
      const writers = Array.from({ length: 16 }, async (_, w) => {
        while (!state.stop) {
          const n = seq++
          const key = `w${w}/k${n % 50}`
          const value = `r${round}-${n}`
          inflight.set(key, value)
          try {
            const r = await post(`${url}/v3/kv/put`, { key: b64(key), value: b64(value) })
            if (r.status === 200) {
              acked.set(key, value)
              inflight.delete(key)
            }
          } catch {
            return // the process is gone
          }
        }
      })
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 1200)))
      await kill9(child)
      state.stop = true
      await Promise.all(writers)
    }
    assert.ok(acked.size > 50, `too few acknowledged writes to mean anything (${acked.size})`)
    const child = await startMember(flags)
    t.after(() => kill9(child))
    for (const key of acked.keys()) {
      const r = await post(`${url}/v3/kv/range`, { key: b64(key) })
      check(key, r.json.kvs?.[0]?.value, 'after the last kill')
    }
  })
})
