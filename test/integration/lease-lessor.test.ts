// The Lessor on a real LMDB backend with a controlled clock: only the primary reports expiry,
// promotion extends by the given grace and spreads crowded seconds, demotion stops expiry,
// keep-alive of an expired lease waits for its revocation, checkpoints are due on schedule, and
// everything persisted comes back on recover.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { openBackend, type Backend } from '../../src/storage/backend/index.js'
import { ErrLeaseExists, ErrLeaseNotFound, ErrNotPrimary, Lessor, type LeaseCheckpoint, type LeaseID } from '../../src/lease/index.js'

interface Ctx { after: (fn: () => unknown) => void }

async function backend (t: Ctx): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-ts-lessor-'))
  const be = await openBackend({ path: join(dir, 'db') })
  t.after(async () => { await be.close(); rmSync(dir, { recursive: true, force: true }) })
  return be
}

function lessor (clock: { now: number }, opts: Partial<ConstructorParameters<typeof Lessor>[0]> = {}): {
  l: Lessor, expired: LeaseID[], cps: LeaseCheckpoint[]
} {
  const expired: LeaseID[] = []
  const cps: LeaseCheckpoint[] = []
  const l = new Lessor({ minLeaseTTL: 2, now: () => clock.now, ...opts })
  l.setHooks({ onExpired: (ids) => expired.push(...ids), checkpoint: (c) => cps.push(...c) })
  return { l, expired, cps }
}

describe('Lessor', () => {
  it('reports expiry only as primary, after the promotion grace, and retries until revoked', async (t) => {
    const be = await backend(t)
    const clock = { now: 0 }
    const { l, expired } = lessor(clock, { expiredLeaseRetryMs: 3000 })
    t.after(() => l.stop())
    be.batch((tx) => { l.grant(1n, 5n, tx); l.grant(2n, 1n, tx) })
    assert.equal(l.lookup(2n)?.ttl, 2, 'raised to the minimum')
    assert.throws(() => be.batch((tx) => l.grant(1n, 5n, tx)), ErrLeaseExists)
    l.start()
    clock.now = 100_000
    await sleep(600)
    assert.deepEqual(expired, [], 'a follower never expires leases')
    l.promote(1000)
    clock.now += 2900
    await sleep(600)
    assert.deepEqual(expired, [], 'within TTL 2 s + 1 s grace')
    clock.now += 200
    await sleep(600)
    assert.deepEqual(expired, [2n], 'TTL 2 s + 1 s grace')
    clock.now += 1000
    await sleep(600)
    assert.deepEqual(expired, [2n], 'not reported again before the retry interval')
    clock.now += 3000
    await sleep(600)
    assert.deepEqual(expired.sort(), [1n, 2n, 2n], 'lease 1 expired too; lease 2 reported again')
    be.batch((tx) => l.revoke(2n, { deleteRange: () => {} }, tx))
    l.demote()
    clock.now += 100_000
    expired.length = 0
    await sleep(600)
    assert.deepEqual(expired, [], 'demoted: nothing expires')
  })

  it('keeps a renewed lease; an expired one answers not-found once revoked, not-primary once demoted', async (t) => {
    const be = await backend(t)
    const clock = { now: 0 }
    const { l } = lessor(clock)
    t.after(() => l.stop())
    l.start()
    l.promote(0)
    be.batch((tx) => { l.grant(1n, 10n, tx); l.grant(2n, 10n, tx); l.grant(3n, 10n, tx) })
    clock.now = 9000
    assert.equal(await l.renew(1n), 10)
    assert.equal(l.timeToLive(1n, false)?.ttl, 10)
    clock.now = 12_000
    assert.equal(l.timeToLive(1n, false)?.ttl, 7)
    const waiting = l.renew(2n)
    be.batch((tx) => l.revoke(2n, { deleteRange: () => {} }, tx))
    await assert.rejects(waiting, ErrLeaseNotFound)
    const demoted = l.renew(3n)
    l.demote()
    await assert.rejects(demoted, ErrNotPrimary)
    await assert.rejects(l.renew(1n), ErrNotPrimary)
  })

  it('spreads a crowded second after promotion over the following seconds', async (t) => {
    const be = await backend(t)
    const clock = { now: 0 }
    const { l } = lessor(clock, { revokeRatePerSecond: 40 })
    t.after(() => l.stop())
    be.batch((tx) => { for (let i = 1n; i <= 100n; i++) l.grant(i, 10n, tx) })
    l.promote(0)
    const perSecond = new Map<number, number>()
    for (const x of l.leases()) perSecond.set(Math.floor(x.expiry / 1000), (perSecond.get(Math.floor(x.expiry / 1000)) ?? 0) + 1)
    assert.ok([...perSecond.values()].every((n) => n <= 30), `at most ¾ of the revoke rate per second: ${JSON.stringify([...perSecond])}`)
    assert.equal(Math.min(...perSecond.keys()), 10, 'never earlier than the TTL')
  })

  it('schedules checkpoints for long leases and recovers leases, TTLs and checkpoints from the bucket', async (t) => {
    const be = await backend(t)
    const clock = { now: 0 }
    const { l, cps } = lessor(clock, { checkpointing: true, checkpointPersist: true, checkpointIntervalMs: 5000 })
    t.after(() => l.stop())
    l.start()
    l.promote(0)
    be.batch((tx) => { l.grant(7n, 60n, tx); l.grant(8n, 1n, tx); l.grant(-9n, 30n, tx) })
    l.attach(7n, Buffer.from('k1'))
    clock.now = 5500
    await sleep(600)
    assert.deepEqual(cps.filter((c) => c.id === 7n), [{ id: 7n, remainingTTL: 55 }])
    assert.equal(cps.some((c) => c.id === 8n), false, 'short leases are not checkpointed')
    be.batch((tx) => l.checkpoint([{ id: 7n, remainingTTL: 55 }], tx))
    const r = new Lessor({ minLeaseTTL: 2, now: () => clock.now })
    r.recover(be.readTx())
    assert.deepEqual(r.leases().map((x) => [x.id, x.ttl, x.remainingTTL]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [[-9n, 30, 0], [7n, 60, 55], [8n, 2, 0]])
    r.promote(1000)
    assert.equal(r.timeToLive(7n, false)?.ttl, 56, '55 s checkpointed + 1 s grace')
    r.stop()
  })
})
