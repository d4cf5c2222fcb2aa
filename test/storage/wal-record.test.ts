// Record framing, the chained CRC and the segment decoder: torn tails at every byte offset of the
// last record (zero-filled and truncated files), and corruption refused everywhere else.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32c } from '../../src/pkg/crc32c.js'
import { allZero, decodeSegment } from '../../src/storage/wal/decoder.js'
import { type RecordInput, RecordType, frameRecords, frameSize } from '../../src/storage/wal/record.js'

const max = 1 << 20

function rec (type: RecordType, text: string): RecordInput {
  return { type, data: Buffer.from(text) }
}

/** A segment: crc record, metadata, then `n` entry-typed records of varying sizes. */
function segment (n: number, crc = 0): { buf: Buffer, offsets: number[], records: RecordInput[] } {
  const records = [rec(RecordType.CrcType, ''), rec(RecordType.MetadataType, 'meta')]
  for (let i = 0; i < n; i++) records.push(rec(RecordType.EntryType, `entry-${i}-${'x'.repeat(i % 13)}!`))
  const offsets: number[] = []
  let off = 0
  for (const r of records) {
    offsets.push(off)
    off += frameSize(r.data.length)
  }
  return { buf: frameRecords(records, crc).buf, offsets, records }
}

function decode (buf: Buffer, isLast = true, crc = 0): ReturnType<typeof decodeSegment> {
  return decodeSegment(buf, { file: 'test.wal', crc, isLast, maxRecordBytes: max })
}

function codeOf (fn: () => unknown): string | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    return (err as { code?: string }).code ?? String(err)
  }
}

describe('wal record framing', () => {
  const cases = [0, 1, 2, 7, 8, 9, 15, 16, 17, 100, 1000]
  for (const len of cases) {
    it(`frames ${len} data bytes 8-aligned with the pad flag`, () => {
      const { buf } = frameRecords([{ type: RecordType.EntryType, data: Buffer.alloc(len, 7) }], 0)
      const recBytes = 8 + len
      const pad = (8 - (recBytes % 8)) % 8
      assert.equal(buf.length, 8 + recBytes + pad)
      assert.equal(buf.length % 8, 0)
      assert.equal(buf.readUInt32LE(0), recBytes)
      assert.equal(buf[7], pad === 0 ? 0 : 0x80 | pad)
      assert.equal(buf[8], RecordType.EntryType)
      assert.equal(buf[9], ~RecordType.EntryType & 0xff)
      assert.ok(allZero(buf, 8 + recBytes, buf.length), 'padding is zero')
      assert.deepEqual(decode(buf).records.map((r) => r.data.length), [len])
    })
  }

  it('chains the CRC: each record seeds from the one before, a crc record carries the running value', () => {
    const start = crc32c(Buffer.from('earlier records'))
    const records = [rec(RecordType.CrcType, ''), rec(RecordType.EntryType, 'a'), rec(RecordType.StateType, 'bb'), rec(RecordType.EntryType, 'ccc')]
    const { buf, crc } = frameRecords(records, start)
    const d = decode(buf, true, start)
    assert.equal(d.records.length, 4)
    assert.equal(d.records[0].crc, start)
    let running = start
    for (let i = 1; i < 4; i++) {
      running = crc32c(records[i].data, running)
      assert.equal(d.records[i].crc, running)
    }
    assert.equal(crc, running)
    assert.equal(d.crc, running)
    // the same bytes read with another running checksum are refused: records were lost before them
    assert.equal(codeOf(() => decode(buf, false, start ^ 1)), 'ErrCRCMismatch')
    // a segment read from its own start (crc 0 = unknown) adopts the crc record's value
    assert.equal(decode(buf, false, 0).crc, running)
  })

  it('stops cleanly at the zeroed, preallocated part of a segment', () => {
    const { buf } = segment(5)
    const file = Buffer.concat([buf, Buffer.alloc(4096)])
    const d = decode(file)
    assert.equal(d.records.length, 7)
    assert.equal(d.end, buf.length)
    assert.equal(d.torn, false)
  })
})

describe('wal torn tail', () => {
  const { buf, offsets } = segment(6)
  const lastOff = offsets[offsets.length - 1]
  const full = buf.length
  for (const variant of ['zero-filled', 'truncated'] as const) {
    it(`repairs a tail torn at every byte offset of the last record (${variant})`, () => {
      for (let k = 0; k <= full - lastOff; k++) {
        const cut = lastOff + k
        const file = variant === 'zero-filled'
          ? Buffer.concat([buf.subarray(0, cut), Buffer.alloc(full - cut + 512)])
          : Buffer.from(buf.subarray(0, cut))
        const d = decode(file)
        // zero-filled: the record survives exactly when the missing bytes were zeros anyway
        // (padding); truncated: only a whole frame survives
        const present = variant === 'zero-filled' ? allZero(buf, cut, full) : cut === full
        assert.equal(d.records.length, offsets.length - (present ? 0 : 1), `k=${k}`)
        assert.equal(d.end, present ? full : lastOff, `k=${k}`)
        assert.equal(d.torn, !present && !allZero(buf, lastOff, cut), `k=${k}`)
      }
    })
  }

  it('treats a record with a zeroed sector followed by more unsynced data as torn', () => {
    const records = [rec(RecordType.CrcType, ''), rec(RecordType.EntryType, 'x'.repeat(1500)), rec(RecordType.EntryType, 'y'.repeat(40))]
    const { buf } = frameRecords(records, 0)
    const file = Buffer.from(buf)
    file.fill(0, 512, 1024) // the middle sector of the big record never reached the disk
    const d = decode(file)
    assert.equal(d.torn, true)
    assert.equal(d.records.length, 1)
    assert.equal(d.end, 16)
    assert.equal(codeOf(() => decode(file, false)), 'ErrCRCMismatch')
  })

  it('treats a record whose sector-bounded piece is zero (one sector of the write lost) as torn', () => {
    const records = [rec(RecordType.CrcType, ''), rec(RecordType.EntryType, 'a'.repeat(700)), rec(RecordType.EntryType, 'b'.repeat(400)), rec(RecordType.EntryType, 'c'.repeat(400))]
    const { buf } = frameRecords(records, 0)
    const file = Buffer.from(buf)
    file.fill(0, 512, 1024) // the sector holding the end of record 2 and the start of record 3
    const d = decode(file)
    assert.equal(d.torn, true)
    assert.equal(d.records.length, 1)
    assert.equal(d.end, 16)
  })

  it('refuses a torn record in a closed (non-last) segment', () => {
    const { buf, offsets } = segment(4)
    const cut = offsets[offsets.length - 1] + 11
    assert.equal(codeOf(() => decode(Buffer.from(buf.subarray(0, cut)), false)), 'ErrUnexpectedEOF')
    assert.equal(codeOf(() => decode(Buffer.concat([buf.subarray(0, cut), Buffer.alloc(64)]), false)), 'ErrCRCMismatch')
  })
})

describe('wal corruption is refused', () => {
  const { buf, offsets } = segment(6)
  const victim = 3 // a record in the middle: good records follow it
  const from = offsets[victim]
  const to = offsets[victim + 1]
  it('refuses every single-bit flip in a record that has records after it', () => {
    for (let off = from; off < to; off++) {
      for (const bit of [0, 3, 7]) {
        const file = Buffer.concat([buf, Buffer.alloc(256)])
        file[off] ^= 1 << bit
        const code = codeOf(() => decode(file))
        assert.ok(code === 'ErrCRCMismatch' || code === 'ErrMaxWALEntrySizeLimitExceeded', `offset ${off} bit ${bit}: ${code}`)
      }
    }
  })

  it('refuses a zeroed length word that has data after it in its sector', () => {
    const file = Buffer.concat([buf, Buffer.alloc(256)])
    file.fill(0, from, from + 8)
    assert.equal(codeOf(() => decode(file)), 'ErrCRCMismatch')
  })

  it('refuses a record larger than the limit', () => {
    const { buf: big } = frameRecords([rec(RecordType.EntryType, 'z'.repeat(300)), rec(RecordType.EntryType, 'after')], 0)
    const code = codeOf(() => decodeSegment(big, { file: 't', crc: 0, isLast: true, maxRecordBytes: 100 }))
    assert.equal(code, 'ErrMaxWALEntrySizeLimitExceeded')
  })
})
