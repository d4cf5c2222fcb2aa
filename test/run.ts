// Collects the *.test.ts files of one or more suites (folders under test/) and runs them with
// node's test runner through tsx. Node 20's --test neither expands globs nor finds .ts files in
// folders, so this is the one place that lists them. Extra flags after `--`:
//   --seeds N     exported as RAFT_SIM_SEEDS for the raft simulator
//   --only PATTERN  run only files whose path contains PATTERN
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const suites: string[] = []
const env = { ...process.env }
let only: string | undefined
let concurrency = process.env.TEST_CONCURRENCY

for (let i = 0; i < args.length; i++) {
  const a = args[i]
  if (a === '--') continue
  if (a === '--seeds') env.RAFT_SIM_SEEDS = args[++i]
  else if (a === '--only') only = args[++i]
  else if (a === '--concurrency') concurrency = args[++i]
  else suites.push(a)
}

function collect (dir: string): string[] {
  const abs = join(root, 'test', dir)
  if (!statSync(abs, { throwIfNoEntry: false })?.isDirectory()) return []
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => relative(root, join(abs, f)))
    .sort()
}

const files = suites.flatMap(collect).filter((f) => only === undefined || f.includes(only))
if (files.length === 0) {
  console.error(`no test files found for suites: ${suites.join(', ')}`)
  process.exit(1)
}
// --test-force-exit: a test that leaks a handle (a socket, a timer) fails, it does not hang CI.
const nodeArgs = ['--import', 'tsx', '--test', '--test-force-exit']
if (concurrency !== undefined) nodeArgs.push(`--test-concurrency=${concurrency}`)
const r = spawnSync(process.execPath, [...nodeArgs, ...files], { cwd: root, env, stdio: 'inherit' })
process.exit(r.status ?? 1)
