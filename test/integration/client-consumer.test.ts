/**
 * Brook's consumer against two independent brokers, Brook and librdkafka's
 * mock cluster: a group member reads every record once and commits, and the
 * next member resumes after the commit; three members share a topic under
 * range and cooperative-sticky (and keep sharing it when one leaves), also
 * together with a librdkafka member; manual assignment with seek,
 * pause/resume and the reset policies; marks and commits.
 *
 * The mock cluster's group coordinator waits (session timeout - 1 s) for
 * members in every rebalance after the first, so the groups here use
 * 6-second sessions.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { Consumer, type ConsumerOptions, type ConsumerRecord, type TopicPartition } from '../../src/client/consumer/consumer.js'
import { Producer } from '../../src/client/producer/producer.js'
import { KafkaClientError } from '../../src/client/errors.js'
import { Cluster } from '../../src/client/cluster.js'
import { Admin } from '../../src/client/admin/admin.js'
import { CreateTopicsApi, LeaveGroupApi } from '../../src/protocol/messages/index.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { GroupMember, RDKAFKA_FAST } from './group-member.js'
import { startMockCluster, type MockCluster } from './mock-cluster.js'

let brook: RunningBroker
let mock: MockCluster

before(async () => {
  brook = await startBroker({ config: { 'num.partitions': '3', 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' } })
  mock = await startMockCluster()
})

after(async () => {
  await mock.stop()
  await brook.close()
})

/** Partitions of a topic the mock cluster auto-creates. */
const MOCK_PARTITIONS = 4
const FAST: Partial<ConsumerOptions> = { sessionTimeoutMs: 6000, heartbeatIntervalMs: 200, autoOffsetReset: 'earliest', fetchMaxWaitMs: 100, retryBackoffMs: 50 }

/** Creates a topic (CreateTopics, which both brokers serve); until then the brokers would auto-create it with their default count. */
async function createTopic(bootstrap: string, name: string, partitions: number): Promise<void> {
  // The mock cluster has no CreateTopics: it auto-creates every topic with MOCK_PARTITIONS partitions.
  if (bootstrap === mock.bootstrap) return assert.equal(partitions, MOCK_PARTITIONS)
  const cluster = new Cluster({ bootstrapServers: [bootstrap] })
  try {
    const res = await cluster.anyBroker((c) => c.request(CreateTopicsApi, { ...CreateTopicsApi.request.create(), topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000 }))
    assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE, `create ${name}: ${res.topics[0]!.errorMessage}`)
  } finally {
    await cluster.close()
  }
}

async function produce(bootstrap: string, topic: string, n: number, partitions?: number): Promise<void> {
  const p = new Producer({ bootstrapServers: [bootstrap], lingerMs: 1 })
  try {
    await Promise.all(Array.from({ length: n }, (_, i) => p.send({ topic, key: `k${i}`, value: `v${i}`, partition: partitions === undefined ? undefined : i % partitions })))
  } finally {
    await p.close()
  }
}

const key = (r: Pick<ConsumerRecord, 'topic' | 'partition' | 'offset'>) => `${r.topic}-${r.partition}@${r.offset}`
const tpName = (tp: TopicPartition) => `${tp.topic}-${tp.partition}`

async function until(what: string, cond: () => boolean, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/**
 * A Brook-client group member reading in the background, remembering its
 * records and its partitions. It commits after each batch (at-least-once,
 * like the librdkafka member in group-member.ts), so nothing it read is
 * uncommitted when a rebalance starts: the mock cluster refuses commits
 * while a rebalance is in progress (Kafka accepts them from the current
 * generation), which would otherwise make records be read again.
 */
class Member {
  readonly records: ConsumerRecord[] = []
  readonly held = new Set<string>()
  readonly consumer: Consumer
  readonly #loop: Promise<void>
  #closing = false

  constructor(bootstrap: string, group: string, topics: string[], opts: Partial<ConsumerOptions> = {}) {
    this.consumer = new Consumer({
      bootstrapServers: [bootstrap],
      groupId: group,
      ...FAST,
      autoMark: false,
      ...opts,
      rebalanceListener: {
        assigned: (tps) => {
          tps.forEach((tp) => this.held.add(tpName(tp)))
          return opts.rebalanceListener?.assigned?.(tps)
        },
        revoked: (tps) => {
          tps.forEach((tp) => this.held.delete(tpName(tp)))
          return opts.rebalanceListener?.revoked?.(tps)
        },
        lost: (tps) => {
          tps.forEach((tp) => this.held.delete(tpName(tp)))
          return opts.rebalanceListener?.lost?.(tps)
        },
      },
    })
    const consumer = this.consumer
    this.#loop = (async () => {
      await consumer.subscribe(topics)
      while (!this.#closing) {
        const batch = await consumer.poll(200)
        this.records.push(...batch)
        for (const r of batch) consumer.markOffset(r)
        if (batch.length > 0) await consumer.commit().catch(() => undefined)
      }
    })()
  }

  async close(): Promise<void> {
    this.#closing = true
    await this.#loop
    await this.consumer.close()
  }
}

/** Every partition of the topic held by exactly one of the holders. */
function ownedOnce(holders: Iterable<string>[], topic: string, partitions: number): boolean {
  const all = [...holders].flatMap((h) => [...h])
  const expected = Array.from({ length: partitions }, (_, p) => `${topic}-${p}`)
  return all.length === partitions && expected.every((tp) => all.includes(tp))
}

for (const target of ['Brook', 'librdkafka mock cluster'] as const) {
  describe(`Consumer against ${target}`, { timeout: 180_000 }, () => {
    const bootstrap = () => (target === 'Brook' ? brook.bootstrap : mock.bootstrap)
    const suffix = target === 'Brook' ? 'b' : 'm'
    // Partitions for the shared topics: two per member where topics can be created, else what the mock makes.
    const shared = target === 'Brook' ? 6 : MOCK_PARTITIONS
    const mixed = target === 'Brook' ? 8 : MOCK_PARTITIONS

    test('a group member reads every record once and commits on close; the next member resumes after the commit', async () => {
      const topic = `c-resume-${suffix}`
      await produce(bootstrap(), topic, 300)
      const first = new Consumer({ bootstrapServers: [bootstrap()], groupId: `g-resume-${suffix}`, ...FAST })
      await first.subscribe([topic])
      const seen: ConsumerRecord[] = []
      for await (const r of first) {
        seen.push(r)
        if (seen.length === 200) break
      }
      await first.close()
      const second = new Consumer({ bootstrapServers: [bootstrap()], groupId: `g-resume-${suffix}`, ...FAST })
      await second.subscribe([topic])
      for await (const r of second) {
        seen.push(r)
        if (seen.length === 300) break
      }
      // Nothing more: a short poll finds no record the first member had already read.
      const extra = await second.poll(300)
      await second.close()
      const keys = seen.concat(extra).map(key)
      assert.equal(new Set(keys).size, keys.length, 'no record read twice')
      assert.equal(keys.length, 300, 'every record read')
      assert.deepEqual(new Set(seen.map((r) => r.value!.toString())), new Set(Array.from({ length: 300 }, (_, i) => `v${i}`)))
      // Within a partition, offsets come in order.
      for (let p = 0; p < 3; p++) {
        const offsets = seen.filter((r) => r.partition === p).map((r) => Number(r.offset))
        assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b))
      }
    })

    for (const assignor of ['range', 'cooperative-sticky'] as const) {
      test(`three members share ${shared} partitions under ${assignor}: each owned once, every record read once, and a leaving member's partitions move`, async () => {
        const topic = `c-share-${assignor}-${suffix}`
        const group = `g-share-${assignor}-${suffix}`
        await createTopic(bootstrap(), topic, shared)
        await produce(bootstrap(), topic, shared, shared)
        const members = [0, 1, 2].map(() => new Member(bootstrap(), group, [topic], { assignors: [assignor] }))
        try {
          await until('every partition owned once, evenly', () => ownedOnce(members.map((m) => m.held), topic, shared) && members.every((m) => Math.abs(m.held.size - shared / 3) < 1))
          await produce(bootstrap(), topic, 600, shared)
          await until('all records read', () => members.reduce((n, m) => n + m.records.length, 0) >= 600 + shared)
          const keys = members.flatMap((m) => m.records.map(key))
          assert.equal(new Set(keys).size, 600 + shared, 'no record read twice')
          // Each member read exactly the partitions it holds.
          for (const m of members) for (const r of m.records) assert.ok(m.held.has(`${r.topic}-${r.partition}`))
          await members[0]!.close()
          await until("the leaver's partitions moved", () => ownedOnce(members.slice(1).map((m) => m.held), topic, shared) && members.slice(1).every((m) => m.held.size === shared / 2))
          await produce(bootstrap(), topic, 60, shared)
          await until('the 60 new records read by the two left', () => members.reduce((n, m) => n + m.records.length, 0) >= 660 + shared)
          const after = members.flatMap((m) => m.records.map(key))
          assert.equal(new Set(after).size, after.length, 'no record read twice across the rebalance')
          assert.equal(after.length, 660 + shared)
        } finally {
          await Promise.all(members.slice(1).map((m) => m.close()))
        }
      })

      test(`a group of three Brook members and one librdkafka member under ${assignor}: every partition owned once`, async () => {
        const topic = `c-mixed-${assignor}-${suffix}`
        const group = `g-mixed-${assignor}-${suffix}`
        await createTopic(bootstrap(), topic, mixed)
        await produce(bootstrap(), topic, mixed, mixed)
        const rd = GroupMember.start({ name: 'rd', library: 'confluent', bootstrap: bootstrap(), group, topics: [topic], config: { ...RDKAFKA_FAST, 'partition.assignment.strategy': assignor } })
        const members = [0, 1, 2].map(() => new Member(bootstrap(), group, [topic], { assignors: [assignor] }))
        try {
          await until('every partition owned once by the four, evenly', () => {
            const holders = [...members.map((m) => m.held), new Set(rd.assignment())]
            return ownedOnce(holders, topic, mixed) && holders.every((h) => h.size === mixed / 4)
          }, 90_000)
          await produce(bootstrap(), topic, 400, mixed)
          await until('all records read by the four', () => members.reduce((n, m) => n + m.records.length, 0) + rd.records().length >= 400 + mixed, 60_000)
          const keys = [...members.flatMap((m) => m.records.map(key)), ...rd.records().map((r) => `${r.topic}-${r.partition}@${r.offset}`)]
          assert.equal(new Set(keys).size, 400 + mixed, 'every record read once')
        } finally {
          await Promise.all([...members.map((m) => m.close()), rd.close()])
        }
      })
    }

    test('manual assignment: seek, seekToBeginning/End, pause and resume; auto.offset.reset latest and none', async () => {
      const topic = `c-manual-${suffix}`
      await produce(bootstrap(), topic, 30, 3)
      const tp0 = { topic, partition: 0 }
      const tp1 = { topic, partition: 1 }
      const c = new Consumer({ bootstrapServers: [bootstrap()], ...FAST })
      try {
        c.assign([tp0, tp1])
        const got: ConsumerRecord[] = []
        while (got.length < 20) got.push(...(await c.poll(500)))
        assert.deepEqual(got.filter((r) => r.partition === 0).map((r) => Number(r.offset)), Array.from({ length: 10 }, (_, i) => i))
        assert.equal(c.position(tp0), 10)
        c.seek(tp0, 7)
        c.pause([tp1])
        const again = await c.poll(500)
        assert.deepEqual(again.map((r) => `${r.partition}@${r.offset}`), ['0@7', '0@8', '0@9'])
        await produce(bootstrap(), topic, 3, 3)
        const whilePaused = await c.poll(400)
        assert.ok(whilePaused.every((r) => r.partition === 0), 'nothing from the paused partition')
        assert.deepEqual(c.paused(), [tp1])
        c.resume([tp1])
        const resumed: ConsumerRecord[] = [...whilePaused]
        while (!resumed.some((r) => r.partition === 1)) resumed.push(...(await c.poll(500)))
        assert.deepEqual(resumed.filter((r) => r.partition === 1).map((r) => Number(r.offset)), [10])
        c.seekToBeginning([tp1])
        const fromStart: ConsumerRecord[] = []
        while (fromStart.filter((r) => r.partition === 1).length < 11) fromStart.push(...(await c.poll(500)))
        assert.equal(fromStart.find((r) => r.partition === 1)!.offset, 0n)
        c.seekToEnd([tp0])
        await until('position at the end', () => c.position(tp0) === 11)
      } finally {
        await c.close()
      }
      const latest = new Consumer({ bootstrapServers: [bootstrap()], ...FAST, autoOffsetReset: 'latest' })
      try {
        latest.assign([tp0])
        await until('latest position', () => latest.position(tp0) !== null)
        assert.equal(latest.position(tp0), 11)
      } finally {
        await latest.close()
      }
      const none = new Consumer({ bootstrapServers: [bootstrap()], ...FAST, groupId: `g-none-${suffix}`, autoOffsetReset: 'none' })
      try {
        none.assign([tp0])
        await assert.rejects(none.poll(5000), (e: unknown) => e instanceof KafkaClientError && /auto.offset.reset is none/.test(e.message))
      } finally {
        await none.close()
      }
    })

    test('autoMark off: only markOffset() marks, commit() stores the marks, commit(offsets) stores exactly what it is given', async () => {
      const topic = `c-marks-${suffix}`
      const group = `g-marks-${suffix}`
      await produce(bootstrap(), topic, 20, 1)
      const tp = { topic, partition: 0 }
      const c = new Consumer({ bootstrapServers: [bootstrap()], groupId: group, ...FAST, autoMark: false, autoCommit: false })
      try {
        await c.subscribe([topic])
        const got: ConsumerRecord[] = []
        while (got.length < 20) got.push(...(await c.poll(500)))
        await c.commit()
        assert.equal((await c.committed([tp])).get(`${topic}\u00000`), null, 'nothing marked, nothing committed')
        c.markOffset(got[4]!)
        c.markOffset(got[2]!) // never moves back
        await c.commit()
        assert.equal((await c.committed([tp])).get(`${topic}\u00000`), 5)
        await c.commit([{ topic, partition: 0, offset: 12 }])
        assert.equal((await c.committed([tp])).get(`${topic}\u00000`), 12)
      } finally {
        await c.close()
      }
    })
  })
}

describe('Consumer against Brook: static membership, lost partitions, pattern subscription', { timeout: 120_000 }, () => {
  test('a static member that closes and comes back within the session gets its partitions back without a rebalance', async () => {
    const topic = 'c-static'
    const group = 'g-static'
    await createTopic(brook.bootstrap, topic, 4)
    const events: string[] = []
    const member = (instance: string) =>
      new Member(brook.bootstrap, group, [topic], {
        groupInstanceId: instance,
        sessionTimeoutMs: 10_000,
        rebalanceListener: {
          assigned: (tps) => void events.push(`${instance} assigned ${tps.map(tpName).join(',')}`),
          revoked: (tps) => void events.push(`${instance} revoked ${tps.map(tpName).join(',')}`),
        },
      })
    const a = member('i-a')
    const b = member('i-b')
    try {
      await until('both hold two partitions', () => a.consumer.assignment().length === 2 && b.consumer.assignment().length === 2)
      const before = a.consumer.assignment().map(tpName).sort()
      const eventsBefore = events.filter((e) => e.startsWith('i-b')).length
      await a.close()
      const again = member('i-a')
      try {
        await until('the returning member holds partitions', () => again.consumer.assignment().length === 2)
        assert.deepEqual(again.consumer.assignment().map(tpName).sort(), before, 'the same partitions as before')
        assert.equal(events.filter((e) => e.startsWith('i-b')).length, eventsBefore, 'the other member saw no rebalance')
      } finally {
        await again.close()
      }
    } finally {
      await b.close()
    }
  })

  test('a member removed from the group (LeaveGroup naming its instance) reports its partitions lost, then joins again', async () => {
    const topic = 'c-lost'
    const group = 'g-lost'
    await createTopic(brook.bootstrap, topic, 2)
    const events: string[] = []
    const m = new Member(brook.bootstrap, group, [topic], {
      groupInstanceId: 'i-lost',
      rebalanceListener: { assigned: (tps) => void events.push(`assigned ${tps.length}`), lost: (tps) => void events.push(`lost ${tps.length}`) },
    })
    try {
      await until('assigned', () => events.includes('assigned 2'))
      const admin = new Cluster({ bootstrapServers: [brook.bootstrap] })
      try {
        const c = await admin.coordinator(group)
        const res = await c.request(LeaveGroupApi, { ...LeaveGroupApi.request.create(), groupId: group, members: [{ memberId: '', groupInstanceId: 'i-lost', reason: 'test' }] })
        assert.equal(res.errorCode, ErrorCode.NONE)
      } finally {
        await admin.close()
      }
      await until('lost, then assigned again', () => events.join('|') === 'assigned 2|lost 2|assigned 2')
    } finally {
      await m.close()
    }
  })

  test('manual assignment with a groupId commits as a group without members and never joins it', async () => {
    const topic = 'c-assign-group'
    await produce(brook.bootstrap, topic, 6, 1)
    const tp = { topic, partition: 0 }
    const c = new Consumer({ bootstrapServers: [brook.bootstrap], groupId: 'g-assign', ...FAST })
    const admin = new Admin({ bootstrapServers: [brook.bootstrap] })
    try {
      c.assign([tp])
      c.seek(tp, 2)
      const got: ConsumerRecord[] = []
      while (got.length < 4) got.push(...(await c.poll(500)))
      assert.deepEqual(got.map((r) => r.offsetNumber), [2, 3, 4, 5], 'read from the seek, not taken away by a group assignment')
      await c.commit()
      assert.equal((await c.committed([tp])).get(`${topic}\u00000`), 6)
      const [group] = await admin.describeGroups(['g-assign'])
      assert.equal(group!.state, 'Empty')
      assert.deepEqual(group!.members, [], 'no member joined')
    } finally {
      await c.close()
      await admin.close()
    }
  })

  test('a member that does not poll for max.poll.interval.ms leaves the group (its partitions lost, moved to a member that polls) and joins again at its next poll', async () => {
    const topic = 'c-poll-timeout'
    const group = 'g-poll-timeout'
    await createTopic(brook.bootstrap, topic, 2)
    const events: string[] = []
    const errors: string[] = []
    const idle = new Consumer({
      bootstrapServers: [brook.bootstrap],
      groupId: group,
      ...FAST,
      rebalanceTimeoutMs: 2000,
      onError: (e) => void errors.push(e.message),
      rebalanceListener: { assigned: (tps) => void events.push(`assigned ${tps.length}`), lost: (tps) => void events.push(`lost ${tps.length}`) },
    })
    let busy: Member | undefined
    try {
      await idle.subscribe([topic])
      while (idle.assignment().length < 2) await idle.poll(200)
      // From here the idle member does not poll.
      busy = new Member(brook.bootstrap, group, [topic])
      await until('the busy member holds both partitions', () => busy!.held.size === 2)
      assert.ok(events.some((e) => e.startsWith('lost')), events.join(', '))
      assert.ok(errors.some((m) => /poll timeout has expired/.test(m)), errors.join('\n'))
      assert.deepEqual(idle.assignment(), [])
      // Its next poll joins again, and the two share the topic.
      const deadline = Date.now() + 60_000
      while (!(idle.assignment().length === 1 && busy.held.size === 1)) {
        assert.ok(Date.now() < deadline, 'timed out waiting for the idle member to join again')
        await idle.poll(200)
      }
    } finally {
      await busy?.close()
      await idle.close()
    }
  })

  test('a pattern subscription picks up a matching topic created later', async () => {
    await produce(brook.bootstrap, 'pat-x-1', 5, 1)
    const c = new Consumer({ bootstrapServers: [brook.bootstrap], groupId: 'g-pattern', ...FAST, metadataMaxAgeMs: 300 })
    try {
      await c.subscribe(/^pat-x-/)
      const got: ConsumerRecord[] = []
      while (got.length < 5) got.push(...(await c.poll(500)))
      await produce(brook.bootstrap, 'pat-x-2', 3, 1)
      await produce(brook.bootstrap, 'other-x', 3, 1)
      while (got.length < 8) got.push(...(await c.poll(500)))
      assert.deepEqual([...new Set(got.map((r) => r.topic))].sort(), ['pat-x-1', 'pat-x-2'])
      assert.equal((await c.poll(500)).length, 0, 'nothing from a topic the pattern does not match')
    } finally {
      await c.close()
    }
  })
})
