/**
 * The producer: `send()` resolves to where the record was written
 * (`{ topic, partition, offset, timestamp }`, the synchronous style), while
 * records of one partition are gathered into batches for `linger.ms` or up to
 * `batch.size` bytes and sent together.
 *
 * Ordering and idempotence: up to max.in.flight (5) batches per partition
 * are on the wire at once, written in the order they were cut. With
 * idempotence (the default, as in the Java client since 3.0) the producer
 * gets a producer id from InitProducerId and numbers every batch per
 * partition. When an attempt fails in a way a retry can fix, the partition
 * stops sending, waits for every attempt in flight to come back, and sends
 * the unacknowledged batches again one at a time, oldest first, with their
 * original sequence numbers: the broker answers a batch it already wrote
 * with its original offset, so nothing is written twice or reordered.
 *
 * Retries: retriable errors (a moved leader, an unknown topic still being
 * created, a broken connection, a timeout) refresh the metadata, wait
 * retry.backoff.ms and send the same batch again, until delivery.timeout.ms
 * from the record's send; then the record's promise rejects with the last
 * error. Non-retriable errors reject at once.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { InitProducerIdApi } from '../../protocol/messages/init-producer-id.js'
import { ProduceApi, type ProduceResponse } from '../../protocol/messages/produce.js'
import { encodeRecordBatchAsync } from '../../protocol/records/record-batch.js'
import { CompressionType, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, type KafkaRecord, type RecordHeader } from '../../protocol/records/record.js'
import { Cluster, type ClusterOptions, type PartitionInfo } from '../cluster.js'
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
  /** max.in.flight.requests.per.connection: unanswered batches per partition (default 5, at most 5 with idempotence). */
  maxInFlight?: number
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

interface InFlightBatch {
  records: Pending[]
  sequence: number
  deadline: number
  /** The encoded batch (producer id, sequence, compression), made once and sent as often as needed. */
  bytes: Promise<Buffer>
  /** An attempt is on the wire (or about to be). */
  attempting: boolean
  settled: boolean
}

interface PartitionQueue {
  topic: string
  partition: number
  pending: Pending[]
  bytes: number
  timer: NodeJS.Timeout | undefined
  /** Batches sent and not yet answered for good, oldest first. */
  unacked: InFlightBatch[]
  /** Attempts are written in this chain's order, which is sequence order. */
  sendChain: Promise<void>
  recovering: boolean
  recoveryRunning: boolean
  nextSequence: number
}

const COMPRESSION: Record<Compression, number> = { none: CompressionType.None, gzip: CompressionType.Gzip, snappy: CompressionType.Snappy, lz4: CompressionType.Lz4, zstd: CompressionType.Zstd }
/** Errors after which the same batch may succeed: refresh metadata and try again. */
const RETRY_WITH_METADATA = new Set<number>([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH])

const NO_HEADERS: RecordHeader[] = []

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
  readonly #maxInFlight: number
  readonly #queues = new Map<string, PartitionQueue>()
  readonly #sticky = new Map<string, number>()
  readonly #roundRobin = new Map<string, number>()
  #producerId: Promise<{ id: bigint; epoch: number }> | undefined
  #inOrder: Promise<void> = Promise.resolve()
  /** Records sent and not yet resolved or rejected; flush() waits for 0. */
  #outstanding = 0
  #idleWaiters: (() => void)[] = []
  #waitingForMetadata = 0
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
    this.#maxInFlight = opts.maxInFlight ?? 5
    if (this.#maxInFlight < 1 || (this.#idempotent && this.#maxInFlight > 5)) throw new KafkaClientError('max.in.flight.requests.per.connection must be 1-5 with idempotence (at least 1 without)', false)
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
  send(r: ProducerRecord): Promise<RecordMetadata> {
    if (this.#closed) return Promise.reject(new KafkaClientError('the producer is closed', false))
    // Records are queued in the order send() was called, even when some wait for metadata
    // (an unknown topic, a reconnect): each waits for the ones before it, as the Java
    // client's send() blocks its caller. With fresh metadata and nobody waiting, no wait.
    const cached = this.#waitingForMetadata === 0 ? this.cluster.cachedPartitions(r.topic) : undefined
    if (cached) return this.#enqueue(r, cached)
    this.#waitingForMetadata++
    const ready = this.#inOrder.then(() => this.#retrying(Date.now() + this.#maxBlockMs, () => this.cluster.partitions(r.topic)))
    this.#inOrder = ready.then(
      () => undefined,
      () => undefined,
    )
    return ready.then(
      (partitions) => {
        this.#waitingForMetadata--
        return this.#enqueue(r, partitions)
      },
      (e: Error) => {
        this.#waitingForMetadata--
        throw e
      },
    )
  }

  #enqueue(r: ProducerRecord, partitions: PartitionInfo[]): Promise<RecordMetadata> {
    const key = toBuffer(r.key)
    const partition = r.partition ?? this.#choosePartition(r.topic, key, partitions.length)
    if (partition < 0 || partition >= partitions.length) return Promise.reject(new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${r.topic} has no partition ${partition}`))
    const headers: RecordHeader[] = r.headers === undefined ? NO_HEADERS : Array.isArray(r.headers) ? r.headers.map((h) => ({ key: h.key, value: toBuffer(h.value) })) : Object.entries(r.headers).map(([k, v]) => ({ key: k, value: toBuffer(v) }))
    const value = toBuffer(r.value)
    const timestamp = r.timestamp ?? Date.now()
    let size = (key?.length ?? 0) + (value?.length ?? 0) + 20
    for (const h of headers) size += h.key.length + (h.value?.length ?? 0)
    const q = this.#queue(r.topic, partition)
    this.#outstanding++
    const result = new Promise<RecordMetadata>((resolve, reject) => {
      q.pending.push({ record: { attributes: 0, timestampDelta: 0, offsetDelta: 0, key, value, headers }, timestamp, size, enqueuedAtMs: timestamp, resolve, reject })
    })
    q.bytes += size
    if (q.bytes >= this.#batchSize || this.#lingerMs === 0) this.#drain(q, true)
    else
      q.timer ??= setTimeout(() => {
        q.timer = undefined
        this.#drain(q)
      }, this.#lingerMs)
    return result
  }

  /** Sends everything gathered so far and waits for every record sent before. */
  async flush(): Promise<void> {
    while (this.#outstanding > 0) {
      for (const q of this.#queues.values()) this.#drain(q, true)
      await new Promise<void>((r) => {
        this.#idleWaiters.push(r)
        setTimeout(r, this.#lingerMs + 1)
      })
    }
  }

  /** Flushes, then closes the connections. */
  async close(): Promise<void> {
    await this.flush()
    this.#closed = true
    await this.cluster.close()
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
      q = { topic, partition, pending: [], bytes: 0, timer: undefined, unacked: [], sendChain: Promise.resolve(), recovering: false, recoveryRunning: false, nextSequence: 0 }
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

  /**
   * Sends the partition's records as batches of up to batch.size bytes, while
   * fewer than max.in.flight batches are unanswered: full batches at once,
   * the rest once the oldest record has waited linger.ms (or `force`).
   */
  #drain(q: PartitionQueue, force = false): void {
    const due = () => force || q.bytes >= this.#batchSize || (q.pending.length > 0 && Date.now() - q.pending[0]!.enqueuedAtMs >= this.#lingerMs)
    while (!q.recovering && q.unacked.length < this.#maxInFlight && q.pending.length > 0 && due()) {
      let bytes = 0
      let n = 0
      while (n < q.pending.length && (n === 0 || bytes + q.pending[n]!.size <= this.#batchSize)) bytes += q.pending[n++]!.size
      const records = q.pending.splice(0, n)
      q.bytes -= bytes
      if (this.#sticky.get(q.topic) === q.partition) this.#sticky.delete(q.topic)
      // Sequence numbers are given in the order batches are cut, which is the order they are sent.
      const sequence = this.#idempotent ? q.nextSequence : NO_SEQUENCE
      if (this.#idempotent) q.nextSequence = (q.nextSequence + records.length) & 0x7fffffff
      const b: InFlightBatch = { records, sequence, deadline: records[0]!.enqueuedAtMs + this.#deliveryTimeoutMs, bytes: this.#encode(records, sequence), attempting: true, settled: false }
      b.bytes.catch(() => undefined)
      q.unacked.push(b)
      q.sendChain = q.sendChain.then(() => this.#attempt(q, b))
    }
    // One linger timer per partition while records wait (not a new one per drain: timers are not free).
    if (q.pending.length === 0 || q.recovering) {
      clearTimeout(q.timer)
      q.timer = undefined
    } else {
      q.timer ??= setTimeout(() => {
        q.timer = undefined
        this.#drain(q)
      }, this.#lingerMs)
    }
  }

  async #encode(batch: Pending[], sequence: number): Promise<Buffer> {
    const id = this.#idempotent ? await this.#retrying(batch[0]!.enqueuedAtMs + this.#deliveryTimeoutMs, () => this.#producerIdentity()) : null
    const base = batch[0]!.timestamp
    let maxTimestamp = base
    // The queued records become the batch's records in place: no copy per record.
    const records = new Array<KafkaRecord>(batch.length)
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!
      p.record.offsetDelta = i
      // Stored as a small integer when it is one. Records are made with timestampDelta 0;
      // storing a double (which a difference of two Date.now() values is) changes their
      // hidden class, and #encode then fell into a deoptimization loop in some runs:
      // twice the CPU per record, found with --trace-deopt.
      const delta = p.timestamp - base
      p.record.timestampDelta = delta === (delta | 0) ? delta | 0 : delta
      if (p.timestamp > maxTimestamp) maxTimestamp = p.timestamp
      records[i] = p.record
    }
    return encodeRecordBatchAsync({
      baseOffset: 0,
      partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
      attributes: this.#compression,
      lastOffsetDelta: batch.length - 1,
      baseTimestamp: base,
      maxTimestamp,
      producerId: id ? Number(id.id) : NO_PRODUCER_ID,
      producerEpoch: id ? id.epoch : NO_PRODUCER_EPOCH,
      baseSequence: sequence,
      records,
    })
  }

  #body(q: PartitionQueue, records: Buffer) {
    return { ...ProduceApi.request.create(), transactionalId: null, acks: this.#acks, timeoutMs: 30_000, topicData: [{ name: q.topic, partitionData: [{ index: q.partition, records }] }] }
  }

  /**
   * Writes one attempt of a batch (in the partition's send order: the caller
   * chains these) and handles its answer when it comes, without waiting for it.
   */
  async #attempt(q: PartitionQueue, b: InFlightBatch): Promise<void> {
    if (q.recovering || b.settled) {
      b.attempting = false
      return this.#maybeRecover(q)
    }
    b.attempting = true
    let answer: Promise<ProduceResponse>
    try {
      const records = await b.bytes
      const c = await this.#leaderConnection(q)
      if (this.#acks === 0) {
        await c.send(ProduceApi, c.versionFor(ProduceApi), this.#body(q, records), false)
        return this.#settle(q, b, (p) => p.resolve({ topic: q.topic, partition: q.partition, offset: -1n, timestamp: p.timestamp }))
      }
      answer = c.request(ProduceApi, this.#body(q, records))
    } catch (e) {
      return this.#onFailure(q, b, e as Error)
    }
    answer.then(
      (res) => {
        const error = this.#resolveFromAnswer(q, b, res)
        if (error) this.#onFailure(q, b, error)
      },
      (e: Error) => this.#onFailure(q, b, e),
    )
  }

  async #leaderConnection(q: PartitionQueue) {
    const partitions = await this.cluster.partitions(q.topic)
    return this.cluster.connection(partitions[q.partition]?.leader ?? -1)
  }

  /** Resolves the batch's records from a Produce answer; returns the error instead when there is one. */
  #resolveFromAnswer(q: PartitionQueue, b: InFlightBatch, res: ProduceResponse): Error | null {
    const r = res.responses[0]?.partitionResponses[0]
    if (!r) return new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, 'Produce answer without the partition')
    if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.DUPLICATE_SEQUENCE_NUMBER) return new KafkaProtocolError(r.errorCode, r.errorMessage)
    const appendTime = Number(r.logAppendTimeMs)
    this.#settle(q, b, (p, i) => p.resolve({ topic: q.topic, partition: q.partition, offset: r.baseOffset >= 0n ? r.baseOffset + BigInt(i) : -1n, timestamp: appendTime >= 0 ? appendTime : p.timestamp }))
    return null
  }

  #settle(q: PartitionQueue, b: InFlightBatch, each: (p: Pending, i: number) => void): void {
    b.attempting = false
    if (b.settled) return
    b.settled = true
    b.records.forEach(each)
    this.#outstanding -= b.records.length
    if (this.#outstanding === 0) for (const w of this.#idleWaiters.splice(0)) w()
    const i = q.unacked.indexOf(b)
    if (i >= 0) q.unacked.splice(i, 1)
    if (!q.recovering) this.#drain(q)
  }

  /**
   * A failed attempt. A retriable error (or OUT_OF_ORDER_SEQUENCE_NUMBER
   * behind an earlier batch that is itself being retried) puts the partition
   * into recovery: once every attempt in flight has come back, the batches
   * not yet acknowledged are sent again one at a time, oldest first, with
   * their original sequence numbers, so the broker writes each once and in
   * order. Anything else fails the batch's records.
   */
  #onFailure(q: PartitionQueue, b: InFlightBatch, error: Error): void {
    b.attempting = false
    if (b.settled) return
    const behindAnother = q.unacked[0] !== b
    const retriable = (error instanceof KafkaClientError && error.retriable) || (error instanceof KafkaProtocolError && error.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && behindAnother)
    if (!retriable || Date.now() + this.#retryBackoffMs >= b.deadline) {
      this.#settle(q, b, (p) => p.reject(error))
      return this.#maybeRecover(q)
    }
    if (error instanceof KafkaProtocolError && RETRY_WITH_METADATA.has(error.errorCode)) void this.cluster.refresh([q.topic]).catch(() => undefined)
    q.recovering = true
    this.#maybeRecover(q)
  }

  #maybeRecover(q: PartitionQueue): void {
    if (!q.recovering || q.recoveryRunning || q.unacked.some((x) => x.attempting)) return
    q.recoveryRunning = true
    void (async () => {
      await q.sendChain // attempts already queued see the recovery and stand down
      await new Promise((r) => setTimeout(r, this.#retryBackoffMs))
      for (const b of [...q.unacked]) await this.#deliverOne(q, b)
      q.recovering = false
      q.recoveryRunning = false
      this.#drain(q)
    })()
  }

  /** Sends one batch until it is answered, retrying with back-off until its delivery deadline (recovery). */
  async #deliverOne(q: PartitionQueue, b: InFlightBatch): Promise<void> {
    try {
      await this.#retrying(b.deadline, async () => {
        if (b.settled) return
        const records = await b.bytes
        const c = await this.#leaderConnection(q)
        const error = this.#resolveFromAnswer(q, b, await c.request(ProduceApi, this.#body(q, records)))
        if (!error) return
        if (error instanceof KafkaProtocolError && RETRY_WITH_METADATA.has(error.errorCode)) await this.cluster.refresh([q.topic]).catch(() => undefined)
        throw error
      })
    } catch (e) {
      this.#settle(q, b, (p) => p.reject(e as Error))
    }
  }
}
