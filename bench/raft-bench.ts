// Raft core benchmark (not a test): entries committed per second through a 3-node in-memory
// group with 1, 16 and 256 proposals in flight, and election time in ticks. Each node is a real
// RawNode over a MemoryStorage; a synchronous loop persists each Ready to the storage, applies
// its committed entries, advances, and delivers messages in FIFO order (no IO, no encoding: this
// measures the consensus core alone).
//   node --import tsx bench/raft-bench.ts [--seconds 2] [--size 128] [--elections 2000] [--out bench/results/raft.md]
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { MemoryStorage, RawNode, StateType } from '../src/raft/index.js'
import type { Message, NodeID } from '../src/raft/index.js'

const args = process.argv.slice(2)
function arg (name: string, def: string): string {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : def
}
const seconds = Number(arg('seconds', '2'))
const size = Number(arg('size', '128'))
const elections = Number(arg('elections', '2000'))
const out = arg('out', '')

interface Node { id: NodeID, rn: RawNode, storage: MemoryStorage, applied: number }

function group (n: number, seed: number, preVote: boolean): Node[] {
  const ids = Array.from({ length: n }, (_, i) => BigInt(i + 1))
  return ids.map((id) => {
    const storage = new MemoryStorage({ voters: ids, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false })
    const rn = new RawNode({
      id,
      storage,
      electionTick: 10,
      heartbeatTick: 1,
      preVote,
      checkQuorum: true,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 256,
      seed: seed * 31 + Number(id)
    })
    return { id, rn, storage, applied: 0 }
  })
}

/** One round: every node handles its Ready; then every queued message is delivered once. */
function pump (nodes: Node[], byID: Map<NodeID, Node>, queue: Message[]): Message[] {
  for (const n of nodes) {
    while (n.rn.hasReady()) {
      const rd = n.rn.ready()
      if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState)
      n.storage.append(rd.entries)
      for (const m of rd.messages) queue.push(m)
      for (const e of rd.committedEntries) if (e.data.length > 0) n.applied++
      n.rn.advance()
    }
  }
  const next: Message[] = []
  for (const m of queue) byID.get(m.to)?.rn.step(m)
  return next
}

function leaderOf (nodes: Node[]): Node | undefined {
  return nodes.find((n) => n.rn.raft.state === StateType.StateLeader)
}

function throughput (inflight: number): { perSec: number, committed: number, ms: number } {
  const nodes = group(3, 1, true)
  const byID = new Map(nodes.map((n) => [n.id, n]))
  let queue: Message[] = []
  nodes[0].rn.campaign()
  for (let i = 0; i < 20 && leaderOf(nodes) === undefined; i++) queue = pump(nodes, byID, queue)
  const lead = leaderOf(nodes)
  if (lead === undefined) throw new Error('no leader')
  const payload = new Uint8Array(size).fill(7)
  let proposed = 0
  const start = performance.now()
  const base = lead.applied
  let ticks = 0
  while (performance.now() - start < seconds * 1000) {
    for (let k = 0; k < 50; k++) {
      while (proposed - (lead.applied - base) < inflight) {
        lead.rn.propose(payload)
        proposed++
      }
      queue = pump(nodes, byID, queue)
      // Keep the group alive (heartbeats, check quorum) at a nominal rate.
      if (++ticks % 10 === 0) for (const n of nodes) n.rn.tick()
    }
  }
  const ms = performance.now() - start
  const committed = lead.applied - base
  // Every follower applied the same entries (minus what is still in flight).
  for (const n of nodes) if (n.applied < committed - inflight - 1) throw new Error(`node ${n.id} fell behind`)
  return { perSec: committed / (ms / 1000), committed, ms }
}

function electionTicks (preVote: boolean): { mean: number, p50: number, p99: number, min: number, max: number } {
  const samples: number[] = []
  for (let s = 1; s <= elections; s++) {
    const nodes = group(3, s, preVote)
    const byID = new Map(nodes.map((n) => [n.id, n]))
    let queue: Message[] = []
    let ticks = 0
    while (leaderOf(nodes) === undefined) {
      for (const n of nodes) n.rn.tick()
      ticks++
      for (let i = 0; i < 8; i++) queue = pump(nodes, byID, queue)
      if (ticks > 1000) throw new Error(`seed ${s}: no leader after 1000 ticks`)
    }
    samples.push(ticks)
  }
  samples.sort((a, b) => a - b)
  const q = (p: number): number => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]
  return { mean: samples.reduce((a, b) => a + b, 0) / samples.length, p50: q(0.5), p99: q(0.99), min: samples[0], max: samples[samples.length - 1] }
}

const rows: string[] = []
for (const inflight of [1, 16, 256]) {
  throughput(inflight) // warm-up (JIT)
  const r = throughput(inflight)
  rows.push(`| ${inflight} | ${Math.round(r.perSec).toLocaleString('en-US')} | ${r.committed.toLocaleString('en-US')} in ${(r.ms / 1000).toFixed(1)} s |`)
  console.log(`inflight ${inflight}: ${Math.round(r.perSec)} entries/s`)
}
const el = [false, true].map((pv) => ({ pv, r: electionTicks(pv) }))
for (const { pv, r } of el) console.log(`election (preVote=${pv}): mean ${r.mean.toFixed(1)} ticks, p50 ${r.p50}, p99 ${r.p99}`)

const md = `# Raft core benchmark

Command: \`node --import tsx bench/raft-bench.ts --seconds ${seconds} --size ${size} --elections ${elections}${out !== '' ? ` --out ${out}` : ''}\`

Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other work shares this machine).

A 3-node group of real RawNodes over MemoryStorage in one process; each loop round every node
handles its Ready (persist to MemoryStorage, apply, advance) and every queued message is
delivered once. No disk, no network, no encoding: the figures bound what the consensus core
itself costs. Payload ${size} bytes, maxSizePerMsg 1 MiB, maxInflightMsgs 256, pre-vote and
check quorum on; entries are counted when the leader applies them.

## Entries committed per second

| proposals in flight | entries/s (leader applied) | measured |
| --- | --- | --- |
${rows.join('\n')}

## Election time

Fresh 3-node groups (one per seed, ${elections} seeds), electionTick 10, heartbeatTick 1: every
node ticks once per round and messages are delivered between ticks. Ticks from start until a
leader exists (the randomized timeout alone is 10–19 ticks). The seeds fix each node's
randomized timeouts, so both rows see the same draws: pre-vote's extra round trip completes
within the same tick, hence identical tick counts. Split votes account for the tail.

| pre-vote | mean ticks | p50 | p99 | min | max |
| --- | --- | --- | --- | --- | --- |
${el.map(({ pv, r }) => `| ${pv ? 'on' : 'off'} | ${r.mean.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.min} | ${r.max} |`).join('\n')}
`
if (out !== '') writeFileSync(out, md)
else console.log(md)
