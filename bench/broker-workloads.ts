/**
 * The three client workloads of bench/broker.bench.ts, each on WireConnection
 * and Brook's protocol layer:
 *
 * - produce: record batches encoded once (about 1 MB each, as librdkafka sends
 *   with batch.size=1000000, batch.num.messages=10000 and its linger), then
 *   Produce v9 requests pipelined on one connection, a new one sent per answer;
 * - consume: Fetch v12 from offset 0, one request in flight (the next fetch
 *   offset comes from the previous answer), records counted from batch headers
 *   alone (`scanRecordBatches`), never decoded;
 * - latency: a producer sending what is due every millisecond at a fixed rate,
 *   each value starting with its scheduled send time, and a long-polling Fetch
 *   consumer on a second connection that subtracts it on arrival.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import {
  FetchApi,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  ProduceApi,
  decodeRecordBatches,
  decodeResponse,
  defaultFetchRequest,
  defaultFetchRequestPartition,
  defaultFetchRequestTopic,
  encodeRecordBatch,
  scanRecordBatches,
  type FetchRequest,
  type FetchResponse,
  type KafkaRecord,
  type ProduceRequest,
  type ProduceResponse,
} from '../src/protocol/index.js'
import { encodeBody, type EncodedBody, type WireConnection } from './wire-client.js'

const PRODUCE_VERSION = 9
const FETCH_VERSION = 12
const RECORD_BATCH_OVERHEAD = 61

function recordsOf(count: number, value: Buffer): KafkaRecord[] {
  const records: KafkaRecord[] = new Array(count)
  for (let i = 0; i < count; i++) records[i] = { attributes: 0, timestampDelta: 0, offsetDelta: i, key: null, value, headers: [] }
  return records
}

function encodeBatch(records: KafkaRecord[], timestamp: number): Buffer {
  return encodeRecordBatch({
    baseOffset: 0,
    partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
    attributes: 0,
    lastOffsetDelta: records.length - 1,
    baseTimestamp: timestamp,
    maxTimestamp: timestamp,
    producerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    baseSequence: NO_SEQUENCE,
    records,
  })
}

/** A Produce body with one batch per partition: `counts[p]` records for partition p (none when 0). */
function produceBody(topic: string, acks: number, counts: number[], value: Buffer, timestamp: number): EncodedBody {
  const cache = new Map<number, Buffer>()
  const partitionData = []
  for (let p = 0; p < counts.length; p++) {
    const n = counts[p]!
    if (n === 0) continue
    let batch = cache.get(n)
    if (!batch) cache.set(n, (batch = encodeBatch(recordsOf(n, value), timestamp)))
    partitionData.push({ index: p, records: batch })
  }
  const body: ProduceRequest = { transactionalId: null, acks, timeoutMs: 30_000, topicData: [{ name: topic, partitionData }] }
  return encodeBody(ProduceApi, PRODUCE_VERSION, body)
}

function checkProduceResponse(frame: Buffer): void {
  const res = decodeResponse<ProduceResponse>(ProduceApi.apiKey, PRODUCE_VERSION, frame).body
  for (const t of res.responses) {
    for (const p of t.partitionResponses) {
      if (p.errorCode !== 0) throw new Error(`Produce to ${t.name}-${p.index} failed with error code ${p.errorCode}${p.errorMessage ? `: ${p.errorMessage}` : ''}`)
    }
  }
}

export interface ProduceOptions {
  topic: string
  partitions: number
  records: number
  valueBytes: number
  /** 1 or -1 (all). */
  acks: number
  /** Largest batch in bytes (librdkafka batch.size). */
  batchBytes: number
  /** Most records in one batch (librdkafka batch.num.messages). */
  batchRecords: number
  /** Produce requests in flight on the connection. */
  inFlight: number
}

export interface ProduceResult {
  records: number
  seconds: number
  recordsPerSecond: number
  /** Value bytes per second / 1e6, as rdperf's mb_per_s. */
  mbPerSecond: number
  recordsPerBatch: number
  batchBytes: number
  requests: number
}

export async function runProduce(conn: WireConnection, o: ProduceOptions): Promise<ProduceResult> {
  const value = randomBytes(o.valueBytes)
  // Size the batches from a trial encoding, like librdkafka filling batch.size.
  const trial = encodeBatch(recordsOf(100, value), Date.now()).length
  const perRecord = (trial - RECORD_BATCH_OVERHEAD) / 100
  const perBatch = Math.max(1, Math.min(o.batchRecords, Math.floor((o.batchBytes - RECORD_BATCH_OVERHEAD) / perRecord)))
  const perRequest = perBatch * o.partitions
  const fullRequests = Math.floor(o.records / perRequest)
  const tail = o.records - fullRequests * perRequest
  const now = Date.now()
  const full = produceBody(o.topic, o.acks, new Array<number>(o.partitions).fill(perBatch), value, now)
  const tailCounts = Array.from({ length: o.partitions }, (_, p) => Math.floor(tail / o.partitions) + (p < tail % o.partitions ? 1 : 0))
  const tailBody = tail > 0 ? produceBody(o.topic, o.acks, tailCounts, value, now) : null
  const requests = fullRequests + (tailBody ? 1 : 0)

  const t0 = performance.now()
  let sent = 0
  let answered = 0
  let acked = 0
  await new Promise<void>((resolve, reject) => {
    const sendNext = () => {
      const isTail = sent === fullRequests
      const body = isTail ? tailBody! : full
      const n = isTail ? tail : perRequest
      sent++
      conn.sendEncoded(body).then((frame) => {
        try {
          checkProduceResponse(frame)
        } catch (e) {
          reject(e)
          return
        }
        acked += n
        answered++
        if (sent < requests) sendNext()
        else if (answered === requests) resolve()
      }, reject)
    }
    for (let i = 0; i < Math.min(o.inFlight, requests); i++) sendNext()
  })
  const seconds = (performance.now() - t0) / 1000
  return {
    records: acked,
    seconds,
    recordsPerSecond: acked / seconds,
    mbPerSecond: (acked * o.valueBytes) / seconds / 1e6,
    recordsPerBatch: perBatch,
    batchBytes: full.bytes.length,
    requests,
  }
}

export interface ConsumeOptions {
  topic: string
  partitions: number
  records: number
  valueBytes: number
  /** Per-partition max bytes of one Fetch (librdkafka max.partition.fetch.bytes, 1 MiB). */
  partitionMaxBytes: number
  /** Response max bytes (librdkafka fetch.max.bytes, 50 MiB). */
  maxBytes: number
  /** Stop after this long without new records. */
  idleMs: number
}

export interface ConsumeResult {
  records: number
  /** Record-batch bytes received (headers and records). */
  batchBytes: number
  seconds: number
  recordsPerSecond: number
  mbPerSecond: number
  fetches: number
  complete: boolean
}

function fetchRequest(o: ConsumeOptions, offsets: number[], maxWaitMs: number): FetchRequest {
  return {
    ...defaultFetchRequest(),
    replicaId: -1,
    maxWaitMs,
    minBytes: 1,
    maxBytes: o.maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        ...defaultFetchRequestTopic(),
        topic: o.topic,
        partitions: offsets.map((offset, partition) => ({ ...defaultFetchRequestPartition(), partition, fetchOffset: BigInt(offset), partitionMaxBytes: o.partitionMaxBytes })),
      },
    ],
  }
}

/** Reads a topic from offset 0 until `records` records came back (or nothing new for idleMs). */
export async function runConsume(conn: WireConnection, o: ConsumeOptions): Promise<ConsumeResult> {
  const offsets = new Array<number>(o.partitions).fill(0)
  let records = 0
  let batchBytes = 0
  let fetches = 0
  const t0 = performance.now()
  let lastProgress = t0
  let tLast = t0
  while (records < o.records && performance.now() - lastProgress < o.idleMs) {
    const frame = await conn.sendEncoded(encodeBody(FetchApi, FETCH_VERSION, fetchRequest(o, offsets, 500)))
    fetches++
    const res = decodeResponse<FetchResponse>(FetchApi.apiKey, FETCH_VERSION, frame).body
    if (res.errorCode !== 0) throw new Error(`Fetch failed with error code ${res.errorCode}`)
    let got = 0
    for (const t of res.responses) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new Error(`Fetch from ${t.topic}-${p.partitionIndex} failed with error code ${p.errorCode}`)
        if (!p.records || p.records.length === 0) continue
        const from = offsets[p.partitionIndex]!
        // Headers only: batch boundaries, counts and offsets, no record decoding.
        for (const b of scanRecordBatches(p.records, 0, p.records.length, true).batches) {
          const next = b.nextOffset
          if (next <= from) continue
          got += next - Math.max(b.baseOffset, from)
          batchBytes += b.sizeInBytes
          offsets[p.partitionIndex] = next
        }
      }
    }
    if (got > 0) {
      records += got
      tLast = lastProgress = performance.now()
    }
  }
  const seconds = (tLast - t0) / 1000
  return {
    records,
    batchBytes,
    seconds,
    recordsPerSecond: records / seconds,
    mbPerSecond: (records * o.valueBytes) / seconds / 1e6,
    fetches,
    complete: records >= o.records,
  }
}

export interface LatencyOptions {
  topic: string
  /** Records per second. */
  rate: number
  seconds: number
  /** Records scheduled in the first warmupSeconds are not counted. */
  warmupSeconds: number
  valueBytes: number
  acks: number
  /** Fetch max wait (librdkafka fetch.wait.max.ms, 500). */
  maxWaitMs: number
}

export interface LatencyResult {
  sent: number
  received: number
  samples: number
  achievedRate: number
  /** Latest the producer's timer fired after a record's slot. */
  producerMaxLagMs: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  p999Ms: number
  maxMs: number
  ackP50Ms: number
  ackP99Ms: number
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/**
 * End-to-end latency on a fresh single-partition topic. Each record's value
 * starts with its scheduled send time (float64, performance.now() ms), so a
 * late timer counts against the broker, not in its favour. Producer and
 * consumer share this process's event loop.
 */
export async function runLatency(producer: WireConnection, consumer: WireConnection, o: LatencyOptions): Promise<LatencyResult> {
  if (o.valueBytes < 16) throw new Error('latency needs values of at least 16 bytes')
  const total = Math.round(o.rate * o.seconds)
  const latencies = new Float64Array(total)
  const ackLatencies: number[] = []
  let samples = 0
  let received = 0
  let producing = true
  let sent = 0
  let maxLag = 0
  let producerError: Error | null = null

  const t0 = performance.now() + 50
  const tWarm = t0 + o.warmupSeconds * 1000
  const interval = 1000 / o.rate

  const consumerDone = (async () => {
    const co: ConsumeOptions = { topic: o.topic, partitions: 1, records: total, valueBytes: o.valueBytes, partitionMaxBytes: 1 << 20, maxBytes: 50 << 20, idleMs: 0 }
    let offset = 0
    let drainDeadline = Infinity
    while (received < total && performance.now() < drainDeadline && !producerError) {
      const frame = await consumer.sendEncoded(encodeBody(FetchApi, FETCH_VERSION, fetchRequest(co, [offset], o.maxWaitMs)))
      const now = performance.now()
      const res = decodeResponse<FetchResponse>(FetchApi.apiKey, FETCH_VERSION, frame).body
      const p = res.responses[0]?.partitions[0]
      if (!p || p.errorCode !== 0) throw new Error(`latency fetch failed with error code ${p?.errorCode ?? res.errorCode}`)
      if (p.records && p.records.length > 0) {
        for (const batch of decodeRecordBatches(p.records).batches) {
          for (let i = 0; i < batch.records.length; i++) {
            const off = batch.baseOffset + i
            if (off < offset) continue
            const scheduled = batch.records[i]!.value!.readDoubleLE(0)
            received++
            if (scheduled >= tWarm) latencies[samples++] = now - scheduled
          }
          offset = Math.max(offset, batch.baseOffset + batch.lastOffsetDelta + 1)
        }
      }
      if (!producing && drainDeadline === Infinity) drainDeadline = performance.now() + 5_000
    }
  })()

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1)
      if (now >= t0 && due > sent) {
        const records: KafkaRecord[] = []
        for (let i = sent; i < due; i++) {
          const scheduled = t0 + i * interval
          maxLag = Math.max(maxLag, now - scheduled)
          const value = Buffer.alloc(o.valueBytes)
          value.writeDoubleLE(scheduled, 0)
          value.writeUInt32LE(i, 8)
          records.push({ attributes: 0, timestampDelta: 0, offsetDelta: i - sent, key: null, value, headers: [] })
        }
        sent = due
        const body: ProduceRequest = { transactionalId: null, acks: o.acks, timeoutMs: 30_000, topicData: [{ name: o.topic, partitionData: [{ index: 0, records: encodeBatch(records, Date.now()) }] }] }
        const tSend = performance.now()
        producer.sendEncoded(encodeBody(ProduceApi, PRODUCE_VERSION, body)).then(
          (frame) => {
            ackLatencies.push(performance.now() - tSend)
            try {
              checkProduceResponse(frame)
            } catch (e) {
              producerError = e as Error
            }
          },
          (e: Error) => (producerError = e),
        )
      }
      if (sent < total && !producerError) setTimeout(tick, Math.max(0, Math.min(1, t0 + sent * interval - performance.now())))
      else resolve()
    }
    setTimeout(tick, Math.max(0, t0 - performance.now()))
  })
  const produceSeconds = (performance.now() - t0) / 1000
  producing = false
  await consumerDone
  if (producerError) throw producerError

  const sorted = latencies.subarray(0, samples).sort()
  const acksSorted = Float64Array.from(ackLatencies).sort()
  return {
    sent,
    received,
    samples,
    achievedRate: sent / produceSeconds,
    producerMaxLagMs: maxLag,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    p999Ms: percentile(sorted, 99.9),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
    ackP50Ms: percentile(acksSorted, 50),
    ackP99Ms: percentile(acksSorted, 99),
  }
}
