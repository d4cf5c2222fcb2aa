import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { configFromFile, ConfigError } from '../../../src/embed/config.js'
import { configFromYAML } from '../../../src/embed/config-file.js'

describe('configFromYAML', () => {
  it('reads YAML 1.1 booleans as etcd (Go yaml) does', () => {
    const cases: Array<[string, boolean]> = [['on', true], ['yes', true], ['y', true], ['True', true], ['off', false], ['no', false], ['n', false], ['FALSE', false]]
    for (const [text, want] of cases) {
      const cfg = configFromYAML(`enable-pprof: ${text}\nstrict-reconfig-check: ${text}\n`)
      assert.equal(cfg['enable-pprof'], want, text)
      assert.equal(cfg['strict-reconfig-check'], want, text)
    }
  })

  it('keeps a string field as written even when YAML reads it as another type', () => {
    const cfg = configFromYAML('name: yes\ninitial-cluster-token: 0x10\nauto-compaction-retention: 1\n')
    assert.equal(cfg.name, 'yes')
    assert.equal(cfg['initial-cluster-token'], '0x10')
    assert.equal(cfg['auto-compaction-retention'], '1')
  })

  it('maps etcd keys, comma URL lists, nanosecond durations and transport maps', () => {
    const cfg = configFromYAML([
      'name: infra1',
      'data-dir: /var/lib/etcd',
      'listen-client-urls: http://127.0.0.1:2379,http://10.0.0.1:2379',
      'advertise-client-urls: http://10.0.0.1:2379',
      'listen-peer-urls: http://10.0.0.1:2380',
      'initial-advertise-peer-urls: http://10.0.0.1:2380',
      'initial-cluster: infra1=http://10.0.0.1:2380',
      'initial-cluster-state: existing',
      'snapshot-count: 10000',
      'quota-backend-bytes: 8589934592',
      'heartbeat-interval: 0x32',
      'cors: "*"',
      'host-whitelist: example.com,localhost',
      'log-outputs: [stdout, /tmp/etcd.log]',
      'experimental-watch-progress-notify-interval: 5000000000',
      'experimental-compaction-sleep-interval: 20ms',
      'experimental-snapshot-catch-up-entries: 100',
      'client-transport-security:',
      '  cert-file: /c.pem',
      '  key-file: /k.pem',
      '  client-cert-auth: on',
      '  allowed-hostname: [a.example.com]',
      'peer-transport-security:',
      '  auto-tls: true',
      '  allowed-cn: [peer]',
      'socket-options:',
      '  reuse-port: yes'
    ].join('\n'))
    assert.equal(cfg.name, 'infra1')
    assert.equal(cfg['data-dir'], '/var/lib/etcd')
    assert.deepEqual(cfg['listen-client-urls'], ['http://10.0.0.1:2379', 'http://127.0.0.1:2379'])
    assert.equal(cfg['initial-cluster-state'], 'existing')
    assert.equal(cfg['snapshot-count'], 10000)
    assert.equal(cfg['quota-backend-bytes'], 8 * 1024 ** 3)
    assert.equal(cfg['heartbeat-interval'], 50)
    assert.deepEqual(cfg.cors, ['*'])
    assert.deepEqual(cfg['host-whitelist'], ['example.com', 'localhost'])
    assert.deepEqual(cfg['log-outputs'], ['stdout', '/tmp/etcd.log'])
    assert.equal(cfg['progress-notify-interval'], 5000)
    assert.equal(cfg['experimental-compaction-sleep-interval'], 20)
    assert.equal(cfg['experimental-snapshot-catchup-entries'], 100)
    assert.equal(cfg['client-transport-security']['cert-file'], '/c.pem')
    assert.equal(cfg['client-transport-security']['client-cert-auth'], true)
    assert.deepEqual(cfg['client-transport-security']['allowed-hostname'], ['a.example.com'])
    assert.equal(cfg['peer-transport-security']['auto-tls'], true)
    assert.deepEqual(cfg['peer-transport-security']['allowed-cn'], ['peer'])
    assert.equal(cfg['socket-reuse-port'], true)
  })

  it('derives data-dir and initial-cluster from the name, keeps defaults for null and missing keys', () => {
    const cfg = configFromYAML('name: n1\nwal-dir: ~\n')
    assert.equal(cfg['data-dir'], 'n1.etcd')
    assert.equal(cfg['initial-cluster'], 'n1=http://localhost:2380')
    assert.equal(cfg['wal-dir'], '')
    assert.equal(cfg['snapshot-count'], 100000)
    const empty = configFromYAML('')
    assert.equal(empty['data-dir'], 'default.etcd')
    assert.equal(empty['initial-cluster'], 'default=http://localhost:2380')
  })

  it('ignores unknown keys with a warning, as etcd ignores them', () => {
    const warnings: unknown[] = []
    const cfg = configFromYAML('bogus-key: 1\nname: a\n', (msg, fields) => warnings.push([msg, fields]))
    assert.equal(cfg.name, 'a')
    assert.deepEqual(warnings, [['unrecognized configuration key', { key: 'bogus-key' }]])
  })

  const bad: Array<[string, string, RegExp]> = [
    ['string into uint', 'snapshot-count: lots', /cannot unmarshal string into Go struct field configYAML\.snapshot-count of type uint64/],
    ['negative uint', 'max-txn-ops: -1', /cannot unmarshal number into Go struct field configYAML\.max-txn-ops of type uint64/],
    ['string into bool', 'enable-pprof: maybe', /cannot unmarshal string into Go struct field configYAML\.enable-pprof of type bool/],
    ['bad URL', 'listen-client-urls: 127.0.0.1:2379', /^unexpected error setting up listen-client-urls: URL scheme must be http, https, unix, or unixs: 127\.0\.0\.1:2379$/],
    ['URL with path', 'listen-peer-urls: http://127.0.0.1:2380/x', /^unexpected error setting up listen-peer-urls: URL must not contain a path/],
    ['bad proxy', 'proxy: sometimes', /^unexpected error setting up proxy: invalid value "sometimes"/],
    ['bad duration', 'experimental-corrupt-check-time: soon', /^invalid value "soon" for experimental-corrupt-check-time: time: invalid duration "soon"/],
    ['not a map', '- a\n- b', /cannot unmarshal array into Go value of type embed\.configYAML/],
    ['bad YAML', 'name: [unclosed', /^error converting YAML to JSON/]
  ]
  for (const [name, text, want] of bad) {
    it(`rejects: ${name}`, () => {
      assert.throws(() => configFromYAML(text), (err: unknown) => {
        assert.ok(err instanceof ConfigError)
        assert.match(err.message, want)
        return true
      })
    })
  }
})

describe('configFromFile', () => {
  let dir = ''
  before(() => { dir = mkdtempSync(join(tmpdir(), 'etcd-ts-cfg-')) })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('reads a file', () => {
    const p = join(dir, 'etcd.conf.yml')
    writeFileSync(p, 'name: from-file\nlog-level: debug\n')
    const cfg = configFromFile(p)
    assert.equal(cfg.name, 'from-file')
    assert.equal(cfg['log-level'], 'debug')
  })

  it('reports a missing file as Go does', () => {
    const p = join(dir, 'missing.yml')
    assert.throws(() => configFromFile(p), { message: `open ${p}: no such file or directory` })
  })
})
