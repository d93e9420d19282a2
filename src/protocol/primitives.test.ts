import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Reader } from './reader.js'
import { Writer } from './writer.js'
import { DecodeError } from './codec-error.js'

test('unsigned varint round-trips across byte boundaries', () => {
  for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28, 0xffffffff]) {
    const w = new Writer()
    w.uvarint(v)
    assert.equal(new Reader(w.finish()).uvarint(), v)
  }
})

test('truncated buffer raises DecodeError', () => {
  assert.throws(() => new Reader(Buffer.from([0, 1])).int32(), DecodeError)
})
