// Leases through a real single-member EtcdServer (raft, WAL, LMDB): grant/revoke/keep-alive/TTL
// semantics, keys deleted in one revision, expiry decided by the leader and applied through a
// LeaseRevoke raft entry (read back from the WAL), recovery and checkpoints across restarts.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { EntryType } from '../../src/raft/index.js'
import { WAL } from '../../src/storage/wal/index.js'
import { decodeInternalRaftRequest } from '../../src/server/internal-request.js'
import { toGatewayError } from '../../src/api/rpctypes/errors.js'
import type { EtcdServer } from '../../src/server/index.js'
import { b, removeDir, startServer, tempDataDir, testServerConfig } from '../unit/server/server-helper.js'

async function rejectsWith (p: Promise<unknown>, status: number, message: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    const g = toGatewayError(err)
    assert.equal(g.body.message, message)
    assert.equal(g.status, status)
    return true
  })
}

async function waitFor (cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await cond()) return true
    await sleep(50)
  }
  return await cond()
}

async function walOps (dir: string): Promise<string[]> {
  const wal = await WAL.open(testServerConfig(dir).walDir, { index: 0, term: 0 })
  try {
    const { entries } = await wal.readAll()
    return entries.filter((e) => e.type === EntryType.EntryNormal && e.data.length > 0).map((e) => decodeInternalRaftRequest(e.data).op)
  } finally {
    await wal.close()
  }
}

async function started (t: { after: (fn: () => unknown) => void }): Promise<{ srv: EtcdServer, dir: string }> {
  const dir = tempDataDir()
  t.after(() => removeDir(dir))
  const srv = await startServer(dir)
  t.after(() => srv.stop())
  return { srv, dir }
}

describe('lease service (single member)', () => {
  it('grants with server-chosen and client-chosen IDs, the minimum TTL and etcd\'s errors', async (t) => {
    const { srv } = await started(t)
    const g1 = await srv.lease.leaseGrant({ TTL: 30n })
    assert.ok(g1.ID > 0n)
    assert.equal(g1.TTL, 30n)
    assert.equal(g1.header.revision, 1n, 'a grant does not change the KV revision')
    const g2 = await srv.lease.leaseGrant({ TTL: 1n, ID: 1000n })
    assert.equal(g2.ID, 1000n)
    assert.equal(g2.TTL, 2n, 'raised to ceil(1.5 × election timeout)')
    assert.equal((await srv.lease.leaseGrant({ TTL: -5n, ID: -7n })).ID, -7n)
    await rejectsWith(srv.lease.leaseGrant({ TTL: 30n, ID: 1000n }), 400, 'etcdserver: lease already exists')
    await rejectsWith(srv.lease.leaseGrant({ TTL: 9000000001n }), 400, 'etcdserver: too large lease TTL')
    assert.equal((await srv.lease.leaseGrant({ TTL: 9000000000n })).TTL, 9000000000n)
    const all = await srv.lease.leaseLeases({})
    assert.deepEqual(new Set(all.leases.map((l) => l.ID)), new Set([g1.ID, 1000n, -7n, all.leases.find((l) => l.ID !== g1.ID && l.ID !== 1000n && l.ID !== -7n)?.ID]))
    assert.equal(all.leases.length, 4)
  })

  it('refuses a put with an unknown lease and revokes every attached key in one revision', async (t) => {
    const { srv } = await started(t)
    await rejectsWith(srv.put({ key: b('x'), value: b('1'), lease: 424242n }), 404, 'etcdserver: requested lease not found')
    await rejectsWith(srv.txn({ success: [{ requestPut: { key: b('x'), lease: 424242n } }] }), 404, 'etcdserver: requested lease not found')
    await srv.lease.leaseGrant({ TTL: 300n, ID: 2000n })
    await srv.put({ key: b('l1'), value: b('a'), lease: 2000n })
    await srv.put({ key: b('l2'), value: b('b'), lease: 2000n })
    await srv.put({ key: b('other'), value: b('c') })
    const ttl = await srv.lease.leaseTimeToLive({ ID: 2000n, keys: true })
    assert.equal(ttl.grantedTTL, 300n)
    assert.ok(ttl.TTL >= 298n && ttl.TTL <= 300n)
    assert.deepEqual(ttl.keys.map((k) => Buffer.from(k).toString()), ['l1', 'l2'])
    const before = (await srv.range({ key: b('other') })).header.revision ?? 0n
    const rv = await srv.lease.leaseRevoke({ ID: 2000n })
    assert.equal(rv.header.revision, before + 1n, 'both keys deleted at one revision')
    assert.equal((await srv.range({ key: b('l'), rangeEnd: b('m') })).kvs.length, 0)
    assert.equal((await srv.range({ key: b('other') })).kvs.length, 1)
    await rejectsWith(srv.lease.leaseRevoke({ ID: 2000n }), 404, 'etcdserver: requested lease not found')
    await rejectsWith(srv.lease.leaseRevoke({}), 404, 'etcdserver: requested lease not found')
    const gone = await srv.lease.leaseTimeToLive({ ID: 2000n })
    assert.equal(gone.TTL, -1n)
    // a revoke of a lease without keys changes no revision
    await srv.lease.leaseGrant({ TTL: 30n, ID: 5n })
    const rv2 = await srv.lease.leaseRevoke({ ID: 5n })
    assert.equal(rv2.header.revision, rv.header.revision)
  })

  it('keeps a lease alive with keep-alives; an unknown lease answers TTL 0', async (t) => {
    const { srv } = await started(t)
    await srv.lease.leaseGrant({ TTL: 2n, ID: 77n })
    await srv.put({ key: b('alive'), value: b('v'), lease: 77n })
    for (let i = 0; i < 6; i++) {
      await sleep(500)
      const ka = await srv.lease.leaseKeepAlive({ ID: 77n })
      assert.equal(ka.ID, 77n)
      assert.equal(ka.TTL, 2n)
    }
    assert.equal((await srv.range({ key: b('alive') })).kvs.length, 1, 'kept alive for 3 s with a 2 s TTL')
    const unknown = await srv.lease.leaseKeepAlive({ ID: 424242n })
    assert.equal(unknown.TTL, 0n)
  })

  it('expires a lease only through a LeaseRevoke raft entry proposed by the leader', async (t) => {
    const { srv, dir } = await started(t)
    await srv.lease.leaseGrant({ TTL: 2n, ID: 99n })
    await srv.put({ key: b('ephemeral/1'), value: b('v'), lease: 99n })
    await srv.put({ key: b('ephemeral/2'), value: b('v'), lease: 99n })
    const rev = (await srv.range({ key: b('ephemeral/1') })).header.revision ?? 0n
    const gone = await waitFor(async () => (await srv.range({ key: b('ephemeral/'), rangeEnd: b('ephemeral0') })).kvs.length === 0, 6000)
    assert.ok(gone, 'keys of the expired lease were deleted')
    const after = await srv.range({ key: b('ephemeral/1') })
    assert.equal(after.header.revision, rev + 1n, 'both keys went at one revision')
    assert.equal((await srv.lease.leaseTimeToLive({ ID: 99n })).TTL, -1n)
    const metrics = await srv.cfg.metrics.getSingleMetricAsString('etcd_server_lease_expired_total')
    assert.match(metrics, /etcd_server_lease_expired_total 1\b/)
    await srv.stop()
    const ops = await walOps(dir)
    assert.deepEqual(ops.filter((op) => op.startsWith('lease')), ['leaseGrant', 'leaseRevoke'])
  })

  it('recovers leases and their keys at restart and extends them by an election timeout', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    let srv = await startServer(dir)
    await srv.lease.leaseGrant({ TTL: 5n, ID: 42n })
    await srv.put({ key: b('k'), value: b('v'), lease: 42n })
    await srv.stop()
    srv = await startServer(dir)
    t.after(() => srv.stop())
    const ttl = await srv.lease.leaseTimeToLive({ ID: 42n, keys: true })
    assert.equal(ttl.grantedTTL, 5n)
    assert.ok(ttl.TTL >= 5n && ttl.TTL <= 6n, `full TTL plus the 1 s election timeout, got ${ttl.TTL}`)
    assert.deepEqual(ttl.keys.map((k) => Buffer.from(k).toString()), ['k'])
    await srv.put({ key: b('k2'), value: b('v'), lease: 42n })
    const rv = await srv.lease.leaseRevoke({ ID: 42n })
    assert.equal((await srv.range({ key: b('k'), rangeEnd: b('l') })).kvs.length, 0)
    assert.ok((rv.header.revision ?? 0n) > 0n)
  })

  it('checkpoints remaining TTLs through raft so they survive a restart (lease checkpoint persist)', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    const over = { leaseCheckpoint: true, leaseCheckpointPersist: true, leaseCheckpointIntervalMs: 500 }
    let srv = await startServer(dir, over)
    await srv.lease.leaseGrant({ TTL: 60n, ID: 7n })
    await sleep(3200)
    await srv.stop()
    const ops = await walOps(dir)
    assert.ok(ops.filter((op) => op === 'leaseCheckpoint').length >= 3, `checkpoints proposed: ${ops.join(',')}`)
    srv = await startServer(dir, over)
    t.after(() => srv.stop())
    const ttl = await srv.lease.leaseTimeToLive({ ID: 7n })
    assert.equal(ttl.grantedTTL, 60n)
    // Without the checkpoint the restart would start again from 60 s (+1 s election timeout).
    assert.ok(ttl.TTL <= 59n, `remaining TTL restored from the checkpoint, got ${ttl.TTL}`)
    // A keep-alive clears the checkpoint: the full TTL again.
    assert.equal((await srv.lease.leaseKeepAlive({ ID: 7n })).TTL, 60n)
    assert.equal((await srv.lease.leaseTimeToLive({ ID: 7n })).TTL >= 59n, true)
  })
})
