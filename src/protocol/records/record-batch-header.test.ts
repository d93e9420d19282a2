import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DecodeError } from '../codec-error.js'
import { BatchAttributes, CompressionType, TimestampType } from './record.js'
import type { RecordBatch } from './record.js'
import { BatchField, RecordBatchView, scanRecordBatches } from './record-batch-header.js'
import { decodeRecordBatch, encodeRecordBatch } from './record-batch.js'

function batch(attributes: number, n = 3): RecordBatch {
  return {
    baseOffset: 5000,
    partitionLeaderEpoch: 9,
    attributes,
    lastOffsetDelta: n - 1,
    baseTimestamp: 1_700_000_000_000,
    maxTimestamp: 1_700_000_000_000 + n,
    producerId: 4242,
    producerEpoch: 7,
    baseSequence: 100,
    records: Array.from({ length: n }, (_, i) => ({
      attributes: 0,
      timestampDelta: i,
      offsetDelta: i,
      key: null,
      value: Buffer.from(`v${i}`),
      headers: [],
    })),
  }
}

function assertViewMatches(view: RecordBatchView, decoded: RecordBatch): void {
  assert.equal(view.baseOffset, decoded.baseOffset)
  assert.equal(view.partitionLeaderEpoch, decoded.partitionLeaderEpoch)
  assert.equal(view.attributes, decoded.attributes)
  assert.equal(view.lastOffsetDelta, decoded.lastOffsetDelta)
  assert.equal(view.baseTimestamp, decoded.baseTimestamp)
  assert.equal(view.maxTimestamp, decoded.maxTimestamp)
  assert.equal(view.producerId, decoded.producerId)
  assert.equal(view.producerEpoch, decoded.producerEpoch)
  assert.equal(view.baseSequence, decoded.baseSequence)
  assert.equal(view.recordsCount, decoded.records.length)
}

test('view: header fields agree with the full decode', () => {
  const attrs = BatchAttributes.TRANSACTIONAL | BatchAttributes.TIMESTAMP_TYPE | BatchAttributes.DELETE_HORIZON
  const buf = encodeRecordBatch(batch(attrs))
  const view = new RecordBatchView(buf)
  assertViewMatches(view, decodeRecordBatch(buf))
  assert.equal(view.magic, 2)
  assert.equal(view.batchLength, buf.length - 12)
  assert.equal(view.sizeInBytes, buf.length)
  assert.equal(view.lastOffset, 5002)
  assert.equal(view.nextOffset, 5003)
  assert.equal(view.lastSequence, 102)
  assert.equal(view.compression, CompressionType.None)
  assert.equal(view.timestampType, TimestampType.LogAppendTime)
  assert.equal(view.isTransactional, true)
  assert.equal(view.isControl, false)
  assert.equal(view.hasDeleteHorizon, true)
  assert.equal(view.isValid(), true)
  view.validateCrc()
  assert.deepEqual(view.bytes, buf)

  const plain = new RecordBatchView(encodeRecordBatch(batch(BatchAttributes.CONTROL)))
  assert.equal(plain.isControl, true)
  assert.equal(plain.isTransactional, false)
  assert.equal(plain.timestampType, TimestampType.CreateTime)
  assert.equal(plain.hasDeleteHorizon, false)
})

test('view: lastSequence wraps at 2^31-1, and is -1 without sequences', () => {
  const b = batch(0)
  b.baseSequence = 0x7fffffff
  assert.equal(new RecordBatchView(encodeRecordBatch(b)).lastSequence, 1)
  b.baseSequence = -1
  assert.equal(new RecordBatchView(encodeRecordBatch(b)).lastSequence, -1)
})

test('view: at an offset inside a larger buffer', () => {
  const buf = encodeRecordBatch(batch(0))
  const padded = Buffer.concat([Buffer.alloc(13, 0xee), buf, Buffer.alloc(5)])
  const view = new RecordBatchView(padded, 13)
  assertViewMatches(view, decodeRecordBatch(buf))
  assert.equal(view.end, 13 + buf.length)
  assert.equal(view.isValid(), true)
})

test('view: in-place baseOffset and partitionLeaderEpoch rewrites keep the CRC valid', () => {
  const buf = encodeRecordBatch(batch(BatchAttributes.TRANSACTIONAL))
  const crc = buf.readUInt32BE(BatchField.CRC)
  const view = new RecordBatchView(buf)
  view.setBaseOffset(2 ** 52 + 3)
  view.setPartitionLeaderEpoch(123456)
  assert.equal(view.baseOffset, 2 ** 52 + 3)
  assert.equal(view.partitionLeaderEpoch, 123456)
  assert.equal(view.crc, crc)
  assert.equal(view.isValid(), true)
  const decoded = decodeRecordBatch(buf)
  assert.equal(decoded.baseOffset, 2 ** 52 + 3)
  assert.equal(decoded.partitionLeaderEpoch, 123456)
  view.setBaseOffset(-5)
  assert.equal(view.baseOffset, -5)
  assert.throws(() => view.setBaseOffset(2 ** 60))
  assert.throws(() => view.setPartitionLeaderEpoch(2 ** 31))
})

test('view: setMaxTimestampAndType recomputes the CRC', () => {
  const buf = encodeRecordBatch(batch(0))
  const view = new RecordBatchView(buf)
  // Writing the field alone breaks the CRC: it is inside the covered region.
  const manual = Buffer.from(buf)
  manual.writeBigInt64BE(1n, BatchField.MAX_TIMESTAMP)
  assert.equal(new RecordBatchView(manual).isValid(), false)

  view.setMaxTimestampAndType(TimestampType.LogAppendTime, 1_800_000_000_000)
  assert.equal(view.isValid(), true)
  assert.equal(view.timestampType, TimestampType.LogAppendTime)
  assert.equal(view.maxTimestamp, 1_800_000_000_000)
  const decoded = decodeRecordBatch(buf)
  assert.equal(decoded.maxTimestamp, 1_800_000_000_000)
  assert.equal(decoded.attributes & BatchAttributes.TIMESTAMP_TYPE, BatchAttributes.TIMESTAMP_TYPE)

  view.setMaxTimestampAndType(TimestampType.CreateTime, 7)
  assert.equal(view.timestampType, TimestampType.CreateTime)
  assert.equal(view.isValid(), true)
})

test('view: every flipped byte in the CRC-covered region makes validateCrc throw DecodeError', () => {
  const buf = encodeRecordBatch(batch(0))
  for (let i = BatchField.ATTRIBUTES; i < buf.length; i++) {
    const copy = Buffer.from(buf)
    copy[i] ^= 0x20
    const view = new RecordBatchView(copy)
    assert.equal(view.isValid(), false)
    assert.throws(() => view.validateCrc(), DecodeError)
  }
})

test('view: short, lying or wrong-magic buffers are DecodeErrors', () => {
  const buf = encodeRecordBatch(batch(0))
  for (let n = 0; n < buf.length; n++) assert.throws(() => new RecordBatchView(buf.subarray(0, n)), DecodeError)
  assert.throws(() => new RecordBatchView(buf, buf.length + 1), DecodeError)
  assert.throws(() => new RecordBatchView(buf, -1), DecodeError)
  const magic = Buffer.from(buf)
  magic[BatchField.MAGIC] = 0
  assert.throws(() => new RecordBatchView(magic), DecodeError)
  const small = Buffer.from(buf)
  small.writeInt32BE(48, BatchField.BATCH_LENGTH)
  assert.throws(() => new RecordBatchView(small), DecodeError)
  const codec = Buffer.from(buf)
  codec.writeInt16BE(6, BatchField.ATTRIBUTES)
  assert.throws(() => new RecordBatchView(codec).compression, DecodeError)
  const huge = Buffer.from(buf)
  huge.writeBigInt64BE(-(2n ** 63n), BatchField.PRODUCER_ID)
  assert.throws(() => new RecordBatchView(huge).producerId, DecodeError)
})

test('scanRecordBatches: boundaries, partial tails and corruption', () => {
  const parts = [batch(0, 1), batch(0, 5), batch(BatchAttributes.TRANSACTIONAL, 2)].map((b, i) => {
    b.baseOffset = i * 10
    return encodeRecordBatch(b)
  })
  const all = Buffer.concat(parts)
  const scan = scanRecordBatches(all)
  assert.deepEqual(
    scan.batches.map((v) => [v.offset, v.sizeInBytes, v.baseOffset]),
    [
      [0, parts[0]!.length, 0],
      [parts[0]!.length, parts[1]!.length, 10],
      [parts[0]!.length + parts[1]!.length, parts[2]!.length, 20],
    ],
  )
  assert.equal(scan.validEnd, all.length)
  assert.equal(scan.partialTail, false)
  assert.ok(scan.batches.every((v) => v.isValid()))

  // A range inside the buffer.
  const middle = scanRecordBatches(all, parts[0]!.length, parts[0]!.length + parts[1]!.length)
  assert.equal(middle.batches.length, 1)
  assert.equal(middle.batches[0]!.baseOffset, 10)

  for (let cut = parts[0]!.length + 1; cut < parts[0]!.length + parts[1]!.length; cut++) {
    const tail = scanRecordBatches(all, 0, cut, true)
    assert.equal(tail.batches.length, 1)
    assert.equal(tail.validEnd, parts[0]!.length)
    assert.equal(tail.partialTail, true)
    assert.throws(() => scanRecordBatches(all, 0, cut), DecodeError)
  }

  const corrupt = Buffer.from(all)
  corrupt.writeInt32BE(3, parts[0]!.length + BatchField.BATCH_LENGTH)
  assert.throws(() => scanRecordBatches(corrupt, 0, corrupt.length, true), DecodeError)
  const legacy = Buffer.from(all)
  legacy[parts[0]!.length + BatchField.MAGIC] = 1
  assert.throws(() => scanRecordBatches(legacy, 0, legacy.length, true), DecodeError)
  assert.throws(() => scanRecordBatches(all, 5, 2), DecodeError)
  assert.throws(() => scanRecordBatches(all, 0, all.length + 1), DecodeError)
})
