// The lease bucket's record format: key = the lease ID as 8 big-endian bytes (two's complement,
// so negative client-chosen IDs round-trip); value = ID, granted TTL and checkpointed remaining
// TTL as three big-endian int64s. Written in the apply batch that granted or checkpointed it.
import type { BatchTx, ReadTx } from '../storage/backend/index.js'
import { Buckets } from '../storage/schema/index.js'
import { Lease, type LeaseID } from './lease.js'

export function leaseKey (id: LeaseID): Uint8Array {
  const b = Buffer.alloc(8)
  b.writeBigInt64BE(id)
  return b
}

export function encodeLease (l: Lease): Uint8Array {
  const b = Buffer.alloc(24)
  b.writeBigInt64BE(l.id, 0)
  b.writeBigInt64BE(BigInt(l.ttl), 8)
  b.writeBigInt64BE(BigInt(l.remainingTTL), 16)
  return b
}

export function decodeLease (v: Uint8Array): Lease {
  if (v.length !== 24) throw new Error(`lease record of ${v.length} bytes, want 24`)
  const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  return new Lease(b.readBigInt64BE(0), Number(b.readBigInt64BE(8)), Number(b.readBigInt64BE(16)))
}

export function persistLease (tx: BatchTx, l: Lease): void {
  tx.put(Buckets.Lease, leaseKey(l.id), encodeLease(l))
}

export function deleteLease (tx: BatchTx, id: LeaseID): void {
  tx.delete(Buckets.Lease, leaseKey(id))
}

/** Every lease stored in the bucket. */
export function readLeases (tx: ReadTx): Lease[] {
  const out: Lease[] = []
  tx.forEach(Buckets.Lease, (_k, v) => { out.push(decodeLease(v)); return true })
  return out
}
