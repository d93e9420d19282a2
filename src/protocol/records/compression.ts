/**
 * Compression codecs for Kafka record batches (attribute bits 0-2): bytes in, bytes out.
 *
 * Libraries, all native through N-API so the hot path runs at C/Rust speed and, for the async
 * variants, off the event loop on the libuv thread pool:
 * - gzip: Node's own `zlib`, nothing to install.
 * - snappy: `snappy` (napi-rs over the Rust `snap` crate), prebuilt binaries from the npm
 *   registry. Xerial framing is ours (`snappy-xerial.ts`).
 * - lz4: `lz4-napi` (napi-rs over the Rust `lz4_flex` crate), prebuilt binaries from the npm
 *   registry. Frame writing and header checks are ours (`lz4-frame.ts`).
 * - zstd: `zstd-napi` (node-addon-api over the reference C zstd). It downloads a prebuilt
 *   binary, and builds zstd from its bundled source with node-gyp when none is available.
 *   It has no thread-pool API (its streams also run on the main thread), so async zstd is the
 *   sync call behind a promise.
 *
 * Decoding contract: bad input of any kind (truncated, corrupted, wrong codec, garbage, or
 * output beyond `maxOutputBytes`) throws `DecodeError` naming the codec, never anything else;
 * library exceptions are wrapped. The async functions reject with the same errors.
 */
import zlib from 'node:zlib'
import { constants as bufferConstants } from 'node:buffer'
import { zstdBindingLib, zstdLib } from './native-codecs.js'
import type { DCtx } from 'zstd-napi/binding.js'
import { DecodeError, EncodeError, isDecodeError } from '../codec-error.js'
import { CompressionType } from './record.js'
import { compressLz4Frame, compressLz4FrameSync, decompressLz4Frame, decompressLz4FrameSync } from './lz4-frame.js'
import { compressXerial, compressXerialSync, decompressSnappy, decompressSnappySync } from './snappy-xerial.js'

export interface CompressOptions {
  /**
   * LZ4 only: write (and accept on read) the frame header checksum that Kafka 0.8/0.9
   * computed over the magic number too (KAFKA-3160). Set it for magic 0 messages only;
   * magic 1 and 2 use the correct checksum (KIP-57).
   */
  legacyLz4HeaderChecksum?: boolean
}

export interface DecompressOptions extends CompressOptions {
  /**
   * Largest decompressed size accepted; beyond it decoding throws DecodeError instead of
   * allocating. Defaults to DEFAULT_MAX_OUTPUT_BYTES.
   */
  maxOutputBytes?: number
}

/**
 * 256 MiB. A batch is at most `message.max.bytes` compressed (1 MiB by default) and real
 * data rarely compresses beyond 20:1, yet gzip and zstd reach 1000:1 on zeros, so a
 * 1 MiB request could otherwise ask for a gigabyte. 256 MiB leaves two orders of magnitude of
 * headroom over ordinary batches while bounding what one hostile batch can allocate.
 */
export const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024 * 1024

const CODEC_NAMES: Record<number, string> = {
  [CompressionType.Gzip]: 'gzip',
  [CompressionType.Snappy]: 'snappy',
  [CompressionType.Lz4]: 'lz4',
  [CompressionType.Zstd]: 'zstd',
}

function maxOutputBytesOf(options: DecompressOptions | undefined): number {
  const max = options?.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
  // A caller bug, not bad input: not a DecodeError.
  if (!Number.isSafeInteger(max) || max < 1 || max > bufferConstants.MAX_LENGTH) {
    throw new RangeError(`maxOutputBytes must be an integer from 1 to ${bufferConstants.MAX_LENGTH}, got ${max}`)
  }
  return max
}

function unknownCodec(codec: number): string {
  return `unknown compression codec id ${codec}`
}

/** Re-throws DecodeError as is; anything a library throws on bad input becomes one. */
function toDecodeError(codecName: string, e: unknown): DecodeError {
  if (isDecodeError(e)) return e
  const reason = e instanceof Error ? e.message : String(e)
  return new DecodeError(`${codecName}: invalid compressed data: ${reason}`)
}

// ---------------------------------------------------------------------------------------------
// gzip

/**
 * `unzip` rather than `gunzip`: it also takes zlib-wrapped deflate for free. `maxOutputLength`
 * makes zlib stop with ERR_BUFFER_TOO_LARGE instead of inflating a bomb.
 */
function gunzipSync(data: Buffer, maxOutputBytes: number): Buffer {
  try {
    return zlib.unzipSync(data, { maxOutputLength: maxOutputBytes })
  } catch (e) {
    throw gzipError(e, maxOutputBytes)
  }
}

function gunzip(data: Buffer, maxOutputBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.unzip(data, { maxOutputLength: maxOutputBytes }, (e, output) => {
      if (e) reject(gzipError(e, maxOutputBytes))
      else resolve(output)
    })
  })
}

function gzipError(e: unknown, maxOutputBytes: number): DecodeError {
  if ((e as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE') {
    return new DecodeError(`gzip: decompressed size exceeds the limit of ${maxOutputBytes} bytes`)
  }
  return toDecodeError('gzip', e)
}

function gzip(data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.gzip(data, (e, output) => (e ? reject(e) : resolve(output)))
  })
}

// ---------------------------------------------------------------------------------------------
// zstd

/**
 * One decompression context, reused: zstd-napi frees a context only when the GC finalizes
 * it, and the GC does not see its native memory (~100 KiB plus the window), so one per call
 * would pile up under load. Safe to share because every use is synchronous and starts with
 * a session reset.
 */
let sharedZstdContext: DCtx | undefined

/** Output chunk size when no frame content size tells us better (ZSTD_DStreamOutSize, 128 KiB). */
/** zstd's recommended streaming output chunk (ZSTD_DStreamOutSize), read when zstd is first used. */
let zstdChunkBytes: number | undefined

/**
 * Streaming decompression with our own loop instead of zstd-napi's `decompress`, which trusts
 * the header's content size for its allocation, has no output limit, and returns partial
 * output for a truncated frame that lacks a content size (the kind streaming producers such
 * as librdkafka write). Handles concatenated and skippable frames as zstd does.
 */
function zstdDecompressSync(data: Buffer, maxOutputBytes: number): Buffer {
  if (data.length === 0) throw new DecodeError('zstd: empty input')
  const declared = zstdBindingLib().getFrameContentSize(data) // first frame only; null when absent
  if (declared !== null && declared > maxOutputBytes) throw zstdExceeded(maxOutputBytes)

  const dctx = (sharedZstdContext ??= new (zstdBindingLib().DCtx)())
  dctx.reset(zstdBindingLib().ResetDirective.sessionOnly)
  const chunks: Buffer[] = []
  let total = 0
  let input = data
  let frameOpen = true
  let chunkBytes = declared !== null && declared > 0 ? declared : Math.max((zstdChunkBytes ??= zstdBindingLib().dStreamOutSize()), data.length * 4)
  let exactFit = false
  while (input.length > 0 || frameOpen) {
    // One byte over the limit so that reaching it can be told apart from passing it.
    const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, maxOutputBytes + 1 - total))
    const [hint, produced, consumed] = dctx.decompressStream(chunk, input)
    input = input.subarray(consumed)
    total += produced
    if (produced > 0) {
      chunks.push(chunk.subarray(0, produced))
      exactFit = produced === chunk.length
    }
    if (total > maxOutputBytes) throw zstdExceeded(maxOutputBytes)
    // With room to write and input to read, zstd always moves; no movement means the input
    // ended inside a frame.
    if (produced === 0 && consumed === 0) throw new DecodeError('zstd: truncated frame', data.length)
    frameOpen = hint !== 0
    chunkBytes = Math.max((zstdChunkBytes ??= zstdBindingLib().dStreamOutSize()), input.length * 4)
  }
  // Return a single filled chunk as is; otherwise copy, which also drops unused chunk space.
  return chunks.length === 1 && exactFit ? chunks[0] : Buffer.concat(chunks, total)
}

function zstdExceeded(maxOutputBytes: number): DecodeError {
  return new DecodeError(`zstd: decompressed size exceeds the limit of ${maxOutputBytes} bytes`)
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Compresses `data` with `codec` (CompressionType.None returns `data` itself). gzip uses
 * zlib's default level 6, zstd level 3, as Kafka's defaults; snappy writes xerial framing
 * and lz4 a Kafka-style frame (64 KiB independent blocks).
 */
export function compressSync(codec: CompressionType, data: Buffer, options?: CompressOptions): Buffer {
  switch (codec) {
    case CompressionType.None:
      return data
    case CompressionType.Gzip:
      return zlib.gzipSync(data)
    case CompressionType.Snappy:
      return compressXerialSync(data)
    case CompressionType.Lz4:
      return compressLz4FrameSync(data, options?.legacyLz4HeaderChecksum ?? false)
    case CompressionType.Zstd:
      return zstdLib().compress(data)
    default:
      throw new EncodeError(unknownCodec(codec))
  }
}

/** Async `compressSync`: gzip, snappy and lz4 run on the libuv thread pool; zstd runs inline. */
export async function compress(codec: CompressionType, data: Buffer, options?: CompressOptions): Promise<Buffer> {
  switch (codec) {
    case CompressionType.Gzip:
      return gzip(data)
    case CompressionType.Snappy:
      return compressXerial(data)
    case CompressionType.Lz4:
      return compressLz4Frame(data, options?.legacyLz4HeaderChecksum ?? false)
    default:
      return compressSync(codec, data, options)
  }
}

/**
 * Decompresses `data`. `codec` is a number because it comes off the wire (attributes & 0x07);
 * ids other than CompressionType's throw DecodeError, like any other bad input.
 */
export function decompressSync(codec: number, data: Buffer, options?: DecompressOptions): Buffer {
  if (codec === CompressionType.None) return data
  const maxOutputBytes = maxOutputBytesOf(options)
  const name = CODEC_NAMES[codec]
  if (name === undefined) throw new DecodeError(unknownCodec(codec))
  try {
    switch (codec) {
      case CompressionType.Gzip:
        return gunzipSync(data, maxOutputBytes)
      case CompressionType.Snappy:
        return decompressSnappySync(data, maxOutputBytes)
      case CompressionType.Lz4:
        return decompressLz4FrameSync(data, options?.legacyLz4HeaderChecksum ?? false, maxOutputBytes)
      default:
        return zstdDecompressSync(data, maxOutputBytes)
    }
  } catch (e) {
    throw toDecodeError(name, e)
  }
}

/** Async `decompressSync`: gzip, snappy and lz4 run on the libuv thread pool; zstd runs inline. */
export async function decompress(codec: number, data: Buffer, options?: DecompressOptions): Promise<Buffer> {
  if (codec === CompressionType.None) return data
  const maxOutputBytes = maxOutputBytesOf(options)
  try {
    switch (codec) {
      case CompressionType.Gzip:
        return await gunzip(data, maxOutputBytes)
      case CompressionType.Snappy:
        return await decompressSnappy(data, maxOutputBytes)
      case CompressionType.Lz4:
        return await decompressLz4Frame(data, options?.legacyLz4HeaderChecksum ?? false, maxOutputBytes)
      default:
        return decompressSync(codec, data, options)
    }
  } catch (e) {
    throw toDecodeError(CODEC_NAMES[codec] ?? 'compression', e)
  }
}
