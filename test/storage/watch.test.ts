import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { openBackend } from '../../src/storage/backend/index.js'
import { WatchFilter } from '../../src/storage/mvcc/index.js'
import { b, s, tempDir } from './mvcc-helper.js'
import { del, ev, events, newWatchable, put, quiet, readUntil } from './watch-helper.js'

describe('watch: synced watchers', () => {
  it('gets each committed txn as one response with the event revision', async (t) => {
    const kv = await newWatchable(t)
    const ws = kv.newWatchStream()
    const id = ws.watch(b('foo'))
    assert.equal(id, 0n)
    put(kv, 'foo', 'bar')
    put(kv, 'other')
    kv.applyBatch((bt) => bt.withWrite((w) => { w.put(b('foo'), b('baz'), 0n); w.deleteRange(b('foo'), undefined) }))
    const got = await readUntil(ws, (g) => g.length >= 2)
    assert.deepEqual(got.map((r) => [r.watchId, r.revision, r.events.map(ev)]), [
      [0n, 2n, ['PUT foo@2=bar']],
      [0n, 4n, ['PUT foo@4=baz', 'DEL foo@4']]
    ])
    assert.ok(await quiet(ws))
  })

  it('matches single keys, [key, end) ranges and key.."\\0"; refuses an empty range', async (t) => {
    const kv = await newWatchable(t)
    const ws = kv.newWatchStream()
    const single = ws.watch(b('b'))
    const prefix = ws.watch(b('a'), b('b'))
    const fromKey = ws.watch(b('b'), b('\0'))
    const all = ws.watch(undefined, b('\0'))
    assert.throws(() => ws.watch(b('b'), b('a')), { code: 'ErrEmptyWatcherRange', message: 'mvcc: watcher range is empty' })
    assert.throws(() => ws.watch(b('b'), b('b')), { code: 'ErrEmptyWatcherRange' })
    for (const k of ['a', 'ab', 'b', 'c']) put(kv, k)
    const got = await readUntil(ws, (g) => g.length >= 9)
    const by = (id: bigint): string[] => got.filter((r) => r.watchId === id).flatMap((r) => r.events.map((e) => s(e.kv.key)))
    assert.deepEqual(by(single), ['b'])
    assert.deepEqual(by(prefix), ['a', 'ab'])
    assert.deepEqual(by(fromKey), ['b', 'c'])
    assert.deepEqual(by(all), ['a', 'ab', 'b', 'c'])
  })

  it('assigns IDs from 0, skipping IDs taken explicitly, and refuses duplicates', async (t) => {
    const kv = await newWatchable(t)
    const ws = kv.newWatchStream()
    assert.equal(ws.watch(b('a'), undefined, 0n, [], false, 1n), 1n)
    assert.equal(ws.watch(b('a')), 0n)
    assert.equal(ws.watch(b('a')), 2n)
    assert.throws(() => ws.watch(b('a'), undefined, 0n, [], false, 2n), { code: 'ErrWatcherDuplicateID', message: 'mvcc: duplicate watch ID provided on the WatchStream' })
    assert.throws(() => ws.watch(b('a'), undefined, -1n), { code: 'ErrCompacted' })
  })

  it('applies NOPUT and NODELETE filters and sends nothing when all events are filtered', async (t) => {
    const kv = await newWatchable(t)
    const ws = kv.newWatchStream()
    const noPut = ws.watch(b('k'), undefined, 0n, [WatchFilter.NOPUT])
    const noDel = ws.watch(b('k'), undefined, 0n, [WatchFilter.NODELETE])
    put(kv, 'k')
    del(kv, 'k')
    const got = await readUntil(ws, (g) => g.length >= 2)
    assert.deepEqual(got.map((r) => [r.watchId, r.events.map(ev)]), [[noDel, ['PUT k@2=v']], [noPut, ['DEL k@3']]])
    assert.ok(await quiet(ws))
  })

  it('adds prev_kv to updates and deletes, never to creations', async (t) => {
    const kv = await newWatchable(t)
    const ws = kv.newWatchStream()
    ws.watch(b('k'), undefined, 0n, [], true)
    put(kv, 'k', '1')
    put(kv, 'k', '2')
    del(kv, 'k')
    const evs = events(await readUntil(ws, (g) => events(g).length >= 3))
    assert.deepEqual(evs.map((e) => e.prevKv === undefined ? null : [s(e.prevKv.value), e.prevKv.modRevision]), [null, ['1', 2n], ['2', 3n]])
  })

  it('stops after cancel; cancel of an unknown ID fails', async (t) => {
    const kv = await newWatchable(t)
    const ws = kv.newWatchStream()
    const id = ws.watch(b('k'))
    ws.cancel(id)
    assert.throws(() => ws.cancel(id), { code: 'ErrWatcherNotExist' })
    put(kv, 'k')
    assert.ok(await quiet(ws))
    assert.equal(kv.watcherStats().synced, 0)
  })

  it('answers progress requests only when synced', async (t) => {
    const kv = await newWatchable(t, { syncIntervalMs: 10_000 })
    put(kv, 'x')
    const ws = kv.newWatchStream()
    const id = ws.watch(b('k'))
    ws.requestProgress(id)
    assert.equal(ws.requestProgressAll(), true)
    const got = await readUntil(ws, (g) => g.length >= 2)
    assert.deepEqual(got.map((r) => [r.watchId, r.revision, r.events.length]), [[id, 2n, 0], [-1n, 2n, 0]])
    const behind = kv.newWatchStream()
    behind.watch(b('x'), undefined, 1n) // unsynced until its catch-up round runs
    assert.equal(behind.requestProgressAll(), false)
  })

  it('closing a stream removes its watchers', async (t) => {
    const kv = await newWatchable(t)
    const ws = kv.newWatchStream()
    ws.watch(b('a'))
    ws.watch(b('b'))
    assert.equal(kv.watcherStats().synced, 2)
    const waiting = ws.next()
    ws.close()
    assert.equal(await waiting, undefined)
    assert.deepEqual(kv.watcherStats(), { synced: 0, unsynced: 0, victims: 0, streams: 0 })
  })
})

describe('watch: catch-up, compaction, slow and many watchers', () => {
  it('catches up from an old revision in batches of at most 1000 revisions, then continues live', async (t) => {
    const kv = await newWatchable(t)
    const n = 2500
    kv.applyBatch((bt) => { for (let i = 0; i < n; i++) bt.withWrite((w) => w.put(b(`k${i % 7}`), b(String(i)), 0n)) })
    const ws = kv.newWatchStream()
    ws.watch(b('k'), b('l'), 2n)
    const got = await readUntil(ws, (g) => events(g).length >= n)
    assert.ok(got.length >= 3, `${got.length} responses`)
    for (const r of got) {
      const revs = new Set(r.events.map((e) => e.kv.modRevision))
      assert.ok(revs.size <= 1000)
      assert.equal(r.revision, BigInt(n + 1))
    }
    assert.deepEqual(events(got).map((e) => e.kv.modRevision), Array.from({ length: n }, (_, i) => BigInt(i + 2)))
    put(kv, 'k1', 'live')
    const live = await readUntil(ws, (g) => g.length >= 1)
    assert.deepEqual(live[0].events.map(ev), [`PUT k1@${n + 2}=live`])
    assert.equal(kv.watcherStats().synced, 1)
  })

  it('reads the history in bounded rounds (syncBatchRecords) without losing or repeating events', async (t) => {
    const kv = await newWatchable(t, { syncBatchRecords: 50 })
    kv.applyBatch((bt) => {
      for (let i = 0; i < 100; i++) bt.withWrite((w) => { w.put(b('a'), b(String(i)), 0n); w.put(b('b'), b(String(i)), 0n); w.put(b('c'), b(String(i)), 0n) })
    })
    const ws = kv.newWatchStream()
    ws.watch(b('b'), undefined, 1n)
    const got = await readUntil(ws, (g) => events(g).length >= 100)
    assert.ok(got.length >= 6, `${got.length} rounds`)
    assert.deepEqual(events(got).map((e) => s(e.kv.value)), Array.from({ length: 100 }, (_, i) => String(i)))
  })

  it('tells a watcher whose start revision was compacted, then sends it nothing more', async (t) => {
    const kv = await newWatchable(t)
    for (let i = 0; i < 9; i++) put(kv, 'k', String(i)) // revisions 2..10
    await kv.applyBatch((bt) => bt.compact(8n))
    const ws = kv.newWatchStream()
    const early = ws.watch(b('k'), undefined, 3n)
    const atCompaction = ws.watch(b('k'), undefined, 8n)
    const got = await readUntil(ws, (g) => g.length >= 2)
    const compacted = got.find((r) => r.watchId === early)!
    assert.deepEqual([compacted.compactRevision, compacted.revision, compacted.events.length], [8n, 0n, 0])
    assert.deepEqual(got.find((r) => r.watchId === atCompaction)!.events.map(ev), ['PUT k@8=6', 'PUT k@9=7', 'PUT k@10=8'])
    put(kv, 'k', 'after')
    const live = await readUntil(ws, (g) => g.length >= 1)
    assert.deepEqual(live.map((r) => r.watchId), [atCompaction])
  })

  it('compaction while a watcher is still catching up cancels it with the compact revision', async (t) => {
    const kv = await newWatchable(t, { syncBatchRecords: 10, syncIntervalMs: 5 })
    kv.applyBatch((bt) => { for (let i = 0; i < 200; i++) bt.withWrite((w) => w.put(b('k'), b(String(i)), 0n)) })
    const ws = kv.newWatchStream(1) // a one-response buffer: the watcher advances one round per read
    ws.watch(b('k'), undefined, 2n)
    const first = await readUntil(ws, (g) => g.length >= 1)
    assert.equal(first[0].events[0].kv.modRevision, 2n)
    await kv.applyBatch((bt) => bt.compact(150n))
    const rest = await readUntil(ws, (g) => g.some((r) => r.compactRevision !== 0n))
    assert.equal(rest[rest.length - 1].compactRevision, 150n)
    const seen = events([...first, ...rest]).map((e) => e.kv.modRevision)
    assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => BigInt(i + 2)), 'events before the notice are in order, without gaps')
  })

  it('a slow consumer holds a bounded buffer; draining it delivers every event once, in order', async (t) => {
    const kv = await newWatchable(t, { victimIntervalMs: 1 })
    const ws = kv.newWatchStream(4)
    ws.watch(b('k'), b('l'))
    const n = 3000
    for (let i = 0; i < n; i++) put(kv, `k${i % 10}`, String(i))
    assert.ok(ws.buffered <= 4, `buffered ${ws.buffered}`)
    const st = kv.watcherStats()
    assert.equal(st.victims + st.unsynced + st.synced, 1)
    assert.equal(st.synced, 0, 'the watcher left the synced group')
    const got = await readUntil(ws, (g) => events(g).length >= n, 20_000)
    assert.deepEqual(events(got).map((e) => s(e.kv.value)), Array.from({ length: n }, (_, i) => String(i)))
    assert.ok(got.length < n, `${got.length} responses: catch-up batched the backlog`)
    put(kv, 'k0', 'live')
    assert.deepEqual((await readUntil(ws, (g) => g.length >= 1))[0].events.map(ev), [`PUT k0@${n + 2}=live`])
    assert.equal(kv.watcherStats().synced, 1)
  })

  it('serves many watchers on many streams, each exactly its own key', async (t) => {
    const kv = await newWatchable(t)
    const streams = Array.from({ length: 20 }, () => kv.newWatchStream())
    const keys = 1000
    for (let i = 0; i < keys; i++) streams[i % 20].watch(b(`key-${i}`))
    const rangeStream = kv.newWatchStream()
    const rangeId = rangeStream.watch(b('key-'), b('key.')) // plus one range watcher over all of them
    kv.applyBatch((bt) => { for (let i = 0; i < keys; i++) bt.withWrite((w) => w.put(b(`key-${i}`), b(String(i)), 0n)) })
    // the range watcher's stream holds 128 responses, then the watcher waits as a victim
    assert.deepEqual(kv.watcherStats(), { synced: keys, unsynced: 0, victims: 1, streams: 21 })
    for (let j = 0; j < 20; j++) {
      const got = await readUntil(streams[j], (g) => g.length >= keys / 20)
      for (const r of got) {
        assert.equal(r.events.length, 1)
        assert.equal(s(r.events[0].kv.key), `key-${r.watchId * 20n + BigInt(j)}`)
      }
      assert.ok(await quiet(streams[j], 0))
    }
    const all = await readUntil(rangeStream, (g) => events(g).length >= keys, 20_000)
    assert.ok(all.every((r) => r.watchId === rangeId))
    assert.deepEqual(events(all).map((e) => s(e.kv.value)), Array.from({ length: keys }, (_, i) => String(i)))
    assert.equal(kv.watcherStats().synced, keys + 1)
  })

  it('after restore(backend) from a newer snapshot, synced watchers catch up from it', async (t) => {
    const leader = await newWatchable(t)
    for (let i = 0; i < 9; i++) put(leader, `k${i % 3}`, String(i)) // revisions 2..10
    const snap = join(tempDir(t), 'snap.db')
    await leader.be.backup(snap)
    const follower = await newWatchable(t)
    put(follower, 'k0', '0')
    put(follower, 'k1', '1') // revision 3, the same history as the leader's so far
    const ws = follower.newWatchStream()
    ws.watch(b('k'), b('l'))
    const be = await openBackend({ path: snap })
    t.after(() => be.close())
    follower.restore(be)
    assert.equal(follower.currentRev, 10n)
    const got = await readUntil(ws, (g) => events(g).length >= 7)
    assert.deepEqual(events(got).map(ev), ['PUT k2@4=2', 'PUT k0@5=3', 'PUT k1@6=4', 'PUT k2@7=5', 'PUT k0@8=6', 'PUT k1@9=7', 'PUT k2@10=8'])
    put(follower, 'k0', 'live')
    assert.deepEqual((await readUntil(ws, (g) => g.length >= 1))[0].events.map(ev), ['PUT k0@11=live'])
  })

  it('a synced watcher resumes after what it was sent when a restore moves it back (etcd issue 15271)', async (t) => {
    const leader = await newWatchable(t)
    for (let i = 0; i < 9; i++) put(leader, `k${i % 3}`, String(i)) // revisions 2..10
    const snap = join(tempDir(t), 'snap.db')
    await leader.be.backup(snap)
    const follower = await newWatchable(t)
    const ws = follower.newWatchStream()
    ws.watch(b('k'), b('l'))
    for (let i = 0; i < 4; i++) put(follower, `k${i % 3}`, String(i)) // revisions 2..5, sent live
    assert.deepEqual(events(await readUntil(ws, (g) => events(g).length >= 4)).map(ev), ['PUT k0@2=0', 'PUT k1@3=1', 'PUT k2@4=2', 'PUT k0@5=3'])
    const be = await openBackend({ path: snap })
    t.after(() => be.close())
    follower.restore(be)
    const got = await readUntil(ws, (g) => events(g).length >= 5)
    assert.deepEqual(events(got).map(ev), ['PUT k1@6=4', 'PUT k2@7=5', 'PUT k0@8=6', 'PUT k1@9=7', 'PUT k2@10=8'])
    assert.ok(await quiet(ws, 100), 'nothing sent twice')
  })
})
