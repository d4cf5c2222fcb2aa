// A conformance runner for the streamed and blocking services (watch, lease keep-alive, lock,
// election): each case is a script run against every target in turn (same requests, same order,
// so revisions line up); it asserts what the reference says must hold and returns a transcript
// of normalized answers, which must be identical across targets. Known differences with the
// Debian 3.4 build (spec table) are handled in the scripts, keyed on `reference`.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { MemberProcess } from '../framework/process.js'
import { selectedTargets, type Target } from '../framework/targets.js'
import { StreamClient } from '../integration/watch-helper.js'

export interface Answer {
  status: number
  text: string
  json: any
}

export interface Ctx {
  readonly target: Target
  readonly reference: boolean
  readonly url: string
  /** POST with a JSON (or raw string) body; a code-9 412 of the reference reads as 400 (row 1). */
  post (path: string, body?: unknown): Promise<Answer>
  /** A streamed POST whose body stays open; destroyed after the case. */
  stream (path: string, first?: unknown): StreamClient
}

export interface StreamCase {
  id: string
  title: string
  run (c: Ctx): Promise<unknown[]>
}

const PLACEHOLDERS: Readonly<Record<string, string>> = { cluster_id: '<cid>', member_id: '<mid>', raft_term: '<term>' }

/** Replaces the IDs and term that differ between members. */
export function norm (v: any): any {
  if (Array.isArray(v)) return v.map(norm)
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = PLACEHOLDERS[k] ?? norm(x)
    return out
  }
  return v
}

export function runStreamCases (suite: string, cases: readonly StreamCase[], extraFlags: readonly string[] = []): void {
  const targets = selectedTargets()
  describe(`conformance ${suite} [${targets.map((t) => t.name).join(' vs ')}]`, () => {
    const members: MemberProcess[] = []
    before(async () => {
      assert.ok(targets.length > 0, 'no conformance target available')
      members.push(...await Promise.all(targets.map(async (t) => await t.start(extraFlags))))
    }, { timeout: 120_000 })
    after(async () => {
      for (const m of members) await m.stop()
    })
    for (const c of cases) {
      it(`${c.id}: ${c.title}`, { timeout: 120_000 }, async () => {
        const transcripts: unknown[][] = []
        for (const [i, target] of targets.entries()) {
          const url = (members[i] as MemberProcess).clientURL.replace(/\/$/, '')
          const open: StreamClient[] = []
          const ctx: Ctx = {
            target,
            reference: target.reference,
            url,
            post: async (path, body) => {
              const res = await fetch(url + path, { method: 'POST', body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) })
              const text = await res.text()
              let json: any
              try { json = JSON.parse(text) } catch {}
              let status = res.status
              if (target.reference && status === 412 && json?.code === 9) status = 400
              return { status, text, json }
            },
            stream: (path, first) => {
              const s = new StreamClient(url, path, first)
              open.push(s)
              return s
            }
          }
          try {
            transcripts.push(await c.run(ctx))
          } catch (err) {
            throw new Error(`[${target.name}] ${(err as Error).message}`, { cause: err })
          } finally {
            for (const s of open) s.destroy()
          }
        }
        for (let k = 1; k < transcripts.length; k++) {
          assert.deepEqual(transcripts[k], transcripts[0], `${(targets[k] as Target).name} differs from ${(targets[0] as Target).name}`)
        }
      })
    }
  })
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64')
export const unb64 = (s: string): string => Buffer.from(s, 'base64').toString()

/** Status and normalized body, with lease-named keys, lease IDs and revisions made comparable. */
export function shape (a: Answer, leases: string[] = []): unknown {
  let text = JSON.stringify(norm(a.json ?? a.text))
  for (const l of leases) text = text.split(`"${l}"`).join('"<lease>"')
  const v = JSON.parse(text, (k, x) => (k === 'key' && typeof x === 'string' ? unb64(x).replace(/\/-?[0-9a-f]+$/, '/<lease>') : x))
  return [a.status, v]
}
