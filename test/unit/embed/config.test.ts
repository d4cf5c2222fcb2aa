import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  newConfig, validate, verifyBootstrap, verifyJoinExisting, backendQuotaBytes, compactionRetention, electionTicks,
  walDir, ConfigError, DefaultQuotaBytes, type Config
} from '../../../src/embed/config.js'
import {
  parseURLs, parseUniqueURLs, parseGoDuration, formatGoDuration, parseGoUint, parseGoInt, parseGoBool, parseURLsMap,
  listenAddress, splitHostPort
} from '../../../src/embed/config-values.js'

function cfgWith (patch: Partial<Config>): Config {
  return { ...newConfig(), ...patch }
}

describe('newConfig', () => {
  it('has etcd 3.5 defaults', () => {
    const c = newConfig()
    const want: Partial<Config> = {
      name: 'default',
      'data-dir': 'default.etcd',
      'listen-client-urls': ['http://localhost:2379'],
      'advertise-client-urls': ['http://localhost:2379'],
      'listen-peer-urls': ['http://localhost:2380'],
      'initial-advertise-peer-urls': ['http://localhost:2380'],
      'initial-cluster': 'default=http://localhost:2380',
      'initial-cluster-state': 'new',
      'initial-cluster-token': 'etcd-cluster',
      'snapshot-count': 100000,
      'heartbeat-interval': 100,
      'election-timeout': 1000,
      'quota-backend-bytes': 2 * 1024 ** 3,
      'max-txn-ops': 128,
      'max-request-bytes': 1572864,
      'auto-compaction-mode': 'periodic',
      'auto-compaction-retention': '0',
      cors: ['*'],
      'host-whitelist': ['*'],
      'enable-pprof': false,
      'log-level': 'info',
      logger: 'zap',
      'log-outputs': ['default'],
      'enable-v2': false,
      proxy: 'off',
      'pre-vote': true,
      'strict-reconfig-check': true,
      'progress-notify-interval': 30000,
      'max-connections': 0
    }
    for (const [k, v] of Object.entries(want)) assert.deepEqual(c[k as keyof Config], v, k)
    assert.deepEqual(c.userHandlers, {})
    validate(c)
  })

  it('returns independent objects', () => {
    const a = newConfig()
    a['client-transport-security']['cert-file'] = 'x'
    a.cors.push('http://a:1')
    const b = newConfig()
    assert.equal(b['client-transport-security']['cert-file'], '')
    assert.deepEqual(b.cors, ['*'])
  })

  it('derives quota, election ticks and the WAL dir', () => {
    assert.equal(backendQuotaBytes(cfgWith({ 'quota-backend-bytes': 0 })), DefaultQuotaBytes)
    assert.equal(backendQuotaBytes(cfgWith({ 'quota-backend-bytes': -1 })), Infinity)
    assert.equal(backendQuotaBytes(cfgWith({ 'quota-backend-bytes': 1024 })), 1024)
    assert.equal(electionTicks(cfgWith({ 'heartbeat-interval': 100, 'election-timeout': 1050 })), 10)
    assert.equal(walDir(cfgWith({ 'data-dir': 'd' })), 'd/member/wal')
    assert.equal(walDir(cfgWith({ 'wal-dir': '/w' })), '/w')
  })
})

describe('validate', () => {
  const cases: Array<[string, Partial<Config>, RegExp | string]> = [
    ['election < 5 × heartbeat', { 'election-timeout': 400 }, '--election-timeout[400ms] should be at least as 5 times as --heartbeat-interval[100ms]'],
    ['zero heartbeat', { 'heartbeat-interval': 0 }, '--heartbeat-interval must be >0 (set to 0ms)'],
    ['zero election', { 'election-timeout': 0 }, '--election-timeout must be >0 (set to 0ms)'],
    ['election too long', { 'election-timeout': 50001 }, '--election-timeout[50001ms] is too long, and should be set less than 50000ms'],
    ['listen url with a name', { 'listen-client-urls': ['http://example.com:2379'] }, 'expected IP in URL for binding (http://example.com:2379)'],
    ['advertise peer without host', { 'initial-advertise-peer-urls': ['http://:2380'] }, /^--initial-advertise-peer-urls "http:\/\/:2380" must be "host:port" \(unexpected empty host/],
    ['listen without advertise', { 'advertise-client-urls': [] }, '--advertise-client-urls is required when --listen-client-urls is set explicitly'],
    ['bad cluster state', { 'initial-cluster-state': 'old' as 'new' }, 'unexpected clusterState "old"'],
    ['bootstrap conflict', { 'discovery-srv': 'example.com' }, 'multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv"'],
    ['discovery alone', { 'initial-cluster': '', discovery: 'https://discovery.etcd.io/x' }, /^discovery is not supported by etcd-ts/],
    ['auto-compaction-mode', { 'auto-compaction-mode': 'weekly' as 'periodic' }, 'unknown auto-compaction-mode "weekly"'],
    ['retention in revision mode', { 'auto-compaction-mode': 'revision', 'auto-compaction-retention': '1h' }, /^invalid auto-compaction-retention "1h"/],
    ['retention bad duration', { 'auto-compaction-retention': '5x' }, /^invalid auto-compaction-retention "5x" \(time: invalid duration "5x"\)/],
    ['lease checkpoint persist', { 'experimental-enable-lease-checkpoint-persist': true }, 'setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint'],
    ['compact hash check time', { 'experimental-compact-hash-check-time': 0 }, '--experimental-compact-hash-check-time must be >0 (set to 0ms)'],
    ['tls min > max', { 'tls-min-version': 'TLS1.3', 'tls-max-version': 'TLS1.2' }, 'min version (TLS1.3) is greater than max version (TLS1.2)'],
    ['tls unknown', { 'tls-min-version': 'TLS1.0' }, /^unexpected TLS version "TLS1.0"/],
    ['tls1.3 with ciphers', { 'tls-min-version': 'TLS1.3', 'cipher-suites': ['TLS_AES_128_GCM_SHA256'] }, 'cipher suites cannot be configured when only TLS1.3 is enabled'],
    ['logger capnslog', { logger: 'capnslog' }, '--logger=capnslog is removed in v3.5'],
    ['logger other', { logger: 'logrus' }, 'unknown logger option "logrus"'],
    ['log level', { 'log-level': 'loud' as 'info' }, 'unrecognized level: "loud"'],
    ['default with other outputs', { 'log-outputs': ['default', 'stdout'] }, 'multi logoutput for "default" is not supported yet'],
    ['enable-v2', { 'enable-v2': true }, /^--enable-v2 is not supported/]
  ]
  for (const [name, patch, want] of cases) {
    it(`rejects: ${name}`, () => {
      assert.throws(() => validate(cfgWith(patch)), (err: unknown) => {
        assert.ok(err instanceof ConfigError)
        if (typeof want === 'string') assert.equal(err.message, want)
        else assert.match(err.message, want)
        return true
      })
    })
  }

  it('uses etcd sentinel codes', () => {
    assert.throws(() => validate(cfgWith({ 'advertise-client-urls': [] })), { code: 'ErrUnsetAdvertiseClientURLsFlag' })
    assert.throws(() => validate(cfgWith({ 'discovery-srv': 'x' })), { code: 'ErrConflictBootstrapFlags' })
  })

  it('accepts IPs, localhost and unix sockets for binding, and warns about a huge quota', () => {
    const warnings: string[] = []
    validate(cfgWith({
      'listen-client-urls': ['http://0.0.0.0:2379', 'http://[::1]:2379', 'unix://sock:1'],
      'listen-peer-urls': ['http://127.0.0.1:2380'],
      'quota-backend-bytes': 16 * 1024 ** 3
    }), (msg) => warnings.push(msg))
    assert.deepEqual(warnings, ['quota-backend-bytes exceeds maximum recommended quota'])
  })
})

describe('compactionRetention', () => {
  const cases: Array<[Config['auto-compaction-mode'], string, number]> = [
    ['periodic', '0', 0], ['periodic', '1', 3_600_000], ['periodic', '30m', 1_800_000], ['periodic', '1h30m', 5_400_000],
    ['revision', '1000', 1000]
  ]
  for (const [mode, s, ms] of cases) {
    it(`${mode} ${s}`, () => assert.equal(compactionRetention(cfgWith({ 'auto-compaction-mode': mode, 'auto-compaction-retention': s })), ms))
  }
})

describe('verifyBootstrap / verifyJoinExisting', () => {
  it('passes for the defaults', () => {
    verifyBootstrap(newConfig())
    verifyJoinExisting(newConfig())
  })
  const cases: Array<[string, Partial<Config>, string]> = [
    ['name missing', { name: 'n1' }, 'couldn\'t find local name "n1" in the initial cluster configuration'],
    ['advertise differs', { 'initial-advertise-peer-urls': ['http://127.0.0.1:2380'] },
      '--initial-cluster has default=http://localhost:2380 but missing from --initial-advertise-peer-urls=http://127.0.0.1:2380 ("http://127.0.0.1:2380" != "http://localhost:2380")'],
    ['advertise has more', { 'initial-advertise-peer-urls': ['http://localhost:2380', 'http://127.0.0.1:2381'] },
      '--initial-advertise-peer-urls has http://127.0.0.1:2381 but missing from --initial-cluster=default=http://127.0.0.1:2381,default=http://localhost:2380'],
    ['duplicate url', { 'initial-cluster': 'default=http://localhost:2380,b=http://localhost:2380' },
      'initial cluster b=http://localhost:2380,default=http://localhost:2380 has duplicate url'],
    ['bad url in cluster', { 'initial-cluster': 'default=localhost:2380' }, 'URL scheme must be http, https, unix, or unixs: localhost:2380']
  ]
  for (const [name, patch, msg] of cases) {
    it(`rejects: ${name}`, () => assert.throws(() => verifyBootstrap(cfgWith(patch)), { message: msg }))
  }
  it('refuses discovery when joining', () => {
    assert.throws(() => verifyJoinExisting(cfgWith({ discovery: 'https://d/x' })), { message: 'discovery URL should not be set when joining existing initial cluster' })
  })
})

describe('value parsers (Go semantics)', () => {
  it('parses URL lists as types.NewURLs', () => {
    assert.deepEqual(parseURLs([' http://b:2 ', 'http://a:1']), ['http://a:1', 'http://b:2'])
    assert.deepEqual(parseUniqueURLs('http://a:1,http://a:1'), ['http://a:1'])
    assert.deepEqual(parseUniqueURLs('*', ['*']), ['*'])
    const bad: Array<[string, string]> = [
      ['http://a', 'URL address does not have the form "host:port": http://a'],
      ['http://a:1/x', 'URL must not contain a path: http://a:1/x'],
      ['ftp://a:1', 'URL scheme must be http, https, unix, or unixs: ftp://a:1'],
      ['a:1', 'URL scheme must be http, https, unix, or unixs: a:1']
    ]
    for (const [s, msg] of bad) assert.throws(() => parseURLs([s]), { message: msg })
    assert.throws(() => parseURLs([]), { message: 'no valid URLs given' })
  })

  it('parses durations as time.ParseDuration and prints them as Go', () => {
    const ok: Array<[string, number]> = [['0', 0], ['10m', 600000], ['1h30m', 5400000], ['100ms', 100], ['1.5s', 1500], ['-2s', -2000], ['500us', 0.5], ['1µs', 0.001]]
    for (const [s, ms] of ok) assert.equal(parseGoDuration(s), ms, s)
    assert.throws(() => parseGoDuration('10'), { message: 'time: missing unit in duration "10"' })
    assert.throws(() => parseGoDuration('ten'), { message: 'time: invalid duration "ten"' })
    assert.throws(() => parseGoDuration(''), { message: 'time: invalid duration ""' })
    const fmt: Array<[number, string]> = [[0, '0s'], [600000, '10m0s'], [100, '100ms'], [7_200_000, '2h0m0s'], [1500, '1.5s'], [0.5, '500µs']]
    for (const [ms, s] of fmt) assert.equal(formatGoDuration(ms), s)
  })

  it('parses integers and booleans as strconv', () => {
    assert.equal(parseGoUint('0x10'), 16)
    assert.equal(parseGoUint('010'), 8)
    assert.equal(parseGoUint('1_000'), 1000)
    assert.throws(() => parseGoUint('1__0'), { message: 'parse error' })
    assert.equal(parseGoInt('-5'), -5)
    assert.throws(() => parseGoUint('-1'), { message: 'parse error' })
    assert.throws(() => parseGoUint('4294967296', 32), { message: 'value out of range' })
    assert.throws(() => parseGoUint('1.5'), { message: 'parse error' })
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(t), true)
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(f), false)
    assert.throws(() => parseGoBool('yes'), { message: 'parse error' })
  })

  it('parses initial-cluster maps and listen addresses', () => {
    assert.deepEqual([...parseURLsMap('a=http://h:1,b=http://h:2,a=http://h:3')], [['a', ['http://h:1', 'http://h:3']], ['b', ['http://h:2']]])
    assert.deepEqual(listenAddress('http://localhost:2379'), { host: '127.0.0.1', port: 2379, secure: false })
    assert.deepEqual(listenAddress('https://[::1]:2379'), { host: '::1', port: 2379, secure: true })
    assert.deepEqual(listenAddress('unix:///tmp/etcd.sock'), { path: '/tmp/etcd.sock', secure: false })
    assert.throws(() => splitHostPort('h'), { message: 'address h: missing port in address' })
  })
})
