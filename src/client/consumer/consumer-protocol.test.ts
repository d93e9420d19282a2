import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { DecodeError, EncodeError } from '../../protocol/codec-error.js'
import { ConsumerProtocolAssignmentSpec } from '../../protocol/messages/consumer-protocol-assignment.js'
import { ConsumerProtocolSubscriptionSpec, type ConsumerProtocolSubscription } from '../../protocol/messages/consumer-protocol-subscription.js'
import { Writer } from '../../protocol/writer.js'
import { ASSIGNMENT_VERSION, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, SUBSCRIPTION_VERSION } from './consumer-protocol.js'

const FULL = {
  topics: ['orders', 'audit'],
  userData: Buffer.from([1, 2, 3]),
  ownedPartitions: [
    { topic: 'orders', partition: 2 },
    { topic: 'audit', partition: 0 },
    { topic: 'orders', partition: 0 },
  ],
  generationId: 7,
  rackId: 'rack-a',
}

/** Bytes as the generated codec writes them: int16 version, then the struct. */
function generated(m: ConsumerProtocolSubscription, v: number): Buffer {
  const w = new Writer()
  w.int16(v)
  ConsumerProtocolSubscriptionSpec.write(w, m, v)
  return Buffer.from(w.finish())
}

/** Kafka primitives by hand, to pin the layout independently of the codecs. */
const i16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff])
const i32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}
const str = (s: string) => Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)])

describe('subscription', () => {
  test('round-trips at each version; fields the version lacks come back as their defaults', () => {
    const sortedOwned = [
      { topic: 'audit', partition: 0 },
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 2 },
    ]
    const expected = [
      { topics: ['audit', 'orders'], userData: FULL.userData, ownedPartitions: [], generationId: -1, rackId: null },
      { topics: ['audit', 'orders'], userData: FULL.userData, ownedPartitions: sortedOwned, generationId: -1, rackId: null },
      { topics: ['audit', 'orders'], userData: FULL.userData, ownedPartitions: sortedOwned, generationId: 7, rackId: null },
      { topics: ['audit', 'orders'], userData: FULL.userData, ownedPartitions: sortedOwned, generationId: 7, rackId: 'rack-a' },
    ]
    for (let v = 0; v <= 3; v++) {
      const bytes = encodeSubscription(FULL, v)
      assert.equal(bytes.readInt16BE(0), v)
      assert.deepEqual(decodeSubscription(bytes), expected[v], `v${v}`)
    }
  })

  test('null userData and no owned partitions round-trip', () => {
    const s = { topics: ['t'], userData: null, ownedPartitions: [], generationId: -1, rackId: null }
    assert.deepEqual(decodeSubscription(encodeSubscription(s, 3)), s)
  })

  test('topics and owned partitions are written sorted (the same subscription gives the same bytes)', () => {
    const a = encodeSubscription(FULL, 3)
    const b = encodeSubscription({ ...FULL, topics: [...FULL.topics].reverse(), ownedPartitions: [...FULL.ownedPartitions].reverse() }, 3)
    assert.ok(a.equals(b))
  })

  test('the v3 layout byte by byte (what librdkafka 2.2+ writes: empty userData, owned partitions, generation, null rack)', () => {
    const bytes = Buffer.concat([
      i16(3),
      i32(1), str('t1'),
      i32(0), // userData: librdkafka writes empty bytes for "none"
      i32(1), str('t1'), i32(2), i32(0), i32(1),
      i32(4),
      i16(-1),
    ])
    assert.deepEqual(decodeSubscription(bytes), {
      topics: ['t1'],
      userData: Buffer.alloc(0),
      ownedPartitions: [{ topic: 't1', partition: 0 }, { topic: 't1', partition: 1 }],
      generationId: 4,
      rackId: null,
    })
    assert.ok(encodeSubscription({ topics: ['t1'], userData: Buffer.alloc(0), ownedPartitions: [{ topic: 't1', partition: 1 }, { topic: 't1', partition: 0 }], generationId: 4, rackId: null }, 3).equals(bytes))
  })

  test('decodes what the generated codec writes at each version', () => {
    const m: ConsumerProtocolSubscription = {
      topics: ['x', 'y'],
      userData: Buffer.from('ud'),
      ownedPartitions: [{ topic: 'y', partitions: [3, 1] }],
      generationId: 12,
      rackId: 'r1',
    }
    for (let v = 0; v <= 3; v++) {
      const d = decodeSubscription(generated(m, v))
      assert.deepEqual(d.topics, ['x', 'y'])
      assert.deepEqual(d.userData, Buffer.from('ud'))
      assert.deepEqual(d.ownedPartitions, v >= 1 ? [{ topic: 'y', partition: 3 }, { topic: 'y', partition: 1 }] : [])
      assert.equal(d.generationId, v >= 2 ? 12 : -1)
      assert.equal(d.rackId, v >= 3 ? 'r1' : null)
    }
  })

  test('a future version with fields after rackId is read with the v3 layout', () => {
    const v3 = generated({ topics: ['a'], userData: null, ownedPartitions: [{ topic: 'a', partitions: [0] }], generationId: 3, rackId: 'z' }, 3)
    const v5 = Buffer.concat([i16(5), v3.subarray(2), i32(99), str('a field from the future')])
    assert.deepEqual(decodeSubscription(v5), { topics: ['a'], userData: null, ownedPartitions: [{ topic: 'a', partition: 0 }], generationId: 3, rackId: 'z' })
  })

  test("a negative generation reads as -1 and an empty rack as null (Java's Subscription)", () => {
    const d = decodeSubscription(generated({ topics: ['a'], userData: null, ownedPartitions: [], generationId: -5, rackId: '' }, 3))
    assert.equal(d.generationId, -1)
    assert.equal(d.rackId, null)
  })

  test('a negative version or truncated bytes are a DecodeError; an unknown version to write is an EncodeError', () => {
    assert.throws(() => decodeSubscription(Buffer.concat([i16(-1), i32(0), i32(-1)])), DecodeError)
    assert.throws(() => decodeSubscription(encodeSubscription(FULL, 3).subarray(0, 12)), DecodeError)
    assert.throws(() => decodeSubscription(Buffer.alloc(0)), DecodeError)
    assert.throws(() => encodeSubscription(FULL, 4), EncodeError)
    assert.throws(() => encodeSubscription(FULL, -1), EncodeError)
  })

  test('Brook sends v3, the version Java 3.5+ and librdkafka 2.2+ send', () => {
    assert.equal(SUBSCRIPTION_VERSION, 3)
  })
})

describe('assignment', () => {
  const partitions = [
    { topic: 'b', partition: 1 },
    { topic: 'a', partition: 0 },
    { topic: 'b', partition: 0 },
  ]

  test('round-trips at each version, partitions grouped by topic in first-seen order', () => {
    for (let v = 0; v <= 3; v++) {
      const bytes = encodeAssignment(partitions, Buffer.from('u'), v)
      assert.equal(bytes.readInt16BE(0), v)
      assert.deepEqual(decodeAssignment(bytes), {
        partitions: [{ topic: 'b', partition: 1 }, { topic: 'b', partition: 0 }, { topic: 'a', partition: 0 }],
        userData: Buffer.from('u'),
      })
    }
  })

  test('the layout byte by byte, at the default version 0', () => {
    assert.equal(ASSIGNMENT_VERSION, 0)
    const expected = Buffer.concat([i16(0), i32(2), str('b'), i32(2), i32(1), i32(0), str('a'), i32(1), i32(0), i32(-1)])
    assert.ok(encodeAssignment(partitions, null).equals(expected))
  })

  test('decodes what the generated codec writes at each version, and a future version with trailing fields', () => {
    for (let v = 0; v <= 3; v++) {
      const w = new Writer()
      w.int16(v)
      ConsumerProtocolAssignmentSpec.write(w, { assignedPartitions: [{ topic: 't', partitions: [4, 5] }], userData: null }, v)
      assert.deepEqual(decodeAssignment(Buffer.from(w.finish())), { partitions: [{ topic: 't', partition: 4 }, { topic: 't', partition: 5 }], userData: null })
    }
    const future = Buffer.concat([i16(9), encodeAssignment([{ topic: 't', partition: 0 }], null).subarray(2), i32(1234)])
    assert.deepEqual(decodeAssignment(future), { partitions: [{ topic: 't', partition: 0 }], userData: null })
  })

  test('empty bytes are an empty assignment', () => {
    assert.deepEqual(decodeAssignment(Buffer.alloc(0)), { partitions: [], userData: null })
  })

  test('a negative version or truncated bytes are a DecodeError', () => {
    assert.throws(() => decodeAssignment(Buffer.concat([i16(-2), i32(0), i32(-1)])), DecodeError)
    assert.throws(() => decodeAssignment(encodeAssignment(partitions, null).subarray(0, 9)), DecodeError)
    assert.throws(() => encodeAssignment(partitions, null, 4), EncodeError)
  })
})
