// Opening a damaged WAL: a torn tail is repaired (and its stale bytes erased so later appends
// read back cleanly); corruption before the tail or in a closed segment is refused.
import assert from 'node:assert/strict'
import { closeSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { encodeEntry } from '../../src/raft/index.js'
import { decodeSegment } from '../../src/storage/wal/decoder.js'
import { encodeWalSnapshot } from '../../src/storage/wal/payload.js'
import { RecordType, frameRecords } from '../../src/storage/wal/record.js'
import { WAL } from '../../src/storage/wal/index.js'
import { codeOf, ent, ents, hs, ids, tempDir } from './wal-helpers.js'

const meta = Buffer.from('m')
const seg = 4096

function walFiles (dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.wal')).sort()
}

/** Record offsets of a segment file (decoded as a middle segment would be, with crc 0). */
function recordOffsets (path: string): { offsets: number[], end: number } {
  const d = decodeSegment(readFileSync(path), { file: path, crc: 0, isLast: true, maxRecordBytes: 1 << 20 })
  return { offsets: d.records.map((r) => r.offset), end: d.end }
}

async function build (dir: string, n: number, opts = { segmentSizeBytes: seg }): Promise<void> {
  const w = await WAL.create(dir, meta, opts)
  for (let i = 1; i <= n; i++) await w.save(hs(1, i - 1), [ent(i, 1, 'p'.repeat(150))])
  await w.close()
}

describe('WAL tail repair', () => {
  const tears: Array<{ name: string, tear: (buf: Buffer, last: number, end: number) => void }> = [
    { name: 'the second half of the last record is zero', tear: (b, last, end) => b.fill(0, last + Math.floor((end - last) / 2), end) },
    { name: 'only a partial length word was written', tear: (b, last, end) => b.fill(0, last + 3, end) },
    { name: 'the last record\'s data has a flipped bit and nothing follows it', tear: (b, last) => { b[last + 20] ^= 0x10 } }
  ]
  for (const c of tears) {
    it(`truncates a torn tail: ${c.name}`, async (t) => {
      const dir = join(tempDir(t), 'wal')
      await build(dir, 30)
      const tail = join(dir, walFiles(dir).at(-1) as string)
      const { offsets, end } = recordOffsets(tail)
      const buf = readFileSync(tail)
      c.tear(buf, offsets[offsets.length - 1], end)
      writeFileSync(tail, buf)
      const warnings: string[] = []
      const w = await WAL.open(dir, { index: 0, term: 0 }, { segmentSizeBytes: seg, logger: { warn: (_o, msg) => warnings.push(msg) } })
      const all = await w.readAll()
      // the last record was the HardState of save 30: entries 1..30 remain, the state is save 29's
      assert.deepEqual(ids(all.entries), ids(ents(1, 30)))
      assert.deepEqual(all.state, hs(1, 28))
      assert.equal(warnings.length, 1)
      // appending after the repair, with a shorter record, reads back cleanly
      await w.save(hs(1, 30), [ent(31)])
      await w.close()
      const r = await WAL.open(dir, { index: 0, term: 0 }, { segmentSizeBytes: seg, logger: { warn: (_o, msg) => warnings.push(msg) } })
      const again = await r.readAll()
      assert.deepEqual(ids(again.entries), ids(ents(1, 31)))
      assert.deepEqual(again.state, hs(1, 30))
      assert.equal(warnings.length, 1, 'nothing left to repair')
      await r.close()
    })
  }

  it('erases stale bytes after a torn record that was partly written past the valid end', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta)
    await w.save(hs(1, 0), ents(1, 3))
    await w.save(null, [ent(4, 1, 'q'.repeat(2000))])
    await w.close()
    const tail = join(dir, walFiles(dir)[0])
    const { offsets, end } = recordOffsets(tail)
    const buf = readFileSync(tail)
    buf.fill(0, offsets[offsets.length - 1] + 600, end) // the end of the big record never landed
    writeFileSync(tail, buf)
    const r = await WAL.open(dir, { index: 0, term: 0 })
    assert.deepEqual(ids((await r.readAll()).entries), ids(ents(1, 3)))
    await r.save(null, [ent(4, 2)])
    await r.close()
    const r2 = await WAL.open(dir, { index: 0, term: 0 })
    assert.deepEqual(ids((await r2.readAll()).entries), [...ids(ents(1, 3)), '4/2'])
    await r2.close()
  })
})

describe('WAL open on full-size preallocated segments (read up to the last non-zero byte)', () => {
  it('finds a stray byte far past the last record and erases it as a torn tail', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta)
    await w.save(hs(1, 0), ents(1, 3))
    await w.close()
    const tail = join(dir, walFiles(dir)[0])
    const strayAt = 40 * 1024 * 1024 + 123
    const fd = openSync(tail, 'r+')
    writeSync(fd, Buffer.from([0x5a]), 0, 1, strayAt)
    closeSync(fd)
    const warnings: string[] = []
    const r = await WAL.open(dir, { index: 0, term: 0 }, { logger: { warn: (_o, msg) => warnings.push(msg) } })
    assert.deepEqual(ids((await r.readAll()).entries), ids(ents(1, 3)))
    assert.equal(warnings.length, 1, 'the stray byte is reported as a repair')
    await r.save(null, [ent(4)])
    await r.close()
    const probe = Buffer.alloc(1)
    const fd2 = openSync(tail, 'r')
    readSync(fd2, probe, 0, 1, strayAt)
    closeSync(fd2)
    assert.equal(probe[0], 0, 'erased')
    const r2 = await WAL.open(dir, { index: 0, term: 0 })
    assert.deepEqual(ids((await r2.readAll()).entries), ids(ents(1, 4)))
    await r2.close()
  })

  it('reads back a last record whose data ends in zero bytes', async (t) => {
    const dir = join(tempDir(t), 'wal')
    const w = await WAL.create(dir, meta)
    const zeros = '\0'.repeat(5000)
    await w.save(hs(1, 0), [ent(1)])
    await w.save(null, [ent(2, 1, zeros)]) // the segment's last record: its last 5000 bytes are zero
    await w.close()
    const r = await WAL.open(dir, { index: 0, term: 0 })
    const all = await r.readAll()
    assert.deepEqual(all.entries.map((e) => Buffer.from(e.data)), [ent(1), ent(2, 1, zeros)].map((e) => Buffer.from(e.data)))
    assert.deepEqual(all.state, hs(1, 0))
    await r.close()
  })
})

describe('WAL corruption refused at open', () => {
  it('refuses a flipped bit in a record of the tail that has records after it', async (t) => {
    const dir = join(tempDir(t), 'wal')
    await build(dir, 30)
    const tail = join(dir, walFiles(dir).at(-1) as string)
    const { offsets } = recordOffsets(tail)
    const buf = readFileSync(tail)
    buf[offsets[offsets.length - 3] + 21] ^= 1
    writeFileSync(tail, buf)
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrCRCMismatch')
  })

  it('refuses a flipped bit in a closed segment, even in its last record', async (t) => {
    const dir = join(tempDir(t), 'wal')
    await build(dir, 60)
    const names = walFiles(dir)
    assert.ok(names.length >= 3)
    const first = join(dir, names[0])
    const { offsets } = recordOffsets(first)
    const buf = readFileSync(first)
    buf[offsets[offsets.length - 1] + 17] ^= 4
    writeFileSync(first, buf)
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrCRCMismatch')
  })

  it('refuses a closed segment that lost its last records (the chain breaks at the next segment)', async (t) => {
    const dir = join(tempDir(t), 'wal')
    await build(dir, 60)
    const first = join(dir, walFiles(dir)[0])
    const { offsets } = recordOffsets(first)
    truncateSync(first, offsets[offsets.length - 1])
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrCRCMismatch')
  })

  it('refuses a closed segment cut in the middle of a record', async (t) => {
    const dir = join(tempDir(t), 'wal')
    await build(dir, 60)
    const first = join(dir, walFiles(dir)[0])
    const { offsets } = recordOffsets(first)
    truncateSync(first, offsets[offsets.length - 1] + 24)
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrUnexpectedEOF')
  })

  it('refuses a WAL with a missing middle segment', async (t) => {
    const dir = join(tempDir(t), 'wal')
    await build(dir, 60)
    unlinkSync(join(dir, walFiles(dir)[1]))
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrFileNotFound')
  })

  it('refuses segments whose metadata records differ (ErrMetadataConflict)', async (t) => {
    const dir = join(tempDir(t), 'wal')
    mkdirSync(dir)
    const first = frameRecords([
      { type: RecordType.CrcType, data: new Uint8Array(0) },
      { type: RecordType.MetadataType, data: Buffer.from('member a') },
      { type: RecordType.SnapshotType, data: encodeWalSnapshot({ index: 0, term: 0 }) },
      { type: RecordType.EntryType, data: encodeEntry(ent(1)) }
    ], 0)
    const second = frameRecords([
      { type: RecordType.CrcType, data: new Uint8Array(0) },
      { type: RecordType.MetadataType, data: Buffer.from('member b') },
      { type: RecordType.EntryType, data: encodeEntry(ent(2)) }
    ], first.crc)
    writeFileSync(join(dir, '0000000000000000-0000000000000000.wal'), first.buf)
    writeFileSync(join(dir, '0000000000000001-0000000000000002.wal'), Buffer.concat([second.buf, Buffer.alloc(256)]))
    assert.equal(await codeOf(WAL.open(dir, { index: 0, term: 0 })), 'ErrMetadataConflict')
  })
})
