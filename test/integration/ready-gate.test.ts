// A member serves client requests only once it has published itself through raft (etcd's
// client listeners wait on ReadyNotify): a member whose cluster has no quorum accepts the
// connection but holds the request, and answers it `etcdserver: server stopped` when it shuts
// down; a member that published answers at once, and its member list carries its name and URLs.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { newLoopbackConfig } from '../../src/embed/config.js'
import { startEtcd } from '../../src/embed/etcd.js'

describe('client requests wait until the member has published itself', () => {
  it('holds requests while the member cannot publish, and answers them ErrStopped on shutdown', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'etcd-ts-ready-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const cfg = newLoopbackConfig(join(dir, 'data'))
    // a second voter that never starts: no quorum, no leader, nothing is ever published
    cfg['initial-cluster'] = 'default=http://127.0.0.1:2380,absent=http://127.0.0.1:1'
    const etcd = await startEtcd(cfg)
    const url = etcd.clientURLs[0] as string
    const held = fetch(`${url}/v3/kv/range`, { method: 'POST', body: '{"key":"Zm9v","serializable":true}' })
    const early = await Promise.race([held.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('held'), 700))])
    assert.equal(early, 'held', 'a member that has not published must not answer')
    await etcd.close()
    const res = await held
    assert.equal(res.status, 503)
    assert.deepEqual(await res.json(), { error: 'etcdserver: server stopped', code: 14, message: 'etcdserver: server stopped' })
  })

  it('answers at once after publishing; the member list shows its name and client URL', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'etcd-ts-ready-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const etcd = await startEtcd(newLoopbackConfig(join(dir, 'data')))
    try {
      await etcd.server.readyNotify()
      assert.equal(etcd.server.ready, true)
      const url = etcd.clientURLs[0] as string
      const res = await fetch(`${url}/v3/cluster/member/list`, { method: 'POST', body: '{}' })
      assert.equal(res.status, 200)
      const body = await res.json() as { members: Array<{ name?: string, clientURLs?: string[] }> }
      assert.equal(body.members.length, 1)
      assert.equal(body.members[0]?.name, 'default')
      assert.deepEqual(body.members[0]?.clientURLs, etcd.config['advertise-client-urls'])
    } finally {
      await etcd.close()
    }
  })
})
