// Small file-system helpers for the WAL and the snapshotter.
import { fdatasync, writeSync } from 'node:fs'
import { type FileHandle, open } from 'node:fs/promises'

/** Writes all of `buf` at `position`, looping over short writes. */
export async function writeFully (fh: FileHandle, buf: Uint8Array, position: number): Promise<void> {
  let done = 0
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done)
    done += bytesWritten
  }
}

/** fsyncs a directory, making renames, creations and deletions in it durable. */
export async function fsyncDir (dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/** Writes all of `buf` at `position` synchronously (a page-cache write: microseconds). */
export function writeFullySync (fd: number, buf: Uint8Array, position: number): void {
  let done = 0
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, position + done)
}

/** fdatasync through the callback API (cheaper than FileHandle.datasync's promise path). */
export async function fdatasyncAsync (fd: number): Promise<void> {
  return await new Promise((resolve, reject) => fdatasync(fd, (err) => err === null ? resolve() : reject(err)))
}
