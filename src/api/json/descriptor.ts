// Message descriptors: the little of a .proto the JSON codec needs. Each message lists its fields
// in tag order (the output key order) with the proto name (output and input), the lowerCamel
// JSON name (also accepted on input), the property of the typed TS object, the kind, and the
// Go type name that decode errors print. Oneof members carry the oneof's name; when `group` is
// set the member lives under that property (Compare.targetUnion), otherwise on the message
// itself (RequestOp's members).

/** An enum: name ↔ number, and its Go type name (`etcdserverpb.RangeRequest_SortOrder`). */
export interface EnumDesc {
  readonly goName: string
  readonly values: Readonly<Record<string, number>>
  readonly names: ReadonlyMap<number, string>
}

export type ScalarKind = 'int64' | 'uint64' | 'int32' | 'uint32' | 'bool' | 'string' | 'bytes'
export type FieldKind = ScalarKind | 'enum' | 'message'

export interface FieldDesc {
  /** Proto field name: written on output, accepted on input. */
  readonly name: string
  /** lowerCamel JSON name, also accepted on input (preferred when both are present). */
  readonly json: string
  /** Property of the typed message object. */
  readonly prop: string
  readonly tag: number
  readonly kind: FieldKind
  readonly repeated: boolean
  readonly enumType?: EnumDesc
  /** Resolved lazily so messages can refer to each other (TxnRequest ↔ RequestOp). */
  readonly message?: () => MessageDesc
  /** Name of the oneof this field belongs to. */
  readonly oneof?: string
  /** Property holding the oneof member object, when the typed message nests it. */
  readonly group?: string
}

export interface MessageDesc {
  /** Full proto name (`etcdserverpb.RangeRequest`). */
  readonly name: string
  readonly fields: readonly FieldDesc[]
}

/** Builds an enum descriptor from an `as const` name → number table. */
export function enumDesc (goName: string, values: Readonly<Record<string, number>>): EnumDesc {
  const names = new Map<number, string>()
  for (const [k, v] of Object.entries(values)) if (!names.has(v)) names.set(v, k)
  return Object.freeze({ goName, values, names })
}

/** lowerCamel of a proto name, as protoc-gen-go computes json_name (`range_end` → `rangeEnd`). */
export function lowerCamel (name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** Options of one field in a message() definition. */
export interface FieldSpec {
  kind: FieldKind
  repeated?: boolean
  enumType?: EnumDesc
  message?: () => MessageDesc
  oneof?: string
  group?: string
  /** Overrides the typed property name (default: the lowerCamel JSON name). */
  prop?: string
}

/** Defines a message from `[protoName, tag, spec]` rows given in tag order. */
export function message (name: string, rows: ReadonlyArray<readonly [string, number, FieldSpec]>): MessageDesc {
  const fields = rows.map(([fieldName, tag, spec]): FieldDesc => {
    const json = lowerCamel(fieldName)
    return Object.freeze({
      name: fieldName,
      json,
      prop: spec.prop ?? json,
      tag,
      kind: spec.kind,
      repeated: spec.repeated ?? false,
      enumType: spec.enumType,
      message: spec.message,
      oneof: spec.oneof,
      group: spec.group
    })
  })
  return Object.freeze({ name, fields: Object.freeze(fields) })
}
