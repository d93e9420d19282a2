import { test } from 'node:test'
import assert from 'node:assert/strict'
import { crc32c } from './crc32c.js'

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
