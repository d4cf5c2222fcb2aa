// Peer TLS: a 3-member cluster whose peer URLs are https, with client-certificate auth and an
// allowed CN (--peer-cert-file --peer-key-file --peer-trusted-ca-file --peer-client-cert-auth
// --peer-cert-allowed-cn), using certificates this test generates with openssl. The members
// elect and replicate over TLS; a peer without a certificate, with one from another CA, or with
// a CN that is not allowed is refused.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, request } from 'undici'
import { Cluster } from './harness.js'

const dir = mkdtempSync(join(tmpdir(), 'etcd-ts-certs-'))

function openssl (...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
}

/** A CA, and a certificate signed by it for 127.0.0.1/localhost with the given CN. */
function makeCA (name: string): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-ca.key`, '-out', `${name}-ca.crt`, '-days', '2', '-subj', `/CN=${name}-ca`)
}
function makeCert (ca: string, name: string, cn: string): void {
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n')
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`)
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}-ca.crt`, '-CAkey', `${ca}-ca.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`)
}

const f = (n: string): string => join(dir, n)

describe('peer TLS', () => {
  let c: Cluster
  before(() => {
    makeCA('good')
    makeCA('rogue')
    makeCert('good', 'peer', 'etcd-peer')
    makeCert('good', 'other', 'someone-else')
    makeCert('rogue', 'rogue', 'etcd-peer')
    c = new Cluster({
      size: 3,
      peerTLS: true,
      extraArgs: [
        '--peer-cert-file', f('peer.crt'), '--peer-key-file', f('peer.key'), '--peer-trusted-ca-file', f('good-ca.crt'),
        '--peer-client-cert-auth', '--peer-cert-allowed-cn', 'etcd-peer'
      ]
    })
  })
  after(async () => {
    await c.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  it('members elect and replicate over https peer URLs', async () => {
    await c.start()
    assert.ok(c.members.every((m) => m.peerURL.startsWith('https://')))
    assert.equal((await c.members[0].put('tls', 'yes')).status, 200)
    for (const m of c.members) assert.equal((await m.get('tls')).value, 'yes')
  })

  it('refuses peers without an acceptable client certificate', async () => {
    const url = `${c.members[0].peerURL}/members`
    const ca = readFileSync(f('good-ca.crt'))
    const get = async (connect: Record<string, unknown>): Promise<number | string> => {
      const agent = new Agent({ connect })
      try {
        const r = await request(url, { dispatcher: agent })
        await r.body.text()
        return r.statusCode
      } catch (err) {
        return (err as { code?: string }).code ?? 'error'
      } finally {
        await agent.close()
      }
    }
    assert.equal(await get({ ca, cert: readFileSync(f('peer.crt')), key: readFileSync(f('peer.key')) }), 200)
    assert.equal(typeof await get({ ca }), 'string', 'no client certificate: the handshake fails')
    assert.equal(typeof await get({ ca, cert: readFileSync(f('rogue.crt')), key: readFileSync(f('rogue.key')) }), 'string', 'a certificate from another CA: the handshake fails')
    assert.equal(await get({ ca, cert: readFileSync(f('other.crt')), key: readFileSync(f('other.key')) }), 403, 'a CN that is not allowed')
    // Plain http to the https peer port does not get an answer from the peer API.
    const plain = await fetch(url.replace('https://', 'http://')).then((r) => r.status, () => 'error')
    assert.notEqual(plain, 200)
  })
})
