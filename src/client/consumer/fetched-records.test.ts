/**
 * readFetchedRecords on hand-built Fetch `records` fields: what neither test
 * broker can produce (Brook has no transactions yet; librdkafka's mock
 * cluster writes no transaction markers): read_committed leaving aborted
 * transactions out, markers never shown, plus the fetch position rules.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeControlBatch } from '../../protocol/records/control-record.js'
import { encodeLegacyMessageSet } from '../../protocol/records/legacy-message-set.js'
import { encodeRecordBatch } from '../../protocol/records/record-batch.js'
import { BatchAttributes, CompressionType, ControlRecordType, TimestampType, type RecordBatch } from '../../protocol/records/record.js'
import { ConsumerRecord, readFetchedRecords } from './fetched-records.js'

const TP = { topic: 't', partition: 0 }

function batch(baseOffset: number, values: string[], o: { producerId?: number; transactional?: boolean; compression?: number; logAppendTime?: number } = {}): Buffer {
  const b: RecordBatch = {
    baseOffset,
    partitionLeaderEpoch: 3,
    attributes: (o.transactional ? BatchAttributes.TRANSACTIONAL : 0) | (o.compression ?? 0) | (o.logAppendTime !== undefined ? BatchAttributes.TIMESTAMP_TYPE : 0),
    lastOffsetDelta: values.length - 1,
    baseTimestamp: 1000,
    maxTimestamp: o.logAppendTime ?? 1000 + values.length - 1,
    producerId: o.producerId ?? -1,
    producerEpoch: o.producerId === undefined ? -1 : 0,
    baseSequence: o.producerId === undefined ? -1 : 0,
    records: values.map((v, i) => ({ attributes: 0, timestampDelta: i, offsetDelta: i, key: null, value: Buffer.from(v), headers: [] })),
  }
  return encodeRecordBatch(b)
}

const marker = (offset: number, producerId: number, type: ControlRecordType) => encodeControlBatch({ type, coordinatorEpoch: 0, producerId, producerEpoch: 0, timestampMs: 2000, baseOffset: offset })

/** 0-2 plain; 3-4 producer 7 (aborted at 5); 6-7 producer 8 (committed at 8); 9 plain. */
const LOG = Buffer.concat([
  batch(0, ['a', 'b', 'c']),
  batch(3, ['x', 'y'], { producerId: 7, transactional: true }),
  marker(5, 7, ControlRecordType.Abort),
  batch(6, ['d', 'e'], { producerId: 8, transactional: true }),
  marker(8, 8, ControlRecordType.Commit),
  batch(9, ['f']),
])
const ABORTED = [{ producerId: 7n, firstOffset: 3n }]

async function read(records: Buffer, from: number, aborted: typeof ABORTED | null, stale?: () => boolean) {
  const out: ConsumerRecord[] = []
  const next = await readFetchedRecords(TP, from, records, aborted, out, stale)
  return { next, values: out.map((r) => `${r.offsetNumber}:${r.value}`), out }
}

test('read_committed leaves out aborted transactions; markers are never records; the position moves past everything read', async () => {
  assert.deepEqual(await read(LOG, 0, ABORTED).then(({ next, values }) => ({ next, values })), { next: 10, values: ['0:a', '1:b', '2:c', '6:d', '7:e', '9:f'] })
  // read_uncommitted (no list): every data record, still no markers.
  assert.deepEqual((await read(LOG, 0, null)).values, ['0:a', '1:b', '2:c', '3:x', '4:y', '6:d', '7:e', '9:f'])
  // A producer's later transaction after its aborted one is read again once the abort marker passed.
  const later = Buffer.concat([LOG, batch(10, ['z'], { producerId: 7, transactional: true })])
  assert.deepEqual((await read(later, 0, ABORTED)).values.slice(-1), ['10:z'])
})

test('records before the fetch position are skipped, also inside a compressed batch; a cut-off last batch waits for the next fetch', async () => {
  const gz = batch(0, ['a', 'b', 'c', 'd'], { compression: CompressionType.Gzip })
  assert.deepEqual(await read(gz, 2, null).then(({ next, values }) => ({ next, values })), { next: 4, values: ['2:c', '3:d'] })
  const two = Buffer.concat([batch(0, ['a']), batch(1, ['b'])])
  const cut = two.subarray(0, two.length - 3)
  assert.deepEqual(await read(cut, 0, null).then(({ next, values }) => ({ next, values })), { next: 1, values: ['0:a'] })
})

test('timestamps, leader epoch and offsets are absolute; LogAppendTime batches give the broker time; offset is a bigint when read', async () => {
  const { out } = await read(Buffer.concat([batch(5, ['a', 'b']), batch(7, ['c'], { logAppendTime: 9999 })]), 0, null)
  assert.deepEqual(
    out.map((r) => [r.offset, r.timestamp, r.timestampType, r.leaderEpoch]),
    [
      [5n, 1000, 'CreateTime', 3],
      [6n, 1001, 'CreateTime', 3],
      [7n, 9999, 'LogAppendTime', 3],
    ],
  )
  assert.equal(TimestampType.LogAppendTime, 1)
})

test('magic 0/1 message sets (Fetch v0-v3) are read too', async () => {
  const set = encodeLegacyMessageSet([
    { offset: 4, magic: 1, attributes: 0, timestamp: 111, key: Buffer.from('k'), value: Buffer.from('v4') },
    { offset: 5, magic: 1, attributes: 0, timestamp: 112, key: null, value: Buffer.from('v5') },
  ])
  const { next, out } = await read(set, 5, null)
  assert.equal(next, 6)
  assert.deepEqual(out.map((r) => [r.offsetNumber, r.timestamp, r.value?.toString()]), [[5, 112, 'v5']])
})

test('an answer made stale while a batch decompresses (a seek meanwhile) is dropped', async () => {
  const gz = batch(0, ['a', 'b'], { compression: CompressionType.Gzip })
  assert.equal((await read(gz, 0, null, () => true)).next, null)
})

test('a corrupt batch throws (the consumer reports it instead of skipping data)', async () => {
  const bad = Buffer.from(batch(0, ['a']))
  bad[bad.length - 1]! ^= 0xff
  await assert.rejects(read(bad, 0, null), /CRC/i)
})
