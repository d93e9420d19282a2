import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DecodeError } from '../codec-error.js'
import { BatchAttributes, ControlRecordType, NO_SEQUENCE } from './record.js'
import { RecordBatchView } from './record-batch-header.js'
import { decodeRecordBatch, encodeRecordBatch } from './record-batch.js'
import {
  buildControlBatch,
  decodeControlRecordKey,
  decodeEndTransactionMarker,
  encodeControlBatch,
  encodeControlRecord,
  encodeControlRecordKey,
} from './control-record.js'

test('encodeControlRecord: Kafka EndTransactionMarker bytes', () => {
  const { key, value } = encodeControlRecord(ControlRecordType.Commit, 0x01020304)
  assert.deepEqual(key, Buffer.from([0, 0, 0, 1]))
  assert.deepEqual(value, Buffer.from([0, 0, 1, 2, 3, 4]))
  assert.deepEqual(encodeControlRecord(ControlRecordType.Abort, -1).key, Buffer.from([0, 0, 0, 0]))
  assert.deepEqual(decodeControlRecordKey(key), { version: 0, type: ControlRecordType.Commit })
  assert.deepEqual(decodeEndTransactionMarker(value), { version: 0, coordinatorEpoch: 0x01020304 })
})

test('decodeControlRecordKey: unknown types and newer versions decode as values', () => {
  assert.deepEqual(decodeControlRecordKey(encodeControlRecordKey(3)), { version: 0, type: 3 })
  assert.deepEqual(decodeControlRecordKey(Buffer.from([0, 0, 0x7f, 0xff])), { version: 0, type: 0x7fff })
  assert.deepEqual(decodeControlRecordKey(Buffer.from([0, 1, 0, 1, 9, 9])), { version: 1, type: 1 })
  assert.deepEqual(decodeEndTransactionMarker(Buffer.from([0, 1, 0, 0, 0, 5, 9])), { version: 1, coordinatorEpoch: 5 })
})

test('control records: short, null or negative-version keys and values are DecodeErrors', () => {
  assert.throws(() => decodeControlRecordKey(null), DecodeError)
  assert.throws(() => decodeControlRecordKey(Buffer.from([0, 0, 0])), DecodeError)
  assert.throws(() => decodeControlRecordKey(Buffer.from([0xff, 0xff, 0, 1])), DecodeError)
  assert.throws(() => decodeEndTransactionMarker(null), DecodeError)
  assert.throws(() => decodeEndTransactionMarker(Buffer.from([0, 0, 0, 0, 0])), DecodeError)
  assert.throws(() => decodeEndTransactionMarker(Buffer.from([0x80, 0, 0, 0, 0, 0])), DecodeError)
})

test('control batch: transactional + control, one marker record, round trips', () => {
  const options = { type: ControlRecordType.Abort, coordinatorEpoch: 12, producerId: 555, producerEpoch: 2, timestampMs: 1_700_000_000_123 }
  const built = buildControlBatch(options)
  assert.equal(built.attributes, BatchAttributes.CONTROL | BatchAttributes.TRANSACTIONAL)
  const buf = encodeControlBatch(options)
  assert.deepEqual(buf, encodeRecordBatch(built))
  const view = new RecordBatchView(buf)
  assert.equal(view.isControl, true)
  assert.equal(view.isTransactional, true)
  assert.equal(view.recordsCount, 1)
  assert.equal(view.producerId, 555)
  assert.equal(view.producerEpoch, 2)
  assert.equal(view.baseSequence, NO_SEQUENCE)
  assert.equal(view.lastOffsetDelta, 0)
  assert.equal(view.isValid(), true)
  const decoded = decodeRecordBatch(buf)
  assert.deepEqual(decoded, built)
  const record = decoded.records[0]!
  assert.deepEqual(decodeControlRecordKey(record.key), { version: 0, type: ControlRecordType.Abort })
  assert.deepEqual(decodeEndTransactionMarker(record.value), { version: 0, coordinatorEpoch: 12 })
})
