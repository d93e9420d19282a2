/**
 * The admin and producer-id APIs against a real broker (in-process, port 0)
 * over TCP: kafkajs's admin client for the everyday calls, librdkafka
 * (python3-confluent-kafka, kcat) for idempotent produce with every codec,
 * and Brook's own codecs over a node:net socket for the error cases no
 * client library lets through (each bad input gets Kafka's error code).
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import * as m from '../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js'
import { randomUuid, ZERO_UUID } from '../../src/protocol/uuid.js'
import { RawClient } from './raw-client.js'

const require = createRequire(import.meta.url)
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs')
const run = promisify(execFile)

const API = {
  Produce: 0, Fetch: 1, ListOffsets: 2, CreateTopics: 19, DeleteTopics: 20, DeleteRecords: 21, InitProducerId: 22,
  OffsetForLeaderEpoch: 23, DescribeConfigs: 32, AlterConfigs: 33, DescribeLogDirs: 35, CreatePartitions: 37,
  IncrementalAlterConfigs: 44, DescribeCluster: 60, DescribeProducers: 61,
} as const
const TOPIC = 2
const BROKER = 4
const BROKER_LOGGER = 8

let broker: RunningBroker
let raw: RawClient
const kafka = () => new Kafka({ clientId: 'admin-apis-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } })

async function createTopic(name: string, numPartitions = 1, configs: Record<string, string> = {}): Promise<void> {
  const res = await raw.call<m.CreateTopicsResponse>(API.CreateTopics, 5, {
    ...m.defaultCreateTopicsRequest(),
    timeoutMs: 5000,
    topics: [{ ...m.defaultCreateTopicsRequestCreatableTopic(), name, numPartitions, replicationFactor: 1, configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }],
  })
  assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE, res.topics[0]!.errorMessage ?? '')
}

async function produce(topic: string, values: string[], partition = 0): Promise<void> {
  const now = Date.now()
  const records = encodeRecordBatch({
    baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, lastOffsetDelta: values.length - 1, baseTimestamp: now, maxTimestamp: now,
    producerId: -1, producerEpoch: -1, baseSequence: -1,
    records: values.map((v, i) => ({ attributes: 0, timestampDelta: 0, offsetDelta: i, key: null, value: Buffer.from(v), headers: [] })),
  })
  const res = await raw.call<m.ProduceResponse>(API.Produce, 7, { ...m.defaultProduceRequest(), acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] })
  assert.equal(res.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE)
}

async function listOffset(topic: string, timestamp: bigint, partition = 0): Promise<bigint> {
  const res = await raw.call<m.ListOffsetsResponse>(API.ListOffsets, 4, {
    ...m.defaultListOffsetsRequest(),
    topics: [{ name: topic, partitions: [{ ...m.defaultListOffsetsRequestPartition(), partitionIndex: partition, timestamp }] }],
  })
  return res.topics[0]!.partitions[0]!.offset
}

before(async () => {
  broker = await startBroker({ config: { 'num.partitions': '1' } })
  raw = await RawClient.connect(broker.port)
})
after(async () => {
  await raw?.close()
  await broker?.close()
})

describe('DeleteTopics', () => {
  test('kafkajs deletes topics by name', async () => {
    const admin = kafka().admin()
    await admin.connect()
    try {
      await admin.createTopics({ topics: [{ topic: 'del-a' }, { topic: 'del-b' }] })
      await admin.deleteTopics({ topics: ['del-a', 'del-b'] })
      const left = await admin.listTopics()
      assert.ok(!left.includes('del-a') && !left.includes('del-b'), `still listed: ${left}`)
    } finally {
      await admin.disconnect()
    }
  })

  test('v6 by topic id; unknown id, unknown name, name and id both, neither, duplicates', async () => {
    await createTopic('del-by-id')
    const res0 = await raw.call<m.MetadataResponse>(3, 12, { ...m.defaultMetadataRequest(), topics: [{ topicId: ZERO_UUID, name: 'del-by-id' }] })
    const topicId = res0.topics[0]!.topicId
    const unknownId = randomUuid()
    const res = await raw.call<m.DeleteTopicsResponse>(API.DeleteTopics, 6, {
      ...m.defaultDeleteTopicsRequest(),
      timeoutMs: 5000,
      topics: [
        { name: null, topicId },
        { name: null, topicId: unknownId },
        { name: 'no-such-topic', topicId: ZERO_UUID },
        { name: 'x', topicId: unknownId },
        { name: null, topicId: ZERO_UUID },
        { name: 'dup', topicId: ZERO_UUID },
        { name: 'dup', topicId: ZERO_UUID },
      ],
    })
    const codes = res.responses.map((r) => [r.name, r.errorCode])
    assert.deepEqual(codes, [
      ['del-by-id', ErrorCode.NONE],
      [null, ErrorCode.UNKNOWN_TOPIC_ID],
      ['no-such-topic', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['x', ErrorCode.INVALID_REQUEST],
      [null, ErrorCode.INVALID_REQUEST],
      ['dup', ErrorCode.INVALID_REQUEST],
      ['dup', ErrorCode.INVALID_REQUEST],
    ])
    assert.equal(res.responses[0]!.topicId, topicId)
    const again = await raw.call<m.DeleteTopicsResponse>(API.DeleteTopics, 1, { ...m.defaultDeleteTopicsRequest(), topicNames: ['del-by-id'], timeoutMs: 1000 })
    assert.equal(again.responses[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  test('delete.topic.enable=false: TOPIC_DELETION_DISABLED (v3+), INVALID_REQUEST (v0-v2)', async () => {
    const b = await startBroker({ config: { 'delete.topic.enable': 'false' } })
    const c = await RawClient.connect(b.port)
    try {
      const v3 = await c.call<m.DeleteTopicsResponse>(API.DeleteTopics, 3, { ...m.defaultDeleteTopicsRequest(), topicNames: ['t'], timeoutMs: 1000 })
      assert.equal(v3.responses[0]!.errorCode, ErrorCode.TOPIC_DELETION_DISABLED)
      const v2 = await c.call<m.DeleteTopicsResponse>(API.DeleteTopics, 2, { ...m.defaultDeleteTopicsRequest(), topicNames: ['t'], timeoutMs: 1000 })
      assert.equal(v2.responses[0]!.errorCode, ErrorCode.INVALID_REQUEST)
    } finally {
      c.close()
      await b.close()
    }
  })
})

describe('CreatePartitions', () => {
  test('kafkajs adds partitions, with and without assignments', async () => {
    const admin = kafka().admin()
    await admin.connect()
    try {
      await admin.createTopics({ topics: [{ topic: 'grow', numPartitions: 1 }] })
      await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 3 }] })
      await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 4, assignments: [[0]] }] })
      const md = await admin.fetchTopicMetadata({ topics: ['grow'] })
      assert.equal(md.topics[0]!.partitions.length, 4)
      await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 2 }] }), (e: Error & { type?: string }) => e.type === 'INVALID_PARTITIONS')
    } finally {
      await admin.disconnect()
    }
  })

  test('errors: duplicate topic, unknown topic, fewer or equal count, bad assignments; validateOnly changes nothing', async () => {
    await createTopic('cp', 1)
    const call = (topics: m.CreatePartitionsRequestTopic[], validateOnly = false) =>
      raw.call<m.CreatePartitionsResponse>(API.CreatePartitions, 3, { timeoutMs: 1000, validateOnly, topics })
    const one = async (t: Partial<m.CreatePartitionsRequestTopic>) => (await call([{ name: 'cp', count: 2, assignments: null, ...t }])).results[0]!
    const dup = await call([{ name: 'cp', count: 2, assignments: null }, { name: 'cp', count: 3, assignments: null }])
    assert.deepEqual(dup.results.map((r) => r.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
    assert.equal((await one({ name: 'nope' })).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal((await one({ count: 0 })).errorCode, ErrorCode.INVALID_PARTITIONS)
    const same = await one({ count: 1 })
    assert.deepEqual([same.errorCode, same.errorMessage], [ErrorCode.INVALID_PARTITIONS, 'Topic already has 1 partitions.'])
    // Kafka caps partitions created by one request at 10,000 (the broker would otherwise create dirs for ever).
    const huge = await one({ count: 2 ** 31 - 1 })
    assert.deepEqual([huge.errorCode, huge.errorMessage], [ErrorCode.POLICY_VIOLATION, 'Excessively large number of partitions per request.'])
    for (const assignments of [[[1]], [[0], [0]], [[]], [[0, 0]]]) {
      const r = await one({ assignments: assignments.map((brokerIds) => ({ brokerIds })) })
      assert.equal(r.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT, `${JSON.stringify(assignments)}: ${r.errorMessage}`)
    }
    const validated = (await call([{ name: 'cp', count: 5, assignments: null }], true)).results[0]!
    assert.equal(validated.errorCode, ErrorCode.NONE)
    const md = await raw.call<m.MetadataResponse>(3, 12, { ...m.defaultMetadataRequest(), topics: [{ topicId: ZERO_UUID, name: 'cp' }] })
    assert.equal(md.topics[0]!.partitions.length, 1)
  })
})

describe('DescribeConfigs', () => {
  test('kafkajs describes topic and broker configs', async () => {
    await createTopic('dc', 1, { 'retention.ms': '12345' })
    const admin = kafka().admin()
    await admin.connect()
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: true,
        resources: [
          { type: TOPIC, name: 'dc', configNames: ['retention.ms', 'cleanup.policy'] },
          { type: BROKER, name: '0' },
        ],
      })
      const topic = resources.find((r) => r.resourceType === TOPIC)!
      assert.equal(topic.errorCode, 0)
      assert.deepEqual(topic.configEntries.map((c) => c.configName).sort(), ['cleanup.policy', 'retention.ms'])
      const retention = topic.configEntries.find((c) => c.configName === 'retention.ms')!
      assert.equal(retention.configValue, '12345')
      assert.equal(retention.configSource, 1 /* DYNAMIC_TOPIC_CONFIG */)
      assert.equal(retention.configSynonyms[0]!.configName, 'retention.ms')
      const brokerRes = resources.find((r) => r.resourceType === BROKER)!
      assert.equal(brokerRes.errorCode, 0)
      assert.equal(brokerRes.configEntries.find((c) => c.configName === 'broker.id')?.configValue, '0')
      assert.ok(brokerRes.configEntries.length > 50)
    } finally {
      await admin.disconnect()
    }
  })

  test('v0 isDefault, v3 documentation, errors for unknown or invalid resources', async () => {
    const describe = async (v: number, resourceType: number, resourceName: string, keys: string[] | null = ['retention.ms'], docs = false) =>
      (await raw.call<m.DescribeConfigsResponse>(API.DescribeConfigs, v, { resources: [{ resourceType, resourceName, configurationKeys: keys }], includeSynonyms: false, includeDocumentation: docs })).results[0]!
    const v0 = await describe(0, TOPIC, 'dc', ['retention.ms', 'segment.bytes'])
    assert.deepEqual(v0.configs.map((c) => [c.name, c.isDefault]).sort(), [['retention.ms', false], ['segment.bytes', true]])
    const v3 = await describe(3, TOPIC, 'dc', null, true)
    assert.ok(v3.configs.length > 20)
    assert.match(v3.configs.find((c) => c.name === 'retention.ms')!.documentation ?? '', /retain a log/)
    assert.equal(v3.configs.find((c) => c.name === 'retention.ms')!.configType, 5 /* LONG */)
    assert.equal((await describe(3, TOPIC, 'dc')).configs[0]!.documentation, null)
    assert.equal((await describe(4, TOPIC, 'missing')).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal((await describe(4, TOPIC, 'bad/name')).errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
    assert.equal((await describe(4, BROKER, '1')).errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal((await describe(4, BROKER, 'zero')).errorCode, ErrorCode.INVALID_REQUEST)
    const defaults = await describe(4, BROKER, '', null)
    assert.deepEqual([defaults.errorCode, defaults.configs], [ErrorCode.NONE, []])
    assert.equal((await describe(4, BROKER_LOGGER, '')).errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal((await describe(4, BROKER_LOGGER, '7')).errorCode, ErrorCode.INVALID_REQUEST)
    const loggers = await describe(4, BROKER_LOGGER, '0', null)
    assert.deepEqual([loggers.errorCode, loggers.configs], [ErrorCode.NONE, []])
    assert.equal((await describe(4, 16, 'x')).errorCode, ErrorCode.INVALID_REQUEST)
  })
})

describe('AlterConfigs', () => {
  const alter = async (resources: m.AlterConfigsRequestResource[], validateOnly = false) =>
    (await raw.call<m.AlterConfigsResponse>(API.AlterConfigs, 2, { resources, validateOnly })).responses
  const topicConfigs = async (name: string) => {
    const res = await raw.call<m.DescribeConfigsResponse>(API.DescribeConfigs, 4, { resources: [{ resourceType: TOPIC, resourceName: name, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false })
    return Object.fromEntries(res.results[0]!.configs.filter((c) => c.configSource === 1).map((c) => [c.name, c.value]))
  }

  test('kafkajs replaces the whole override set', async () => {
    await createTopic('ac', 1, { 'retention.ms': '1000', 'segment.ms': '600000' })
    const admin = kafka().admin()
    await admin.connect()
    try {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name: 'ac', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })
    } finally {
      await admin.disconnect()
    }
    assert.deepEqual(await topicConfigs('ac'), { 'cleanup.policy': 'compact' })
  })

  test('validateOnly, and errors', async () => {
    const t = (configs: [string, string | null][], resourceName = 'ac', resourceType = TOPIC) => ({ resourceType, resourceName, configs: configs.map(([name, value]) => ({ name, value })) })
    assert.equal((await alter([t([['retention.ms', '5']])], true))[0]!.errorCode, ErrorCode.NONE)
    assert.deepEqual(await topicConfigs('ac'), { 'cleanup.policy': 'compact' })
    const codes = async (r: ReturnType<typeof t>) => (await alter([r]))[0]!.errorCode
    assert.equal(await codes(t([['retention.ms', 'soon']])), ErrorCode.INVALID_CONFIG)
    assert.equal(await codes(t([['no.such.config', '1']])), ErrorCode.INVALID_CONFIG)
    assert.equal(await codes(t([['retention.ms', '1'], ['retention.ms', '2']])), ErrorCode.INVALID_REQUEST)
    assert.equal(await codes(t([['retention.ms', null]])), ErrorCode.INVALID_REQUEST)
    assert.equal(await codes(t([], 'missing')), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal(await codes(t([], '')), ErrorCode.INVALID_REQUEST)
    // A static broker key (dynamic ones: dynamic-broker-configs.test.ts).
    assert.equal(await codes(t([['log.cleaner.threads', '2']], '0', BROKER)), ErrorCode.INVALID_CONFIG)
    assert.equal(await codes(t([], '0', BROKER)), ErrorCode.NONE)
    assert.equal(await codes(t([['log.retention.ms', '1']], '3', BROKER)), ErrorCode.INVALID_REQUEST)
    assert.equal(await codes(t([['root', 'DEBUG']], '0', BROKER_LOGGER)), ErrorCode.INVALID_REQUEST)
    assert.deepEqual((await alter([t([]), t([])])).map((r) => r.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
    assert.deepEqual(await topicConfigs('ac'), { 'cleanup.policy': 'compact' })
  })

  test('IncrementalAlterConfigs: SET, DELETE, APPEND, SUBTRACT; validateOnly; errors', async () => {
    await createTopic('iac', 1, { 'retention.ms': '1000' })
    const SET = 0, DELETE = 1, APPEND = 2, SUBTRACT = 3
    const inc = async (configs: [string, number, string | null][], opts: { name?: string; type?: number; validateOnly?: boolean } = {}) =>
      (await raw.call<m.IncrementalAlterConfigsResponse>(API.IncrementalAlterConfigs, 1, {
        validateOnly: opts.validateOnly ?? false,
        resources: [{ resourceType: opts.type ?? TOPIC, resourceName: opts.name ?? 'iac', configs: configs.map(([name, configOperation, value]) => ({ name, configOperation, value })) }],
      })).responses[0]!.errorCode
    assert.equal(await inc([['segment.ms', SET, '600000'], ['retention.ms', DELETE, null], ['cleanup.policy', APPEND, 'compact']]), ErrorCode.NONE)
    assert.deepEqual(await topicConfigs('iac'), { 'segment.ms': '600000', 'cleanup.policy': 'delete,compact' })
    assert.equal(await inc([['cleanup.policy', SUBTRACT, 'delete']]), ErrorCode.NONE)
    assert.deepEqual(await topicConfigs('iac'), { 'segment.ms': '600000', 'cleanup.policy': 'compact' })
    assert.equal(await inc([['segment.ms', DELETE, null]], { validateOnly: true }), ErrorCode.NONE)
    assert.deepEqual(await topicConfigs('iac'), { 'segment.ms': '600000', 'cleanup.policy': 'compact' })

    assert.equal(await inc([['retention.ms', APPEND, '5']]), ErrorCode.INVALID_CONFIG)
    assert.equal(await inc([['retention.ms', SET, 'x']]), ErrorCode.INVALID_CONFIG)
    assert.equal(await inc([['retention.ms', SET, '1'], ['retention.ms', DELETE, null]]), ErrorCode.INVALID_REQUEST)
    assert.equal(await inc([['retention.ms', SET, null]]), ErrorCode.INVALID_REQUEST)
    assert.equal(await inc([['retention.ms', 9, '1']]), ErrorCode.INVALID_REQUEST)
    assert.equal(await inc([], { name: 'missing' }), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal(await inc([['log.cleaner.threads', SET, '2']], { name: '0', type: BROKER }), ErrorCode.INVALID_CONFIG)
    assert.equal(await inc([['log.retention.ms', DELETE, null]], { name: '', type: BROKER }), ErrorCode.NONE)
    assert.equal(await inc([['log.retention.ms', SET, '1']], { name: '2', type: BROKER }), ErrorCode.INVALID_REQUEST)
    assert.equal(await inc([['kafka.server', SET, 'DEBUG']], { name: '0', type: BROKER_LOGGER }), ErrorCode.INVALID_CONFIG)
    assert.equal(await inc([['kafka.server', SET, 'DEBUG']], { name: '', type: BROKER_LOGGER }), ErrorCode.INVALID_REQUEST)
    assert.equal(await inc([], { name: 'g', type: 32 }), ErrorCode.INVALID_REQUEST)
    const twice = await raw.call<m.IncrementalAlterConfigsResponse>(API.IncrementalAlterConfigs, 0, {
      validateOnly: false,
      resources: [{ resourceType: TOPIC, resourceName: 'iac', configs: [] }, { resourceType: TOPIC, resourceName: 'iac', configs: [] }],
    })
    assert.deepEqual(twice.responses.map((r) => r.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
  })
})

describe('DeleteRecords', () => {
  test('kafkajs deletes records; fetchTopicOffsets shows the new low watermark', async () => {
    await createTopic('dr', 1)
    await produce('dr', ['a', 'b', 'c', 'd', 'e'])
    const admin = kafka().admin()
    await admin.connect()
    try {
      // kafkajs looks up the leader from metadata it must already hold; fetchTopicOffsets loads it.
      assert.deepEqual((await admin.fetchTopicOffsets('dr')).map((o) => [o.low, o.high]), [['0', '5']])
      await admin.deleteTopicRecords({ topic: 'dr', partitions: [{ partition: 0, offset: '3' }] })
      let offsets = await admin.fetchTopicOffsets('dr')
      assert.deepEqual([offsets[0]!.low, offsets[0]!.high], ['3', '5'])
      await admin.deleteTopicRecords({ topic: 'dr', partitions: [{ partition: 0, offset: '-1' }] })
      offsets = await admin.fetchTopicOffsets('dr')
      assert.deepEqual([offsets[0]!.low, offsets[0]!.high], ['5', '5'])
    } finally {
      await admin.disconnect()
    }
  })

  test('lowWatermark and errors: beyond HW, below -1, unknown partition, compacted and internal topics', async () => {
    await createTopic('dr2', 1)
    await createTopic('dr-compact', 1, { 'cleanup.policy': 'compact' })
    await createTopic('__consumer_offsets', 1)
    await produce('dr2', ['a', 'b', 'c'])
    const res = await raw.call<m.DeleteRecordsResponse>(API.DeleteRecords, 2, {
      timeoutMs: 1000,
      topics: [
        { name: 'dr2', partitions: [{ partitionIndex: 0, offset: 2n }, { partitionIndex: 1, offset: 0n }] },
        { name: 'dr-compact', partitions: [{ partitionIndex: 0, offset: -1n }] },
        { name: '__consumer_offsets', partitions: [{ partitionIndex: 0, offset: -1n }] },
      ],
    })
    assert.deepEqual(res.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.errorCode, p.lowWatermark])), [
      ['dr2', 0, ErrorCode.NONE, 2n],
      ['dr2', 1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n],
      ['dr-compact', 0, ErrorCode.POLICY_VIOLATION, -1n],
      ['__consumer_offsets', 0, ErrorCode.INVALID_TOPIC_EXCEPTION, -1n],
    ])
    for (const offset of [4n, -2n]) {
      const r = await raw.call<m.DeleteRecordsResponse>(API.DeleteRecords, 0, { timeoutMs: 1000, topics: [{ name: 'dr2', partitions: [{ partitionIndex: 0, offset }] }] })
      assert.equal(r.topics[0]!.partitions[0]!.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${offset}`)
    }
    // Below the current log start offset: nothing to do, and the answer says where it is.
    const lower = await raw.call<m.DeleteRecordsResponse>(API.DeleteRecords, 1, { timeoutMs: 1000, topics: [{ name: 'dr2', partitions: [{ partitionIndex: 0, offset: 1n }] }] })
    assert.deepEqual([lower.topics[0]!.partitions[0]!.errorCode, lower.topics[0]!.partitions[0]!.lowWatermark], [ErrorCode.NONE, 2n])
    assert.equal(await listOffset('dr2', -2n), 2n)
  })
})

describe('DescribeCluster and DescribeLogDirs', () => {
  test('kafkajs describeCluster (Metadata) agrees with DescribeCluster', async () => {
    const admin = kafka().admin()
    await admin.connect()
    let viaKafkajs
    try {
      viaKafkajs = await admin.describeCluster()
    } finally {
      await admin.disconnect()
    }
    for (const v of [0, 1]) {
      const res = await raw.call<m.DescribeClusterResponse>(API.DescribeCluster, v, { includeClusterAuthorizedOperations: v === 1, endpointType: 1 })
      assert.equal(res.errorCode, ErrorCode.NONE)
      assert.equal(res.clusterId, viaKafkajs.clusterId)
      assert.equal(res.controllerId, viaKafkajs.controller)
      assert.deepEqual(res.brokers.map((b) => [b.brokerId, b.host, b.port, b.rack]), [[0, '127.0.0.1', broker.port, null]])
      assert.equal(res.clusterAuthorizedOperations, v === 1 ? 8096 : -2147483648)
    }
    const controllers = await raw.call<m.DescribeClusterResponse>(API.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })
    assert.equal(controllers.errorCode, ErrorCode.UNSUPPORTED_ENDPOINT_TYPE)
  })

  test('DescribeLogDirs lists partitions with sizes; v4 adds disk space', async () => {
    await createTopic('ld', 2)
    await produce('ld', ['x'.repeat(100)], 1)
    const all = await raw.call<m.DescribeLogDirsResponse>(API.DescribeLogDirs, 4, { topics: null })
    assert.equal(all.results.length, 1)
    const dir = all.results[0]!
    assert.deepEqual([dir.errorCode, dir.logDir], [ErrorCode.NONE, broker.logDir])
    assert.ok(dir.totalBytes > 0n && dir.usableBytes > 0n && dir.usableBytes <= dir.totalBytes)
    const ld = dir.topics.find((t) => t.name === 'ld')!
    assert.deepEqual(ld.partitions.map((p) => [p.partitionIndex, p.partitionSize > 0n, p.offsetLag, p.isFutureKey]).sort(), [[0, false, 0n, false], [1, true, 0n, false]])
    const some = await raw.call<m.DescribeLogDirsResponse>(API.DescribeLogDirs, 0, { topics: [{ topic: 'ld', partitions: [1] }] })
    const listed = some.results[0]!.topics.filter((t) => t.partitions.length > 0)
    assert.deepEqual(listed.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]), [['ld', [1]]])
  })
})

describe('OffsetForLeaderEpoch', () => {
  test('end offsets per epoch, leader-epoch checks, unknown partitions', async () => {
    await createTopic('ofle', 1)
    await produce('ofle', ['a', 'b', 'c'])
    const ask = async (v: number, partitions: Partial<m.OffsetForLeaderEpochRequestOffsetForLeaderPartition>[], topic = 'ofle') =>
      (await raw.call<m.OffsetForLeaderEpochResponse>(API.OffsetForLeaderEpoch, v, {
        replicaId: -1,
        topics: [{ topic, partitions: partitions.map((p) => ({ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0, ...p })) }],
      })).topics[0]!.partitions.map((p) => [p.errorCode, p.leaderEpoch, p.endOffset])
    assert.deepEqual(await ask(4, [{}, { leaderEpoch: 3 }, { currentLeaderEpoch: 0 }]), [
      [ErrorCode.NONE, 0, 3n],
      [ErrorCode.NONE, -1, -1n],
      [ErrorCode.NONE, 0, 3n],
    ])
    assert.deepEqual(await ask(4, [{ currentLeaderEpoch: 1 }, { currentLeaderEpoch: -5 }, { partition: 9 }]), [
      [ErrorCode.UNKNOWN_LEADER_EPOCH, -1, -1n],
      [ErrorCode.FENCED_LEADER_EPOCH, -1, -1n],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1n],
    ])
    assert.deepEqual(await ask(0, [{}]), [[ErrorCode.NONE, -1, 3n]])
  })
})

describe('InitProducerId and idempotent produce', () => {
  const init = (v: number, body: Partial<m.InitProducerIdRequest>, c = raw) =>
    c.call<m.InitProducerIdResponse>(API.InitProducerId, v, { ...m.defaultInitProducerIdRequest(), transactionalId: null, transactionTimeoutMs: 60000, ...body })

  test('fresh ids with epoch 0, also for a resent pair or 0/0; Kafka\'s errors otherwise', async () => {
    const a = await init(0, {})
    const b = await init(4, { producerId: 0n, producerEpoch: 0 })
    const c = await init(4, { producerId: a.producerId, producerEpoch: 0 })
    for (const r of [a, b, c]) assert.deepEqual([r.errorCode, r.producerEpoch], [ErrorCode.NONE, 0])
    assert.equal(new Set([a.producerId, b.producerId, c.producerId]).size, 3)
    const error = async (body: Partial<m.InitProducerIdRequest>) => {
      const r = await init(4, body)
      return [r.errorCode, r.producerId, r.producerEpoch]
    }
    assert.deepEqual(await error({ producerId: -1n, producerEpoch: 3 }), [ErrorCode.INVALID_REQUEST, -1n, -1])
    assert.deepEqual(await error({ producerId: 5n, producerEpoch: -1 }), [ErrorCode.INVALID_REQUEST, -1n, -1])
    assert.deepEqual(await error({ transactionalId: '' }), [ErrorCode.INVALID_REQUEST, -1n, -1])
    assert.deepEqual(await error({ transactionalId: 'tx', transactionTimeoutMs: 0 }), [ErrorCode.INVALID_TRANSACTION_TIMEOUT, -1n, -1])
    assert.deepEqual(await error({ transactionalId: 'tx', transactionTimeoutMs: 900001 }), [ErrorCode.INVALID_TRANSACTION_TIMEOUT, -1n, -1])
    assert.deepEqual(await error({ transactionalId: 'tx' }), [ErrorCode.COORDINATOR_NOT_AVAILABLE, -1n, -1])
  })

  test('producer ids are never reused across a restart', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'brook-pid-'))
    try {
      const ids: bigint[] = []
      for (let round = 0; round < 2; round++) {
        const b = await startBroker({ logDir })
        const c = await RawClient.connect(b.port)
        for (let i = 0; i < 3; i++) ids.push((await init(3, {}, c)).producerId)
        c.close()
        await b.close()
      }
      // Kafka's blocks of 1000: the restart starts a new block.
      assert.deepEqual(ids, [0n, 1n, 2n, 1000n, 1001n, 1002n])
      // A burst from many connections on a fresh start shares one new block, no id twice.
      const b = await startBroker({ logDir })
      const clients = await Promise.all(Array.from({ length: 10 }, () => RawClient.connect(b.port)))
      const burst = (await Promise.all(clients.map(async (c) => [await init(4, {}, c), await init(4, {}, c)]))).flat()
      clients.forEach((c) => c.close())
      await b.close()
      const got = burst.map((r) => r.producerId).sort((x, y) => (x < y ? -1 : 1))
      assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => 2000n + BigInt(i)))
    } finally {
      await rm(logDir, { recursive: true, force: true })
    }
  })

  test('a replayed idempotent batch is a duplicate with its original offset; DescribeProducers shows the producer', async () => {
    await createTopic('idem', 1)
    await produce('idem', ['before'])
    const { producerId } = await init(4, {})
    const batch = (baseSequence: number, n: number) => {
      const now = Date.now()
      return encodeRecordBatch({
        baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, lastOffsetDelta: n - 1, baseTimestamp: now, maxTimestamp: now,
        producerId: Number(producerId), producerEpoch: 0, baseSequence,
        records: Array.from({ length: n }, (_, i) => ({ attributes: 0, timestampDelta: 0, offsetDelta: i, key: Buffer.from(`k${i}`), value: Buffer.from(`v${baseSequence + i}`), headers: [] })),
      })
    }
    const send = async (records: Buffer) =>
      (await raw.call<m.ProduceResponse>(API.Produce, 9, { ...m.defaultProduceRequest(), acks: -1, timeoutMs: 5000, topicData: [{ name: 'idem', partitionData: [{ index: 0, records }] }] })).responses[0]!.partitionResponses[0]!
    const first = batch(0, 3)
    const original = await send(first)
    const replay = await send(first)
    assert.deepEqual([original.errorCode, original.baseOffset], [ErrorCode.NONE, 1n])
    assert.deepEqual([replay.errorCode, replay.baseOffset], [ErrorCode.NONE, 1n])
    const next = await send(batch(3, 2))
    assert.deepEqual([next.errorCode, next.baseOffset], [ErrorCode.NONE, 4n])
    assert.equal(await listOffset('idem', -1n), 6n, 'the replay appended nothing')
    const gap = await send(batch(9, 1))
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)

    const described = await raw.call<m.DescribeProducersResponse>(API.DescribeProducers, 0, {
      topics: [{ name: 'idem', partitionIndexes: [0, 7] }, { name: 'bad/name', partitionIndexes: [0] }, { name: 'missing', partitionIndexes: [0] }],
    })
    const [p0, p7] = described.topics[0]!.partitions
    assert.equal(p0!.errorCode, ErrorCode.NONE)
    assert.deepEqual(p0!.activeProducers.map((p) => [p.producerId, p.producerEpoch, p.lastSequence, p.coordinatorEpoch, p.currentTxnStartOffset]), [[producerId, 0, 4, -1, -1n]])
    assert.ok(p0!.activeProducers[0]!.lastTimestamp > 0n)
    assert.equal(p7!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.equal(described.topics[1]!.partitions[0]!.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
    assert.equal(described.topics[2]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  const PRODUCER = `
import json, sys
from confluent_kafka import Producer
bootstrap, topic, codec, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
errors, results = [], []
p = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'acks': 'all', 'compression.type': codec,
              'linger.ms': 50, 'error_cb': lambda e: errors.append(str(e))})
def delivered(err, msg):
    results.append({'error': str(err) if err else None, 'offset': msg.offset(), 'key': msg.key().decode()})
for i in range(n):
    p.produce(topic, key=('k%d' % i).encode(), value=(('%s-value-%d;' % (codec, i)) * 20).encode(),
              headers=[('h1', ('v%d' % i).encode()), ('h2', b'x')], partition=0, on_delivery=delivered)
    p.poll(0)
left = p.flush(30)
print(json.dumps({'left': left, 'errors': errors, 'results': results}))
`

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    test(`confluent-kafka idempotent producer, acks=all, compression ${codec}: all delivered and read back intact`, async () => {
      const topic = `py-${codec}`
      await createTopic(topic, 1)
      const n = 50
      const { stdout } = await run('/usr/bin/python3', ['-c', PRODUCER, broker.bootstrap, topic, codec, String(n)], { timeout: 60_000 })
      const out = JSON.parse(stdout) as { left: number; errors: string[]; results: { error: string | null; offset: number; key: string }[] }
      assert.deepEqual([out.left, out.errors], [0, []])
      assert.equal(out.results.length, n)
      for (const r of out.results) assert.equal(r.error, null)
      assert.deepEqual(out.results.map((r) => r.offset).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i))

      const read = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-J'], { timeout: 30_000 })
      const messages = read.stdout.trim().split('\n').map((l) => JSON.parse(l) as { offset: number; key: string; payload: string; headers?: string[] })
      assert.equal(messages.length, n)
      messages.forEach((msg, i) => {
        assert.deepEqual([msg.offset, msg.key, msg.payload, msg.headers], [i, `k${i}`, `${codec}-value-${i};`.repeat(20), ['h1', `v${i}`, 'h2', 'x']])
      })

      // The batches are stored as the producer compressed them (compression.type=producer).
      const fetched = await raw.call<m.FetchResponse>(API.Fetch, 4, {
        ...m.defaultFetchRequest(),
        maxWaitMs: 0,
        maxBytes: 1 << 20,
        topics: [{ ...m.defaultFetchRequestTopic(), topic, partitions: [{ ...m.defaultFetchRequestPartition(), fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      })
      const records = fetched.responses[0]!.partitions[0]!.records!
      // (librdkafka enables LZ4 only for brokers that serve FindCoordinator, which Brook does.)
      const codecId = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 }[codec]
      assert.equal(records[22]! & 7, codecId, 'codec bits of the first batch')
      assert.equal(records.readBigInt64BE(43) >= 0n, true, 'the batch carries a producer id')

      const producers = await raw.call<m.DescribeProducersResponse>(API.DescribeProducers, 0, { topics: [{ name: topic, partitionIndexes: [0] }] })
      const active = producers.topics[0]!.partitions[0]!.activeProducers
      assert.deepEqual(active.map((p) => [p.producerEpoch, p.lastSequence]), [[0, n - 1]])
    })
  }
})
