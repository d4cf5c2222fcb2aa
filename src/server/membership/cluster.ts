// RaftCluster: the members this server knows, kept in memory and in the backend's `members`
// bucket (etcd's membership.RaftCluster, the subset a static cluster needs). Members are added
// when their conf-change entry is applied, so every member learns the same membership at the
// same raft index.
import type { BatchTx, ReadTx } from '../../storage/backend/index.js'
import { Buckets } from '../../storage/schema/index.js'
import type { Member } from './member.js'

interface MemberJSON { id: string, name: string, peerURLs: string[], clientURLs: string[], isLearner: boolean }

function memberKey (id: bigint): Buffer {
  return Buffer.from(id.toString(16), 'latin1')
}

/** The conf-change context etcd puts on AddNode entries: the member, as JSON. */
export function encodeMemberContext (m: Member): Uint8Array {
  const j: MemberJSON = { id: m.id.toString(), name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs, isLearner: m.isLearner }
  return Buffer.from(JSON.stringify(j))
}

export function decodeMemberContext (b: Uint8Array): Member {
  const j = JSON.parse(Buffer.from(b).toString('utf8')) as MemberJSON
  return { id: BigInt(j.id), name: j.name, peerURLs: j.peerURLs, clientURLs: j.clientURLs, isLearner: j.isLearner }
}

export class RaftCluster {
  readonly clusterId: bigint
  readonly localId: bigint
  readonly #members = new Map<bigint, Member>()
  readonly #removed = new Set<bigint>()

  constructor (clusterId: bigint, localId: bigint) {
    this.clusterId = clusterId
    this.localId = localId
  }

  /** Loads the members stored in the backend (on restart). */
  recover (tx: ReadTx): void {
    this.#members.clear()
    this.#removed.clear()
    tx.forEach(Buckets.Members, (_k, v) => {
      const m = decodeMemberContext(v)
      this.#members.set(m.id, m)
      return true
    })
    tx.forEach(Buckets.MembersRemoved, (k) => {
      this.#removed.add(BigInt('0x' + k.toString('latin1')))
      return true
    })
  }

  members (): Member[] {
    return [...this.#members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  member (id: bigint): Member | undefined {
    return this.#members.get(id)
  }

  /** Adds `m`; `tx` persists it when the entry is newly applied (undefined while replaying). */
  addMember (m: Member, tx?: BatchTx): void {
    this.#members.set(m.id, m)
    tx?.put(Buckets.Members, memberKey(m.id), encodeMemberContext(m))
  }

  removeMember (id: bigint, tx?: BatchTx): void {
    this.#members.delete(id)
    this.#removed.add(id)
    tx?.delete(Buckets.Members, memberKey(id))
    tx?.put(Buckets.MembersRemoved, memberKey(id), Buffer.from('removed'))
  }

  /** True if `id` was removed from the cluster (it may never come back). */
  isIDRemoved (id: bigint): boolean {
    return this.#removed.has(id)
  }

  isLearner (id: bigint): boolean {
    return this.#members.get(id)?.isLearner ?? false
  }
}
