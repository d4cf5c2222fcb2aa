// The Maintenance service on a real 3-member cluster: every member reports the same leader and,
// at the same revision, the same key-value hash; an alarm raised through one member is obeyed by
// every member and cleared through another; a follower defragments while writes go on and still
// agrees on the hash afterwards.
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Cluster, waitFor } from './harness.js'

describe('maintenance across members', () => {
  const c = new Cluster({ size: 3 })
  after(async () => await c.destroy())

  /** Each member's hashkv at `rev`, once each has applied it. */
  const hashes = async (rev: string): Promise<number[]> => await Promise.all(c.members.map(async (m) =>
    (await waitFor(`${m.name} to apply revision ${rev}`, async () => {
      const r = await m.post('/v3/maintenance/hashkv', { revision: rev })
      return r.status === 200 ? r : undefined
    })).body.hash as number))

  it('reports one leader and one key-value hash on every member', async () => {
    await c.start()
    let rev = ''
    for (let i = 0; i < 30; i++) rev = (await c.members[i % 3].put(`k${i}`, `v${i}`)).body.header.revision
    const status = await Promise.all(c.members.map(async (m) => (await m.post('/v3/maintenance/status', {})).body))
    assert.equal(new Set(status.map((s) => s.leader)).size, 1)
    assert.ok(status.some((s) => s.leader === s.header.member_id))
    assert.equal(new Set(await hashes(rev)).size, 1)
  })

  it('obeys an alarm raised through one member on every member, until cleared through another', async () => {
    const [m1, m2, m3] = c.members
    const id2 = await m2.id()
    const raised = await m1.post('/v3/maintenance/alarm', { action: 'ACTIVATE', memberID: id2, alarm: 'NOSPACE' })
    assert.deepEqual(raised.body.alarms, [{ memberID: id2, alarm: 'NOSPACE' }])
    for (const m of c.members) {
      const r = await waitFor(`${m.name} to refuse puts`, async () => { const p = await m.put('x', 'y'); return p.status === 429 ? p : undefined })
      assert.equal(r.body.code, 8)
      assert.equal((await m.get('k1')).value, 'v1')
    }
    const st = await m3.post('/v3/maintenance/status', {})
    assert.deepEqual(st.body.errors, [`memberID:${id2} alarm:NOSPACE `])
    assert.equal((await fetch(m3.clientURL + '/health')).status, 503)
    await m3.post('/v3/maintenance/alarm', { action: 'DEACTIVATE', memberID: id2, alarm: 'NOSPACE' })
    for (const m of c.members) {
      await waitFor(`${m.name} to accept puts`, async () => (await m.put('x', 'y')).status === 200 ? true : undefined)
    }
  })

  it('defragments a follower under writes; the members still agree', async () => {
    const follower = await waitFor('a follower', async () => {
      for (const m of c.members) if (!await m.isLeader()) return m
      return undefined
    })
    const writes = Promise.all(Array.from({ length: 30 }, async (_, i) => await c.members[i % 3].put(`d${i}`, 'v')))
    const d = await follower.post('/v3/maintenance/defragment', {})
    assert.deepEqual([d.status, d.body], [200, {}])
    let rev = '0'
    for (const w of await writes) {
      assert.equal(w.status, 200)
      if (BigInt(w.body.header.revision) > BigInt(rev)) rev = w.body.header.revision
    }
    assert.equal(new Set(await hashes(rev)).size, 1)
  })
})
