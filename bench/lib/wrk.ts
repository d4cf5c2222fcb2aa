// Runs wrk (Debian's package) with a generated Lua script that POSTs gateway JSON bodies, and
// parses its throughput and latency percentiles.
import { spawnSync } from 'node:child_process'
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
    'request = function()',
    '  i = i + 1',
    `  return wrk.format("POST", "${path}", { ["Content-Type"] = "application/json" }, bodies[(i % n) + 1])`,
    'end',
    'done = function(summary, latency, requests)',
    '  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests,',
    '    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,',
    '    summary.errors.status, latency:percentile(50), latency:percentile(99), summary.duration))',
    'end',
    ''
  ].join('\n')
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
