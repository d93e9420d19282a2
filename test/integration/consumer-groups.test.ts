/**
 * Consumer groups end to end: a broker process and real group members
 * (librdkafka through python3-confluent-kafka, and kafka-python), each
 * member its own process so it can leave cleanly or be SIGKILLed.
 *
 * - queue: three members share six partitions, each partition owned by one
 *   member and each record read once; a clean leave and a SIGKILL move the
 *   partitions on without skipping a record.
 * - publish-subscribe: two groups on one topic each read every record.
 * - resume: committed offsets survive a broker restart, and so does a member
 *   that was in the group when the broker stopped (its session must still
 *   expire, else the group waits for it for a whole rebalance timeout);
 *   members that stay up through a restart carry on in their generation.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { removeDir, startBrokerProcess } from './broker-process.js'
import { GROUP_TEST_BROKER_CONFIG, GroupMember, groupTestBroker, KAFKA_PYTHON_FAST, partitionKeys, RDKAFKA_FAST, RDKAFKA_SHORT_SESSION, splitAssignment } from './group-member.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { assertExactlyOnce, commitOffset, committedOffsets, consumedAll, consumedCounts, deleteGroup, describeGroup, expectedKeys, produceRound } from './group-requests.js'
import { RawClient } from './raw-client.js'

describe('consumer groups (one broker process)', () => {
  const fx = groupTestBroker()

  test('queue: three members split six partitions and read each record once; a clean leave and a SIGKILL move partitions without skipping a record', async () => {
    const topic = 'queue'
    const group = 'queue-group'
    const all = partitionKeys(topic, 6)
    assert.equal((await fx.raw.createTopic(topic, { partitions: 6 })).errorCode, 0)
    const start = (name: string, config: Readonly<Record<string, number>>) => GroupMember.start({ name, library: 'confluent', bootstrap: fx.broker.bootstrap, group, topics: [topic], config })
    // b is the one killed later: its short session ends soon after.
    const [a, b, c] = [start('a', RDKAFKA_FAST), start('b', RDKAFKA_SHORT_SESSION), start('c', RDKAFKA_FAST)]
    const members = [a, b, c]
    const records = () => members.flatMap((m) => m.records())

    // Three members: two partitions each, every partition owned by exactly one member.
    await a.waitFor('three members split the partitions', () => splitAssignment(members, all)?.size === 3 && members.every((m) => m.assignment().length === 2))
    const described = await describeGroup(fx.raw, group)
    assert.equal(described.groupState, 'Stable')
    assert.equal(described.members.length, 3)

    const round1 = await produceRound(fx.raw, topic, 6, 20, 'r1')
    const after1 = expectedKeys([0, 0, 0, 0, 0, 0], round1)
    await a.waitFor('round 1 consumed', () => consumedAll(records(), topic, after1))
    assertExactlyOnce(records(), topic, after1, 'round 1: each record read exactly once')
    for (const m of members) {
      const own = new Set(m.assignment())
      assert.ok(m.records().every((r) => own.has(`${r.topic}-${r.partition}`)), `${m.name} read only its own partitions`)
    }

    // A clean leave: a's partitions move to b and c; records produced meanwhile are read once.
    const aPartitions = a.assignment()
    await a.close()
    assert.deepEqual(a.events.at(-1), { event: 'closed' })
    const round2 = await produceRound(fx.raw, topic, 6, 20, 'r2')
    await b.waitFor('b and c split the partitions', () => splitAssignment([b, c], all) !== undefined)
    const moved = new Set([...b.assignment(), ...c.assignment()])
    assert.ok(aPartitions.every((p) => moved.has(p)), 'the leaving member\'s partitions moved to the others')
    const after2 = expectedKeys([0, 0, 0, 0, 0, 0], round2)
    await b.waitFor('round 2 consumed', () => consumedAll(records(), topic, after2))
    assertExactlyOnce(records(), topic, after2, 'rounds 1-2: nobody failed, so each record was read exactly once')

    // A SIGKILL: b never leaves; after its session times out c owns everything and reads on.
    const bPartitions = new Set(b.assignment())
    await b.kill()
    const round3 = await produceRound(fx.raw, topic, 6, 20, 'r3')
    await c.waitFor('c owns every partition after b\'s session expired', () => splitAssignment([c], all) !== undefined)
    const after3 = expectedKeys([0, 0, 0, 0, 0, 0], round3)
    await c.waitFor('round 3 consumed', () => consumedAll(records(), topic, after3))
    const counts = consumedCounts(records(), topic)
    assert.deepEqual([...counts.keys()].sort(), [...after3].sort(), 'no offset missing, nothing unexpected')
    // At-least-once: only what b read and had not yet committed may be read twice.
    for (const [key, n] of counts) {
      if (n > 1) assert.ok(bPartitions.has(`${topic}-${key.split(':')[0]}`), `record ${key} read ${n} times, but it is not on a partition of the killed member`)
    }
    await c.close()
    assert.deepEqual(await committedOffsets(fx.raw, group, topic, 6), round3, 'the group committed every partition to its end')
    assert.equal((await describeGroup(fx.raw, group)).groupState, 'Empty')
  })

  test('publish-subscribe: two groups on one topic each read every record, and commit independently', async () => {
    const topic = 'pubsub'
    assert.equal((await fx.raw.createTopic(topic, { partitions: 3 })).errorCode, 0)
    const ends = await produceRound(fx.raw, topic, 3, 30, 'ps')
    const expected = expectedKeys([0, 0, 0], ends)
    // Group 1: two librdkafka members.
    const g1 = ['g1-a', 'g1-b'].map((name) => GroupMember.start({ name, library: 'confluent', bootstrap: fx.broker.bootstrap, group: 'subscribers-1', topics: [topic], config: RDKAFKA_FAST }))
    await g1[0]!.waitFor('group 1 read everything', () => consumedAll(g1.flatMap((m) => m.records()), topic, expected))
    await Promise.all(g1.map((m) => m.close()))
    assert.deepEqual(await committedOffsets(fx.raw, 'subscribers-1', topic, 3), ends)
    // Group 2 starts after group 1 committed everything: its own offsets start from nothing.
    assert.deepEqual(await committedOffsets(fx.raw, 'subscribers-2', topic, 3), [-1, -1, -1])
    const g2 = GroupMember.start({ name: 'g2', library: 'kafka-python', bootstrap: fx.broker.bootstrap, group: 'subscribers-2', topics: [topic], config: KAFKA_PYTHON_FAST })
    await g2.waitFor('group 2 read everything', () => consumedAll(g2.records(), topic, expected))
    await g2.close()
    // Each group read every record (group 1's members between them, without duplicates: nobody failed).
    assertExactlyOnce(g1.flatMap((m) => m.records()), topic, expected, 'group 1')
    assertExactlyOnce(g2.records(), topic, expected, 'group 2')
    assert.deepEqual(await committedOffsets(fx.raw, 'subscribers-2', topic, 3), ends)
  })
})

describe('consumer groups across a broker restart', () => {
  test('resume: after a restart, new members continue exactly after the committed offsets, also when the old member was still in the group', async () => {
    let broker = await startBrokerProcess({ config: GROUP_TEST_BROKER_CONFIG })
    const logDir = broker.logDir
    const topic = 'resume'
    try {
      let raw = await RawClient.connect(broker.port)
      assert.equal((await raw.createTopic(topic, { partitions: 3 })).errorCode, 0)
      const first = await produceRound(raw, topic, 3, 25, 'before')
      const expectedFirst = expectedKeys([0, 0, 0], first)
      // "left" closes cleanly before the restart (its group is Empty); "stayed" is still a member when the broker stops.
      const left = GroupMember.start({ name: 'left', library: 'confluent', bootstrap: broker.bootstrap, group: 'resume-left', topics: [topic], config: RDKAFKA_FAST })
      const stayed = GroupMember.start({ name: 'stayed', library: 'confluent', bootstrap: broker.bootstrap, group: 'resume-stayed', topics: [topic], config: RDKAFKA_SHORT_SESSION })
      for (const m of [left, stayed]) {
        await m.waitFor('read and committed everything', () => consumedAll(m.records(), topic, expectedFirst) && m.events.at(-1)?.event === 'committed')
      }
      await left.close()
      assert.deepEqual(await committedOffsets(raw, 'resume-stayed', topic, 3), first)
      assert.equal((await describeGroup(raw, 'resume-stayed')).groupState, 'Stable')
      await raw.close()
      assert.equal(await broker.stop(), 0)
      // The member dies while the broker is down: it never comes back to leave or heartbeat.
      await stayed.kill()

      broker = await startBrokerProcess({ logDir, config: GROUP_TEST_BROKER_CONFIG })
      raw = await RawClient.connect(broker.port)
      const second = await produceRound(raw, topic, 3, 10, 'after')
      const expectedSecond = expectedKeys(first, second)
      for (const group of ['resume-left', 'resume-stayed']) {
        assert.deepEqual(await committedOffsets(raw, group, topic, 3), first, `${group}: committed offsets survived the restart`)
        const next = GroupMember.start({ name: `${group}-next`, library: 'confluent', bootstrap: broker.bootstrap, group, topics: [topic], config: RDKAFKA_FAST })
        await next.waitFor('read what was produced after the restart', () => consumedAll(next.records(), topic, expectedSecond))
        await next.close()
        assertExactlyOnce(next.records(), topic, expectedSecond, `${group}: nothing re-read, nothing skipped`)
        assert.deepEqual(await committedOffsets(raw, group, topic, 3), second)
      }
      await raw.close()
    } finally {
      await GroupMember.killAll()
      await broker.stop()
      await removeDir(logDir)
    }
  })

  test('members that stay up while the broker restarts carry on in the same generation, without a rebalance; a deleted group stays deleted', async () => {
    let broker = await startBrokerProcess({ config: GROUP_TEST_BROKER_CONFIG })
    const { logDir, port } = broker
    const topic = 'survive'
    const group = 'survive-group'
    const all = partitionKeys(topic, 2)
    try {
      let raw = await RawClient.connect(port)
      assert.equal((await raw.createTopic(topic, { partitions: 2 })).errorCode, 0)
      const first = await produceRound(raw, topic, 2, 10, 'before')
      const members = ['m1', 'm2'].map((name) => GroupMember.start({ name, library: 'confluent', bootstrap: broker.bootstrap, group, topics: [topic], config: RDKAFKA_FAST }))
      const records = () => members.flatMap((m) => m.records())
      await members[0]!.waitFor('split and read everything', () => splitAssignment(members, all) !== undefined && consumedAll(records(), topic, expectedKeys([0, 0], first)))
      const memberIds = (await describeGroup(raw, group)).members.map((m) => m.memberId).sort()
      const rebalanceEvents = () => members.map((m) => m.events.filter((e) => e.event === 'assigned' || e.event === 'revoked').length)
      const eventsBefore = rebalanceEvents()
      // Another group's offsets, deleted before the restart: the tombstones must win on load.
      assert.equal(await commitOffset(raw, { groupId: 'survive-deleted', generationId: -1, memberId: '', topic, partition: 0, offset: 3 }), ErrorCode.NONE)
      assert.equal(await deleteGroup(raw, 'survive-deleted'), ErrorCode.NONE)
      await raw.close()
      assert.equal(await broker.stop(), 0)

      // Same port: the members reconnect to "their" coordinator and heartbeat with the generation they had.
      broker = await startBrokerProcess({ logDir, port, config: GROUP_TEST_BROKER_CONFIG })
      raw = await RawClient.connect(port)
      const second = await produceRound(raw, topic, 2, 10, 'after')
      await members[0]!.waitFor('read what was produced after the restart', () => consumedAll(records(), topic, expectedKeys([0, 0], second)))
      assertExactlyOnce(records(), topic, expectedKeys([0, 0], second), 'nothing re-read, nothing skipped')
      const described = await describeGroup(raw, group)
      assert.equal(described.groupState, 'Stable')
      assert.deepEqual(described.members.map((m) => m.memberId).sort(), memberIds, 'the same members')
      assert.deepEqual(rebalanceEvents(), eventsBefore, 'no member was revoked or assigned anything')
      assert.deepEqual(await committedOffsets(raw, 'survive-deleted', topic, 2), [-1, -1])
      assert.equal((await describeGroup(raw, 'survive-deleted')).groupState, 'Dead')
      await Promise.all(members.map((m) => m.close()))
      await raw.close()
    } finally {
      await GroupMember.killAll()
      await broker.stop()
      await removeDir(logDir)
    }
  })
})
