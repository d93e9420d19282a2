/**
 * A minimal Kafka client over node:net built on Brook's own codecs, for tests
 * that must send exactly the bytes they want (bad batches, acks=2, invalid
 * names) and read the error codes back: connect, send a request, read one
 * size-prefixed response frame, decode it.
 *
 * The broker answers in request order on a connection, so responses are
 * matched to requests first-in first-out (and the correlation id is checked).
 */
import { connect, type Socket } from 'node:net'
import { decodeResponse, encodeRequest } from '../../src/protocol/frame.js'
import {
  CreateTopicsApi,
  FetchApi,
  ListOffsetsApi,
  MetadataApi,
  ProduceApi,
  defaultCreateTopicsRequestCreatableTopic,
  defaultFetchRequestPartition,
  defaultFetchRequestTopic,
  defaultListOffsetsRequestPartition,
  defaultListOffsetsRequestTopic,
  defaultMetadataRequestTopic,
  defaultProduceRequestPartitionProduceData,
  defaultProduceRequestTopicProduceData,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
  type CreateTopicsResponseCreatableTopicResult,
  type FetchRequest,
  type FetchResponse,
  type FetchResponsePartitionData,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsResponsePartitionResponse,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseTopic,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from '../../src/protocol/messages/index.js'
import type { ApiSpec } from '../../src/protocol/message-spec.js'
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/records/record-batch.js'
import type { RecordBatch } from '../../src/protocol/records/record.js'

interface Pending {
  apiKey: number
  apiVersion: number
  correlationId: number
  resolve: (frame: Buffer) => void
  reject: (e: Error) => void
}

export class RawClient {
  readonly #socket: Socket
  readonly #pending: Pending[] = []
  #buf: Buffer = Buffer.alloc(0)
  #nextCorrelationId = 1
  #closed = false

  private constructor(socket: Socket) {
    this.#socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk])
      while (this.#buf.length >= 4) {
        const size = this.#buf.readInt32BE(0)
        if (this.#buf.length < 4 + size) break
        const frame = this.#buf.subarray(4, 4 + size)
        this.#buf = this.#buf.subarray(4 + size)
        const p = this.#pending.shift()
        if (p) p.resolve(frame)
      }
    })
    const fail = (e: Error) => {
      this.#closed = true
      for (const p of this.#pending.splice(0)) p.reject(e)
    }
    socket.on('error', (e) => fail(e))
    socket.on('close', () => fail(new Error('connection closed by the broker')))
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => {
        s.off('error', reject)
        resolve(new RawClient(s))
      })
      s.once('error', reject)
    })
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Sends one request and resolves with the decoded response body. */
  async request<Req, Res>(api: ApiSpec<Req, Res>, apiVersion: number, body: Req): Promise<Res> {
    const correlationId = this.#nextCorrelationId++
    const frame = encodeRequest({ apiKey: api.apiKey, apiVersion, correlationId, clientId: 'raw-client' }, body)
    const response = await this.#send(api.apiKey, apiVersion, correlationId, frame)
    const decoded = decodeResponse<Res>(api.apiKey, apiVersion, response)
    if (decoded.correlationId !== correlationId) throw new Error(`correlation id ${decoded.correlationId}, expected ${correlationId}`)
    return decoded.body
  }

  /** Like `request`, by api key, for tests that build bodies by hand. */
  async call<Res>(apiKey: number, apiVersion: number, body: unknown): Promise<Res> {
    const correlationId = this.#nextCorrelationId++
    const frame = encodeRequest({ apiKey, apiVersion, correlationId, clientId: 'raw-client' }, body)
    const decoded = decodeResponse<Res>(apiKey, apiVersion, await this.#send(apiKey, apiVersion, correlationId, frame))
    if (decoded.correlationId !== correlationId) throw new Error(`correlation id ${decoded.correlationId}, expected ${correlationId}`)
    return decoded.body
  }

  #send(apiKey: number, apiVersion: number, correlationId: number, frame: Buffer): Promise<Buffer> {
    if (this.#closed) return Promise.reject(new Error('connection is closed'))
    return new Promise((resolve, reject) => {
      this.#pending.push({ apiKey, apiVersion, correlationId, resolve, reject })
      this.#socket.write(frame)
    })
  }

  close(): Promise<void> {
    if (this.#closed || this.#socket.destroyed) return Promise.resolve()
    return new Promise((resolve) => {
      this.#socket.once('close', () => resolve())
      this.#socket.end()
    })
  }

  // ------------------------------------------------------------ conveniences

  /** Produce v9 to one partition; returns that partition's response. */
  async produce(topic: string, partition: number, records: Buffer, opts: { acks?: number; version?: number } = {}): Promise<ProduceResponsePartitionProduceResponse> {
    const body: ProduceRequest = {
      ...ProduceApi.request.create(),
      acks: opts.acks ?? 1,
      timeoutMs: 10_000,
      topicData: [{ ...defaultProduceRequestTopicProduceData(), name: topic, partitionData: [{ ...defaultProduceRequestPartitionProduceData(), index: partition, records }] }],
    }
    const res: ProduceResponse = await this.request(ProduceApi, opts.version ?? 9, body)
    return res.responses[0]!.partitionResponses[0]!
  }

  /** Fetch v12 (topic names) of one partition, no waiting. */
  async fetch(topic: string, partition: number, fetchOffset: bigint, opts: { maxBytes?: number } = {}): Promise<FetchResponsePartitionData> {
    const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024
    const body: FetchRequest = {
      ...FetchApi.request.create(),
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes,
      topics: [{ ...defaultFetchRequestTopic(), topic, partitions: [{ ...defaultFetchRequestPartition(), partition, fetchOffset, partitionMaxBytes: maxBytes }] }],
    }
    const res: FetchResponse = await this.request(FetchApi, 12, body)
    return res.responses[0]!.partitions[0]!
  }

  /** ListOffsets v7 of one partition: -1 latest, -2 earliest, or a timestamp. */
  async listOffset(topic: string, partition: number, timestamp: bigint): Promise<ListOffsetsResponsePartitionResponse> {
    const body: ListOffsetsRequest = {
      ...ListOffsetsApi.request.create(),
      replicaId: -1,
      topics: [{ ...defaultListOffsetsRequestTopic(), name: topic, partitions: [{ ...defaultListOffsetsRequestPartition(), partitionIndex: partition, timestamp }] }],
    }
    const res: ListOffsetsResponse = await this.request(ListOffsetsApi, 7, body)
    return res.topics[0]!.partitions[0]!
  }

  /** Metadata v12 for these topics (no auto-creation unless asked). */
  async metadata(topics: string[], allowAutoTopicCreation = false): Promise<MetadataResponseTopic[]> {
    const body: MetadataRequest = {
      ...MetadataApi.request.create(),
      topics: topics.map((name) => ({ ...defaultMetadataRequestTopic(), name })),
      allowAutoTopicCreation,
    }
    const res: MetadataResponse = await this.request(MetadataApi, 12, body)
    return res.topics
  }

  /** Names of every topic (Metadata v12 with topics null). */
  async listTopics(): Promise<string[]> {
    const res: MetadataResponse = await this.request(MetadataApi, 12, { ...MetadataApi.request.create(), topics: null })
    return res.topics.map((t) => t.name ?? '').sort()
  }

  /** CreateTopics v7 of one topic. */
  async createTopic(name: string, opts: { partitions?: number; replicationFactor?: number; configs?: Record<string, string> } = {}): Promise<CreateTopicsResponseCreatableTopicResult> {
    const body: CreateTopicsRequest = {
      ...CreateTopicsApi.request.create(),
      timeoutMs: 10_000,
      topics: [{
        ...defaultCreateTopicsRequestCreatableTopic(),
        name,
        numPartitions: opts.partitions ?? 1,
        replicationFactor: opts.replicationFactor ?? 1,
        configs: Object.entries(opts.configs ?? {}).map(([k, value]) => ({ name: k, value })),
      }],
    }
    const res: CreateTopicsResponse = await this.request(CreateTopicsApi, 7, body)
    return res.topics[0]!
  }

  /**
   * Every record of a partition from the log start to the high watermark, in
   * fetch order, with its offset. Bounded: at most `maxFetches` fetches.
   */
  async readPartition(topic: string, partition: number, maxFetches = 10_000): Promise<{ logStartOffset: bigint; highWatermark: bigint; records: StoredRecord[] }> {
    const earliest = await this.listOffset(topic, partition, -2n)
    const latest = await this.listOffset(topic, partition, -1n)
    if (earliest.errorCode !== 0 || latest.errorCode !== 0) throw new Error(`ListOffsets error ${earliest.errorCode}/${latest.errorCode} for ${topic}-${partition}`)
    const records: StoredRecord[] = []
    let next = earliest.offset
    for (let i = 0; i < maxFetches && next < latest.offset; i++) {
      const data = await this.fetch(topic, partition, next)
      if (data.errorCode !== 0) throw new Error(`Fetch error ${data.errorCode} at ${next} for ${topic}-${partition}`)
      const { batches } = decodeRecordBatches(data.records ?? Buffer.alloc(0))
      if (batches.length === 0) throw new Error(`Fetch at ${next} of ${topic}-${partition} returned no batch below the high watermark ${latest.offset}`)
      for (const b of batches) {
        for (const r of b.records) {
          const offset = BigInt(b.baseOffset + r.offsetDelta)
          if (offset < next) continue
          records.push({ offset, key: r.key?.toString('utf8') ?? null, value: r.value?.toString('utf8') ?? null })
        }
        next = BigInt(b.baseOffset + b.lastOffsetDelta + 1)
      }
    }
    return { logStartOffset: earliest.offset, highWatermark: latest.offset, records }
  }
}

export interface StoredRecord {
  offset: bigint
  key: string | null
  value: string | null
}

/** A v2 record batch (uncompressed, no producer id) holding these key/value pairs. */
export function makeBatch(records: { key: string | null; value: string | null }[], timestamp = Date.now()): Buffer {
  const batch: RecordBatch = {
    baseOffset: 0,
    partitionLeaderEpoch: -1,
    attributes: 0,
    lastOffsetDelta: records.length - 1,
    baseTimestamp: timestamp,
    maxTimestamp: timestamp,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    records: records.map((r, i) => ({
      attributes: 0,
      timestampDelta: 0,
      offsetDelta: i,
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: [],
    })),
  }
  return encodeRecordBatch(batch)
}
