/**
 * Each real client's consumer groups against a broker process: kafkajs
 * (eachMessage and eachBatch, in this process), librdkafka through kcat -G
 * and through python3-confluent-kafka with cooperative-sticky (incremental)
 * rebalancing, kafka-python, and one group mixing librdkafka and
 * kafka-python members (both speak the "range"/"roundrobin" assignor
 * protocols; kafkajs names its own protocol, so it cannot join them).
 */
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import type { Consumer, ConsumerGroupJoinEvent, EachBatchPayload, EachMessagePayload, Kafka as KafkaClient } from 'kafkajs'
import { pollUntil, run } from './broker-process.js'
import { GroupMember, groupTestBroker, KAFKA_PYTHON_FAST, partitionKeys, RDKAFKA_FAST, splitAssignment, type ConsumedRecord } from './group-member.js'
import { assertExactlyOnce, committedOffsets, consumedAll, decodeAssignment, describeGroup, expectedKeys, produceRound } from './group-requests.js'

const require = createRequire(import.meta.url)
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs')

/** kafkajs settings: short sessions, and fetches that return quickly so rebalances are noticed at once. */
const KAFKAJS_CONSUMER = { sessionTimeout: 3000, heartbeatInterval: 250, rebalanceTimeout: 20_000, maxWaitTimeInMs: 100 }

/** A kafkajs consumer in this process, recording what it was assigned and what it read. */
class KafkajsMember {
  readonly records: ConsumedRecord[] = []
  assignment: string[] = []
  readonly consumer: Consumer

  constructor(
    kafka: KafkaClient,
    readonly groupId: string,
  ) {
    this.consumer = kafka.consumer({ groupId, ...KAFKAJS_CONSUMER })
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e: ConsumerGroupJoinEvent) => {
      this.assignment = Object.entries(e.payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`)).sort()
    })
  }

  record(topic: string, partition: number, offset: string, value: Buffer | null): void {
    this.records.push({ topic, partition, offset: Number(offset), value: value?.toString() ?? null })
  }
}

describe('consumer groups with each client', () => {
  const fx = groupTestBroker()
  let kafka: KafkaClient
  before(() => {
    kafka = new Kafka({ clientId: 'groups-it', brokers: [fx.broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } })
  })

  test('kafkajs eachMessage: two consumers split the partitions and read each record once; when one disconnects the other takes over', async () => {
    const topic = 'kjs-each-message'
    const group = 'kjs-each-message-group'
    assert.equal((await fx.raw.createTopic(topic, { partitions: 4 })).errorCode, 0)
    const members = [new KafkajsMember(kafka, group), new KafkajsMember(kafka, group)] as const
    try {
      for (const m of members) {
        await m.consumer.connect()
        await m.consumer.subscribe({ topics: [topic], fromBeginning: true })
        await m.consumer.run({ eachMessage: async ({ topic: t, partition, message }: EachMessagePayload) => m.record(t, partition, message.offset, message.value) })
      }
      const bothAssigned = () => {
        const [x, y] = [members[0].assignment, members[1].assignment]
        return x.length > 0 && y.length > 0 && [...x, ...y].sort().join() === partitionKeys(topic, 4).join() ? true : undefined
      }
      await pollUntil('both kafkajs consumers assigned', 600, 50, async () => bothAssigned())
      const described = await describeGroup(fx.raw, group)
      assert.equal(described.groupState, 'Stable')
      assert.equal(described.protocolData, 'RoundRobinAssigner', 'kafkajs\'s own assignor protocol')
      assert.deepEqual(described.members.map((m) => decodeAssignment(m.memberAssignment)).sort(), members.map((m) => m.assignment).sort(), 'the stored assignment is what the members got')

      const ends = await produceRound(fx.raw, topic, 4, 15, 'kjs')
      const expected = expectedKeys([0, 0, 0, 0], ends)
      const all = () => [...members[0].records, ...members[1].records]
      await pollUntil('kafkajs consumers read everything', 600, 50, async () => (consumedAll(all(), topic, expected) ? true : undefined))
      assertExactlyOnce(all(), topic, expected, 'each record read once')
      for (const m of members) assert.ok(m.records.every((r) => m.assignment.includes(`${r.topic}-${r.partition}`)), 'a consumer reads only its partitions')

      // The first leaves (LeaveGroup on disconnect): the second gets all four partitions and continues where the first committed.
      await members[0].consumer.disconnect()
      await pollUntil('the remaining consumer owns every partition', 600, 50, async () => (members[1].assignment.length === 4 ? true : undefined))
      const more = await produceRound(fx.raw, topic, 4, 5, 'kjs-more')
      const expectedMore = expectedKeys([0, 0, 0, 0], more)
      await pollUntil('the remaining consumer read the new records', 600, 50, async () => (consumedAll(all(), topic, expectedMore) ? true : undefined))
      assertExactlyOnce(all(), topic, expectedMore, 'a clean leave re-reads nothing')
      await members[1].consumer.disconnect()
      const admin = kafka.admin()
      await admin.connect()
      try {
        const [fetched] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
        assert.deepEqual(fetched!.partitions.map((p) => [p.partition, Number(p.offset)]).sort(), more.map((end, p) => [p, end]))
      } finally {
        await admin.disconnect()
      }
    } finally {
      await Promise.all(members.map((m) => m.consumer.disconnect()))
    }
  })

  test('kafkajs eachBatch: the handler commits each batch; the next consumer of the group starts right after the commits', async () => {
    const topic = 'kjs-each-batch'
    const group = 'kjs-each-batch-group'
    assert.equal((await fx.raw.createTopic(topic, { partitions: 2 })).errorCode, 0)
    /** One eachBatch consumer that commits each batch itself, until it has read `expected` and committed up to `ends`. */
    const consumeUntil = async (expected: string[], ends: number[]): Promise<ConsumedRecord[]> => {
      const m = new KafkajsMember(kafka, group)
      try {
        await m.consumer.connect()
        await m.consumer.subscribe({ topics: [topic], fromBeginning: true })
        await m.consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
            for (const message of batch.messages) {
              m.record(batch.topic, batch.partition, message.offset, message.value)
              resolveOffset(message.offset)
            }
            await heartbeat()
            // A manual commit of the next offset to read (autoCommit is off).
            await m.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }])
          },
        })
        await pollUntil('eachBatch read everything', 600, 50, async () => (consumedAll(m.records, topic, expected) ? true : undefined))
        await pollUntil('eachBatch committed everything', 600, 50, async () => ((await committedOffsets(fx.raw, group, topic, 2)).join() === ends.join() ? true : undefined))
        return m.records
      } finally {
        await m.consumer.disconnect()
      }
    }
    const first = await produceRound(fx.raw, topic, 2, 30, 'batch-1')
    assertExactlyOnce(await consumeUntil(expectedKeys([0, 0], first), first), topic, expectedKeys([0, 0], first), 'first consumer')
    assert.equal((await describeGroup(fx.raw, group)).groupState, 'Empty', 'the consumer left on disconnect')
    const second = await produceRound(fx.raw, topic, 2, 10, 'batch-2')
    const expectedSecond = expectedKeys(first, second)
    assertExactlyOnce(await consumeUntil(expectedSecond, second), topic, expectedSecond, 'the second consumer reads only what came after the commit')
  })

  test('librdkafka via kcat -G: a balanced consumer reads everything and commits on exit; the next run reads only new records', async () => {
    const topic = 'kcat-group'
    const group = 'kcat-group'
    assert.equal((await fx.raw.createTopic(topic, { partitions: 3 })).errorCode, 0)
    // -o would override the committed offsets in -G mode; auto.offset.reset applies only where nothing was committed.
    const kcat = async (): Promise<ConsumedRecord[]> => {
      const out = await run('kcat', ['-b', fx.broker.bootstrap, '-G', group, '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=3000', '-e', '-f', '%p %o %s\n', topic])
      return out.split('\n').filter((l) => l !== '').map((l) => {
        const [p, o, v] = l.split(' ')
        return { topic, partition: Number(p), offset: Number(o), value: v! }
      })
    }
    const first = await produceRound(fx.raw, topic, 3, 20, 'kcat-1')
    assertExactlyOnce(await kcat(), topic, expectedKeys([0, 0, 0], first), 'first run')
    assert.deepEqual(await committedOffsets(fx.raw, group, topic, 3), first, 'committed on exit')
    const described = await describeGroup(fx.raw, group)
    assert.equal(described.groupState, 'Empty')
    assert.equal(described.protocolType, 'consumer')
    const second = await produceRound(fx.raw, topic, 3, 7, 'kcat-2')
    assertExactlyOnce(await kcat(), topic, expectedKeys(first, second), 'the second run starts at the committed offsets')
  })

  test('python3-confluent-kafka with cooperative-sticky: members joining and leaving move only the partitions that change owner', async () => {
    const topic = 'cooperative'
    const group = 'cooperative-group'
    const all = partitionKeys(topic, 6)
    assert.equal((await fx.raw.createTopic(topic, { partitions: 6 })).errorCode, 0)
    const start = (name: string) =>
      GroupMember.start({ name, library: 'confluent', bootstrap: fx.broker.bootstrap, group, topics: [topic], config: { ...RDKAFKA_FAST, 'partition.assignment.strategy': 'cooperative-sticky' } })
    const a = start('a')
    await a.waitFor('a owns every partition', () => splitAssignment([a], all) !== undefined)
    const r1 = await produceRound(fx.raw, topic, 6, 10, 'coop-1')
    await a.waitFor('round 1 read', () => consumedAll(a.records(), topic, expectedKeys([0, 0, 0, 0, 0, 0], r1)))
    const b = start('b')
    await a.waitFor('a and b split the partitions', () => splitAssignment([a, b], all)?.size === 2)
    const c = start('c')
    await a.waitFor('a, b and c split the partitions', () => splitAssignment([a, b, c], all)?.size === 3 && [a, b, c].every((m) => m.assignment().length === 2))
    const described = await describeGroup(fx.raw, group)
    assert.equal(described.protocolData, 'cooperative-sticky')
    assert.deepEqual(described.members.map((m) => decodeAssignment(m.memberAssignment)).flat().sort(), all)
    const r2 = await produceRound(fx.raw, topic, 6, 10, 'coop-2')
    const members = [a, b, c]
    const records = () => members.flatMap((m) => m.records())
    await a.waitFor('round 2 read', () => consumedAll(records(), topic, expectedKeys([0, 0, 0, 0, 0, 0], r2)))
    await b.close()
    await a.waitFor('a and c split the partitions again', () => splitAssignment([a, c], all) !== undefined)
    const r3 = await produceRound(fx.raw, topic, 6, 10, 'coop-3')
    await a.waitFor('round 3 read', () => consumedAll(records(), topic, expectedKeys([0, 0, 0, 0, 0, 0], r3)))
    assertExactlyOnce(records(), topic, expectedKeys([0, 0, 0, 0, 0, 0], r3), 'nobody failed: each record read once')

    // Incremental: a member that stays is never told to give up everything, and is never given a partition it already holds.
    for (const m of [a, c]) {
      const held = new Set<string>()
      for (const e of m.events) {
        if (e.event !== 'assigned' && e.event !== 'revoked') continue
        const keys = e.partitions.map(([t, p]) => `${t}-${p}`)
        if (e.event === 'assigned') {
          for (const k of keys) assert.ok(!held.has(k), `${m.name} was assigned ${k} again`)
          for (const k of keys) held.add(k)
        } else {
          assert.ok(keys.length > 0 && keys.length < held.size, `${m.name} revoked ${keys.length} of its ${held.size} partitions: an eager revocation`)
          for (const k of keys) held.delete(k)
        }
      }
    }
    // Sticky: a kept partitions from its very first assignment through all three rebalances.
    const everRevokedFromA = new Set(a.events.flatMap((e) => (e.event === 'revoked' ? e.partitions.map(([t, p]) => `${t}-${p}`) : [])))
    assert.ok(a.assignment().some((k) => !everRevokedFromA.has(k)), 'a still holds a partition it never gave up')
    await Promise.all([a.close(), c.close()])
  })

  test('kafka-python: two members split the partitions; when one leaves the other takes over from the committed offsets', async () => {
    const topic = 'kafka-python-group'
    const group = 'kafka-python-group'
    const all = partitionKeys(topic, 4)
    assert.equal((await fx.raw.createTopic(topic, { partitions: 4 })).errorCode, 0)
    const members = ['p1', 'p2'].map((name) => GroupMember.start({ name, library: 'kafka-python', bootstrap: fx.broker.bootstrap, group, topics: [topic], config: KAFKA_PYTHON_FAST }))
    const [p1, p2] = members as [GroupMember, GroupMember]
    const records = () => members.flatMap((m) => m.records())
    await p1.waitFor('p1 and p2 split the partitions', () => splitAssignment(members, all)?.size === 2)
    const described = await describeGroup(fx.raw, group)
    assert.equal(described.groupState, 'Stable')
    assert.ok(described.members.every((m) => m.clientId.startsWith('kafka-python')), 'kafka-python\'s client id')
    const r1 = await produceRound(fx.raw, topic, 4, 10, 'kp-1')
    await p1.waitFor('round 1 read', () => consumedAll(records(), topic, expectedKeys([0, 0, 0, 0], r1)))
    await p1.close()
    await p2.waitFor('p2 owns every partition', () => splitAssignment([p2], all) !== undefined)
    const r2 = await produceRound(fx.raw, topic, 4, 10, 'kp-2')
    await p2.waitFor('round 2 read', () => consumedAll(records(), topic, expectedKeys([0, 0, 0, 0], r2)))
    await p2.close()
    assertExactlyOnce(records(), topic, expectedKeys([0, 0, 0, 0], r2), 'each record read once')
    assert.deepEqual(await committedOffsets(fx.raw, group, topic, 4), r2)
  })

  test('one group with a librdkafka member and a kafka-python member: they agree on "range" and split the partitions', async () => {
    const topic = 'mixed'
    const group = 'mixed-group'
    const all = partitionKeys(topic, 4)
    assert.equal((await fx.raw.createTopic(topic, { partitions: 4 })).errorCode, 0)
    const rd = GroupMember.start({ name: 'librdkafka', library: 'confluent', bootstrap: fx.broker.bootstrap, group, topics: [topic], config: RDKAFKA_FAST })
    const py = GroupMember.start({ name: 'kafka-python', library: 'kafka-python', bootstrap: fx.broker.bootstrap, group, topics: [topic], config: KAFKA_PYTHON_FAST })
    const members = [rd, py]
    const records = () => members.flatMap((m) => m.records())
    await rd.waitFor('both members split the partitions', () => splitAssignment(members, all)?.size === 2 && rd.assignment().length === 2)
    const described = await describeGroup(fx.raw, group)
    assert.equal(described.groupState, 'Stable')
    assert.equal(described.protocolData, 'range')
    assert.deepEqual(described.members.map((m) => (m.clientId.startsWith('kafka-python') ? 'kafka-python' : m.clientId)).sort(), ['kafka-python', 'rdkafka'])
    const r1 = await produceRound(fx.raw, topic, 4, 10, 'mixed-1')
    await rd.waitFor('round 1 read', () => consumedAll(records(), topic, expectedKeys([0, 0, 0, 0], r1)))
    for (const m of members) assert.ok(m.records().every((r) => m.assignment().includes(`${r.topic}-${r.partition}`)), `${m.name} read only its partitions`)
    // The librdkafka member leaves; the kafka-python member takes its partitions and continues from its commits.
    await rd.close()
    await py.waitFor('kafka-python owns every partition', () => splitAssignment([py], all) !== undefined)
    const r2 = await produceRound(fx.raw, topic, 4, 10, 'mixed-2')
    await py.waitFor('round 2 read', () => consumedAll(records(), topic, expectedKeys([0, 0, 0, 0], r2)))
    await py.close()
    assertExactlyOnce(records(), topic, expectedKeys([0, 0, 0, 0], r2), 'each record read once')
  })
})
