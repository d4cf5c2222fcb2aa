// The metadata record at the head of every WAL segment: this member's ID and the cluster ID
// (etcd writes the protobuf etcdserverpb.Metadata{NodeID, ClusterID}; we write two uint64s).

export interface WalMetadata {
  memberId: bigint
  clusterId: bigint
}

export function encodeWalMetadata (m: WalMetadata): Uint8Array {
  const b = Buffer.alloc(16)
  b.writeBigUInt64BE(m.memberId, 0)
  b.writeBigUInt64BE(m.clusterId, 8)
  return b
}

export function decodeWalMetadata (data: Uint8Array): WalMetadata {
  if (data.length !== 16) throw new Error(`malformed WAL metadata (${data.length} bytes)`)
  const b = Buffer.from(data.buffer, data.byteOffset, data.length)
  return { memberId: b.readBigUInt64BE(0), clusterId: b.readBigUInt64BE(8) }
}
