// Data-driven interaction scenarios: each test/raft/testdata/*.txt file is a transcript of
// commands and the exact output they must produce. Stanza format:
//   command arg key=value …
//   optional input lines
//   ----
//   expected output (up to the next blank line)
// Lines starting with # are comments. RAFT_REWRITE=1 rewrites the expected outputs from the
// actual ones (review the diff before committing).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { InteractionEnv } from './interaction/env.js'
import type { Command } from './interaction/env.js'

const dir = fileURLToPath(new URL('./testdata', import.meta.url))
const rewrite = process.env.RAFT_REWRITE === '1'

function command (header: string, input: string[]): Command {
  const [name, ...rest] = header.trim().split(/\s+/)
  const args = new Map<string, string>()
  const pos: string[] = []
  // Join "key=(a b c)" groups back together.
  const toks: string[] = []
  for (const t of rest) {
    if (toks.length > 0 && toks[toks.length - 1].includes('(') && !toks[toks.length - 1].includes(')')) toks[toks.length - 1] += ` ${t}`
    else toks.push(t)
  }
  for (const t of toks) {
    const eq = t.indexOf('=')
    if (eq > 0) args.set(t.slice(0, eq), t.slice(eq + 1))
    else pos.push(t)
  }
  return { name, args, pos, input }
}

const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()

describe('interaction scenarios (testdata)', () => {
  it('has scenario files', () => { assert.ok(files.length >= 6) })

  for (const f of files) {
    it(f.replace(/\.txt$/, '').replace(/_/g, ' '), () => {
      const path = join(dir, f)
      const text = readFileSync(path, 'utf8')
      const env = new InteractionEnv()
      const lines = text.split('\n')
      const out: string[] = []
      let i = 0
      while (i < lines.length) {
        const l = lines[i]
        if (l.trim() === '' || l.startsWith('#')) { out.push(l); i++; continue }
        const header = l
        const input: string[] = []
        i++
        while (i < lines.length && lines[i] !== '----') input.push(lines[i++])
        i++
        const expected: string[] = []
        while (i < lines.length && lines[i] !== '') expected.push(lines[i++])
        const got = env.run(command(header, input))
        const gotLines = got === '' ? ['ok'] : got.split('\n')
        if (rewrite) {
          out.push(header, ...input, '----', ...gotLines)
        } else {
          assert.deepEqual(gotLines, expected, `${f}: stanza "${header}"`)
        }
      }
      if (rewrite) writeFileSync(path, out.join('\n'))
    })
  }
})
