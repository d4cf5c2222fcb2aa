/**
 * `--help` and `--version` texts. The flag list and defaults come from the flag table and
 * `newConfig()`, so they cannot drift from what the parser does.
 */
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

/** The `--version` text: etcd-ts's version, then etcd's lines (etcd version, Git SHA, runtime). */
export function versionText (gitSHA = process.env.ETCD_TS_GIT_SHA ?? 'Not provided'): string {
  return [
    `etcd-ts Version: ${etcdTsVersion}`,
    `etcd Version: ${serverVersion}`,
    `Git SHA: ${gitSHA}`,
    `Node Version: ${nodeVersion}`,
    `Node OS/Arch: ${platform}/${arch}`
  ].join('\n')
}
