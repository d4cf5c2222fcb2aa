import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { componentLogger, newLogger, pinoLevel } from '../../../src/embed/logger.js'
import { RingBuffer, Trace, TraceBuffer, EventBuffer } from '../../../src/pkg/trace.js'

describe('logger', () => {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-ts-log-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('writes zap-shaped JSON lines to every file output, at the configured level', () => {
    const a = join(dir, 'a', 'etcd.log')
    const b = join(dir, 'b.log')
    const lg = newLogger({ 'log-level': 'warn', 'log-outputs': [a, b] })
    lg.info('not shown')
    componentLogger(lg, 'rafthttp').warn({ 'remote-peer-id': 'abc' }, 'failed to send raft message')
    lg.flush()
    for (const file of [a, b]) {
      const lines = readFileSync(file, 'utf8').trim().split('\n')
      assert.equal(lines.length, 1)
      const line = JSON.parse(lines[0]) as Record<string, unknown>
      assert.deepEqual(Object.keys(line), ['level', 'ts', 'component', 'remote-peer-id', 'msg'])
      assert.equal(line.level, 'warn')
      assert.match(String(line.ts), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      assert.equal(line.component, 'rafthttp')
      assert.equal(line.msg, 'failed to send raft message')
    }
  })

  it('appends to an existing file', () => {
    const f = join(dir, 'append.log')
    for (let i = 0; i < 2; i++) {
      const lg = newLogger({ 'log-level': 'info', 'log-outputs': [f] })
      lg.info({ i }, 'started')
      lg.flush()
    }
    assert.equal(readFileSync(f, 'utf8').trim().split('\n').length, 2)
  })

  it('maps etcd levels to pino levels', () => {
    const cases: Array<[string, string]> = [['debug', 'debug'], ['INFO', 'info'], ['warn', 'warn'], ['error', 'error'], ['dpanic', 'error'], ['panic', 'fatal'], ['fatal', 'fatal']]
    for (const [etcd, pino] of cases) assert.equal(pinoLevel(etcd), pino)
    assert.throws(() => pinoLevel('trace'), { message: 'unrecognized level: "trace"' })
  })
})

describe('trace ring buffers', () => {
  it('keeps the newest entries, newest first', () => {
    const r = new RingBuffer<number>(3)
    for (let i = 1; i <= 5; i++) r.add(i)
    assert.deepEqual(r.entries(), [5, 4, 3])
    assert.equal(r.size, 3)
    assert.equal(r.total, 5)
    r.clear()
    assert.deepEqual(r.entries(), [])
    assert.throws(() => new RingBuffer(0), RangeError)
  })

  it('records only slow or failed traces', () => {
    const b = new TraceBuffer(10, 60_000)
    assert.equal(b.record(new Trace('range')), false)
    assert.equal(b.record(new Trace('put'), new Error('boom')), true)
    const [e] = b.entries()
    assert.equal(e.operation, 'put')
    assert.equal(e.error, 'boom')
    const t = new Trace('txn', { ops: 2 })
    t.step('checked')
    t.addField('revision', 7n)
    const entry = t.end()
    assert.deepEqual(entry.fields, { ops: 2, revision: 7n })
    assert.equal(entry.steps[0].msg, 'checked')
    assert.ok(entry.steps[0].elapsedMs <= entry.durationMs)
  })

  it('keeps events with their family', () => {
    const ev = new EventBuffer(2)
    ev.printf('raft', 'a')
    ev.errorf('rafthttp', 'b')
    ev.printf('lessor', 'c')
    assert.deepEqual(ev.entries().map((e) => [e.family, e.msg, e.error === true]), [['lessor', 'c', false], ['rafthttp', 'b', true]])
  })
})
