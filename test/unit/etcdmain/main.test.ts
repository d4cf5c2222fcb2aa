// Runs the real binary entry (src/etcdmain/main.ts through tsx) and checks exit codes and the
// error text on stderr. Only cases that end before startEtcd: they need no data dir or ports.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const main = 'src/etcdmain/main.ts'

interface Result { code: number | null, stdout: string, stderr: string }

function runMain (args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_')))
    const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: root, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** The `msg`/`error` fields of the JSON log lines on stderr. */
function logLines (stderr: string): Array<Record<string, unknown>> {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
}

describe('etcd-ts binary', () => {
  const cases: Array<{ name: string, args: string[], env?: Record<string, string>, code: number, stdout?: RegExp, stderr?: RegExp }> = [
    { name: '--version', args: ['--version'], code: 0, stdout: /^etcd-ts Version: .+\netcd Version: 3\.5\.\d+\nGit SHA: .+\nNode Version: v20\./ },
    { name: '--help', args: ['--help'], code: 0, stdout: /--listen-client-urls 'http:\/\/localhost:2379'/ },
    { name: 'unknown flag', args: ['--bogus'], code: 2, stderr: /^flag provided but not defined: -bogus\n/ },
    { name: 'bad flag value', args: ['--snapshot-count', 'x'], code: 2, stderr: /^invalid value "x" for flag -snapshot-count: parse error\n/ },
    { name: 'invalid configuration', args: ['--election-timeout', '10'], code: 1, stderr: /"error":"--election-timeout\[10ms\] should be at least as 5 times as --heartbeat-interval\[100ms\]","msg":"failed to verify flags"/ },
    { name: 'bad env value', args: [], env: { ETCD_MAX_TXN_OPS: 'lots' }, code: 1, stderr: /"error":"invalid value \\"lots\\" for ETCD_MAX_TXN_OPS: parse error"/ },
    { name: 'flag and env conflict', args: ['--name', 'a'], env: { ETCD_NAME: 'b' }, code: 1, stderr: /conflicting environment variable is shadowed by corresponding command-line flag/ },
    { name: 'missing config file', args: ['--config-file', '/nonexistent/etcd.yml'], code: 1, stderr: /"error":"open \/nonexistent\/etcd\.yml: no such file or directory"/ },
    { name: 'proxy mode', args: ['--proxy', 'readonly', '--data-dir', '/nonexistent/etcd-ts-proxy'], code: 1, stderr: /proxy mode is not built yet/ }
  ]
  for (const c of cases) {
    it(`${c.name} → exit ${c.code}`, async () => {
      const r = await runMain(c.args, c.env)
      assert.equal(r.code, c.code, r.stderr)
      if (c.stdout !== undefined) assert.match(r.stdout, c.stdout)
      if (c.stderr !== undefined) assert.match(r.stderr, c.stderr)
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
      if (c.code === 1) assert.ok(logLines(r.stderr).length > 0, 'errors after parsing are JSON log lines')
    })
  }
})
