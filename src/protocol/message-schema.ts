/**
 * A reflection of the spec's field definitions, generated into
 * `messages/schemas.ts`: which fields exist in which versions, which may be
 * null, which are tagged. Tests build samples from it; tools can print it.
 * The codecs themselves never read it.
 */
export type FieldKind =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64' | 'bool'
  | 'string' | 'bytes' | 'records' | 'uuid' | 'struct' | 'array'

/** An inclusive version range [min, max]; null when the property never applies. */
export type VersionRange = readonly [number, number] | null

export interface FieldSchema {
  /** Kafka's name, e.g. `TransactionalId`. */
  name: string
  /** Property in the generated interface, e.g. `transactionalId`. */
  prop: string
  kind: FieldKind | string
  elem?: { kind: FieldKind | string; struct?: StructSchema }
  struct?: StructSchema
  versions: VersionRange
  nullable: VersionRange
  tagged: VersionRange
  tag: number | null
  ignorable: boolean
}

export interface StructSchema {
  name: string
  create(): object
  fields: FieldSchema[]
}

export function inRange(range: VersionRange, v: number): boolean {
  return range !== null && v >= range[0] && v <= range[1]
}
