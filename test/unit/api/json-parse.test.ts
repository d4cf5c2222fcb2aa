import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isLosslessNumber } from 'lossless-json'
import { checkValid, goQuote, quoteChar, scanFirstValue } from '../../../src/api/json/go-scanner.js'
import { parseJSONBody } from '../../../src/api/json/parse.js'

describe('json: request bodies are read as json.Decoder reads them (spec §1.4)', () => {
  // [body, Go error text] — texts as etcd 3.4.23 answers them
  const errors: Array<[string, string]> = [
    ['{"key":"Zm9v"', 'unexpected EOF'],
    ['{"key":"Zm9v",}', "invalid character '}' looking for beginning of object key string"],
    ['{"key" "Zm9v"}', 'invalid character \'"\' after object key'],
    ['{"key":"Zm9v" x}', "invalid character 'x' after object key:value pair"],
    ['{key:1}', "invalid character 'k' looking for beginning of object key string"],
    ['nul', 'unexpected EOF'],
    ['nulx', "invalid character 'x' in literal null (expecting 'l')"],
    ['tx', "invalid character 'x' in literal true (expecting 'r')"],
    ['fals0', "invalid character '0' in literal false (expecting 'e')"],
    ['garbage', "invalid character 'g' looking for beginning of value"],
    ['[1 2]', "invalid character '2' after array element"],
    ['[1,2', 'unexpected EOF'],
    ['{"a":"b\nc"}', "invalid character '\\n' in string literal"],
    ['{"a":"\\x"}', "invalid character 'x' in string escape code"],
    ['{"a":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"],
    ['{"a":-}', "invalid character '}' in numeric literal"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
    ['{"a":01}', "invalid character '1' after object key:value pair"],
    ['-', 'unexpected EOF'],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['\u00ff', "invalid character 'Ã' looking for beginning of value"],
    ['{"a":\u0001}', "invalid character '\\x01' looking for beginning of value"],
    ['['.repeat(10001), "invalid character '[' exceeded max depth"]
  ]
  for (const [body, message] of errors) {
    it(`${JSON.stringify(body.slice(0, 30))} → ${message}`, () => {
      assert.throws(() => parseJSONBody(body), { code: 'ErrJSONDecode', message })
    })
  }

  const values: Array<[string | undefined, unknown]> = [
    [undefined, undefined],
    ['', undefined],
    ['  \n\t ', undefined],
    ['null', null],
    ['{}', {}],
    ['{"key":"YQ=="} garbage', { key: 'YQ==' }],
    [' {"key":"Zm9v"} {', { key: 'Zm9v' }],
    ['{}x', {}],
    ['5x', 5],
    ['[1,2]]', [1, 2]],
    ['{"a":1,"a":2}', { a: 2 }],
    ['{"a":{"b":[true,false,null]}}', { a: { b: [true, false, null] } }]
  ]
  for (const [body, want] of values) {
    it(`${JSON.stringify(body)} → ${JSON.stringify(want)}`, () => assert.deepEqual(parseJSONBody(body), want))
  }

  it('keeps big integers exact (a bare uint64 member ID)', () => {
    const v = parseJSONBody('{"ID":16141341921330110677}') as { ID: unknown }
    assert.ok(isLosslessNumber(v.ID))
    assert.equal((v.ID as { value: string }).value, '16141341921330110677')
  })

  it('keeps the literal of fractions and exponents, and duplicate keys resolve to the last', () => {
    const v = parseJSONBody('{"a":1.0,"b":1e3,"c":-0.5E-2,"a":2.50}') as Record<string, { value: string }>
    assert.equal(v.a?.value, '2.50')
    assert.equal(v.b?.value, '1e3')
    assert.equal(v.c?.value, '-0.5E-2')
  })

  it('small integers take the fast path as plain numbers', () => {
    assert.deepEqual(parseJSONBody('{"limit":123456789012345,"n":-7}'), { limit: 123456789012345, n: -7 })
  })

  it('deep nesting is scanned without overflowing the stack', () => {
    const deep = '{"a":'.repeat(9000) + '1' + '}'.repeat(9000)
    assert.equal(typeof parseJSONBody(deep + ' trailing'), 'object')
  })

  it('scanFirstValue: end index of the first value, -1 for blank', () => {
    assert.equal(scanFirstValue('  {"a":[1,{"b":"}"}]} x'), 21)
    assert.equal(scanFirstValue('12 34'), 2)
    assert.equal(scanFirstValue(' \n'), -1)
  })
})

describe('json: checkValid (json.Unmarshal of a quoted int64)', () => {
  const cases: Array<[string, string]> = [
    [' 5', 'number'],
    ['5 ', 'number'],
    ['true', 'bool'],
    ['"x"', 'string'],
    ['null', 'null'],
    ['', 'unexpected end of JSON input'],
    ['-', "invalid character ' ' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['05', "invalid character '5' after top-level value"],
    ['5x', "invalid character 'x' after top-level value"],
    ['+5', "invalid character '+' looking for beginning of value"],
    ['{', 'unexpected end of JSON input']
  ]
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} → ${want}`, () => {
      if (want.includes(' ')) assert.throws(() => checkValid(text), { message: want })
      else assert.equal(checkValid(text), want)
    })
  }

  it('quoteChar and goQuote print as Go does', () => {
    assert.equal(quoteChar("'"), "'\\''")
    assert.equal(quoteChar('"'), "'\"'")
    assert.equal(quoteChar('\t'), "'\\t'")
    assert.equal(quoteChar('\u007f'), "'\\x7f'")
    assert.equal(goQuote('BO"GUS'), '"BO\\"GUS"')
    assert.equal(goQuote('a\u0000b'), '"a\\x00b"')
    assert.equal(goQuote('é'), '"é"')
  })
})
