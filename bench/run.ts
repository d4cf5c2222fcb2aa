// `npm run bench [name…]`: runs the named benchmarks (default: gateway). Each writes its table to
// bench/results/<name>.md; bench/RESULTS.md collects them with the commands that made them.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const all: Record<string, string> = {
  gateway: 'gateway-bench.ts',
  ceiling: 'ceiling.ts',
  cluster: 'cluster-bench.ts',
  latency: 'latency.ts',
  raft: 'raft-bench.ts',
  wal: 'wal-bench.ts',
  mvcc: 'mvcc-bench.ts',
  watch: 'watch-bench.ts'
}
// Names come first; everything from the first option on goes to each benchmark (`--rounds 5`).
const args = process.argv.slice(2)
const firstOption = args.findIndex((a) => a.startsWith('-'))
const names = firstOption < 0 ? args : args.slice(0, firstOption)
const passthrough = firstOption < 0 ? [] : args.slice(firstOption)
const dir = fileURLToPath(new URL('.', import.meta.url))
let failed = false
for (const name of names.length > 0 ? names : ['gateway']) {
  const file = all[name]
  if (file === undefined) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(all).join(', ')}`)
    process.exit(1)
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', dir + file, ...passthrough], { stdio: 'inherit' })
  if (r.status !== 0) failed = true
}
process.exit(failed ? 1 : 0)
