import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { crc32c, crc32cImplementation, crc32cJs, loadNative } from './crc32c.js'

test('crc32c: standard check value of "123456789"', () => {
  assert.equal(crc32c(Buffer.from('123456789', 'ascii')), 0xe3069283)
})

test('crc32c: empty input is 0', () => {
  assert.equal(crc32c(Buffer.alloc(0)), 0)
})

test('crc32c: a range gives the same value as a copy of that range', () => {
  const buf = Buffer.from('xx123456789yyy', 'ascii')
  assert.equal(crc32c(buf, 2, 11), 0xe3069283)
  assert.equal(crc32c(buf, 2, 11), crc32c(Buffer.from(buf.subarray(2, 11))))
  assert.equal(crc32c(buf, 5), crc32c(Buffer.from(buf.subarray(5))))
})

test('crc32c: RFC 3720 test vectors (32 zero bytes, 32 0xff bytes)', () => {
  assert.equal(crc32c(Buffer.alloc(32, 0x00)), 0x8a9136aa)
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43)
})

test('crc32c: result is unsigned', () => {
  for (let i = 0; i < 64; i++) {
    const v = crc32c(Buffer.from([i, i * 3, i * 7]))
    assert.ok(v >= 0 && v <= 0xffffffff)
  }
})

test('crc32c: the native addon is built and used (npm install builds it)', () => {
  // A missing addon would silently make every produce several times slower to check.
  assert.notEqual(crc32cImplementation(), 'javascript')
})

test('crc32c: hardware, portable native and JavaScript paths agree on every length and alignment', () => {
  const addon = loadNative()
  assert.ok(addon)
  // Lengths around the addon's block sizes (3 x 8192 and 3 x 256 bytes) and odd offsets.
  const data = randomBytes(3 * 8192 * 2 + 3 * 256 + 100)
  const lengths = [0, 1, 7, 8, 9, 255, 767, 768, 769, 24575, 24576, 24577, 3 * 8192 + 3 * 256 + 13, data.length - 3]
  for (const length of lengths) {
    for (const start of [0, 1, 3]) {
      const end = start + length
      const expected = crc32cJs(data, start, end, 0)
      assert.equal(addon.crc32c(data, start, end, 0), expected, `hardware path, length ${length} at ${start}`)
      assert.equal(addon.crc32cPortable(data, start, end, 0), expected, `portable path, length ${length} at ${start}`)
      assert.equal(crc32c(data, start, end), expected)
    }
  }
  // Continuing from a previous CRC equals one pass over the whole range.
  const whole = addon.crc32c(data, 0, 30000, 0)
  assert.equal(addon.crc32c(data, 10001, 30000, addon.crc32c(data, 0, 10001, 0)), whole)
  assert.equal(crc32cJs(data, 10001, 30000, crc32cJs(data, 0, 10001, 0)), whole)
})

test('crc32c: the addon refuses a range outside the buffer instead of reading past it', () => {
  const addon = loadNative()!
  assert.throws(() => addon.crc32c(Buffer.alloc(4), 0, 5, 0), RangeError)
  assert.throws(() => addon.crc32c(Buffer.alloc(4), 3, 2, 0), RangeError)
  assert.throws(() => addon.crc32c('abc' as unknown as Uint8Array, 0, 1, 0), TypeError)
})
