// Robustness scenarios (design/raft-and-reliability.md §6): a fresh 3-member cluster of real
// processes on loopback, etcd's default timing (100 ms ticks, 1 s election timeout), recorded
// traffic before, during and after one fault, then the checks: the history is linearizable against
// the committed log, no acknowledged write is lost, every member holds the same log and the same
// key-value hash. The seed is printed; ROBUSTNESS_SEED replays one.
import { describe, it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { Cluster, sleep, waitFor, type ClusterOptions, type Member } from '../cluster/harness.js'
import { StreamClient } from '../integration/watch-helper.js'
import { checkHistory, checkLeases, checkWatch } from './checker.js'
import { logEventOf, type LogEvent } from './history.js'
import { Traffic } from './traffic.js'

const hexId = async (m: Member): Promise<string> => BigInt(await m.id()).toString(16)

async function isolate (m: Member, others: Member[]): Promise<void> {
  const ids = await Promise.all(others.map(hexId))
  await m.partition(ids)
  const mine = await hexId(m)
  for (const o of others) await o.partition([mine])
}

/** The committed log as `m` has it: a watch from revision 1 read up to `upTo`. */
async function committedLog (m: Member, upTo: bigint): Promise<LogEvent[]> {
  const s = new StreamClient(m.clientURL, '/v3/watch', { create_request: { key: 'AA==', range_end: 'AA==', start_revision: '1' } })
  try {
    const out: LogEvent[] = []
    let last = 1n
    while (last < upTo) {
      const line = await s.next(10_000)
      for (const e of line.result?.events ?? []) {
        const ev = logEventOf(e)
        out.push(ev)
        last = ev.revision
      }
    }
    return out
  } finally {
    s.destroy()
  }
}

interface Scenario {
  name: string
  /** Cluster options beyond the defaults (etcd's timing). */
  cluster?: Partial<ClusterOptions>
  /** Runs while the traffic goes on; returns once the cluster should be whole again. */
  fault (c: Cluster, seed: number): Promise<void>
  /** Checks of its own, after the common ones. */
  verify? (c: Cluster): Promise<void>
}

/**
 * Arms `point` in `m`, waits for the process to die there (or gives up after 8 s and disarms),
 * and restarts it a second later. Returns whether it fired.
 */
async function crashAt (m: Member, point: string): Promise<boolean> {
  await m.armFailpoint(point)
  const fired = await Promise.race([m.exited.then(() => true), sleep(8000).then(() => false)])
  if (!fired) {
    await m.armFailpoint('')
    return false
  }
  await sleep(1000)
  await m.restart()
  return true
}

/** S15's quota: a fresh member's backend is ~50-80 KiB, so a few hundred puts reach it. */
const smallQuota = 160 * 1024

const leaderPoints = ['beforeLeaderSend', 'beforeWalSave', 'afterWalSave', 'beforeApply', 'beforeDbCommit', 'beforeSnapshotSave', 'afterSnapshotSave']
const followerPoints = ['beforeFollowerSend', 'beforeWalSave', 'afterWalSave', 'beforeApply', 'beforeDbCommit', 'beforeSnapshotSave', 'afterSnapshotSave']

const scenarios: Scenario[] = [
  { name: 'S0 baseline, no fault', fault: async () => await sleep(5000) },
  {
    name: 'S1 kill -9 the leader, restart it 2 s later',
    fault: async (c) => {
      const leader = await c.waitLeader()
      await leader.kill()
      await sleep(2000)
      await leader.restart()
    }
  },
  {
    name: 'S2 kill -9 a follower, restart it 2 s later',
    fault: async (c) => {
      const leader = await c.waitLeader()
      const f = c.members.find((m) => m !== leader) as Member
      await f.kill()
      await sleep(2000)
      await f.restart()
    }
  },
  {
    name: 'S3 kill -9 every member, restart them together',
    fault: async (c) => {
      await Promise.all(c.members.map(async (m) => await m.kill()))
      await sleep(1000)
      await Promise.all(c.members.map(async (m) => await m.restart()))
    }
  },
  {
    name: 'S5 crash the leader, then a follower, each at a failpoint the seed picks',
    cluster: { snapshotCount: 150, catchUpEntries: 50 },
    fault: async (c, seed) => {
      const leader = await c.waitLeader()
      const p1 = leaderPoints[seed % leaderPoints.length]
      assert.ok(await crashAt(leader, p1), `the leader never reached ${p1}`)
      const lead2 = await c.waitLeader(c.members, 30_000)
      const f = c.members.find((m) => m !== lead2) as Member
      const p2 = followerPoints[(seed * 3 + 1) % followerPoints.length]
      assert.ok(await crashAt(f, p2), `the follower never reached ${p2}`)
    }
  },
  {
    name: 'S6 SIGSTOP the leader for 3 s',
    fault: async (c) => {
      const leader = await c.waitLeader()
      leader.proc?.kill('SIGSTOP')
      await sleep(3000)
      leader.proc?.kill('SIGCONT')
    }
  },
  {
    name: 'S8 isolate the leader from both followers for 4 s',
    fault: async (c) => {
      const leader = await c.waitLeader()
      await isolate(leader, c.members.filter((m) => m !== leader))
      await sleep(4000)
      for (const m of c.members) await m.partition([])
    }
  },
  {
    name: 'S12 isolate a follower while the leader snapshots and compacts its log; it catches up by snapshot',
    cluster: { snapshotCount: 100, catchUpEntries: 50 },
    fault: async (c) => {
      const leader = await c.waitLeader()
      const f = c.members.find((m) => m !== leader) as Member
      await isolate(f, c.members.filter((m) => m !== f))
      const before = await leader.metric('etcd_debugging_snap_save_total_duration_seconds_count') ?? 0
      await waitFor('the leader to snapshot twice', async () => ((await leader.metric('etcd_debugging_snap_save_total_duration_seconds_count')) ?? 0) >= before + 2 ? true : undefined, 30_000, 200)
      for (const m of c.members) await m.partition([])
    },
    verify: async (c) => {
      const received = await Promise.all(c.members.map(async (m) => (await m.metric('etcd_network_snapshot_receive_success')) ?? 0))
      assert.ok(received.some((n) => n >= 1), `no member received a snapshot: ${received.join(', ')}`)
    }
  },
  {
    name: 'S10 one-way cut: the leader sends but receives nothing for 5 s (it must step down by CheckQuorum)',
    fault: async (c) => {
      const leader = await c.waitLeader()
      const followers = c.members.filter((m) => m !== leader)
      await leader.partition(await Promise.all(followers.map(hexId)), 'receive')
      await waitFor('a new leader among the followers', async () => {
        for (const f of followers) if (await f.isLeader()) return true
        return undefined
      }, 15_000, 200)
      assert.equal(await leader.isLeader(), false, 'the cut-off leader still believes it leads')
      await sleep(1000)
      await leader.partition([])
    }
  },
  {
    name: 'S11 a flaky network for 8 s: every raft message dropped with probability 0.3, else delayed 75 ± 50 ms',
    fault: async (c, seed) => {
      await Promise.all(c.members.map(async (m, i) => await m.flaky(0.3, 75, 50, seed * 10 + i)))
      await sleep(8000)
      await Promise.all(c.members.map(async (m) => await m.flaky(0, 0, 0)))
    }
  },
  {
    name: 'S15 the backend reaches a 160 KiB --quota-backend-bytes: NOSPACE through raft, obeyed everywhere; a rolling restart with a larger quota and a disarm restore writes',
    cluster: { extraArgs: ['--quota-backend-bytes', String(smallQuota)] },
    fault: async (c) => {
      const raised = await waitFor('the NOSPACE alarm', async () => {
        const a = (await c.members[0].post('/v3/maintenance/alarm', {})).body?.alarms
        return Array.isArray(a) && a.length > 0 ? a : undefined
      }, 60_000, 200)
      assert.ok(raised.every((a: { alarm: string }) => a.alarm === 'NOSPACE'), JSON.stringify(raised))
      for (const m of c.members) {
        const r = await waitFor(`${m.name} to refuse puts`, async () => { const p = await m.put('harness/during-nospace', 'x'); return p.status === 429 ? p : undefined })
        assert.equal(r.body.code, 8)
        assert.equal((await m.get('key0')).status, 200, 'reads still work')
      }
      for (const m of c.members) {
        await m.stop()
        await m.start(m.args.map((a) => (a === String(smallQuota) ? String(64 * 1024 * 1024) : a)))
        await c.waitLeader(c.members, 30_000)
      }
      // Every member that refused a put over its quota raised NOSPACE for itself, so the list can
      // have grown since `raised`: clear whatever is listed until writes go through everywhere.
      await waitFor('writes to resume on every member', async () => {
        const listed = (await c.members[0].post('/v3/maintenance/alarm', {})).body?.alarms ?? []
        for (const a of listed) assert.equal((await c.members[0].post('/v3/maintenance/alarm', { action: 'DEACTIVATE', memberID: a.memberID, alarm: a.alarm })).status, 200)
        for (const m of c.members) if ((await m.put('harness/after-nospace', 'x')).status !== 200) return undefined
        return true
      })
    }
  },
  {
    name: 'S9 isolate a follower for 4 s',
    fault: async (c) => {
      const leader = await c.waitLeader()
      const f = c.members.find((m) => m !== leader) as Member
      await isolate(f, c.members.filter((m) => m !== f))
      await sleep(4000)
      for (const m of c.members) await m.partition([])
    }
  }
]

const baseSeed = Number(process.env.ROBUSTNESS_SEED ?? Math.floor(Math.random() * 1e6))

describe(`robustness (seed ${baseSeed})`, () => {
  scenarios.forEach((sc, i) => {
    it(sc.name, { timeout: 120_000 }, async (t: TestContext) => {
      const seed = baseSeed + i
      const c = new Cluster({ size: 3, heartbeatMs: 100, electionMs: 1000, ...sc.cluster })
      let keep = false
      t.after(async () => {
        if (keep) process.env.KEEP_CLUSTER_DIRS = '1'
        await c.destroy()
        if (keep) t.diagnostic(`kept the cluster's data and logs in ${c.dir}`)
        delete process.env.KEEP_CLUSTER_DIRS
      })
      await c.start()
      const traffic = new Traffic({ members: c.members, clients: 4, watchers: 3, leaseClients: 2, leaseTTL: 3, keys: 5, seed, timeoutMs: 4000 })
      traffic.start()
      try {
        await sleep(2000)
        await sc.fault(c, seed)
        await sleep(3000)
      } finally {
        // also when the fault step fails: clients left running would keep the process alive
        await traffic.stop()
      }

      // every member up, one leader, the same revision everywhere
      await c.waitLeader(c.members, 30_000)
      const rev = await waitFor('the members to converge', async () => {
        const revs = await Promise.all(c.members.map(async (m) => (await m.post('/v3/kv/range', { key: 'AA==' })).body?.header?.revision as string | undefined))
        return revs.every((r) => r !== undefined && r === revs[0]) ? BigInt(revs[0] as string) : undefined
      }, 30_000)
      const logs = await Promise.all(c.members.map(async (m) => await committedLog(m, rev)))
      const hashes = await Promise.all(c.members.map(async (m) => (await m.post('/v3/maintenance/hashkv', { revision: rev.toString() })).body.hash))

      // lease keys and the harness's own writes belong to other workloads
      const result = checkHistory(traffic.ops, logs[0], (e) => e.key.startsWith('lease/') || e.key.startsWith('harness/'))
      const leases = checkLeases(traffic.leases, traffic.ops, logs[0], traffic.stoppedAt, 6000)
      const s = result.stats
      t.diagnostic(`seed ${seed}: ${s.ops} requests (${s.definite} answered, ${s.indeterminate} indeterminate), ${s.committedWrites} committed writes, ${s.checkedReads} reads checked; ` +
        `errors: ${JSON.stringify(Object.fromEntries(traffic.errors))}`)
      const watchViolations = traffic.watches.flatMap((w, k) => checkWatch(w, logs[0]).map((v) => `watcher ${k} on ${c.members[k % 3].name}: ${v}`))
      t.diagnostic(`watchers received ${traffic.watches.map((w) => w.length).join(', ')} events; leases: ${JSON.stringify(leases.stats)}`)
      keep = result.violations.length > 0 || watchViolations.length > 0 || leases.violations.length > 0
      assert.deepEqual(result.violations, [], `seed ${seed}`)
      assert.deepEqual(watchViolations, [], `seed ${seed}`)
      assert.deepEqual(leases.violations, [], `seed ${seed}`)
      for (let k = 1; k < logs.length; k++) assert.deepEqual(logs[k], logs[0], `${c.members[k].name}'s log differs from ${c.members[0].name}'s`)
      assert.equal(new Set(hashes).size, 1, `hashkv at ${rev}: ${hashes.join(', ')}`)
      assert.ok(s.definite > 100, `only ${s.definite} requests answered`)
      await sc.verify?.(c)
    })
  })
})
