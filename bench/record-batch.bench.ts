/**
 * Record batch codec throughput. Not a test: run after a build with
 *   node dist/bench/record-batch.bench.js
 * and record the figures in docs/BENCHMARKS.md with the command line.
 *
 * (a) header-only parse + CRC-32C validation of 1 MiB batches (the broker's
 *     produce path), in GB/s;
 * (b) full decode and (c) full encode of uncompressed 100-byte records in
 *     records/s.
 */
import { performance } from 'node:perf_hooks'
import { NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from '../src/protocol/records/record.js'
import type { KafkaRecord, RecordBatch } from '../src/protocol/records/record.js'
import { scanRecordBatches } from '../src/protocol/records/record-batch-header.js'
import { decodeRecordBatch, decodeRecordBatches, encodeRecordBatch } from '../src/protocol/records/record-batch.js'

const TOTAL_RECORDS = 1_000_000
const RECORDS_PER_BATCH = 1_000
const VALUE_BYTES = 100
const ROUNDS = 5

function makeBatch(baseOffset: number, count: number, valueBytes: number): RecordBatch {
  const records: KafkaRecord[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const value = Buffer.alloc(valueBytes, (baseOffset + i) & 0xff)
    records[i] = { attributes: 0, timestampDelta: i, offsetDelta: i, key: null, value, headers: [] }
  }
  return {
    baseOffset,
    partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
    attributes: 0,
    lastOffsetDelta: count - 1,
    baseTimestamp: 1_700_000_000_000,
    maxTimestamp: 1_700_000_000_000 + count - 1,
    producerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    baseSequence: NO_SEQUENCE,
    records,
  }
}

/** Runs `fn` ROUNDS times after one warm-up and returns the fastest time in seconds. */
function best(fn: () => void): number {
  fn()
  let fastest = Infinity
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now()
    fn()
    fastest = Math.min(fastest, (performance.now() - start) / 1000)
  }
  return fastest
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 })
}

// (a) Header-only parse + CRC of 1 MiB batches.
{
  // Size the batches to just under 1 MiB from a trial encoding.
  const trial = encodeRecordBatch(makeBatch(0, 1000, VALUE_BYTES)).length
  const recordsPerMiB = Math.floor((((1 << 20) - 61) * 1000) / (trial - 61))
  const batchCount = 64
  const parts: Buffer[] = []
  for (let b = 0; b < batchCount; b++) parts.push(encodeRecordBatch(makeBatch(b * recordsPerMiB, recordsPerMiB, VALUE_BYTES)))
  const log = Buffer.concat(parts)
  let valid = 0
  const seconds = best(() => {
    const scan = scanRecordBatches(log)
    for (const view of scan.batches) {
      view.validateCrc()
      valid += view.recordsCount
    }
  })
  if (valid === 0) throw new Error('nothing validated')
  const avgBatch = log.length / batchCount
  console.log(
    `header parse + CRC-32C: ${fmt(log.length / seconds / 1e9)} GB/s  (${batchCount} batches of ${fmt(avgBatch / 1024)} KiB, ${recordsPerMiB} records each; best of ${ROUNDS})`,
  )
}

// (b) and (c): 1,000,000 uncompressed 100-byte records in batches of 1,000.
{
  const batchCount = TOTAL_RECORDS / RECORDS_PER_BATCH
  const batches: RecordBatch[] = []
  for (let b = 0; b < batchCount; b++) batches.push(makeBatch(b * RECORDS_PER_BATCH, RECORDS_PER_BATCH, VALUE_BYTES))
  const encoded = batches.map((b) => encodeRecordBatch(b))
  const bytes = encoded.reduce((n, b) => n + b.length, 0)

  let sink = 0
  const decodeSeconds = best(() => {
    for (const buf of encoded) sink += decodeRecordBatch(buf).records.length
  })
  console.log(
    `decode: ${fmt(TOTAL_RECORDS / decodeSeconds)} records/s, ${fmt(bytes / decodeSeconds / 1e6)} MB/s  (${fmt(TOTAL_RECORDS)} uncompressed records, ${VALUE_BYTES}-byte values, null keys, no headers, ${RECORDS_PER_BATCH} per batch; best of ${ROUNDS})`,
  )

  const encodeSeconds = best(() => {
    for (const batch of batches) sink += encodeRecordBatch(batch).length
  })
  console.log(
    `encode: ${fmt(TOTAL_RECORDS / encodeSeconds)} records/s, ${fmt(bytes / encodeSeconds / 1e6)} MB/s  (${fmt(TOTAL_RECORDS)} uncompressed records, ${VALUE_BYTES}-byte values, null keys, no headers, ${RECORDS_PER_BATCH} per batch; best of ${ROUNDS})`,
  )
  // The same through decodeRecordBatches on one concatenated buffer (a Fetch response's records).
  const fetched = Buffer.concat(encoded)
  const concatSeconds = best(() => {
    for (const batch of decodeRecordBatches(fetched).batches) sink += batch.records.length
  })
  console.log(`decodeRecordBatches: ${fmt(TOTAL_RECORDS / concatSeconds)} records/s  (the same records as one ${fmt(fetched.length / 1e6)} MB buffer; all 1,000,000 decoded records live at once, so GC dominates)`)
  if (sink === 0) throw new Error('unreachable')
}

// Extra: records with a 16-byte key and two headers, which the figures above leave out.
{
  const batches: RecordBatch[] = []
  for (let b = 0; b < TOTAL_RECORDS / RECORDS_PER_BATCH; b++) {
    const batch = makeBatch(b * RECORDS_PER_BATCH, RECORDS_PER_BATCH, VALUE_BYTES)
    for (const r of batch.records) {
      r.key = Buffer.from(`key-${String(r.offsetDelta).padStart(12, '0')}`)
      r.headers = [
        { key: 'trace-id', value: Buffer.from('0123456789abcdef') },
        { key: 'content-type', value: Buffer.from('application/json') },
      ]
    }
    batches.push(batch)
  }
  const encoded = batches.map((b) => encodeRecordBatch(b))
  let sink = 0
  const decodeSeconds = best(() => {
    for (const buf of encoded) sink += decodeRecordBatch(buf).records.length
  })
  const encodeSeconds = best(() => {
    for (const batch of batches) sink += encodeRecordBatch(batch).length
  })
  console.log(`decode, keyed with 2 headers: ${fmt(TOTAL_RECORDS / decodeSeconds)} records/s  (16-byte keys, ${VALUE_BYTES}-byte values, 2 headers)`)
  console.log(`encode, keyed with 2 headers: ${fmt(TOTAL_RECORDS / encodeSeconds)} records/s  (16-byte keys, ${VALUE_BYTES}-byte values, 2 headers)`)
  if (sink === 0) throw new Error('unreachable')
}
