// The raft core must stay a pure, deterministic state machine (architecture principle 1): no
// timers, clocks, global randomness, process access, promises, IO or logging libraries. This
// scans every source file of src/raft (comments stripped) for the forbidden names and imports.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../src/raft', import.meta.url))
const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(root, f))

const forbidden: Array<[string, RegExp]> = [
  ['setTimeout', /\bsetTimeout\b/],
  ['setInterval', /\bsetInterval\b/],
  ['setImmediate', /\bsetImmediate\b/],
  ['queueMicrotask', /\bqueueMicrotask\b/],
  ['Date', /\bDate\b/],
  ['performance', /\bperformance\b/],
  ['Math.random', /\bMath\s*\.\s*random\b/],
  ['crypto', /\bcrypto\b/],
  ['process', /\bprocess\s*\./],
  ['Promise', /\bPromise\b/],
  ['async', /\basync\b/],
  ['await', /\bawait\b/],
  ['require', /\brequire\s*\(/]
]

/** Removes comments (keeps strings, so an import path stays visible). */
function stripComments (src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
}

function imports (src: string): string[] {
  const out: string[] = []
  for (const m of src.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|\bimport\s+'([^']+)'/g)) out.push(m[1] ?? m[2] ?? m[3])
  return out
}

describe('raft core purity', () => {
  it('finds the source files to scan', () => {
    assert.ok(files.length >= 15, `only ${files.length} files under src/raft`)
  })

  for (const f of files) {
    const name = relative(root, f)
    it(`${name} uses no timers, clocks, randomness, process, promises or async`, () => {
      const code = stripComments(readFileSync(f, 'utf8'))
      for (const [what, re] of forbidden) assert.equal(re.test(code), false, `${name} uses ${what}`)
    })

    it(`${name} imports only raft modules (and the shared CodedError)`, () => {
      for (const spec of imports(stripComments(readFileSync(f, 'utf8')))) {
        assert.ok(spec.startsWith('./') || spec.startsWith('../'), `${name} imports package ${spec}`)
        const target = join(f, '..', spec)
        const inside = !relative(root, target).startsWith('..')
        const allowed = inside || relative(join(root, '..'), target) === join('pkg', 'coded-error.js')
        assert.ok(allowed, `${name} imports ${spec} from outside src/raft`)
      }
    })
  }

  it('the scanner itself recognises forbidden code', () => {
    const bad = "import { x } from 'node:fs'\nconst t = setTimeout(() => {}, 1)\nconst r = Math.random()\nasync function f () { await g() }"
    const code = stripComments(bad)
    assert.ok(forbidden.some(([, re]) => re.test(code)))
    assert.deepEqual(imports(code), ['node:fs'])
    assert.equal(/\bDate\b/.test(stripComments('// Date in a comment\n')), false)
  })
})
