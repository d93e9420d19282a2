/**
 * Conversions between legacy message sets (magic 0/1) and v2 record batches:
 * - up: what a broker storing magic 2 does with a Produce v0-v2 message set
 *   (Kafka's `LogValidator.convertAndAssignOffsetsNonCompressed` and
 *   `validateMessagesAndAssignOffsetsCompressed` -> `buildRecordsAndAssignOffsets`);
 * - down: what it does for a Fetch v0-v3 consumer (`RecordsUtil.downConvert`,
 *   used by `LazyDownConversionRecords`).
 *
 * Validation that needs topic config or a clock (timestamp difference limits,
 * keys on compacted topics) stays with the caller (storage's LogValidator).
 */
import {
  BatchAttributes,
  CompressionType,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  TimestampType,
} from './record.js'
import type { KafkaRecord, RecordBatch } from './record.js'
import { LegacyAttributes, encodeLegacyMessageSet } from './legacy-message-set.js'
import type { DecodedLegacyMessageSet, LegacyMessage } from './legacy-message-set.js'
import { ErrorCode } from '../error-codes.js'
import { KafkaError } from '../kafka-error.js'

/**
 * Input Kafka refuses to convert raises a KafkaError carrying the code the
 * broker answers with for that partition: INVALID_RECORD or
 * UNSUPPORTED_COMPRESSION_TYPE (STYLE.md §5).
 */
function conversionError(errorCode: number, message: string): KafkaError {
  return new KafkaError(errorCode, { errorMessage: message })
}

export interface LegacyToRecordBatchOptions {
  /** Offset of the first record (LogValidator's `offsetCounter`). */
  baseOffset: number
  /** The topic's `message.timestamp.type`. Default CreateTime. */
  timestampType?: TimestampType
  /** Broker time (from `Time`) for LogAppendTime: the batch's maxTimestamp. Required then. */
  logAppendTimeMs?: number
  /** The topic's `compression.type`; omitted means `producer`: keep the source codec. */
  compression?: CompressionType
  /** Default NO_PARTITION_LEADER_EPOCH. */
  partitionLeaderEpoch?: number
}

/**
 * Up-converts a decoded magic 0/1 message set into one v2 batch, as Kafka's
 * LogValidator does when the log's format is v2:
 * - all deep messages become records of one batch, offsets assigned from
 *   `baseOffset` in order (the wire offsets are ignored);
 * - record timestamps are the messages' (NO_TIMESTAMP for magic 0, the
 *   wrapper's for a LogAppendTime wrapper); baseTimestamp is the first one;
 *   maxTimestamp is the largest (CreateTime) or `logAppendTimeMs`;
 * - codec: `compression`, else the source codec (the last compressed entry's,
 *   as `UnifiedLog.analyzeAndValidateRecords` picks it);
 * - no producer id, epoch or sequence, not transactional, no headers.
 * A partial tail was already dropped by the decoder (Kafka trims it too).
 *
 * KafkaError(INVALID_RECORD) for an empty set, a compressed
 * set with more than one shallow entry (`getFirstBatchAndMaybeValidateNoMoreBatches`),
 * or messages of both magic 0 and 1 (`validateBatch`).
 */
export function legacyMessageSetToRecordBatch(set: DecodedLegacyMessageSet, options: LegacyToRecordBatchOptions): RecordBatch {
  if (set.entries.length === 0) {
    throw conversionError(ErrorCode.INVALID_RECORD, 'message set holds no messages')
  }
  let source: CompressionType = CompressionType.None
  const magic = set.entries[0]!.outer.magic
  for (const e of set.entries) {
    if (e.outer.magic !== magic) {
      // LogValidator.validateBatch: every batch (here, message) must have the first one's magic.
      throw conversionError(ErrorCode.INVALID_RECORD, `message magic ${e.outer.magic} differs from the first message's ${magic}`)
    }
    const codec = (e.outer.attributes & LegacyAttributes.COMPRESSION_MASK) as CompressionType
    if (codec !== CompressionType.None) source = codec
  }
  if (source !== CompressionType.None && set.entries.length > 1) {
    throw conversionError(ErrorCode.INVALID_RECORD, 'compressed outer record has more than one batch')
  }
  const timestampType = options.timestampType ?? TimestampType.CreateTime
  if (timestampType === TimestampType.LogAppendTime && options.logAppendTimeMs === undefined) {
    throw new TypeError('logAppendTimeMs is required for LogAppendTime')
  }
  const target = options.compression ?? source

  const messages = set.messages
  const baseTimestamp = messages[0]!.timestamp
  let maxTimestamp = NO_TIMESTAMP
  const records: KafkaRecord[] = messages.map((m, i) => {
    if (m.timestamp > maxTimestamp) maxTimestamp = m.timestamp
    return {
      attributes: 0,
      timestampDelta: m.timestamp - baseTimestamp,
      offsetDelta: i,
      key: m.key,
      value: m.value,
      headers: [],
    }
  })
  const logAppendTime = timestampType === TimestampType.LogAppendTime
  return {
    baseOffset: options.baseOffset,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
    attributes: target | (logAppendTime ? BatchAttributes.TIMESTAMP_TYPE : 0),
    lastOffsetDelta: records.length - 1,
    baseTimestamp,
    maxTimestamp: logAppendTime ? options.logAppendTimeMs! : maxTimestamp,
    producerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    baseSequence: NO_SEQUENCE,
    records,
  }
}

export interface RecordBatchesToLegacyOptions {
  /**
   * The fetch offset. Records below it in *uncompressed* batches are left out
   * (an old consumer would return them); compressed batches stay whole, since
   * old consumers skip such records inside a wrapper themselves. Default 0.
   */
  firstOffset?: number
}

/**
 * Down-converts v2 batches to a magic 0 or 1 message set for a Fetch v0-v3
 * consumer, as `RecordsUtil.downConvert` / `convertRecordBatch` do:
 * - control batches are skipped; other transactional data, aborted or not,
 *   is kept: Fetch below v4 has no isolation level, so old consumers are
 *   read_uncommitted (Kafka filters nothing for them);
 * - headers are dropped; magic 0 also drops timestamps;
 * - offsets stay absolute (baseOffset + offsetDelta);
 * - an uncompressed batch becomes one message per record, a compressed batch
 *   one wrapper message with the same codec (magic 1: relative inner offsets);
 * - magic 1 keeps the batch's timestamp type; with LogAppendTime every
 *   message's timestamp is the batch's maxTimestamp;
 * - batches left with no records are dropped.
 *
 * KafkaError(UNSUPPORTED_COMPRESSION_TYPE) for a zstd batch
 * (non-control): magic 0/1 cannot carry zstd. Kafka gets there in two places:
 * `MemoryRecordsBuilder` refuses zstd below magic 2, and `KafkaApis` answers
 * UNSUPPORTED_COMPRESSION_TYPE to Fetch below v10 for zstd data.
 */
export function recordBatchesToLegacyMessageSet(
  batches: readonly RecordBatch[],
  toMagic: 0 | 1,
  options: RecordBatchesToLegacyOptions = {},
): Buffer {
  const firstOffset = options.firstOffset ?? 0
  const parts: Buffer[] = []
  for (const batch of batches) {
    if ((batch.attributes & BatchAttributes.CONTROL) !== 0) continue
    const codec = (batch.attributes & BatchAttributes.COMPRESSION_MASK) as CompressionType
    if (codec === CompressionType.Zstd) {
      throw conversionError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'down-conversion of zstandard-compressed batches is not supported')
    }
    const logAppendTime = (batch.attributes & BatchAttributes.TIMESTAMP_TYPE) !== 0
    const timestampType = logAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime
    const messages: LegacyMessage[] = []
    for (const r of batch.records) {
      const offset = batch.baseOffset + r.offsetDelta
      if (codec === CompressionType.None && offset < firstOffset) continue
      let timestamp = NO_TIMESTAMP
      let attributes = 0
      if (toMagic === 1) {
        // DefaultRecordBatch: with LogAppendTime, every record's timestamp is maxTimestamp.
        timestamp = logAppendTime ? batch.maxTimestamp : batch.baseTimestamp + r.timestampDelta
        if (logAppendTime) attributes = LegacyAttributes.TIMESTAMP_TYPE
      }
      messages.push({ offset, magic: toMagic, attributes, timestamp, key: r.key, value: r.value })
    }
    if (messages.length === 0) continue
    parts.push(
      encodeLegacyMessageSet(messages, {
        compression: codec,
        timestampType,
        logAppendTimeMs: logAppendTime ? batch.maxTimestamp : undefined,
      }),
    )
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
}
