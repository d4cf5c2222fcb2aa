// Bundles src/etcdmain (and the embed module it imports lazily) with esbuild into
// node_modules/.cache once per process, so real member processes start in ~2 s instead of ~15 s
// under tsx. Used by the cluster tests and the cluster benchmark.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { repoRoot } from './targets.js'

const bundles = new Map<string, Promise<string>>()

/** The path of the bundled etcdmain entry point; `tag` names the cache folder. */
export async function bundleEtcdMain (tag: string): Promise<string> {
  let p = bundles.get(tag)
  if (p === undefined) {
    p = (async () => {
      const outdir = join(repoRoot, 'node_modules', '.cache', `etcd-ts-${tag}-${process.pid}`)
      await build({
        entryPoints: [join(repoRoot, 'src/etcdmain/main.ts'), join(repoRoot, 'src/embed/etcd.ts')],
        outbase: repoRoot,
        outdir,
        bundle: true,
        splitting: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        target: 'node20',
        logLevel: 'error'
      })
      process.once('exit', () => rmSync(outdir, { recursive: true, force: true }))
      return join(outdir, 'src/etcdmain/main.js')
    })()
    bundles.set(tag, p)
  }
  return await p
}
