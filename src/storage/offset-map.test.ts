import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OffsetMap } from './offset-map.js'

const key = (s: string) => Buffer.from(s)

test('OffsetMap: latest offset per key, -1 when absent, exact keys (no hash collisions)', async () => {
  const map = new OffsetMap(1024 * 1024)
  assert.equal(map.get(key('a')), -1)
  assert.ok(await map.reserve(3, 3))
  map.put(key('a'), 1)
  map.put(key('b'), 2)
  map.put(key('a'), 7)
  assert.equal(map.get(key('a')), 7)
  assert.equal(map.get(key('b')), 2)
  assert.equal(map.get(key('ab')), -1)
  assert.equal(map.get(Buffer.alloc(0)), -1)
  assert.equal(map.size, 2)
  assert.equal(map.latestOffset, 7)
  // A key that is a prefix or extension of another, and the empty key, are keys of their own.
  assert.ok(await map.reserve(2, 2))
  map.put(key('aa'), 9)
  map.put(Buffer.alloc(0), 10)
  assert.deepEqual(['a', 'aa', 'b', ''].map((k) => map.get(key(k))), [7, 9, 2, 10])
})

test('OffsetMap: grows through many keys, keeps every one, and clear() empties it for reuse', async () => {
  const map = new OffsetMap(64 * 1024 * 1024)
  const n = 200_000
  for (let i = 0; i < n; i += 1000) {
    assert.ok(await map.reserve(1000, 1000 * 12))
    for (let j = i; j < i + 1000; j++) map.put(key(`key-${j}`), j * 2)
  }
  assert.equal(map.size, n)
  for (let i = 0; i < n; i += 997) assert.equal(map.get(key(`key-${i}`)), i * 2)
  assert.equal(map.get(key(`key-${n}`)), -1)
  assert.ok(map.allocatedBytes <= map.memoryBytes)
  map.clear()
  assert.equal(map.size, 0)
  assert.equal(map.get(key('key-5')), -1)
  assert.equal(map.latestOffset, -1)
})

function key20(i: number): Buffer {
  const k = Buffer.alloc(20)
  k.writeUInt32BE(i, 16)
  return k
}

test('OffsetMap: memory stays within its budget; reserve() refuses what would not fit and changes nothing', async () => {
  const budget = 40 * 1024
  const map = new OffsetMap(budget)
  let stored = 0
  for (;;) {
    if (!(await map.reserve(10, 10 * 20))) break
    for (let j = 0; j < 10; j++) map.put(key20(stored + j), stored + j)
    stored += 10
    assert.ok(map.allocatedBytes <= budget, `${map.allocatedBytes} <= ${budget}`)
  }
  assert.ok(stored > 100, `${stored} keys fit in ${budget} bytes`)
  assert.equal(map.size, stored)
  for (let i = 0; i < stored; i++) assert.equal(map.get(key20(i)), i)
  // Putting beyond a reservation is a bug, not a silent overflow.
  assert.throws(() => map.put(key20(stored + 1), 1))
  assert.equal(map.size, stored)
})
