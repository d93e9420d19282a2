import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ASSIGNORS } from './assignor.js'
import { assertValid, group, seededRandom, subscription, topics, tp } from './assignor-testing.js'
import { RangeAssignor } from './range-assignor.js'

const range = new RangeAssignor()

test('registered as "range", eager, no userData', () => {
  assert.equal(ASSIGNORS.range!().name, 'range')
  assert.equal(range.rebalanceProtocol, 'EAGER')
  assert.equal(range.userData([tp('t', 0)], 3), null)
})

test('one consumer: no topic, a topic without metadata, one topic, only its subscribed topics, several topics', () => {
  assert.deepEqual(range.assign(topics({}), group({ c: subscription([]) })), new Map([['c', []]]))
  assert.deepEqual(range.assign(topics({}), group({ c: subscription(['t']) })), new Map([['c', []]]))
  assert.deepEqual(range.assign(topics({ t: 3 }), group({ c: subscription(['t']) })), new Map([['c', [tp('t', 0), tp('t', 1), tp('t', 2)]]]))
  assert.deepEqual(range.assign(topics({ t: 3, other: 3 }), group({ c: subscription(['t']) })), new Map([['c', [tp('t', 0), tp('t', 1), tp('t', 2)]]]))
  assert.deepEqual(range.assign(topics({ t1: 1, t2: 2 }), group({ c: subscription(['t1', 't2']) })), new Map([['c', [tp('t1', 0), tp('t2', 0), tp('t2', 1)]]]))
})

test('more consumers than partitions: the first in order get them', () => {
  const a = range.assign(topics({ t: 1 }), group({ c2: subscription(['t']), c1: subscription(['t']) }))
  assert.deepEqual(a, new Map([['c2', []], ['c1', [tp('t', 0)]]]))
  const b = range.assign(topics({ t: 2 }), group({ c1: subscription(['t']), c2: subscription(['t']), c3: subscription(['t']) }))
  assert.deepEqual(b.get('c1'), [tp('t', 0)])
  assert.deepEqual(b.get('c2'), [tp('t', 1)])
  assert.deepEqual(b.get('c3'), [])
})

test('mixed subscriptions: each topic is split among its own subscribers (Kafka testMultipleConsumersMixedTopics)', () => {
  const a = range.assign(topics({ topic1: 3, topic2: 2 }), group({
    consumer1: subscription(['topic1']),
    consumer2: subscription(['topic1', 'topic2']),
    consumer3: subscription(['topic1']),
  }))
  assert.deepEqual(a.get('consumer1'), [tp('topic1', 0)])
  assert.deepEqual(a.get('consumer2'), [tp('topic1', 1), tp('topic2', 0), tp('topic2', 1)])
  assert.deepEqual(a.get('consumer3'), [tp('topic1', 2)])
})

test('two consumers, two topics of three: the first gets two of each (the class comment of RangeAssignor)', () => {
  const a = range.assign(topics({ t0: 3, t1: 3 }), group({ C1: subscription(['t0', 't1']), C0: subscription(['t0', 't1']) }))
  assert.deepEqual(a.get('C0'), [tp('t0', 0), tp('t0', 1), tp('t1', 0), tp('t1', 1)])
  assert.deepEqual(a.get('C1'), [tp('t0', 2), tp('t1', 2)])
})

test('static members are ordered by group.instance.id, and before dynamic members', () => {
  const six = topics({ topic1: 3, topic2: 3 })
  // consumer-a sorts first by member id, but instance1 < instance2 puts consumer-b first.
  const both = range.assign(six, group({
    'consumer-b': subscription(['topic1', 'topic2'], { groupInstanceId: 'instance1' }),
    'consumer-a': subscription(['topic1', 'topic2'], { groupInstanceId: 'instance2' }),
  }))
  assert.deepEqual(both.get('consumer-b'), [tp('topic1', 0), tp('topic1', 1), tp('topic2', 0), tp('topic2', 1)])
  assert.deepEqual(both.get('consumer-a'), [tp('topic1', 2), tp('topic2', 2)])
  const mixed = range.assign(six, group({
    'consumer-b': subscription(['topic1', 'topic2'], { groupInstanceId: 'instance1' }),
    'consumer-a': subscription(['topic1', 'topic2']),
  }))
  assert.deepEqual(mixed.get('consumer-b'), [tp('topic1', 0), tp('topic1', 1), tp('topic2', 0), tp('topic2', 1)])
  assert.deepEqual(mixed.get('consumer-a'), [tp('topic1', 2), tp('topic2', 2)])
})

test('a static member keeps its partitions when its member id changes and when a dynamic member is replaced', () => {
  const t = topics({ topic1: 5, topic2: 4 })
  const statics = (ids: [string, string, string]) => ({
    [ids[0]]: subscription(['topic1', 'topic2'], { groupInstanceId: 'instance1' }),
    [ids[1]]: subscription(['topic1', 'topic2'], { groupInstanceId: 'instance2' }),
    [ids[2]]: subscription(['topic1', 'topic2'], { groupInstanceId: 'instance3' }),
  })
  const first = range.assign(t, group({ ...statics(['consumer1', 'consumer2', 'consumer3']), consumer4: subscription(['topic1', 'topic2']) }))
  assert.deepEqual(first, new Map([
    ['consumer1', [tp('topic1', 0), tp('topic1', 1), tp('topic2', 0)]],
    ['consumer2', [tp('topic1', 2), tp('topic2', 1)]],
    ['consumer3', [tp('topic1', 3), tp('topic2', 2)]],
    ['consumer4', [tp('topic1', 4), tp('topic2', 3)]],
  ]))
  // New member ids for the static members (restarts) and a new dynamic member.
  const second = range.assign(t, group({ ...statics(['zz9', 'aa1', 'mm5']), consumer5: subscription(['topic1', 'topic2']) }))
  assert.deepEqual(second.get('zz9'), first.get('consumer1'))
  assert.deepEqual(second.get('aa1'), first.get('consumer2'))
  assert.deepEqual(second.get('mm5'), first.get('consumer3'))
  assert.deepEqual(second.get('consumer5'), first.get('consumer4'))
})

test('the result does not depend on the order members are given in', () => {
  const t = topics({ a: 7, b: 5 })
  const one = range.assign(t, group({ m1: subscription(['a', 'b']), m2: subscription(['a']), m3: subscription(['b', 'a']) }))
  const two = range.assign(t, group({ m3: subscription(['a', 'b']), m1: subscription(['b', 'a']), m2: subscription(['a']) }))
  for (const id of ['m1', 'm2', 'm3']) assert.deepEqual(one.get(id), two.get(id))
})

test('random groups: valid, and balanced per topic (counts of one topic differ by at most one)', () => {
  const random = seededRandom(42)
  for (let i = 0; i < 200; i++) {
    const counts = new Map<string, number>()
    for (let t = 0; t < 1 + Math.floor(random() * 4); t++) counts.set(`t${t}`, Math.floor(random() * 9))
    const names = [...counts.keys(), 'missing']
    const members = group(Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 6) }, (_, m) => [`m${m}`, subscription(names.filter(() => random() < 0.6))])))
    const a = range.assign(counts, members)
    assertValid(counts, members, a)
    for (const [topic] of counts) {
      const per = [...members].filter(([, s]) => s.topics.includes(topic)).map(([id]) => a.get(id)!.filter((x) => x.topic === topic).length)
      if (per.length > 0) assert.ok(Math.max(...per) - Math.min(...per) <= 1, `case ${i}, topic ${topic}`)
    }
  }
})
