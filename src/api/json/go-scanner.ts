// A JSON syntax scanner that fails the way Go's encoding/json does. etcd's gateway decodes a
// request body with json.Decoder (only the first value is read, trailing bytes are ignored) and
// answers malformed input with the scanner's error text (`invalid character 'x' after object
// key`, `unexpected EOF`, …) as code 3. The fast path never runs this: JSON.parse handles valid
// bodies; this scanner only explains failures and finds where the first value ends.
import { JSONDecodeError } from '../rpctypes/errors.js'

/** The JSON kinds, named as Go's UnmarshalTypeError names them. */
export type GoJSONKind = 'object' | 'array' | 'string' | 'number' | 'bool' | 'null'

/** Go's quoteChar: how the scanner prints the offending character. */
export function quoteChar (ch: string): string {
  if (ch === "'") return "'\\''"
  if (ch === '"') return "'\"'"
  // Go's scanner works on bytes: a multi-byte character is reported by its first UTF-8 byte,
  // printed as the rune with that value.
  let c = ch.charCodeAt(0)
  if (c >= 0x80) c = Buffer.from(ch, 'utf8')[0] ?? c
  return `'${goQuoteRune(c)}'`
}

/** strconv.Quote's escaping of a single rune below U+0100, without the quotes. */
function goQuoteRune (c: number): string {
  switch (c) {
    case 0x07: return '\\a'
    case 0x08: return '\\b'
    case 0x0c: return '\\f'
    case 0x0a: return '\\n'
    case 0x0d: return '\\r'
    case 0x09: return '\\t'
    case 0x0b: return '\\v'
    case 0x5c: return '\\\\'
  }
  if (c < 0x20 || c === 0x7f) return '\\x' + c.toString(16).padStart(2, '0')
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return '\\u' + c.toString(16).padStart(4, '0')
  return String.fromCharCode(c)
}

/** Go's %q of a string (strconv.Quote), close enough for enum names in error texts. */
export function goQuote (s: string): string {
  let out = '"'
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (ch === '"') out += '\\"'
    else if (c < 0x80 || (c <= 0xa0) || c === 0xad) out += goQuoteRune(c)
    else out += ch
  }
  return out + '"'
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)

class Eof extends Error {}

/** encoding/json's maxNestingDepth. */
const MAX_DEPTH = 10000

/**
 * A recursive scanner over `text` from `pos`. Each method consumes one construct and returns
 * the index after it, or throws a JSONDecodeError with Go's message (or Eof at end of input).
 */
class Scanner {
  constructor (readonly text: string) {}

  fail (i: number, context: string): never {
    throw new JSONDecodeError(`invalid character ${quoteChar(this.text[i] ?? '')} ${context}`)
  }

  at (i: number): number {
    if (i >= this.text.length) throw new Eof()
    return this.text.charCodeAt(i)
  }

  skipSpace (i: number): number {
    while (i < this.text.length && isSpace(this.text.charCodeAt(i))) i++
    return i
  }

  /**
   * Scans one value starting at i (leading space allowed); returns [end, kind]. Iterative, with
   * an explicit stack of open containers, so deep nesting cannot overflow the call stack.
   */
  value (i: number): [number, GoJSONKind] {
    const stack: number[] = []
    let kind: GoJSONKind | undefined
    for (;;) {
      // a value is expected at i
      i = this.skipSpace(i)
      const c = this.at(i)
      let k: GoJSONKind
      let done = true
      if (c === 0x7b || c === 0x5b) {
        k = c === 0x7b ? 'object' : 'array'
        if (stack.length >= MAX_DEPTH) this.fail(i, 'exceeded max depth')
        i = this.skipSpace(i + 1)
        if (this.at(i) === (c === 0x7b ? 0x7d : 0x5d)) i++
        else {
          stack.push(c)
          if (c === 0x7b) i = this.key(i)
          done = false
        }
      } else if (c === 0x22) { k = 'string'; i = this.string(i + 1) } else if (c === 0x74) { k = 'bool'; i = this.literal(i, 'true') } else if (c === 0x66) { k = 'bool'; i = this.literal(i, 'false') } else if (c === 0x6e) { k = 'null'; i = this.literal(i, 'null') } else if (c === 0x2d || isDigit(c)) { k = 'number'; i = this.number(i) } else {
        return this.fail(i, 'looking for beginning of value')
      }
      kind ??= k
      if (!done) continue
      // after a value: close containers or move to the next element
      for (;;) {
        if (stack.length === 0) return [i, kind]
        i = this.skipSpace(i)
        const d = this.at(i)
        const top = stack[stack.length - 1]
        if (d === 0x2c) {
          i = top === 0x7b ? this.key(i + 1) : i + 1
          break
        }
        if (d === (top === 0x7b ? 0x7d : 0x5d)) {
          stack.pop()
          i++
          continue
        }
        this.fail(i, top === 0x7b ? 'after object key:value pair' : 'after array element')
      }
    }
  }

  /** An object key and its colon; returns the index after the colon. */
  key (i: number): number {
    i = this.skipSpace(i)
    if (this.at(i) !== 0x22) this.fail(i, 'looking for beginning of object key string')
    i = this.skipSpace(this.string(i + 1))
    if (this.at(i) !== 0x3a) this.fail(i, 'after object key')
    return i + 1
  }

  string (i: number): number {
    for (;;) {
      const c = this.at(i)
      if (c === 0x22) return i + 1
      if (c === 0x5c) {
        const e = this.at(i + 1)
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            if (!isHex(this.at(i + k))) this.fail(i + k, 'in \\u hexadecimal character escape')
          }
          i += 6
          continue
        }
        // b f n r t \ / "
        if (e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74 && e !== 0x5c && e !== 0x2f && e !== 0x22) {
          this.fail(i + 1, 'in string escape code')
        }
        i += 2
        continue
      }
      if (c < 0x20) this.fail(i, 'in string literal')
      i++
    }
  }

  literal (i: number, word: string): number {
    for (let k = 1; k < word.length; k++) {
      if (this.at(i + k) !== word.charCodeAt(k)) this.fail(i + k, `in literal ${word} (expecting '${word[k]}')`)
    }
    return i + word.length
  }

  /** A number ends at the first byte that cannot continue it; EOF ends it too when complete. */
  number (i: number): number {
    const n = this.text.length
    if (this.text.charCodeAt(i) === 0x2d) {
      i++
      if (!isDigit(this.at(i))) this.fail(i, 'in numeric literal')
    }
    if (this.text.charCodeAt(i) === 0x30) i++
    else while (i < n && isDigit(this.text.charCodeAt(i))) i++
    if (i < n && this.text.charCodeAt(i) === 0x2e) {
      i++
      if (!isDigit(this.at(i))) this.fail(i, 'after decimal point in numeric literal')
      while (i < n && isDigit(this.text.charCodeAt(i))) i++
    }
    if (i < n && (this.text.charCodeAt(i) === 0x65 || this.text.charCodeAt(i) === 0x45)) {
      i++
      const s = this.at(i)
      if (s === 0x2b || s === 0x2d) i++
      if (!isDigit(this.at(i))) this.fail(i, 'in exponent of numeric literal')
      while (i < n && isDigit(this.text.charCodeAt(i))) i++
    }
    return i
  }
}

/**
 * Where the first JSON value of a request body ends (json.Decoder semantics), or -1 when the
 * body holds only whitespace (io.EOF: the gateway then decodes an empty message). Throws a
 * JSONDecodeError with Go's text: a syntax error, or `unexpected EOF` for a truncated value.
 */
export function scanFirstValue (text: string): number {
  const sc = new Scanner(text)
  const start = sc.skipSpace(0)
  if (start >= text.length) return -1
  try {
    return sc.value(start)[0]
  } catch (err) {
    if (err instanceof Eof) throw new JSONDecodeError('unexpected EOF')
    throw err
  }
}

/**
 * Validates a whole JSON document as json.Unmarshal does (checkValid) and returns the kind of
 * its value. Errors: Go's syntax texts, `unexpected end of JSON input`, and `invalid character
 * 'x' after top-level value` for trailing bytes.
 */
export function checkValid (text: string): GoJSONKind {
  // At end of input Go's scanner is stepped once more with a space, so an unfinished number or
  // literal reports that space (`invalid character ' ' in numeric literal`).
  const sc = new Scanner(text + ' ')
  try {
    const [end, kind] = sc.value(0)
    const rest = sc.skipSpace(end)
    if (rest < text.length + 1) sc.fail(rest, 'after top-level value')
    return kind
  } catch (err) {
    if (err instanceof Eof) throw new JSONDecodeError('unexpected end of JSON input')
    throw err
  }
}
