/**
 * Hand-written helpers the generated codecs in `messages/` call: arrays,
 * nullable structs, tagged-field sections and the version checks Kafka's
 * generated `write()` methods make. Kept apart from `reader.ts`/`writer.ts`
 * because they encode rules of the message schema language, not primitives.
 */
import { DecodeError, EncodeError } from './codec-error.js'
import type { Reader } from './reader.js'
import type { Writer } from './writer.js'

export { ZERO_UUID } from './uuid.js'

/** The default of non-nullable bytes fields; never written to. */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0)

/** A tagged field kept as raw bytes: one Brook does not know, or one being written. */
export interface TaggedField {
  tag: number
  data: Buffer
}

type ElemReader<T> = (r: Reader, v: number, flexible: boolean) => T
type ElemWriter<T> = (w: Writer, x: T, v: number, flexible: boolean) => void

export function readArray<T>(r: Reader, flexible: boolean, v: number, elem: ElemReader<T>): T[] {
  const n = r.arrayLength(flexible)
  if (n < 0) throw new DecodeError('non-nullable array is null', r.pos)
  const out = new Array<T>(n)
  for (let i = 0; i < n; i++) out[i] = elem(r, v, flexible)
  return out
}

export function readNullableArray<T>(r: Reader, flexible: boolean, v: number, elem: ElemReader<T>): T[] | null {
  const n = r.arrayLength(flexible)
  if (n < 0) return null
  const out = new Array<T>(n)
  for (let i = 0; i < n; i++) out[i] = elem(r, v, flexible)
  return out
}

export function writeArray<T>(w: Writer, xs: readonly T[], flexible: boolean, v: number, elem: ElemWriter<T>): void {
  w.arrayLength(xs.length, flexible)
  for (let i = 0; i < xs.length; i++) elem(w, xs[i]!, v, flexible)
}

export function writeNullableArray<T>(w: Writer, xs: readonly T[] | null, flexible: boolean, v: number, elem: ElemWriter<T>): void {
  if (xs === null) w.arrayLength(-1, flexible)
  else writeArray(w, xs, flexible, v, elem)
}

/** KIP-893 nullable struct: int8 -1 for null, 1 followed by the struct otherwise. */
export function readNullableStruct<T>(r: Reader, v: number, read: (r: Reader, v: number) => T): T | null {
  return r.int8() < 0 ? null : read(r, v)
}

export function writeNullableStruct<T>(w: Writer, x: T | null, v: number, write: (w: Writer, x: T, v: number) => void): void {
  if (x === null) {
    w.int8(-1)
  } else {
    w.int8(1)
    write(w, x, v)
  }
}

/** KIP-893 nullable struct in a tagged field: uvarint 0 for null, 1 followed by the struct otherwise. */
export function readNullableTaggedStruct<T>(r: Reader, v: number, read: (r: Reader, v: number) => T): T | null {
  return r.uvarint() === 0 ? null : read(r, v)
}

export function writeNullableTaggedStruct<T>(w: Writer, x: T | null, v: number, write: (w: Writer, x: T, v: number) => void): void {
  if (x === null) {
    w.uvarint(0)
  } else {
    w.uvarint(1)
    write(w, x, v)
  }
}

/** Element codecs for arrays of primitives (`[]int32`, `[]string`, ...). */
export const readInt8Elem = (r: Reader): number => r.int8()
export const readInt16Elem = (r: Reader): number => r.int16()
export const readInt32Elem = (r: Reader): number => r.int32()
export const readInt64Elem = (r: Reader): bigint => r.int64()
export const readUint16Elem = (r: Reader): number => r.uint16()
export const readUint32Elem = (r: Reader): number => r.uint32()
export const readFloat64Elem = (r: Reader): number => r.float64()
export const readBoolElem = (r: Reader): boolean => r.bool()
export const readUuidElem = (r: Reader): string => r.uuid()
export const readStringElem = (r: Reader, _v: number, flexible: boolean): string => r.string(flexible)
export const readBytesElem = (r: Reader, _v: number, flexible: boolean): Buffer => r.bytes(flexible)
export const writeInt8Elem = (w: Writer, x: number): void => w.int8(x)
export const writeInt16Elem = (w: Writer, x: number): void => w.int16(x)
export const writeInt32Elem = (w: Writer, x: number): void => w.int32(x)
export const writeInt64Elem = (w: Writer, x: bigint): void => w.int64(x)
export const writeUint16Elem = (w: Writer, x: number): void => w.uint16(x)
export const writeUint32Elem = (w: Writer, x: number): void => w.uint32(x)
export const writeFloat64Elem = (w: Writer, x: number): void => w.float64(x)
export const writeBoolElem = (w: Writer, x: boolean): void => w.bool(x)
export const writeUuidElem = (w: Writer, x: string): void => w.uuid(x)
export const writeStringElem = (w: Writer, x: string, _v: number, flexible: boolean): void => w.string(x, flexible)
export const writeBytesElem = (w: Writer, x: Buffer, _v: number, flexible: boolean): void => w.bytes(x, flexible)

/** Reads a tagged-field section of a struct that knows no tags: everything is kept as unknown. */
export function readTaggedFields(r: Reader, m: { unknownTaggedFields?: TaggedField[] }): void {
  const n = r.uvarint()
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint()
    keepUnknownTaggedField(m, tag, r.sub(r.uvarint()))
  }
}

export function keepUnknownTaggedField(m: { unknownTaggedFields?: TaggedField[] }, tag: number, tr: Reader): void {
  ;(m.unknownTaggedFields ??= []).push({ tag, data: tr.buf.subarray(tr.pos, tr.end) })
}

/**
 * Writes a tagged-field section: the known fields that differ from their
 * defaults and the unknown ones carried over, merged in ascending tag order
 * as the spec requires.
 */
export function writeTaggedFields(w: Writer, known: TaggedField[] | undefined, unknown: TaggedField[] | undefined): void {
  const all = known === undefined || known.length === 0 ? unknown : unknown === undefined || unknown.length === 0 ? known : [...known, ...unknown].sort((a, b) => a.tag - b.tag)
  if (all === undefined || all.length === 0) {
    w.uvarint(0)
    return
  }
  w.uvarint(all.length)
  for (const f of all) {
    w.uvarint(f.tag)
    w.uvarint(f.data.length)
    w.raw(f.data)
  }
}

/** Kafka: "Attempted to write a non-default X at version N" (UnsupportedVersionException). */
export function unsupportedField(field: string, v: number): never {
  throw new EncodeError(`attempted to write a non-default ${field} at version ${v}, which lacks it`)
}

export function notNull<T>(x: T | null, field: string, v: number): T {
  if (x === null) throw new EncodeError(`${field} is null, but version ${v} does not allow null`)
  return x
}

/** Deep equality over generated message values (numbers, bigints, strings, Buffers, arrays, structs). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b)
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => sameValue(x, b[i]))
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined)
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined)
  if (ka.length !== kb.length) return false
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}
