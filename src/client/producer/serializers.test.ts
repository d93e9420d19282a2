import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SerializationError } from './errors.js'
import { bytes, serializers } from './serializers.js'

test('serializers.string and the default: UTF-8', () => {
  assert.deepEqual(serializers.string('ä', 't'), Buffer.from([0xc3, 0xa4]))
  assert.deepEqual(bytes('ä'), Buffer.from([0xc3, 0xa4]))
  const b = Buffer.from('x')
  assert.equal(bytes(b), b, 'a Buffer is sent as it is')
})

test('serializers.json: JSON.stringify as UTF-8; a value JSON cannot express is refused', () => {
  assert.equal(String(serializers.json({ a: [1, 'ü', null] }, 't')), '{"a":[1,"ü",null]}')
  assert.equal(String(serializers.json(0, 't')), '0')
  assert.throws(() => serializers.json(undefined, 't'), SerializationError)
  assert.throws(() => serializers.json(() => 1, 't'), SerializationError)
})

test('serializers.buffer: Buffers as they are, other Uint8Arrays wrapped without a copy', () => {
  const b = Buffer.from('abc')
  assert.equal(serializers.buffer(b, 't'), b)
  const u = new Uint8Array([1, 2, 3, 4]).subarray(1, 3)
  const wrapped = serializers.buffer(u, 't')!
  assert.ok(Buffer.isBuffer(wrapped))
  assert.deepEqual([...wrapped], [2, 3])
  u[0] = 9
  assert.equal(wrapped[0], 9, 'same memory')
})

test('a wrong type is a SerializationError that names what it got', () => {
  assert.throws(() => bytes(42 as unknown as string), (e: Error) => e instanceof SerializationError && /got number: set keySerializer\/valueSerializer/.test(e.message))
  assert.throws(() => serializers.string({} as unknown as string, 't'), /expected a string, got Object/)
  assert.throws(() => serializers.buffer('s' as unknown as Buffer, 't'), /got string/)
})
