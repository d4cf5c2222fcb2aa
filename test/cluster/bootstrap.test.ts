// 3- and 5-member clusters bootstrap from --initial-cluster, elect one leader, and a write made
// on any member is visible to a linearizable read on every member (followers use ReadIndex).
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Cluster } from './harness.js'

for (const size of [3, 5]) {
  describe(`${size}-member cluster`, () => {
    // Five processes share CI's two cores with the rest of the suite: etcd's default timing
    // (100 ms heartbeat, 1 s election) keeps a busy event loop from looking like a dead leader.
    const c = new Cluster(size === 5 ? { size, heartbeatMs: 100, electionMs: 1000 } : { size })
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

    if (size !== 3) return

    it('peer endpoints check versions and the cluster ID as etcd does', async () => {
      const peer = c.members[0].peerURL
      const cid = BigInt((await c.members[0].get('x', true)).body.header.cluster_id).toString(16)
      const v = { 'X-Server-Version': '3.5.33', 'X-Min-Cluster-Version': '3.0.0' }
      const cases: Array<{ path: string, method: string, headers: Record<string, string>, status: number, text: string }> = [
        { path: '/raft', method: 'POST', headers: {}, status: 412, text: 'incompatible version\n' },
        { path: '/raft', method: 'POST', headers: { 'X-Server-Version': '2.3.0', 'X-Min-Cluster-Version': '2.3.0', 'X-Etcd-Cluster-ID': cid }, status: 412, text: 'incompatible version\n' },
        { path: '/raft', method: 'POST', headers: { ...v, 'X-Etcd-Cluster-ID': 'abc' }, status: 412, text: 'cluster ID mismatch\n' },
        { path: '/raft', method: 'POST', headers: { ...v, 'X-Etcd-Cluster-ID': cid }, status: 400, text: 'error unmarshalling raft message\n' },
        { path: '/raft/snapshot', method: 'POST', headers: { ...v, 'X-Etcd-Cluster-ID': 'abc' }, status: 412, text: 'cluster ID mismatch\n' },
        { path: '/raft/stream/foo/1', method: 'GET', headers: { ...v, 'X-Etcd-Cluster-ID': cid }, status: 404, text: 'invalid path\n' },
        { path: '/raft/stream/message/zz', method: 'GET', headers: { ...v, 'X-Etcd-Cluster-ID': cid }, status: 404, text: 'invalid from\n' },
        { path: '/raft/stream/message/1234', method: 'GET', headers: { ...v, 'X-Etcd-Cluster-ID': cid }, status: 404, text: 'error sender not found\n' }
      ]
      for (const t of cases) {
        const res = await fetch(peer + t.path, { method: t.method, headers: t.headers, ...(t.method === 'POST' ? { body: 'x' } : {}) })
        assert.equal(res.status, t.status, `${t.method} ${t.path}`)
        assert.equal(await res.text(), t.text, `${t.method} ${t.path}`)
        assert.equal(res.headers.get('x-etcd-cluster-id'), cid)
      }
      const probe = await fetch(peer + '/raft/probing')
      assert.equal(probe.status, 200)
      assert.equal((await probe.json() as { OK: boolean }).OK, true)
      // Peer routes are not reachable on a client URL.
      assert.equal((await fetch(c.members[0].clientURL + '/raft/probing')).status, 404)
      // Go JSON: IDs are bare numbers.
      assert.match(await (await fetch(peer + '/members')).text(), /^\[\{"id":\d+,"peerURLs"/)
    })

    it('GET /members/hashkv answers the same hash on every member', async () => {
      const { request } = await import('undici')
      const hashes = []
      for (const m of c.members) {
        const r = await request(`${m.peerURL}/members/hashkv`, { method: 'GET', body: '{"revision":0}' })
        assert.equal(r.statusCode, 200)
        const j = await r.body.json() as { header: { revision: number }, hash: number }
        assert.equal(typeof j.hash, 'number')
        hashes.push(`${j.header.revision}:${j.hash}`)
      }
      assert.equal(new Set(hashes).size, 1, hashes.join(' '))
      const bad = await request(`${c.members[0].peerURL}/members/hashkv`, { method: 'GET', body: 'nope' })
      assert.equal(bad.statusCode, 400)
      assert.equal(await bad.body.text(), 'error unmarshalling request\n')
    })

    it('a member configured for another cluster refuses to start', async () => {
      const stray = await c.newMember('stray')
      await stray.start(['--name', 'stray', '--data-dir', stray.dataDir,
        '--listen-client-urls', stray.clientURL, '--advertise-client-urls', stray.clientURL,
        '--listen-peer-urls', stray.peerURL, '--initial-advertise-peer-urls', stray.peerURL,
        '--initial-cluster', `stray=${stray.peerURL},m1=${c.members[0].peerURL}`, '--initial-cluster-token', 'another-token'])
      assert.equal(await stray.exited, 1)
      assert.match(readFileSync(join(c.dir, 'stray.log'), 'utf8'), /cluster ID mismatch/)
      c.members.splice(c.members.indexOf(stray), 1)
    })
  })
}
