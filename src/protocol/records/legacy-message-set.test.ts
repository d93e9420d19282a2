import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { crc32 } from 'node:zlib'
import { DecodeError, EncodeError, isDecodeError } from '../codec-error.js'
import { compressSync, decompressSync } from './compression.js'
import { xxhash32 } from './lz4-frame.js'
import { CompressionType, NO_TIMESTAMP, TimestampType } from './record.js'
import { decodeLegacyMessageSet, encodeLegacyMessageSet, LegacyAttributes } from './legacy-message-set.js'
import type { LegacyMessage } from './legacy-message-set.js'
import { seededRng } from '../testing/fuzz.js'

const CODECS = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4] as const

function msg(offset: number, magic: 0 | 1, key: string | null, value: string | null, timestamp = 1_700_000_000_000 + offset): LegacyMessage {
  return {
    offset,
    magic,
    attributes: 0,
    timestamp: magic === 0 ? NO_TIMESTAMP : timestamp,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
  }
}

/** Messages with the awkward cases: null/empty key and value, binary data. */
function sample(magic: 0 | 1, offsets = [100, 101, 103, 104]): LegacyMessage[] {
  const keys = ['k1', null, '', 'k4']
  const values = ['value one', 'v2', null, '']
  return offsets.map((o, i) => msg(o, magic, keys[i % 4]!, values[i % 4]!))
}

/** Rewrites the CRC of every complete top-level message, so mutations reach past the CRC check. */
function fixCrcs(buf: Buffer): Buffer {
  let pos = 0
  while (buf.length - pos >= 12) {
    const size = buf.readInt32BE(pos + 8)
    if (size < 4 || buf.length - pos - 12 < size) break
    buf.writeUInt32BE(crc32(buf.subarray(pos + 16, pos + 12 + size)), pos + 12)
    pos += 12 + size
  }
  return buf
}

/** One message with arbitrary attributes and value, written verbatim (a hand-made wrapper). */
function rawMessage(offset: number, magic: 0 | 1, attributes: number, value: Buffer | null, timestamp = 0): Buffer {
  return encodeLegacyMessageSet([{ offset, magic, attributes, timestamp, key: null, value }])
}

// kafkajs (a devDependency) is an independent implementation of magic 0/1: its encoder is our byte oracle.
const require = createRequire(import.meta.url)
const kafkajsMessageSet = require('kafkajs/src/protocol/messageSet') as (o: {
  messageVersion: number
  compression?: number
  entries: { key: Buffer | null; value: Buffer | null; timestamp?: number; compression?: number }[]
}) => { buffer: Buffer }
const kafkajsDecodeMessageSet = require('kafkajs/src/protocol/messageSet/decoder') as (
  d: unknown,
  size: number,
) => Promise<{ offset: string; attributes: number; timestamp?: string; key: Buffer | null; value: Buffer | null }[]>
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown
const kafkajsGzip = require('kafkajs/src/protocol/message/compression/gzip') as {
  compress(e: { buffer: Buffer }): Promise<Buffer>
}

test('uncompressed magic 0 and 1 round trip', () => {
  for (const magic of [0, 1] as const) {
    const messages = sample(magic)
    const buf = encodeLegacyMessageSet(messages)
    const decoded = decodeLegacyMessageSet(buf)
    assert.deepEqual(decoded.messages, messages)
    assert.equal(decoded.entries.length, messages.length)
    assert.equal(decoded.partialTailBytes, 0)
    assert.deepEqual(decodeLegacyMessageSet(Buffer.alloc(0)), { entries: [], messages: [], partialTailBytes: 0 })
  }
})

test('uncompressed bytes match kafkajs, which decodes ours', async () => {
  const entries = [
    { key: Buffer.from('a'), value: Buffer.from('hello'), timestamp: 1_600_000_000_123 },
    { key: null, value: Buffer.from('world'), timestamp: 1_600_000_000_456 },
  ]
  for (const magic of [0, 1] as const) {
    const theirs = kafkajsMessageSet({ messageVersion: magic, compression: 0, entries }).buffer
    const ours = encodeLegacyMessageSet(
      entries.map((e) => ({ offset: -1, magic, attributes: 0, timestamp: magic === 1 ? e.timestamp : NO_TIMESTAMP, key: e.key, value: e.value })),
    )
    assert.deepEqual(ours, theirs)
    const back = await kafkajsDecodeMessageSet(new KafkajsDecoder(ours), ours.length)
    assert.deepEqual(back.map((m) => m.value?.toString()), ['hello', 'world'])
  }
})

test('decodes a kafkajs Produce v2 gzip message set (wrapper offset 0, as librdkafka also sends)', async () => {
  const inner = kafkajsMessageSet({
    messageVersion: 1,
    compression: CompressionType.Gzip,
    entries: [0, 1, 2].map((i) => ({ key: null, value: Buffer.from(`m${i}`), timestamp: 1000 + i })),
  })
  const wrapper = kafkajsMessageSet({
    messageVersion: 1,
    entries: [{ compression: CompressionType.Gzip, timestamp: 1000, key: null, value: await kafkajsGzip.compress(inner) }],
  }).buffer
  const decoded = decodeLegacyMessageSet(wrapper)
  assert.equal(decoded.entries.length, 1)
  assert.equal(decoded.entries[0]!.outer.offset, 0)
  assert.deepEqual(decoded.messages.map((m) => [m.offset, m.timestamp, m.value?.toString()]), [
    [0, 1000, 'm0'],
    [1, 1001, 'm1'],
    [2, 1002, 'm2'],
  ])
})

test('kafkajs decodes our gzip wrappers with absolute offsets', async () => {
  for (const magic of [0, 1] as const) {
    const buf = encodeLegacyMessageSet(sample(magic), { compression: CompressionType.Gzip })
    const back = await kafkajsDecodeMessageSet(new KafkajsDecoder(buf), buf.length)
    assert.deepEqual(back.map((m) => m.offset), ['100', '101', '103', '104'])
  }
})

test('compressed round trip for each codec and magic', () => {
  for (const magic of [0, 1] as const) {
    for (const codec of CODECS) {
      const messages = sample(magic)
      const buf = encodeLegacyMessageSet(messages, { compression: codec })
      const decoded = decodeLegacyMessageSet(buf)
      assert.equal(decoded.entries.length, 1, `magic ${magic} codec ${codec}`)
      const outer = decoded.entries[0]!.outer
      assert.equal(outer.attributes & LegacyAttributes.COMPRESSION_MASK, codec)
      assert.equal(outer.offset, 104, 'the wrapper carries the last offset')
      assert.equal(outer.key, null)
      assert.deepEqual(decoded.messages, messages, `magic ${magic} codec ${codec}`)
      // Re-framing the shallow entry verbatim reproduces the bytes.
      assert.deepEqual(encodeLegacyMessageSet([outer]), buf)
    }
  }
})

test('inner offsets: relative in magic 1, absolute in magic 0', () => {
  for (const magic of [0, 1] as const) {
    const buf = encodeLegacyMessageSet(sample(magic), { compression: CompressionType.Gzip })
    const outer = decodeLegacyMessageSet(buf).entries[0]!.outer
    // The decompressed value is itself a message set; decoded shallowly it shows the raw inner offsets.
    const inner = decodeLegacyMessageSet(decompressSync(CompressionType.Gzip, outer.value!))
    assert.deepEqual(inner.messages.map((m) => m.offset), magic === 1 ? [0, 1, 3, 4] : [100, 101, 103, 104])
  }
})

test('magic 1 wrapper timestamps: max inner for CreateTime, override for LogAppendTime', () => {
  const messages = [msg(5, 1, 'a', 'x', 300), msg(6, 1, 'b', 'y', 900), msg(7, 1, 'c', 'z', 500)]
  const create = decodeLegacyMessageSet(encodeLegacyMessageSet(messages, { compression: CompressionType.Snappy }))
  assert.equal(create.entries[0]!.outer.timestamp, 900)
  assert.deepEqual(create.messages.map((m) => m.timestamp), [300, 900, 500])

  const append = decodeLegacyMessageSet(
    encodeLegacyMessageSet(messages, { compression: CompressionType.Snappy, timestampType: TimestampType.LogAppendTime, logAppendTimeMs: 4242 }),
  )
  assert.equal(append.entries[0]!.outer.timestamp, 4242)
  assert.equal(append.entries[0]!.outer.attributes, CompressionType.Snappy | LegacyAttributes.TIMESTAMP_TYPE)
  for (const m of append.messages) {
    assert.equal(m.timestamp, 4242)
    assert.equal(m.attributes, LegacyAttributes.TIMESTAMP_TYPE)
  }
  // A hand-made wrapper whose inner messages keep their create times: the wrapper still wins.
  const innerSet = encodeLegacyMessageSet(messages.map((m, i) => ({ ...m, offset: i })))
  const wrapper = rawMessage(7, 1, CompressionType.Gzip | LegacyAttributes.TIMESTAMP_TYPE, compressSync(CompressionType.Gzip, innerSet), 7777)
  assert.deepEqual(decodeLegacyMessageSet(wrapper).messages.map((m) => [m.offset, m.timestamp]), [
    [5, 7777],
    [6, 7777],
    [7, 7777],
  ])
})

test('magic 0 LZ4 wrappers use the legacy frame header checksum, magic 1 the correct one', () => {
  // Frame: magic (4) | FLG | BD | HC, as Kafka writes it (no content size, no dict id).
  const hc = (frame: Buffer, from: number) => (xxhash32(frame.subarray(from, 6)) >>> 8) & 0xff
  for (const magic of [0, 1] as const) {
    const outer = decodeLegacyMessageSet(encodeLegacyMessageSet(sample(magic), { compression: CompressionType.Lz4 })).entries[0]!.outer
    const frame = outer.value!
    assert.equal(frame.readUInt32LE(0), 0x184d2204)
    assert.equal(frame[4]! & 0x09, 0, 'no content size or dict id')
    assert.equal(frame[6], magic === 0 ? hc(frame, 0) : hc(frame, 4), `magic ${magic}`)
  }
})

test('zstd and unknown codecs are refused in magic 0/1', () => {
  assert.throws(() => encodeLegacyMessageSet(sample(1), { compression: CompressionType.Zstd }), EncodeError)
  assert.throws(() => encodeLegacyMessageSet([{ ...msg(0, 1, 'k', 'v'), attributes: CompressionType.Zstd }]), EncodeError)
  assert.throws(() => encodeLegacyMessageSet([{ ...msg(0, 0, 'k', 'v'), attributes: 5 }]), EncodeError)
  // A wire message claiming zstd (valid CRC) is a DecodeError.
  const zstd = fixCrcs(Buffer.from(encodeLegacyMessageSet([msg(0, 1, 'k', 'v')])))
  zstd[17] = CompressionType.Zstd
  assert.throws(() => decodeLegacyMessageSet(fixCrcs(zstd)), DecodeError)
})

test('encode refuses what it cannot write faithfully', () => {
  assert.throws(() => encodeLegacyMessageSet([], { compression: CompressionType.Gzip }), EncodeError)
  assert.throws(() => encodeLegacyMessageSet([msg(0, 0, 'a', 'b'), msg(1, 1, 'a', 'b')], { compression: CompressionType.Gzip }), EncodeError)
  assert.throws(() => encodeLegacyMessageSet([msg(3, 1, 'a', 'b'), msg(3, 1, 'a', 'b')], { compression: CompressionType.Gzip }), EncodeError)
  assert.throws(() => encodeLegacyMessageSet([{ ...msg(0, 1, 'a', 'b'), attributes: CompressionType.Gzip }], { compression: CompressionType.Gzip }), EncodeError)
  assert.throws(() => encodeLegacyMessageSet([{ ...msg(0, 1, 'a', 'b'), magic: 2 as unknown as 1 }]), EncodeError)
  assert.throws(() => encodeLegacyMessageSet([{ ...msg(0, 1, 'a', 'b'), timestamp: 2 ** 60 }]), EncodeError)
})

test('CRC mismatch is a DecodeError', () => {
  const good = encodeLegacyMessageSet(sample(1))
  for (const at of [12, 16, 17, 20, good.length - 1]) {
    const bad = Buffer.from(good)
    bad[at]! ^= 0x01
    assert.throws(() => decodeLegacyMessageSet(bad), (e) => isDecodeError(e) && /CRC/.test(e.message), `byte ${at}`)
  }
})

test('unknown magic, lying lengths and bad wrappers are DecodeErrors', () => {
  const one = () => Buffer.from(encodeLegacyMessageSet([msg(0, 1, 'key', 'value')]))
  const cases: [string, Buffer][] = []

  let b = one()
  b[16] = 2
  cases.push(['magic 2', fixCrcs(b)])
  b = one()
  b.writeInt32BE(13, 8)
  cases.push(['size below the minimum', b])
  b = Buffer.from(encodeLegacyMessageSet([msg(0, 0, null, null)]))
  b[16] = 1 // a magic 0 message too short to be magic 1
  cases.push(['magic 1 without room for a timestamp', fixCrcs(b)])
  b = one()
  b.writeInt32BE(1000, 26) // key length
  cases.push(['key longer than the message', fixCrcs(b)])
  b = one()
  b.writeInt32BE(-2, 26)
  cases.push(['key length -2', fixCrcs(b)])
  b = Buffer.concat([one(), Buffer.alloc(3)])
  b.writeInt32BE(b.readInt32BE(8) + 3, 8)
  cases.push(['bytes after the value', fixCrcs(b)])
  b = one()
  b.writeInt32BE(0x7fffffff, 0)
  cases.push(['offset outside the safe range', fixCrcs(b)])

  const innerSet = encodeLegacyMessageSet([msg(0, 1, 'a', 'b'), msg(1, 1, 'c', 'd')])
  cases.push(['null wrapper value', rawMessage(1, 1, CompressionType.Gzip, null)])
  cases.push(['empty wrapper', rawMessage(1, 1, CompressionType.Gzip, compressSync(CompressionType.Gzip, Buffer.alloc(0)))])
  cases.push(['garbage wrapper value', rawMessage(1, 1, CompressionType.Gzip, Buffer.from('not gzip'))])
  cases.push(['inner magic differs', rawMessage(1, 0, CompressionType.Gzip, compressSync(CompressionType.Gzip, innerSet))])
  cases.push(['wrapper offset below last inner, not 0', rawMessage(3, 1, CompressionType.Gzip, compressSync(CompressionType.Gzip, encodeLegacyMessageSet([msg(5, 1, 'a', 'b')])))])
  cases.push(['partial inner message', rawMessage(1, 1, CompressionType.Gzip, compressSync(CompressionType.Gzip, innerSet.subarray(0, innerSet.length - 2)))])
  const nested = encodeLegacyMessageSet([msg(0, 1, 'a', 'b')], { compression: CompressionType.Snappy })
  cases.push(['nested compression', rawMessage(0, 1, CompressionType.Gzip, compressSync(CompressionType.Gzip, nested))])

  for (const [name, buf] of cases) {
    assert.throws(() => decodeLegacyMessageSet(buf), (e) => isDecodeError(e), name)
  }
})

test('magic 1 wrapper offset 0 (some librdkafka versions): inner offsets are taken as they are', () => {
  const innerSet = encodeLegacyMessageSet([msg(5, 1, 'a', 'b'), msg(6, 1, 'c', 'd')])
  const wrapper = rawMessage(0, 1, CompressionType.Gzip, compressSync(CompressionType.Gzip, innerSet))
  assert.deepEqual(decodeLegacyMessageSet(wrapper).messages.map((m) => m.offset), [5, 6])
})

test('a partial trailing message is skipped and reported', () => {
  const full = encodeLegacyMessageSet(sample(1))
  const cut = full.subarray(0, full.length - 5)
  const decoded = decodeLegacyMessageSet(cut)
  assert.equal(decoded.messages.length, 3)
  const lastSize = full.length - encodeLegacyMessageSet(sample(1).slice(0, 3)).length
  assert.equal(decoded.partialTailBytes, lastSize - 5)
})

test('truncation at every byte: a prefix of the messages plus a partial tail, or a DecodeError', () => {
  const set = Buffer.concat([
    encodeLegacyMessageSet([msg(0, 0, 'a', 'b')]),
    encodeLegacyMessageSet([msg(1, 1, null, 'c')]),
    encodeLegacyMessageSet([msg(2, 1, 'd', 'e'), msg(3, 1, 'f', null)], { compression: CompressionType.Lz4 }),
    encodeLegacyMessageSet([msg(4, 0, 'g', 'h'), msg(5, 0, 'i', 'j')], { compression: CompressionType.Snappy }),
  ])
  const all = decodeLegacyMessageSet(set).messages
  assert.deepEqual(all.map((m) => m.offset), [0, 1, 2, 3, 4, 5])
  for (let n = 0; n <= set.length; n++) {
    let decoded
    try {
      decoded = decodeLegacyMessageSet(set.subarray(0, n))
    } catch (e) {
      assert.ok(isDecodeError(e), `cut at ${n}: ${String(e)}`)
      continue
    }
    assert.deepEqual(decoded.messages, all.slice(0, decoded.messages.length), `cut at ${n}`)
    const consumed = encodeLegacyMessageSet(decoded.entries.map((e) => e.outer)).length
    assert.equal(consumed + decoded.partialTailBytes, n, `cut at ${n}`)
  }
})

test('random mutations: only DecodeError escapes', () => {
  const rand = seededRng(0x5eed)
  const int = (n: number) => Math.floor(rand() * n)
  const seeds: Buffer[] = [encodeLegacyMessageSet(sample(0)), encodeLegacyMessageSet(sample(1))]
  for (const magic of [0, 1] as const) {
    for (const codec of CODECS) seeds.push(encodeLegacyMessageSet(sample(magic), { compression: codec }))
  }
  // Wrappers whose (uncompressed) inner set is mutated, so the inner parser sees the damage too.
  const innerSeeds = [encodeLegacyMessageSet(sample(1).map((m, i) => ({ ...m, offset: i }))), encodeLegacyMessageSet(sample(0))]

  let decodedOk = 0
  let decodeErrors = 0
  for (let i = 0; i < 4000; i++) {
    const inner = i % 4 === 3
    const src = inner ? innerSeeds[int(innerSeeds.length)]! : seeds[int(seeds.length)]!
    let buf: Buffer = Buffer.from(src)
    const edits = 1 + int(4)
    for (let k = 0; k < edits; k++) {
      const kind = int(10)
      if (kind < 6) buf[int(buf.length)] = int(256)
      else if (kind < 8) buf = buf.subarray(0, int(buf.length + 1))
      else if (kind < 9) buf = Buffer.concat([buf.subarray(0, int(buf.length)), Buffer.from([int(256)]), buf.subarray(int(buf.length))])
      else if (buf.length >= 12) buf.writeInt32BE(int(0x7fffffff) * (rand() < 0.2 ? -1 : 1), int(buf.length - 3))
    }
    if (inner) {
      const codec = CODECS[int(CODECS.length)]!
      const magic = buf.length > 16 && buf[16] === 0 ? 0 : 1
      buf = rawMessage(10, magic, codec, compressSync(codec, buf, { legacyLz4HeaderChecksum: magic === 0 }), 1)
    } else if (rand() < 0.7) {
      buf = fixCrcs(buf) // get past the CRC check most of the time
    }
    try {
      decodeLegacyMessageSet(buf)
      decodedOk++
    } catch (e) {
      if (!isDecodeError(e)) assert.fail(`iteration ${i}: ${String(e)}\n${buf.toString('hex')}`)
      decodeErrors++
    }
  }
  assert.ok(decodedOk > 100 && decodeErrors > 100, `both outcomes exercised (${decodedOk} ok, ${decodeErrors} errors)`)
})
