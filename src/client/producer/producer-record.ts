/**
 * What goes into the producer and what comes back: a record, where it was
 * written, and the callback that is told (Java's ProducerRecord,
 * RecordMetadata and Callback).
 */
/** A key or value as the producer takes it without a serializer, and a header value: bytes, or a string sent as UTF-8. */
export type Bytes = Buffer | string

export interface ProducerRecord<K = Bytes, V = Bytes> {
  topic: string
  key?: K | null
  value: V | null
  /** Header values are bytes (no serializer); names may repeat in the array form. */
  headers?: Record<string, Bytes | null> | { key: string; value: Bytes | null }[]
  /** An explicit partition: the partitioner is not asked. */
  partition?: number
  /** CreateTime in ms (default now). */
  timestamp?: number
}

export interface RecordMetadata {
  topic: string
  /** -1 if the record failed before a partition was chosen. */
  partition: number
  /** -1 with acks=0 (the broker says nothing), and for a failed record. */
  offset: bigint
  /** CreateTime, or the broker's LogAppendTime for topics that use it; -1 for a failed record. */
  timestamp: number
}

/**
 * A record's outcome. On success `error` is null; on failure `metadata` has
 * the topic and, once one was chosen, the partition (else -1), with offset
 * -1n and timestamp -1, as the Java client's callback gets it.
 */
export type DeliveryCallback<K = Bytes, V = Bytes> = (error: Error | null, metadata: RecordMetadata, record: ProducerRecord<K, V>) => void
