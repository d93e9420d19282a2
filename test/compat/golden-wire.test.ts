/**
 * Golden tests: request and response bytes captured from real clients
 * (kcat/librdkafka 2.0.2, kafkajs 2.2.4, kafka-python 2.0.2) talking to
 * librdkafka's mock cluster, and from @platformatic/kafka 1.35.0 (flexible
 * versions) talking to a responder built on Brook's own codecs
 * (`"responseAuthor": "brook"`: only its request bytes are independent),
 * kept in test/fixtures/wire/ (see scripts/capture-wire/). Each must decode
 * to what the client was told to send, and re-encode to the identical bytes.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/protocol/frame.js'
import type { ApiVersionsRequest, FetchResponse, MetadataRequest, ProduceRequest } from '../../src/protocol/messages/index.js'
import { decodeRecordBatches } from '../../src/protocol/records/record-batch.js'
import { decodeLegacyMessageSet } from '../../src/protocol/records/legacy-message-set.js'

// Compiled to dist/test/compat/; the fixtures stay in the source tree.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/wire')

interface ExpectedRecord {
  key: string | null
  value: string | null
  headers?: { key: string; value: string | null }[]
}

interface Fixture {
  file: string
  client: string
  apiKey: number
  apiName: string
  apiVersion: number
  correlationId: number
  request: string
  response: string | null
  /** 'brook' when the response bytes were written by Brook's codecs, not by an independent broker. */
  responseAuthor?: string
  expect: {
    topic?: string
    /** Fetch v13+ names topics by id (KIP-516). */
    topicId?: string
    topics?: string[]
    partition?: number
    codec?: string
    magic?: number
    acks?: number
    transactionalId?: string | null
    producerId?: number
    producerEpoch?: number
    baseSequence?: number
    clientSoftwareName?: string
    clientSoftwareVersion?: string
    records?: ExpectedRecord[]
    batches?: { codec: string; magic: number; baseOffset: number; records: ExpectedRecord[] }[]
  }
}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

const fixtures: Fixture[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) }))

/**
 * librdkafka 2.0.2's mock answers an ApiVersions version it does not support
 * with a body that is neither v0 nor v3 (a count byte, then v0-style entries).
 * A real Kafka broker answers in v0; Brook's broker tests cover that.
 */
const MOCK_QUIRKS = new Set(['kcat-apiversions-v3.json'])

function recordsOf(batchBytes: Buffer, magic: number): { codec: string; records: ExpectedRecord[]; baseOffset: number }[] {
  const str = (b: Buffer | null) => (b === null ? null : b.toString('utf8'))
  if (magic === 2) {
    const { batches, partialTail } = decodeRecordBatches(batchBytes)
    assert.equal(partialTail, false)
    return batches.map((b) => ({
      codec: CODECS[b.attributes & 7]!,
      baseOffset: b.baseOffset,
      records: b.records.map((r) => ({ key: str(r.key), value: str(r.value), headers: r.headers.map((h) => ({ key: h.key, value: str(h.value) })) })),
    }))
  }
  const set = decodeLegacyMessageSet(batchBytes)
  assert.equal(set.partialTailBytes, 0)
  return set.entries.map((e) => ({
    codec: CODECS[e.outer.attributes & 7]!,
    baseOffset: e.messages[0]!.offset,
    records: e.messages.map((m) => {
      assert.equal(m.magic, magic, 'message magic')
      return { key: str(m.key), value: str(m.value) }
    }),
  }))
}

function withoutHeaders(rs: ExpectedRecord[]): ExpectedRecord[] {
  return rs.map(({ key, value }) => ({ key, value }))
}

describe('golden wire fixtures from real clients', () => {
  test('fixtures cover kcat Produce with every codec, kcat Metadata, kafkajs Produce and Fetch, and legacy formats', () => {
    const names = new Set(fixtures.map((f) => f.file))
    for (const codec of CODECS) assert.ok(names.has(`kcat-produce-v7-${codec}.json`), codec)
    for (const f of ['kcat-metadata-v2-golden.json', 'kafkajs-produce-v7-none.json', 'kafkajs-fetch-v11-records-none.json', 'kcat-produce-v1-magic0-lz4.json', 'kafka-python-produce-v2-magic1-gzip.json']) {
      assert.ok(names.has(f), f)
    }
  })

  test('fixtures cover @platformatic/kafka at flexible versions: Produce with each codec it has on Node 20, Metadata, Fetch', () => {
    const names = new Set(fixtures.map((f) => f.file))
    // No zstd: the client compresses it with node:zlib, which has no zstd on Node 20.
    for (const codec of ['none', 'gzip', 'snappy', 'lz4']) assert.ok(names.has(`platformatic-produce-v11-${codec}.json`), codec)
    for (const f of ['platformatic-apiversions-v3.json', 'platformatic-metadata-v12.json', 'platformatic-fetch-v17-records.json', 'platformatic-produce-v11-none-idempotent.json']) {
      assert.ok(names.has(f), f)
    }
    for (const fx of fixtures.filter((f) => f.file.startsWith('platformatic-'))) assert.equal(fx.responseAuthor, 'brook', fx.file)
  })

  for (const fx of fixtures) {
    test(`${fx.file}: ${fx.client} ${fx.apiName} v${fx.apiVersion}`, () => {
      const requestBytes = Buffer.from(fx.request, 'hex')
      const req = decodeRequest(requestBytes)
      assert.equal(req.header.requestApiKey, fx.apiKey)
      assert.equal(req.header.requestApiVersion, fx.apiVersion)
      assert.equal(req.header.correlationId, fx.correlationId)
      assert.equal(req.api.name, fx.apiName)
      const reencoded = encodeRequest(
        { apiKey: fx.apiKey, apiVersion: fx.apiVersion, correlationId: fx.correlationId, clientId: req.header.clientId },
        req.body,
      )
      assert.ok(reencoded.subarray(4).equals(requestBytes), 'request re-encodes to identical bytes')

      if (fx.apiName === 'Produce') {
        const body = req.body as ProduceRequest
        const topic = body.topicData.find((t) => t.name === fx.expect.topic)
        assert.ok(topic, `topic ${fx.expect.topic}`)
        const partition = topic.partitionData.find((p) => p.index === fx.expect.partition)
        assert.ok(partition?.records, 'records for the partition')
        if (fx.expect.acks !== undefined) assert.equal(body.acks, fx.expect.acks, 'acks')
        if (fx.expect.transactionalId !== undefined) assert.equal(body.transactionalId, fx.expect.transactionalId, 'transactionalId')
        if (fx.expect.producerId !== undefined) {
          const [batch] = decodeRecordBatches(partition.records).batches
          assert.deepEqual(
            { producerId: batch!.producerId, producerEpoch: batch!.producerEpoch, baseSequence: batch!.baseSequence },
            { producerId: fx.expect.producerId, producerEpoch: fx.expect.producerEpoch, baseSequence: fx.expect.baseSequence },
            'idempotent producer fields of the batch',
          )
        }
        const batches = recordsOf(partition.records, fx.expect.magic!)
        // One v2 batch or one compressed wrapper; an uncompressed legacy set has one entry per message.
        const uncompressedLegacy = fx.expect.magic !== 2 && fx.expect.codec === 'none'
        assert.deepEqual(batches.map((b) => b.codec), uncompressedLegacy ? fx.expect.records!.map(() => 'none') : [fx.expect.codec], 'the codec asked for')
        const got = batches.flatMap((b) => b.records)
        const want = fx.expect.magic === 2 ? fx.expect.records!.map((r) => ({ headers: [], ...r })) : withoutHeaders(fx.expect.records!)
        assert.deepEqual(got, want, 'the records the client was given')
      }
      if (fx.apiName === 'Metadata' && fx.expect.topics) {
        const body = req.body as MetadataRequest
        assert.deepEqual(body.topics?.map((t) => t.name), fx.expect.topics)
      }
      if (fx.apiName === 'ApiVersions' && fx.expect.clientSoftwareName !== undefined) {
        const body = req.body as ApiVersionsRequest
        assert.deepEqual(
          { name: body.clientSoftwareName, version: body.clientSoftwareVersion },
          { name: fx.expect.clientSoftwareName, version: fx.expect.clientSoftwareVersion },
        )
      }

      if (fx.response === null || MOCK_QUIRKS.has(fx.file)) return
      const responseBytes = Buffer.from(fx.response, 'hex')
      const res = decodeResponse(fx.apiKey, fx.apiVersion, responseBytes)
      assert.equal(res.correlationId, fx.correlationId)
      const again = encodeResponse(fx.apiKey, fx.apiVersion, res.correlationId, res.body)
      assert.ok(again.subarray(4).equals(responseBytes), 'response re-encodes to identical bytes')

      if (fx.apiName === 'Fetch') {
        const body = res.body as FetchResponse
        // Up to v12 the response names the topic; from v13 only its id.
        const topic = body.responses.find((t) => (fx.apiVersion >= 13 ? t.topicId === fx.expect.topicId : t.topic === fx.expect.topic))
        const partition = topic?.partitions.find((p) => p.partitionIndex === fx.expect.partition)
        assert.ok(partition?.records, 'fetched records')
        const batches = recordsOf(partition.records, 2)
        assert.deepEqual(batches, fx.expect.batches!.map((b) => ({ codec: b.codec, baseOffset: b.baseOffset, records: b.records.map((r) => ({ headers: [], ...r })) })))
      }
    })
  }
})
