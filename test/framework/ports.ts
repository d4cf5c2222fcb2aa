// Free loopback ports for test members: ask the kernel for an ephemeral port, close, hand it out.
// A port is never handed out twice by one process.
import { createServer } from 'node:net'

const handedOut = new Set<number>()

/** One free TCP port on 127.0.0.1. */
export async function freePort (): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer()
      srv.unref()
      srv.on('error', reject)
      srv.listen(0, '127.0.0.1', () => {
        const a = srv.address()
        const p = typeof a === 'object' && a !== null ? a.port : 0
        srv.close(() => resolve(p))
      })
    })
    if (!handedOut.has(port)) {
      handedOut.add(port)
      return port
    }
  }
}
