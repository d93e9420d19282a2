import { test } from 'node:test'
import assert from 'node:assert/strict'
import { keyedPartition, murmur2, toPositive } from './partitioner.js'

test("murmur2 gives Kafka's values (the vectors of Kafka's UtilsTest.testMurmur2)", () => {
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ]
  for (const [s, expected] of vectors) assert.equal(murmur2(Buffer.from(s)), expected, s)
})

test('toPositive drops the sign bit (Integer.MIN_VALUE -> 0), unlike Math.abs', () => {
  assert.equal(toPositive(-2147483648), 0)
  assert.equal(toPositive(-1), 2147483647)
  assert.equal(toPositive(5), 5)
})

test('keyedPartition is in range and stable', () => {
  for (let i = 0; i < 1000; i++) {
    const key = Buffer.from(`key-${i}`)
    const p = keyedPartition(key, 7)
    assert.ok(p >= 0 && p < 7)
    assert.equal(keyedPartition(key, 7), p)
  }
  assert.equal(keyedPartition(Buffer.alloc(0), 3), toPositive(murmur2(Buffer.alloc(0))) % 3)
})
