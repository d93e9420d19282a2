/**
 * The subscriptions real clients send, read by Brook's consumer-protocol
 * decoder and sticky assignors: groups of real members on an in-process
 * broker, their JoinGroup metadata read back through DescribeGroups.
 *
 * - librdkafka (python3-confluent-kafka) with cooperative-sticky: its
 *   subscription version, its userData (StickyAssignorUserData v1 with its
 *   previous assignment and generation), and what a Brook leader would do
 *   with the group: keep every partition where librdkafka's leader put it.
 * - kafka-python with its eager "sticky" assignor: subscription v0 with
 *   StickyAssignorUserData v1, the same check against its leader.
 *
 * librdkafka offers no eager "sticky", and the Java client's jars cannot be
 * had on this machine (Java's formats are pinned by the unit tests from its
 * source instead), so these are the two real userData writers at hand.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { decodeAssignment, decodeSubscription } from '../../src/client/consumer/consumer-protocol.js'
import type { Assignor, MemberSubscription, TopicPartition } from '../../src/client/consumer/assignors/assignor.js'
import { CooperativeStickyAssignor } from '../../src/client/consumer/assignors/cooperative-sticky-assignor.js'
import { decodeStickyUserData, StickyAssignor } from '../../src/client/consumer/assignors/sticky-assignor.js'
import { SYSTEM_PYTHON } from './broker-process.js'
import { GROUP_TEST_BROKER_CONFIG, GroupMember, partitionKeys, RDKAFKA_FAST, splitAssignment } from './group-member.js'
import { describeGroup } from './group-requests.js'
import { RawClient } from './raw-client.js'

/** A kafka-python consumer with StickyPartitionAssignor; prints its assignment on each change and closes on "close" or the end of stdin. */
const KAFKA_PYTHON_STICKY = String.raw`
import json, sys, threading
from kafka import KafkaConsumer
from collections import defaultdict
from kafka.coordinator.assignors.sticky.sticky_assignor import StickyPartitionAssignor, StickyAssignorUserDataV1
from kafka.coordinator.protocol import ConsumerProtocolMemberMetadata
bootstrap, group, topic = sys.argv[1], sys.argv[2], sys.argv[3]
class Sticky(StickyPartitionAssignor):
    # kafka-python 2.0.2 cannot rejoin with a previous assignment (dpkp/kafka-python#2153: it
    # hands the encoder an iterator); this is the upstream fix (#2167), a list. Same bytes otherwise.
    @classmethod
    def metadata(cls, topics):
        if cls.member_assignment is None:
            return ConsumerProtocolMemberMetadata(cls.version, list(topics), b'')
        by_topic = defaultdict(list)
        for tp in cls.member_assignment:
            by_topic[tp.topic].append(tp.partition)
        data = StickyAssignorUserDataV1(list(by_topic.items()), cls.generation)
        return ConsumerProtocolMemberMetadata(cls.version, list(topics), data.encode())
closing = threading.Event()
def watch_stdin():
    for line in sys.stdin:
        if line.strip() == 'close':
            break
    closing.set()
threading.Thread(target=watch_stdin, daemon=True).start()
c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False, auto_offset_reset='earliest',
                  partition_assignment_strategy=[Sticky], session_timeout_ms=6000, heartbeat_interval_ms=250)
c.subscribe([topic])
last = None
while not closing.is_set():
    c.poll(timeout_ms=100)
    now = sorted('%s-%d' % (tp.topic, tp.partition) for tp in c.assignment())
    if now != last:
        last = now
        sys.stdout.write(json.dumps(now) + '\n')
        sys.stdout.flush()
c.close()
`

class KafkaPythonStickyMember {
  assignment: string[] = []
  readonly #child: ChildProcess
  readonly #exited: Promise<void>
  #stderr = ''

  constructor(bootstrap: string, group: string, topic: string) {
    this.#child = spawn(SYSTEM_PYTHON, ['-c', KAFKA_PYTHON_STICKY, bootstrap, group, topic], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.#exited = new Promise((resolve) => this.#child.on('exit', () => resolve()))
    let partial = ''
    this.#child.stdout!.setEncoding('utf8')
    this.#child.stdout!.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n')
      partial = lines.pop()!
      for (const line of lines) if (line.trim() !== '') this.assignment = JSON.parse(line) as string[]
    })
    this.#child.stderr!.on('data', (d) => (this.#stderr += d))
    this.#child.stdin!.on('error', () => {})
  }

  get stderr(): string {
    return this.#stderr
  }

  async close(): Promise<void> {
    this.#child.stdin!.end('close\n')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 20_000)
    await this.#exited
    clearTimeout(timer)
  }
}

async function until(what: string | (() => string), check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`gave up waiting: ${typeof what === 'string' ? what : what()}`)
}

const keysOf = (list: readonly TopicPartition[]) => list.map((x) => `${x.topic}-${x.partition}`).sort()

/** The group as a Brook leader would see it: each member's JoinGroup metadata decoded, and what the broker holds as its assignment. */
async function readGroup(raw: RawClient, groupId: string): Promise<{ protocol: string; state: string; metadata: Map<string, Buffer>; members: Map<string, MemberSubscription>; assigned: Map<string, string[]> }> {
  const g = await describeGroup(raw, groupId)
  const metadata = new Map(g.members.map((m) => [m.memberId, m.memberMetadata]))
  const members = new Map(g.members.map((m) => [m.memberId, { ...decodeSubscription(m.memberMetadata), memberId: m.memberId, groupInstanceId: m.groupInstanceId }]))
  const assigned = new Map(g.members.map((m) => [m.memberId, keysOf(decodeAssignment(m.memberAssignment).partitions)]))
  return { protocol: g.protocolData, state: g.groupState, metadata, members, assigned }
}

/** What `assignor`, leading this group now, would give each member. */
function brookLeader(assignor: Assignor, topic: string, partitions: number, members: Map<string, MemberSubscription>): Map<string, string[]> {
  const a = assignor.assign(new Map([[topic, partitions]]), members)
  return new Map([...a].map(([id, list]) => [id, keysOf(list)]))
}

describe('assignor interop with real clients', { timeout: 180_000 }, () => {
  let broker: RunningBroker
  let raw: RawClient
  const pythonMembers: KafkaPythonStickyMember[] = []

  before(async () => {
    broker = await startBroker({ config: { ...GROUP_TEST_BROKER_CONFIG } })
    raw = await RawClient.connect(broker.port)
  })

  after(async () => {
    await GroupMember.killAll()
    await Promise.all(pythonMembers.map((m) => m.close()))
    await raw?.close()
    await broker?.close()
  })

  test('librdkafka cooperative-sticky: its subscriptions decode, its userData is StickyAssignorUserData v1, and a Brook leader would move nothing', async () => {
    const topic = 'interop-cooperative'
    const groupId = 'interop-cooperative-group'
    const all = partitionKeys(topic, 4)
    assert.equal((await raw.createTopic(topic, { partitions: 4 })).errorCode, 0)
    const start = (name: string) =>
      GroupMember.start({ name, library: 'confluent', bootstrap: broker.bootstrap, group: groupId, topics: [topic], config: { ...RDKAFKA_FAST, 'partition.assignment.strategy': 'cooperative-sticky' } })

    const a = start('a')
    await a.waitFor('a owns every partition', () => splitAssignment([a], all) !== undefined)
    // First join: no assignor state yet, so librdkafka sends empty userData (never null) and owns nothing.
    const alone = await readGroup(raw, groupId)
    assert.equal(alone.protocol, 'cooperative-sticky')
    const [firstJoin] = [...alone.members.values()]
    assert.deepEqual(firstJoin!.topics, [topic])
    assert.deepEqual(firstJoin!.userData, Buffer.alloc(0))
    assert.deepEqual(firstJoin!.ownedPartitions, [])
    const version = [...alone.metadata.values()][0]!.readInt16BE(0)
    // librdkafka 1.4-2.1 send v1, 2.2+ send v3 (rdkafka_assignor.c).
    assert.ok(version === 1 || version === 3, `librdkafka sent subscription v${version}`)

    const b = start('b')
    await a.waitFor('a and b split the partitions', () => splitAssignment([a, b], all)?.size === 2)
    let group = await readGroup(raw, groupId)
    await until('the group is stable', async () => (group = await readGroup(raw, groupId)).state === 'Stable')

    const cooperative = new CooperativeStickyAssignor()
    let withUserData = 0
    for (const [memberId, s] of group.members) {
      assert.deepEqual(s.topics, [topic])
      assert.ok(keysOf(s.ownedPartitions).every((x) => all.includes(x)), `${memberId} owns partitions of the topic`)
      if (s.userData!.length === 0) continue
      withUserData++
      // Rejoining members carry their last assignment and generation in userData.
      const d = decodeStickyUserData(s.userData!)
      assert.ok(d !== null, `${memberId}: userData ${s.userData!.toString('hex')} is StickyAssignorUserData`)
      assert.ok(d.generation !== null && d.generation >= 1, `generation ${d.generation}`)
      assert.ok(keysOf(d.partitions).every((x) => all.includes(x)))
      // With a v1 subscription the generation can only come from there; v2+ carries it itself.
      const expected = s.generationId >= 0 ? s.generationId : d.generation
      assert.equal(cooperative.memberData(s).generation, expected)
      if (s.generationId >= 0) assert.equal(s.generationId, d.generation, 'v3 and userData agree on the generation')
    }
    assert.ok(withUserData >= 1, 'a rejoined after its first assignment')

    // A Brook member becoming leader of this stable group now would keep every partition where it is.
    assert.deepEqual(brookLeader(cooperative, topic, 4, group.members), group.assigned)
    for (const [memberId, bytes] of group.metadata) assert.equal(bytes.readInt16BE(0), version, `${memberId}: every librdkafka member sends v${version}`)

    await b.close()
    await a.close()
  })

  test('kafka-python sticky (eager): subscription v0 with StickyAssignorUserData v1, and a Brook leader keeps its assignment', async () => {
    const topic = 'interop-sticky'
    const groupId = 'interop-sticky-group'
    const all = partitionKeys(topic, 5)
    assert.equal((await raw.createTopic(topic, { partitions: 5 })).errorCode, 0)
    const p1 = new KafkaPythonStickyMember(broker.bootstrap, groupId, topic)
    pythonMembers.push(p1)
    await until(() => `p1 owns every partition (stderr: ${p1.stderr.slice(-1500)})`, () => p1.assignment.join() === all.join())
    const p2 = new KafkaPythonStickyMember(broker.bootstrap, groupId, topic)
    pythonMembers.push(p2)
    await until(() => `p1 and p2 split the partitions (p1 ${p1.assignment}, p2 ${p2.assignment}; stderr: ${p1.stderr.slice(-1500)} / ${p2.stderr.slice(-1500)})`, () => p2.assignment.length > 0 && [...p1.assignment, ...p2.assignment].sort().join() === all.join())
    let group = await readGroup(raw, groupId)
    await until('the group is stable', async () => (group = await readGroup(raw, groupId)).state === 'Stable')
    assert.equal(group.protocol, 'sticky')

    const sticky = new StickyAssignor()
    const previous = new Map<string, string[]>()
    for (const [memberId, bytes] of group.metadata) {
      assert.equal(bytes.readInt16BE(0), 0, 'kafka-python sends subscription v0')
      const s = group.members.get(memberId)!
      if (s.userData === null || s.userData.length === 0) continue
      const d = decodeStickyUserData(s.userData)
      assert.ok(d !== null && d.generation !== null && d.generation >= 1, `${memberId}: StickyAssignorUserData v1, got ${s.userData.toString('hex')}`)
      assert.deepEqual(sticky.memberData(s), { partitions: d.partitions, generation: d.generation })
      previous.set(memberId, keysOf(d.partitions))
    }
    assert.deepEqual([...previous.values()].flat().sort(), all, 'p1 rejoined with all five partitions in userData')

    // Brook, leading the same join, balances as kafka-python did (3 + 2) and leaves p1 with partitions it had.
    const ours = brookLeader(sticky, topic, 5, group.members)
    assert.deepEqual([...ours.values()].map((l) => l.length).sort(), [2, 3])
    for (const [memberId, list] of ours) {
      const had = previous.get(memberId)
      if (had !== undefined) assert.ok(list.every((x) => had.includes(x)), `${memberId} keeps only partitions it had`)
    }
    assert.deepEqual([...group.assigned.values()].map((l) => l.length).sort(), [2, 3], "kafka-python's leader split them the same way")

    await p2.close()
    await p1.close()
  })
})
