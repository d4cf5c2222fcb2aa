// Regenerates openapi/etcd-v3.json from the route schemas (architecture principle 6): boots a
// temporary single-member core (real WAL and backend in a temporary directory, loopback ports
// chosen by the kernel), builds the client app around it, asks @fastify/swagger for the
// document, writes it with stable formatting, and tears everything down. The output depends on
// the route schemas only, so running it twice gives the same bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { newLoopbackConfig } from '../src/embed/config.js'
import { startEtcd } from '../src/embed/etcd.js'
import { buildClientApp } from '../plugins/client-app.js'

const out = fileURLToPath(new URL('./etcd-v3.json', import.meta.url))

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-ts-openapi-'))
  const etcd = await startEtcd(newLoopbackConfig(join(dir, 'data')))
  try {
    const app = await buildClientApp({ server: etcd.server })
    await app.ready()
    const doc = app.swagger()
    writeFileSync(out, JSON.stringify(doc, null, 2) + '\n')
    await app.close()
  } finally {
    await etcd.close()
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(`wrote ${out}`)
}

await main()
