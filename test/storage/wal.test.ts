// The WAL API on real files: create/open/readAll, snapshot markers, overwritten tails, segment
// cuts, group commit, locking, release and purge, validSnapshotEntries.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { decodeSegment } from '../../src/storage/wal/decoder.js'
import { RecordType } from '../../src/storage/wal/record.js'
import { WAL, validSnapshotEntries } from '../../src/storage/wal/index.js'
import { codeOf, ent, ents, hs, ids, tempDir } from './wal-helpers.js'

const meta = Buffer.from('node 1 cluster 7')

describe('WAL create/open/readAll', () => {
  it('creates a WAL that reopens empty with its metadata', async (t) => {
    const dir = join(tempDir(t), 'wal')
    assert.equal(WAL.exist(dir), false)
    const w = await WAL.create(dir, meta, { segmentSizeBytes: 64 * 1024 })
    assert.equal(WAL.exist(dir), true)
    assert.equal(await codeOf(w.readAll()), 'ErrDecoderNotFound')
    await w.close()
    assert.deepEqual(readdirSync(dir), ['0000000000000000-0000000000000000.wal'])
    assert.equal(statSync(join(dir, readdirSync(dir)[0])).size, 64 * 1024, 'preallocated')
    assert.equal(await codeOf(WAL.create(dir, meta)), 'ErrExist')
    const r = await WAL.open(dir, { index: 0, term: 0 })
    const all = await r.readAll()
    assert.deepEqual(Buffer.from(all.metadata), meta)
    assert.deepEqual(all.state, hs(0, 0, 0n))
    assert.deepEqual(all.entries, [])
    assert.equal(await codeOf(r.readAll()), 'ErrDecoderNotFound')
    await r.close()
  })

  it('round-trips entries and the last HardState', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta)
    await w.save(hs(1, 0), ents(1, 3))
    await w.save(hs(1, 3), ents(4, 5))
    await w.save(hs(2, 5, 2n), [])
    await w.close()
    const r = await WAL.open(dir, { index: 0, term: 0 })
    const all = await r.readAll()
    assert.deepEqual(all.entries, ents(1, 5))
    assert.deepEqual(all.state, hs(2, 5, 2n))
    await r.close()
  })

  const snapCases: Array<{ name: string, snap: { index: number, term: number }, want?: string[], code?: string }> = [
    { name: 'from the start', snap: { index: 0, term: 0 }, want: ids([...ents(1, 12)]) },
    { name: 'after the marker at 5', snap: { index: 5, term: 1 }, want: ids(ents(6, 12)) },
    { name: 'after the marker at 10', snap: { index: 10, term: 1 }, want: ids(ents(11, 12)) },
    { name: 'a marker that is not there', snap: { index: 7, term: 1 }, code: 'ErrSnapshotNotFound' },
    { name: 'a marker with another term', snap: { index: 5, term: 2 }, code: 'ErrSnapshotMismatch' }
  ]
  for (const c of snapCases) {
    it(`reads entries after a snapshot marker: ${c.name}`, async (t) => {
      const dir = join(tempDir(t), 'wal')
      const w = await WAL.create(dir, meta)
      await w.save(hs(1, 4), ents(1, 5))
      await w.saveSnapshot({ index: 5, term: 1 })
      await w.save(hs(1, 9), ents(6, 10))
      await w.saveSnapshot({ index: 10, term: 1 })
      await w.save(hs(1, 12), ents(11, 12))
      await w.close()
      if (c.code !== undefined) {
        assert.equal(await codeOf(WAL.open(dir, c.snap)), c.code)
        // a failed open leaves the WAL unlocked
        await (await WAL.open(dir, { index: 0, term: 0 })).close()
        return
      }
      const r = await WAL.open(dir, c.snap)
      assert.deepEqual(ids((await r.readAll()).entries), c.want)
      await r.close()
    })
  }

  it('lets later entries at a lower index replace the tail (raft log truncation)', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta)
    await w.save(hs(1, 2), ents(1, 10))
    await w.save(hs(2, 2), ents(6, 8, 2))
    await w.save(null, ents(9, 9, 2))
    await w.close()
    const r = await WAL.open(dir, { index: 0, term: 0 })
    assert.deepEqual(ids((await r.readAll()).entries), [...ids(ents(1, 5)), ...ids(ents(6, 9, 2))])
    await r.close()
  })

  it('refuses an entry that leaves a gap after the snapshot (ErrSliceOutOfRange)', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta)
    await w.save(hs(1, 0), [ent(1), ent(2), ent(5)])
    await w.close()
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrSliceOutOfRange')
  })

  it('refuses a record larger than maxRecordBytes at save, and the WAL stays usable', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta, { maxRecordBytes: 1024 })
    assert.equal(await codeOf(w.save(hs(1, 0), [ent(1, 1, 'x'.repeat(2000))])), 'ErrMaxWALEntrySizeLimitExceeded')
    await w.save(hs(1, 0), ents(1, 2))
    await w.close()
    const r = await WAL.open(dir, { index: 0, term: 0 })
    assert.deepEqual(ids((await r.readAll()).entries), ids(ents(1, 2)))
    await r.close()
  })

  it('refuses saves after close', async (t) => {
    const w = await WAL.create(join(tempDir(t), 'wal'), meta)
    await w.close()
    assert.equal(await codeOf(w.save(hs(1, 0), ents(1, 1))), 'ErrWALClosed')
  })
})

describe('WAL segments', () => {
  const seg = 4096
  async function filled (dir: string, n: number): Promise<void> {
    const w = await WAL.create(dir, meta, { segmentSizeBytes: seg })
    for (let i = 1; i <= n; i++) await w.save(hs(1, i - 1), [ent(i, 1, 'y'.repeat(200))])
    await w.close()
  }

  it('cuts full segments, names them by first index, chains the CRC across them', async (t) => {
    const dir = join(tempDir(t), 'wal')
    await filled(dir, 100)
    const names = readdirSync(dir).filter((n) => n.endsWith('.wal')).sort()
    assert.ok(names.length >= 5, `${names.length} segments`)
    let crc = 0
    let nextIndex = 1
    for (let i = 0; i < names.length; i++) {
      const [seqHex, indexHex] = names[i].replace('.wal', '').split('-')
      assert.equal(parseInt(seqHex, 16), i)
      const buf = readFileSync(join(dir, names[i]))
      const isLast = i === names.length - 1
      if (i > 0) assert.equal(parseInt(indexHex, 16), nextIndex, 'named by the first index it holds')
      const d = decodeSegment(buf, { file: names[i], crc, isLast, maxRecordBytes: 1 << 20 })
      assert.equal(d.torn, false)
      assert.deepEqual(d.records.slice(0, 2).map((r) => r.type), [RecordType.CrcType, RecordType.MetadataType])
      if (i > 0) {
        assert.equal(d.records[0].crc, crc, 'a segment starts with the running checksum')
        assert.equal(d.records[2].type, RecordType.StateType, 'and the last HardState')
      }
      if (!isLast) assert.equal(buf.length, d.end, 'a closed segment is truncated at its last record')
      else assert.equal(buf.length, seg, 'the tail stays preallocated')
      nextIndex += d.records.filter((r) => r.type === RecordType.EntryType).length
      crc = d.crc
    }
    const r = await WAL.open(dir, { index: 0, term: 0 }, { segmentSizeBytes: seg })
    const all = await r.readAll()
    assert.deepEqual(ids(all.entries), ids(ents(1, 100)))
    assert.deepEqual(all.state, hs(1, 99))
    await r.close()
  })

  it('releases segments below a snapshot and purges them, keeping what a reopen needs', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta, { segmentSizeBytes: seg })
    for (let i = 1; i <= 60; i++) await w.save(hs(1, i), [ent(i, 1, 'z'.repeat(200))])
    await w.saveSnapshot({ index: 50, term: 1 })
    for (let i = 61; i <= 70; i++) await w.save(hs(1, i), [ent(i, 1, 'z'.repeat(200))])
    const before = readdirSync(dir).filter((n) => n.endsWith('.wal')).sort()
    assert.deepEqual(await w.purge(1), [], 'nothing released yet')
    w.releaseLockTo(50)
    const removed = await w.purge(1)
    assert.ok(removed.length > 0)
    const after = readdirSync(dir).filter((n) => n.endsWith('.wal')).sort()
    assert.deepEqual(after, before.slice(removed.length))
    // the first remaining segment starts at or below the snapshot index
    assert.ok(parseInt(after[0].split('-')[1], 16) <= 50)
    await w.close()
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrFileNotFound')
    const r = await WAL.open(dir, { index: 50, term: 1 }, { segmentSizeBytes: seg })
    const all = await r.readAll()
    assert.deepEqual(ids(all.entries), ids(ents(51, 70)))
    assert.deepEqual(all.state, hs(1, 70))
    await r.close()
  })

  it('reports only snapshot markers covered by the committed index', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta)
    await w.save(hs(1, 5), ents(1, 10))
    await w.saveSnapshot({ index: 5, term: 1 })
    await w.saveSnapshot({ index: 8, term: 1 })
    await w.close()
    assert.deepEqual(await validSnapshotEntries(dir), [{ index: 0, term: 0 }, { index: 5, term: 1 }])
  })

  it('reads snapshot markers past a torn tail without repairing it', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta)
    await w.save(hs(1, 3), ents(1, 3))
    await w.saveSnapshot({ index: 3, term: 1 })
    await w.save(hs(1, 4), ents(4, 4))
    await w.close()
    const path = join(dir, readdirSync(dir).filter((n) => n.endsWith('.wal'))[0])
    const buf = readFileSync(path)
    const d = decodeSegment(buf, { file: 'x', crc: 0, isLast: true, maxRecordBytes: 1 << 20 })
    const last = d.records[d.records.length - 1]
    buf.fill(0, last.offset + 12, d.end)
    writeFileSync(path, buf)
    assert.deepEqual(await validSnapshotEntries(dir), [{ index: 0, term: 0 }, { index: 3, term: 1 }])
    assert.deepEqual(readFileSync(path), buf, 'read-only: the file is untouched')
  })
})

describe('WAL group commit', () => {
  it('shares one fdatasync among the saves that queue behind a sync', async (t) => {
    const syncs: number[] = []
    const w = await WAL.create(join(tempDir(t), 'wal'), meta, { onFsync: (_s, covered) => syncs.push(covered) })
    await Promise.all(Array.from({ length: 64 }, (_, i) => w.save(null, [ent(i + 1)])))
    // saves issued in the same turn are written together and share one sync
    assert.deepEqual(syncs, [64])
    syncs.length = 0
    // saves that arrive while a sync runs are written after it and share the next one
    const first = w.save(null, [ent(65)])
    await new Promise((resolve) => setImmediate(resolve))
    const later = Array.from({ length: 10 }, (_, i) => w.save(null, [ent(66 + i)]))
    await Promise.all([first, ...later])
    assert.deepEqual(syncs, [1, 10])
    await w.close()
  })

  for (const [mode, inlineSyncMaxMs] of [['inline', 1e9], ['on the thread pool', 0]] as const) {
    it(`syncs ${mode}: saves of one run share a sync and every record reads back`, async (t) => {
      const dir = join(tempDir(t), 'wal')
      const syncs: number[] = []
      const w = await WAL.create(dir, meta, { inlineSyncMaxMs, onFsync: (_s, covered) => syncs.push(covered) })
      await Promise.all(Array.from({ length: 10 }, (_, i) => w.save(hs(1, i + 1), [ent(i + 1)])))
      await w.save(hs(1, 11), [ent(11)])
      assert.deepEqual(syncs, [10, 1])
      await w.close()
      const r = await WAL.open(dir, { index: 0, term: 0 })
      const all = await r.readAll()
      assert.deepEqual(all.entries.map((e) => e.index), Array.from({ length: 11 }, (_, i) => i + 1))
      assert.equal(all.state.commit, 11)
      await r.close()
    })
  }

  it('writes a commit-only HardState change without syncing (etcd MustSync)', async (t) => {
    const syncs: number[] = []
    const w = await WAL.create(join(tempDir(t), 'wal'), meta, { onFsync: (_s, covered) => syncs.push(covered) })
    await w.save(hs(1, 0), ents(1, 1))
    await w.save(hs(1, 1), [])
    assert.equal(syncs.length, 1)
    await w.save(hs(2, 1), [])
    assert.equal(syncs.length, 2, 'a term change must sync')
    await w.close()
  })
})

describe('WAL lock', () => {
  it('refuses a second open while the WAL is open, and takes over a dead owner\'s lock', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta)
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrLocked')
    await w.close()
    const r = await WAL.open(dir, { index: 0, term: 0 })
    await r.close()
    const dead = spawnSync(process.execPath, ['-e', '0']).pid
    writeFileSync(join(dir, 'wal.lock'), `${dead}\n`)
    const r2 = await WAL.open(dir, { index: 0, term: 0 })
    await r2.close()
    writeFileSync(join(dir, 'wal.lock'), `${process.ppid}\n`)
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrLocked', 'a live pid holds it')
  })

  it('keeps another process out while one has the WAL open, and takes over once it was killed', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const holder = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/wal-holder.ts', import.meta.url)), dir], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit']
    })
    t.after(() => holder.kill('SIGKILL'))
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d: Buffer) => { if (d.toString().includes('open')) resolve() })
      holder.on('exit', (code) => reject(new Error(`holder exited with ${code}`)))
    })
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrLocked')
    const exited = new Promise((resolve) => holder.on('exit', resolve))
    holder.kill('SIGKILL')
    await exited
    const w = await WAL.open(dir, { index: 0, term: 0 })
    assert.deepEqual(Buffer.from((await w.readAll()).metadata), Buffer.from('holder'))
    await w.close()
  })
})
