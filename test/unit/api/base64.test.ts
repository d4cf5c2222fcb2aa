import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { corruptAt, decodeBase64, encodeBase64 } from '../../../src/api/json/base64.js'

describe('base64: what Go\'s StdEncoding accepts (spec §2.2)', () => {
  // [input, decoded utf8 or error offset] — offsets as observed on etcd 3.4.23
  const cases: Array<[string, string | number]> = [
    ['', ''],
    ['Zm9v', 'foo'],
    ['YmFy', 'bar'],
    ['Zg==', 'f'],
    ['Zm8=', 'fo'],
    ['Zm9=', 'fo'], // non-zero trailing bits are accepted (non-strict)
    ['Zm9v\n', 'foo'],
    ['Zm9\r\nv', 'foo'],
    ['Zg=\n=', 'f'],
    ['Zg==\n', 'f'],
    ['+/8=', '\ufffd\ufffd'],
    ['a2V5Mg', 4],
    ['-_8=', 0],
    ['Zm9v=', 4],
    ['Z===', 1],
    ['Zg=', 3],
    ['Zg==x', 4],
    ['Zg', 0],
    ['Z', 0],
    ['Zm9vYg', 4],
    ['é', 0],
    ['Zm9v Zm9v', 4],
    ['=', 0],
    ['Zg=x', 2]
  ]
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${typeof want === 'number' ? `error at byte ${want}` : JSON.stringify(want)}`, () => {
      if (typeof want === 'number') {
        assert.equal(corruptAt(input), want)
        assert.throws(() => decodeBase64(input), { code: 'ErrJSONDecode', message: `illegal base64 data at input byte ${want}` })
      } else {
        assert.equal(corruptAt(input), -1)
        const got = decodeBase64(input)
        if (input === '+/8=') assert.deepEqual([...got], [0xfb, 0xff])
        else assert.equal(Buffer.from(got).toString('utf8'), want)
      }
    })
  }

  it('round trips any bytes; output is padded standard base64', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const s = encodeBase64(b)
      assert.match(s, /^[A-Za-z0-9+/]*={0,2}$/)
      assert.equal(s.length % 4, 0)
      assert.deepEqual(decodeBase64(s), b)
    }), { numRuns: 500 })
  })

  it('the Go walk and the strict regex agree on random strings', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'AZaz09+/=-_\n'.split('')), maxLength: 12 }), (s) => {
      const pos = corruptAt(s)
      if (pos < 0) {
        // valid for Go: Node decodes the same bytes once newlines are gone
        const clean = s.replace(/\n/g, '')
        assert.deepEqual(decodeBase64(s), new Uint8Array(Buffer.from(clean, 'base64')))
      } else {
        assert.ok(pos <= s.length)
      }
    }), { numRuns: 2000 })
  })
})
