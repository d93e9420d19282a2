import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { DecodeError, EncodeError, isDecodeError } from '../codec-error.js'
import { crc32c } from './crc32c.js'
import { BatchAttributes, CompressionType, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from './record.js'
import type { KafkaRecord, RecordBatch } from './record.js'
import { BatchField } from './record-batch-header.js'
import {
  decodeRecordBatch,
  decodeRecordBatchAsync,
  decodeRecordBatches,
  decodeRecordBatchesAsync,
  encodeRecordBatch,
  encodeRecordBatchAsync,
  recordSizeInBytes,
} from './record-batch.js'

function rec(offsetDelta: number, value: string | null, extra: Partial<KafkaRecord> = {}): KafkaRecord {
  return {
    attributes: 0,
    timestampDelta: offsetDelta * 3,
    offsetDelta,
    key: null,
    value: value === null ? null : Buffer.from(value),
    headers: [],
    ...extra,
  }
}

/** A batch exercising every record feature. */
function fullBatch(attributes = 0): RecordBatch {
  const records: KafkaRecord[] = [
    rec(0, 'plain value', { key: Buffer.from('key-0') }),
    rec(1, null, { key: Buffer.from('tombstone') }),
    rec(2, null),
    rec(3, ''),
    rec(4, 'with empty key', { key: Buffer.alloc(0) }),
    rec(5, 'négatif ⏱ 🚀', { timestampDelta: -1234567, key: Buffer.from('ключ') }),
    rec(6, 'headers', {
      headers: [
        { key: 'trace-id', value: Buffer.from('abc123') },
        { key: 'null-value', value: null },
        { key: 'empty', value: Buffer.alloc(0) },
        { key: 'ünïcödé 🔑', value: Buffer.from([0, 255, 128]) },
        { key: '', value: Buffer.from('empty key') },
      ],
    }),
    rec(7, 'big deltas', { timestampDelta: 2 ** 40 + 7, attributes: -1 }),
    rec(8, 'x'.repeat(300), { key: Buffer.alloc(200, 7) }),
    rec(0x7fffffff, 'max offset delta', { timestampDelta: -(2 ** 50) }),
  ]
  return {
    baseOffset: 1234567890123,
    partitionLeaderEpoch: 17,
    attributes,
    lastOffsetDelta: 0x7fffffff,
    baseTimestamp: 1_700_000_000_000,
    maxTimestamp: 1_700_000_000_999,
    producerId: 987654321,
    producerEpoch: 3,
    baseSequence: 42,
    records,
  }
}

function simpleBatch(n: number, attributes = 0): RecordBatch {
  const records: KafkaRecord[] = []
  for (let i = 0; i < n; i++) records.push(rec(i, `value-${i}`, { key: Buffer.from(`k${i}`) }))
  return {
    baseOffset: 0,
    partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
    attributes,
    lastOffsetDelta: n - 1,
    baseTimestamp: 1_000,
    maxTimestamp: 1_000 + 3 * (n - 1),
    producerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    baseSequence: NO_SEQUENCE,
    records,
  }
}

function fixCrc(buf: Buffer): void {
  buf.writeUInt32BE(crc32c(buf, BatchField.ATTRIBUTES), BatchField.CRC)
}

function throwsDecodeError(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DecodeError, `expected DecodeError, got ${String(e)}`)
    if (message) assert.match(e.message, message)
    return true
  })
}

const CODECS = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const

test('round trip: every record feature, uncompressed', () => {
  const batch = fullBatch()
  const buf = encodeRecordBatch(batch)
  assert.deepEqual(decodeRecordBatch(buf), batch)
  assert.equal(buf.readInt32BE(BatchField.BATCH_LENGTH), buf.length - 12)
  assert.equal(buf.readInt32BE(BatchField.RECORDS_COUNT), batch.records.length)
})

test('round trip: transactional, LogAppendTime, delete horizon and control bits', () => {
  for (const attributes of [
    BatchAttributes.TRANSACTIONAL,
    BatchAttributes.TIMESTAMP_TYPE,
    BatchAttributes.DELETE_HORIZON,
    BatchAttributes.CONTROL | BatchAttributes.TRANSACTIONAL,
  ]) {
    const batch = fullBatch(attributes)
    assert.deepEqual(decodeRecordBatch(encodeRecordBatch(batch)), batch)
  }
})

test('round trip: empty batch and sentinel producer fields', () => {
  const batch = simpleBatch(0)
  batch.lastOffsetDelta = 0
  const buf = encodeRecordBatch(batch)
  assert.equal(buf.length, 61)
  assert.deepEqual(decodeRecordBatch(buf), batch)
})

test('decode: keys and values are views of the input, not copies', () => {
  const buf = encodeRecordBatch(fullBatch())
  const decoded = decodeRecordBatch(buf)
  const value = decoded.records[0]!.value!
  assert.equal(value.buffer, buf.buffer)
  buf[value.byteOffset - buf.byteOffset] ^= 0xff
  assert.notEqual(value.toString(), 'plain value')
})

test('recordSizeInBytes matches the encoded size', () => {
  const batch = fullBatch()
  const total = batch.records.reduce((n, r) => n + recordSizeInBytes(r), 0)
  assert.equal(encodeRecordBatch(batch).length, 61 + total)
})

test('encoding matches kafkajs byte for byte (uncompressed)', async () => {
  const require = createRequire(import.meta.url)
  type Encoder = { buffer: Buffer }
  const { RecordBatch: kafkajsBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: object) => Promise<Encoder> }
  const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: object) => Encoder
  const Long = require('kafkajs/src/utils/long') as { fromValue(v: number): unknown }
  const records = [
    { offsetDelta: 0, timestampDelta: 0, key: Buffer.from('k'), value: Buffer.from('v'), headers: { h: Buffer.from('x') } },
    { offsetDelta: 1, timestampDelta: 5, key: null, value: Buffer.from('second'), headers: {} },
  ]
  const theirs = (
    await kafkajsBatch({
      firstOffset: Long.fromValue(5),
      firstTimestamp: 1000,
      maxTimestamp: 1005,
      partitionLeaderEpoch: 2,
      lastOffsetDelta: 1,
      producerId: Long.fromValue(77),
      producerEpoch: 1,
      firstSequence: 9,
      records: records.map(kafkajsRecord),
    })
  ).buffer
  const ours = encodeRecordBatch({
    baseOffset: 5,
    partitionLeaderEpoch: 2,
    attributes: 0,
    lastOffsetDelta: 1,
    baseTimestamp: 1000,
    maxTimestamp: 1005,
    producerId: 77,
    producerEpoch: 1,
    baseSequence: 9,
    records: [
      { attributes: 0, timestampDelta: 0, offsetDelta: 0, key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }] },
      { attributes: 0, timestampDelta: 5, offsetDelta: 1, key: null, value: Buffer.from('second'), headers: [] },
    ],
  })
  assert.deepEqual(ours, theirs)
})

for (const codec of CODECS) {
  test(`round trip: compression ${codec}, sync and async, crossed`, async () => {
    const batch = fullBatch(codec | BatchAttributes.TRANSACTIONAL)
    const sync = encodeRecordBatch(batch)
    const async = await encodeRecordBatchAsync(batch)
    assert.equal(sync.readInt16BE(BatchField.ATTRIBUTES) & 7, codec)
    assert.deepEqual(decodeRecordBatch(sync), batch)
    assert.deepEqual(decodeRecordBatch(async), batch)
    assert.deepEqual(await decodeRecordBatchAsync(sync), batch)
    assert.deepEqual(await decodeRecordBatchAsync(async), batch)
    const big = simpleBatch(2000, codec)
    const bigBuf = encodeRecordBatch(big)
    assert.ok(bigBuf.length < encodeRecordBatch(simpleBatch(2000)).length, 'compressed is smaller')
    assert.deepEqual(decodeRecordBatch(bigBuf), big)
  })

  test(`compression ${codec}: corrupt block with a valid CRC is a DecodeError`, async () => {
    const buf = encodeRecordBatch(simpleBatch(50, codec))
    for (let i = BatchField.RECORDS; i < buf.length; i += 3) {
      const copy = Buffer.from(buf)
      copy[i] ^= 0x5a
      fixCrc(copy)
      try {
        decodeRecordBatch(copy)
      } catch (e) {
        assert.ok(isDecodeError(e), `byte ${i}: ${String(e)}`)
      }
      await decodeRecordBatchAsync(copy).catch((e: unknown) => assert.ok(isDecodeError(e), `async byte ${i}: ${String(e)}`))
    }
  })
}

test('async encode/decode of an uncompressed batch', async () => {
  const batch = fullBatch()
  const buf = await encodeRecordBatchAsync(batch)
  assert.deepEqual(buf, encodeRecordBatch(batch))
  assert.deepEqual(await decodeRecordBatchAsync(buf), batch)
})

test('decode: flipping any bit pattern of any CRC-covered byte is a DecodeError', () => {
  const buf = encodeRecordBatch(fullBatch())
  for (let i = BatchField.ATTRIBUTES; i < buf.length; i++) {
    for (const flip of [0x01, 0x80, 0xff]) {
      const copy = Buffer.from(buf)
      copy[i] ^= flip
      throwsDecodeError(() => decodeRecordBatch(copy), /CRC/)
    }
  }
  const crcFlipped = Buffer.from(buf)
  crcFlipped[BatchField.CRC + 2] ^= 0x10
  throwsDecodeError(() => decodeRecordBatch(crcFlipped), /CRC/)
})

test('decode: truncating at every byte position is a DecodeError', () => {
  const buf = encodeRecordBatch(fullBatch())
  for (let n = 0; n < buf.length; n++) throwsDecodeError(() => decodeRecordBatch(buf.subarray(0, n)))
})

test('decode: bytes after the batch, bad magic, bad length', () => {
  const buf = encodeRecordBatch(simpleBatch(3))
  throwsDecodeError(() => decodeRecordBatch(Buffer.concat([buf, Buffer.from([0])])), /after the record batch/)
  const magic = Buffer.from(buf)
  magic[BatchField.MAGIC] = 1
  throwsDecodeError(() => decodeRecordBatch(magic), /magic/)
  const shortLength = Buffer.from(buf)
  shortLength.writeInt32BE(48, BatchField.BATCH_LENGTH)
  throwsDecodeError(() => decodeRecordBatch(shortLength))
  const negative = Buffer.from(buf)
  negative.writeInt32BE(-5, BatchField.BATCH_LENGTH)
  throwsDecodeError(() => decodeRecordBatch(negative))
})

test('decode: unknown compression type 5-7 is a DecodeError', () => {
  for (const id of [5, 6, 7]) {
    const buf = encodeRecordBatch(simpleBatch(2))
    buf.writeInt16BE(id, BatchField.ATTRIBUTES)
    fixCrc(buf)
    throwsDecodeError(() => decodeRecordBatch(buf), /compression/)
  }
})

test('decode: recordsCount that lies is a DecodeError', () => {
  const buf = encodeRecordBatch(simpleBatch(3))
  for (const count of [4, 2, 0, -1, 1_000_000, 0x7fffffff]) {
    const copy = Buffer.from(buf)
    copy.writeInt32BE(count, BatchField.RECORDS_COUNT)
    fixCrc(copy)
    throwsDecodeError(() => decodeRecordBatch(copy))
  }
})

test('decode: a record length that disagrees with its content is a DecodeError', () => {
  const batch = simpleBatch(1)
  const buf = encodeRecordBatch(batch)
  const length = buf[BatchField.RECORDS]! / 2 // one-byte zig-zag varint
  // Claims one byte less than the fields take.
  const shorter = Buffer.from(buf)
  shorter[BatchField.RECORDS] = (length - 1) * 2
  fixCrc(shorter)
  throwsDecodeError(() => decodeRecordBatch(shorter))
  // Claims one byte more, with a spare byte in the batch for it.
  const longer = Buffer.concat([buf, Buffer.from([0])])
  longer.writeInt32BE(longer.length - 12, BatchField.BATCH_LENGTH)
  longer[BatchField.RECORDS] = (length + 1) * 2
  fixCrc(longer)
  throwsDecodeError(() => decodeRecordBatch(longer), /disagrees/)
})

test('decode: bytes after the last record inside the batch are a DecodeError', () => {
  const buf = Buffer.concat([encodeRecordBatch(simpleBatch(2)), Buffer.from([0, 0, 0])])
  buf.writeInt32BE(buf.length - 12, BatchField.BATCH_LENGTH)
  fixCrc(buf)
  throwsDecodeError(() => decodeRecordBatch(buf), /after the last/)
})

test('decode: int64 fields beyond 2^53 are a DecodeError', () => {
  const buf = encodeRecordBatch(simpleBatch(1))
  buf.writeBigInt64BE(2n ** 60n, BatchField.BASE_OFFSET)
  throwsDecodeError(() => decodeRecordBatch(buf), /safe integer/)
  const ts = encodeRecordBatch(simpleBatch(1))
  ts.writeBigInt64BE(-(2n ** 62n), BatchField.MAX_TIMESTAMP)
  fixCrc(ts)
  throwsDecodeError(() => decodeRecordBatch(ts), /safe integer/)
})

test('encode: out-of-range fields are EncodeErrors', () => {
  const cases: Array<(b: RecordBatch) => void> = [
    (b) => (b.baseOffset = 2 ** 60),
    (b) => (b.baseOffset = 1.5),
    (b) => (b.partitionLeaderEpoch = 2 ** 31),
    (b) => (b.producerEpoch = 40000),
    (b) => (b.attributes = 5),
    (b) => (b.records[0]!.offsetDelta = 2 ** 31),
    (b) => (b.records[0]!.timestampDelta = 2 ** 60),
    (b) => (b.records[0]!.attributes = 300),
  ]
  for (const mutate of cases) {
    const batch = simpleBatch(2)
    mutate(batch)
    assert.throws(() => encodeRecordBatch(batch), EncodeError)
  }
})

test('decodeRecordBatches: a concatenation, and a partial tail cut at every byte', () => {
  const batches = [simpleBatch(3), fullBatch(), simpleBatch(1)]
  batches[2]!.baseOffset = 100
  const parts = batches.map((b) => encodeRecordBatch(b))
  const all = Buffer.concat(parts)
  const whole = decodeRecordBatches(all)
  assert.deepEqual(whole.batches, batches)
  assert.equal(whole.partialTail, false)
  assert.equal(whole.bytesRead, all.length)

  const boundaries = [0, parts[0]!.length, parts[0]!.length + parts[1]!.length, all.length]
  for (let cut = 0; cut <= all.length; cut++) {
    const complete = boundaries.filter((b) => b <= cut).length - 1
    const result = decodeRecordBatches(all.subarray(0, cut))
    assert.equal(result.batches.length, complete, `cut at ${cut}`)
    assert.equal(result.bytesRead, boundaries[complete])
    assert.equal(result.partialTail, cut !== boundaries[complete])
  }
  assert.deepEqual(decodeRecordBatches(Buffer.alloc(0)), { batches: [], bytesRead: 0, partialTail: false })
})

test('decodeRecordBatchesAsync: compressed batches and a partial tail', async () => {
  const batches = CODECS.map((codec) => simpleBatch(10, codec))
  const all = Buffer.concat(batches.map((b) => encodeRecordBatch(b)))
  const result = await decodeRecordBatchesAsync(all.subarray(0, all.length - 1))
  assert.deepEqual(result.batches, batches.slice(0, -1))
  assert.equal(result.partialTail, true)
  assert.deepEqual((await decodeRecordBatchesAsync(all)).batches, batches)
})

test('header keys: repeated keys, keys that change, and more headers than are cached', () => {
  const batch = simpleBatch(4)
  batch.records[0]!.headers = [{ key: 'a', value: null }, { key: 'b', value: null }]
  batch.records[1]!.headers = [{ key: 'a', value: null }, { key: 'c', value: null }]
  batch.records[2]!.headers = Array.from({ length: 12 }, (_, i) => ({ key: `h${i}`, value: Buffer.from([i]) }))
  batch.records[3]!.headers = [{ key: 'ab', value: null }, { key: 'h1', value: null }, { key: '', value: null }, { key: 'x'.repeat(100), value: null }]
  assert.deepEqual(decodeRecordBatch(encodeRecordBatch(batch)), batch)
})

test('decodeRecordBatches: a corrupt batch in the middle is a DecodeError, not a partial tail', () => {
  const a = encodeRecordBatch(simpleBatch(2))
  const b = encodeRecordBatch(simpleBatch(2))
  const all = Buffer.concat([a, b])
  all[a.length + 70] ^= 1
  throwsDecodeError(() => decodeRecordBatches(all), /CRC/)
  const badLength = Buffer.concat([a, b])
  badLength.writeInt32BE(10, a.length + BatchField.BATCH_LENGTH)
  throwsDecodeError(() => decodeRecordBatches(badLength))
})

/** mulberry32: a small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

test('fuzz: random mutations (CRC fixed up half the time) only ever raise DecodeError', () => {
  const random = prng(0xb00c)
  const seeds = [encodeRecordBatch(fullBatch()), encodeRecordBatch(simpleBatch(20)), encodeRecordBatch(fullBatch(BatchAttributes.CONTROL))]
  let decoded = 0
  let rejected = 0
  for (let iter = 0; iter < 5000; iter++) {
    let buf = Buffer.from(seeds[iter % seeds.length]!)
    const mutations = 1 + Math.floor(random() * 4)
    for (let m = 0; m < mutations; m++) {
      const kind = random()
      const at = Math.floor(random() * buf.length)
      if (kind < 0.6) buf[at] = Math.floor(random() * 256)
      else if (kind < 0.8) buf[at] ^= 1 << Math.floor(random() * 8)
      else if (kind < 0.9) buf = buf.subarray(0, at)
      else buf = Buffer.concat([buf.subarray(0, at), Buffer.from([Math.floor(random() * 256)]), buf.subarray(at)])
    }
    if (random() < 0.5 && buf.length >= 61) {
      if (random() < 0.5) buf.writeInt32BE(buf.length - 12, BatchField.BATCH_LENGTH)
      fixCrc(buf)
    }
    try {
      decodeRecordBatch(buf)
      decoded++
    } catch (e) {
      if (!isDecodeError(e)) throw e
      rejected++
    }
    try {
      decodeRecordBatches(buf)
    } catch (e) {
      if (!isDecodeError(e)) throw e
    }
  }
  assert.ok(rejected > 0 && decoded + rejected === 5000)
})

test('fuzz: compressed batches with mutated records and a fixed CRC only raise DecodeError', async () => {
  const random = prng(42)
  for (const codec of CODECS) {
    const seed = encodeRecordBatch(fullBatch(codec))
    for (let iter = 0; iter < 300; iter++) {
      const buf = Buffer.from(seed)
      const at = BatchField.RECORDS + Math.floor(random() * (buf.length - BatchField.RECORDS))
      buf[at] = Math.floor(random() * 256)
      fixCrc(buf)
      try {
        decodeRecordBatch(buf)
      } catch (e) {
        if (!isDecodeError(e)) throw e
      }
    }
  }
})
