// Runs conformance cases against every selected target and compares: each step goes to every
// target in turn, answers are normalized (normalize.ts), targets must agree with the reference
// (the first target), and every target must meet the step's expectation.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { GatewayClient } from '../framework/client.js'
import type { MemberProcess } from '../framework/process.js'
import { selectedTargets, type Target } from '../framework/targets.js'
import type { Case, Expect, Step } from './cases.js'
import { normalize, type Normalized } from './normalize.js'

interface Running {
  target: Target
  member: MemberProcess
  client: GatewayClient
  peer: GatewayClient
  /** Values captured from this target's answers (Step.capture), for `{{name}}` in later bodies. */
  vars: Map<string, string>
}

/** The value at a dotted path (`members.0.ID`) of a JSON text, as text; numbers keep every digit. */
function pick (text: string, path: string): string | undefined {
  // 64-bit IDs may be bare numbers above 2^53: quote them before parsing so no digit is lost.
  let v: unknown = JSON.parse(text.replace(/(?<=[:,[]\s*)(-?\d{16,})(?=\s*[,}\]])/g, '"$1"'))
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string, unknown>)[k]
  }
  return v === undefined ? undefined : String(v)
}

function fill (body: unknown, vars: Map<string, string>): unknown {
  if (body === undefined) return undefined
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return text.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const v = vars.get(name)
    if (v === undefined) throw new Error(`no captured value {{${name}}}`)
    return v
  })
}

function checkExpect (where: string, n: Normalized, e: Expect): void {
  if (e.status !== undefined) assert.equal(n.status, e.status, `${where}: status (body ${n.body.slice(0, 300)})`)
  if (e.json !== undefined) assert.deepEqual(n.json, e.json, `${where}: body`)
  if (e.text !== undefined) assert.equal(n.body, e.text, `${where}: text`)
  if (e.contentType !== undefined) assert.equal(n.contentType, e.contentType, `${where}: content-type`)
  if (e.cors !== undefined) assert.equal(n.cors, e.cors ?? undefined, `${where}: CORS headers`)
  for (const s of e.contains ?? []) assert.ok(n.body.includes(s), `${where}: body ${n.body.slice(0, 400)} lacks ${s}`)
}

function describeStep (s: Step): string {
  const body = s.body === undefined ? '' : typeof s.body === 'string' ? s.body : JSON.stringify(s.body)
  return `${s.method ?? 'POST'} ${s.path} ${body.length > 120 ? body.slice(0, 120) + '…' : body}`
}

/** Registers one describe() per suite: starts the targets once, one it() per case. */
export function runCases (suite: string, cases: readonly Case[], extraFlags: readonly string[] = []): void {
  const targets = selectedTargets()
  describe(`conformance ${suite} [${targets.map((t) => t.name).join(' vs ')}]`, () => {
    const running: Running[] = []
    before(async () => {
      assert.ok(targets.length > 0, 'no conformance target available')
      const members = await Promise.all(targets.map(async (t) => await t.start(extraFlags)))
      for (const [i, member] of members.entries()) {
        running.push({ target: targets[i] as Target, member, client: new GatewayClient(member.clientURL), peer: new GatewayClient(member.peerURL), vars: new Map() })
      }
    }, { timeout: 120_000 })
    after(async () => {
      for (const r of running) {
        await r.client.close()
        await r.peer.close()
        await r.member.stop()
      }
    })

    for (const c of cases) {
      it(`${c.id}: ${c.title}`, { timeout: 120_000 }, async () => {
        const connectionDrop = c.differences?.includes('N1') ?? false
        for (const [i, step] of c.steps.entries()) {
          const where = `case ${c.id} step ${i + 1} (${describeStep(step)})`
          const answers: Normalized[] = []
          for (const r of running) {
            if (step.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, step.delayMs))
            const raw = await (step.peer === true ? r.peer : r.client).request(step.path, { method: step.method, body: fill(step.body, r.vars), headers: step.headers })
            for (const [name, path] of Object.entries(step.capture ?? {})) {
              const v = 'text' in raw ? pick(raw.text, path) : undefined
              assert.ok(v !== undefined, `${where} [${r.target.name}]: nothing at ${path} to capture`)
              r.vars.set(name, v)
            }
            answers.push(normalize(raw, r.target.reference, { clientURL: r.member.clientURL, peerURL: r.member.peerURL }))
          }
          for (const [k, n] of answers.entries()) {
            const r = running[k] as Running
            if (connectionDrop && r.target.reference) {
              // Difference N1: the reference drops the connection where we answer.
              assert.equal(n.status, 0, `${where} [${r.target.name}]: expected the connection to be dropped`)
              continue
            }
            if (step.expect !== undefined) checkExpect(`${where} [${r.target.name}]`, n, step.expect)
          }
          const ref = answers[0] as Normalized
          for (let k = 1; k < answers.length; k++) {
            if (connectionDrop || step.differences !== undefined || step.volatile === true) continue
            const n = answers[k] as Normalized
            const name = (running[k] as Running).target.name
            assert.deepEqual(
              { status: n.status, contentType: n.contentType, grpcContentType: n.grpcContentType, cors: n.cors, body: n.body },
              { status: ref.status, contentType: ref.contentType, grpcContentType: ref.grpcContentType, cors: ref.cors, body: ref.body },
              `${where}: ${name} differs from ${(running[0] as Running).target.name}`)
          }
        }
      })
    }
  })
}
