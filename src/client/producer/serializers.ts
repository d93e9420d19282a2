/**
 * Serializers turn a record's key or value into the bytes the producer
 * sends, as Kafka's `key.serializer` / `value.serializer` do. They are
 * plain functions, `(value, topic) => Buffer | null`, given the topic as
 * Java's `Serializer.serialize(topic, data)` is, so one serializer can pick
 * a schema per topic.
 *
 * The producer never passes null or undefined to a serializer: a null value
 * is a tombstone (log compaction deletes the key) and must stay null on the
 * wire, which `JSON.stringify(null)` would turn into the 4 bytes `null`.
 */
import type { KafkaRecord, RecordHeader } from '../../protocol/records/record.js'
import { SerializationError } from './errors.js'
import type { Bytes, ProducerRecord } from './producer-record.js'

export type Serializer<T> = (value: T, topic: string) => Buffer | null

/** What the producer does with keys and values when no serializer is given. */
export function bytes(value: Bytes): Buffer {
  if (typeof value === 'string') return Buffer.from(value)
  if (Buffer.isBuffer(value)) return value
  throw new SerializationError(`expected a Buffer or a string, got ${describe(value)}: set keySerializer/valueSerializer to send other types`)
}

export const serializers: { string: Serializer<string>; json: Serializer<unknown>; buffer: Serializer<Uint8Array> } = {
  /** UTF-8, like Java's StringSerializer. */
  string: (value) => {
    if (typeof value !== 'string') throw new SerializationError(`serializers.string: expected a string, got ${describe(value)}`)
    return Buffer.from(value)
  },
  /** JSON.stringify as UTF-8. Values JSON cannot express (undefined, a function, a symbol) are refused rather than sent as nothing. */
  json: (value) => {
    const text = JSON.stringify(value) as string | undefined
    if (text === undefined) throw new SerializationError(`serializers.json: ${describe(value)} has no JSON form`)
    return Buffer.from(text)
  },
  /** Bytes as they are; a Uint8Array that is not a Buffer is wrapped without a copy. */
  buffer: (value) => {
    if (Buffer.isBuffer(value)) return value
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    throw new SerializationError(`serializers.buffer: expected a Buffer or Uint8Array, got ${describe(value)}`)
  },
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value
}

const NO_HEADERS: RecordHeader[] = []
/** A record's framing beyond its key, value and headers (length, attributes, deltas, varints), roughly. */
const RECORD_OVERHEAD_BYTES = 20

/** The record as it goes on the wire (deltas filled in when its batch is made); throws SerializationError. */
export function serializeRecord<K, V>(r: ProducerRecord<K, V>, keySerializer: Serializer<K>, valueSerializer: Serializer<V>): KafkaRecord {
  const key = r.key === null || r.key === undefined ? null : serializeWith(keySerializer, r.key, r.topic, 'key')
  const value = r.value === null || r.value === undefined ? null : serializeWith(valueSerializer, r.value, r.topic, 'value')
  const headers: RecordHeader[] = r.headers === undefined ? NO_HEADERS : Array.isArray(r.headers) ? r.headers.map((h) => ({ key: h.key, value: headerValue(h.value) })) : Object.entries(r.headers).map(([k, v]) => ({ key: k, value: headerValue(v) }))
  return { attributes: 0, timestampDelta: 0, offsetDelta: 0, key, value, headers }
}

/** Roughly the record's encoded size in a batch: what counts against batch.size and buffer.memory. */
export function estimatedSize(record: KafkaRecord): number {
  let size = (record.key?.length ?? 0) + (record.value?.length ?? 0) + RECORD_OVERHEAD_BYTES
  for (const h of record.headers) size += Buffer.byteLength(h.key) + (h.value?.length ?? 0) + 2
  return size
}

function serializeWith<T>(serializer: Serializer<T>, value: T, topic: string, what: 'key' | 'value'): Buffer | null {
  let out: unknown
  try {
    out = serializer(value, topic)
  } catch (e) {
    throw new SerializationError(`could not serialize the ${what} for topic ${topic}: ${(e as Error).message}`, { cause: e })
  }
  if (out !== null && !Buffer.isBuffer(out)) throw new SerializationError(`the ${what} serializer for topic ${topic} returned neither a Buffer nor null`)
  return out
}

/** Header values are bytes whatever the serializers: Kafka's headers are byte arrays. */
const headerValue = (v: Bytes | null | undefined): Buffer | null => (v === null || v === undefined ? null : bytes(v))
