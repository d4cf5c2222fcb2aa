// Runs wrk (Debian's package) with a generated Lua script that POSTs gateway JSON bodies, and
// parses its throughput and latency percentiles.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface WrkResult {
  requestsPerSec: number
  p50ms: number
  p99ms: number
  requests: number
  errors: number
}

/** Lua source that cycles through `bodies` for POSTs to `path`. */
function luaScript (path: string, bodies: string[]): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
  return [
    'local bodies = {',
    ...bodies.map((b) => `  "${esc(b)}",`),
    '}',
    'local n = #bodies',
    'local i = 0',
    // Every request is formatted once up front; request() only picks the next one, so the
    // client spends its CPU on the socket work (a per-request wrk.format capped even a trivial
    // server at ~11k req/s on this machine, 20k with ready-made requests).
    'local reqs = nil',
    'request = function()',
    '  if reqs == nil then',
    '    reqs = {}',
    `    for j = 1, n do reqs[j] = wrk.format("POST", "${path}", { ["Content-Type"] = "application/json" }, bodies[j]) end`,
    '  end',
    '  i = i + 1',
    '  return reqs[(i % n) + 1]',
    'end',
    'done = function(summary, latency, requests)',
    '  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests,',
    '    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,',
    '    summary.errors.status, latency:percentile(50), latency:percentile(99), summary.duration))',
    'end',
    ''
  ].join('\n')
}

function parseResult (stdout: string): WrkResult {
  const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(stdout)
  if (m === null) throw new Error(`could not parse wrk output:\n${stdout}`)
  const [requests, sockErrors, statusErrors, p50us, p99us, durationUs] = m.slice(1).map(Number)
  return { requests, errors: sockErrors + statusErrors, requestsPerSec: requests / (durationUs / 1e6), p50ms: p50us / 1000, p99ms: p99us / 1000 }
}

/** runWrk without blocking the event loop, so several can run at once (one per cluster member). */
export async function runWrkAsync (url: string, path: string, bodies: string[], connections: number, seconds: number): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-'))
  const script = join(dir, 'bench.lua')
  writeFileSync(script, luaScript(path, bodies))
  const child = spawn('wrk', ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`wrk failed: ${err}`)
  return parseResult(out)
}

/**
 * Spreads `connections` over several URLs (one wrk each, at the same time) and sums throughput;
 * the percentiles are the worst of the parts.
 */
export async function runWrkSpread (urls: string[], path: string, bodies: string[], connections: number, seconds: number): Promise<WrkResult> {
  const per = urls.map((_u, i) => Math.floor(connections / urls.length) + (i < connections % urls.length ? 1 : 0))
  const parts = await Promise.all(urls.map(async (u, i) => await runWrkAsync(u, path, bodies, per[i], seconds)))
  return {
    requests: parts.reduce((s, p) => s + p.requests, 0),
    errors: parts.reduce((s, p) => s + p.errors, 0),
    requestsPerSec: parts.reduce((s, p) => s + p.requestsPerSec, 0),
    p50ms: Math.max(...parts.map((p) => p.p50ms)),
    p99ms: Math.max(...parts.map((p) => p.p99ms))
  }
}

export function runWrk (url: string, path: string, bodies: string[], connections: number, seconds: number): WrkResult {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-'))
  const script = join(dir, 'bench.lua')
  writeFileSync(script, luaScript(path, bodies))
  const threads = connections > 1 ? 2 : 1
  const r = spawnSync('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', script, url],
    { encoding: 'utf8', timeout: (seconds + 30) * 1000 })
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`)
  const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(r.stdout)
  if (m === null) throw new Error(`could not parse wrk output:\n${r.stdout}`)
  const [requests, sockErrors, statusErrors, p50us, p99us, durationUs] = m.slice(1).map(Number)
  return {
    requests,
    errors: sockErrors + statusErrors,
    requestsPerSec: requests / (durationUs / 1e6),
    p50ms: p50us / 1000,
    p99ms: p99us / 1000
  }
}
