// Shared helpers of the storage tests: a real LMDB backend in a temporary data dir, and short
// constructors for the typed requests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { openBackend, type Backend } from '../../src/storage/backend/index.js'
import { KVStore, type StoreOptions } from '../../src/storage/mvcc/index.js'

/** A fresh temporary directory, removed after the test. */
export function tempDir (t: TestContext | undefined, prefix = 'etcd-ts-storage-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t?.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The backend path inside a data dir, as the server lays it out. */
export function dbPath (dataDir: string): string {
  return join(dataDir, 'member', 'snap', 'db')
}

/** Opens a backend in a fresh data dir; closed after the test. */
export async function newBackend (t: TestContext): Promise<{ be: Backend, dir: string }> {
  const dir = tempDir(t)
  const be = await openBackend({ path: dbPath(dir) })
  t.after(() => be.close())
  return { be, dir }
}

/** Opens a backend and an MVCC store over it; both closed after the test. */
export async function newStore (t: TestContext, opts?: StoreOptions): Promise<{ kv: KVStore, be: Backend, dir: string }> {
  const { be, dir } = await newBackend(t)
  const kv = new KVStore(be, opts)
  t.after(() => kv.close())
  return { kv, be, dir }
}

/** UTF-8 bytes of a string. */
export function b (s: string): Buffer {
  return Buffer.from(s, 'utf8')
}

/** A bytes value as a string (for assertions). */
export function s (u: Uint8Array | undefined): string {
  return u === undefined ? '' : Buffer.from(u).toString('utf8')
}
