/**
 * Snappy for Kafka: raw snappy blocks, and the "xerial" stream that snappy-java's
 * SnappyOutputStream writes (Java producers, and what every Kafka client can read).
 *
 * Xerial layout (snappy-java SnappyCodec / SnappyOutputStream):
 *   magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00 | int32 BE version | int32 BE compatible version
 *   then repeated: int32 BE compressed length | raw snappy block.
 * The decompressed stream is the blocks' outputs concatenated. Java writes one block per
 * 32 KiB of input (SnappyOutputStream's default block size), and so do we.
 *
 * Input that does not start with the magic is read as one raw snappy block, as snappy-java's
 * SnappyInputStream and librdkafka do. This is not the snappy *framing* format
 * (`ff 06 00 00 sNaPpY`) that the snappy package's streaming classes speak; Kafka never used it.
 */
import { snappyLib } from './native-codecs.js'
import { DecodeError } from '../codec-error.js'

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
/** snappy-java SnappyCodec.DEFAULT_VERSION and MINIMUM_COMPATIBLE_VERSION. */
const XERIAL_VERSION = 1
const XERIAL_COMPATIBLE_VERSION = 1
const XERIAL_HEADER_BYTES = 16
/** snappy-java SnappyOutputStream.DEFAULT_BLOCK_SIZE. */
const XERIAL_BLOCK_BYTES = 32 * 1024
/**
 * The most output one byte of snappy can stand for: a copy element of 3 bytes
 * (tag + 2-byte offset) yields at most 64 bytes, and nothing expands more.
 * A block claiming more than this ratio is lying.
 */
const SNAPPY_MAX_EXPANSION = 22

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_MAGIC.length && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)
}

// ---------------------------------------------------------------------------------------------
// Writing

function xerialHeader(): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_BYTES)
  XERIAL_MAGIC.copy(header, 0)
  header.writeInt32BE(XERIAL_VERSION, 8)
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12)
  return header
}

function splitBlocks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = []
  for (let i = 0; i < data.length; i += XERIAL_BLOCK_BYTES) chunks.push(data.subarray(i, i + XERIAL_BLOCK_BYTES))
  return chunks
}

/** Empty input gives the header alone, as SnappyOutputStream writes when closed unused. */
function assembleXerial(blocks: Buffer[]): Buffer {
  const parts = [xerialHeader()]
  for (const block of blocks) {
    const length = Buffer.alloc(4)
    length.writeInt32BE(block.length, 0)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

export function compressXerialSync(data: Buffer): Buffer {
  return assembleXerial(splitBlocks(data).map((chunk) => snappyLib().compressSync(chunk)))
}

/** Compresses the 32 KiB blocks in parallel on the libuv thread pool. */
export async function compressXerial(data: Buffer): Promise<Buffer> {
  return assembleXerial(await Promise.all(splitBlocks(data).map((chunk) => snappyLib().compress(chunk))))
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * The uncompressed length a raw snappy block declares in its leading varint (at most 32 bits
 * per the snappy format description). Read before decompressing so a tiny block claiming
 * gigabytes is refused without allocating.
 */
export function snappyUncompressedLength(block: Buffer): number {
  let length = 0
  for (let i = 0; i < 5; i++) {
    if (i >= block.length) throw new DecodeError('snappy: truncated block length', i)
    const byte = block[i]
    length += (byte & 0x7f) * 2 ** (7 * i)
    if ((byte & 0x80) === 0) {
      if (length > 0xffffffff) break
      // Refuse before the library allocates the claimed size (a mutated varint can claim 4 GiB).
      if (length > (block.length - i - 1) * SNAPPY_MAX_EXPANSION) {
        throw new DecodeError(`snappy: block of ${block.length} bytes cannot hold the ${length} bytes it declares`, 0)
      }
      return length
    }
  }
  throw new DecodeError('snappy: block length varint exceeds 32 bits', 0)
}

/** Slices a xerial stream into its raw snappy blocks and checks their total declared size. */
function xerialBlocks(data: Buffer, maxOutputBytes: number): Buffer[] {
  if (data.length < XERIAL_HEADER_BYTES) throw new DecodeError('snappy: truncated xerial header', data.length)
  // The version fields are not checked: every snappy-java release writes 1/1, and the block
  // format never changed, so refusing other values would only reject data we can read.
  const blocks: Buffer[] = []
  let declared = 0
  for (let pos = XERIAL_HEADER_BYTES; pos < data.length; ) {
    if (pos + 4 > data.length) throw new DecodeError('snappy: truncated xerial block length', pos)
    const length = data.readInt32BE(pos)
    pos += 4
    if (length <= 0) throw new DecodeError(`snappy: invalid xerial block length ${length}`, pos - 4)
    if (pos + length > data.length) throw new DecodeError('snappy: truncated xerial block', data.length)
    const block = data.subarray(pos, pos + length)
    declared += snappyUncompressedLength(block)
    if (declared > maxOutputBytes) throw exceeded(maxOutputBytes)
    blocks.push(block)
    pos += length
  }
  return blocks
}

function exceeded(maxOutputBytes: number): DecodeError {
  return new DecodeError(`snappy: decompressed size exceeds the limit of ${maxOutputBytes} bytes`)
}

/** Raw or xerial input as a list of raw snappy blocks, size-checked against the limit. */
function snappyBlocks(data: Buffer, maxOutputBytes: number): Buffer[] {
  if (isXerialFramed(data)) return xerialBlocks(data, maxOutputBytes)
  if (snappyUncompressedLength(data) > maxOutputBytes) throw exceeded(maxOutputBytes)
  return [data]
}

/** The snappy binding returns `string | Buffer`; without `asBuffer: false` it is a Buffer. */
function asBuffer(output: string | Buffer): Buffer {
  if (typeof output === 'string') throw new Error('snappy returned a string for a Buffer request')
  return output
}

function join(outputs: Buffer[]): Buffer {
  return outputs.length === 1 ? outputs[0] : Buffer.concat(outputs)
}

/** Library errors escape from here unwrapped; the caller turns them into DecodeError. */
export function decompressSnappySync(data: Buffer, maxOutputBytes: number): Buffer {
  return join(snappyBlocks(data, maxOutputBytes).map((block) => asBuffer(snappyLib().uncompressSync(block))))
}

export async function decompressSnappy(data: Buffer, maxOutputBytes: number): Promise<Buffer> {
  const blocks = snappyBlocks(data, maxOutputBytes)
  return join((await Promise.all(blocks.map((block) => snappyLib().uncompress(block)))).map(asBuffer))
}
