// A lock file so that two processes (or two opens in one process) never write the same WAL.
// Node has no flock, so the lock is a file created exclusively (O_EXCL) holding the owner's pid;
// a lock whose pid no longer runs (a killed server) is stale and is taken over.
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { ErrLocked } from './errors.js'

/** The lock file's name inside the WAL directory. */
export const lockFileName = 'wal.lock'

const heldHere = new Set<string>()

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the lock at `path`, or throws ErrLocked naming the holder. */
export function acquireLock (path: string): void {
  if (heldHere.has(path)) throw new ErrLocked({ file: path, reason: `held by this process (${process.pid})` })
  for (let attempt = 0; attempt < 3; attempt++) {
    // the pid is written to a private file first and hard-linked into place, so nobody ever
    // sees a lock file without its pid
    const tmp = `${path}.${process.pid}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, `${process.pid}\n`)
    } finally {
      closeSync(fd)
    }
    try {
      linkSync(tmp, path)
      heldHere.add(path)
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    } finally {
      unlinkSync(tmp)
    }
    let pid = NaN
    try {
      pid = parseInt(readFileSync(path, 'utf8'), 10)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw err
    }
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new ErrLocked({ file: path, reason: `held by pid ${pid}` })
    }
    // stale: its owner is gone
    try {
      unlinkSync(path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  throw new ErrLocked({ file: path, reason: 'could not take over a stale lock' })
}

/** Releases a lock taken with acquireLock. */
export function releaseLock (path: string): void {
  if (!heldHere.delete(path)) return
  try {
    unlinkSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/** Moves the in-process record of a held lock (the WAL directory was renamed into place). */
export function renameHeldLock (from: string, to: string): void {
  if (heldHere.delete(from)) heldHere.add(to)
}
