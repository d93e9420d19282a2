/**
 * Validates the `records` of one Produce partition (or a replica fetch, or a
 * coordinator write) and assigns offsets and the leader epoch: Kafka's
 * `LogValidator.validateMessagesAndAssignOffsets` together with the per-batch
 * checks of `UnifiedLog.analyzeAndValidateRecords` and
 * `ProduceRequest.validateRecords`.
 *
 * Paths, cheapest first:
 * - v2, leader (`client`/`coordinator`), codec kept: the hot path. The batch
 *   stays opaque (DESIGN.md principle 2): header and CRC-32C are checked, then
 *   baseOffset and partitionLeaderEpoch are overwritten in place (outside the
 *   CRC); with LogAppendTime the max timestamp and type are set too (inside
 *   the CRC, so it is recomputed, after the CRC was validated). Records are
 *   decoded only when the semantics need them: per-record timestamp limits
 *   (`message.timestamp.before/after.max.ms` set), keys on a compacted topic,
 *   or recompression.
 * - v2, leader, `compression.type` names another codec: decode, re-encode
 *   with that codec (`buildRecordsAndAssignOffsets`). Synchronous CPU work on
 *   the event loop; off the default path (`producer`).
 * - magic 0/1 (Produce v0-v2): decode, validate, up-convert to ONE v2 batch
 *   (`convertAndAssignOffsetsNonCompressed` / the compressed path).
 * - `replication` (`appendAsFollower`): offsets and epochs are the leader's;
 *   CRCs and offset monotonicity are checked, nothing is rewritten, and a
 *   partial batch at the end (a fetch cut at max bytes) is trimmed, as
 *   `UnifiedLog.trimInvalidBytes` does. No size limit (`ignoreRecordSize`).
 *
 * Errors are KafkaError with the code Kafka answers for that partition;
 * a DecodeError from a decoder becomes CORRUPT_MESSAGE. The input is not
 * modified unless validation succeeds.
 *
 * Deviations from Kafka (all deliberate):
 * - A client request whose bytes end in a partial batch is CORRUPT_MESSAGE;
 *   Kafka's `ByteBufferLogInputStream` silently drops the tail and appends
 *   the rest. A produce request never legitimately ends in a cut batch.
 * - On the in-place path the header's maxTimestamp is trusted unless the
 *   records were decoded anyway; Kafka recomputes it from the records
 *   (`assignOffsetsNonCompressed`, the compressed in-place path). It is CRC
 *   protected, so only a producer that writes a wrong one is affected, and
 *   only the time index suffers.
 * - Inner offset deltas of a compressed v2 batch are not checked (Kafka
 *   rebuilds the batch when they are not 0..n-1, for old v1 clients); record
 *   structure vs recordsCount is checked only when records are decoded.
 * - An unknown codec id (5-7) is UNSUPPORTED_COMPRESSION_TYPE (Kafka fails
 *   with IllegalArgumentException, i.e. UNKNOWN_SERVER_ERROR).
 */
import { DecodeError, EncodeError, isDecodeError } from '../protocol/codec-error.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError, isKafkaError } from '../protocol/kafka-error.js'
import {
  LEGACY_LOG_OVERHEAD,
  LEGACY_RECORD_OVERHEAD_V0,
  LegacyAttributes,
  decodeLegacyMessageSet,
} from '../protocol/records/legacy-message-set.js'
import type { LegacyMessage } from '../protocol/records/legacy-message-set.js'
import { legacyMessageSetToRecordBatch } from '../protocol/records/message-format-conversion.js'
import { BatchAttributes, CompressionType, NO_TIMESTAMP, TimestampType } from '../protocol/records/record.js'
import type { KafkaRecord, RecordBatch } from '../protocol/records/record.js'
import { HEADER_SIZE_UP_TO_MAGIC, MAGIC_V2, RecordBatchView, scanRecordBatches } from '../protocol/records/record-batch-header.js'
import { decodeRecordBatch, encodeRecordBatch } from '../protocol/records/record-batch.js'
import { LONG_MAX } from './log-config.js'
import type { LogConfig } from './log-config.js'

/**
 * Who is appending (Kafka's `AppendOrigin`): `client` gets every check,
 * `coordinator` (group/transaction coordinators writing their own topics)
 * skips the client-only ones (`LogValidator.validateBatch`), `replication`
 * is a follower appending the leader's batches as they are.
 */
export type AppendOrigin = 'client' | 'replication' | 'coordinator'

export interface ValidatedRecords {
  /** v2 batches, offsets and leader epoch assigned, ready to write. */
  records: Buffer
  firstOffset: number
  lastOffset: number
  maxTimestamp: number
  /**
   * Kafka's `shallowOffsetOfMaxTimestamp` (KAFKA-16310, Kafka 3.8+): the LAST
   * offset of the batch holding the max timestamp, -1 when no record has a
   * timestamp. The time index and ListOffsets(MAX_TIMESTAMP) scan that batch.
   */
  offsetOfMaxTimestamp: number
  /** -1 unless LogAppendTime. */
  logAppendTimeMs: number
  /** Views over `records`. */
  batches: RecordBatchView[]
}

export interface ValidateOptions {
  /** Offset of the first record (the log end offset); ignored for `replication`. */
  nextOffset: number
  /** Written into every batch; ignored for `replication`. */
  leaderEpoch: number
  config: LogConfig
  /** The broker's clock (Time.nowMs()): LogAppendTime and timestamp limits. */
  nowMs: number
  origin: AppendOrigin
  /** `topic-partition`, for Kafka's error messages that name it. */
  topicPartition?: string
}

const MAGIC_OFFSET = HEADER_SIZE_UP_TO_MAGIC - 1

/** `compression.type` as a codec; undefined for `producer` (keep the producer's). */
export function targetCompression(config: LogConfig): CompressionType | undefined {
  switch (config.compressionType) {
    case 'producer':
      return undefined
    case 'uncompressed':
      return CompressionType.None
    case 'gzip':
      return CompressionType.Gzip
    case 'snappy':
      return CompressionType.Snappy
    case 'lz4':
      return CompressionType.Lz4
    case 'zstd':
      return CompressionType.Zstd
  }
}

function fail(errorCode: number, message: string): never {
  throw new KafkaError(errorCode, { errorMessage: message })
}

/**
 * Validates `input` and, for a leader append, assigns offsets from
 * `nextOffset` and the leader epoch (in place on the hot path: `input` itself
 * is returned, modified). Throws KafkaError; see the file comment.
 */
export function validateAndAssignOffsets(input: Buffer, opts: ValidateOptions): ValidatedRecords {
  try {
    if (opts.origin === 'replication') return validateFollowerRecords(input)
    if (input.length === 0) fail(ErrorCode.INVALID_RECORD, 'produce request has no record batch for the partition')
    if (input.length < HEADER_SIZE_UP_TO_MAGIC) fail(ErrorCode.CORRUPT_MESSAGE, `truncated record batch: ${input.length} bytes`)
    const magic = input.readInt8(MAGIC_OFFSET)
    if (magic === MAGIC_V2) return validateV2(input, opts)
    if (magic === 0 || magic === 1) return validateLegacy(input, opts)
    return fail(ErrorCode.CORRUPT_MESSAGE, `unknown record batch magic ${magic}`)
  } catch (e) {
    throw asKafkaError(e)
  }
}

/** DecodeError -> CORRUPT_MESSAGE, EncodeError -> INVALID_RECORD; KafkaError and bugs pass through. */
function asKafkaError(e: unknown): unknown {
  if (isKafkaError(e)) return e
  if (isDecodeError(e)) return new KafkaError(ErrorCode.CORRUPT_MESSAGE, { errorMessage: (e as DecodeError).message, cause: e })
  if (e instanceof EncodeError) return new KafkaError(ErrorCode.INVALID_RECORD, { errorMessage: e.message, cause: e })
  return e
}

// ---------------------------------------------------------------- replication

/** `appendAsFollower`: check, never rewrite (`analyzeAndValidateRecords` with ignoreRecordSize). */
function validateFollowerRecords(input: Buffer): ValidatedRecords {
  const scan = scanRecordBatches(input, 0, input.length, true)
  let maxTimestamp = NO_TIMESTAMP
  let offsetOfMaxTimestamp = -1
  let lastOffset = -1
  for (const batch of scan.batches) {
    if (!batch.isValid()) fail(ErrorCode.CORRUPT_MESSAGE, `record batch at offset ${batch.baseOffset} is corrupt (stored crc ${batch.crc})`)
    const batchLast = batch.lastOffset
    if (lastOffset >= batchLast) {
      // Kafka: OffsetsOutOfOrderException, not an API error.
      fail(ErrorCode.UNKNOWN_SERVER_ERROR, `out of order offsets in replicated records: ${batchLast} after ${lastOffset}`)
    }
    lastOffset = batchLast
    const ts = batch.maxTimestamp
    if (ts > maxTimestamp) {
      maxTimestamp = ts
      offsetOfMaxTimestamp = batchLast
    }
  }
  const batches = scan.batches
  return {
    records: scan.validEnd === input.length ? input : input.subarray(0, scan.validEnd),
    firstOffset: batches.length > 0 ? batches[0]!.baseOffset : -1,
    lastOffset,
    maxTimestamp,
    offsetOfMaxTimestamp,
    logAppendTimeMs: NO_TIMESTAMP,
    batches,
  }
}

// ---------------------------------------------------------------- v2, leader

function validateV2(input: Buffer, opts: ValidateOptions): ValidatedRecords {
  const { config, origin, nowMs } = opts
  const scan = scanRecordBatches(input, 0, input.length, false)
  // ProduceRequest.validateRecords and LogValidator.getFirstBatchAndMaybeValidateNoMoreBatches:
  // magic 2 means exactly one batch per partition, for every leader append.
  if (scan.batches.length !== 1) {
    fail(ErrorCode.INVALID_RECORD, `a produce request may hold exactly one record batch per partition, not ${scan.batches.length}`)
  }
  const batch = scan.batches[0]!

  // UnifiedLog.analyzeAndValidateRecords: base offset, size, then CRC.
  if (origin === 'client' && input.readBigInt64BE(batch.offset) !== 0n) {
    fail(ErrorCode.INVALID_RECORD, `the baseOffset of a produced record batch must be 0, not ${input.readBigInt64BE(batch.offset)}`)
  }
  if (batch.sizeInBytes > config.maxMessageBytes) {
    fail(
      ErrorCode.MESSAGE_TOO_LARGE,
      `the record batch is ${batch.sizeInBytes} bytes, more than max.message.bytes ${config.maxMessageBytes}`,
    )
  }
  if (!batch.isValid()) fail(ErrorCode.CORRUPT_MESSAGE, `record batch is corrupt (stored crc ${batch.crc}, computed ${batch.computeCrc()})`)

  validateBatchHeader(batch, origin)
  const source = batchCompression(batch)
  const target = targetCompression(config) ?? source
  // "Do not compress control records unless they are written compressed."
  const rebuild = target !== source && !(batch.isControl && source === CompressionType.None)
  const logAppendTime = config.messageTimestampType === 'LogAppendTime'
  const batchLogAppendTime = batch.timestampType === TimestampType.LogAppendTime

  const needRecords = rebuild || isCompacted(config) || (!logAppendTime && !batchLogAppendTime && hasTimestampLimits(config))
  let decoded: RecordBatch | undefined
  let recordsMaxTimestamp = NO_TIMESTAMP
  if (needRecords) {
    decoded = decodeRecordBatch(batch.bytes)
    const errors = new RecordErrors()
    decoded.records.forEach((r, i) => {
      const ts = recordTimestamp(decoded!, r)
      errors.add(i, keyError(opts, r.key) ?? timestampError(config, nowMs, ts, batchLogAppendTime))
      if (ts > recordsMaxTimestamp) recordsMaxTimestamp = ts
    })
    errors.throwIfAny()
  } else if (batchLogAppendTime) {
    // Every record of a LogAppendTime batch carries maxTimestamp, so the
    // per-record check of LogValidator.validateTimestamp reduces to one.
    const error = timestampError(config, nowMs, batch.maxTimestamp, true)
    if (error !== null) fail(error.errorCode, error.message)
  }

  if (rebuild) return rebuildBatch(batch, decoded!, target, opts)

  // In place. Every check has passed: from here on the input is modified.
  const firstOffset = opts.nextOffset
  const lastOffset = firstOffset + batch.lastOffsetDelta
  batch.setBaseOffset(firstOffset)
  batch.setPartitionLeaderEpoch(opts.leaderEpoch)
  const maxTimestamp = logAppendTime ? nowMs : decoded !== undefined ? recordsMaxTimestamp : batch.maxTimestamp
  // Kafka sets the type and max timestamp on every in-place append; a no-op
  // (no CRC recomputation) unless they change.
  batch.setMaxTimestampAndType(logAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime, maxTimestamp)
  // assignOffsetsNonCompressed reports -1 without a timestamp; the compressed
  // in-place path always reports the last offset.
  const compressedPath = source !== CompressionType.None || target !== CompressionType.None
  return {
    records: input,
    firstOffset,
    lastOffset,
    maxTimestamp,
    offsetOfMaxTimestamp: logAppendTime || compressedPath || maxTimestamp !== NO_TIMESTAMP ? lastOffset : -1,
    logAppendTimeMs: logAppendTime ? nowMs : NO_TIMESTAMP,
    batches: [batch],
  }
}

/** LogValidator.validateBatch (client-only checks) plus what offset assignment needs. */
function validateBatchHeader(batch: RecordBatchView, origin: AppendOrigin): void {
  const lastOffsetDelta = batch.lastOffsetDelta
  if (origin === 'client') {
    const count = batch.recordsCount
    if (lastOffsetDelta < 0) fail(ErrorCode.INVALID_RECORD, `record batch has an invalid offset range: lastOffsetDelta ${lastOffsetDelta}`)
    if (count <= 0) fail(ErrorCode.INVALID_RECORD, `invalid reported count for record batch: ${count}`)
    if (count !== lastOffsetDelta + 1) {
      fail(ErrorCode.INVALID_RECORD, `inconsistent batch offset range [0, ${lastOffsetDelta}] and count of records ${count}`)
    }
    if (batch.isControl) fail(ErrorCode.INVALID_RECORD, 'clients are not allowed to write control records')
    if (batch.producerId >= 0 && batch.baseSequence < 0) {
      fail(ErrorCode.INVALID_RECORD, `invalid sequence number ${batch.baseSequence} in record batch with producerId ${batch.producerId}`)
    }
  } else if (lastOffsetDelta < 0) {
    fail(ErrorCode.INVALID_RECORD, `record batch has a negative lastOffsetDelta ${lastOffsetDelta}`)
  }
}

function batchCompression(batch: RecordBatchView): CompressionType {
  try {
    return batch.compression
  } catch (e) {
    if (isDecodeError(e)) fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, (e as Error).message)
    throw e
  }
}

/**
 * `buildRecordsAndAssignOffsets`: a new batch in the target codec, offsets
 * from nextOffset, producer fields and transactional bit kept.
 */
function rebuildBatch(source: RecordBatchView, decoded: RecordBatch, target: CompressionType, opts: ValidateOptions): ValidatedRecords {
  const { config, nowMs } = opts
  const logAppendTime = config.messageTimestampType === 'LogAppendTime'
  const timestamps = decoded.records.map((r) => recordTimestamp(decoded, r))
  const baseTimestamp = timestamps.length > 0 ? timestamps[0]! : decoded.baseTimestamp
  let maxTimestamp = NO_TIMESTAMP
  for (const ts of timestamps) if (ts > maxTimestamp) maxTimestamp = ts
  if (logAppendTime) maxTimestamp = nowMs
  const records: KafkaRecord[] = decoded.records.map((r, i) => ({ ...r, offsetDelta: i, timestampDelta: timestamps[i]! - baseTimestamp }))
  const kept = decoded.attributes & (BatchAttributes.TRANSACTIONAL | BatchAttributes.CONTROL)
  const buf = encodeRecordBatch({
    baseOffset: opts.nextOffset,
    partitionLeaderEpoch: opts.leaderEpoch,
    attributes: target | kept | (logAppendTime ? BatchAttributes.TIMESTAMP_TYPE : 0),
    lastOffsetDelta: records.length - 1,
    baseTimestamp,
    maxTimestamp,
    producerId: source.producerId,
    producerEpoch: source.producerEpoch,
    baseSequence: source.baseSequence,
    records,
  })
  return rebuiltResult(buf, opts, logAppendTime)
}

/** Result for a batch built here (rebuild, legacy conversion): `MemoryRecordsBuilder.info()` for v2. */
function rebuiltResult(buf: Buffer, opts: ValidateOptions, logAppendTime: boolean): ValidatedRecords {
  const batch = new RecordBatchView(buf, 0)
  // UnifiedLog.append re-checks the size when validation may have changed it.
  if (batch.sizeInBytes > opts.config.maxMessageBytes) {
    fail(
      ErrorCode.MESSAGE_TOO_LARGE,
      `the record batch is ${batch.sizeInBytes} bytes after conversion, more than max.message.bytes ${opts.config.maxMessageBytes}`,
    )
  }
  const maxTimestamp = batch.maxTimestamp
  const lastOffset = batch.lastOffset
  return {
    records: buf,
    firstOffset: batch.baseOffset,
    lastOffset,
    maxTimestamp,
    offsetOfMaxTimestamp: logAppendTime || maxTimestamp !== NO_TIMESTAMP ? lastOffset : -1,
    logAppendTimeMs: logAppendTime ? opts.nowMs : NO_TIMESTAMP,
    batches: [batch],
  }
}

// ---------------------------------------------------------------- magic 0/1

function validateLegacy(input: Buffer, opts: ValidateOptions): ValidatedRecords {
  const { config, nowMs } = opts
  checkLegacyShallowMessages(input, config)
  const set = decodeLegacyMessageSet(input)
  if (set.partialTailBytes > 0) fail(ErrorCode.CORRUPT_MESSAGE, `message set ends in a partial message of ${set.partialTailBytes} bytes`)
  if (set.entries.length === 0) fail(ErrorCode.INVALID_RECORD, 'message set holds no messages')

  const errors = new RecordErrors()
  set.messages.forEach((m, i) => {
    const batchLogAppendTime = m.magic === 1 && (m.attributes & LegacyAttributes.TIMESTAMP_TYPE) !== 0
    errors.add(i, keyError(opts, m.key) ?? timestampError(config, nowMs, legacyTimestamp(m), batchLogAppendTime))
  })
  errors.throwIfAny()

  const logAppendTime = config.messageTimestampType === 'LogAppendTime'
  const batch = legacyMessageSetToRecordBatch(set, {
    baseOffset: opts.nextOffset,
    timestampType: logAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    logAppendTimeMs: nowMs,
    compression: targetCompression(config),
    partitionLeaderEpoch: opts.leaderEpoch,
  })
  return rebuiltResult(encodeRecordBatch(batch), opts, logAppendTime)
}

function legacyTimestamp(m: LegacyMessage): number {
  return m.magic === 0 ? NO_TIMESTAMP : m.timestamp
}

/**
 * Walks the shallow messages by their size fields only, before anything is
 * decoded, so the checks come in Kafka's order (`analyzeAndValidateRecords`:
 * size before CRC). Framing errors are left to the decoder.
 */
function checkLegacyShallowMessages(input: Buffer, config: LogConfig): void {
  let pos = 0
  while (input.length - pos >= LEGACY_LOG_OVERHEAD) {
    const size = input.readInt32BE(pos + 8)
    if (size < LEGACY_RECORD_OVERHEAD_V0 || size > input.length - pos - LEGACY_LOG_OVERHEAD) return
    const total = LEGACY_LOG_OVERHEAD + size
    if (total > config.maxMessageBytes) {
      fail(ErrorCode.MESSAGE_TOO_LARGE, `a message is ${total} bytes, more than max.message.bytes ${config.maxMessageBytes}`)
    }
    // The attributes byte follows offset, size, crc and magic.
    if ((input[pos + LEGACY_LOG_OVERHEAD + 5]! & LegacyAttributes.COMPRESSION_MASK) === CompressionType.Zstd) {
      fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd compression needs message format v2 (Produce v7+)')
    }
    pos += total
  }
}

// ---------------------------------------------------------------- per-record checks

function isCompacted(config: LogConfig): boolean {
  return config.cleanupPolicy.includes('compact')
}

function hasTimestampLimits(config: LogConfig): boolean {
  return config.messageTimestampBeforeMaxMs < LONG_MAX || config.messageTimestampAfterMaxMs < LONG_MAX
}

/** A record's timestamp as Kafka's `DefaultRecord.timestamp()` reports it. */
function recordTimestamp(batch: RecordBatch, r: KafkaRecord): number {
  return batch.attributes & BatchAttributes.TIMESTAMP_TYPE ? batch.maxTimestamp : batch.baseTimestamp + r.timestampDelta
}

/**
 * LogValidator.validateKey: a compacted topic needs keys, since the cleaner
 * keeps the latest record per key and would have nothing to keep a keyless
 * one by. Kafka's message, word for word.
 */
function keyError(opts: ValidateOptions, key: Buffer | null): RecordError | null {
  if (key === null && isCompacted(opts.config)) {
    return { errorCode: ErrorCode.INVALID_RECORD, message: `Compacted topic cannot accept message without key in topic partition ${opts.topicPartition ?? 'unknown'}.` }
  }
  return null
}

/**
 * LogValidator.validateTimestamp (KIP-937 limits): with CreateTime, a record
 * timestamp outside [now - before.max.ms, now + after.max.ms]; otherwise a
 * producer claiming LogAppendTime.
 */
function timestampError(config: LogConfig, nowMs: number, ts: number, batchLogAppendTime: boolean): RecordError | null {
  if (config.messageTimestampType === 'CreateTime' && ts !== NO_TIMESTAMP) {
    const diff = nowMs - ts
    if (diff > config.messageTimestampBeforeMaxMs || -diff > config.messageTimestampAfterMaxMs) {
      const low = config.messageTimestampBeforeMaxMs >= LONG_MAX ? '-inf' : String(nowMs - config.messageTimestampBeforeMaxMs)
      const high = config.messageTimestampAfterMaxMs >= LONG_MAX ? '+inf' : String(nowMs + config.messageTimestampAfterMaxMs)
      return { errorCode: ErrorCode.INVALID_TIMESTAMP, message: `timestamp ${ts} is out of range [${low}, ${high}]` }
    }
  } else if (batchLogAppendTime) {
    return { errorCode: ErrorCode.INVALID_TIMESTAMP, message: 'producer should not set timestamp type to LogAppendTime' }
  }
  return null
}

interface RecordError {
  errorCode: number
  message: string
}

/**
 * LogValidator.processRecordErrors: all records are checked; any timestamp
 * error makes it INVALID_TIMESTAMP, else INVALID_RECORD with Kafka's
 * message (`RecordValidationException`), which names at most the first
 * three records as `RecordError(batchIndex=i, message='...')`.
 */
class RecordErrors {
  readonly #errors: Array<RecordError & { index: number }> = []

  add(index: number, error: RecordError | null): void {
    if (error !== null) this.#errors.push({ ...error, index })
  }

  throwIfAny(): void {
    const errors = this.#errors
    if (errors.length === 0) return
    if (errors.some((e) => e.errorCode === ErrorCode.INVALID_TIMESTAMP)) {
      const shown = errors.slice(0, 3).map((e) => `record ${e.index}: ${e.message}`).join('; ')
      fail(ErrorCode.INVALID_TIMESTAMP, `${errors.length} record(s) rejected: ${shown}`)
    }
    const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.index}, message='${e.message}')`).join(', ')
    fail(
      ErrorCode.INVALID_RECORD,
      `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown}]`,
    )
  }
}
