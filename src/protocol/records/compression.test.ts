import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { buffer as collect } from 'node:stream/consumers'
import * as snappy from 'snappy'
import * as lz4 from 'lz4-napi'
import * as zstd from 'zstd-napi'
import { DecodeError, EncodeError } from '../codec-error.js'
import { CompressionType } from './record.js'
import { compress, compressSync, decompress, decompressSync, type DecompressOptions } from './compression.js'
import { xxhash32 } from './lz4-frame.js'
import { seededRng } from '../testing/fuzz.js'

// --- helpers -------------------------------------------------------------------------------------

function randomBytes(random: () => number, length: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256)
  return out
}

function repetitive(length: number): Buffer {
  return Buffer.alloc(length, 'kafka record value; key=user-42; ')
}

/** Half text, half noise: compresses, and exercises both literals and matches. */
function mixed(random: () => number, length: number): Buffer {
  const half = Math.floor(length / 2)
  return Buffer.concat([repetitive(half), randomBytes(random, length - half)])
}

function expectDecodeError(fn: () => unknown, message?: RegExp): DecodeError {
  try {
    fn()
  } catch (e) {
    if (!(e instanceof DecodeError)) assert.fail(`expected DecodeError, got ${String(e)}`)
    if (message) assert.match(e.message, message)
    return e
  }
  assert.fail('expected DecodeError, nothing was thrown')
}

async function expectDecodeErrorAsync(promise: Promise<unknown>, message?: RegExp): Promise<void> {
  try {
    await promise
  } catch (e) {
    if (!(e instanceof DecodeError)) assert.fail(`expected DecodeError, got ${String(e)}`)
    if (message) assert.match(e.message, message)
    return
  }
  assert.fail('expected DecodeError, nothing was thrown')
}

const CODECS = [
  { codec: CompressionType.Gzip, name: 'gzip', magic: Buffer.from([0x1f, 0x8b]) },
  { codec: CompressionType.Snappy, name: 'snappy', magic: Buffer.from('82534e415050590000000001', 'hex') },
  { codec: CompressionType.Lz4, name: 'lz4', magic: Buffer.from('04224d18', 'hex') },
  { codec: CompressionType.Zstd, name: 'zstd', magic: Buffer.from('28b52ffd', 'hex') },
] as const

// --- round trips ---------------------------------------------------------------------------------

describe('round trip', () => {
  const random = seededRng(1)
  const inputs: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['small', Buffer.from('hello, kafka')],
    ['150 KiB random', randomBytes(random, 150 * 1024)],
    ['150 KiB repetitive', repetitive(150 * 1024)],
  ]

  test('None returns the input itself', async () => {
    const data = Buffer.from('as is')
    assert.equal(compressSync(CompressionType.None, data), data)
    assert.equal(decompressSync(CompressionType.None, data), data)
    assert.equal(await compress(CompressionType.None, data), data)
    assert.equal(await decompress(CompressionType.None, data), data)
  })

  for (const { codec, name, magic } of CODECS) {
    for (const [label, data] of inputs) {
      test(`${name}: ${label}`, async () => {
        const compressed = compressSync(codec, data)
        assert.deepEqual(compressed.subarray(0, magic.length), magic, 'output is in the codec format')
        assert.deepEqual(decompressSync(codec, compressed), data)
        assert.deepEqual(await decompress(codec, compressed), data)

        const compressedAsync = await compress(codec, data)
        assert.deepEqual(compressedAsync, compressed, 'async and sync write the same bytes')
        assert.deepEqual(decompressSync(codec, compressedAsync), data)
      })
    }

    test(`${name}: repetitive input actually shrinks`, () => {
      const data = repetitive(150 * 1024)
      assert.ok(compressSync(codec, data).length < data.length / 10)
    })
  }
})

// --- gzip ----------------------------------------------------------------------------------------

describe('gzip', () => {
  test('reads zlib-wrapped deflate too', () => {
    const data = repetitive(5000)
    assert.deepEqual(decompressSync(CompressionType.Gzip, zlib.deflateSync(data)), data)
  })

  test('refuses output beyond maxOutputBytes', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024))
    const options = { maxOutputBytes: 1024 * 1024 }
    expectDecodeError(() => decompressSync(CompressionType.Gzip, bomb, options), /^gzip: .*limit/)
    await expectDecodeErrorAsync(decompress(CompressionType.Gzip, bomb, options), /^gzip: .*limit/)
    assert.equal(decompressSync(CompressionType.Gzip, bomb, { maxOutputBytes: 4 * 1024 * 1024 }).length, 4 * 1024 * 1024)
  })
})

// --- snappy --------------------------------------------------------------------------------------

function xerialHeader(): Buffer {
  return Buffer.from('82534e41505059000000000100000001', 'hex')
}

function xerialStream(rawBlocks: Buffer[]): Buffer {
  const parts = [xerialHeader()]
  for (const block of rawBlocks) {
    const length = Buffer.alloc(4)
    length.writeInt32BE(block.length)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

/** Splits a xerial stream into its raw blocks (test-side parser, independent of ours). */
function xerialBlocksOf(stream: Buffer): Buffer[] {
  const blocks: Buffer[] = []
  for (let pos = 16; pos < stream.length; ) {
    const length = stream.readInt32BE(pos)
    blocks.push(stream.subarray(pos + 4, pos + 4 + length))
    pos += 4 + length
  }
  return blocks
}

function unsnappy(block: Buffer): Buffer {
  const out = snappy.uncompressSync(block)
  assert.ok(Buffer.isBuffer(out))
  return out
}

describe('snappy', () => {
  const random = seededRng(2)

  test('reads a hand-built multi-block xerial stream', async () => {
    const pieces = [repetitive(40_000), randomBytes(random, 1), randomBytes(random, 20_000), Buffer.from('tail')]
    const stream = xerialStream(pieces.map((piece) => snappy.compressSync(piece)))
    const expected = Buffer.concat(pieces)
    assert.deepEqual(decompressSync(CompressionType.Snappy, stream), expected)
    assert.deepEqual(await decompress(CompressionType.Snappy, stream), expected)
  })

  test('reads a xerial stream with only the header as empty', () => {
    assert.equal(decompressSync(CompressionType.Snappy, xerialHeader()).length, 0)
  })

  test('reads raw snappy', async () => {
    for (const data of [Buffer.alloc(0), Buffer.from('x'), mixed(random, 100_000)]) {
      assert.deepEqual(decompressSync(CompressionType.Snappy, snappy.compressSync(data)), data)
      assert.deepEqual(await decompress(CompressionType.Snappy, snappy.compressSync(data)), data)
    }
  })

  test('writes xerial: header 1/1, one block per 32 KiB of input', () => {
    const data = mixed(random, 100_000)
    const stream = compressSync(CompressionType.Snappy, data)
    assert.deepEqual(stream.subarray(0, 16), xerialHeader())
    const blocks = xerialBlocksOf(stream)
    assert.equal(blocks.length, Math.ceil(data.length / 32768))
    blocks.forEach((block, i) => assert.deepEqual(unsnappy(block), data.subarray(i * 32768, (i + 1) * 32768)))
  })

  test('writes the header alone for empty input, as snappy-java does', () => {
    assert.deepEqual(compressSync(CompressionType.Snappy, Buffer.alloc(0)), xerialHeader())
  })

  test('refuses a block claiming more than maxOutputBytes before decompressing', () => {
    // varint 0xffffffff, then a single literal byte: tiny input, 4 GiB claim.
    const liar = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x41])
    expectDecodeError(() => decompressSync(CompressionType.Snappy, liar), /^snappy: .*cannot hold/)
    expectDecodeError(() => decompressSync(CompressionType.Snappy, xerialStream([liar])), /^snappy: .*cannot hold/)
    // A claim the block could hold, but over the caller's limit.
    const big = compressSync(CompressionType.Snappy, repetitive(300_000))
    expectDecodeError(() => decompressSync(CompressionType.Snappy, big, { maxOutputBytes: 1000 }), /^snappy: .*limit/)
  })

  test('refuses a block claiming more than snappy can expand to (at most 64 bytes per 3-byte copy)', () => {
    // varint 1,000,000 then 5 bytes: no 5-byte block can produce a megabyte.
    const liar = Buffer.from([0xc0, 0x84, 0x3d, 0x00, 0x41, 0x42, 0x43, 0x44])
    expectDecodeError(() => decompressSync(CompressionType.Snappy, liar), /^snappy: .*cannot hold/)
  })

  test('maxOutputBytes counts all xerial blocks together', () => {
    const stream = compressSync(CompressionType.Snappy, repetitive(200_000))
    expectDecodeError(() => decompressSync(CompressionType.Snappy, stream, { maxOutputBytes: 100_000 }), /limit/)
    assert.equal(decompressSync(CompressionType.Snappy, stream, { maxOutputBytes: 200_000 }).length, 200_000)
  })

  test('rejects a zero or negative xerial block length', () => {
    expectDecodeError(() => decompressSync(CompressionType.Snappy, Buffer.concat([xerialHeader(), Buffer.alloc(4)])), /^snappy: /)
    const negative = Buffer.concat([xerialHeader(), Buffer.from('ffffffff', 'hex')])
    expectDecodeError(() => decompressSync(CompressionType.Snappy, negative), /^snappy: /)
  })
})

// --- lz4 -----------------------------------------------------------------------------------------

const LZ4_MAGIC = Buffer.from('04224d18', 'hex')

function hcOf(bytes: Buffer): number {
  return (xxhash32(bytes) >>> 8) & 0xff
}

/** Rewrites the frame header of `frame` (FLG 0x60, BD, HC at 4..6) to carry a content size. */
function withContentSize(frame: Buffer, contentSize: bigint): Buffer {
  const descriptor = Buffer.alloc(10)
  descriptor[0] = frame[4] | 0x08
  descriptor[1] = frame[5]
  descriptor.writeBigUInt64LE(contentSize, 2)
  return Buffer.concat([LZ4_MAGIC, descriptor, Buffer.from([hcOf(descriptor)]), frame.subarray(7)])
}

describe('lz4', () => {
  const random = seededRng(3)
  const legacy = { legacyLz4HeaderChecksum: true }

  test('xxhash32 matches the reference vectors and lz4_flex content checksums', () => {
    assert.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05)
    assert.equal(xxhash32(Buffer.from('abc')), 0x32d153ff)
    // lz4_flex's content checksum is xxhash32 of the content: an independent implementation.
    for (const length of [1, 3, 4, 15, 16, 17, 31, 32, 33, 100, 1000, 65_537]) {
      const data = randomBytes(random, length)
      const frame = lz4.compressFrameSync(data, { contentChecksum: true })
      assert.equal(xxhash32(data), frame.readUInt32LE(frame.length - 4), `length ${length}`)
    }
  })

  test('writes a Kafka-style frame: FLG 0x60, BD 0x40, correct HC, 64 KiB blocks, end mark', () => {
    const data = Buffer.concat([randomBytes(random, 100_000), repetitive(100_000)])
    const frame = compressSync(CompressionType.Lz4, data)
    assert.deepEqual(frame.subarray(0, 7), Buffer.from('04224d18604082', 'hex'))
    assert.equal(frame[6], hcOf(frame.subarray(4, 6)))
    const sizes: Array<{ size: number; stored: boolean }> = []
    let pos = 7
    for (let word = frame.readUInt32LE(pos); word !== 0; word = frame.readUInt32LE(pos)) {
      const size = word & 0x7fffffff
      sizes.push({ size, stored: word >>> 31 === 1 })
      pos += 4 + size
    }
    assert.equal(pos + 4, frame.length, 'frame ends with the end mark')
    assert.equal(sizes.length, Math.ceil(data.length / 65536))
    assert.ok(sizes.every(({ size }) => size <= 65536))
    assert.equal(sizes[0].stored, true, 'incompressible random block stored raw')
    assert.equal(sizes.at(-1)?.stored, false, 'repetitive block compressed')
  })

  test('legacy mode writes the magic-0 HC, which differs from the correct one', () => {
    const data = Buffer.from('same input, two checksums')
    const normal = compressSync(CompressionType.Lz4, data)
    const broken = compressSync(CompressionType.Lz4, data, legacy)
    assert.notEqual(broken[6], normal[6])
    assert.equal(broken[6], hcOf(broken.subarray(0, 6)), 'hash over magic + FLG + BD')
    assert.deepEqual(broken.subarray(7), normal.subarray(7), 'only the HC byte differs')
  })

  test('legacy HC: read in legacy mode, rejected in magic 1/2 mode', async () => {
    const data = mixed(random, 200_000)
    const broken = compressSync(CompressionType.Lz4, data, legacy)
    assert.deepEqual(decompressSync(CompressionType.Lz4, broken, legacy), data)
    assert.deepEqual(await decompress(CompressionType.Lz4, broken, legacy), data)
    assert.deepEqual(await decompress(CompressionType.Lz4, await compress(CompressionType.Lz4, data, legacy), legacy), data)
    expectDecodeError(() => decompressSync(CompressionType.Lz4, broken), /^lz4: .*legacy/)
    await expectDecodeErrorAsync(decompress(CompressionType.Lz4, broken), /^lz4: .*legacy/)
    assert.equal(broken[6], compressSync(CompressionType.Lz4, data, legacy)[6], 'input not patched in place')
  })

  test('correct HC is accepted in legacy mode too; any other HC is rejected in both modes', () => {
    const data = Buffer.from('lenient on read')
    const frame = compressSync(CompressionType.Lz4, data)
    assert.deepEqual(decompressSync(CompressionType.Lz4, frame, legacy), data)
    const wrong = Buffer.from(frame)
    wrong[6] = (frame[6] + 1) & 0xff
    if (wrong[6] === hcOf(frame.subarray(0, 6))) wrong[6] = (wrong[6] + 1) & 0xff
    expectDecodeError(() => decompressSync(CompressionType.Lz4, wrong), /^lz4: .*checksum/)
    expectDecodeError(() => decompressSync(CompressionType.Lz4, wrong, legacy), /^lz4: .*checksum/)
  })

  test('reads lz4-napi frames: big blocks, block and content checksums', async () => {
    const data = mixed(random, 300_000)
    for (const options of [undefined, { blockChecksums: true, contentChecksum: true }]) {
      const frame = lz4.compressFrameSync(data, options)
      assert.equal(frame[5], 0x70, 'lz4-napi picked 4 MiB blocks for this input')
      assert.deepEqual(decompressSync(CompressionType.Lz4, frame), data)
      assert.deepEqual(await decompress(CompressionType.Lz4, frame), data)
    }
    const checked = lz4.compressFrameSync(data, { contentChecksum: true })
    checked[checked.length - 1] ^= 0x01
    expectDecodeError(() => decompressSync(CompressionType.Lz4, checked), /^lz4: /)
  })

  test('reads frames with a content size (as librdkafka writes) and checks it', () => {
    const data = mixed(random, 150_000)
    const frame = compressSync(CompressionType.Lz4, data)
    assert.deepEqual(decompressSync(CompressionType.Lz4, withContentSize(frame, BigInt(data.length))), data)
    expectDecodeError(() => decompressSync(CompressionType.Lz4, withContentSize(frame, BigInt(data.length - 1))), /^lz4: /)
    expectDecodeError(
      () => decompressSync(CompressionType.Lz4, withContentSize(frame, 1n << 40n)),
      /^lz4: content size .*limit/,
    )
  })

  test('requires the end mark (lz4_flex alone would return partial output)', () => {
    const data = randomBytes(random, 150_000)
    const frame = compressSync(CompressionType.Lz4, data)
    const firstBlockEnd = 7 + 4 + (frame.readUInt32LE(7) & 0x7fffffff)
    expectDecodeError(() => decompressSync(CompressionType.Lz4, frame.subarray(0, firstBlockEnd)), /^lz4: truncated/)
    expectDecodeError(() => decompressSync(CompressionType.Lz4, frame.subarray(0, frame.length - 1)), /^lz4: truncated/)
  })

  test('reads concatenated frames, rejects trailing garbage', () => {
    const a = compressSync(CompressionType.Lz4, Buffer.from('first '))
    const b = compressSync(CompressionType.Lz4, Buffer.from('second'))
    assert.equal(decompressSync(CompressionType.Lz4, Buffer.concat([a, b])).toString(), 'first second')
    expectDecodeError(() => decompressSync(CompressionType.Lz4, Buffer.concat([a, Buffer.from('junk')])), /^lz4: /)
  })

  test('refuses frames whose blocks could exceed maxOutputBytes, before decompressing', async () => {
    const frame = compressSync(CompressionType.Lz4, Buffer.alloc(4 * 1024 * 1024))
    const options: DecompressOptions = { maxOutputBytes: 1024 * 1024 }
    expectDecodeError(() => decompressSync(CompressionType.Lz4, frame, options), /^lz4: .*limit/)
    await expectDecodeErrorAsync(decompress(CompressionType.Lz4, frame, options), /^lz4: .*limit/)
    assert.equal(decompressSync(CompressionType.Lz4, frame, { maxOutputBytes: 4 * 1024 * 1024 }).length, 4 * 1024 * 1024)
  })
})

// --- zstd ----------------------------------------------------------------------------------------

/** Compresses through zstd-napi's streaming API, which cannot know the size up front. */
async function zstdStreamed(data: Buffer): Promise<Buffer> {
  const stream = new zstd.CompressStream()
  stream.end(data)
  return collect(stream)
}

/** Frame_Header_Descriptor: FCS flag (bits 7-6) and Single_Segment (bit 5) both 0 = no size. */
function hasContentSize(frame: Buffer): boolean {
  return (frame[4] & 0xe0) !== 0
}

describe('zstd', () => {
  const random = seededRng(4)

  test('reads frames without a content size', async () => {
    const data = Buffer.concat([mixed(random, 600_000), repetitive(600_000)])
    const frame = await zstdStreamed(data)
    assert.equal(hasContentSize(frame), false)
    assert.equal(hasContentSize(compressSync(CompressionType.Zstd, data)), true, 'one-shot frames do carry it')
    assert.deepEqual(decompressSync(CompressionType.Zstd, frame), data)
    assert.deepEqual(await decompress(CompressionType.Zstd, frame), data)
  })

  test('rejects a truncated frame without a content size (zstd-napi alone returns partial output)', async () => {
    const frame = await zstdStreamed(mixed(random, 300_000))
    for (const cut of [1, 4, 100, Math.floor(frame.length / 2)]) {
      expectDecodeError(() => decompressSync(CompressionType.Zstd, frame.subarray(0, frame.length - cut)), /^zstd: /)
    }
  })

  test('reads concatenated frames', () => {
    const a = compressSync(CompressionType.Zstd, Buffer.from('one '))
    const b = compressSync(CompressionType.Zstd, Buffer.from('two'))
    assert.equal(decompressSync(CompressionType.Zstd, Buffer.concat([a, b])).toString(), 'one two')
  })

  test('refuses output beyond maxOutputBytes, with and without a content size', async () => {
    const data = Buffer.alloc(4 * 1024 * 1024)
    const options = { maxOutputBytes: 1024 * 1024 }
    const sized = compressSync(CompressionType.Zstd, data)
    const streamed = await zstdStreamed(data)
    for (const frame of [sized, streamed]) {
      expectDecodeError(() => decompressSync(CompressionType.Zstd, frame, options), /^zstd: .*limit/)
      assert.equal(decompressSync(CompressionType.Zstd, frame, { maxOutputBytes: data.length }).length, data.length)
    }
  })
})

// --- errors --------------------------------------------------------------------------------------

describe('errors', () => {
  test('unknown codec ids: DecodeError to decompress, EncodeError to compress', async () => {
    for (const codec of [5, 6, 7]) {
      expectDecodeError(() => decompressSync(codec, Buffer.from('x')), /codec id/)
      await expectDecodeErrorAsync(decompress(codec, Buffer.from('x')), /codec id/)
      const asType = codec as CompressionType
      assert.throws(() => compressSync(asType, Buffer.from('x')), EncodeError)
      await assert.rejects(compress(asType, Buffer.from('x')), EncodeError)
    }
  })

  test('a bad maxOutputBytes is a caller bug, not a DecodeError', () => {
    assert.throws(() => decompressSync(CompressionType.Gzip, Buffer.alloc(1), { maxOutputBytes: 0 }), RangeError)
  })

  test('empty input and data of another codec: DecodeError naming the codec', () => {
    const data = mixed(seededRng(5), 10_000)
    for (const reader of CODECS) {
      expectDecodeError(() => decompressSync(reader.codec, Buffer.alloc(0)), new RegExp(`^${reader.name}: `))
      for (const writer of CODECS) {
        if (writer === reader) continue
        expectDecodeError(
          () => decompressSync(reader.codec, compressSync(writer.codec, data)),
          new RegExp(`^${reader.name}: `),
        )
      }
    }
  })
})

// --- fuzz ----------------------------------------------------------------------------------------

type Mutation = (input: Buffer, random: () => number) => Buffer

const MUTATIONS: Mutation[] = [
  // flip 1-3 bits
  (input, random) => {
    const out = Buffer.from(input)
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) out[Math.floor(random() * out.length)] ^= 1 << Math.floor(random() * 8)
    return out
  },
  // overwrite a byte
  (input, random) => {
    const out = Buffer.from(input)
    out[Math.floor(random() * out.length)] = Math.floor(random() * 256)
    return out
  },
  // truncate
  (input, random) => input.subarray(0, Math.floor(random() * input.length)),
  // drop a slice from the middle
  (input, random) => {
    const start = Math.floor(random() * input.length)
    return Buffer.concat([input.subarray(0, start), input.subarray(start + 1 + Math.floor(random() * 16))])
  },
  // insert random bytes
  (input, random) => {
    const at = Math.floor(random() * input.length)
    return Buffer.concat([input.subarray(0, at), randomBytes(random, 1 + Math.floor(random() * 8)), input.subarray(at)])
  },
  // trailing garbage
  (input, random) => Buffer.concat([input, randomBytes(random, 1 + Math.floor(random() * 8))]),
  // pure garbage
  (input, random) => randomBytes(random, Math.floor(random() * 64)),
  // the codec's header followed by garbage
  (input, random) => Buffer.concat([input.subarray(0, 16), randomBytes(random, Math.floor(random() * 64))]),
]

describe('fuzz: only DecodeError escapes', { timeout: 120_000 }, () => {
  const MUTANTS_PER_SAMPLE = 300

  async function fuzz(codec: number, name: string, samples: Buffer[], seed: number, options?: DecompressOptions) {
    const random = seededRng(seed)
    let failures = 0
    let attempts = 0
    for (const sample of samples) {
      for (let i = 0; i < MUTANTS_PER_SAMPLE; i++) {
        const mutant = MUTATIONS[i % MUTATIONS.length](sample, random)
        attempts++
        try {
          decompressSync(codec, mutant, options)
        } catch (e) {
          failures++
          if (!(e instanceof DecodeError)) assert.fail(`${name} mutant ${i}: ${String(e)}`)
          assert.match(e.message, new RegExp(`^${name}: `))
        }
        if (i % 5 === 0) {
          try {
            await decompress(codec, mutant, options)
          } catch (e) {
            if (!(e instanceof DecodeError)) assert.fail(`${name} async mutant ${i}: ${String(e)}`)
          }
        }
      }
    }
    // Truncations alone fail for every codec; far fewer failures means the fuzz is not biting.
    assert.ok(failures > attempts / 4, `${name}: only ${failures} of ${attempts} mutants were rejected`)
  }

  const data = mixed(seededRng(6), 3000)
  const options: DecompressOptions = { maxOutputBytes: 1024 * 1024 }

  test('gzip', () => fuzz(CompressionType.Gzip, 'gzip', [zlib.gzipSync(data), zlib.deflateSync(data)], 10, options))

  test('snappy', () =>
    fuzz(CompressionType.Snappy, 'snappy', [compressSync(CompressionType.Snappy, data), snappy.compressSync(data)], 11, options))

  test('lz4', async () => {
    const frames = [
      compressSync(CompressionType.Lz4, data),
      lz4.compressFrameSync(data, { blockChecksums: true, contentChecksum: true }),
      withContentSize(compressSync(CompressionType.Lz4, data), BigInt(data.length)),
    ]
    await fuzz(CompressionType.Lz4, 'lz4', frames, 12, options)
    await fuzz(CompressionType.Lz4, 'lz4', [compressSync(CompressionType.Lz4, data, { legacyLz4HeaderChecksum: true })], 13, {
      ...options,
      legacyLz4HeaderChecksum: true,
    })
  })

  test('zstd', async () =>
    fuzz(CompressionType.Zstd, 'zstd', [compressSync(CompressionType.Zstd, data), await zstdStreamed(data)], 14, options))
})
