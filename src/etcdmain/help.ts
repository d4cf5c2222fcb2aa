/**
 * `--help` and `--version` texts. The flag list and defaults come from the flag table and
 * `newConfig()`, so they cannot drift from what the parser does.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { arch, platform, version as nodeVersion } from 'node:process'
import { newConfig, type Config } from '../embed/config.js'
import { formatGoDuration } from '../embed/config-values.js'
import { serverVersion, etcdTsVersion } from '../api/version.js'
import { flagTable, type FlagSpec } from './config.js'

/** The one-screen usage summary (also printed after a command-line error). */
export const usageline = `Usage:

  etcd-ts [flags]
    Start an etcd-compatible server.

  etcd-ts --version
    Print the version and exit.

  etcd-ts -h | --help
    Print this help and exit.

  etcd-ts --config-file <path>
    Start from a YAML configuration file; other flags and ETCD_* variables are then ignored.

Every flag can also be given as an environment variable: --data-dir is ETCD_DATA_DIR.
A flag given both ways is an error.`

function shownDefault (cfg: Config, f: FlagSpec): string {
  if (f.shownDefault !== undefined) return f.shownDefault
  if (f.key === undefined) return f.kind === 'bool' ? 'false' : ''
  const v = Array.isArray(f.key) ? (cfg[f.key[0]] as unknown as Record<string, unknown>)[f.key[1]] : cfg[f.key]
  if (f.kind === 'duration') return formatGoDuration(v as number)
  if (Array.isArray(v)) return v.join(',')
  return String(v)
}

/** The full help: usage, then every flag by group with its default. */
export function helpText (): string {
  const cfg = newConfig()
  const lines = [usageline, '']
  let group = ''
  for (const f of flagTable) {
    if (f.group !== group) {
      group = f.group
      lines.push(`${group}:`)
    }
    const d = shownDefault(cfg, f)
    lines.push(`  --${f.name}${f.kind === 'bool' && d === 'false' ? '' : ` '${d}'`}`)
    lines.push(`    ${f.usage}`)
  }
  lines.push('', 'Flags etcd removed long ago (--config, --force, -v, …) are accepted and ignored with a warning.')
  return lines.join('\n')
}

/**
 * The commit this copy runs from: `.git/HEAD` of the nearest enclosing checkout (loose or packed
 * ref), 7 hex digits as etcd's builds print; `Not provided` outside a git checkout.
 */
export function gitSHA (from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  for (let i = 0; i < 6; i++) {
    const git = join(dir, '.git')
    if (existsSync(join(git, 'HEAD'))) {
      try {
        const head = readFileSync(join(git, 'HEAD'), 'utf8').trim()
        if (!head.startsWith('ref: ')) return head.slice(0, 7)
        const ref = head.slice(5)
        if (existsSync(join(git, ref))) return readFileSync(join(git, ref), 'utf8').trim().slice(0, 7)
        const packed = readFileSync(join(git, 'packed-refs'), 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`))
        if (packed !== undefined) return packed.slice(0, 7)
      } catch {}
      return 'Not provided'
    }
    dir = dirname(dir)
  }
  return 'Not provided'
}

/** The `--version` text: etcd-ts's version, then etcd's lines (etcd version, Git SHA, runtime). */
export function versionText (sha = gitSHA()): string {
  return [
    `etcd-ts Version: ${etcdTsVersion}`,
    `etcd Version: ${serverVersion}`,
    `Git SHA: ${sha}`,
    `Node Version: ${nodeVersion}`,
    `Node OS/Arch: ${platform}/${arch}`
  ].join('\n')
}
