// mvccpb: KeyValue and Event, as etcd's api/mvccpb/kv.proto. 64-bit integers are bigint,
// bytes are Uint8Array. An absent optional field means the proto zero value.

export interface KeyValue {
  key: Uint8Array
  createRevision: bigint
  modRevision: bigint
  version: bigint
  value: Uint8Array
  lease: bigint
}

export const EventType = { PUT: 0, DELETE: 1 } as const
export type EventType = typeof EventType[keyof typeof EventType]

export interface Event {
  type: EventType
  kv: KeyValue
  prevKv?: KeyValue
}
