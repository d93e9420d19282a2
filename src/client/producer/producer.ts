/**
 * The producer: `send()` resolves to where the record was written
 * (`{ topic, partition, offset, timestamp }`, the synchronous style), while
 * records of one partition are gathered into batches for `linger.ms` or up to
 * `batch.size` bytes and sent together.
 *
 * Ordering and idempotence: each partition has at most one batch in flight
 * (this first version; the Java client allows five with idempotence), so a
 * retried batch is always the partition's oldest. With idempotence (the
 * default, as in the Java client since 3.0) the producer gets a producer id
 * from InitProducerId and numbers every batch per partition; a retry of a
 * batch the broker already wrote is answered with its original offset, so
 * nothing is written twice and nothing is reordered.
 *
 * Retries: retriable errors (a moved leader, an unknown topic still being
 * created, a broken connection, a timeout) refresh the metadata, wait
 * retry.backoff.ms and send the same batch again, until delivery.timeout.ms
 * from the record's send; then the record's promise rejects with the last
 * error. Non-retriable errors reject at once.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { InitProducerIdApi } from '../../protocol/messages/init-producer-id.js'
import { ProduceApi } from '../../protocol/messages/produce.js'
import { encodeRecordBatchAsync } from '../../protocol/records/record-batch.js'
import { CompressionType, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, type KafkaRecord, type RecordHeader } from '../../protocol/records/record.js'
import { Cluster, type ClusterOptions } from '../cluster.js'
import { KafkaClientError, KafkaProtocolError } from '../errors.js'
import { keyedPartition } from './partitioner.js'

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
export type Partitioner = 'default' | 'random' | 'round-robin' | ((key: Buffer | null, numPartitions: number, topic: string) => number)

export interface ProducerOptions extends ClusterOptions {
  /** acks: 'all' (-1, the default), 1 or 0. */
  acks?: 'all' | -1 | 0 | 1
  /** linger.ms: how long a partition's records wait for company (default 5, Kafka 4.0's). */
  lingerMs?: number
  /** batch.size in bytes (default 16384). */
  batchSize?: number
  /** compression.type (default none). */
  compression?: Compression
  /** enable.idempotence (default true; needs acks=all). */
  idempotent?: boolean
  /** delivery.timeout.ms (default 120000). */
  deliveryTimeoutMs?: number
  /** retry.backoff.ms (default 100). */
  retryBackoffMs?: number
  /** Where records go: 'default' (murmur2 of the key; sticky for records without one), 'random', 'round-robin', or a function. */
  partitioner?: Partitioner
  /** max.block.ms: how long send() may wait for the topic's metadata (default 60000). */
  maxBlockMs?: number
}

export type Bytes = Buffer | string

export interface ProducerRecord {
  topic: string
  key?: Bytes | null
  value: Bytes | null
  headers?: Record<string, Bytes> | { key: string; value: Bytes | null }[]
  /** An explicit partition: the partitioner is not asked. */
  partition?: number
  /** CreateTime in ms (default now). */
  timestamp?: number
}

export interface RecordMetadata {
  topic: string
  partition: number
  /** -1 with acks=0 (the broker says nothing). */
  offset: bigint
  /** CreateTime, or the broker's LogAppendTime for topics that use it. */
  timestamp: number
}

interface Pending {
  record: KafkaRecord
  timestamp: number
  size: number
  enqueuedAtMs: number
  resolve: (m: RecordMetadata) => void
  reject: (e: Error) => void
}

interface PartitionQueue {
  topic: string
  partition: number
  pending: Pending[]
  bytes: number
  timer: NodeJS.Timeout | undefined
  inFlight: boolean
  nextSequence: number
}

const COMPRESSION: Record<Compression, number> = { none: CompressionType.None, gzip: CompressionType.Gzip, snappy: CompressionType.Snappy, lz4: CompressionType.Lz4, zstd: CompressionType.Zstd }
/** Errors after which the same batch may succeed: refresh metadata and try again. */
const RETRY_WITH_METADATA = new Set<number>([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH])

const toBuffer = (b: Bytes | null | undefined): Buffer | null => (b === null || b === undefined ? null : typeof b === 'string' ? Buffer.from(b) : b)

export class Producer {
  readonly cluster: Cluster
  readonly #acks: number
  readonly #lingerMs: number
  readonly #batchSize: number
  readonly #compression: number
  readonly #idempotent: boolean
  readonly #deliveryTimeoutMs: number
  readonly #retryBackoffMs: number
  readonly #partitioner: Partitioner
  readonly #maxBlockMs: number
  readonly #queues = new Map<string, PartitionQueue>()
  readonly #sticky = new Map<string, number>()
  readonly #roundRobin = new Map<string, number>()
  #producerId: Promise<{ id: bigint; epoch: number }> | undefined
  #inOrder: Promise<void> = Promise.resolve()
  #unsettled = new Set<Promise<unknown>>()
  #closed = false

  constructor(opts: ProducerOptions) {
    this.cluster = new Cluster(opts)
    this.#acks = opts.acks === undefined || opts.acks === 'all' ? -1 : opts.acks
    this.#idempotent = opts.idempotent ?? this.#acks === -1
    if (this.#idempotent && this.#acks !== -1) throw new KafkaClientError('enable.idempotence needs acks=all', false)
    this.#lingerMs = opts.lingerMs ?? 5
    this.#batchSize = opts.batchSize ?? 16384
    this.#compression = COMPRESSION[opts.compression ?? 'none']
    this.#deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 120_000
    this.#retryBackoffMs = opts.retryBackoffMs ?? 100
    this.#partitioner = opts.partitioner ?? 'default'
    this.#maxBlockMs = opts.maxBlockMs ?? 60_000
  }

  /** Retries `fn` on retriable errors, with retry.backoff.ms between tries, until `deadline`. */
  async #retrying<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await fn()
      } catch (e) {
        if (!(e instanceof KafkaClientError && e.retriable) || Date.now() + this.#retryBackoffMs >= deadline) throw e
        await new Promise((r) => setTimeout(r, this.#retryBackoffMs))
      }
    }
  }

  /** Sends one record; resolves once the broker has it (per `acks`). */
  async send(r: ProducerRecord): Promise<RecordMetadata> {
    if (this.#closed) throw new KafkaClientError('the producer is closed', false)
    const key = toBuffer(r.key)
    // Records are queued in the order send() was called, even when some wait for metadata
    // (an unknown topic, a reconnect): each waits for the one before it, as the Java client's
    // send() blocks its caller.
    const ready = this.#inOrder.then(() => this.#retrying(Date.now() + this.#maxBlockMs, () => this.cluster.partitions(r.topic)))
    this.#inOrder = ready.then(
      () => undefined,
      () => undefined,
    )
    const partitions = await ready
    const partition = r.partition ?? this.#choosePartition(r.topic, key, partitions.length)
    if (partition < 0 || partition >= partitions.length) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${r.topic} has no partition ${partition}`)
    const headers: RecordHeader[] = Array.isArray(r.headers) ? r.headers.map((h) => ({ key: h.key, value: toBuffer(h.value) })) : Object.entries(r.headers ?? {}).map(([k, v]) => ({ key: k, value: toBuffer(v) }))
    const value = toBuffer(r.value)
    const timestamp = r.timestamp ?? Date.now()
    const size = (key?.length ?? 0) + (value?.length ?? 0) + headers.reduce((n, h) => n + h.key.length + (h.value?.length ?? 0), 0) + 20
    const q = this.#queue(r.topic, partition)
    const result = new Promise<RecordMetadata>((resolve, reject) => {
      q.pending.push({ record: { attributes: 0, timestampDelta: 0, offsetDelta: 0, key, value, headers }, timestamp, size, enqueuedAtMs: Date.now(), resolve, reject })
    })
    this.#track(result)
    q.bytes += size
    if (q.bytes >= this.#batchSize || this.#lingerMs === 0) this.#drain(q)
    else q.timer ??= setTimeout(() => this.#drain(q), this.#lingerMs)
    return result
  }

  /** Sends everything gathered so far and waits for every record sent before. */
  async flush(): Promise<void> {
    for (const q of this.#queues.values()) this.#drain(q)
    while (this.#unsettled.size > 0) await Promise.allSettled([...this.#unsettled])
  }

  /** Flushes, then closes the connections. */
  async close(): Promise<void> {
    await this.flush()
    this.#closed = true
    await this.cluster.close()
  }

  #track(p: Promise<unknown>): void {
    this.#unsettled.add(p)
    p.then(
      () => this.#unsettled.delete(p),
      () => this.#unsettled.delete(p),
    )
  }

  #choosePartition(topic: string, key: Buffer | null, n: number): number {
    const p = this.#partitioner
    if (typeof p === 'function') return p(key, n, topic)
    if (p === 'random') return Math.floor(Math.random() * n)
    if (p === 'round-robin') {
      const next = ((this.#roundRobin.get(topic) ?? -1) + 1) % n
      this.#roundRobin.set(topic, next)
      return next
    }
    if (key !== null) return keyedPartition(key, n)
    // KIP-480: records without a key stick to one partition until its batch goes.
    let sticky = this.#sticky.get(topic)
    if (sticky === undefined || sticky >= n) {
      sticky = Math.floor(Math.random() * n)
      this.#sticky.set(topic, sticky)
    }
    return sticky
  }

  #queue(topic: string, partition: number): PartitionQueue {
    const k = `${topic}\u0000${partition}`
    let q = this.#queues.get(k)
    if (!q) {
      q = { topic, partition, pending: [], bytes: 0, timer: undefined, inFlight: false, nextSequence: 0 }
      this.#queues.set(k, q)
    }
    return q
  }

  #producerIdentity(): Promise<{ id: bigint; epoch: number }> {
    this.#producerId ??= (async () => {
      const r = await this.cluster.anyBroker((c) => c.request(InitProducerIdApi, { ...InitProducerIdApi.request.create(), transactionalId: null, transactionTimeoutMs: 2147483647, producerId: -1n, producerEpoch: -1 }))
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(r.errorCode, 'InitProducerId failed')
      return { id: r.producerId, epoch: r.producerEpoch }
    })()
    this.#producerId.catch(() => {
      this.#producerId = undefined
    })
    return this.#producerId
  }

  /** Takes up to batch.size bytes of a partition's records and sends them, unless a batch is in flight. */
  #drain(q: PartitionQueue): void {
    clearTimeout(q.timer)
    q.timer = undefined
    if (q.inFlight || q.pending.length === 0) return
    let bytes = 0
    let n = 0
    while (n < q.pending.length && (n === 0 || bytes + q.pending[n]!.size <= this.#batchSize)) bytes += q.pending[n++]!.size
    const batch = q.pending.splice(0, n)
    q.bytes -= bytes
    q.inFlight = true
    if (this.#sticky.get(q.topic) === q.partition) this.#sticky.delete(q.topic)
    void this.#sendBatch(q, batch).finally(() => {
      q.inFlight = false
      if (q.pending.length > 0) {
        if (q.bytes >= this.#batchSize || this.#lingerMs === 0) this.#drain(q)
        else q.timer ??= setTimeout(() => this.#drain(q), this.#lingerMs)
      }
    })
  }

  async #sendBatch(q: PartitionQueue, batch: Pending[]): Promise<void> {
    const fail = (e: Error) => batch.forEach((p) => p.reject(e))
    let records: Buffer
    let sequence = NO_SEQUENCE
    const deadline = batch[0]!.enqueuedAtMs + this.#deliveryTimeoutMs
    try {
      const id = this.#idempotent ? await this.#retrying(deadline, () => this.#producerIdentity()) : null
      if (id) {
        sequence = q.nextSequence
        q.nextSequence = (q.nextSequence + batch.length) & 0x7fffffff
      }
      const base = batch[0]!.timestamp
      records = await encodeRecordBatchAsync({
        baseOffset: 0,
        partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
        attributes: this.#compression,
        lastOffsetDelta: batch.length - 1,
        baseTimestamp: base,
        maxTimestamp: Math.max(...batch.map((p) => p.timestamp)),
        producerId: id ? Number(id.id) : NO_PRODUCER_ID,
        producerEpoch: id ? id.epoch : NO_PRODUCER_EPOCH,
        baseSequence: sequence,
        records: batch.map((p, i) => ({ ...p.record, offsetDelta: i, timestampDelta: p.timestamp - base })),
      })
    } catch (e) {
      return fail(e as Error)
    }
    for (;;) {
      let error: Error
      try {
        const partitions = await this.cluster.partitions(q.topic)
        const leader = partitions[q.partition]?.leader ?? -1
        const c = await this.cluster.connection(leader)
        const body = {
          ...ProduceApi.request.create(),
          transactionalId: null,
          acks: this.#acks,
          timeoutMs: 30_000,
          topicData: [{ name: q.topic, partitionData: [{ index: q.partition, records }] }],
        }
        if (this.#acks === 0) {
          await c.send(ProduceApi, c.versionFor(ProduceApi), body, false)
          batch.forEach((p) => p.resolve({ topic: q.topic, partition: q.partition, offset: -1n, timestamp: p.timestamp }))
          return
        }
        const res = await c.request(ProduceApi, body)
        const r = res.responses[0]?.partitionResponses[0]
        if (!r) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, 'Produce answer without the partition')
        if (r.errorCode === ErrorCode.NONE || r.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
          const appendTime = Number(r.logAppendTimeMs)
          batch.forEach((p, i) => p.resolve({ topic: q.topic, partition: q.partition, offset: r.baseOffset >= 0n ? r.baseOffset + BigInt(i) : -1n, timestamp: appendTime >= 0 ? appendTime : p.timestamp }))
          return
        }
        error = new KafkaProtocolError(r.errorCode, r.errorMessage)
      } catch (e) {
        error = e as Error
      }
      const retriable = error instanceof KafkaClientError && error.retriable
      if (!retriable || Date.now() + this.#retryBackoffMs >= deadline) return fail(error)
      if (error instanceof KafkaProtocolError && RETRY_WITH_METADATA.has(error.errorCode)) await this.cluster.refresh([q.topic]).catch(() => undefined)
      await new Promise((r) => setTimeout(r, this.#retryBackoffMs))
    }
  }
}
