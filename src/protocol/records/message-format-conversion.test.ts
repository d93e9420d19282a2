import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../error-codes.js'
import { isKafkaError } from '../kafka-error.js'
import { buildControlBatch } from './control-record.js'
import { decodeLegacyMessageSet, encodeLegacyMessageSet, LegacyAttributes } from './legacy-message-set.js'
import type { LegacyMessage } from './legacy-message-set.js'
import {
  legacyMessageSetToRecordBatch,
  recordBatchesToLegacyMessageSet,
} from './message-format-conversion.js'
import { decodeRecordBatch, encodeRecordBatch } from './record-batch.js'
import {
  BatchAttributes,
  CompressionType,
  ControlRecordType,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  TimestampType,
} from './record.js'
import type { KafkaRecord, RecordBatch } from './record.js'

function legacy(offsets: number[], magic: 0 | 1): LegacyMessage[] {
  return offsets.map((offset, i) => ({
    offset,
    magic,
    attributes: 0,
    timestamp: magic === 1 ? 1_700_000_000_000 + ((i * 7919) % 1000) : NO_TIMESTAMP,
    key: i % 3 === 1 ? null : Buffer.from(`key-${i}`),
    value: i % 4 === 2 ? null : Buffer.from(`value-${i}`),
  }))
}

function batch(baseOffset: number, records: Partial<KafkaRecord>[], over: Partial<RecordBatch> = {}): RecordBatch {
  return {
    baseOffset,
    partitionLeaderEpoch: 3,
    attributes: 0,
    lastOffsetDelta: records.length - 1,
    baseTimestamp: 5000,
    maxTimestamp: 5000 + records.length,
    producerId: NO_PRODUCER_ID,
    producerEpoch: -1,
    baseSequence: NO_SEQUENCE,
    records: records.map((r, i) => ({
      attributes: 0,
      timestampDelta: i,
      offsetDelta: i,
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`v${i}`),
      headers: [{ key: 'h', value: Buffer.from('x') }],
      ...r,
    })),
    ...over,
  }
}

/** Through the bytes: v2 encode then decode, as the log would store and read it. */
const viaBytes = (b: RecordBatch) => decodeRecordBatch(encodeRecordBatch(b))

test('v1 -> v2 -> v1 keeps keys, values, timestamps and offsets, for each codec', () => {
  for (const codec of [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4]) {
    const messages = legacy([40, 41, 42, 43, 44], 1)
    const set = decodeLegacyMessageSet(encodeLegacyMessageSet(messages, { compression: codec }))
    const v2 = viaBytes(legacyMessageSetToRecordBatch(set, { baseOffset: 40 }))
    assert.equal(v2.attributes & BatchAttributes.COMPRESSION_MASK, codec, 'producer codec kept')
    assert.equal(v2.records.length, 5)
    const back = decodeLegacyMessageSet(recordBatchesToLegacyMessageSet([v2], 1))
    assert.deepEqual(back.messages, messages, `codec ${codec}`)
    assert.equal(back.entries.length, codec === CompressionType.None ? 5 : 1)
  }
})

test('up-conversion assigns offsets from baseOffset and builds one batch (LogValidator)', () => {
  // An old producer's offsets are ignored: uncompressed -1s here.
  const set = decodeLegacyMessageSet(encodeLegacyMessageSet(legacy([-1, -1, -1], 1)))
  const b = legacyMessageSetToRecordBatch(set, { baseOffset: 1000, partitionLeaderEpoch: 7 })
  assert.equal(b.baseOffset, 1000)
  assert.equal(b.lastOffsetDelta, 2)
  assert.deepEqual(b.records.map((r) => r.offsetDelta), [0, 1, 2])
  assert.equal(b.partitionLeaderEpoch, 7)
  assert.equal(b.producerId, NO_PRODUCER_ID)
  assert.equal(b.baseSequence, NO_SEQUENCE)
  assert.equal(b.attributes, CompressionType.None)
  const ts = set.messages.map((m) => m.timestamp)
  assert.equal(b.baseTimestamp, ts[0])
  assert.equal(b.maxTimestamp, Math.max(...ts))
  assert.deepEqual(b.records.map((r) => b.baseTimestamp + r.timestampDelta), ts)
  assert.ok(b.records.every((r) => r.headers.length === 0))
})

test('up-conversion: target codec, LogAppendTime, magic 0 timestamps', () => {
  const set = decodeLegacyMessageSet(encodeLegacyMessageSet(legacy([0, 1, 2], 0), { compression: CompressionType.Gzip }))
  const kept = legacyMessageSetToRecordBatch(set, { baseOffset: 0 })
  assert.equal(kept.baseTimestamp, NO_TIMESTAMP)
  assert.equal(kept.maxTimestamp, NO_TIMESTAMP)
  assert.ok(kept.records.every((r) => r.timestampDelta === 0))

  // compression.type=zstd on the topic: allowed for the v2 batch even though magic 0/1 cannot carry it.
  const zstd = viaBytes(legacyMessageSetToRecordBatch(set, { baseOffset: 0, compression: CompressionType.Zstd }))
  assert.equal(zstd.attributes & BatchAttributes.COMPRESSION_MASK, CompressionType.Zstd)
  assert.deepEqual(zstd.records.map((r) => r.value?.toString() ?? null), set.messages.map((m) => m.value?.toString() ?? null))

  const append = legacyMessageSetToRecordBatch(set, {
    baseOffset: 0,
    timestampType: TimestampType.LogAppendTime,
    logAppendTimeMs: 1234,
    compression: CompressionType.None,
  })
  assert.equal(append.attributes, BatchAttributes.TIMESTAMP_TYPE)
  assert.equal(append.maxTimestamp, 1234)
  assert.throws(() => legacyMessageSetToRecordBatch(set, { baseOffset: 0, timestampType: TimestampType.LogAppendTime }), TypeError)
})

test('up-conversion refuses an empty set, several wrappers, mixed magic', () => {
  const rejects = (buf: Buffer) =>
    assert.throws(
      () => legacyMessageSetToRecordBatch(decodeLegacyMessageSet(buf), { baseOffset: 0 }),
      (e) => isKafkaError(e) && e.errorCode === ErrorCode.INVALID_RECORD,
    )
  rejects(Buffer.alloc(0))
  const wrapper = encodeLegacyMessageSet(legacy([0, 1], 1), { compression: CompressionType.Snappy })
  rejects(Buffer.concat([wrapper, wrapper]))
  rejects(Buffer.concat([encodeLegacyMessageSet(legacy([0], 1)), wrapper]))
  rejects(Buffer.concat([encodeLegacyMessageSet(legacy([0], 0)), encodeLegacyMessageSet(legacy([1], 1))]))
  // A partial tail is dropped, as Kafka trims it; the rest converts.
  const full = encodeLegacyMessageSet(legacy([0, 1, 2], 1))
  const cut = decodeLegacyMessageSet(full.subarray(0, full.length - 3))
  assert.equal(legacyMessageSetToRecordBatch(cut, { baseOffset: 0 }).records.length, 2)
})

test('v2 -> v0 drops timestamps and headers, keeps absolute offsets and the codec', () => {
  for (const codec of [CompressionType.None, CompressionType.Gzip, CompressionType.Lz4]) {
    const b = viaBytes(batch(500, [{}, { key: null }, { value: null }, {}], { attributes: codec }))
    const buf = recordBatchesToLegacyMessageSet([b], 0)
    const set = decodeLegacyMessageSet(buf)
    assert.deepEqual(
      set.messages.map((m) => [m.offset, m.magic, m.attributes, m.timestamp, m.key?.toString() ?? null, m.value?.toString() ?? null]),
      [
        [500, 0, 0, NO_TIMESTAMP, 'k0', 'v0'],
        [501, 0, 0, NO_TIMESTAMP, null, 'v1'],
        [502, 0, 0, NO_TIMESTAMP, 'k2', null],
        [503, 0, 0, NO_TIMESTAMP, 'k3', 'v3'],
      ],
    )
    assert.equal(set.entries.length, codec === CompressionType.None ? 4 : 1)
    if (codec !== CompressionType.None) assert.equal(set.entries[0]!.outer.attributes, codec)
  }
})

test('v2 -> v1 with LogAppendTime: every message carries the batch maxTimestamp and the type bit', () => {
  for (const codec of [CompressionType.None, CompressionType.Snappy]) {
    const b = batch(10, [{}, {}, {}], { attributes: codec | BatchAttributes.TIMESTAMP_TYPE, maxTimestamp: 99_999 })
    const set = decodeLegacyMessageSet(recordBatchesToLegacyMessageSet([b], 1))
    for (const m of set.messages) {
      assert.equal(m.timestamp, 99_999)
      assert.equal(m.attributes, LegacyAttributes.TIMESTAMP_TYPE)
    }
    assert.equal(set.entries[0]!.outer.attributes & LegacyAttributes.TIMESTAMP_TYPE, LegacyAttributes.TIMESTAMP_TYPE)
  }
})

test('down-conversion skips control batches, keeps other transactional data, drops emptied batches', () => {
  const txn = { producerId: 77, producerEpoch: 1, baseSequence: 0, attributes: BatchAttributes.TRANSACTIONAL }
  const batches = [
    batch(0, [{}, {}], txn),
    buildControlBatch({ type: ControlRecordType.Abort, coordinatorEpoch: 0, producerId: 77, producerEpoch: 1, timestampMs: 1, baseOffset: 2 }),
    // A zstd control batch is skipped before the codec is looked at, as in RecordsUtil.downConvert.
    { ...buildControlBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 0, producerId: 78, producerEpoch: 1, timestampMs: 1, baseOffset: 3 }), attributes: BatchAttributes.CONTROL | CompressionType.Zstd },
    batch(4, [], { lastOffsetDelta: 0 }),
    batch(5, [{}], { attributes: CompressionType.Gzip }),
  ]
  const set = decodeLegacyMessageSet(recordBatchesToLegacyMessageSet(batches, 1))
  assert.deepEqual(set.messages.map((m) => m.offset), [0, 1, 5])
})

test('down-conversion drops records below firstOffset only in uncompressed batches', () => {
  const plain = batch(100, [{}, {}, {}, {}])
  const gz = batch(104, [{}, {}, {}], { attributes: CompressionType.Gzip })
  const offsets = (firstOffset: number) =>
    decodeLegacyMessageSet(recordBatchesToLegacyMessageSet([plain, gz], 1, { firstOffset })).messages.map((m) => m.offset)
  assert.deepEqual(offsets(102), [102, 103, 104, 105, 106])
  assert.deepEqual(offsets(105), [104, 105, 106])
  assert.deepEqual(recordBatchesToLegacyMessageSet([plain], 1, { firstOffset: 200 }).length, 0)
})

test('down-conversion of a zstd batch is UNSUPPORTED_COMPRESSION_TYPE', () => {
  assert.throws(
    () => recordBatchesToLegacyMessageSet([batch(0, [{}], { attributes: CompressionType.Zstd })], 1),
    (e) => isKafkaError(e) && e.errorCode === ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
  )
})

test('v0 -> v2 -> v1: offsets survive, timestamps stay NO_TIMESTAMP', () => {
  const messages = legacy([7, 8, 9], 0)
  const set = decodeLegacyMessageSet(encodeLegacyMessageSet(messages, { compression: CompressionType.Lz4 }))
  const v2 = viaBytes(legacyMessageSetToRecordBatch(set, { baseOffset: 7 }))
  const back = decodeLegacyMessageSet(recordBatchesToLegacyMessageSet([v2], 1)).messages
  assert.deepEqual(back, messages.map((m) => ({ ...m, magic: 1 })))
})
