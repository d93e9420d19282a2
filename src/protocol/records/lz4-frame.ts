/**
 * LZ4 for Kafka: the LZ4 *frame* format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md)
 * with Kafka's one quirk, the legacy header checksum of magic-0 messages.
 *
 * Frame layout: magic 0x184D2204 (LE) | FLG | BD | [content size u64 LE] | [dict id u32 LE] | HC
 * | blocks: (u32 LE size, high bit = stored uncompressed) data [u32 block checksum] ... | u32 0 end mark
 * | [u32 content checksum].
 *
 * Writing: we build the frame ourselves around lz4-napi's *block* compressor, because its
 * frame encoder (lz4_flex `FrameEncoder`, `BlockSize::Auto`) picks the block size from the
 * input length: FLG 0x60 and BD 0x40 (64 KiB) up to 64 KiB of input, BD 0x50 (256 KiB) up to
 * 256 KiB, then BD 0x70 (4 MiB). We write exactly what Java's KafkaLZ4BlockOutputStream
 * writes: FLG 0x60 (version 1, independent blocks, no checksums, no content size), BD 0x40
 * (64 KiB blocks), blocks stored raw when compression does not shrink them, end mark.
 *
 * Reading: we walk the frame ourselves before handing it to lz4-napi's frame decoder, for
 * three reasons: lz4_flex rejects Kafka's legacy header checksum (we patch it in a copy);
 * it returns partial output for a frame cut at a block boundary or missing its end mark (we
 * require the end mark); and it has no output limit (we bound the output from the block
 * sizes before decompressing). Block and content checksums and content size are verified by
 * lz4_flex itself.
 */
import { lz4Lib } from './native-codecs.js'
import { DecodeError } from '../codec-error.js'

const LZ4_FRAME_MAGIC = 0x184d2204

// FLG byte (spec §"Frame Descriptor").
const FLG_VERSION_MASK = 0xc0
const FLG_VERSION_01 = 0x40
const FLG_BLOCK_INDEPENDENCE = 0x20
const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_RESERVED = 0x02
const FLG_DICT_ID = 0x01

// BD byte: bits 6-4 select the block maximum size; the other bits are reserved.
const BD_RESERVED = 0x8f
const BLOCK_MAX_BYTES_BY_ID: Record<number, number> = {
  4: 64 * 1024,
  5: 256 * 1024,
  6: 1024 * 1024,
  7: 4 * 1024 * 1024,
}

/** Kafka's writer (KafkaLZ4BlockOutputStream) uses 64 KiB blocks: BD block size id 4. */
const WRITE_BLOCK_BYTES = 64 * 1024
const WRITE_FLG = FLG_VERSION_01 | FLG_BLOCK_INDEPENDENCE
const WRITE_BD = 4 << 4

const BLOCK_UNCOMPRESSED_BIT = 0x80000000
const END_MARK = Buffer.alloc(4)

/**
 * Worst-case expansion of one LZ4 block: each input byte yields at most 255 output bytes
 * (a match-length continuation byte adds 255; a 3-byte token+offset yields at most 19 + 254).
 * Lets us bound frames of many small blocks far below blocks × block maximum.
 */
const MAX_BLOCK_EXPANSION = 255

// ---------------------------------------------------------------------------------------------
// xxHash32 (https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md), used for the
// header checksum only, so speed does not matter; lz4_flex checks block and content checksums.

const PRIME32_1 = 0x9e3779b1
const PRIME32_2 = 0x85ebca77
const PRIME32_3 = 0xc2b2ae3d
const PRIME32_4 = 0x27d4eb2f
const PRIME32_5 = 0x165667b1

function rotl32(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits))
}

function readU32LE(data: Uint8Array, i: number): number {
  return data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
}

function xxhRound(acc: number, lane: number): number {
  return Math.imul(rotl32((acc + Math.imul(lane, PRIME32_2)) | 0, 13), PRIME32_1)
}

/** xxHash32 of `data` with seed 0, as an unsigned 32-bit number. All arithmetic is int32 (`| 0`, `Math.imul`). */
export function xxhash32(data: Uint8Array): number {
  const seed = 0
  const length = data.length
  let i = 0
  let h: number
  if (length >= 16) {
    let v1 = (seed + PRIME32_1 + PRIME32_2) | 0
    let v2 = (seed + PRIME32_2) | 0
    let v3 = seed | 0
    let v4 = (seed - PRIME32_1) | 0
    for (; i <= length - 16; i += 16) {
      v1 = xxhRound(v1, readU32LE(data, i))
      v2 = xxhRound(v2, readU32LE(data, i + 4))
      v3 = xxhRound(v3, readU32LE(data, i + 8))
      v4 = xxhRound(v4, readU32LE(data, i + 12))
    }
    h = (rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18)) | 0
  } else {
    h = (seed + PRIME32_5) | 0
  }
  h = (h + length) | 0
  for (; i + 4 <= length; i += 4) {
    h = Math.imul(rotl32((h + Math.imul(readU32LE(data, i), PRIME32_3)) | 0, 17), PRIME32_4)
  }
  for (; i < length; i++) {
    h = Math.imul(rotl32((h + Math.imul(data[i], PRIME32_5)) | 0, 11), PRIME32_1)
  }
  h ^= h >>> 15
  h = Math.imul(h, PRIME32_2)
  h ^= h >>> 13
  h = Math.imul(h, PRIME32_3)
  h ^= h >>> 16
  return h >>> 0
}

/** The HC byte over `bytes`: the second byte of their xxHash32 (spec: `(xxh32() >> 8) & 0xFF`). */
function headerChecksum(bytes: Uint8Array): number {
  return (xxhash32(bytes) >>> 8) & 0xff
}

// ---------------------------------------------------------------------------------------------
// Writing

function frameHeader(legacyHeaderChecksum: boolean): Buffer {
  const header = Buffer.alloc(7)
  header.writeUInt32LE(LZ4_FRAME_MAGIC, 0)
  header[4] = WRITE_FLG
  header[5] = WRITE_BD
  // Kafka magic 0 (KAFKA-3160, KIP-57): Kafka 0.8/0.9 hashed from the magic number on, not from FLG.
  // Readers of magic 0 (Java's KafkaLZ4BlockInputStream, librdkafka) expect or ignore that
  // value, so we reproduce it when asked to write magic 0.
  header[6] = headerChecksum(header.subarray(legacyHeaderChecksum ? 0 : 4, 6))
  return header
}

function splitBlocks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = []
  for (let i = 0; i < data.length; i += WRITE_BLOCK_BYTES) chunks.push(data.subarray(i, i + WRITE_BLOCK_BYTES))
  return chunks
}

/**
 * One frame block for `raw`, given lz4-napi's block output for it (lz4_flex
 * `compress_prepend_size`: u32 LE uncompressed length, then a plain LZ4 block). Stores the
 * block uncompressed when compression does not shrink it, as the spec and Java's writer do.
 */
function frameBlock(raw: Buffer, prefixed: Buffer): Buffer[] {
  if (prefixed.length < 4 || prefixed.readUInt32LE(0) !== raw.length) {
    throw new Error('lz4-napi block output lacks the expected u32 size prefix')
  }
  const compressed = prefixed.subarray(4)
  const size = Buffer.alloc(4)
  if (compressed.length >= raw.length) {
    size.writeUInt32LE((raw.length | BLOCK_UNCOMPRESSED_BIT) >>> 0, 0)
    return [size, raw]
  }
  size.writeUInt32LE(compressed.length, 0)
  return [size, compressed]
}

function assembleFrame(legacyHeaderChecksum: boolean, chunks: Buffer[], prefixedBlocks: Buffer[]): Buffer {
  const parts = [frameHeader(legacyHeaderChecksum)]
  chunks.forEach((chunk, i) => parts.push(...frameBlock(chunk, prefixedBlocks[i])))
  parts.push(END_MARK)
  return Buffer.concat(parts)
}

export function compressLz4FrameSync(data: Buffer, legacyHeaderChecksum: boolean): Buffer {
  const chunks = splitBlocks(data)
  return assembleFrame(legacyHeaderChecksum, chunks, chunks.map((chunk) => lz4Lib().compressSync(chunk)))
}

/** Compresses the 64 KiB blocks in parallel on the libuv thread pool. */
export async function compressLz4Frame(data: Buffer, legacyHeaderChecksum: boolean): Promise<Buffer> {
  const chunks = splitBlocks(data)
  const blocks = await Promise.all(chunks.map((chunk) => lz4Lib().compress(chunk)))
  return assembleFrame(legacyHeaderChecksum, chunks, blocks)
}

// ---------------------------------------------------------------------------------------------
// Reading

/** One frame found in the input, checked for structure, ready for lz4_flex. */
interface ScannedFrame {
  /** The frame's bytes, with a legacy header checksum already replaced by the correct one. */
  bytes: Buffer
  /** The content size field, when the frame has one (librdkafka writes it). */
  contentSize: number | undefined
}

function need(input: Buffer, end: number, what: string): void {
  if (end > input.length) throw new DecodeError(`lz4: truncated frame (${what})`, input.length)
}

/**
 * Parses the frame starting at `start` and walks its blocks. Returns the frame and an upper
 * bound on its decompressed size. Throws DecodeError for anything malformed.
 */
function scanFrame(
  input: Buffer,
  start: number,
  legacyHeaderChecksum: boolean,
  maxOutputBytes: number,
): { frame: ScannedFrame; end: number; outputBound: number } {
  need(input, start + 7, 'header')
  if (input.readUInt32LE(start) !== LZ4_FRAME_MAGIC) throw new DecodeError('lz4: not an LZ4 frame (bad magic)', start)
  const flg = input[start + 4]
  const bd = input[start + 5]
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw new DecodeError('lz4: unsupported frame version', start + 4)
  if ((flg & FLG_RESERVED) !== 0 || (bd & BD_RESERVED) !== 0) {
    throw new DecodeError('lz4: reserved bits set in frame descriptor', start + 4)
  }
  if ((flg & FLG_DICT_ID) !== 0) throw new DecodeError('lz4: frames with a dictionary id are not supported', start + 4)
  const blockMaxBytes = BLOCK_MAX_BYTES_BY_ID[(bd >> 4) & 0x07]
  if (blockMaxBytes === undefined) throw new DecodeError('lz4: invalid block maximum size', start + 5)

  let pos = start + 6
  let contentSize: number | undefined
  if ((flg & FLG_CONTENT_SIZE) !== 0) {
    need(input, pos + 9, 'content size')
    const declared = input.readBigUInt64LE(pos)
    if (declared > BigInt(maxOutputBytes)) {
      throw new DecodeError(`lz4: content size ${declared} exceeds the limit of ${maxOutputBytes} bytes`, pos)
    }
    contentSize = Number(declared)
    pos += 8
  }
  const hcOffset = pos
  pos += 1

  const correctHc = headerChecksum(input.subarray(start + 4, hcOffset))
  const hc = input[hcOffset]
  if (hc !== correctHc) {
    const legacyHc = headerChecksum(input.subarray(start, hcOffset))
    if (hc !== legacyHc) throw new DecodeError('lz4: frame header checksum mismatch', hcOffset)
    if (!legacyHeaderChecksum) {
      // Java's KafkaLZ4BlockInputStream rejects this too for magic >= 1.
      throw new DecodeError("lz4: frame has Kafka's legacy (magic 0) header checksum in a magic 1/2 batch", hcOffset)
    }
  }

  const blockChecksumBytes = (flg & FLG_BLOCK_CHECKSUM) !== 0 ? 4 : 0
  let outputBound = 0
  for (;;) {
    need(input, pos + 4, 'block size')
    const word = input.readUInt32LE(pos)
    pos += 4
    if (word === 0) break // end mark
    const size = word & ~BLOCK_UNCOMPRESSED_BIT
    if (size > blockMaxBytes) throw new DecodeError('lz4: block larger than the frame block maximum size', pos - 4)
    need(input, pos + size + blockChecksumBytes, 'block data')
    pos += size + blockChecksumBytes
    const stored = (word & BLOCK_UNCOMPRESSED_BIT) !== 0
    outputBound += stored ? size : Math.min(blockMaxBytes, size * MAX_BLOCK_EXPANSION)
  }
  if ((flg & FLG_CONTENT_CHECKSUM) !== 0) {
    need(input, pos + 4, 'content checksum')
    pos += 4
  }
  let bytes = input.subarray(start, pos)
  if (hc !== correctHc) {
    // lz4_flex insists on the correct value: patch a copy, as librdkafka patches its input.
    bytes = Buffer.from(bytes)
    bytes[hcOffset - start] = correctHc
  }
  return { frame: { bytes, contentSize }, end: pos, outputBound }
}

/**
 * Splits `input` into frames (the spec allows concatenated frames; Kafka writes one) and
 * checks the output bound against `maxOutputBytes` before anything is decompressed.
 */
function scanFrames(input: Buffer, legacyHeaderChecksum: boolean, maxOutputBytes: number): ScannedFrame[] {
  if (input.length === 0) throw new DecodeError('lz4: empty input')
  const frames: ScannedFrame[] = []
  let outputBound = 0
  for (let pos = 0; pos < input.length; ) {
    const scanned = scanFrame(input, pos, legacyHeaderChecksum, maxOutputBytes)
    outputBound += scanned.outputBound
    if (outputBound > maxOutputBytes) {
      // For frames from ordinary encoders the bound is within one block of the real size.
      throw new DecodeError(`lz4: frame may decompress to more than the limit of ${maxOutputBytes} bytes`, pos)
    }
    frames.push(scanned.frame)
    pos = scanned.end
  }
  return frames
}

function checkContentSize(frame: ScannedFrame, output: Buffer): Buffer {
  if (frame.contentSize !== undefined && output.length !== frame.contentSize) {
    throw new DecodeError(`lz4: frame declares ${frame.contentSize} bytes but holds ${output.length}`)
  }
  return output
}

function joinOutputs(outputs: Buffer[]): Buffer {
  return outputs.length === 1 ? outputs[0] : Buffer.concat(outputs)
}

/** Library errors escape from here unwrapped; the caller turns them into DecodeError. */
export function decompressLz4FrameSync(input: Buffer, legacyHeaderChecksum: boolean, maxOutputBytes: number): Buffer {
  const frames = scanFrames(input, legacyHeaderChecksum, maxOutputBytes)
  return joinOutputs(frames.map((frame) => checkContentSize(frame, lz4Lib().decompressFrameSync(frame.bytes))))
}

export async function decompressLz4Frame(
  input: Buffer,
  legacyHeaderChecksum: boolean,
  maxOutputBytes: number,
): Promise<Buffer> {
  const frames = scanFrames(input, legacyHeaderChecksum, maxOutputBytes)
  const outputs = await Promise.all(frames.map((frame) => lz4Lib().decompressFrame(frame.bytes)))
  return joinOutputs(outputs.map((output, i) => checkContentSize(frames[i], output)))
}
