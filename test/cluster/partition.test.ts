// Network partitions through the test-only fault switch (ETCD_TS_FAILPOINTS=1 enables
// POST /debug/fault/partition on the peer port): the majority elects and serves while the
// isolated old leader's linearizable reads and writes fail with etcd's errors; after healing it
// catches up. A follower cut off while the leader snapshots and compacts its log recovers by
// snapshot.
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Cluster, waitFor, type Member } from './harness.js'

const hex = async (m: Member): Promise<string> => BigInt(await m.id()).toString(16)

async function isolate (m: Member, others: Member[]): Promise<void> {
  const ids = await Promise.all(others.map(hex))
  await m.partition(ids)
  const mine = await hex(m)
  for (const o of others) await o.partition([mine])
}

async function heal (ms: Member[]): Promise<void> {
  for (const m of ms) await m.partition([])
}

const unavailable = [
  'etcdserver: request timed out',
  'etcdserver: no leader',
  'etcdserver: leader changed',
  'etcdserver: request timed out, possibly due to previous leader failure',
  'etcdserver: request timed out, possibly due to connection lost'
]

describe('partitions', () => {
  const c = new Cluster({ size: 3, snapshotCount: 30, catchUpEntries: 10 })
  after(async () => await c.destroy())

  it('an isolated leader: the majority elects and serves, the minority fails, then heals', async () => {
    await c.start()
    assert.equal((await c.members[0].put('before', '1')).status, 200)
    const old = await c.waitLeader()
    const majority = c.members.filter((m) => m !== old)
    await isolate(old, majority)
    const leader = await c.waitLeader(majority)
    assert.ok(majority.includes(leader))
    assert.equal((await majority[0].put('during', '2')).status, 200)
    assert.equal((await majority[1].get('during')).value, '2')

    const w = await old.put('minority', 'x')
    assert.notEqual(w.status, 200)
    assert.ok(unavailable.includes(w.body.message), `write on the minority: ${JSON.stringify(w.body)}`)
    const r = await old.get('during')
    assert.notEqual(r.status, 200)
    assert.ok(unavailable.includes(r.body.message), `linearizable read on the minority: ${JSON.stringify(r.body)}`)

    await heal(c.members)
    await waitFor('the old leader to catch up', async () => (await old.get('during')).value === '2' ? true : undefined, 30_000)
    assert.equal((await old.get('minority')).value, undefined, 'the failed minority write never appears')
  })

  it('a follower cut off past --snapshot-count recovers by snapshot', async () => {
    const leader = await c.waitLeader()
    const f = c.members.find((m) => m !== leader) as Member
    const others = c.members.filter((m) => m !== f)
    const before = (await f.metric('etcd_network_snapshot_receive_success')) ?? 0
    await isolate(f, others)
    for (let i = 0; i < 90; i++) assert.equal((await others[i % 2].put(`lag${i}`, String(i))).status, 200)
    await heal(c.members)
    await waitFor('the follower to catch up', async () => (await f.get('lag89')).value === '89' ? true : undefined, 30_000)
    const after = (await f.metric('etcd_network_snapshot_receive_success')) ?? 0
    assert.ok(after > before, 'it installed a snapshot from the leader')
    for (let i = 0; i < 90; i += 17) assert.equal((await f.get(`lag${i}`, true)).value, String(i))
  })

  it('a member killed between saving a received snapshot and swapping its backend finishes the swap on restart', async () => {
    const leader = await c.waitLeader()
    const f = c.members.find((m) => m !== leader) as Member
    const others = c.members.filter((m) => m !== f)
    await f.kill()
    for (let i = 0; i < 90; i++) assert.equal((await others[i % 2].put(`crash${i}`, String(i))).status, 200)
    await f.restart({ ETCD_TS_FAILPOINT: 'beforeSnapshotSwap' })
    await f.exited
    assert.equal(f.proc?.signalCode, 'SIGKILL', 'died at the failpoint')
    await f.restart()
    await waitFor('the follower to catch up', async () => (await f.get('crash89')).value === '89' ? true : undefined, 30_000)
    for (let i = 0; i < 90; i += 13) assert.equal((await f.get(`crash${i}`, true)).value, String(i))
  })
})
