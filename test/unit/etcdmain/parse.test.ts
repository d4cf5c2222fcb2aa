import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FlagError, parseConfig, type Note } from '../../../src/etcdmain/parse.js'
import { ConfigError, type Config } from '../../../src/embed/config.js'
import { flagTable, flagToEnv } from '../../../src/etcdmain/config.js'
import { defaultHost } from '../../../src/etcdmain/default-host.js'
import { helpText, versionText } from '../../../src/etcdmain/help.js'

function run (argv: string[], env: Record<string, string> = {}, notes: Note[] = []): Config {
  const r = parseConfig(argv, env, notes)
  assert.equal(r.action, 'run')
  return (r as { cfg: Config }).cfg
}

describe('parseConfig: flags', () => {
  const cases: Array<[string, string[], Partial<Config>]> = [
    ['--flag value', ['--name', 'n1'], { name: 'n1', 'data-dir': 'n1.etcd', 'initial-cluster': 'n1=http://localhost:2380' }],
    ['--flag=value', ['--name=n2'], { name: 'n2' }],
    ['-flag value', ['-name', 'n3'], { name: 'n3' }],
    ['-flag=value', ['-snapshot-count=5'], { 'snapshot-count': 5 }],
    ['bool without value', ['--enable-pprof'], { 'enable-pprof': true }],
    ['bool =false', ['--pre-vote=false'], { 'pre-vote': false }],
    ['bool =0', ['--strict-reconfig-check=0'], { 'strict-reconfig-check': false }],
    ['last one wins', ['--name', 'a', '--name', 'b'], { name: 'b' }],
    ['urls sorted and deduplicated', ['--listen-client-urls', 'http://127.0.0.2:1,http://127.0.0.1:1,http://127.0.0.1:1', '--advertise-client-urls', 'http://127.0.0.1:1'],
      { 'listen-client-urls': ['http://127.0.0.1:1', 'http://127.0.0.2:1'], 'advertise-client-urls': ['http://127.0.0.1:1'] }],
    ['duration', ['--experimental-watch-progress-notify-interval', '2s'], { 'progress-notify-interval': 2000 }],
    ['our alias', ['--progress-notify-interval=1m'], { 'progress-notify-interval': 60000 }],
    ['cors list', ['--cors', 'http://a.example:80,http://b.example:8080'], { cors: ['http://a.example:80', 'http://b.example:8080'] }],
    ['host whitelist', ['--host-whitelist', 'b,a,a'], { 'host-whitelist': ['a', 'b'] }],
    ['log outputs', ['--log-outputs', 'stdout'], { 'log-outputs': ['stdout'] }],
    ['explicit data dir', ['--name', 'x', '--data-dir', '/d'], { 'data-dir': '/d' }],
    ['explicit initial cluster kept', ['--name', 'x', '--initial-cluster', 'x=http://localhost:2380'], { 'initial-cluster': 'x=http://localhost:2380' }],
    ['raft timeouts raised to 5s', ['--raft-read-timeout', '1s'], { 'raft-read-timeout': 5000 }],
    ['max connections', ['--max-connections', '100'], { 'max-connections': 100 }],
    ['hex integer', ['--max-txn-ops', '0x100'], { 'max-txn-ops': 256 }]
  ]
  for (const [name, argv, want] of cases) {
    it(name, () => {
      const cfg = run(argv)
      for (const [k, v] of Object.entries(want)) assert.deepEqual(cfg[k as keyof Config], v, k)
    })
  }

  it('sets TLS fields through their flags', () => {
    const cfg = run(['--cert-file', 'c', '--client-cert-auth', '--peer-cert-allowed-cn', 'a,b', '--client-crl-file', 'crl'])
    assert.equal(cfg['client-transport-security']['cert-file'], 'c')
    assert.equal(cfg['client-transport-security']['client-cert-auth'], true)
    assert.equal(cfg['client-transport-security']['crl-file'], 'crl')
    assert.deepEqual(cfg['peer-transport-security']['allowed-cn'], ['a', 'b'])
  })

  it('answers --help, -h and --version', () => {
    assert.deepEqual(parseConfig(['--help'], {}), { action: 'help' })
    assert.deepEqual(parseConfig(['-h'], {}), { action: 'help' })
    assert.deepEqual(parseConfig(['--version'], {}), { action: 'version' })
    assert.equal(parseConfig(['--version=false'], {}).action, 'run')
  })

  it('warns about ignored and deprecated flags', () => {
    const notes: Note[] = []
    run(['-v', '--proxy-dial-timeout', '10'], {}, notes)
    const msgs = notes.map((n) => n.msg)
    assert.ok(msgs.includes('flag is no longer supported - ignoring'))
    assert.ok(msgs.includes('--proxy-dial-timeout is deprecated in 3.5 and will be decommissioned in 3.6.'))
  })

  const flagErrors: Array<[string[], string]> = [
    [['--bogus'], 'flag provided but not defined: -bogus'],
    [['--name'], 'flag needs an argument: -name'],
    [['--snapshot-count', 'many'], 'invalid value "many" for flag -snapshot-count: parse error'],
    [['--heartbeat-interval=-1'], 'invalid value "-1" for flag -heartbeat-interval: parse error'],
    [['--enable-pprof=yes'], 'invalid boolean value "yes" for -enable-pprof: parse error'],
    [['--listen-peer-urls', 'localhost:2380'], 'invalid value "localhost:2380" for flag -listen-peer-urls: URL scheme must be http, https, unix, or unixs: localhost:2380'],
    [['--initial-cluster-state', 'old'], 'invalid value "old" for flag -initial-cluster-state: invalid value (valid values: existing, new)'],
    [['--election-timeout', '1s'], 'invalid value "1s" for flag -election-timeout: parse error'],
    [['--backend-batch-interval', '10'], 'invalid value "10" for flag -backend-batch-interval: time: missing unit in duration "10"'],
    [['---name', 'x'], 'bad flag syntax: ---name']
  ]
  for (const [argv, msg] of flagErrors) {
    it(`flag error: ${argv.join(' ')}`, () => assert.throws(() => parseConfig(argv, {}), (err: unknown) => err instanceof FlagError && err.message === msg))
  }

  const configErrors: Array<[string[], string]> = [
    [['stray'], "'stray' is not a valid flag"],
    [['--listen-client-urls', 'http://127.0.0.1:2379'], '--advertise-client-urls is required when --listen-client-urls is set explicitly'],
    [['--election-timeout', '300'], '--election-timeout[300ms] should be at least as 5 times as --heartbeat-interval[100ms]'],
    [['--log-level', 'verbose'], 'unrecognized level: "verbose"'],
    [['--discovery', 'https://discovery.etcd.io/abc'], 'discovery is not supported by etcd-ts (--discovery, --discovery-srv, --discovery-srv-name, --discovery-proxy); use --initial-cluster'],
    [['--enable-v2'], '--enable-v2 is not supported by etcd-ts (the v2 API is not served)']
  ]
  for (const [argv, msg] of configErrors) {
    it(`config error: ${argv.join(' ')}`, () => assert.throws(() => parseConfig(argv, {}), (err: unknown) => err instanceof ConfigError && err.message === msg))
  }

  it('lets a proxy run without advertise client URLs (etcd mayBeProxy)', () => {
    assert.equal(run(['--proxy', 'on', '--listen-client-urls', 'http://127.0.0.1:2379']).proxy, 'on')
  })
})

describe('default host (etcd UpdateDefaultClusterFromName)', () => {
  const table = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth1\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0'
  ].join('\n')
  const ifaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [{ address: 'fe80::1', family: 'IPv6', internal: false }, { address: '192.0.2.7', family: 'IPv4', internal: false }]
  } as unknown as ReturnType<typeof import('node:os').networkInterfaces>

  it('finds the IPv4 address of the default-route interface', () => {
    assert.equal(defaultHost(table, ifaces), '192.0.2.7')
    assert.match(String(defaultHost(table.split('\n').slice(0, 2).join('\n'), ifaces)), /could not find default route/)
  })

  it('advertises it when listening on 0.0.0.0 with the default advertise URLs', () => {
    const notes: Note[] = []
    const r = parseConfig(['--name', 'n1', '--listen-peer-urls', 'http://0.0.0.0:2390', '--listen-client-urls', 'http://0.0.0.0:2389', '--advertise-client-urls', 'http://localhost:2379'], {}, notes, '192.0.2.7')
    const cfg = (r as { cfg: Config }).cfg
    assert.deepEqual(cfg['initial-advertise-peer-urls'], ['http://192.0.2.7:2390'])
    assert.equal(cfg['initial-cluster'], 'n1=http://192.0.2.7:2390')
    assert.deepEqual(cfg['advertise-client-urls'], ['http://192.0.2.7:2389'])
    assert.ok(notes.some((n) => n.msg === 'detected default host for advertise'))
  })

  it('leaves explicit advertise URLs and non-wildcard listeners alone', () => {
    const cfg = run(['--listen-peer-urls', 'http://0.0.0.0:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380', '--initial-cluster', 'default=http://127.0.0.1:2380'])
    assert.deepEqual(cfg['initial-advertise-peer-urls'], ['http://127.0.0.1:2380'])
    const r = parseConfig([], {}, [], '192.0.2.7')
    assert.deepEqual((r as { cfg: Config }).cfg['initial-advertise-peer-urls'], ['http://localhost:2380'])
  })
})

describe('parseConfig: environment', () => {
  it('reads ETCD_* variables for flags not on the command line', () => {
    const notes: Note[] = []
    const cfg = run(['--name', 'cli'], { ETCD_DATA_DIR: '/env', ETCD_SNAPSHOT_COUNT: '7', ETCD_ENABLE_PPROF: 'true', ETCD_LISTEN_CLIENT_URLS: 'http://127.0.0.1:1', ETCD_ADVERTISE_CLIENT_URLS: 'http://127.0.0.1:1' }, notes)
    assert.equal(cfg.name, 'cli')
    assert.equal(cfg['data-dir'], '/env')
    assert.equal(cfg['snapshot-count'], 7)
    assert.equal(cfg['enable-pprof'], true)
    assert.ok(notes.some((n) => n.msg === 'recognized and used environment variable' && n.fields?.['variable-name'] === 'ETCD_DATA_DIR'))
  })

  it('treats an env-set listen-client-urls like a flag (advertise required)', () => {
    assert.throws(() => run([], { ETCD_LISTEN_CLIENT_URLS: 'http://127.0.0.1:1' }), { code: 'ErrUnsetAdvertiseClientURLsFlag' })
  })

  it('refuses a flag given both on the command line and in the environment', () => {
    assert.throws(() => run(['--name', 'cli'], { ETCD_NAME: 'env' }), {
      message: 'conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag): ETCD_NAME'
    })
  })

  it('rejects a bad env value with its variable name', () => {
    assert.throws(() => run([], { ETCD_HEARTBEAT_INTERVAL: 'fast' }), (err: unknown) => err instanceof ConfigError && err.message === 'invalid value "fast" for ETCD_HEARTBEAT_INTERVAL: parse error')
  })

  it('warns about unknown ETCD_* variables and ETCD_VERSION, and ignores empty values', () => {
    const notes: Note[] = []
    const cfg = run([], { ETCD_NAMEE: 'x', ETCD_VERSION: '1', ETCD_NAME: '' }, notes)
    assert.equal(cfg.name, 'default')
    assert.ok(notes.some((n) => n.msg === 'unrecognized environment variable' && n.fields?.['environment-variable'] === 'ETCD_NAMEE=x'))
    assert.ok(notes.some((n) => n.msg === 'cannot set special environment variable'))
  })

  it('every flag has a distinct env name', () => {
    const names = flagTable.map((f) => flagToEnv('ETCD', f.name))
    assert.equal(new Set(names).size, names.length)
    assert.equal(flagToEnv('ETCD', 'initial-advertise-peer-urls'), 'ETCD_INITIAL_ADVERTISE_PEER_URLS')
  })
})

describe('parseConfig: config file', () => {
  let dir = ''
  let file = ''
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'etcd-ts-main-'))
    file = join(dir, 'etcd.yml')
    writeFileSync(file, 'name: file\nsnapshot-count: 11\nenable-pprof: on\n')
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('uses only the file when --config-file is given: other flags and env are ignored', () => {
    const notes: Note[] = []
    const cfg = run(['--config-file', file, '--name', 'cli', '--snapshot-count', '99'], { ETCD_DATA_DIR: '/env', ETCD_NAME: 'env' }, notes)
    assert.equal(cfg.name, 'file')
    assert.equal(cfg['snapshot-count'], 11)
    assert.equal(cfg['enable-pprof'], true)
    assert.equal(cfg['data-dir'], 'file.etcd')
    assert.ok(notes.some((n) => n.msg.startsWith('loaded server configuration, other configuration command line flags and environment variables will be ignored')))
  })

  it('takes the file from ETCD_CONFIG_FILE', () => {
    assert.equal(run([], { ETCD_CONFIG_FILE: file }).name, 'file')
  })

  it('still checks the command line syntax and the file contents', () => {
    assert.throws(() => parseConfig(['--config-file', file, '--bogus'], {}), FlagError)
    const bad = join(dir, 'bad.yml')
    writeFileSync(bad, 'heartbeat-interval: 500\n')
    assert.throws(() => run(['--config-file', bad]), { message: '--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[500ms]' })
  })
})

describe('help', () => {
  it('lists every flag with its default', () => {
    const text = helpText()
    for (const f of flagTable) assert.ok(text.includes(`--${f.name}`), f.name)
    assert.ok(text.includes("--name 'default'"))
    assert.ok(text.includes("--listen-client-urls 'http://localhost:2379'"))
    assert.ok(text.includes("--initial-cluster 'default=http://localhost:2380'"))
    assert.ok(text.includes("--experimental-watch-progress-notify-interval '30s'"))
    assert.ok(text.includes("--snapshot-count '100000'"))
  })

  it('the README documents every flag', () => {
    const doc = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
    for (const f of flagTable) assert.ok(doc.includes(`| \`--${f.name}\` | \`${flagToEnv('ETCD', f.name)}\` |`), f.name)
  })

  it('--version names etcd-ts, the etcd version and the commit', () => {
    const v = versionText()
    assert.match(v, /^etcd-ts Version: \d+\.\d+\.\d+\netcd Version: 3\.5\.\d+\nGit SHA: ([0-9a-f]{7}|Not provided)\nNode Version: v\d+/)
    assert.match(versionText('abc1234'), /Git SHA: abc1234/)
  })
})
