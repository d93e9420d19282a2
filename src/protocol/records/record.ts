/**
 * The data model of Kafka's record batches (message format v2, KIP-98), shared
 * by the v2 codec (`record-batch.ts`), the legacy message sets
 * (`legacy-message-set.ts`) and the conversions between them.
 *
 * Offsets, timestamps and producer ids are `number`: they are int64 on the
 * wire, but fit in 2^53 for centuries of traffic, and this is the hot path
 * (STYLE.md §4). Decoders reject values outside the safe range.
 */

/** Compression codec ids, attribute bits 0-2 of a batch or legacy message. */
export const CompressionType = {
  None: 0,
  Gzip: 1,
  Snappy: 2,
  Lz4: 3,
  Zstd: 4,
} as const
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType]

/** Timestamp type, attribute bit 3: set by the producer, or overwritten by the broker on append. */
export const TimestampType = {
  CreateTime: 0,
  LogAppendTime: 1,
} as const
export type TimestampType = (typeof TimestampType)[keyof typeof TimestampType]

/** Bits of a v2 batch's int16 attributes field. */
export const BatchAttributes = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  /** KIP-534: the batch's baseTimestamp holds the compaction delete horizon. */
  DELETE_HORIZON: 0x40,
} as const

/** Sentinels Kafka uses in batch headers (RecordBatch.NO_PRODUCER_ID and friends). */
export const NO_PRODUCER_ID = -1
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
export const NO_PARTITION_LEADER_EPOCH = -1
/** RecordBatch.NO_TIMESTAMP: a v0 message or a record without a timestamp. */
export const NO_TIMESTAMP = -1

export interface RecordHeader {
  key: string
  value: Buffer | null
}

/**
 * One record inside a v2 batch, with its offset and timestamp relative to the
 * batch (as on the wire). `Record` would clash with TypeScript's utility type.
 */
export interface KafkaRecord {
  /** Unused by Kafka today; kept so a round trip is exact. */
  attributes: number
  timestampDelta: number
  offsetDelta: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

/** Control record types (key `version int16, type int16`), KIP-98. */
export const ControlRecordType = {
  Abort: 0,
  Commit: 1,
} as const
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType]

/** A whole v2 batch, decoded. */
export interface RecordBatch {
  baseOffset: number
  partitionLeaderEpoch: number
  /** Batch attributes (see BatchAttributes); compression is bits 0-2. */
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  records: KafkaRecord[]
}
