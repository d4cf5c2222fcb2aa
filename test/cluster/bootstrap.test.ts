// 3- and 5-member clusters bootstrap from --initial-cluster, elect one leader, and a write made
// on any member is visible to a linearizable read on every member (followers use ReadIndex).
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Cluster } from './harness.js'

for (const size of [3, 5]) {
  describe(`${size}-member cluster`, () => {
    const c = new Cluster({ size })
    after(async () => await c.destroy())

    it('bootstraps and elects exactly one leader', async () => {
      await c.start()
      const leaders = (await Promise.all(c.members.map(async (m) => await m.isLeader()))).filter(Boolean)
      assert.equal(leaders.length, 1)
      // Every member agrees on the cluster ID and has its own member ID.
      const heads = await Promise.all(c.members.map(async (m) => (await m.get('x', true)).body.header))
      assert.equal(new Set(heads.map((h) => h.cluster_id)).size, 1)
      assert.equal(new Set(heads.map((h) => h.member_id)).size, size)
    })

    it('a write on any member is readable linearizably on every member', async () => {
      for (const [i, w] of c.members.entries()) {
        const put = await w.put(`k${i}`, `v${i}`)
        assert.equal(put.status, 200, JSON.stringify(put.body))
        for (const r of c.members) {
          const got = await r.get(`k${i}`)
          assert.equal(got.status, 200, JSON.stringify(got.body))
          assert.equal(got.value, `v${i}`, `${r.name} reads k${i} written on ${w.name}`)
        }
      }
    })

    it('members list each other over the peer port', async () => {
      const res = await fetch(`${c.members[0].peerURL}/members`)
      assert.equal(res.status, 200)
      const members = await res.json() as Array<{ peerURLs: string[] }>
      assert.deepEqual(members.map((m) => m.peerURLs[0]).sort(), c.members.map((m) => m.peerURL).sort())
    })
  })
}
