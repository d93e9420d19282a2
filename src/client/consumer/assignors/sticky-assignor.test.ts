import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { MemberSubscription, TopicPartition } from './assignor.js'
import { ASSIGNORS } from './assignor.js'
import { assertValid, group, keys, spread, subscription, topics, tp } from './assignor-testing.js'
import { decodeSubscription } from '../consumer-protocol.js'
import { decodeStickyUserData, encodeStickyUserData, StickyAssignor } from './sticky-assignor.js'

const sticky = new StickyAssignor()

const i32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}
const str = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)])

/** A member that owned `owned` in `generation`, as a Java eager member says so: in userData. */
function owning(topicList: string[], owned: TopicPartition[], generation: number): Omit<MemberSubscription, 'memberId'> {
  return subscription(topicList, { userData: encodeStickyUserData(owned, generation) })
}

/** The group after a rebalance: each member now owns what it was given, in `generation`. */
function next(members: Map<string, MemberSubscription>, a: Map<string, TopicPartition[]>, generation: number): Map<string, MemberSubscription> {
  return new Map([...members].map(([id, s]) => [id, { ...s, userData: encodeStickyUserData(a.get(id)!, generation) }]))
}

describe('StickyAssignorUserData', () => {
  test('v1 byte by byte: [topic, [partition]] grouped and sorted, then the generation', () => {
    const bytes = encodeStickyUserData([tp('t1', 2), tp('t0', 1), tp('t1', 0)], 3)
    const expected = Buffer.concat([i32(2), str('t0'), i32(1), i32(1), str('t1'), i32(2), i32(0), i32(2), i32(3)])
    assert.ok(bytes.equals(expected), bytes.toString('hex'))
    assert.deepEqual(decodeStickyUserData(bytes), { partitions: [tp('t0', 1), tp('t1', 0), tp('t1', 2)], generation: 3 })
  })

  test('v0 (no generation, Kafka before 2.3) reads with a null generation; trailing bytes are ignored; garbage is null', () => {
    const v0 = Buffer.concat([i32(1), str('a'), i32(1), i32(5)])
    assert.deepEqual(decodeStickyUserData(v0), { partitions: [tp('a', 5)], generation: null })
    assert.deepEqual(decodeStickyUserData(Buffer.concat([v0, i32(9), Buffer.from([1, 2])])), { partitions: [tp('a', 5)], generation: 9 })
    assert.equal(decodeStickyUserData(Buffer.from([0, 0, 0, 3, 0])), null)
    assert.equal(decodeStickyUserData(Buffer.alloc(2)), null)
    assert.equal(decodeStickyUserData(i32(-1)), null)
  })

  test("the member's userData: null before its first assignment, v1 afterwards (also when it got nothing)", () => {
    assert.equal(sticky.userData([], -1), null)
    assert.deepEqual(decodeStickyUserData(sticky.userData([], 4)!), { partitions: [], generation: 4 })
    assert.deepEqual(decodeStickyUserData(sticky.userData([tp('x', 1)], 5)!), { partitions: [tp('x', 1)], generation: 5 })
  })
})

describe('sticky: where previous ownership comes from', () => {
  test('userData wins over ownedPartitions and generationId (Java: testMemberDataWithInconsistentData, testMemberDataWillHonorUserData)', () => {
    const d = sticky.memberData({ ...subscription(['t'], { userData: encodeStickyUserData([tp('t', 1)], 2), ownedPartitions: [tp('t', 0)], generationId: 3 }), memberId: 'm' })
    assert.deepEqual(d, { partitions: [tp('t', 1)], generation: 2 })
  })

  test('without userData, the subscription fields; unreadable userData owns nothing; v0 userData has generation -1', () => {
    assert.deepEqual(sticky.memberData({ ...subscription(['t'], { ownedPartitions: [tp('t', 0)], generationId: 3 }), memberId: 'm' }), { partitions: [tp('t', 0)], generation: 3 })
    assert.deepEqual(sticky.memberData({ ...subscription(['t'], { userData: Buffer.alloc(0), ownedPartitions: [tp('t', 0)], generationId: 3 }), memberId: 'm' }), { partitions: [tp('t', 0)], generation: 3 })
    assert.deepEqual(sticky.memberData({ ...subscription(['t'], { userData: Buffer.from([9, 9, 9]), ownedPartitions: [tp('t', 0)] }), memberId: 'm' }), { partitions: [], generation: -1 })
    const v0 = Buffer.concat([i32(1), str('t'), i32(1), i32(2)])
    assert.deepEqual(sticky.memberData({ ...subscription(['t'], { userData: v0 }), memberId: 'm' }), { partitions: [tp('t', 2)], generation: -1 })
  })
})

test('bytes kafka-python 2.0.2 sent (captured by test/integration/assignor-interop.test.ts): subscription v0, StickyAssignorUserData v1', () => {
  const topic = Buffer.from('interop-sticky').toString('hex')
  const metadata = Buffer.from(
    `0000 00000001 000e${topic} 00000030 00000001 000e${topic} 00000005 00000000 00000001 00000002 00000003 00000004 00000001`.replace(/\s/g, ''),
    'hex',
  )
  const s = { ...decodeSubscription(metadata), memberId: 'p1', groupInstanceId: null }
  assert.deepEqual([s.topics, s.ownedPartitions, s.generationId], [['interop-sticky'], [], -1])
  assert.deepEqual(sticky.memberData(s), { partitions: [0, 1, 2, 3, 4].map((p) => tp('interop-sticky', p)), generation: 1 })
  // Brook writes the same bytes for the same state.
  assert.ok(sticky.userData(sticky.memberData(s).partitions, 1)!.equals(s.userData!))
})

describe('sticky: assignments (the cases of Kafka AbstractStickyAssignorTest)', () => {
  test('registered as "sticky", eager', () => {
    assert.equal(ASSIGNORS.sticky!().name, 'sticky')
    assert.equal(sticky.rebalanceProtocol, 'EAGER')
  })

  test('one consumer: no topic, a topic without metadata, one topic, only its subscribed topics, several topics', () => {
    assert.deepEqual(sticky.assign(topics({}), group({ c: subscription([]) })), new Map([['c', []]]))
    assert.deepEqual(sticky.assign(topics({}), group({ c: subscription(['t']) })), new Map([['c', []]]))
    assert.deepEqual(sticky.assign(topics({ t: 3 }), group({ c: subscription(['t']) })), new Map([['c', [tp('t', 0), tp('t', 1), tp('t', 2)]]]))
    assert.deepEqual(sticky.assign(topics({ t: 3, other: 3 }), group({ c: subscription(['t']) })), new Map([['c', [tp('t', 0), tp('t', 1), tp('t', 2)]]]))
    assert.deepEqual(sticky.assign(topics({ t1: 1, t2: 2 }), group({ c: subscription(['t1', 't2']) })), new Map([['c', [tp('t1', 0), tp('t2', 0), tp('t2', 1)]]]))
  })

  test('more consumers than partitions', () => {
    const a = sticky.assign(topics({ t: 1 }), group({ c1: subscription(['t']), c2: subscription(['t']) }))
    assert.deepEqual(a, new Map([['c1', [tp('t', 0)]], ['c2', []]]))
    const b = sticky.assign(topics({ t: 2 }), group({ c1: subscription(['t']), c2: subscription(['t']), c3: subscription(['t']) }))
    assert.deepEqual(b, new Map([['c1', [tp('t', 0)]], ['c2', [tp('t', 1)]], ['c3', []]]))
  })

  test('fresh groups get what Java gives them', () => {
    // testMultipleConsumersMixedTopicSubscriptions: topic2's only taker is served first.
    const mixed = sticky.assign(topics({ topic1: 3, topic2: 2 }), group({
      consumer1: subscription(['topic1']),
      consumer2: subscription(['topic1', 'topic2']),
      consumer3: subscription(['topic1']),
    }))
    assert.deepEqual(mixed, new Map([
      ['consumer1', [tp('topic1', 0), tp('topic1', 2)]],
      ['consumer2', [tp('topic2', 0), tp('topic2', 1)]],
      ['consumer3', [tp('topic1', 1)]],
    ]))
    // testTwoConsumersTwoTopicsSixPartitions
    const six = sticky.assign(topics({ topic1: 3, topic2: 3 }), group({ consumer1: subscription(['topic1', 'topic2']), consumer2: subscription(['topic1', 'topic2']) }))
    assert.deepEqual(six, new Map([
      ['consumer1', [tp('topic1', 0), tp('topic1', 2), tp('topic2', 1)]],
      ['consumer2', [tp('topic1', 1), tp('topic2', 0), tp('topic2', 2)]],
    ]))
  })

  test('quotas: a member owning the minimum gets the extra partition; members over the maximum give theirs up; all under the minimum keep theirs', () => {
    const both = ['topic1', 'topic2']
    // testConsumerOwningMinQuotaExpectedMaxQuota
    let a = sticky.assign(topics({ topic1: 2, topic2: 3 }), group({
      consumer1: owning(both, [tp('topic1', 0), tp('topic2', 1)], 1),
      consumer2: owning(both, [tp('topic1', 1), tp('topic2', 2)], 1),
    }))
    assert.deepEqual(keys(a.get('consumer1')!), ['topic1-0', 'topic2-0', 'topic2-1'])
    assert.deepEqual(keys(a.get('consumer2')!), ['topic1-1', 'topic2-2'])
    // testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers
    a = sticky.assign(topics({ topic1: 2, topic2: 2 }), group({
      consumer1: owning(both, [tp('topic1', 0), tp('topic2', 0)], 1),
      consumer2: owning(both, [tp('topic1', 1), tp('topic2', 1)], 1),
      consumer3: owning(both, [], 1),
    }))
    assert.deepEqual(a, new Map([['consumer1', [tp('topic1', 0)]], ['consumer2', [tp('topic1', 1), tp('topic2', 1)]], ['consumer3', [tp('topic2', 0)]]]))
    // testAllConsumersAreUnderMinQuota
    a = sticky.assign(topics({ topic1: 2, topic2: 3 }), group({
      consumer1: owning(both, [tp('topic1', 0)], 1),
      consumer2: owning(both, [tp('topic1', 1)], 1),
      consumer3: owning(both, [], 1),
    }))
    assert.deepEqual(a, new Map([['consumer1', [tp('topic1', 0), tp('topic2', 1)]], ['consumer2', [tp('topic1', 1), tp('topic2', 2)]], ['consumer3', [tp('topic2', 0)]]]))
  })

  test('a consumer joins and leaves: the others keep what they can (testAddRemoveConsumerOneTopic)', () => {
    const t = topics({ topic: 3 })
    let members = group({ consumer1: subscription(['topic']) })
    let a = sticky.assign(t, members)
    assert.deepEqual(a.get('consumer1'), [tp('topic', 0), tp('topic', 1), tp('topic', 2)])
    members = next(members, a, 1)
    members.set('consumer2', { ...subscription(['topic']), memberId: 'consumer2' })
    a = sticky.assign(t, members)
    assert.deepEqual(a, new Map([['consumer1', [tp('topic', 0), tp('topic', 1)]], ['consumer2', [tp('topic', 2)]]]))
    members = next(members, a, 2)
    members.delete('consumer1')
    assert.deepEqual(sticky.assign(t, members), new Map([['consumer2', [tp('topic', 0), tp('topic', 1), tp('topic', 2)]]]))
  })

  test('members joining take an even share of every topic (testTopicBalanceAfterReassignment)', () => {
    const t = topics({ topic1: 12, topic2: 12 })
    const both = ['topic1', 'topic2']
    const perTopic = (a: Map<string, TopicPartition[]>, n: number) => {
      for (const [id, list] of a) for (const topic of both) assert.equal(list.filter((x) => x.topic === topic).length, n, `${id} ${topic}`)
    }
    let members = group({ consumer1: subscription(both) })
    let a = sticky.assign(t, members)
    perTopic(a, 12)
    members = next(members, a, 1)
    members.set('consumer2', { ...subscription(both), memberId: 'consumer2' })
    a = sticky.assign(t, members)
    perTopic(a, 6)
    members = next(members, a, 2)
    for (const id of ['consumer3', 'consumer4']) members.set(id, { ...subscription(both), memberId: id })
    a = sticky.assign(t, members)
    perTopic(a, 3)
    members = next(members, a, 3)
    members.delete('consumer1')
    members.delete('consumer2')
    const before = new Map(a)
    a = sticky.assign(t, members)
    perTopic(a, 6)
    for (const id of ['consumer3', 'consumer4']) assert.ok(keys(before.get(id)!).every((x) => keys(a.get(id)!).includes(x)), `${id} keeps its partitions`)
  })

  test('two heavy owners and two new members: the heavy owners keep the larger shares', () => {
    const t = topics({ t: 10 })
    const a = sticky.assign(t, group({
      a: owning(['t'], [0, 1, 2, 3, 4].map((p) => tp('t', p)), 4),
      b: owning(['t'], [5, 6, 7, 8, 9].map((p) => tp('t', p)), 4),
      c: subscription(['t']),
      d: subscription(['t']),
    }))
    assert.deepEqual(['a', 'b', 'c', 'd'].map((id) => a.get(id)!.length), [3, 3, 2, 2])
    assert.deepEqual(a.get('a'), [tp('t', 0), tp('t', 1), tp('t', 2)])
    assert.deepEqual(a.get('b'), [tp('t', 5), tp('t', 6), tp('t', 7)])
  })

  test('claims: the highest generation wins; a tie at the top leaves the partition to be reassigned', () => {
    // testAssignmentWithConflictingPreviousGenerations (equal subscriptions): c1's generation-1 claims lose.
    const all = ['topic', 'topic2', 'topic3']
    const a = sticky.assign(topics({ topic: 4, topic2: 4, topic3: 4 }), group({
      consumer1: owning(all, [tp('topic', 0), tp('topic', 1), tp('topic', 2), tp('topic2', 2), tp('topic2', 3), tp('topic3', 0)], 1),
      consumer2: owning(all, [tp('topic', 0), tp('topic', 1), tp('topic2', 0), tp('topic2', 1), tp('topic2', 2), tp('topic2', 3)], 2),
      consumer3: owning(all, [tp('topic', 2), tp('topic', 3), tp('topic3', 0), tp('topic3', 1), tp('topic3', 2), tp('topic3', 3)], 2),
    }))
    assert.deepEqual([...a.values()].map((l) => l.length), [4, 4, 4])
    assert.ok(keys(a.get('consumer2')!).every((x) => ['topic-0', 'topic-1', 'topic2-0', 'topic2-1', 'topic2-2', 'topic2-3'].includes(x)))
    assert.ok(keys(a.get('consumer3')!).every((x) => ['topic-2', 'topic-3', 'topic3-0', 'topic3-1', 'topic3-2', 'topic3-3'].includes(x)))

    // testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGeneration...
    const same = (n: number) => sticky.assign(topics({ topic: n }), group({
      consumer1: owning(['topic'], [tp('topic', 0), tp('topic', 1)], 5),
      consumer2: owning(['topic'], [tp('topic', 0), tp('topic', 2)], 5),
      consumer3: owning(['topic'], [], 5),
    }))
    assert.deepEqual(same(3), new Map([['consumer1', [tp('topic', 1)]], ['consumer2', [tp('topic', 2)]], ['consumer3', [tp('topic', 0)]]]))
    assert.deepEqual(same(4), new Map([['consumer1', [tp('topic', 1), tp('topic', 3)]], ['consumer2', [tp('topic', 2)]], ['consumer3', [tp('topic', 0)]]]))
  })

  test('claims from stale, missing or older generations give way (testEnsurePartitionsAssignedToHighestGeneration, ...WithNoGeneration)', () => {
    const all = ['topic', 'topic2', 'topic3']
    const a = sticky.assign(topics({ topic: 3, topic2: 3, topic3: 3 }), group({
      consumer1: owning(all, [tp('topic', 0), tp('topic2', 0), tp('topic3', 0)], 10),
      consumer2: owning(all, [tp('topic', 1), tp('topic2', 1), tp('topic3', 1)], 9),
      consumer3: owning(all, [tp('topic2', 1), tp('topic3', 0), tp('topic3', 2)], 8),
    }))
    assert.deepEqual(keys(a.get('consumer1')!), ['topic-0', 'topic2-0', 'topic3-0'])
    assert.deepEqual(keys(a.get('consumer2')!), ['topic-1', 'topic2-1', 'topic3-1'])
    assert.deepEqual(keys(a.get('consumer3')!), ['topic-2', 'topic2-2', 'topic3-2'])

    const both = ['topic', 'topic2']
    const claimed = [tp('topic', 0), tp('topic', 2), tp('topic2', 1)]
    const b = sticky.assign(topics({ topic: 3, topic2: 3 }), group({
      consumer1: owning(both, claimed, 10),
      consumer2: subscription(both, { ownedPartitions: claimed }),
    }))
    assert.deepEqual(keys(b.get('consumer1')!), keys(claimed))
    assert.deepEqual(keys(b.get('consumer2')!), ['topic-1', 'topic2-0', 'topic2-2'])
  })

  test('old and new subscription versions in one group (testAssignorWithOldVersionSubscriptions, testSchemaBackwardCompatibility)', () => {
    const v0UserData = Buffer.concat([i32(1), str('topic1'), i32(1), i32(1)])
    const a = sticky.assign(topics({ topic1: 3 }), group({
      consumer1: owning(['topic1'], [tp('topic1', 0)], 1),
      consumer2: subscription(['topic1'], { userData: v0UserData }),
      consumer3: subscription(['topic1'], { generationId: 1 }),
    }))
    assert.deepEqual(a, new Map([['consumer1', [tp('topic1', 0)]], ['consumer2', [tp('topic1', 1)]], ['consumer3', [tp('topic1', 2)]]]))
  })

  test('unequal subscriptions: a member subscribed to fewer topics is not starved (testAssignmentWithMultipleGenerations1, unequal)', () => {
    const all = ['topic', 'topic2']
    const t = topics({ topic: 6, topic2: 6 })
    let members = group({ consumer1: subscription(all), consumer2: subscription(['topic']), consumer3: subscription(all) })
    const r1 = sticky.assign(t, members)
    assertValid(t, members, r1)
    assert.deepEqual([...r1.values()].map((l) => l.length), [4, 4, 4])
    members = next(members, r1, 1)
    members.delete('consumer3')
    const r2 = sticky.assign(t, members)
    assertValid(t, members, r2)
    assert.deepEqual([...r2.values()].map((l) => l.length), [6, 6])
    assert.ok(keys(r1.get('consumer2')!).every((x) => keys(r2.get('consumer2')!).includes(x)), 'consumer2 keeps its partitions')
  })

  test('a deleted topic: its partitions vanish from the assignment, the rest stay (testAssignmentUpdatedForDeletedTopic)', () => {
    const members = group({ c: owning(['topic1', 'topic2', 'topic3'], [tp('topic1', 0), tp('topic2', 0), tp('topic3', 0)], 3) })
    const a = sticky.assign(topics({ topic1: 1, topic3: 100 }), members)
    assert.equal(a.get('c')!.length, 101)
    assert.ok(!a.get('c')!.some((x) => x.topic === 'topic2'))
  })

  test('a member that dropped a topic loses its partitions of it, and balance still comes before stickiness', () => {
    const a = sticky.assign(topics({ x: 2, y: 2 }), group({
      m1: owning(['x'], [tp('x', 0), tp('y', 0), tp('y', 1)], 2),
      m2: owning(['x', 'y'], [tp('x', 1)], 2),
    }))
    // m2 must take y; 1 + 3 would be uneven while m1 can take x-1 from it.
    assert.deepEqual(a, new Map([['m1', [tp('x', 0), tp('x', 1)]], ['m2', [tp('y', 0), tp('y', 1)]]]))
    assert.equal(spread(a), 0)
  })
})
