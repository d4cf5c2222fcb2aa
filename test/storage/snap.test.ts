// The snapshotter on real files: naming, CRC check, newest-valid and WAL-matching selection,
// .broken renaming, purge and cleanup, received backend snapshot files.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { type Snapshot, emptyConfState } from '../../src/raft/index.js'
import { Snapshotter } from '../../src/storage/snap/index.js'
import { backendPath, memberDir, snapDir, walDir } from '../../src/storage/datadir.js'
import { tempDir } from './wal-helpers.js'

function snapshot (index: number, term: number): Snapshot {
  return {
    data: Buffer.from(`state at ${index}`),
    metadata: { index, term, confState: { ...emptyConfState(), voters: [1n, 2n, 0xffff_ffff_ffff_ffffn] } }
  }
}

describe('Snapshotter', () => {
  it('names files <term>-<index>.snap and loads them back', (t) => {
    const dir = tempDir(t, 'snap-test-')
    const ss = new Snapshotter(dir)
    ss.saveSnap(snapshot(0x10, 3))
    assert.deepEqual(readdirSync(dir), ['0000000000000003-0000000000000010.snap'])
    assert.deepEqual(ss.load(), snapshot(0x10, 3))
  })

  it('does not write an empty snapshot, and loads null when there is none', (t) => {
    const dir = tempDir(t, 'snap-test-')
    const ss = new Snapshotter(dir)
    ss.saveSnap({ data: new Uint8Array(0), metadata: { index: 0, term: 0, confState: emptyConfState() } })
    assert.deepEqual(readdirSync(dir), [])
    assert.equal(ss.load(), null)
    assert.equal(new Snapshotter(join(dir, 'missing')).load(), null)
  })

  const damage: Array<{ name: string, fn: (path: string) => void }> = [
    { name: 'a flipped bit', fn: (p) => { const b = readFileSync(p); b[b.length - 3] ^= 2; writeFileSync(p, b) } },
    { name: 'a flipped CRC bit', fn: (p) => { const b = readFileSync(p); b[0] ^= 1; writeFileSync(p, b) } },
    { name: 'an empty file', fn: (p) => { writeFileSync(p, '') } },
    { name: 'a truncated file', fn: (p) => { writeFileSync(p, readFileSync(p).subarray(0, 10)) } }
  ]
  for (const d of damage) {
    it(`renames a broken newest file (${d.name}) to .broken and loads the next older one`, (t) => {
      const dir = tempDir(t, 'snap-test-')
      const ss = new Snapshotter(dir)
      ss.saveSnap(snapshot(5, 1))
      ss.saveSnap(snapshot(9, 2))
      d.fn(join(dir, '0000000000000002-0000000000000009.snap'))
      const warned: string[] = []
      const loaded = new Snapshotter(dir, { warn: (_o, m) => warned.push(m) }).load()
      assert.deepEqual(loaded, snapshot(5, 1))
      assert.equal(warned.length, 1)
      assert.deepEqual(readdirSync(dir).sort(), ['0000000000000001-0000000000000005.snap', '0000000000000002-0000000000000009.snap.broken'])
    })
  }

  it('loadNewestAvailable picks the newest file that has a WAL snapshot marker', (t) => {
    const dir = tempDir(t, 'snap-test-')
    const ss = new Snapshotter(dir)
    for (const [i, term] of [[5, 1], [9, 2], [14, 2]]) ss.saveSnap(snapshot(i, term))
    const cases: Array<{ wal: Array<{ index: number, term: number }>, want: number | null }> = [
      { wal: [{ index: 0, term: 0 }, { index: 5, term: 1 }, { index: 9, term: 2 }], want: 9 },
      { wal: [{ index: 0, term: 0 }, { index: 5, term: 1 }], want: 5 },
      { wal: [{ index: 9, term: 1 }], want: null },
      { wal: [{ index: 14, term: 2 }, { index: 5, term: 1 }], want: 14 },
      { wal: [], want: null }
    ]
    for (const c of cases) {
      assert.equal(ss.loadNewestAvailable(c.wal)?.metadata.index ?? null, c.want, JSON.stringify(c.wal))
    }
  })

  it('purges all but the newest files and cleans up interrupted writes', (t) => {
    const dir = tempDir(t, 'snap-test-')
    const ss = new Snapshotter(dir)
    for (let i = 1; i <= 6; i++) ss.saveSnap(snapshot(i * 10, 1))
    writeFileSync(join(dir, '0000000000000001-0000000000000070.snap.tmp'), 'half')
    assert.deepEqual(ss.cleanup(), ['0000000000000001-0000000000000070.snap.tmp'])
    assert.deepEqual(ss.purge(2), ['0000000000000001-0000000000000028.snap', '0000000000000001-000000000000001e.snap',
      '0000000000000001-0000000000000014.snap', '0000000000000001-000000000000000a.snap'])
    assert.deepEqual(ss.snapNames(), ['0000000000000001-000000000000003c.snap', '0000000000000001-0000000000000032.snap'])
  })

  it('stores received backend snapshots as <index>.snap.db and releases older ones', async (t) => {
    const dir = tempDir(t, 'snap-test-')
    const ss = new Snapshotter(dir)
    assert.equal(ss.dbFilePath(0x2a), join(dir, '000000000000002a.snap.db'))
    async function * chunks (): AsyncIterable<Uint8Array> {
      yield Buffer.from('lmdb ')
      yield Buffer.from('pages')
    }
    assert.equal(await ss.saveDBFrom(chunks(), 0x2a), 10)
    assert.equal(readFileSync(ss.dbFilePathExisting(0x2a), 'utf8'), 'lmdb pages')
    assert.throws(() => ss.dbFilePathExisting(0x2b), { code: 'ErrNoDBSnapshot' })
    await ss.saveDBFrom(chunks(), 0x30)
    assert.deepEqual(ss.releaseSnapDBs(0x30), ['000000000000002a.snap.db'])
    assert.ok(existsSync(ss.dbFilePath(0x30)))
    assert.ok(!readdirSync(dir).some((n) => n.endsWith('.tmp')))
  })
})

describe('data directory layout', () => {
  it('places the WAL, snapshots and the LMDB environment as etcd does', () => {
    assert.equal(memberDir('/d'), '/d/member')
    assert.equal(walDir('/d'), '/d/member/wal')
    assert.equal(snapDir('/d'), '/d/member/snap')
    assert.equal(backendPath('/d'), '/d/member/snap/db')
  })
})
