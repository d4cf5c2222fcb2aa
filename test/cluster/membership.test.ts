// Membership through the gateway on a real 3-member cluster: member list; add a learner and start
// it with --initial-cluster-state existing after the log was compacted (it catches up by
// snapshot over /raft/snapshot); promote it; the learner checks (too many learners, not in sync);
// remove a member (it stops); replace a voter with a new member.
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Cluster, waitFor, type Member } from './harness.js'

describe('membership', () => {
  const c = new Cluster({ size: 3, snapshotCount: 40, catchUpEntries: 10 })
  after(async () => await c.destroy())
  let learner: Member
  let learnerId: string

  const initialCluster = (extra: Member[]): string =>
    [...c.members.filter((m) => m.running), ...extra].map((m) => `${m.name}=${m.peerURL}`).join(',')

  it('lists the bootstrapped members with names and URLs', async () => {
    await c.start()
    // Each member publishes its client URLs through raft once it has a leader.
    const r = await waitFor('every member to publish its client URLs', async () => {
      const l = await c.members[0].post('/v3/cluster/member/list', {})
      return l.status === 200 && l.body.members.every((m: any) => m.clientURLs?.length === 1) ? l : undefined
    })
    assert.equal(r.body.members.length, 3)
    assert.deepEqual(r.body.members.map((m: any) => m.name).sort(), ['m1', 'm2', 'm3'])
    for (const m of r.body.members) assert.equal(m.clientURLs.length, 1)
    const ids = r.body.members.map((m: any) => BigInt(m.ID))
    assert.deepEqual(ids, [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'sorted by ID')
    assert.equal(r.body.header.revision, undefined, 'cluster responses carry no revision')
  })

  it('adds a learner that catches up by snapshot after the log was compacted', async () => {
    for (let i = 0; i < 120; i++) assert.equal((await c.members[i % 3].put(`pre${i}`, `v${i}`)).status, 200)
    learner = await c.newMember('m4')
    const add = await c.members[1].post('/v3/cluster/member/add', { peerURLs: [learner.peerURL], isLearner: true })
    assert.equal(add.status, 200, JSON.stringify(add.body))
    assert.equal(add.body.member.isLearner, true)
    assert.equal(add.body.members.length, 4)
    learnerId = add.body.member.ID

    // A second learner is refused (etcd's default --max-learners 1).
    const second = await c.members[0].post('/v3/cluster/member/add', { peerURLs: ['http://127.0.0.1:1'], isLearner: true })
    assert.equal(second.status, 400, JSON.stringify(second.body))
    assert.equal(second.body.message, 'etcdserver: too many learner members in cluster')
    assert.equal(second.body.code, 9)

    // Not started yet, so not in sync: promotion is refused.
    const early = await c.members[2].post('/v3/cluster/member/promote', { ID: learnerId })
    assert.equal(early.body.message, 'etcdserver: can only promote a learner member which is in sync with leader', JSON.stringify(early.body))
    assert.equal(early.body.code, 9)

    await learner.start(c.memberArgs(learner, initialCluster([learner]), 'existing'))
    await waitFor('the learner to catch up', async () => (await learner.get('pre119', true)).value === 'v119' ? true : undefined, 30_000)
    const snaps = await learner.metric('etcd_network_snapshot_receive_success')
    assert.ok((snaps ?? 0) >= 1, 'the learner received a snapshot')
    // A learner does not serve linearizable reads in etcd, but it answers serializable ones locally.
    const ser = await learner.get('pre5', true)
    assert.equal(ser.value, 'v5')
    const lin = await learner.get('pre5')
    assert.equal(lin.body.message, 'etcdserver: rpc not supported for learner')
    assert.equal(lin.body.code, 14)
    assert.equal((await learner.put('on-learner', 'x')).body.message, 'etcdserver: rpc not supported for learner')
    // Of the maintenance calls a learner answers status (and snapshot) only, as etcd's learner filter.
    const st = await learner.post('/v3/maintenance/status', {})
    assert.deepEqual([st.status, st.body.isLearner], [200, true])
    for (const path of ['/v3/maintenance/hash', '/v3/maintenance/alarm', '/v3/maintenance/defragment']) {
      const r = await learner.post(path, {})
      assert.deepEqual([r.status, r.body.code, r.body.message], [503, 14, 'etcdserver: rpc not supported for learner'], path)
    }
  })

  it('promotes the learner once it is in sync; it then serves linearizable reads', async () => {
    const r = await waitFor('promotion', async () => {
      const p = await c.members[0].post('/v3/cluster/member/promote', { ID: learnerId })
      return p.status === 200 ? p : undefined
    }, 20_000, 300)
    const me = r.body.members.find((m: any) => m.ID === learnerId)
    assert.ok(me !== undefined && me.isLearner !== true)
    const again = await c.members[0].post('/v3/cluster/member/promote', { ID: learnerId })
    assert.equal(again.body.message, 'etcdserver: can only promote a learner member')
    assert.equal((await c.members[0].put('after-promote', 'x')).status, 200)
    assert.equal((await learner.get('after-promote')).value, 'x')
    // Its name, published through raft once it started, shows in the list.
    await waitFor('the new member\'s name in the list', async () => {
      const list = await c.members[0].post('/v3/cluster/member/list', { linearizable: true })
      return list.body.members?.find((m: any) => m.ID === learnerId)?.name === 'm4' ? true : undefined
    }, 15_000)
  })

  it('removes a member, which then stops', async () => {
    const r = await c.members[0].post('/v3/cluster/member/remove', { ID: learnerId })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.equal(r.body.members.length, 3)
    const code = await Promise.race([learner.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000))])
    assert.equal(code, 0, 'the removed member exits by itself')
    const unknown = await c.members[0].post('/v3/cluster/member/remove', { ID: learnerId })
    assert.equal(unknown.body.message, 'etcdserver: member not found')
    assert.equal(unknown.body.code, 5)
    assert.equal((await c.members[0].put('after-remove', 'y')).status, 200)
  })

  it('replaces a voter: remove m3, add m5 as a voter, start it; the cluster serves on every member', async () => {
    const m3 = c.members[2]
    const m3Id = await m3.id()
    assert.equal((await c.members[0].post('/v3/cluster/member/remove', { ID: m3Id })).status, 200)
    await m3.exited
    const m5 = await c.newMember('m5')
    const add = await c.members[0].post('/v3/cluster/member/add', { peerURLs: [m5.peerURL] })
    assert.equal(add.status, 200, JSON.stringify(add.body))
    await m5.start(c.memberArgs(m5, initialCluster([m5]), 'existing'))
    await waitFor('m5 to serve', async () => (await m5.get('after-remove')).value === 'y' ? true : undefined, 30_000)
    assert.equal((await m5.put('from-m5', 'z')).status, 200)
    for (const m of [c.members[0], c.members[1], m5]) assert.equal((await m.get('from-m5')).value, 'z')
  })

  it('refuses bad member requests with etcd\'s errors', async () => {
    const bad = await c.members[0].post('/v3/cluster/member/add', { peerURLs: ['not a url'] })
    assert.equal(bad.body.message, 'etcdserver: given member URLs are invalid')
    assert.equal(bad.body.code, 3)
    const dup = await c.members[0].post('/v3/cluster/member/add', { peerURLs: [c.members[0].peerURL], isLearner: true })
    assert.equal(dup.body.message, 'etcdserver: Peer URLs already exists')
    const upd = await c.members[0].post('/v3/cluster/member/update', { ID: '1', peerURLs: ['http://127.0.0.1:9'] })
    assert.equal(upd.body.message, 'etcdserver: member not found')
  })
})
