/**
 * The group admin APIs and the less common membership cases against a
 * broker process with real members: DescribeGroups, ListGroups (with a
 * states filter), DeleteGroups, OffsetDelete, static membership (KIP-345)
 * and commits with generation -1 for manually assigned partitions; and a
 * broker stopping while a rebalance waits.
 * Error codes are read over Brook's own codecs (RawClient); kafkajs's admin
 * and kafka-python cross-check what a client sees.
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import type { Kafka as KafkaClient } from 'kafkajs'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { ConsumerProtocolSubscriptionSpec } from '../../src/protocol/messages/consumer-protocol-subscription.js'
import { Reader } from '../../src/protocol/reader.js'
import { JoinGroupApi, SyncGroupApi } from '../../src/protocol/messages/index.js'
import { pollUntil, removeDir, run, startBrokerProcess, SYSTEM_PYTHON } from './broker-process.js'
import { GROUP_TEST_BROKER_CONFIG, GroupMember, groupTestBroker, partitionKeys, RDKAFKA_FAST, splitAssignment } from './group-member.js'
import { commitOffset, committedOffsets, consumedAll, decodeAssignment, deleteGroup, describeGroup, expectedKeys, findCoordinator, heartbeat, listGroups, offsetDelete, produceRound } from './group-requests.js'
import { RawClient } from './raw-client.js'

const require = createRequire(import.meta.url)
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs')

/** The topics in a member's ConsumerProtocolSubscription. */
function subscribedTopics(metadata: Buffer): string[] {
  const r = new Reader(metadata)
  const version = r.int16()
  return ConsumerProtocolSubscriptionSpec.read(r, Math.min(version, ConsumerProtocolSubscriptionSpec.maxVersion)).topics
}

/**
 * kafka-python with manually assigned partitions (no group membership):
 * optionally commits offsets (OffsetCommit with generation -1 and no member
 * id), then prints the committed offsets and the first offset it reads from
 * each partition.
 */
const MANUAL_ASSIGNMENT_SCRIPT = `
import json, sys
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata
bootstrap, group, topic, commits = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, consumer_timeout_ms=10000)
tps = [TopicPartition(topic, p) for p in range(2)]
c.assign(tps)
if commits:
    c.commit({tps[p]: OffsetAndMetadata(commits[p], 'manual-%d' % p) for p in range(2)})
first = {}
while len(first) < 2:
    for tp, records in c.poll(timeout_ms=200).items():
        first.setdefault(tp.partition, records[0].offset)
print(json.dumps({'committed': [c.committed(tp) for tp in tps], 'first': [first[0], first[1]]}))
c.close()
`

describe('consumer group admin APIs and membership', () => {
  const fx = groupTestBroker()
  let kafka: KafkaClient
  before(() => {
    kafka = new Kafka({ clientId: 'groups-admin-it', brokers: [fx.broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } })
  })

  test('DescribeGroups, ListGroups with a states filter, and DeleteGroups (NON_EMPTY_GROUP while members exist, then gone with its offsets)', async () => {
    const topic = 'admin-groups'
    assert.equal((await fx.raw.createTopic(topic, { partitions: 2 })).errorCode, 0)
    const ends = await produceRound(fx.raw, topic, 2, 5, 'admin')
    const live = GroupMember.start({ name: 'live', library: 'confluent', bootstrap: fx.broker.bootstrap, group: 'admin-live', topics: [topic], config: { ...RDKAFKA_FAST, 'client.id': 'admin-live-client' } })
    const gone = GroupMember.start({ name: 'gone', library: 'confluent', bootstrap: fx.broker.bootstrap, group: 'admin-gone', topics: [topic], config: RDKAFKA_FAST })
    for (const m of [live, gone]) await m.waitFor('read and committed everything', () => consumedAll(m.records(), topic, expectedKeys([0, 0], ends)) && m.events.at(-1)?.event === 'committed')
    await gone.close()

    // DescribeGroups: a Stable group shows its protocol, and each member's client id, host, subscription and assignment.
    const d = await describeGroup(fx.raw, 'admin-live')
    assert.equal(d.errorCode, ErrorCode.NONE)
    assert.equal(d.groupState, 'Stable')
    assert.equal(d.protocolType, 'consumer')
    assert.equal(d.protocolData, 'range')
    assert.equal(d.members.length, 1)
    const member = d.members[0]!
    assert.equal(member.clientId, 'admin-live-client')
    assert.equal(member.clientHost, '/127.0.0.1')
    assert.equal(member.groupInstanceId, null)
    assert.deepEqual(subscribedTopics(member.memberMetadata), [topic])
    assert.deepEqual(decodeAssignment(member.memberAssignment), partitionKeys(topic, 2))
    // An Empty group has no protocol; an unknown group is Dead without an error (as Kafka answers).
    const empty = await describeGroup(fx.raw, 'admin-gone')
    assert.deepEqual([empty.groupState, empty.protocolType, empty.protocolData, empty.members.length], ['Empty', 'consumer', '', 0])
    const unknown = await describeGroup(fx.raw, 'admin-never-existed')
    assert.deepEqual([unknown.errorCode, unknown.groupState], [ErrorCode.NONE, 'Dead'])
    // kafkajs's admin sees the same.
    const admin = kafka.admin()
    await admin.connect()
    try {
      const { groups } = await admin.describeGroups(['admin-live'])
      assert.equal(groups[0]!.state, 'Stable')
      assert.equal(groups[0]!.members[0]!.clientHost, '/127.0.0.1')
      const listed = (await admin.listGroups()).groups.map((g) => `${g.groupId}:${g.protocolType}`)
      assert.ok(listed.includes('admin-live:consumer') && listed.includes('admin-gone:consumer'), listed.join())
    } finally {
      await admin.disconnect()
    }

    // ListGroups v4 filters by state (KIP-518).
    const names = async (states: string[]) => (await listGroups(fx.raw, states)).map((g) => g.groupId)
    assert.ok((await names(['Stable'])).includes('admin-live'))
    assert.ok(!(await names(['Stable'])).includes('admin-gone'))
    assert.ok((await names(['Empty'])).includes('admin-gone'))
    assert.ok(!(await names(['Empty'])).includes('admin-live'))
    assert.ok((await names([])).includes('admin-live') && (await names([])).includes('admin-gone'))
    assert.deepEqual((await listGroups(fx.raw, ['Stable'])).find((g) => g.groupId === 'admin-live')?.groupState, 'Stable')

    // DeleteGroups: refused while the group has a member, and only members may commit to it meanwhile.
    assert.equal(await deleteGroup(fx.raw, 'admin-live'), ErrorCode.NON_EMPTY_GROUP)
    assert.equal(await commitOffset(fx.raw, { groupId: 'admin-live', generationId: -1, memberId: '', topic, partition: 0, offset: 0 }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.deepEqual(await committedOffsets(fx.raw, 'admin-live', topic, 2), ends, 'offsets intact after the refused delete')
    await live.close()
    await listGroupsUntil(fx.raw, 'admin-live', 'Empty')
    assert.equal(await deleteGroup(fx.raw, 'admin-live'), ErrorCode.NONE)
    assert.deepEqual(await committedOffsets(fx.raw, 'admin-live', topic, 2), [-1, -1], 'its offsets are gone')
    assert.equal((await describeGroup(fx.raw, 'admin-live')).groupState, 'Dead')
    assert.ok(!(await names([])).includes('admin-live'), 'no longer listed')
    assert.equal(await deleteGroup(fx.raw, 'admin-live'), ErrorCode.GROUP_ID_NOT_FOUND)
    // kafkajs deletes the other (Empty) group.
    const admin2 = kafka.admin()
    await admin2.connect()
    try {
      const [result] = await admin2.deleteGroups(['admin-gone'])
      assert.equal(result!.errorCode, ErrorCode.NONE)
    } finally {
      await admin2.disconnect()
    }
    assert.deepEqual(await committedOffsets(fx.raw, 'admin-gone', topic, 2), [-1, -1])
  })

  test('OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC for a topic a member subscribes to; other topics\' offsets go', async () => {
    const [old, current] = ['offset-delete-old', 'offset-delete-current']
    for (const t of [old, current]) assert.equal((await fx.raw.createTopic(t, { partitions: 2 })).errorCode, 0)
    const oldEnds = await produceRound(fx.raw, old, 2, 4, 'old')
    const currentEnds = await produceRound(fx.raw, current, 2, 6, 'current')
    const group = 'offset-delete-group'
    // The group first consumes one topic, then (another member) the other.
    const first = GroupMember.start({ name: 'first', library: 'confluent', bootstrap: fx.broker.bootstrap, group, topics: [old], config: RDKAFKA_FAST })
    await first.waitFor('read and committed the old topic', () => consumedAll(first.records(), old, expectedKeys([0, 0], oldEnds)) && first.events.at(-1)?.event === 'committed')
    await first.close()
    const second = GroupMember.start({ name: 'second', library: 'confluent', bootstrap: fx.broker.bootstrap, group, topics: [current], config: RDKAFKA_FAST })
    await second.waitFor('read and committed the current topic', () => consumedAll(second.records(), current, expectedKeys([0, 0], currentEnds)) && second.events.at(-1)?.event === 'committed')

    assert.deepEqual(await offsetDelete(fx.raw, group, current, [0, 1]), { errorCode: ErrorCode.NONE, partitions: [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC] })
    assert.deepEqual(await committedOffsets(fx.raw, group, current, 2), currentEnds, 'still committed')
    assert.deepEqual(await offsetDelete(fx.raw, group, old, [1]), { errorCode: ErrorCode.NONE, partitions: [ErrorCode.NONE] })
    assert.deepEqual(await committedOffsets(fx.raw, group, old, 2), [oldEnds[0], -1], 'only the deleted partition lost its offset')
    assert.deepEqual((await offsetDelete(fx.raw, 'offset-delete-unknown', old, [0])).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
    // Once the group is Empty, the subscribed topic's offsets can go too.
    await second.close()
    assert.deepEqual(await offsetDelete(fx.raw, group, current, [0, 1]), { errorCode: ErrorCode.NONE, partitions: [ErrorCode.NONE, ErrorCode.NONE] })
    assert.deepEqual(await committedOffsets(fx.raw, group, current, 2), [-1, -1])
  })

  test('static membership: a restarted instance takes over its partitions without a rebalance; a stale instance is fenced', async () => {
    const topic = 'static'
    const group = 'static-group'
    const all = partitionKeys(topic, 4)
    assert.equal((await fx.raw.createTopic(topic, { partitions: 4 })).errorCode, 0)
    // Sessions long enough that nothing expires while an instance restarts.
    const start = (name: string, instance: string) =>
      GroupMember.start({ name, library: 'confluent', bootstrap: fx.broker.bootstrap, group, topics: [topic], config: { ...RDKAFKA_FAST, 'session.timeout.ms': 10_000, 'group.instance.id': instance } })
    const a = start('a', 'instance-a')
    const b = start('b', 'instance-b')
    await a.waitFor('a and b split the partitions', () => splitAssignment([a, b], all)?.size === 2)
    const before = await describeGroup(fx.raw, group)
    assert.deepEqual(before.members.map((m) => m.groupInstanceId).sort(), ['instance-a', 'instance-b'])
    const oldA = before.members.find((m) => m.groupInstanceId === 'instance-a')!
    const bEvents = b.events.filter((e) => e.event !== 'record' && e.event !== 'committed').length

    // A restart: the process dies without leaving (static members never send LeaveGroup), a new one starts with the same instance id.
    const aPartitions = a.assignment()
    await a.kill()
    const a2 = start('a2', 'instance-a')
    await a2.waitFor('the new instance is assigned', () => a2.assignment().length > 0)
    assert.deepEqual(a2.assignment(), aPartitions, 'the same partitions as the instance it replaced')
    const after = await describeGroup(fx.raw, group)
    assert.equal(after.groupState, 'Stable')
    const newA = after.members.find((m) => m.groupInstanceId === 'instance-a')!
    assert.notEqual(newA.memberId, oldA.memberId, 'a new member id for the instance')
    assert.deepEqual(decodeAssignment(newA.memberAssignment), aPartitions)
    // The old member id is fenced (KIP-345).
    assert.equal(await heartbeat(fx.raw, group, oldA.memberId, 'instance-a', 1), ErrorCode.FENCED_INSTANCE_ID)

    // A stale instance: a2 stops (SIGSTOP) while a3 takes its place; when a2 resumes, the broker fences it.
    a2.pause()
    const a3 = start('a3', 'instance-a')
    await a3.waitFor('the third instance is assigned', () => a3.assignment().length > 0)
    assert.deepEqual(a3.assignment(), aPartitions)
    a2.resume()
    await a2.waitFor('the stale instance is fenced', () => a2.events.some((e) => e.event === 'error' && /fenced/i.test(e.message)))

    // b saw none of this: no revocation, no new assignment.
    assert.equal(b.events.filter((e) => e.event !== 'record' && e.event !== 'committed').length, bEvents, 'no rebalance reached b')
    const ends = await produceRound(fx.raw, topic, 4, 5, 'static')
    await a3.waitFor('a3 and b read everything', () => consumedAll([...a3.records(), ...b.records()], topic, expectedKeys([0, 0, 0, 0], ends)))
    await Promise.all([a2.kill(), a3.close(), b.close()])
  })

  test('manual assignment: kafka-python commits with generation -1, kafkajs\'s admin reads the offsets, consumers start from them', async () => {
    const topic = 'manual'
    const group = 'manual-group'
    assert.equal((await fx.raw.createTopic(topic, { partitions: 2 })).errorCode, 0)
    await produceRound(fx.raw, topic, 2, 10, 'manual')
    const manual = async (commits: number[] | null): Promise<{ committed: number[]; first: number[] }> =>
      JSON.parse(await run(SYSTEM_PYTHON, ['-c', MANUAL_ASSIGNMENT_SCRIPT, fx.broker.bootstrap, group, topic, JSON.stringify(commits)])) as { committed: number[]; first: number[] }

    assert.deepEqual(await manual([3, 7]), { committed: [3, 7], first: [3, 7] })
    // A group that only stores offsets: Empty, with no protocol type.
    const d = await describeGroup(fx.raw, group)
    assert.deepEqual([d.groupState, d.protocolType, d.members.length], ['Empty', '', 0])
    const admin = kafka.admin()
    await admin.connect()
    try {
      const [fetched] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
      assert.deepEqual(fetched!.partitions.map((p) => [p.partition, p.offset, p.metadata]).sort(), [[0, '3', 'manual-0'], [1, '7', 'manual-1']])
    } finally {
      await admin.disconnect()
    }
    // Committing again replaces them; a consumer that commits nothing starts from them.
    assert.deepEqual(await manual([5, 1]), { committed: [5, 1], first: [5, 1] })
    assert.deepEqual(await manual(null), { committed: [5, 1], first: [5, 1] })
    // A commit naming a member the group does not have is refused, even with generation -1; an anonymous one is not.
    assert.equal(await commitOffset(fx.raw, { groupId: group, generationId: 42, memberId: 'nobody', topic, partition: 0, offset: 9 }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await commitOffset(fx.raw, { groupId: group, generationId: -1, memberId: 'nobody', topic, partition: 0, offset: 9 }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await commitOffset(fx.raw, { groupId: group, generationId: -1, memberId: '', topic, partition: 0, offset: 9 }), ErrorCode.NONE)
    assert.deepEqual(await committedOffsets(fx.raw, group, topic, 2), [9, 1])
  })
})

describe('broker shutdown during a rebalance', () => {
  test('a JoinGroup parked for a rebalance is answered NOT_COORDINATOR when the broker stops, instead of holding up the shutdown', async () => {
    const broker = await startBrokerProcess({ config: GROUP_TEST_BROKER_CONFIG })
    const [a, b] = [await RawClient.connect(broker.port), await RawClient.connect(broker.port)]
    try {
      await findCoordinator(a, 'parked')
      // JoinGroup v3: no MEMBER_ID_REQUIRED round trip (KIP-394 starts at v4).
      const join = (c: RawClient) =>
        c.request(JoinGroupApi, 3, {
          ...JoinGroupApi.request.create(),
          groupId: 'parked',
          sessionTimeoutMs: 30_000,
          rebalanceTimeoutMs: 60_000,
          memberId: '',
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
        })
      const joinedA = await join(a)
      assert.equal(joinedA.errorCode, ErrorCode.NONE)
      const synced = await a.request(SyncGroupApi, 3, { ...SyncGroupApi.request.create(), groupId: 'parked', generationId: joinedA.generationId, memberId: joinedA.memberId, assignments: [] })
      assert.equal(synced.errorCode, ErrorCode.NONE)
      // b's join waits for a to rejoin, which it never does (for up to a's 60 s rebalance timeout).
      const parked = join(b)
      await pollUntil('the group is rebalancing', 100, 50, async () => ((await describeGroup(a, 'parked')).groupState === 'PreparingRebalance' ? true : undefined))
      assert.equal(await broker.stop(), 0)
      assert.equal((await parked).errorCode, ErrorCode.NOT_COORDINATOR, 'answered, not cut off')
      assert.doesNotMatch(broker.output(), /shutdown timed out/)
    } finally {
      await a.close()
      await b.close()
      await broker.stop()
      await removeDir(broker.logDir)
    }
  })
})

/** Polls ListGroups until `groupId` is listed in `state`. */
async function listGroupsUntil(raw: RawClient, groupId: string, state: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await listGroups(raw, [state])).some((g) => g.groupId === groupId)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`${groupId} never reached ${state}`)
}
