// The watch session's permission hook (for the auth store): a denied create is answered, not
// failed — created + canceled with watch_id -1 and the gRPC-formatted reason (spec case 98) —
// and the range is checked whole ("\0" range ends included, as etcd 3.5.33).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { V3Watch } from '../../src/server/v3-watch.js'
import type { WatchResponse } from '../../src/api/etcdserverpb/watch.js'
import { CodedError } from '../../src/pkg/coded-error.js'
import { removeDir, startServer, tempDataDir } from '../unit/server/server-helper.js'

describe('watch permission hook', () => {
  it('answers denied creates with the formatted gRPC error and checks whole ranges', async (t) => {
    const dir = tempDataDir()
    t.after(() => removeDir(dir))
    const srv = await startServer(dir)
    t.after(() => srv.stop())
    const checked: Array<[unknown, string, string | undefined]> = []
    const watch = new V3Watch({
      store: srv.kv,
      header: (rev) => srv.header(rev),
      progressNotifyIntervalMs: 60_000,
      maxResponseBytes: 1 << 20,
      authorize: (auth, key, end) => {
        checked.push([auth, Buffer.from(key).toString('latin1'), end === undefined ? undefined : Buffer.from(end).toString('latin1')])
        if (auth === undefined) throw new CodedError('ErrUserEmpty', 'auth: user name is empty')
        if (Buffer.from(key).toString().startsWith('secret')) throw new CodedError('ErrPermissionDenied', 'auth: permission denied')
      }
    })
    const out: WatchResponse[] = []
    const sink = { write: (r: WatchResponse) => { out.push(r); return true }, drained: async () => {} }
    const anon = watch.newSession(sink)
    anon.handle({ createRequest: { key: Buffer.from('a') } })
    assert.deepEqual([out[0].watchId, out[0].created, out[0].canceled, out[0].cancelReason],
      [-1n, true, true, 'rpc error: code = InvalidArgument desc = etcdserver: user name is empty'])
    const alice = watch.newSession(sink, 'token-of-alice')
    alice.handle({ createRequest: { key: Buffer.from('secret/x') } })
    assert.equal(out[1].cancelReason, 'rpc error: code = PermissionDenied desc = etcdserver: permission denied')
    alice.handle({ createRequest: { key: Buffer.from('public'), rangeEnd: Uint8Array.of(0) } })
    assert.deepEqual([out[2].watchId, out[2].created, out[2].canceled], [0n, true, undefined])
    alice.handle({ createRequest: {} })
    assert.deepEqual(checked.slice(2), [['token-of-alice', 'public', '\x00'], ['token-of-alice', '\x00', undefined]])
    anon.close()
    alice.close()
    assert.equal(watch.sessions, 0)
  })
})
