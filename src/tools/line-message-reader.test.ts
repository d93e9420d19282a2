import { test } from 'node:test'
import assert from 'node:assert/strict'
import { javaSplit, LineMessageReader, LineSplitter } from './line-message-reader.js'

/** A record as [key, value, headers] with strings (null stays null), for short expectations. */
type Plain = [string | null, string | null, [string, string | null][]?]

function read(props: Record<string, string>, lines: string[]): (Plain | string)[] {
  const reader = new LineMessageReader('t', props)
  return lines.map((line) => {
    try {
      const r = reader.readRecord(line)
      const s = (b: Buffer | string | null | undefined) => (b === null || b === undefined ? null : b.toString())
      const plain: Plain = [s(r.key), s(r.value)]
      if (r.headers.length > 0) plain.push(r.headers.map((h) => [h.key, s(h.value)]))
      return plain
    } catch (e) {
      return (e as Error).message
    }
  })
}

const BOTH = { 'parse.key': 'true', 'parse.headers': 'true' }

test('by default the whole line is the value, with no key', () => {
  assert.deepEqual(read({}, ['value', '', 'a\tb']), [
    [null, 'value'],
    [null, ''],
    [null, 'a\tb'],
  ])
})

test('parse.key: key and value split at the first key.separator; a missing one is an error naming the line', () => {
  assert.deepEqual(read({ 'parse.key': 'true' }, ['key0\tvalue0', 'key\t', 'k\tv\tw', 'nosep']), [
    ['key0', 'value0'],
    ['key', ''],
    ['k', 'v\tw'],
    "No key separator found on line number 4: 'nosep'",
  ])
})

test('parse.headers with parse.key: headers, then key, then value; separators longer than one character', () => {
  assert.deepEqual(read(BOTH, ['h0:v0,h1:v1\tkey0\tvalue0', ':\t\t']), [
    ['key0', 'value0', [['h0', 'v0'], ['h1', 'v1']]],
    ['', '', [['', '']]],
  ])
  const long = { ...BOTH, 'key.separator': '\t\t', 'headers.delimiter': '\t\t', 'headers.separator': '---', 'headers.key.separator': '::::' }
  assert.deepEqual(read(long, ['a::::1---b::::\t\tkey\t\tvalue']), [['key', 'value', [['a', '1'], ['b', '']]]])
  assert.deepEqual(read({ 'parse.headers': 'true' }, ['h:v\tvalue']), [[null, 'value', [['h', 'v']]]])
})

test('errors: missing separators, with the line number counting every line read', () => {
  assert.deepEqual(read(BOTH, ['h:v\tk\tv', 'h:v\tk-v', 'hv\tk\tv', 'no-delimiter']), [
    ['k', 'v', [['h', 'v']]],
    "No key separator found on line number 2: 'h:v\tk-v'",
    "No header key separator found in pair 'hv' on line number 3",
    "No headers delimiter found on line number 4: 'no-delimiter'",
  ])
})

test('ignore.error: a missing separator leaves the key (or headers) out and the text in the value', () => {
  assert.deepEqual(read({ ...BOTH, 'ignore.error': 'true' }, ['h1:v1,h2:v2-k\tvalue1', 'h:v\tk-value', 'nothing-at-all', 'kv\tk\tv']), [
    [null, 'value1', [['h1', 'v1'], ['h2', 'v2-k']]],
    [null, 'k-value', [['h', 'v']]],
    [null, 'nothing-at-all'],
    ['k', 'v', [['kv', null]]],
  ])
})

test('null.marker: a key, value, header value or the whole header list equal to it is null; a header key may not be', () => {
  const props = { ...BOTH, 'null.marker': '<NULL>' }
  assert.deepEqual(read(props, ['h0:v0\t<NULL>\tvalue', '<NULL>\tkey\t<NULL>', 'h0:<NULL>,h1:<NULL>x\tkey\t<NULL>', '<NULL>:v\tk\tv']), [
    [null, 'value', [['h0', 'v0']]],
    ['key', null],
    ['key', null, [['h0', null], ['h1', '<NULL>x']]],
    "Header keys should not be equal to the null marker '<NULL>' as they can't be null",
  ])
  // Without a marker the same text is just text.
  assert.deepEqual(read({ 'parse.key': 'true' }, ['<NULL>\t<NULL>']), [['<NULL>', '<NULL>']])
})

test('separators that collide are refused with Kafka messages', () => {
  const refused = (props: Record<string, string>) => {
    try {
      new LineMessageReader('t', props)
      return 'accepted'
    } catch (e) {
      return (e as Error).message
    }
  }
  assert.equal(refused({ 'headers.separator': '\t' }), 'headers.delimiter and headers.separator may not be equal')
  assert.equal(refused({ 'headers.key.separator': '\t' }), 'headers.delimiter and headers.key.separator may not be equal')
  assert.equal(refused({ 'headers.key.separator': ',' }), 'headers.separator and headers.key.separator may not be equal')
  assert.equal(refused({ 'null.marker': '\t' }), 'null.marker and key.separator may not be equal')
  assert.equal(refused({ 'key.separator': '#', 'null.marker': ',' }), 'null.marker and headers.separator may not be equal')
  assert.equal(refused({ 'key.separator': '#', 'null.marker': '\t' }), 'null.marker and headers.delimiter may not be equal')
  assert.equal(refused({ 'null.marker': ':' }), 'null.marker and headers.key.separator may not be equal')
})

test("headers.separator is a regular expression split as Java's Pattern.split splits", () => {
  assert.deepEqual(javaSplit('a,b,,', /,/), ['a', 'b'])
  assert.deepEqual(javaSplit('', /,/), [''])
  assert.deepEqual(javaSplit(',', /,/), [])
  assert.deepEqual(javaSplit(',a', /,/), ['', 'a'])
  assert.deepEqual(javaSplit('a1b22c', /\d+/), ['a', 'b', 'c'])
  assert.deepEqual(read({ 'parse.headers': 'true', 'headers.separator': '[;|]' }, ['a:1;b:2|c:3\tv']), [[null, 'v', [['a', '1'], ['b', '2'], ['c', '3']]]])
})

test('lines end at \\n, \\r or \\r\\n, also across chunks; UTF-8 split across chunks is decoded whole; the last line needs no terminator', () => {
  const s = new LineSplitter()
  const euro = Buffer.from('€')
  const lines = [
    ...s.push(Buffer.from('a\r')),
    ...s.push(Buffer.from('\nb\rc\r\n\nd')),
    ...s.push(Buffer.concat([Buffer.from('e'), euro.subarray(0, 1)])),
    ...s.push(Buffer.concat([euro.subarray(1), Buffer.from('\nlast')])),
  ]
  assert.deepEqual(lines, ['a', 'b', 'c', '', 'de€'])
  assert.equal(s.end(), 'last')
  assert.equal(new LineSplitter().end(), undefined)
})
