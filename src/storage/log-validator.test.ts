import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../protocol/error-codes.js'
import { isKafkaError } from '../protocol/kafka-error.js'
import { buildControlBatch } from '../protocol/records/control-record.js'
import { encodeLegacyMessageSet, LegacyAttributes } from '../protocol/records/legacy-message-set.js'
import type { LegacyMessage } from '../protocol/records/legacy-message-set.js'
import {
  BatchAttributes,
  CompressionType,
  ControlRecordType,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  TimestampType,
} from '../protocol/records/record.js'
import type { KafkaRecord } from '../protocol/records/record.js'
import { BatchField, RecordBatchView } from '../protocol/records/record-batch-header.js'
import { decodeRecordBatch, encodeRecordBatch } from '../protocol/records/record-batch.js'
import { DEFAULT_LOG_CONFIG } from './log-config.js'
import type { LogConfig } from './log-config.js'
import { validateAndAssignOffsets } from './log-validator.js'
import type { AppendOrigin, ValidatedRecords } from './log-validator.js'

const NOW = 1_700_000_000_000

interface BatchSpec {
  count?: number
  compression?: CompressionType
  attributes?: number
  baseOffset?: number
  baseTimestamp?: number
  /** Per-record timestamp deltas (default 0, 1, 2, ...). */
  deltas?: number[]
  keys?: (string | null)[]
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
}

function v2(spec: BatchSpec = {}): Buffer {
  const count = spec.deltas?.length ?? spec.count ?? 3
  const baseTimestamp = spec.baseTimestamp ?? NOW - 10
  const records: KafkaRecord[] = []
  let maxTimestamp = NO_TIMESTAMP
  for (let i = 0; i < count; i++) {
    const delta = spec.deltas?.[i] ?? i
    maxTimestamp = Math.max(maxTimestamp, baseTimestamp + delta)
    const key = spec.keys?.[i] === undefined ? `key-${i}` : spec.keys[i]
    records.push({
      attributes: 0,
      timestampDelta: delta,
      offsetDelta: i,
      key: key === null ? null : Buffer.from(key),
      value: Buffer.from(`value-${i}`),
      headers: [],
    })
  }
  return encodeRecordBatch({
    baseOffset: spec.baseOffset ?? 0,
    partitionLeaderEpoch: -1,
    attributes: (spec.compression ?? CompressionType.None) | (spec.attributes ?? 0),
    lastOffsetDelta: count - 1,
    baseTimestamp,
    maxTimestamp,
    producerId: spec.producerId ?? NO_PRODUCER_ID,
    producerEpoch: spec.producerEpoch ?? NO_PRODUCER_EPOCH,
    baseSequence: spec.baseSequence ?? NO_SEQUENCE,
    records,
  })
}

/** Patches a header field and recomputes the CRC, so only the patched field is wrong. */
function patch(buf: Buffer, edit: (b: Buffer) => void): Buffer {
  edit(buf)
  const view = new RecordBatchView(buf, 0)
  buf.writeUInt32BE(view.computeCrc(), BatchField.CRC)
  return buf
}

function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides }
}

function validate(input: Buffer, o: { nextOffset?: number; leaderEpoch?: number; config?: LogConfig; origin?: AppendOrigin } = {}): ValidatedRecords {
  return validateAndAssignOffsets(input, {
    nextOffset: o.nextOffset ?? 100,
    leaderEpoch: o.leaderEpoch ?? 7,
    config: o.config ?? DEFAULT_LOG_CONFIG,
    nowMs: NOW,
    origin: o.origin ?? 'client',
  })
}

function assertKafkaError(fn: () => unknown, errorCode: number, pattern?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isKafkaError(e), `expected a KafkaError, got ${String(e)}`)
    assert.equal(e.errorCode, errorCode, e.message)
    if (pattern) assert.match(e.message, pattern)
    return true
  })
}

/** Asserts validation fails with `errorCode` and leaves the input byte for byte as it was. */
function assertRejectedUntouched(input: Buffer, errorCode: number, o: Parameters<typeof validate>[1] = {}): void {
  const before = Buffer.from(input)
  assertKafkaError(() => validate(input, o), errorCode)
  assert.deepEqual(input, before)
}

// ---------------------------------------------------------------- v2 hot path

test('v2: a valid batch gets consecutive offsets and the leader epoch in place, CRC still valid', () => {
  const input = v2({ count: 3 })
  const recordsBefore = Buffer.from(new RecordBatchView(input).recordsBytes)
  const crcBefore = new RecordBatchView(input).crc
  const r = validate(input, { nextOffset: 100, leaderEpoch: 7 })
  assert.equal(r.records, input, 'no copy on the hot path')
  assert.equal(r.firstOffset, 100)
  assert.equal(r.lastOffset, 102)
  assert.equal(r.batches.length, 1)
  const view = r.batches[0]!
  assert.equal(view.baseOffset, 100)
  assert.equal(view.lastOffset, 102)
  assert.equal(view.partitionLeaderEpoch, 7)
  assert.equal(view.crc, crcBefore, 'only fields outside the CRC changed')
  assert.ok(view.isValid())
  assert.deepEqual(view.recordsBytes, recordsBefore)
  assert.equal(r.maxTimestamp, NOW - 10 + 2)
  assert.equal(r.offsetOfMaxTimestamp, 102, 'the last offset of the batch with the max timestamp (KAFKA-16310)')
  assert.equal(r.logAppendTimeMs, -1)
  const decoded = decodeRecordBatch(r.records)
  assert.deepEqual(decoded.records.map((x) => x.value?.toString()), ['value-0', 'value-1', 'value-2'])
})

test('v2: a compressed batch keeps its compressed bytes', () => {
  const input = v2({ count: 5, compression: CompressionType.Gzip })
  const recordsBefore = Buffer.from(new RecordBatchView(input).recordsBytes)
  const r = validate(input, { nextOffset: 0, leaderEpoch: 0 })
  assert.equal(r.firstOffset, 0)
  assert.equal(r.lastOffset, 4)
  assert.deepEqual(r.batches[0]!.recordsBytes, recordsBefore)
  assert.ok(r.batches[0]!.isValid())
  assert.equal(r.batches[0]!.compression, CompressionType.Gzip)
})

test('v2: two batches in one partition of a produce request are INVALID_RECORD', () => {
  assertRejectedUntouched(Buffer.concat([v2(), v2()]), ErrorCode.INVALID_RECORD)
  // Kafka checks this for coordinator appends too (getFirstBatchAndMaybeValidateNoMoreBatches).
  assertRejectedUntouched(Buffer.concat([v2(), v2()]), ErrorCode.INVALID_RECORD, { origin: 'coordinator' })
})

test('v2: a CRC mismatch is CORRUPT_MESSAGE and the input is untouched', () => {
  const input = v2()
  input[input.length - 1]! ^= 0xff
  assertRejectedUntouched(input, ErrorCode.CORRUPT_MESSAGE)
  // Also with LogAppendTime, which must not give a corrupt batch a fresh CRC.
  assertRejectedUntouched(input, ErrorCode.CORRUPT_MESSAGE, { config: config({ messageTimestampType: 'LogAppendTime' }) })
})

test('v2: a batch above max.message.bytes is MESSAGE_TOO_LARGE', () => {
  const input = v2({ count: 10 })
  const size = input.length
  assertRejectedUntouched(input, ErrorCode.MESSAGE_TOO_LARGE, { config: config({ maxMessageBytes: size - 1 }) })
  assert.equal(validate(input, { config: config({ maxMessageBytes: size }) }).lastOffset, 109)
})

test('v2: truncated input is CORRUPT_MESSAGE, empty input INVALID_RECORD', () => {
  const input = v2()
  assertRejectedUntouched(input.subarray(0, input.length - 1), ErrorCode.CORRUPT_MESSAGE)
  assertRejectedUntouched(input.subarray(0, 10), ErrorCode.CORRUPT_MESSAGE)
  assertRejectedUntouched(Buffer.concat([input, Buffer.alloc(5)]), ErrorCode.CORRUPT_MESSAGE)
  assertKafkaError(() => validate(Buffer.alloc(0)), ErrorCode.INVALID_RECORD)
})

test('v2: a client batch must have baseOffset 0 (UnifiedLog.analyzeAndValidateRecords)', () => {
  assertRejectedUntouched(v2({ baseOffset: 5 }), ErrorCode.INVALID_RECORD)
  assert.equal(validate(v2({ baseOffset: 5 }), { origin: 'coordinator' }).firstOffset, 100)
})

test('v2: recordsCount must agree with lastOffsetDelta (LogValidator.validateBatch)', () => {
  const input = patch(v2({ count: 3 }), (b) => b.writeInt32BE(4, BatchField.RECORDS_COUNT))
  assertRejectedUntouched(input, ErrorCode.INVALID_RECORD, {})
  const empty = patch(v2({ count: 1 }), (b) => b.writeInt32BE(0, BatchField.RECORDS_COUNT))
  assertRejectedUntouched(empty, ErrorCode.INVALID_RECORD)
})

test('v2: an unknown codec id is UNSUPPORTED_COMPRESSION_TYPE', () => {
  const input = patch(v2(), (b) => b.writeInt16BE(6, BatchField.ATTRIBUTES))
  assertRejectedUntouched(input, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
})

test('v2: an idempotent batch without a base sequence is INVALID_RECORD', () => {
  assertRejectedUntouched(v2({ producerId: 1, producerEpoch: 0, baseSequence: -1 }), ErrorCode.INVALID_RECORD)
  assert.equal(validate(v2({ producerId: 1, producerEpoch: 0, baseSequence: 0 })).firstOffset, 100)
})

test('v2: control batches are rejected from clients, accepted from coordinators', () => {
  const control = encodeRecordBatch(
    buildControlBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 3, producerId: 9, producerEpoch: 1, timestampMs: NOW }),
  )
  assertRejectedUntouched(control, ErrorCode.INVALID_RECORD)
  const r = validate(control, { origin: 'coordinator', nextOffset: 40, config: config({ compressionType: 'gzip' }) })
  assert.equal(r.firstOffset, 40)
  assert.ok(r.batches[0]!.isControl)
  assert.equal(r.batches[0]!.compression, CompressionType.None, 'uncompressed control batches are never recompressed')
})

// ---------------------------------------------------------------- timestamps

test('LogAppendTime: max timestamp and type are set, CRC recomputed and valid', () => {
  const input = v2({ count: 4 })
  const r = validate(input, { config: config({ messageTimestampType: 'LogAppendTime' }), nextOffset: 10 })
  const view = r.batches[0]!
  assert.equal(view.timestampType, TimestampType.LogAppendTime)
  assert.equal(view.maxTimestamp, NOW)
  assert.ok(view.isValid())
  assert.equal(r.maxTimestamp, NOW)
  assert.equal(r.logAppendTimeMs, NOW)
  assert.equal(r.offsetOfMaxTimestamp, 13)
})

test('a producer may not claim LogAppendTime (LogValidator.validateTimestamp)', () => {
  const lat = () => patch(v2(), (b) => b.writeInt16BE(BatchAttributes.TIMESTAMP_TYPE, BatchField.ATTRIBUTES))
  assertRejectedUntouched(lat(), ErrorCode.INVALID_TIMESTAMP, { config: config({ messageTimestampType: 'LogAppendTime' }) })
  // With CreateTime the records carry maxTimestamp, which is checked, and the type is reset.
  const r = validate(lat())
  assert.equal(r.batches[0]!.timestampType, TimestampType.CreateTime)
  assert.ok(r.batches[0]!.isValid())
  const noTimestamp = patch(lat(), (b) => b.writeBigInt64BE(-1n, BatchField.MAX_TIMESTAMP))
  assertRejectedUntouched(noTimestamp, ErrorCode.INVALID_TIMESTAMP)
})

test('CreateTime limits are checked per record, not only at the batch bounds', () => {
  const limits = config({ messageTimestampBeforeMaxMs: 1000, messageTimestampAfterMaxMs: 500 })
  // Base and max timestamps in range, the middle record 5 s too old.
  const oldInMiddle = v2({ baseTimestamp: NOW - 100, deltas: [0, -5000, 50] })
  assertRejectedUntouched(oldInMiddle, ErrorCode.INVALID_TIMESTAMP, { config: limits })
  assertRejectedUntouched(v2({ baseTimestamp: NOW + 501, deltas: [0] }), ErrorCode.INVALID_TIMESTAMP, { config: limits })
  assertRejectedUntouched(v2({ baseTimestamp: NOW - 1001, deltas: [0] }), ErrorCode.INVALID_TIMESTAMP, { config: limits })
  // Compressed records are checked too.
  assertRejectedUntouched(v2({ baseTimestamp: NOW - 100, deltas: [0, -5000], compression: CompressionType.Lz4 }), ErrorCode.INVALID_TIMESTAMP, {
    config: limits,
  })
  const ok = validate(v2({ baseTimestamp: NOW - 1000, deltas: [0, 1500, 10] }), { config: limits })
  assert.equal(ok.maxTimestamp, NOW + 500)
  // Without limits (the default, Long.MAX_VALUE) nothing is checked.
  assert.equal(validate(v2({ baseTimestamp: 0, deltas: [0] })).lastOffset, 100)
  // LogAppendTime topics ignore producer timestamps.
  assert.equal(validate(v2({ baseTimestamp: 0, deltas: [0] }), { config: config({ ...limits, messageTimestampType: 'LogAppendTime' }) }).maxTimestamp, NOW)
})

test('a compacted topic rejects records without a key: INVALID_RECORD with Kafka\'s message, nothing modified', () => {
  for (const cleanupPolicy of [['compact'], ['compact', 'delete']] as const) {
    const compacted = config({ cleanupPolicy })
    const input = v2({ count: 4, keys: ['a', null, 'c', null] })
    const before = Buffer.from(input)
    assert.throws(
      () => validateAndAssignOffsets(input, { nextOffset: 100, leaderEpoch: 7, config: compacted, nowMs: NOW, origin: 'client', topicPartition: 'orders-3' }),
      (e: unknown) => {
        assert.ok(isKafkaError(e))
        assert.equal(e.errorCode, 87)
        assert.equal(e.errorCode, ErrorCode.INVALID_RECORD)
        assert.equal(
          e.errorMessage,
          'One or more records have been rejected due to 2 record errors in total, and only showing the first three errors at most: ' +
            "[RecordError(batchIndex=1, message='Compacted topic cannot accept message without key in topic partition orders-3.'), " +
            "RecordError(batchIndex=3, message='Compacted topic cannot accept message without key in topic partition orders-3.')]",
        )
        return true
      },
    )
    assert.deepEqual(input, before, 'the batch is not touched')
    // Compressed and legacy (magic 0/1; the second message has no key) records are checked too.
    assertRejectedUntouched(v2({ keys: [null], compression: CompressionType.Gzip }), ErrorCode.INVALID_RECORD, { config: compacted })
    assertRejectedUntouched(encodeLegacyMessageSet(legacyMessages(1, 2)), ErrorCode.INVALID_RECORD, { config: compacted })
    assert.equal(validate(v2({ keys: ['a', 'b', 'c'] }), { config: compacted }).lastOffset, 102)
  }
  // A topic that only deletes takes keyless records.
  assert.equal(validate(v2({ count: 2, keys: [null, null] })).lastOffset, 101)
})

// ---------------------------------------------------------------- recompression

test('compression.type other than producer recompresses to that codec', () => {
  const input = v2({ count: 4, producerId: 5, producerEpoch: 2, baseSequence: 10, attributes: BatchAttributes.TRANSACTIONAL })
  const before = Buffer.from(input)
  const r = validate(input, { config: config({ compressionType: 'gzip' }), nextOffset: 50, leaderEpoch: 3 })
  assert.deepEqual(input, before, 'the input is not modified when rebuilt')
  const view = r.batches[0]!
  assert.equal(view.compression, CompressionType.Gzip)
  assert.equal(view.baseOffset, 50)
  assert.equal(view.lastOffset, 53)
  assert.equal(view.partitionLeaderEpoch, 3)
  assert.equal(view.producerId, 5)
  assert.equal(view.baseSequence, 10)
  assert.ok(view.isTransactional)
  assert.ok(view.isValid())
  const decoded = decodeRecordBatch(r.records)
  const original = decodeRecordBatch(before)
  assert.deepEqual(
    decoded.records.map((x) => [x.key?.toString(), x.value?.toString(), decoded.baseTimestamp + x.timestampDelta]),
    original.records.map((x) => [x.key?.toString(), x.value?.toString(), original.baseTimestamp + x.timestampDelta]),
  )
  assert.equal(r.maxTimestamp, original.maxTimestamp)
  assert.equal(r.offsetOfMaxTimestamp, 53)

  const back = validate(r.records.subarray(0), { config: config({ compressionType: 'uncompressed' }), origin: 'coordinator', nextOffset: 0 })
  assert.equal(back.batches[0]!.compression, CompressionType.None)
})

// ---------------------------------------------------------------- legacy

function legacyMessages(magic: 0 | 1, n: number, attributes = 0): LegacyMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    offset: i,
    magic,
    attributes,
    timestamp: magic === 1 ? NOW - 100 + i * 10 : NO_TIMESTAMP,
    key: i === 1 ? null : Buffer.from(`k${i}`),
    value: Buffer.from(`v${i}`),
  }))
}

for (const magic of [0, 1] as const) {
  for (const codec of [CompressionType.None, CompressionType.Gzip]) {
    test(`legacy magic ${magic} ${codec === CompressionType.None ? 'uncompressed' : 'gzip'} becomes one valid v2 batch`, () => {
      const input = encodeLegacyMessageSet(legacyMessages(magic, 3), { compression: codec })
      const r = validate(input, { nextOffset: 1000, leaderEpoch: 4 })
      assert.equal(r.batches.length, 1)
      const view = r.batches[0]!
      assert.equal(view.magic, 2)
      assert.ok(view.isValid())
      assert.equal(view.compression, codec)
      assert.equal(view.partitionLeaderEpoch, 4)
      assert.equal(view.producerId, NO_PRODUCER_ID)
      assert.equal(r.firstOffset, 1000)
      assert.equal(r.lastOffset, 1002)
      assert.equal(view.baseOffset, 1000)
      const batch = decodeRecordBatch(r.records)
      assert.deepEqual(batch.records.map((x) => x.offsetDelta), [0, 1, 2])
      assert.deepEqual(batch.records.map((x) => x.key?.toString() ?? null), ['k0', null, 'k2'])
      assert.deepEqual(batch.records.map((x) => x.value?.toString()), ['v0', 'v1', 'v2'])
      const timestamps = batch.records.map((x) => batch.baseTimestamp + x.timestampDelta)
      if (magic === 0) {
        assert.deepEqual(timestamps, [-1, -1, -1])
        assert.equal(r.maxTimestamp, NO_TIMESTAMP)
        assert.equal(r.offsetOfMaxTimestamp, -1)
      } else {
        assert.deepEqual(timestamps, [NOW - 100, NOW - 90, NOW - 80])
        assert.equal(r.maxTimestamp, NOW - 80)
        assert.equal(r.offsetOfMaxTimestamp, 1002)
      }
      assert.equal(r.logAppendTimeMs, -1)
    })
  }
}

test('legacy: LogAppendTime and recompression apply to the converted batch', () => {
  const input = encodeLegacyMessageSet(legacyMessages(1, 2))
  const r = validate(input, { config: config({ messageTimestampType: 'LogAppendTime', compressionType: 'lz4' }), nextOffset: 7 })
  const view = r.batches[0]!
  assert.equal(view.timestampType, TimestampType.LogAppendTime)
  assert.equal(view.maxTimestamp, NOW)
  assert.equal(view.compression, CompressionType.Lz4)
  assert.equal(r.logAppendTimeMs, NOW)
  assert.equal(r.offsetOfMaxTimestamp, 8)
})

test('legacy: corrupt CRC, size, mixed magic, LogAppendTime from the producer, timestamp limits', () => {
  const corrupt = encodeLegacyMessageSet(legacyMessages(1, 2))
  corrupt[corrupt.length - 1]! ^= 1
  assertRejectedUntouched(corrupt, ErrorCode.CORRUPT_MESSAGE)

  const big = encodeLegacyMessageSet(legacyMessages(0, 1))
  assertRejectedUntouched(big, ErrorCode.MESSAGE_TOO_LARGE, { config: config({ maxMessageBytes: big.length - 1 }) })
  const bigGzip = encodeLegacyMessageSet(legacyMessages(1, 50), { compression: CompressionType.Gzip })
  assertRejectedUntouched(bigGzip, ErrorCode.MESSAGE_TOO_LARGE, { config: config({ maxMessageBytes: 200 }) })

  const mixed = Buffer.concat([encodeLegacyMessageSet(legacyMessages(0, 1)), encodeLegacyMessageSet(legacyMessages(1, 1))])
  assertRejectedUntouched(mixed, ErrorCode.INVALID_RECORD)

  const lat = encodeLegacyMessageSet(legacyMessages(1, 1, LegacyAttributes.TIMESTAMP_TYPE))
  assertRejectedUntouched(lat, ErrorCode.INVALID_TIMESTAMP, { config: config({ messageTimestampType: 'LogAppendTime' }) })

  const old = encodeLegacyMessageSet(legacyMessages(1, 3))
  assertRejectedUntouched(old, ErrorCode.INVALID_TIMESTAMP, { config: config({ messageTimestampBeforeMaxMs: 50 }) })
  // Magic 0 has no timestamps to check.
  assert.equal(validate(encodeLegacyMessageSet(legacyMessages(0, 3)), { config: config({ messageTimestampBeforeMaxMs: 50 }) }).lastOffset, 102)

  const compressedTwice = Buffer.concat([
    encodeLegacyMessageSet(legacyMessages(1, 2), { compression: CompressionType.Gzip }),
    encodeLegacyMessageSet(legacyMessages(1, 2), { compression: CompressionType.Gzip }),
  ])
  assertRejectedUntouched(compressedTwice, ErrorCode.INVALID_RECORD)
})

// ---------------------------------------------------------------- replication

test('replication keeps the leader offsets and epochs, checks CRCs and trims a partial tail', () => {
  const a = patch(v2({ count: 2, baseOffset: 10 }), (b) => b.writeInt32BE(3, BatchField.PARTITION_LEADER_EPOCH))
  const b = v2({ count: 3, baseOffset: 12, compression: CompressionType.Snappy })
  const partial = v2({ count: 1, baseOffset: 15 }).subarray(0, 30)
  const input = Buffer.concat([a, b, partial])
  const before = Buffer.from(input)
  const r = validate(input, { origin: 'replication', nextOffset: 999, leaderEpoch: 99, config: config({ maxMessageBytes: 10 }) })
  assert.deepEqual(input, before, 'nothing is rewritten')
  assert.equal(r.records.length, a.length + b.length)
  assert.equal(r.firstOffset, 10)
  assert.equal(r.lastOffset, 14)
  assert.equal(r.batches.length, 2)
  assert.equal(r.batches[0]!.partitionLeaderEpoch, 3)
  assert.equal(r.offsetOfMaxTimestamp, 14)

  const corrupt = Buffer.concat([a, b])
  corrupt[a.length + 70]! ^= 1
  assertKafkaError(() => validate(corrupt, { origin: 'replication' }), ErrorCode.CORRUPT_MESSAGE)
  assertKafkaError(() => validate(Buffer.concat([b, a]), { origin: 'replication' }), ErrorCode.UNKNOWN_SERVER_ERROR, /out of order/)
  assert.equal(validate(Buffer.alloc(0), { origin: 'replication' }).batches.length, 0)
})
