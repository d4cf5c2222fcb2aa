// Real nginx (Debian's /usr/sbin/nginx, run as a child with a temporary prefix) in front of the
// gateway with a stock proxy_pass — response buffering left on, HTTP/1.0 upstream, request
// bodies buffered — and a short proxy_read_timeout. Shows that watch events pass at once
// (X-Accel-Buffering: no) and that a quiet watch with progress_notify outlives the read timeout,
// while one without is cut by it.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { StreamClient, b64, post, startGateway, unb64 } from './watch-helper.js'

const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx'
const READ_TIMEOUT_S = 3

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a !== null ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

async function startNginx (upstreamPort: number, t: { after: (fn: () => unknown) => void }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-ts-nginx-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d))
  const port = await freePort()
  writeFileSync(join(dir, 'nginx.conf'), `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_read_timeout ${READ_TIMEOUT_S}s;
    }
  }
}
`)
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    }
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break
    try {
      await fetch(url + '/version')
      return url
    } catch {
      await sleep(100)
    }
  }
  const log = existsSync(join(dir, 'logs/error.log')) ? readFileSync(join(dir, 'logs/error.log'), 'utf8') : ''
  throw new Error(`nginx did not start: ${stderr} ${log}`)
}

describe('watch through nginx (stock proxy_pass, buffering on)', { skip: existsSync(NGINX) ? false : `${NGINX} not installed` }, () => {
  it('delivers events at once and keeps a quiet progress_notify watch past proxy_read_timeout', async (t) => {
    const gw = await startGateway(t, { progressNotifyIntervalMs: 1000 })
    const proxy = await startNginx(Number(new URL(gw.url).port), t)

    // The proxy works for unary calls.
    const put = await post(proxy, '/v3/kv/put', { key: b64('cfg'), value: b64('v1') })
    assert.equal(put.status, 200)

    const w = new StreamClient(proxy, '/v3/watch', { create_request: { key: b64('cfg'), progress_notify: true } })
    t.after(() => w.destroy())
    w.end() // nginx forwards a request body only once it is complete
    const created = await w.next()
    assert.equal(created.result.created, true)
    assert.equal(w.headers['x-accel-buffering'], undefined, 'nginx consumes the header')

    await post(gw.url, '/v3/kv/put', { key: b64('cfg'), value: b64('v2') })
    let m = await w.next(READ_TIMEOUT_S * 1000 - 500)
    while (m.result.events === undefined) m = await w.next(READ_TIMEOUT_S * 1000 - 500)
    assert.equal(unb64(m.result.events[0].kv.value), 'v2', 'the event passed nginx without waiting for more data')

    // Quiet for more than twice the read timeout: progress notifications keep the stream alive.
    const quietFrom = w.lines.length
    await sleep((2 * READ_TIMEOUT_S + 1) * 1000)
    assert.equal(w.ended, false, 'the stream outlived proxy_read_timeout')
    const progress = w.lines.slice(quietFrom).map((l) => JSON.parse(l))
    // At least one notification per read-timeout window kept nginx from cutting the stream (the
    // exact count depends on scheduling, so it is not asserted).
    assert.ok(progress.length >= 2, `progress notifications while quiet: ${progress.length}`)
    assert.ok(progress.every((p) => p.result.events === undefined && p.result.watch_id === undefined))
    for (let i = quietFrom; i < w.lines.length; i++) await w.next()
    await post(gw.url, '/v3/kv/put', { key: b64('cfg'), value: b64('v3') })
    do m = await w.next(READ_TIMEOUT_S * 1000 - 500); while (m.result.events === undefined)
    assert.equal(unb64(m.result.events[0].kv.value), 'v3')
  })

  it('shows the read timeout is real: a watch without progress_notify is cut', async (t) => {
    const gw = await startGateway(t, { progressNotifyIntervalMs: 1000 })
    const proxy = await startNginx(Number(new URL(gw.url).port), t)
    const w = new StreamClient(proxy, '/v3/watch', { create_request: { key: b64('silent') } })
    t.after(() => w.destroy())
    w.end()
    await w.next()
    for (let i = 0; i < 3 * READ_TIMEOUT_S * 10 && !w.ended; i++) await sleep(100)
    assert.equal(w.ended, true, 'nginx closed the idle stream')
  })
})
