// Wire descriptors of mvccpb's KeyValue and Event (api/mvccpb/kv.proto): field names, tags and
// kinds in tag order, for the JSON codec (../json).
import { enumDesc, message } from '../json/descriptor.js'
import { EventType } from './kv.js'

export const EventTypeEnum = enumDesc('mvccpb.Event_EventType', EventType)

export const KeyValueDesc = message('mvccpb.KeyValue', [
  ['key', 1, { kind: 'bytes' }],
  ['create_revision', 2, { kind: 'int64' }],
  ['mod_revision', 3, { kind: 'int64' }],
  ['version', 4, { kind: 'int64' }],
  ['value', 5, { kind: 'bytes' }],
  ['lease', 6, { kind: 'int64' }]
])

export const EventDesc = message('mvccpb.Event', [
  ['type', 1, { kind: 'enum', enumType: EventTypeEnum }],
  ['kv', 2, { kind: 'message', message: () => KeyValueDesc }],
  ['prev_kv', 3, { kind: 'message', message: () => KeyValueDesc }]
])
