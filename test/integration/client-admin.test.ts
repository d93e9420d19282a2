/**
 * Brook's admin client against two independent brokers, Brook (in process)
 * and librdkafka's mock cluster: every method against Brook, with a real
 * consumer (python3-confluent-kafka, a child process) as a live group
 * member; against the mock, the methods whose APIs it serves. The mock
 * (librdkafka 2.0.2) advertises only Produce, Fetch, ListOffsets v0-5,
 * Metadata v0-2, the group membership and offset APIs, ApiVersions and the
 * transaction APIs: the calls it lacks are shown to fail at once with
 * UnsupportedVersionError instead of being tested there.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net'
import { resolve } from 'node:path'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { Admin } from '../../src/client/admin/admin.js'
import { AdminError } from '../../src/client/admin/admin-error.js'
import type { ConfigEntry } from '../../src/client/admin/configs.js'
import { ConnectionError, KafkaClientError, UnsupportedVersionError } from '../../src/client/errors.js'
import { Producer } from '../../src/client/producer/producer.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import * as m from '../../src/protocol/messages/index.js'
import { GROUP_TEST_BROKER_CONFIG, GroupMember, RDKAFKA_FAST } from './group-member.js'
import { startMockCluster, type MockCluster } from './mock-cluster.js'
import { pollUntil } from './broker-process.js'

let brook: RunningBroker
let mock: MockCluster

before(async () => {
  brook = await startBroker({ config: { 'num.partitions': '2', ...GROUP_TEST_BROKER_CONFIG } })
  mock = await startMockCluster()
})

after(async () => {
  await GroupMember.killAll()
  await mock.stop()
  await brook.close()
})

/** The APIs librdkafka 2.0.2's mock cluster does not advertise in ApiVersions, by Admin method. */
const MOCK_LACKS = {
  createTopics: m.CreateTopicsApi,
  deleteTopics: m.DeleteTopicsApi,
  createPartitions: m.CreatePartitionsApi,
  describeConfigs: m.DescribeConfigsApi,
  incrementalAlterConfigs: m.IncrementalAlterConfigsApi,
  listGroups: m.ListGroupsApi,
  describeGroups: m.DescribeGroupsApi,
  deleteGroups: m.DeleteGroupsApi,
  deleteConsumerGroupOffsets: m.OffsetDeleteApi,
  deleteRecords: m.DeleteRecordsApi,
  describeLogDirs: m.DescribeLogDirsApi,
  describeCluster: m.DescribeClusterApi,
} as const

/** Rejects with an AdminError; returns it. */
async function adminError(p: Promise<unknown>): Promise<AdminError> {
  const e = await p.then(
    () => assert.fail('expected the call to fail'),
    (x: unknown) => x,
  )
  assert.ok(e instanceof AdminError, `an AdminError, got ${String(e)}`)
  return e
}

/** Produces `count` records to a partition with timestamps `base`, `base + 1000`, ... */
async function produce(bootstrap: string, topic: string, partition: number, count: number, base: number): Promise<void> {
  const producer = new Producer({ bootstrapServers: [bootstrap], lingerMs: 0 })
  try {
    for (let i = 0; i < count; i++) await producer.send({ topic, partition, value: `v${i}`, timestamp: base + i * 1000 })
  } finally {
    await producer.close()
  }
}

function entry(entries: ConfigEntry[], name: string): ConfigEntry {
  const e = entries.find((x) => x.name === name)
  assert.ok(e, `config ${name} is described`)
  return e
}

for (const target of ['Brook', 'librdkafka mock cluster'] as const) {
  describe(`Admin against ${target}`, { timeout: 120_000 }, () => {
    const onMock = target !== 'Brook'
    const bootstrap = () => (onMock ? mock.bootstrap : brook.bootstrap)
    const name = (s: string) => `${s}-${onMock ? 'm' : 'b'}`
    /** Why a test of APIs the mock cluster lacks does not apply to it (see MOCK_LACKS and the test that checks it). */
    const needs = (...apis: string[]) => (onMock ? `the mock cluster lacks ${apis.join(', ')}` : false)
    /**
     * Defines a test only on the broker it applies to; `notHere` says why not on the other
     * (an API the mock cluster lacks or answers unreadably, or a check only the mock needs).
     */
    const testWhere = (notHere: string | false, title: string, fn: () => Promise<void>) => {
      if (notHere === false) test(title, fn)
    }
    let admin: Admin
    before(() => {
      admin = new Admin({ bootstrapServers: [bootstrap()], clientId: 'admin-test', timeoutMs: 15_000 })
    })
    after(() => admin.close())

    testWhere(!onMock && 'Brook serves them all', 'the APIs the mock lacks are not advertised, and their calls fail at once with UnsupportedVersionError', async () => {
      for (const [method, api] of Object.entries(MOCK_LACKS)) {
        assert.equal(await admin.cluster.anyBroker(async (c) => c.brokerVersions(api.apiKey)), undefined, `${api.name} (for ${method})`)
      }
      const tp = { topic: name('lacks'), partition: 0 }
      const calls: [string, () => Promise<unknown>][] = [
        ['createTopics', () => admin.createTopics([{ name: name('lacks') }])],
        ['deleteTopics', () => admin.deleteTopics([name('lacks')])],
        ['createPartitions', () => admin.createPartitions([{ topic: name('lacks'), count: 8 }])],
        ['describeConfigs', () => admin.describeConfigs([{ type: 'topic', name: name('lacks') }])],
        ['incrementalAlterConfigs', () => admin.incrementalAlterConfigs([{ type: 'topic', name: name('lacks'), ops: [{ name: 'retention.ms', value: '1', op: 'set' }] }])],
        ['listGroups', () => admin.listGroups()],
        ['describeGroups', () => admin.describeGroups(['g'])],
        ['deleteGroups', () => admin.deleteGroups(['g'])],
        ['deleteConsumerGroupOffsets', () => admin.deleteConsumerGroupOffsets('g', [tp])],
        ['deleteRecords', () => admin.deleteRecords([{ ...tp, offset: 0 }])],
        ['describeLogDirs', () => admin.describeLogDirs()],
      ]
      for (const [method, call] of calls) {
        const started = Date.now()
        await assert.rejects(call(), UnsupportedVersionError, method)
        assert.ok(Date.now() - started < 3000, `${method} failed at once, not after retrying`)
      }
    })

    testWhere(needs('CreateTopics', 'CreatePartitions', 'DeleteTopics'), 'createTopics (with replica assignment, configs, validateOnly), listTopics, describeTopics, createPartitions, deleteTopics', async () => {
      const [a, b, c] = [name('topics-a'), name('topics-b'), name('topics-c')]
      const created = await admin.createTopics([{ name: a, numPartitions: 3 }, { name: b, replicaAssignment: [[0], [0]], configs: { 'cleanup.policy': 'compact' } }])
      assert.deepEqual(created.map((t) => [t.name, t.numPartitions, t.replicationFactor]), [[a, 3, 1], [b, 2, 1]])
      assert.ok(created.every((t) => t.topicId !== null), 'CreateTopics v7 names topic ids')

      const validated = await admin.createTopics([{ name: name('topics-v'), numPartitions: 5 }], { validateOnly: true })
      assert.equal(validated[0]!.numPartitions, 5)
      const listed = await admin.listTopics()
      assert.ok(listed.includes(a) && listed.includes(b))
      assert.ok(!listed.includes(name('topics-v')), 'validateOnly creates nothing')

      const [da, db] = await admin.describeTopics([a, b])
      assert.deepEqual(da, {
        name: a,
        topicId: created[0]!.topicId,
        internal: false,
        partitions: [0, 1, 2].map((partition) => ({ partition, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] })),
      })
      assert.deepEqual(db!.partitions.map((p) => p.replicas), [[0], [0]])
      const [cfg] = await admin.describeConfigs([{ type: 'topic', name: b, keys: ['cleanup.policy'] }])
      assert.equal(entry(cfg!.entries, 'cleanup.policy').value, 'compact', 'configs given at creation')

      // One item fails, the other is created: the error lists only the failure.
      const exists = await adminError(admin.createTopics([{ name: a, numPartitions: 1 }, { name: c }]))
      assert.equal(exists.errorCode, ErrorCode.TOPIC_ALREADY_EXISTS)
      assert.deepEqual(exists.failures.map((f) => [f.item, f.error.type]), [[a, 'TOPIC_ALREADY_EXISTS']])
      assert.equal((await admin.describeTopics([c]))[0]!.partitions.length, 2, 'the other topic was created with the broker default num.partitions')

      await admin.createPartitions([{ topic: a, count: 5 }], { validateOnly: true })
      assert.equal((await admin.describeTopics([a]))[0]!.partitions.length, 3, 'validateOnly adds no partitions')
      await admin.createPartitions([{ topic: a, count: 5 }])
      assert.deepEqual((await admin.describeTopics([a]))[0]!.partitions.map((p) => p.partition), [0, 1, 2, 3, 4])
      assert.equal((await adminError(admin.createPartitions([{ topic: a, count: 4 }]))).failure(a)?.errorCode, ErrorCode.INVALID_PARTITIONS)

      await assert.rejects(admin.deleteTopics([a, a]), (e: unknown) => e instanceof KafkaClientError && /named more than once/.test(e.message), 'one answer per item: no duplicates')
      await admin.deleteTopics([a, b, c])
      const after = await admin.listTopics()
      assert.ok(![a, b, c].some((t) => after.includes(t)), 'deleted')
      assert.equal((await adminError(admin.deleteTopics([a]))).failure(a)?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      // Brook auto-creates topics a producer names; describing one must not.
      assert.equal(brook.config.autoCreateTopicsEnable, true)
      const missing = await adminError(admin.describeTopics([a]))
      assert.equal(missing.failure(a)?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      assert.ok(!(await admin.listTopics()).includes(a), 'describing an unknown topic does not create it')
    })

    test('listTopics and describeTopics show the partitions and leaders a producer sees', async () => {
      const topic = name('described')
      await produce(bootstrap(), topic, 0, 1, Date.now())
      const producer = new Producer({ bootstrapServers: [bootstrap()] })
      const seen = await producer.cluster.partitions(topic).finally(() => producer.close())
      assert.ok((await admin.listTopics()).includes(topic))
      const [d] = await admin.describeTopics([topic])
      assert.equal(d!.name, topic)
      assert.equal(d!.internal, false)
      assert.deepEqual(d!.partitions.map((p) => [p.partition, p.leader]), seen.map((p) => [p.partition, p.leader]))
      assert.equal(d!.partitions.length, onMock ? 4 : 2, 'the broker default partition count')
      for (const p of d!.partitions) assert.ok(p.replicas.includes(p.leader) && p.isr.includes(p.leader), `partition ${p.partition}: the leader is a replica in sync`)
      if (onMock) assert.equal(new Set(d!.partitions.flatMap((p) => p.replicas)).size, 3, 'the mock spreads replicas over its three brokers')
      else assert.notEqual(d!.topicId, null, 'Metadata v10+ names the topic id')
      // Metadata before v4 (the mock has v0-2) cannot ask a broker not to create a topic, so unknown topics are tested against Brook only.
    })

    test('describeCluster: the brokers, the controller and the cluster id (Metadata where DescribeCluster is missing)', async () => {
      const cluster = await admin.describeCluster()
      assert.ok(cluster.clusterId !== null && cluster.clusterId.length > 0, 'a cluster id')
      if (onMock) {
        // The mock lacks DescribeCluster: this is Metadata v2's answer.
        assert.deepEqual(cluster.brokers.map((b) => [b.host, b.port]), [...mock.brokers].map((b) => [b.host, b.port]))
        assert.deepEqual(cluster.brokers.map((b) => b.nodeId), [1, 2, 3])
        // The mock names no controller (controller id -1).
        assert.equal(cluster.controller, null)
      } else {
        const self = { nodeId: 0, host: brook.host, port: brook.port, rack: null }
        assert.deepEqual(cluster, { clusterId: cluster.clusterId, controller: self, brokers: [self] })
      }
    })

    testWhere(needs('DescribeConfigs', 'IncrementalAlterConfigs'), 'describeConfigs (sources, synonyms, documentation; topics and brokers) and incrementalAlterConfigs (set, append, subtract, delete, validateOnly)', async () => {
      const topic = name('configs')
      await admin.createTopics([{ name: topic, numPartitions: 1, configs: { 'cleanup.policy': 'compact' } }])
      const describe = async () => (await admin.describeConfigs([{ type: 'topic', name: topic }]))[0]!.entries

      const [described] = await admin.describeConfigs([{ type: 'topic', name: topic }], { includeSynonyms: true, includeDocumentation: true })
      assert.deepEqual(described!.type, 'topic')
      const retention = entry(described!.entries, 'retention.ms')
      assert.deepEqual([retention.value, retention.source, retention.isDefault, retention.readOnly, retention.sensitive, retention.type], ['604800000', 'DEFAULT_CONFIG', true, false, false, 'LONG'])
      assert.deepEqual(retention.synonyms, [{ name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' }])
      assert.ok(retention.documentation && retention.documentation.length > 20, 'documentation when asked')
      const policy = entry(described!.entries, 'cleanup.policy')
      assert.deepEqual([policy.value, policy.source, policy.isDefault], ['compact', 'DYNAMIC_TOPIC_CONFIG', false])
      assert.deepEqual(entry(await describe(), 'retention.ms').synonyms, [], 'no synonyms unless asked')

      const [broker] = await admin.describeConfigs([{ type: 'broker', name: '0', keys: ['num.partitions', 'log.retention.hours'] }])
      assert.deepEqual(broker!.entries.map((e) => [e.name, e.value, e.source]).sort(), [['log.retention.hours', '168', 'DEFAULT_CONFIG'], ['num.partitions', '2', 'STATIC_BROKER_CONFIG']])

      await admin.incrementalAlterConfigs([{ type: 'topic', name: topic, ops: [{ name: 'retention.ms', value: '3600000', op: 'set' }] }], { validateOnly: true })
      assert.equal(entry(await describe(), 'retention.ms').source, 'DEFAULT_CONFIG', 'validateOnly changes nothing')
      await admin.incrementalAlterConfigs([{ type: 'topic', name: topic, ops: [{ name: 'retention.ms', value: '3600000', op: 'set' }, { name: 'cleanup.policy', value: 'delete', op: 'append' }] }])
      let now = await describe()
      assert.deepEqual([entry(now, 'retention.ms').value, entry(now, 'retention.ms').source, entry(now, 'retention.ms').isDefault], ['3600000', 'DYNAMIC_TOPIC_CONFIG', false])
      assert.equal(entry(now, 'cleanup.policy').value, 'compact,delete')
      await admin.incrementalAlterConfigs([{ type: 'topic', name: topic, ops: [{ name: 'cleanup.policy', value: 'compact', op: 'subtract' }, { name: 'retention.ms', op: 'delete' }] }])
      now = await describe()
      assert.equal(entry(now, 'cleanup.policy').value, 'delete')
      assert.deepEqual([entry(now, 'retention.ms').value, entry(now, 'retention.ms').source], ['604800000', 'DEFAULT_CONFIG'])

      const bad = await adminError(admin.incrementalAlterConfigs([{ type: 'topic', name: topic, ops: [{ name: 'no.such.config', value: '1', op: 'set' }] }]))
      assert.deepEqual(bad.failures.map((f) => [f.item, f.error.type]), [[`topic:${topic}`, 'INVALID_CONFIG']])
      const unknown = await adminError(admin.describeConfigs([{ type: 'topic', name: topic }, { type: 'topic', name: name('configs-missing') }]))
      assert.deepEqual(unknown.failures.map((f) => [f.item, f.error.type]), [[`topic:${name('configs-missing')}`, 'UNKNOWN_TOPIC_OR_PARTITION']])
    })

    testWhere(needs('ListGroups', 'DescribeGroups', 'DeleteGroups', 'OffsetDelete'), 'groups with a live consumer: listGroups, describeGroups (decoded assignment), refusals while it has members, deleteGroups once empty', async () => {
      const topic = name('groups')
      const group = name('admin-live-group')
      await admin.createTopics([{ name: topic, numPartitions: 2 }])
      const member = GroupMember.start({ name: 'member', library: 'confluent', bootstrap: bootstrap(), group, topics: [topic], config: { ...RDKAFKA_FAST, 'client.id': 'admin-test-member' } })
      try {
        await member.waitFor('both partitions assigned', (x) => x.assignment().length === 2)
        const stable = await pollUntil('the group is Stable', 200, 50, async () => {
          const [g] = await admin.describeGroups([group])
          return g!.state === 'Stable' ? g : undefined
        })
        assert.equal(stable!.protocolType, 'consumer')
        assert.equal(stable!.protocol, 'range', "librdkafka's first assignor")
        assert.equal(stable!.members.length, 1)
        const [only] = stable!.members
        assert.equal(only!.clientId, 'admin-test-member')
        assert.equal(only!.groupInstanceId, null)
        assert.ok(only!.memberId.startsWith('admin-test-member-'), `a broker-made member id: ${only!.memberId}`)
        assert.deepEqual(only!.assignment, [{ topic, partition: 0 }, { topic, partition: 1 }], 'the assignment decoded')

        assert.deepEqual((await admin.listGroups()).filter((g) => g.groupId === group), [{ groupId: group, protocolType: 'consumer', state: 'Stable' }])
        assert.ok((await admin.listGroups({ states: ['Stable'] })).some((g) => g.groupId === group))
        assert.ok(!(await admin.listGroups({ states: ['Empty'] })).some((g) => g.groupId === group), 'the state filter')

        assert.equal((await adminError(admin.deleteGroups([group]))).failure(group)?.errorCode, ErrorCode.NON_EMPTY_GROUP)
        const altered = await adminError(admin.alterConsumerGroupOffsets(group, [{ topic, partition: 0, offset: 0 }]))
        assert.equal(altered.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
        assert.match(altered.message, /active members/)
        assert.equal((await adminError(admin.deleteConsumerGroupOffsets(group, [{ topic, partition: 0 }]))).errorCode, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC)
      } finally {
        await member.close()
      }
      const empty = await pollUntil('the group is Empty', 200, 50, async () => {
        const [g] = await admin.describeGroups([group])
        return g!.state === 'Empty' ? g : undefined
      })
      assert.deepEqual(empty!.members, [])
      assert.ok((await admin.listTopics({ includeInternal: true })).includes('__consumer_offsets'))
      assert.ok(!(await admin.listTopics()).includes('__consumer_offsets'), 'internal topics only when asked')

      const never = name('never-a-group')
      const deleted = await adminError(admin.deleteGroups([group, never]))
      assert.deepEqual(deleted.failures.map((f) => [f.item, f.error.type]), [[never, 'GROUP_ID_NOT_FOUND']], 'only the unknown group fails')
      assert.ok(!(await admin.listGroups()).some((g) => g.groupId === group), 'the empty group was deleted')
      assert.equal((await admin.describeGroups([group]))[0]!.state, 'Dead', 'a group the broker does not have is Dead')
    })

    testWhere(onMock && 'the mock answers ListOffsets v4+ with an int64 leader epoch (librdkafka 2.0.2 rdkafka_mock_handlers.c) that no client can read', 'listOffsets: earliest, latest, max-timestamp and by timestamp, each partition at its leader', async () => {
      const topic = name('list-offsets')
      const base = Date.now() - 60_000
      await produce(bootstrap(), topic, 0, 10, base)
      await produce(bootstrap(), topic, 1, 4, base)
      const offsets = await admin.listOffsets([
        { topic, partition: 0, spec: 'earliest' },
        { topic, partition: 1, spec: 'latest' },
      ])
      assert.deepEqual(offsets.map((o) => [o.topic, o.partition, o.offset]), [[topic, 0, 0n], [topic, 1, 4n]])
      const [latest] = await admin.listOffsets([{ topic, partition: 0, spec: 'latest' }], { isolationLevel: 'read_committed' })
      assert.equal(latest!.offset, 10n)
      const [max] = await admin.listOffsets([{ topic, partition: 0, spec: 'max-timestamp' }])
      assert.deepEqual([max!.offset, max!.timestamp], [9n, base + 9000])
      const byTime = await admin.listOffsets([
        { topic, partition: 0, spec: { timestamp: base + 4500 } },
        { topic, partition: 1, spec: { timestamp: base + 60_000 } },
      ])
      assert.deepEqual(byTime.map((o) => [o.offset, o.timestamp]), [[5n, base + 5000], [-1n, -1]], 'the first record at or after; -1 past the end')
      assert.ok(byTime[0]!.leaderEpoch >= 0)

      const bad = await adminError(admin.listOffsets([{ topic, partition: 0, spec: 'latest' }, { topic, partition: 7, spec: 'latest' }, { topic: name('no-such-topic'), partition: 0, spec: 'latest' }]))
      assert.deepEqual(bad.failures.map((f) => [f.item, f.error.type]), [[`${topic}-7`, 'UNKNOWN_TOPIC_OR_PARTITION'], [`${name('no-such-topic')}-0`, 'UNKNOWN_TOPIC_OR_PARTITION']])
      assert.ok(!(await admin.listTopics()).includes(name('no-such-topic')), 'not created by the lookup')
    })

    testWhere(!onMock && 'Brook has ListOffsets v10', 'listOffsets max-timestamp needs ListOffsets v7: against an older broker it fails at once with UnsupportedVersionError', async () => {
      const topic = name('max-timestamp')
      await produce(bootstrap(), topic, 0, 1, Date.now())
      await assert.rejects(admin.listOffsets([{ topic, partition: 0, spec: 'max-timestamp' }]), UnsupportedVersionError)
    })

    test('alterConsumerGroupOffsets and listConsumerGroupOffsets (offsets, metadata, -1 where none)', async () => {
      const topic = name('group-offsets')
      const group = name('offsets-group')
      await produce(bootstrap(), topic, 0, 10, Date.now())
      await produce(bootstrap(), topic, 1, 4, Date.now())
      const both = [0, 1].map((partition) => ({ topic, partition }))
      await admin.alterConsumerGroupOffsets(group, [{ topic, partition: 0, offset: 3n, metadata: 'from admin' }])
      const listed = await admin.listConsumerGroupOffsets(group, both)
      assert.deepEqual(listed.map((o) => [o.partition, o.offset]), [[0, 3n], [1, -1n]])
      assert.equal(listed[0]!.metadata, 'from admin')
      await admin.alterConsumerGroupOffsets(group, [{ topic, partition: 1, offset: 4 }, { topic, partition: 0, offset: 5 }])
      assert.deepEqual((await admin.listConsumerGroupOffsets(group, both)).map((o) => [o.partition, o.offset, o.metadata]), [[0, 5n, ''], [1, 4n, '']])
      if (!onMock) {
        // The mock answers an OffsetFetch for all of a group's partitions (topics null) with a null array.
        assert.deepEqual((await admin.listConsumerGroupOffsets(group)).map((o) => [o.topic, o.partition, o.offset]), [[topic, 0, 5n], [topic, 1, 4n]])
      }
    })

    testWhere(onMock && 'it reads ListOffsets, which the mock answers unreadably (see the listOffsets test)', 'resetConsumerGroupOffsets: earliest, latest, offset, timestamp and shiftBy, clamped to the log; dryRun commits nothing', async () => {
      const topic = name('reset')
      const group = name('reset-group')
      const base = Date.now() - 60_000
      await admin.createTopics([{ name: topic, numPartitions: 3 }])
      await produce(bootstrap(), topic, 0, 10, base)
      await produce(bootstrap(), topic, 1, 4, base)
      const committed = async () => (await admin.listConsumerGroupOffsets(group, [0, 1, 2].map((partition) => ({ topic, partition })))).map((o) => o.offset)
      const planned = (p: { offset: bigint }[]) => p.map((o) => o.offset)

      await assert.rejects(admin.resetConsumerGroupOffsets(group, [topic], { shiftBy: 1 }), (e: unknown) => e instanceof KafkaClientError && /no committed offset/.test(e.message))
      assert.deepEqual(planned(await admin.resetConsumerGroupOffsets(group, [topic], 'latest', { dryRun: true })), [10n, 4n, 0n])
      assert.deepEqual(await committed(), [-1n, -1n, -1n], 'a dry run commits nothing')
      assert.deepEqual(planned(await admin.resetConsumerGroupOffsets(group, [topic], 'latest')), [10n, 4n, 0n])
      assert.deepEqual(await committed(), [10n, 4n, 0n])
      assert.deepEqual(planned(await admin.resetConsumerGroupOffsets(group, [topic], { shiftBy: -2 })), [8n, 2n, 0n], 'shifted back, not below the start')
      assert.deepEqual(planned(await admin.resetConsumerGroupOffsets(group, [topic], { shiftBy: -100 }, { dryRun: true })), [0n, 0n, 0n])
      assert.deepEqual(await committed(), [8n, 2n, 0n])
      assert.deepEqual(planned(await admin.resetConsumerGroupOffsets(group, [topic], 'earliest')), [0n, 0n, 0n])
      assert.deepEqual(planned(await admin.resetConsumerGroupOffsets(group, [topic], { offset: 50 })), [10n, 4n, 0n], 'clamped to the end')
      assert.deepEqual(planned(await admin.resetConsumerGroupOffsets(group, [topic], { timestamp: base + 2500 })), [3n, 3n, 0n], 'the first record at or after; the end where there is none')
      assert.deepEqual(planned(await admin.resetConsumerGroupOffsets(group, [{ topic, partition: 0 }], { offset: 6 })), [6n], 'one partition named')
      assert.deepEqual(await committed(), [6n, 3n, 0n])
    })

    testWhere(needs('OffsetDelete'), 'deleteConsumerGroupOffsets removes only the partitions named', async () => {
      const topic = name('delete-offsets')
      const group = name('delete-offsets-group')
      await admin.createTopics([{ name: topic, numPartitions: 2 }])
      await admin.alterConsumerGroupOffsets(group, [{ topic, partition: 0, offset: 0 }, { topic, partition: 1, offset: 0 }])
      await admin.deleteConsumerGroupOffsets(group, [{ topic, partition: 0 }])
      assert.deepEqual((await admin.listConsumerGroupOffsets(group, [0, 1].map((partition) => ({ topic, partition })))).map((o) => o.offset), [-1n, 0n])
      const missing = await adminError(admin.deleteConsumerGroupOffsets(name('no-such-group'), [{ topic, partition: 0 }]))
      assert.equal(missing.errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
    })

    testWhere(needs('DeleteRecords', 'DescribeLogDirs'), 'deleteRecords moves the log start (earliest) up; describeLogDirs shows the partition and its bytes', async () => {
      const topic = name('records')
      await admin.createTopics([{ name: topic, numPartitions: 1 }])
      const emptyDirs = await admin.describeLogDirs()
      const sizeOf = (dirs: typeof emptyDirs) => dirs.get(0)!.flatMap((d) => d.partitions).find((p) => p.topic === topic && p.partition === 0)?.size
      assert.equal(sizeOf(emptyDirs), 0n, 'an empty log')
      await produce(bootstrap(), topic, 0, 10, Date.now())

      const dirs = await admin.describeLogDirs()
      assert.deepEqual([...dirs.keys()], [0])
      const [dir] = dirs.get(0)!
      assert.equal(dir!.path, resolve(brook.logDir))
      assert.equal(dir!.error, null)
      assert.ok(sizeOf(dirs)! > 0n, 'bytes after producing')
      assert.ok(dir!.totalBytes !== null && dir!.usableBytes !== null && dir!.totalBytes >= dir!.usableBytes)
      assert.deepEqual([...(await admin.describeLogDirs([0])).keys()], [0], 'one broker named')

      assert.deepEqual(await admin.deleteRecords([{ topic, partition: 0, offset: 4 }]), [{ topic, partition: 0, lowWatermark: 4n }])
      assert.equal((await admin.listOffsets([{ topic, partition: 0, spec: 'earliest' }]))[0]!.offset, 4n)
      assert.equal((await adminError(admin.deleteRecords([{ topic, partition: 0, offset: 11 }]))).failure(`${topic}-0`)?.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
      assert.deepEqual(await admin.deleteRecords([{ topic, partition: 0, offset: -1 }]), [{ topic, partition: 0, lowWatermark: 10n }], '-1: up to the high watermark')
      assert.equal((await admin.listOffsets([{ topic, partition: 0, spec: 'earliest' }]))[0]!.offset, 10n)
    })
  })
}

describe('Admin retries', { timeout: 60_000 }, () => {
  test('a call made before the broker listens succeeds once it does, within the timeout', async () => {
    // A port that was free a moment ago, and a proxy to Brook that opens on it only after the call has started.
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const admin = new Admin({ bootstrapServers: [`127.0.0.1:${port}`], timeoutMs: 20_000, retryBackoffMs: 50, reconnectBackoffMs: 50 })
    let proxy: Server | undefined
    const sockets = new Set<Socket>()
    try {
      const call = admin.listTopics()
      await new Promise((r) => setTimeout(r, 700))
      proxy = createServer((client) => {
        const upstream = connect(brook.port, '127.0.0.1')
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('error', () => undefined).on('close', () => sockets.delete(s))
        }
        client.pipe(upstream).pipe(client)
      })
      await new Promise<void>((r) => proxy!.listen(port, '127.0.0.1', () => r()))
      assert.ok(Array.isArray(await call), 'the call got through once the broker could be reached')
    } finally {
      await admin.close()
      for (const s of sockets) s.destroy()
      if (proxy) await new Promise<void>((r) => proxy!.close(() => r()))
    }
  })

  test('with nothing to connect to, a call fails with ConnectionError at its timeout, not before', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    // Short back-offs, so the last try before the deadline is close to it.
    const admin = new Admin({ bootstrapServers: [`127.0.0.1:${port}`], timeoutMs: 1500, retryBackoffMs: 50, retryBackoffMaxMs: 100, reconnectBackoffMs: 50, reconnectBackoffMaxMs: 100 })
    try {
      const started = Date.now()
      await assert.rejects(admin.describeCluster(), ConnectionError)
      const took = Date.now() - started
      assert.ok(took >= 1300 && took < 4000, `failed after ${took} ms`)
      const quick = Date.now()
      await assert.rejects(admin.describeCluster({ timeoutMs: 200 }), ConnectionError)
      assert.ok(Date.now() - quick < 1500, 'a per-call timeout replaces the default')
    } finally {
      await admin.close()
    }
  })
})
