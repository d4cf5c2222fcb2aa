// Corruption checks on a real 3-member cluster: with --experimental-corrupt-check-time the leader
// compares key-value hashes with the followers and stays quiet while they agree; a follower that
// restarts with --experimental-initial-corrupt-check starts when its data matches. Then one
// follower's backend is altered on disk while it is down (one value byte): with the initial
// check it refuses to start, without it the leader finds the mismatch and raises CORRUPT for
// that member, after which every member refuses writes.
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openBackend } from '../../src/storage/backend/index.js'
import { Buckets } from '../../src/storage/schema/buckets.js'
import { backendPath } from '../../src/storage/datadir.js'
import { Cluster, sleep, waitFor, type Member } from './harness.js'

/** Rewrites, in place, one byte of the stored record whose value holds `marker`. */
async function corruptValue (dataDir: string, marker: string): Promise<void> {
  const be = await openBackend({ path: backendPath(dataDir) })
  try {
    let found: { k: Buffer, v: Buffer } | undefined
    be.readTx().forEach(Buckets.Key, (k, v) => {
      if (v.includes(marker)) found = { k, v }
      return found === undefined
    })
    assert.ok(found !== undefined, `no record holds ${marker}`)
    const { k, v } = found
    const at = v.indexOf(marker)
    const bad = Buffer.from(v)
    bad[at] = bad[at] ^ 0x01
    be.batch((tx) => tx.put(Buckets.Key, k, bad))
  } finally {
    await be.close()
  }
}

describe('corruption checks', () => {
  const c = new Cluster({ size: 3, extraArgs: ['--experimental-corrupt-check-time', '300ms'] })
  after(async () => await c.destroy())
  let follower: Member

  const alarms = async (m: Member): Promise<any[]> => (await m.post('/v3/maintenance/alarm', { action: 'GET' })).body.alarms ?? []

  it('stays quiet while the members agree, and a consistent member passes the initial check', async () => {
    await c.start()
    for (let i = 0; i < 20; i++) assert.equal((await c.members[i % 3].put(`k${i}`, `value-${i}`)).status, 200)
    await sleep(1500)
    assert.deepEqual(await alarms(c.members[0]), [])
    follower = await waitFor('a follower', async () => {
      for (const m of c.members) if (!await m.isLeader()) return m
      return undefined
    })
    await follower.stop()
    await follower.start([...follower.args, '--experimental-initial-corrupt-check'])
    await waitFor(`${follower.name} to serve`, async () => (await follower.get('k1')).value === 'value-1' ? true : undefined)
  })

  it('refuses to start a member whose data differs from its peers\', when asked to check', async () => {
    assert.equal((await follower.put('marked', 'corrupt-me-please')).status, 200)
    await waitFor('every member to hold the marked key', async () => {
      for (const m of c.members) if ((await m.get('marked', true)).value !== 'corrupt-me-please') return undefined
      return true
    })
    await follower.stop()
    await corruptValue(follower.dataDir, 'corrupt-me-please')
    const args = follower.args.filter((a) => a !== '--experimental-initial-corrupt-check')
    await follower.start([...args, '--experimental-initial-corrupt-check'])
    const code = await follower.exited
    assert.notEqual(code, 0)
    const log = readFileSync(join(c.dir, `${follower.name}.log`), 'utf8')
    assert.match(log, /found data inconsistency with peers/)
    assert.match(log, /found different hash values from remote peer/)
    follower.args = args
  })

  it('raises CORRUPT for that member once it runs, and every member then refuses writes', async () => {
    await follower.start(follower.args)
    const id = await waitFor(`${follower.name} to answer`, async () => { try { return await follower.id() } catch { return undefined } })
    const raised = await waitFor('the CORRUPT alarm', async () => {
      const a = await alarms(c.members.find((m) => m !== follower) as Member)
      return a.length > 0 ? a : undefined
    })
    assert.deepEqual(raised, [{ memberID: id, alarm: 'CORRUPT' }])
    for (const m of c.members) {
      const r = await waitFor(`${m.name} to refuse writes`, async () => { const p = await m.put('after', 'x'); return p.status === 500 ? p : undefined })
      assert.deepEqual([r.body.code, r.body.message], [15, 'etcdserver: corrupt cluster'])
    }
  })
})
