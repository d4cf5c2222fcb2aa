// Conformance with the Raft paper ("In Search of an Understandable Consensus Algorithm",
// Ongaro & Ousterhout, extended version). Each case cites the section whose rule it checks.
// A single state machine is driven directly: step a message, inspect state and output.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { StateType } from '../../src/raft/raft.js'
import type { Raft } from '../../src/raft/raft.js'
import { MessageType, None } from '../../src/raft/index.js'
import type { Message } from '../../src/raft/index.js'
import {
  ent, entsWithTerms, ids, makeLeader, makeLeaderAndCommitNoop, msg, newTestRaft, nextEnts, pinTimeout, readMessages, storageWith
} from './helpers.js'

const V3 = [1n, 2n, 3n]

function becomeState (r: Raft, s: StateType): void {
  if (s === StateType.StateFollower) r.becomeFollower(1, 2n)
  if (s === StateType.StateCandidate) r.becomeCandidate()
  if (s === StateType.StateLeader) {
    r.becomeCandidate()
    r.becomeLeader()
  }
}

function accept (m: Message): Message {
  return msg({ type: MessageType.MsgAppResp, from: m.to, to: m.from, term: m.term, index: m.index + m.entries.length })
}

describe('Raft paper §5.1: terms', () => {
  for (const [name, state] of [['follower', StateType.StateFollower], ['candidate', StateType.StateCandidate], ['leader', StateType.StateLeader]] as const) {
    it(`a ${name} seeing a higher term adopts it and becomes follower of the sender (§5.1)`, () => {
      const r = newTestRaft(1n, V3, 10, 1)
      becomeState(r, state)
      r.step(msg({ type: MessageType.MsgApp, from: 2n, to: 1n, term: 2 }))
      assert.equal(r.term, 2)
      assert.equal(r.state, StateType.StateFollower)
      assert.equal(r.lead, 2n)
    })
  }

  it('a message with a stale term never reaches the role step function (§5.1)', () => {
    const r = newTestRaft(1n, V3, 10, 1)
    let called = false
    r.stepFn = () => { called = true }
    r.loadState({ term: 2, vote: None, commit: 0 })
    r.step(msg({ type: MessageType.MsgApp, from: 2n, to: 1n, term: 1 }))
    assert.equal(called, false)
  })
})

describe('Raft paper §5.2: leader election', () => {
  it('a fresh node starts as a follower at term 0 with no leader (§5.2)', () => {
    const r = newTestRaft(1n, V3, 10, 1)
    assert.equal(r.state, StateType.StateFollower)
    assert.equal(r.term, 0)
    assert.equal(r.lead, None)
  })

  it('a leader sends one heartbeat per follower each heartbeat interval, without entries (§5.2)', () => {
    const r = newTestRaft(1n, V3, 10, 1)
    makeLeader(r)
    r.appendEntry([ent(0, 0, 'a'), ent(0, 0, 'b')])
    readMessages(r)
    r.tick()
    const msgs = readMessages(r).sort((a, b) => Number(a.to - b.to))
    assert.deepEqual(msgs.map((m) => [m.type, m.to, m.term, m.commit, m.entries.length, m.index, m.logTerm]), [
      [MessageType.MsgHeartbeat, 2n, 1, 0, 0, 0, 0],
      [MessageType.MsgHeartbeat, 3n, 1, 0, 0, 0, 0]
    ])
  })

  for (const state of [StateType.StateFollower, StateType.StateCandidate]) {
    const who = state === StateType.StateFollower ? 'follower' : 'candidate'
    it(`a ${who} timing out starts an election: term+1, votes for itself, asks every voter (§5.2)`, () => {
      const r = newTestRaft(1n, V3, 10, 1)
      if (state === StateType.StateFollower) r.becomeFollower(1, 2n)
      else r.becomeCandidate()
      for (let i = 1; i < 2 * 10; i++) r.tick()
      assert.equal(r.term, 2)
      assert.equal(r.state, StateType.StateCandidate)
      assert.equal(r.vote, 1n)
      const msgs = readMessages(r).sort((a, b) => Number(a.to - b.to))
      assert.deepEqual(msgs.map((m) => [m.type, m.to, m.term]), [
        [MessageType.MsgVote, 2n, 2],
        [MessageType.MsgVote, 3n, 2]
      ])
    })
  }

  const electionTable: Array<[number, Map<bigint, boolean>, StateType]> = [
    [1, new Map(), StateType.StateLeader],
    [3, new Map([[2n, true], [3n, true]]), StateType.StateLeader],
    [3, new Map([[2n, true]]), StateType.StateLeader],
    [5, new Map([[2n, true], [3n, true], [4n, true], [5n, true]]), StateType.StateLeader],
    [5, new Map([[2n, true], [3n, true], [4n, true]]), StateType.StateLeader],
    [5, new Map([[2n, true], [3n, true]]), StateType.StateLeader],
    [3, new Map([[2n, false], [3n, false]]), StateType.StateFollower],
    [5, new Map([[2n, false], [3n, false], [4n, false], [5n, false]]), StateType.StateFollower],
    [5, new Map([[2n, true], [3n, false], [4n, false], [5n, false]]), StateType.StateFollower],
    [3, new Map(), StateType.StateCandidate],
    [5, new Map([[2n, true]]), StateType.StateCandidate],
    [5, new Map([[2n, false], [3n, false]]), StateType.StateCandidate],
    [5, new Map([[2n, true], [3n, true], [4n, false], [5n, false]]), StateType.StateLeader]
  ]
  it('a candidate wins with a majority of grants, loses with a majority of rejections, else waits (§5.2)', () => {
    for (const [size, votes, want] of electionTable) {
      const voters = Array.from({ length: size }, (_, i) => BigInt(i + 1))
      const r = newTestRaft(1n, voters, 10, 1)
      r.step(msg({ type: MessageType.MsgHup, from: 1n, to: 1n }))
      readMessages(r)
      for (const [id, granted] of votes) {
        r.step(msg({ type: MessageType.MsgVoteResp, from: id, to: 1n, term: r.term, reject: !granted }))
      }
      assert.equal(r.state, want, `size ${size} votes ${[...votes].join(',')}`)
      assert.equal(r.term, 1)
    }
  })

  it('a follower grants at most one vote per term, first come first served, repeating it to the same candidate (§5.2)', () => {
    const table: Array<[bigint, bigint, boolean]> = [
      [None, 2n, false], [None, 3n, false], [2n, 2n, false], [3n, 3n, false], [2n, 3n, true], [3n, 2n, true]
    ]
    for (const [vote, nvote, wreject] of table) {
      const r = newTestRaft(1n, V3, 10, 1)
      r.loadState({ term: 1, vote, commit: 0 })
      r.step(msg({ type: MessageType.MsgVote, from: nvote, to: 1n, term: 1 }))
      const msgs = readMessages(r)
      assert.deepEqual(msgs.map((m) => [m.type, m.to, m.reject]), [[MessageType.MsgVoteResp, nvote, wreject]], `vote=${vote} nvote=${nvote}`)
    }
  })

  it('a candidate receiving an append from a leader of at least its term falls back to follower (§5.2)', () => {
    for (const term of [1, 2]) {
      const r = newTestRaft(1n, V3, 10, 1)
      r.step(msg({ type: MessageType.MsgHup, from: 1n, to: 1n }))
      assert.equal(r.state, StateType.StateCandidate)
      r.step(msg({ type: MessageType.MsgApp, from: 2n, to: 1n, term }))
      assert.equal(r.state, StateType.StateFollower)
      assert.equal(r.term, term)
    }
  })

  for (const state of [StateType.StateFollower, StateType.StateCandidate]) {
    const who = state === StateType.StateFollower ? 'follower' : 'candidate'
    it(`${who} election timeouts are randomized over [et, 2et) (§5.2)`, () => {
      const et = 10
      const r = newTestRaft(1n, V3, et, 1)
      const seen = new Set<number>()
      for (let round = 0; round < 50 * et; round++) {
        if (state === StateType.StateFollower) r.becomeFollower(r.term + 1, 2n)
        else r.becomeCandidate()
        let time = 0
        while (readMessages(r).length === 0) {
          r.tick()
          time++
        }
        seen.add(time)
      }
      for (let d = et + 1; d < 2 * et; d++) assert.ok(seen.has(d), `timeout ${d} never occurred`)
      for (const t of seen) assert.ok(t >= et && t < 2 * et, `timeout ${t} out of range`)
    })
  }

  for (const state of [StateType.StateFollower, StateType.StateCandidate]) {
    const who = state === StateType.StateFollower ? 'followers' : 'candidates'
    it(`in a 5-node group ${who} rarely time out on the same tick (§5.2)`, () => {
      const et = 10
      const size = 5
      const voters = Array.from({ length: size }, (_, i) => BigInt(i + 1))
      const rs = voters.map((id) => newTestRaft(id, voters, et, 1))
      let conflicts = 0
      const rounds = 1000
      for (let round = 0; round < rounds; round++) {
        for (const r of rs) {
          if (state === StateType.StateFollower) r.becomeFollower(r.term + 1, None)
          else r.becomeCandidate()
        }
        let timedOut = 0
        while (timedOut === 0) {
          for (const r of rs) {
            r.tick()
            if (readMessages(r).length > 0) timedOut++
          }
        }
        if (timedOut > 1) conflicts++
      }
      assert.ok(conflicts / rounds <= 0.3, `conflict rate ${conflicts / rounds}`)
    })
  }
})

describe('Raft paper §5.3: log replication', () => {
  it('a leader appends a proposal to its log and sends it to every follower with prev index/term (§5.3)', () => {
    const r = newTestRaft(1n, V3, 10, 1)
    makeLeaderAndCommitNoop(r)
    const li = r.raftLog.lastIndex()
    r.step(msg({ type: MessageType.MsgProp, from: 1n, to: 1n, entries: [ent(0, 0, 'some data')] }))
    assert.equal(r.raftLog.lastIndex(), li + 1)
    assert.equal(r.raftLog.committed, li)
    const msgs = readMessages(r).sort((a, b) => Number(a.to - b.to))
    assert.deepEqual(msgs.map((m) => [m.type, m.to, m.term, m.index, m.logTerm, m.commit, ids(m.entries)]), [
      [MessageType.MsgApp, 2n, 1, li, 1, li, [[1, li + 1]]],
      [MessageType.MsgApp, 3n, 1, li, 1, li, [[1, li + 1]]]
    ])
  })

  it('an entry replicated on a majority is committed, applied, and its index sent on (§5.3)', () => {
    const r = newTestRaft(1n, V3, 10, 1)
    makeLeaderAndCommitNoop(r)
    const li = r.raftLog.lastIndex()
    r.step(msg({ type: MessageType.MsgProp, from: 1n, to: 1n, entries: [ent(0, 0, 'some data')] }))
    for (const m of readMessages(r)) r.step(accept(m))
    assert.equal(r.raftLog.committed, li + 1)
    assert.deepEqual(nextEnts(r).map((e) => [e.index, new TextDecoder().decode(e.data)]), [[li + 1, 'some data']])
    const msgs = readMessages(r).sort((a, b) => Number(a.to - b.to))
    for (const [i, m] of msgs.entries()) {
      assert.equal(m.to, BigInt(i + 2))
      assert.equal(m.type, MessageType.MsgApp)
      assert.equal(m.commit, li + 1)
    }
  })

  it('the leader commits exactly when a majority (itself included) holds the entry (§5.3)', () => {
    const table: Array<[number, Set<bigint>, boolean]> = [
      [1, new Set(), true],
      [3, new Set(), false],
      [3, new Set([2n]), true],
      [3, new Set([2n, 3n]), true],
      [5, new Set(), false],
      [5, new Set([2n]), false],
      [5, new Set([2n, 3n]), true],
      [5, new Set([2n, 3n, 4n]), true],
      [5, new Set([2n, 3n, 4n, 5n]), true]
    ]
    for (const [size, acceptors, wack] of table) {
      const voters = Array.from({ length: size }, (_, i) => BigInt(i + 1))
      const r = newTestRaft(1n, voters, 10, 1)
      makeLeaderAndCommitNoop(r)
      const li = r.raftLog.lastIndex()
      r.step(msg({ type: MessageType.MsgProp, from: 1n, to: 1n, entries: [ent(0, 0, 'x')] }))
      for (const m of readMessages(r)) if (acceptors.has(m.to)) r.step(accept(m))
      assert.equal(r.raftLog.committed > li, wack, `size ${size} acceptors ${[...acceptors].join(',')}`)
    }
  })

  it('committing an entry commits the preceding entries of earlier leaders, applied in order (§5.3)', () => {
    for (const prior of [[], entsWithTerms(2), entsWithTerms(1, 2), entsWithTerms(1)]) {
      const r = newTestRaft(1n, V3, 10, 1, { storage: storageWith(V3, [], prior) })
      r.loadState({ term: 2, vote: None, commit: 0 })
      r.becomeCandidate()
      r.becomeLeader()
      r.step(msg({ type: MessageType.MsgProp, from: 1n, to: 1n, entries: [ent(0, 0, 'x')] }))
      for (const m of readMessages(r)) r.step(accept(m))
      const li = prior.length
      const got = nextEnts(r)
      assert.deepEqual(ids(got), [...ids(prior), [3, li + 1], [3, li + 2]])
    }
  })

  it('a follower applies entries up to the commit index it learns, in order (§5.3)', () => {
    const table: Array<[number, number]> = [[1, 1], [2, 2], [2, 1], [1, 0]]
    for (const [n, commit] of table) {
      const r = newTestRaft(1n, V3, 10, 1)
      r.becomeFollower(1, 2n)
      const ents = Array.from({ length: n }, (_, i) => ent(1, i + 1, `d${i}`))
      r.step(msg({ type: MessageType.MsgApp, from: 2n, to: 1n, term: 1, entries: ents, commit }))
      assert.equal(r.raftLog.committed, commit)
      assert.deepEqual(ids(nextEnts(r)), ids(ents.slice(0, commit)))
    }
  })

  it('a follower rejects an append whose previous entry it lacks, with a hint (§5.3)', () => {
    const table: Array<[number, number, number, boolean, number, number]> = [
      // term, index, wantIndex, wantReject, wantHint, wantHintTerm
      [0, 0, 1, false, 0, 0], // match with the committed entry
      [2, 2, 2, false, 0, 0],
      [1, 1, 1, false, 0, 0], // match with an uncommitted entry
      [2, 3, 3, true, 2, 2], // no entry at index 3
      [3, 3, 3, true, 2, 2] // no entry at index 3 (higher term)
    ]
    for (const [term, index, windex, wreject, whint, wlogTerm] of table) {
      const r = newTestRaft(1n, V3, 10, 1, { storage: storageWith(V3, [], entsWithTerms(1, 2)) })
      r.loadState({ term: 0, vote: None, commit: 1 })
      r.becomeFollower(2, 2n)
      r.step(msg({ type: MessageType.MsgApp, from: 2n, to: 1n, term: 2, logTerm: term, index, commit: 1 }))
      const msgs = readMessages(r)
      assert.deepEqual(msgs.map((m) => [m.type, m.term, m.index, m.reject, m.rejectHint, m.logTerm]),
        [[MessageType.MsgAppResp, 2, windex, wreject, whint, wlogTerm]], `prev (${term}, ${index})`)
    }
  })

  it('a follower deletes conflicting entries and everything after, then appends (§5.3)', () => {
    const table: Array<[number, number, Array<[number, number]>, Array<[number, number]>, Array<[number, number]>]> = [
      // prev index, prev term, new entries, want log, want unstable
      [2, 2, [[3, 3]], [[1, 1], [2, 2], [3, 3]], [[3, 3]]],
      [1, 1, [[3, 2], [4, 3]], [[1, 1], [3, 2], [4, 3]], [[3, 2], [4, 3]]],
      [0, 0, [[1, 1]], [[1, 1], [2, 2]], []],
      [0, 0, [[3, 1]], [[3, 1]], [[3, 1]]]
    ]
    for (const [index, term, ents, wents, wunstable] of table) {
      const r = newTestRaft(1n, V3, 10, 1, { storage: storageWith(V3, [], entsWithTerms(1, 2)) })
      r.becomeFollower(2, 2n)
      r.step(msg({ type: MessageType.MsgApp, from: 2n, to: 1n, term: 2, logTerm: term, index, entries: ents.map(([t, i]) => ent(t, i)) }))
      assert.deepEqual(ids(r.raftLog.allEntries()), wents.map(([t, i]) => [t, i]))
      assert.deepEqual(ids(r.raftLog.nextUnstableEnts()), wunstable.map(([t, i]) => [t, i]))
    }
  })

  it('the leader brings every Figure 7 follower log to match its own (§5.3, Figure 7)', () => {
    const leaderLog = entsWithTerms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6)
    const followers = [
      entsWithTerms(1, 1, 1, 4, 4, 5, 5, 6, 6), // (a) missing one
      entsWithTerms(1, 1, 1, 4), // (b) missing many
      entsWithTerms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6), // (c) one extra
      entsWithTerms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7), // (d) extra of a later term
      entsWithTerms(1, 1, 1, 4, 4, 4, 4), // (e) divergent uncommitted tail
      entsWithTerms(1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3) // (f) long divergent tail
    ]
    for (const [i, flog] of followers.entries()) {
      const lead = newTestRaft(1n, V3, 10, 1, { storage: storageWith(V3, [], leaderLog) })
      lead.loadState({ term: 8, vote: None, commit: leaderLog.length })
      const follower = newTestRaft(2n, V3, 10, 1, { storage: storageWith(V3, [], flog) })
      follower.loadState({ term: 7, vote: None, commit: 0 })
      // Node 3 votes for the leader so it wins without node 2.
      lead.step(msg({ type: MessageType.MsgHup, from: 1n, to: 1n }))
      readMessages(lead)
      lead.step(msg({ type: MessageType.MsgVoteResp, from: 3n, to: 1n, term: lead.term }))
      assert.equal(lead.state, StateType.StateLeader)
      lead.step(msg({ type: MessageType.MsgProp, from: 1n, to: 1n, entries: [ent(0, 0)] }))
      // Pump messages between leader and follower (node 3 acks everything) until quiet.
      let queue = readMessages(lead)
      for (let round = 0; round < 100 && queue.length > 0; round++) {
        const next: Message[] = []
        for (const m of queue) {
          if (m.to === 2n) {
            follower.step(m)
            next.push(...readMessages(follower))
          } else if (m.to === 3n && m.type === MessageType.MsgApp) {
            lead.step(accept(m))
            next.push(...readMessages(lead))
          } else if (m.to === 1n) {
            lead.step(m)
            next.push(...readMessages(lead))
          }
        }
        queue = next
      }
      assert.deepEqual(ids(follower.raftLog.allEntries()), ids(lead.raftLog.allEntries()), `follower (${'abcdef'[i]})`)
    }
  })
})

describe('Raft paper §5.4: safety', () => {
  it('vote requests carry the candidate\'s last log index and term and go to every peer (§5.4.1)', () => {
    for (const [ents, wterm] of [[entsWithTerms(1, 1), 2], [entsWithTerms(1, 1, 2), 3]] as const) {
      const r = newTestRaft(1n, V3, 10, 1)
      r.step(msg({ type: MessageType.MsgApp, from: 2n, to: 1n, term: wterm - 1, entries: [...ents] }))
      readMessages(r)
      for (let i = 1; i < 2 * 10; i++) r.tick()
      const msgs = readMessages(r).sort((a, b) => Number(a.to - b.to))
      assert.equal(msgs.length, 2)
      for (const [i, m] of msgs.entries()) {
        assert.equal(m.type, MessageType.MsgVote)
        assert.equal(m.to, BigInt(i + 2))
        assert.equal(m.term, wterm)
        assert.equal(m.index, ents[ents.length - 1].index)
        assert.equal(m.logTerm, ents[ents.length - 1].term)
      }
    }
  })

  it('a voter refuses a candidate whose log is less up to date, by last term then index (§5.4.1)', () => {
    const table: Array<[number[], number, number, boolean]> = [
      // voter log terms, candidate logTerm, candidate index, want reject
      [[1, 1], 1, 2, false], [[1, 1], 1, 3, false], [[1, 1], 1, 1, true],
      [[1, 2], 2, 2, false], [[1, 2], 2, 3, false], [[1, 2], 2, 1, true],
      [[1, 2], 3, 1, false], [[1, 2], 1, 2, true], [[1, 1], 2, 1, false], [[1, 2], 1, 3, true]
    ]
    for (const [terms, logTerm, index, wreject] of table) {
      const r = newTestRaft(1n, [1n, 2n], 10, 1, { storage: storageWith([1n, 2n], [], entsWithTerms(...terms)) })
      r.step(msg({ type: MessageType.MsgVote, from: 2n, to: 1n, term: 3, logTerm, index }))
      const msgs = readMessages(r)
      assert.equal(msgs.length, 1)
      assert.equal(msgs[0].type, MessageType.MsgVoteResp)
      assert.equal(msgs[0].reject, wreject, `log ${terms} cand (${logTerm}, ${index})`)
    }
  })

  it('a leader commits a previous-term entry only through an entry of its own term (§5.4.2)', () => {
    const table: Array<[number, number]> = [
      // acked index, want commit
      [1, 0], [2, 0], [3, 3]
    ]
    for (const [index, wcommit] of table) {
      const r = newTestRaft(1n, V3, 10, 1, { storage: storageWith(V3, [], entsWithTerms(1, 2)) })
      r.loadState({ term: 2, vote: None, commit: 0 })
      // Leader at term 3; its empty entry is index 3.
      r.becomeCandidate()
      r.becomeLeader()
      readMessages(r)
      r.step(msg({ type: MessageType.MsgAppResp, from: 2n, to: 1n, term: r.term, index }))
      assert.equal(r.raftLog.committed, wcommit, `ack ${index}`)
    }
  })
})

describe('Raft paper §5.2/§5.1 helpers', () => {
  it('pinning the election timeout makes a follower campaign on exactly that tick', () => {
    const r = newTestRaft(1n, V3, 10, 1)
    pinTimeout(r, 13)
    for (let i = 0; i < 12; i++) r.tick()
    assert.equal(r.state, StateType.StateFollower)
    r.tick()
    assert.equal(r.state, StateType.StateCandidate)
  })
})
