import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { MemberSubscription, TopicPartition } from './assignor.js'
import { ASSIGNORS } from './assignor.js'
import { assertValid, group, keys, spread, subscription, topics, tp } from './assignor-testing.js'
import { decodeAssignment, decodeSubscription } from '../consumer-protocol.js'
import { CooperativeStickyAssignor } from './cooperative-sticky-assignor.js'
import { encodeStickyUserData } from './sticky-assignor.js'

const cooperative = new CooperativeStickyAssignor()

/** A member at subscription v2+: what it holds and its generation in the subscription's own fields. */
function holding(topicList: string[], owned: TopicPartition[], generation: number): Omit<MemberSubscription, 'memberId'> {
  return subscription(topicList, { ownedPartitions: owned, generationId: generation, userData: cooperative.userData(owned, generation) })
}

/** The next rebalance: each member holds what it was given, one generation on. */
function next(members: Map<string, MemberSubscription>, a: Map<string, TopicPartition[]>, generation: number): Map<string, MemberSubscription> {
  return new Map([...members].map(([id, s]) => [id, { ...s, ownedPartitions: a.get(id)!, generationId: generation }]))
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}

describe('cooperative-sticky: userData and where ownership comes from', () => {
  test('registered as "cooperative-sticky", cooperative', () => {
    assert.equal(ASSIGNORS['cooperative-sticky']!().name, 'cooperative-sticky')
    assert.equal(cooperative.rebalanceProtocol, 'COOPERATIVE')
  })

  test("userData is Java's: the generation as an int32, -1 before the first assignment", () => {
    assert.deepEqual(cooperative.userData([tp('t', 0)], 12), int32(12))
    assert.deepEqual(cooperative.userData([], -1), int32(-1))
  })

  test('v2+ subscriptions: ownedPartitions and generationId, whatever userData says (testMemberDataWithEmptyPartitionsAnd...Generation)', () => {
    const stale = encodeStickyUserData([tp('topic1', 0), tp('topic2', 1)], 4)
    assert.deepEqual(cooperative.memberData({ ...subscription(['t'], { userData: stale, generationId: 5 }), memberId: 'm' }), { partitions: [], generation: 5 })
    assert.deepEqual(cooperative.memberData({ ...subscription(['t'], { userData: int32(9), ownedPartitions: [tp('t', 1)], generationId: 5 }), memberId: 'm' }), { partitions: [tp('t', 1)], generation: 5 })
  })

  test("older subscriptions: ownedPartitions, and the generation from Java's userData or from librdkafka's (before 2.2)", () => {
    const owned = [tp('t', 0)]
    const v1 = (userData: Buffer | null) => cooperative.memberData({ ...subscription(['t'], { userData, ownedPartitions: owned }), memberId: 'm' })
    // testMemberDataWithInconsistentData: the partitions come from the subscription, the generation from userData.
    assert.deepEqual(v1(int32(7)), { partitions: owned, generation: 7 })
    // librdkafka 1.x-2.1 writes StickyAssignorUserData v1 from its cooperative-sticky assignor.
    assert.deepEqual(v1(encodeStickyUserData([tp('t', 3)], 6)), { partitions: owned, generation: 6 })
    assert.deepEqual(v1(encodeStickyUserData([], 8)), { partitions: owned, generation: 8 })
    // No generation anywhere: librdkafka's empty userData, none at all, or unreadable.
    assert.deepEqual(v1(Buffer.alloc(0)), { partitions: owned, generation: -1 })
    assert.deepEqual(v1(null), { partitions: owned, generation: -1 })
    assert.deepEqual(v1(Buffer.from([1, 2, 3])), { partitions: owned, generation: -1 })
  })
})

describe('cooperative-sticky: bytes librdkafka 2.0.2 sent (captured by test/integration/assignor-interop.test.ts)', () => {
  const topic = 'interop-cooperative'
  const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex')
  const topicHex = Buffer.from(topic).toString('hex')

  test('a rejoining member: subscription v1, StickyAssignorUserData v1 in userData, owned partitions', () => {
    const metadata = hex(`0001 00000001 0013${topicHex}
      00000029 00000001 0013${topicHex} 00000002 00000002 00000003 00000002
      00000001 0013${topicHex} 00000002 00000002 00000003`)
    const s = { ...decodeSubscription(metadata), memberId: 'rdkafka-a', groupInstanceId: null }
    assert.deepEqual(s.topics, [topic])
    assert.deepEqual(s.ownedPartitions, [tp(topic, 2), tp(topic, 3)])
    assert.equal(s.generationId, -1, 'v1 has no generation field')
    assert.equal(s.userData!.length, 41)
    assert.deepEqual(cooperative.memberData(s), { partitions: [tp(topic, 2), tp(topic, 3)], generation: 2 })
  })

  test('a member whose last assignment was empty (8 bytes of userData: no topics, generation 2), and a first join (empty userData)', () => {
    const rejoined = { ...decodeSubscription(hex(`0001 00000001 0013${topicHex} 00000008 00000000 00000002 00000000`)), memberId: 'b', groupInstanceId: null }
    assert.deepEqual(cooperative.memberData(rejoined), { partitions: [], generation: 2 })
    const first = { ...decodeSubscription(hex(`0001 00000001 0013${topicHex} 00000000 00000000`)), memberId: 'c', groupInstanceId: null }
    assert.deepEqual(first.userData, Buffer.alloc(0))
    assert.deepEqual(cooperative.memberData(first), { partitions: [], generation: -1 })
  })

  test("librdkafka's leader writes assignment v0 and copies the member's subscription userData into it", () => {
    const userData = `00000001 0013${topicHex} 00000002 00000002 00000003 00000002`
    const a = decodeAssignment(hex(`0000 00000001 0013${topicHex} 00000002 00000002 00000003 00000029 ${userData}`))
    assert.deepEqual(a.partitions, [tp(topic, 2), tp(topic, 3)])
    assert.deepEqual(a.userData, hex(userData))
  })
})

describe('cooperative-sticky: assignments', () => {
  test('a member joins: the partition it is to get is first revoked from its owner, and the follow-up rebalance hands it over (testAddRemoveConsumerOneTopic)', () => {
    const t = topics({ topic: 3 })
    let members = group({ consumer1: holding(['topic'], [tp('topic', 0), tp('topic', 1), tp('topic', 2)], 1), consumer2: holding(['topic'], [], -1) })
    const first = cooperative.assign(t, members)
    assert.deepEqual(first, new Map([['consumer1', [tp('topic', 0), tp('topic', 1)]], ['consumer2', []]]))
    members = next(members, first, 2)
    const second = cooperative.assign(t, members)
    assert.deepEqual(second, new Map([['consumer1', [tp('topic', 0), tp('topic', 1)]], ['consumer2', [tp('topic', 2)]]]))
    // Nothing moves any more.
    assert.deepEqual(cooperative.assign(t, next(members, second, 3)), second)
  })

  test('two members join two: each old member gives up half, each new one gets nothing until the second round', () => {
    const t = topics({ a: 6, b: 6 })
    const both = ['a', 'b']
    const half = (topic: string) => [0, 1, 2, 3, 4, 5].map((p) => tp(topic, p))
    let members = group({ m1: holding(both, half('a'), 4), m2: holding(both, half('b'), 4), m3: holding(both, [], -1), m4: holding(both, [], -1) })
    const first = cooperative.assign(t, members)
    assert.deepEqual([...first.values()].map((l) => l.length), [3, 3, 0, 0])
    members = next(members, first, 5)
    const second = cooperative.assign(t, members)
    assertValid(t, members, second)
    assert.equal(spread(second), 0)
    assert.deepEqual(second.get('m1'), first.get('m1'))
    assert.deepEqual(second.get('m2'), first.get('m2'))
  })

  test('a member leaves: its partitions go to the others at once (nobody else claims them)', () => {
    const t = topics({ t: 4 })
    const a = cooperative.assign(t, group({ m1: holding(['t'], [tp('t', 0), tp('t', 1)], 3) }))
    assert.deepEqual(a.get('m1'), [tp('t', 0), tp('t', 1), tp('t', 2), tp('t', 3)])
  })

  test('a partition claimed by two members in the same generation goes to nobody until both revoke it (Kafka CooperativeStickyAssignorTest)', () => {
    const same = (n: number) => cooperative.assign(topics({ topic: n }), group({
      consumer1: holding(['topic'], [tp('topic', 0), tp('topic', 1)], 5),
      consumer2: holding(['topic'], [tp('topic', 0), tp('topic', 2)], 5),
      consumer3: holding(['topic'], [], 5),
    }))
    assert.deepEqual(same(3), new Map([['consumer1', [tp('topic', 1)]], ['consumer2', [tp('topic', 2)]], ['consumer3', []]]))
    assert.deepEqual(same(4), new Map([['consumer1', [tp('topic', 1), tp('topic', 3)]], ['consumer2', [tp('topic', 2)]], ['consumer3', []]]))
  })

  test('a member over its quota gives a partition to a new member one round later (testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers)', () => {
    const both = ['topic1', 'topic2']
    const a = cooperative.assign(topics({ topic1: 2, topic2: 2 }), group({
      consumer1: holding(both, [tp('topic1', 0), tp('topic2', 0)], 1),
      consumer2: holding(both, [tp('topic1', 1), tp('topic2', 1)], 1),
      consumer3: holding(both, [], 1),
    }))
    assert.deepEqual(a, new Map([['consumer1', [tp('topic1', 0)]], ['consumer2', [tp('topic1', 1), tp('topic2', 1)]], ['consumer3', []]]))
  })

  test('a stale claim does not hold back what its owner keeps or what nobody else claims (testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration)', () => {
    const both = ['topic', 'topic2']
    const claimed = [tp('topic', 0), tp('topic', 2), tp('topic2', 1)]
    for (const staleGeneration of [9, -1]) {
      const a = cooperative.assign(topics({ topic: 3, topic2: 3 }), group({ consumer1: holding(both, claimed, 10), consumer2: holding(both, claimed, staleGeneration) }))
      assert.deepEqual(keys(a.get('consumer1')!), keys(claimed))
      assert.deepEqual(keys(a.get('consumer2')!), ['topic-1', 'topic2-0', 'topic2-2'])
    }
  })

  test('a member that dropped a topic holds its partitions until it revokes them: nobody gets them this round', () => {
    const t = topics({ x: 2, y: 2 })
    let members = group({ m1: holding(['x'], [tp('x', 0), tp('y', 0)], 2), m2: holding(['x', 'y'], [tp('x', 1), tp('y', 1)], 2) })
    // The target is m1: x-0, x-1 and m2: y-0, y-1. y-0 waits for m1 to revoke it, x-1 for m2.
    const first = cooperative.assign(t, members)
    assert.deepEqual(first, new Map([['m1', [tp('x', 0)]], ['m2', [tp('y', 1)]]]))
    members = next(members, first, 3)
    assert.deepEqual(cooperative.assign(t, members), new Map([['m1', [tp('x', 0), tp('x', 1)]], ['m2', [tp('y', 0), tp('y', 1)]]]))
  })

  test('a group of librdkafka 2.0 members (subscription v1, generation in StickyAssignorUserData) and old Java members (v1, int32 userData)', () => {
    const v1 = (owned: TopicPartition[], userData: Buffer) => subscription(['t'], { ownedPartitions: owned, userData })
    // rd1 and j1 claim t-0; j1's generation is newer, so it keeps t-0 and rd1 gets nothing it would have to wait for.
    const a = cooperative.assign(topics({ t: 4 }), group({
      rd1: v1([tp('t', 0), tp('t', 1)], encodeStickyUserData([tp('t', 0), tp('t', 1)], 3)),
      j1: v1([tp('t', 0), tp('t', 2)], int32(4)),
    }))
    assert.deepEqual(a, new Map([['j1', [tp('t', 0), tp('t', 2)]], ['rd1', [tp('t', 1), tp('t', 3)]]]))
  })
})
