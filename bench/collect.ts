// Builds bench/RESULTS.md from the per-benchmark tables in bench/results/*.md (each written by its
// benchmark together with the command that made it): node --import tsx bench/collect.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('./results/', import.meta.url))
const order = ['gateway', 'ceiling', 'cluster', 'watch', 'raft', 'wal', 'mvcc']
const titles: Record<string, string> = {
  gateway: 'KV gateway: etcd-ts vs etcd 3.4 (single member)',
  ceiling: 'Put ceilings: what Node and Fastify reach here without etcd',
  cluster: 'Three-member cluster',
  watch: 'Watch and lease',
  raft: 'Raft core (in memory)',
  wal: 'WAL',
  mvcc: 'MVCC store and LMDB backend'
}
const files = readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3))
  .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
const parts = [
  '# Benchmark results',
  '',
  'Measured on this project\'s 2-core machine. Every section names the command that produced it;',
  'rerun with `npm run bench <name>` (gateway, raft, wal, mvcc, …) and rebuild this file with',
  '`node --import tsx bench/collect.ts`. The machine was shared with other builds while several of',
  'these ran (each section gives its load average where recorded), so compare ratios measured in',
  'the same run, not absolute figures across sections.',
  ''
]
for (const name of files) {
  const body = readFileSync(`${dir}${name}.md`, 'utf8').trim()
    .split('\n').map((l) => (l.startsWith('#') ? `#${l}` : l)).join('\n')
    .replace(/^## [^\n]*\n/, '')
  parts.push(`## ${titles[name] ?? name}`, '', body, '')
}
writeFileSync(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), parts.join('\n'))
console.log(`wrote bench/RESULTS.md from ${files.length} result files`)
