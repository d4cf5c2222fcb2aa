// Leader failure on a real 3-member cluster: kill -9 the leader under write load — the others
// elect a new leader, no acknowledged write is lost, and the old leader restarts from its data
// dir and catches up. Graceful shutdown of a leader hands leadership over; transfer-leadership
// moves it on request.
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Cluster, sleep, waitFor, type Member } from './harness.js'

/** Sequential writers over the given members; records every acknowledged put. */
function writeLoad (targets: () => Member[], acked: Map<string, string>): { stop: () => Promise<void>, attempts: () => number } {
  const state = { stopped: false }
  let n = 0
  const loops = [0, 1, 2].map(async (w) => {
    for (let i = 0; !state.stopped; i++) {
      const ms = targets()
      const m = ms[(i + w) % ms.length]
      const key = `load-${w}-${i}`
      n++
      const r = await m.post('/v3/kv/put', { key: Buffer.from(key).toString('base64'), value: Buffer.from(String(i)).toString('base64') }, 8000)
      if (r.status === 200) acked.set(key, String(i))
    }
  })
  return { stop: async () => { state.stopped = true; await Promise.all(loops) }, attempts: () => n }
}

describe('leader failure', () => {
  const c = new Cluster({ size: 3 })
  after(async () => await c.destroy())

  it('kill -9 of the leader under write load: a new leader, no acknowledged write lost, the old leader catches up', async () => {
    await c.start()
    const acked = new Map<string, string>()
    const load = writeLoad(() => c.running(), acked)
    await sleep(1500)
    const old = await c.waitLeader()
    await old.kill()
    const rest = c.members.filter((m) => m !== old)
    const leader = await c.waitLeader(rest)
    assert.notEqual(leader, old)
    await sleep(1500)
    await old.restart()
    await sleep(1000)
    await load.stop()
    assert.ok(acked.size > 20, `some writes were acknowledged (${acked.size} of ${load.attempts()})`)
    await c.waitLeader()
    // Every acknowledged write is on every member, the restarted one included.
    await waitFor('the old leader to catch up', async () => {
      const last = [...acked.keys()].at(-1) as string
      return (await old.get(last)).value === acked.get(last) ? true : undefined
    }, 30_000)
    for (const m of c.members) {
      const r = await m.post('/v3/kv/range', { key: Buffer.from('load-').toString('base64'), range_end: Buffer.from('load.').toString('base64') })
      assert.equal(r.status, 200, JSON.stringify(r.body))
      const got = new Map<string, string>((r.body.kvs ?? []).map((kv: any) => [Buffer.from(kv.key, 'base64').toString(), Buffer.from(kv.value, 'base64').toString()]))
      for (const [k, v] of acked) assert.equal(got.get(k), v, `${m.name} has acknowledged ${k}`)
    }
  })

  it('transfer-leadership moves the leader; errors as etcd', async () => {
    const leader = await c.waitLeader()
    const follower = c.members.find((m) => m !== leader) as Member
    const target = await follower.id()
    const notLeader = await follower.post('/v3/maintenance/transfer-leadership', { targetID: target })
    assert.equal(notLeader.body.message, 'etcdserver: not leader')
    const bad = await leader.post('/v3/maintenance/transfer-leadership', { targetID: '0' })
    assert.equal(bad.body.message, 'etcdserver: bad leader transferee')
    const ok = await leader.post('/v3/maintenance/transfer-leadership', { targetID: target })
    assert.equal(ok.status, 200, JSON.stringify(ok.body))
    assert.equal(await c.waitLeader(), follower)
  })

  it('a leader stopped gracefully hands leadership over first', async () => {
    const leader = await c.waitLeader()
    const code = await leader.stop()
    assert.equal(code, 0)
    const log = readFileSync(join(c.dir, `${leader.name}.log`), 'utf8')
    assert.match(log, /leadership transferred on shutdown/)
    const rest = c.members.filter((m) => m !== leader)
    await c.waitLeader(rest)
    assert.equal((await rest[0].put('after-handover', '1')).status, 200)
  })
})
