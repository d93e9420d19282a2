/**
 * The producer, in two styles over one pipeline:
 *
 * - `send(record)` resolves to where the record was written
 *   (`{ topic, partition, offset, timestamp }`): the synchronous style, one
 *   promise per record (Java's `send().get()`, sarama's SyncProducer).
 * - `produce(record, onDelivery?)` resolves once the record is taken into
 *   the buffer, and reports its outcome later to `onDelivery(error,
 *   metadata, record)`, given per call or once in the options (sarama's
 *   AsyncProducer with its Successes()/Errors() channels, librdkafka's
 *   delivery reports). `await producer.produce(r)` in a loop is held back
 *   while the buffer is full, and lets the event loop turn once per
 *   batch.size bytes so that the producer's sockets are read meanwhile. Its
 *   promise never rejects: every failure of a record, refused at once (too
 *   large, a serializer's error) or later (the broker's, a timeout), goes to
 *   the callback, so none can become an unhandled rejection. Reports of one
 *   partition come in offset order. The two are not a dual API for one
 *   result: the promise says "taken", the callback "delivered" (or not).
 *
 * Both styles wait (asynchronously) while the topic's metadata is unknown
 * and while buffer.memory bytes of records are taken and not yet settled,
 * together for at most max.block.ms from the call; then the record fails
 * with the metadata error, or BufferExhaustedError (Java's
 * BufferExhaustedException) if it was waiting for room. Records are queued
 * in call order even when some wait, as the Java client's blocking send()
 * keeps them. A record larger than max.request.size or buffer.memory is
 * refused at once with MESSAGE_TOO_LARGE (Java's RecordTooLargeException).
 *
 * Records of one partition are gathered into batches for `linger.ms` or up
 * to `batch.size` bytes and sent together.
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
 * from the record's queueing; then the record fails with the last error.
 * Non-retriable errors fail it at once.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { InitProducerIdApi } from '../../protocol/messages/init-producer-id.js'
import { ProduceApi, type ProduceResponse } from '../../protocol/messages/produce.js'
import { encodeRecordBatchAsync } from '../../protocol/records/record-batch.js'
import { CompressionType, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, type KafkaRecord } from '../../protocol/records/record.js'
import { Cluster, type ClusterOptions, type PartitionInfo } from '../cluster.js'
import { KafkaClientError, KafkaProtocolError } from '../errors.js'
import { BufferMemory } from './buffer-memory.js'
import { PartitionChooser, type Partitioner } from './partitioner.js'
import type { Bytes, DeliveryCallback, ProducerRecord, RecordMetadata } from './producer-record.js'
import { bytes, estimatedSize, serializeRecord, type Serializer } from './serializers.js'

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

export interface ProducerOptions<K = Bytes, V = Bytes> extends ClusterOptions {
  /** acks: 'all' (-1, the default), 1 or 0. */
  acks?: 'all' | -1 | 0 | 1
  /** linger.ms: how long a partition's records wait for company (default 5, Kafka 4.0's). */
  lingerMs?: number
  /**
   * batch.size in bytes (default 1000000, librdkafka's, not the Java client's
   * 16384: each request costs a JavaScript client far more than a record, and
   * 16 KiB batches held a 1 KiB-record partition to a sixth of the throughput;
   * linger.ms still cuts batches early, so small loads see no difference).
   */
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
  /** max.block.ms: how long send() and produce() may wait for the topic's metadata and buffer space, together (default 60000). */
  maxBlockMs?: number
  /** max.in.flight.requests.per.connection: unanswered batches per partition (default 5, at most 5 with idempotence). */
  maxInFlight?: number
  /** buffer.memory: bytes of records accepted and not yet delivered or failed, beyond which send() and produce() wait (default 33554432). */
  bufferMemory?: number
  /** max.request.size: the largest record accepted, batch overhead included (default 1048576). */
  maxRequestSize?: number
  /** key.serializer (default: Buffer or string as UTF-8). Not called for a null key. */
  keySerializer?: Serializer<K>
  /** value.serializer (default: Buffer or string as UTF-8). Not called for a null value (a tombstone). */
  valueSerializer?: Serializer<V>
  /** Where produce() reports records given no callback of their own. */
  onDelivery?: DeliveryCallback<K, V>
}

/** A record from its send()/produce() call until its outcome is reported. */
interface Pending<K, V> {
  source: ProducerRecord<K, V>
  record: KafkaRecord
  timestamp: number
  /** Estimated encoded size: what counts against batch.size and buffer.memory. */
  size: number
  /** When it joined its partition's queue: linger.ms and delivery.timeout.ms count from here. */
  enqueuedAtMs: number
  /** send(): its promise; produce(): undefined. */
  resolve: ((m: RecordMetadata) => void) | undefined
  reject: ((e: Error) => void) | undefined
  /** produce(): where the outcome goes; send(): undefined. */
  callback: DeliveryCallback<K, V> | undefined
}

/** What reporting a record's outcome needs (a record refused before it was serialized has no more). */
type Reportable<K, V> = Pick<Pending<K, V>, 'source' | 'resolve' | 'reject' | 'callback'>

interface InFlightBatch<K, V> {
  records: Pending<K, V>[]
  /** The records' sizes, given back to buffer.memory when the batch settles. */
  size: number
  sequence: number
  deadline: number
  /** The encoded batch (producer id, sequence, compression), made once and sent as often as needed. */
  bytes: Promise<Buffer>
  /** An attempt is on the wire (or about to be). */
  attempting: boolean
  settled: boolean
}

interface PartitionQueue<K, V> {
  topic: string
  partition: number
  pending: Pending<K, V>[]
  bytes: number
  timer: NodeJS.Timeout | undefined
  /** Batches sent and not yet answered for good, oldest first. */
  unacked: InFlightBatch<K, V>[]
  /** Attempts are written in this chain's order, which is sequence order. */
  sendChain: Promise<void>
  recovering: boolean
  recoveryRunning: boolean
  nextSequence: number
}

const COMPRESSION: Record<Compression, number> = { none: CompressionType.None, gzip: CompressionType.Gzip, snappy: CompressionType.Snappy, lz4: CompressionType.Lz4, zstd: CompressionType.Zstd }
/** Errors after which the same batch may succeed: refresh metadata and try again. */
const RETRY_WITH_METADATA = new Set<number>([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH])
/** RecordBatch v2's header: counted once per record against max.request.size, as Java's estimateSizeInBytesUpperBound does. */
const BATCH_OVERHEAD_BYTES = 61

/** produce() usually takes a record in at once: one shared settled promise instead of one per call. */
const ACCEPTED: Promise<void> = Promise.resolve()

export class Producer<K = Bytes, V = Bytes> {
  readonly cluster: Cluster
  readonly #acks: number
  readonly #lingerMs: number
  readonly #batchSize: number
  readonly #compression: number
  readonly #idempotent: boolean
  readonly #deliveryTimeoutMs: number
  readonly #retryBackoffMs: number
  readonly #partitioner: PartitionChooser
  readonly #maxBlockMs: number
  readonly #maxInFlight: number
  readonly #buffer: BufferMemory
  readonly #maxRequestSize: number
  /** min(buffer.memory, max.request.size): one comparison on the hot path. */
  readonly #maxRecordSize: number
  readonly #keySerializer: Serializer<K>
  readonly #valueSerializer: Serializer<V>
  readonly #onDelivery: DeliveryCallback<K, V> | undefined
  readonly #queues = new Map<string, PartitionQueue<K, V>>()
  #producerId: Promise<{ id: bigint; epoch: number }> | undefined
  /** The last record that had to wait; the next one that must wait waits for it first. */
  #inOrder: Promise<void> = Promise.resolve()
  /** Records taken by send()/produce() and not yet settled (waiting ones included); flush() waits for 0. */
  #outstanding = 0
  #idleWaiters: (() => void)[] = []
  /** Records waiting for metadata or buffer space: while any does, later ones queue up behind it. */
  #waiting = 0
  #closed = false
  /** Bytes produce() took in since it last let the event loop turn. */
  #bytesSinceTurn = 0

  constructor(opts: ProducerOptions<K, V>) {
    this.cluster = new Cluster(opts)
    this.#acks = opts.acks === undefined || opts.acks === 'all' ? -1 : opts.acks
    this.#idempotent = opts.idempotent ?? this.#acks === -1
    if (this.#idempotent && this.#acks !== -1) throw new KafkaClientError('enable.idempotence needs acks=all', false)
    this.#lingerMs = opts.lingerMs ?? 5
    this.#batchSize = opts.batchSize ?? 1_000_000
    this.#compression = COMPRESSION[opts.compression ?? 'none']
    this.#deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 120_000
    this.#retryBackoffMs = opts.retryBackoffMs ?? 100
    this.#partitioner = new PartitionChooser(opts.partitioner ?? 'default')
    this.#maxBlockMs = opts.maxBlockMs ?? 60_000
    this.#maxInFlight = opts.maxInFlight ?? 5
    if (this.#maxInFlight < 1 || (this.#idempotent && this.#maxInFlight > 5)) throw new KafkaClientError('max.in.flight.requests.per.connection must be 1-5 with idempotence (at least 1 without)', false)
    const bufferMemory = opts.bufferMemory ?? 33_554_432
    this.#maxRequestSize = opts.maxRequestSize ?? 1_048_576
    if (!(bufferMemory > 0) || !(this.#maxRequestSize > 0)) throw new KafkaClientError('buffer.memory and max.request.size must be positive', false)
    this.#buffer = new BufferMemory(bufferMemory)
    this.#maxRecordSize = Math.min(bufferMemory, this.#maxRequestSize)
    // Without a serializer, keys and values must be Bytes: K and V keep their
    // default, and bytes() refuses anything else at run time.
    this.#keySerializer = opts.keySerializer ?? (bytes as Serializer<unknown> as Serializer<K>)
    this.#valueSerializer = opts.valueSerializer ?? (bytes as Serializer<unknown> as Serializer<V>)
    this.#onDelivery = opts.onDelivery
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

  /** Sends one record; resolves once the broker has it (per `acks`), rejects if it cannot be delivered. */
  send(r: ProducerRecord<K, V>): Promise<RecordMetadata> {
    return new Promise((resolve, reject) => {
      // The returned promise is ignored: send()'s outcome is this one, and #accept's never rejects.
      void this.#accept(r, resolve, reject, undefined)
    })
  }

  /**
   * Takes one record into the buffer; resolves once it is in (at once, unless
   * the buffer is full or the topic's metadata unknown), never rejects. The
   * outcome goes to `onDelivery`, else to the options' `onDelivery`; a call
   * with neither throws, since a failure would have nowhere to go.
   */
  produce(r: ProducerRecord<K, V>, onDelivery?: DeliveryCallback<K, V>): Promise<void> {
    const callback = onDelivery ?? this.#onDelivery
    if (callback === undefined) throw new KafkaClientError('produce() needs somewhere to report the delivery: pass a callback, or set onDelivery in the options', false)
    return this.#accept(r, undefined, undefined, callback)
  }

  /**
   * Serializes the record and queues it, at once if nothing stands in the way
   * (fresh metadata, room in the buffer, no earlier record waiting), else after
   * those waits. Resolves when it is queued or refused; never rejects.
   */
  #accept(r: ProducerRecord<K, V>, resolve: Pending<K, V>['resolve'], reject: Pending<K, V>['reject'], callback: Pending<K, V>['callback']): Promise<void> {
    this.#outstanding++
    let record: KafkaRecord
    let size: number
    try {
      if (this.#closed) throw new KafkaClientError('the producer is closed', false)
      record = serializeRecord(r, this.#keySerializer, this.#valueSerializer)
      size = this.#checkedSize(record)
    } catch (e) {
      this.#refuse({ source: r, resolve, reject, callback }, e as Error)
      return ACCEPTED
    }
    // Built whole, each field holding its final kind of value: a field that goes from a
    // small integer to a double (0, then Date.now()) changes hidden classes mid-stream
    // (see #encode).
    const now = Date.now()
    const p: Pending<K, V> = { source: r, record, timestamp: r.timestamp ?? now, size, enqueuedAtMs: now, resolve, reject, callback }
    const partitions = this.#waiting === 0 && this.#buffer.fits(size) ? this.cluster.cachedPartitions(r.topic) : undefined
    if (partitions) {
      this.#enqueue(p, partitions)
      // A loop of `await produce()` that always resolved at once would never leave the
      // microtask queue: no socket read, no linger timer, until buffer.memory is full.
      // Once per batch.size bytes taken in, resolve after the event loop's next turn.
      if (callback === undefined || (this.#bytesSinceTurn += p.size) < this.#batchSize) return ACCEPTED
      this.#bytesSinceTurn = 0
      return new Promise((resolve) => setImmediate(resolve))
    }
    return this.#acceptLater(p, now + this.#maxBlockMs)
  }

  /**
   * Queues the record once the records before it are queued, its topic's
   * metadata is known and buffer.memory has room for it, by `deadline`.
   * Serialized through #inOrder, so records are queued in call order, as the
   * Java client's send() keeps them by blocking its caller.
   */
  #acceptLater(p: Pending<K, V>, deadline: number): Promise<void> {
    this.#waiting++
    const topic = p.source.topic
    const turn = this.#inOrder.then(async () => {
      let partitions: PartitionInfo[]
      try {
        partitions = this.cluster.cachedPartitions(topic) ?? (await this.#retrying(deadline, () => this.cluster.partitions(topic)))
        if (!this.#buffer.fits(p.size)) {
          // As Java's RecordAccumulator does while its pool is exhausted: send what
          // is queued now, not after linger.ms, to free the room sooner.
          for (const q of this.#queues.values()) this.#drain(q, true)
          await this.#buffer.waitFor(p.size, deadline, this.#maxBlockMs)
        }
      } catch (e) {
        this.#waiting--
        return this.#refuse(p, e as Error)
      }
      // No await from here to the queue: room found is room kept.
      p.enqueuedAtMs = Date.now()
      this.#waiting--
      this.#enqueue(p, partitions)
    })
    this.#inOrder = turn
    return turn
  }

  /** The record's estimated size (what counts against batch.size and buffer.memory); throws MESSAGE_TOO_LARGE. */
  #checkedSize(record: KafkaRecord): number {
    const size = estimatedSize(record)
    // Java checks the record with a batch header of its own (estimateSizeInBytesUpperBound).
    const serialized = size + BATCH_OVERHEAD_BYTES
    if (serialized <= this.#maxRecordSize) return size
    const limit = serialized > this.#maxRequestSize ? `${this.#maxRequestSize}, which is the value of the max.request.size configuration` : `the total memory buffer you have configured with the buffer.memory configuration (${this.#buffer.totalBytes})`
    throw new KafkaProtocolError(ErrorCode.MESSAGE_TOO_LARGE, `The message is ${serialized} bytes when serialized which is larger than ${limit}.`)
  }

  /** Puts a serialized record in its partition's queue, holding its size against buffer.memory. */
  #enqueue(p: Pending<K, V>, partitions: PartitionInfo[]): void {
    const r = p.source
    let partition: number
    try {
      partition = r.partition ?? this.#partitioner.choose(r.topic, p.record.key, partitions.length)
    } catch (e) {
      return this.#refuse(p, e as Error) // the application's partitioner threw
    }
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitions.length) return this.#refuse(p, new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${r.topic} has no partition ${partition}`))
    const q = this.#queue(r.topic, partition)
    q.pending.push(p)
    q.bytes += p.size
    this.#buffer.take(p.size)
    if (q.bytes >= this.#batchSize || this.#lingerMs === 0) this.#drain(q, true)
    else
      q.timer ??= setTimeout(() => {
        q.timer = undefined
        this.#drain(q)
      }, this.#lingerMs)
  }

  /** A record that never reached a queue: report it (later, never inside the call that made it) and stop counting it. */
  #refuse(p: Reportable<K, V>, error: Error): void {
    this.#release(1, 0)
    const metadata: RecordMetadata = { topic: p.source.topic, partition: p.source.partition ?? -1, offset: -1n, timestamp: -1 }
    if (p.callback === undefined) p.reject!(error)
    else queueMicrotask(() => this.#report(p, error, metadata))
  }

  /** Records settled: give their bytes back to buffer.memory, wake a record waiting for room, and flush() once none is left. */
  #release(records: number, size: number): void {
    this.#outstanding -= records
    this.#buffer.release(size)
    if (this.#outstanding === 0) for (const w of this.#idleWaiters.splice(0)) w()
  }

  #report(p: Reportable<K, V>, error: Error | null, metadata: RecordMetadata): void {
    if (p.callback === undefined) {
      if (error === null) p.resolve!(metadata)
      else p.reject!(error)
      return
    }
    try {
      p.callback(error, metadata, p.source)
    } catch (e) {
      // The application's bug, not the producer's: let it surface as an uncaught
      // exception (as one thrown by an EventEmitter listener would), but only after
      // the producer has finished settling the batch it was reporting.
      process.nextTick(() => {
        throw e
      })
    }
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

  #queue(topic: string, partition: number): PartitionQueue<K, V> {
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
  #drain(q: PartitionQueue<K, V>, force = false): void {
    const due = () => force || q.bytes >= this.#batchSize || (q.pending.length > 0 && Date.now() - q.pending[0]!.enqueuedAtMs >= this.#lingerMs)
    while (!q.recovering && q.unacked.length < this.#maxInFlight && q.pending.length > 0 && due()) {
      let bytes = 0
      let n = 0
      while (n < q.pending.length && (n === 0 || bytes + q.pending[n]!.size <= this.#batchSize)) bytes += q.pending[n++]!.size
      const records = q.pending.splice(0, n)
      q.bytes -= bytes
      this.#partitioner.onNewBatch(q.topic, q.partition)
      // Sequence numbers are given in the order batches are cut, which is the order they are sent.
      const sequence = this.#idempotent ? q.nextSequence : NO_SEQUENCE
      if (this.#idempotent) q.nextSequence = (q.nextSequence + records.length) & 0x7fffffff
      const b: InFlightBatch<K, V> = { records, size: bytes, sequence, deadline: records[0]!.enqueuedAtMs + this.#deliveryTimeoutMs, bytes: this.#encode(records, sequence), attempting: true, settled: false }
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

  async #encode(batch: Pending<K, V>[], sequence: number): Promise<Buffer> {
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

  #body(q: PartitionQueue<K, V>, records: Buffer) {
    return { ...ProduceApi.request.create(), transactionalId: null, acks: this.#acks, timeoutMs: 30_000, topicData: [{ name: q.topic, partitionData: [{ index: q.partition, records }] }] }
  }

  /**
   * Writes one attempt of a batch (in the partition's send order: the caller
   * chains these) and handles its answer when it comes, without waiting for it.
   */
  async #attempt(q: PartitionQueue<K, V>, b: InFlightBatch<K, V>): Promise<void> {
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
        return this.#settle(q, b, null)
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

  async #leaderConnection(q: PartitionQueue<K, V>) {
    const partitions = await this.cluster.partitions(q.topic)
    return this.cluster.connection(partitions[q.partition]?.leader ?? -1)
  }

  /** Resolves the batch's records from a Produce answer; returns the error instead when there is one. */
  #resolveFromAnswer(q: PartitionQueue<K, V>, b: InFlightBatch<K, V>, res: ProduceResponse): Error | null {
    const r = res.responses[0]?.partitionResponses[0]
    if (!r) return new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, 'Produce answer without the partition')
    if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.DUPLICATE_SEQUENCE_NUMBER) return new KafkaProtocolError(r.errorCode, r.errorMessage)
    this.#settle(q, b, null, r.baseOffset, Number(r.logAppendTimeMs))
    return null
  }

  /**
   * A batch's outcome: `error`, or written at `baseOffset` (-1n: unknown, as
   * with acks=0) with the broker's LogAppendTime if the topic uses it (else -1).
   */
  #settle(q: PartitionQueue<K, V>, b: InFlightBatch<K, V>, error: Error | null, baseOffset = -1n, logAppendTimeMs = -1): void {
    b.attempting = false
    if (b.settled) return
    b.settled = true
    const at = q.unacked.indexOf(b)
    if (at >= 0) q.unacked.splice(at, 1)
    // The producer's state first, the reports after: a callback may produce or flush.
    this.#release(b.records.length, b.size)
    const records = b.records
    for (let i = 0; i < records.length; i++) {
      const p = records[i]!
      const metadata: RecordMetadata =
        error !== null
          ? { topic: q.topic, partition: q.partition, offset: -1n, timestamp: -1 }
          : { topic: q.topic, partition: q.partition, offset: baseOffset >= 0n ? baseOffset + BigInt(i) : -1n, timestamp: logAppendTimeMs >= 0 ? logAppendTimeMs : p.timestamp }
      this.#report(p, error, metadata)
    }
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
  #onFailure(q: PartitionQueue<K, V>, b: InFlightBatch<K, V>, error: Error): void {
    b.attempting = false
    if (b.settled) return
    const behindAnother = q.unacked[0] !== b
    const retriable = (error instanceof KafkaClientError && error.retriable) || (error instanceof KafkaProtocolError && error.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && behindAnother)
    if (!retriable || Date.now() + this.#retryBackoffMs >= b.deadline) {
      this.#settle(q, b, error)
      return this.#maybeRecover(q)
    }
    if (error instanceof KafkaProtocolError && RETRY_WITH_METADATA.has(error.errorCode)) void this.cluster.refresh([q.topic]).catch(() => undefined)
    q.recovering = true
    this.#maybeRecover(q)
  }

  #maybeRecover(q: PartitionQueue<K, V>): void {
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
  async #deliverOne(q: PartitionQueue<K, V>, b: InFlightBatch<K, V>): Promise<void> {
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
      this.#settle(q, b, e as Error)
    }
  }
}
