import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ASSIGNORS } from './assignor.js'
import { assertValid, group, seededRandom, spread, subscription, topics, tp } from './assignor-testing.js'
import { RoundRobinAssignor } from './round-robin-assignor.js'

const roundRobin = new RoundRobinAssignor()

test('registered as "roundrobin", eager, no userData', () => {
  assert.equal(ASSIGNORS.roundrobin!().name, 'roundrobin')
  assert.equal(roundRobin.rebalanceProtocol, 'EAGER')
  assert.equal(roundRobin.userData([], 1), null)
})

test('one consumer: no topic, a topic without metadata, one topic, only its subscribed topics, several topics', () => {
  assert.deepEqual(roundRobin.assign(topics({}), group({ c: subscription([]) })), new Map([['c', []]]))
  assert.deepEqual(roundRobin.assign(topics({}), group({ c: subscription(['t']) })), new Map([['c', []]]))
  assert.deepEqual(roundRobin.assign(topics({ t: 3 }), group({ c: subscription(['t']) })), new Map([['c', [tp('t', 0), tp('t', 1), tp('t', 2)]]]))
  assert.deepEqual(roundRobin.assign(topics({ t: 3, other: 3 }), group({ c: subscription(['t']) })), new Map([['c', [tp('t', 0), tp('t', 1), tp('t', 2)]]]))
  assert.deepEqual(roundRobin.assign(topics({ t1: 1, t2: 2 }), group({ c: subscription(['t2', 't1']) })), new Map([['c', [tp('t1', 0), tp('t2', 0), tp('t2', 1)]]]))
})

test('more consumers than partitions', () => {
  const a = roundRobin.assign(topics({ t: 2 }), group({ c3: subscription(['t']), c1: subscription(['t']), c2: subscription(['t']) }))
  assert.deepEqual(a, new Map([['c3', []], ['c1', [tp('t', 0)]], ['c2', [tp('t', 1)]]]))
})

test('two consumers, two topics of three: dealt alternately (the class comment of RoundRobinAssignor)', () => {
  const a = roundRobin.assign(topics({ t0: 3, t1: 3 }), group({ C1: subscription(['t0', 't1']), C0: subscription(['t0', 't1']) }))
  assert.deepEqual(a.get('C0'), [tp('t0', 0), tp('t0', 2), tp('t1', 1)])
  assert.deepEqual(a.get('C1'), [tp('t0', 1), tp('t1', 0), tp('t1', 2)])
})

test('unequal subscriptions skip members that do not subscribe (the class comment example, and testMultipleConsumersMixedTopics)', () => {
  const a = roundRobin.assign(topics({ t0: 1, t1: 2, t2: 3 }), group({
    C0: subscription(['t0']),
    C1: subscription(['t0', 't1']),
    C2: subscription(['t0', 't1', 't2']),
  }))
  assert.deepEqual(a.get('C0'), [tp('t0', 0)])
  assert.deepEqual(a.get('C1'), [tp('t1', 0)])
  assert.deepEqual(a.get('C2'), [tp('t1', 1), tp('t2', 0), tp('t2', 1), tp('t2', 2)])

  const b = roundRobin.assign(topics({ topic1: 3, topic2: 2 }), group({
    consumer1: subscription(['topic1']),
    consumer2: subscription(['topic1', 'topic2']),
    consumer3: subscription(['topic1']),
  }))
  assert.deepEqual(b.get('consumer1'), [tp('topic1', 0)])
  assert.deepEqual(b.get('consumer2'), [tp('topic1', 1), tp('topic2', 0), tp('topic2', 1)])
  assert.deepEqual(b.get('consumer3'), [tp('topic1', 2)])
})

test('static members: ordered by group.instance.id, before dynamic ones, and their partitions survive member id changes', () => {
  const six = topics({ topic1: 3, topic2: 3 })
  const a = roundRobin.assign(six, group({
    'consumer-b': subscription(['topic1', 'topic2'], { groupInstanceId: 'instance1' }),
    'consumer-a': subscription(['topic1', 'topic2']),
  }))
  assert.deepEqual(a.get('consumer-b'), [tp('topic1', 0), tp('topic1', 2), tp('topic2', 1)])
  assert.deepEqual(a.get('consumer-a'), [tp('topic1', 1), tp('topic2', 0), tp('topic2', 2)])

  const statics = (ids: string[]) => Object.fromEntries(ids.map((id, i) => [id, subscription(['topic1', 'topic2'], { groupInstanceId: `instance${i + 1}` })]))
  const withDynamic = roundRobin.assign(six, group({ ...statics(['consumer1', 'consumer2', 'consumer3']), consumer4: subscription(['topic1', 'topic2']) }))
  assert.deepEqual(withDynamic, new Map([
    ['consumer1', [tp('topic1', 0), tp('topic2', 1)]],
    ['consumer2', [tp('topic1', 1), tp('topic2', 2)]],
    ['consumer3', [tp('topic1', 2)]],
    ['consumer4', [tp('topic2', 0)]],
  ]))

  const ten = topics({ topic1: 5, topic2: 5 })
  const before = roundRobin.assign(ten, group(statics(['consumer1', 'consumer2', 'consumer3'])))
  assert.deepEqual(before.get('consumer1'), [tp('topic1', 0), tp('topic1', 3), tp('topic2', 1), tp('topic2', 4)])
  assert.deepEqual(before.get('consumer2'), [tp('topic1', 1), tp('topic1', 4), tp('topic2', 2)])
  assert.deepEqual(before.get('consumer3'), [tp('topic1', 2), tp('topic2', 0), tp('topic2', 3)])
  const after = roundRobin.assign(ten, group(statics(['consumer9', 'consumer0', 'consumer5'])))
  assert.deepEqual([after.get('consumer9'), after.get('consumer0'), after.get('consumer5')], [before.get('consumer1'), before.get('consumer2'), before.get('consumer3')])
})

test('random groups: valid; balanced when everyone subscribes to the same topics', () => {
  const random = seededRandom(7)
  for (let i = 0; i < 200; i++) {
    const counts = new Map<string, number>()
    for (let t = 0; t < 1 + Math.floor(random() * 4); t++) counts.set(`t${t}`, Math.floor(random() * 9))
    const names = [...counts.keys()]
    const equal = random() < 0.5
    const members = group(Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 6) }, (_, m) => [`m${m}`, subscription(equal ? names : names.filter(() => random() < 0.6))])))
    const a = roundRobin.assign(counts, members)
    assertValid(counts, members, a)
    if (equal) assert.ok(spread(a) <= 1, `case ${i}`)
  }
})
