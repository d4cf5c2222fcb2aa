// The alarm store (etcd's etcdserver/api/v3alarm): which member raised which alarm. Alarms are
// cluster state: raised and cleared only by applying an AlarmRequest entry, persisted in the
// backend's `alarm` bucket in the same batch, and rebuilt from it at start and after a snapshot.
// Key: the member ID (8 bytes, big-endian) then the alarm type (4 bytes, big-endian); no value.
import { Buckets } from '../../storage/schema/buckets.js'
import type { BatchTx, ReadTx } from '../../storage/backend/index.js'
import { AlarmType, type AlarmMember } from '../../api/etcdserverpb/maintenance.js'

function alarmKey (m: AlarmMember): Buffer {
  const k = Buffer.alloc(12)
  k.writeBigUInt64BE(m.memberID, 0)
  k.writeUInt32BE(m.alarm, 8)
  return k
}

export class AlarmStore {
  /** type → member ID → alarm, in the order raised. */
  readonly #types = new Map<number, Map<bigint, AlarmMember>>()

  /** Rebuilds the in-memory view from the backend (start, snapshot restore). */
  recover (tx: ReadTx): void {
    this.#types.clear()
    tx.forEach(Buckets.Alarm, (k) => {
      if (k.length === 12) this.#add({ memberID: k.readBigUInt64BE(0), alarm: k.readUInt32BE(8) })
      return true
    })
  }

  /**
   * Raises `alarm` for `memberID` and returns it; an alarm already raised is returned as it was.
   * NONE raises nothing (etcd 3.5; 3.4 crashed on it) and returns undefined.
   */
  activate (tx: BatchTx, memberID: bigint, alarm: number): AlarmMember | undefined {
    if (alarm === AlarmType.NONE) return undefined
    const existing = this.#types.get(alarm)?.get(memberID)
    if (existing !== undefined) return existing
    const m = { memberID, alarm }
    tx.put(Buckets.Alarm, alarmKey(m), new Uint8Array(0))
    this.#add(m)
    return m
  }

  /** Clears `alarm` for `memberID`; returns what was cleared, or undefined if it was not raised. */
  deactivate (tx: BatchTx, memberID: bigint, alarm: number): AlarmMember | undefined {
    const members = this.#types.get(alarm)
    const m = members?.get(memberID)
    if (m === undefined || members === undefined) return undefined
    tx.delete(Buckets.Alarm, alarmKey(m))
    members.delete(memberID)
    if (members.size === 0) this.#types.delete(alarm)
    return m
  }

  /** The alarms of one type, or all of them for NONE. */
  get (alarm: number = AlarmType.NONE): AlarmMember[] {
    if (alarm !== AlarmType.NONE) return [...(this.#types.get(alarm)?.values() ?? [])]
    const out: AlarmMember[] = []
    for (const members of this.#types.values()) out.push(...members.values())
    return out
  }

  /** True when some member raised `alarm`. */
  has (alarm: number): boolean {
    return this.#types.has(alarm)
  }

  #add (m: AlarmMember): void {
    let members = this.#types.get(m.alarm)
    if (members === undefined) this.#types.set(m.alarm, members = new Map())
    members.set(m.memberID, m)
  }
}
