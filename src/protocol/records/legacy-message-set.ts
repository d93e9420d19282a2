/**
 * Legacy message sets: message format v0 (magic 0) and v1 (magic 1, KIP-32),
 * still sent by old producers (Produce v0-v2) and expected by old consumers
 * (Fetch v0-v3). Kafka's classes: `LegacyRecord`, `AbstractLegacyRecordBatch`,
 * `ByteBufferLogInputStream` and the legacy half of `MemoryRecordsBuilder`.
 *
 * ```
 * offset int64 | messageSize int32                      (LOG_OVERHEAD, 12 bytes)
 * crc uint32   (CRC-32 IEEE of magic..end of message)
 * magic int8 | attributes int8 (bits 0-2 codec; bit 3 timestamp type, magic 1 only)
 * timestamp int64                                        (magic 1 only)
 * key bytes (int32 length, -1 null) | value bytes (int32 length, -1 null)
 * ```
 * repeated with no count. A compressed message (a "wrapper") holds a whole
 * inner message set, compressed, as its value; decoding expands it ("deep
 * iteration", `AbstractLegacyRecordBatch.DeepRecordsIterator`).
 *
 * Deviations from Kafka, all stricter: a partial message *inside* a
 * decompressed wrapper, or bytes left inside a message after its value, are a
 * DecodeError (Kafka's DataLogInputStream silently stops at the former).
 */
import { crc32 } from 'node:zlib'
import { DecodeError, EncodeError } from '../codec-error.js'
import { Reader } from '../reader.js'
import { Writer } from '../writer.js'
import { compressSync, decompressSync } from './compression.js'
import type { DecompressOptions } from './compression.js'
import { CompressionType, NO_TIMESTAMP, TimestampType } from './record.js'

/** offset int64 + messageSize int32 (Kafka's `Records.LOG_OVERHEAD`). */
export const LEGACY_LOG_OVERHEAD = 12
/** Smallest messageSize of a magic 0 message: crc, magic, attributes, two lengths (`LegacyRecord.RECORD_OVERHEAD_V0`). */
export const LEGACY_RECORD_OVERHEAD_V0 = 14
/** Smallest messageSize of a magic 1 message: V0 plus the timestamp (`LegacyRecord.RECORD_OVERHEAD_V1`). */
export const LEGACY_RECORD_OVERHEAD_V1 = 22

/** Attribute bits of a legacy message (`LegacyRecord.COMPRESSION_CODEC_MASK`, `TIMESTAMP_TYPE_MASK`). */
export const LegacyAttributes = {
  COMPRESSION_MASK: 0x07,
  /** Magic 1 only: set for LogAppendTime. */
  TIMESTAMP_TYPE: 0x08,
} as const

/** One legacy message, as on the wire or (for inner messages) as deep iteration reports it. */
export interface LegacyMessage {
  offset: number
  magic: 0 | 1
  /** Raw attributes byte, 0..255 (codec in bits 0-2, timestamp type in bit 3 for magic 1). */
  attributes: number
  /** NO_TIMESTAMP (-1) for magic 0. */
  timestamp: number
  key: Buffer | null
  value: Buffer | null
}

/** One shallow entry of a message set: a plain message, or a compressed wrapper with its inner messages. */
export interface LegacyMessageEntry {
  /**
   * The outer message exactly as on the wire. For a wrapper, `value` holds the
   * compressed inner set and `offset` is the offset of the last inner message.
   */
  outer: LegacyMessage
  /**
   * Deep messages: `[outer]` when uncompressed; for a wrapper its inner
   * messages with absolute offsets, and (magic 1) the wrapper's timestamp type
   * in bit 3 and, for LogAppendTime, the wrapper's timestamp, as Kafka's
   * `LegacyRecord(buffer, wrapperRecordTimestamp, wrapperRecordTimestampType)` reports them.
   */
  messages: LegacyMessage[]
}

export interface DecodedLegacyMessageSet {
  entries: LegacyMessageEntry[]
  /** All deep messages in order (the concatenation of `entries[].messages`). */
  messages: LegacyMessage[]
  /**
   * Length of an incomplete message at the end of the buffer, skipped (0 if
   * none): a fetch response cut at maxBytes ends this way, and
   * `ByteBufferLogInputStream.nextBatch` stops there. A broker appending a
   * produce trims it too (`UnifiedLog.trimInvalidBytes`).
   */
  partialTailBytes: number
}

export interface LegacyEncodeOptions {
  /**
   * Compress all messages into one wrapper message with this codec
   * (`MemoryRecordsBuilder` for magic 0/1). None (the default) writes each
   * message as given, attributes included, so shallow entries (`outer`) can
   * be re-framed verbatim. Zstd is an EncodeError: Kafka rejects it below magic 2.
   */
  compression?: CompressionType
  /** Magic 1 wrapper: its timestamp type. Default CreateTime. */
  timestampType?: TimestampType
  /**
   * Magic 1 wrapper with LogAppendTime: the wrapper's (and every inner
   * message's) timestamp. Default: the largest inner timestamp.
   */
  logAppendTimeMs?: number
}

export interface LegacyDecodeOptions {
  /** Passed to the decompressor for wrapper messages (e.g. `maxOutputBytes`); the LZ4 checksum flag follows the magic. */
  decompression?: DecompressOptions
}

/** Codec of a legacy attributes byte; DecodeError/EncodeError for ids Kafka refuses below magic 2. */
function legacyCodec(attributes: number, onError: (msg: string) => Error): CompressionType {
  const codec = attributes & LegacyAttributes.COMPRESSION_MASK
  if (codec === CompressionType.Zstd) {
    // Kafka: LogValidator answers UNSUPPORTED_COMPRESSION_TYPE, DeepRecordsIterator throws.
    throw onError('zstd is not allowed in magic 0/1 messages')
  }
  if (codec > CompressionType.Zstd) throw onError(`unknown compression codec ${codec}`)
  return codec as CompressionType
}

/**
 * Decodes a magic 0/1 message set, expanding compressed wrappers. Keys and
 * values of uncompressed messages are views into `buf` (no copy).
 *
 * DecodeError for: a CRC-32 mismatch, a magic other than 0 or 1, a
 * messageSize below the minimum or disagreeing with the key and value
 * lengths, zstd or an unknown codec, a wrapper with a null value, no inner
 * messages, a nested compressed message, an inner magic that differs from the
 * wrapper's, or (magic 1) a wrapper offset below the last inner relative
 * offset and not 0; and whatever `decompressSync` rejects.
 */
export function decodeLegacyMessageSet(buf: Buffer, options: LegacyDecodeOptions = {}): DecodedLegacyMessageSet {
  const entries: LegacyMessageEntry[] = []
  const messages: LegacyMessage[] = []
  let pos = 0
  let partialTailBytes = 0
  while (pos < buf.length) {
    const left = buf.length - pos
    // Like ByteBufferLogInputStream.nextBatch: a header or body that does not
    // fit is a partial tail, a size below the minimum is corruption.
    if (left < LEGACY_LOG_OVERHEAD) {
      partialTailBytes = left
      break
    }
    const size = buf.readInt32BE(pos + 8)
    if (size < LEGACY_RECORD_OVERHEAD_V0) {
      throw new DecodeError(`message size ${size} is below the minimum ${LEGACY_RECORD_OVERHEAD_V0}`, pos + 8)
    }
    if (left - LEGACY_LOG_OVERHEAD < size) {
      partialTailBytes = left
      break
    }
    const outer = readMessage(buf, pos, pos + LEGACY_LOG_OVERHEAD + size)
    const deep = expand(outer, pos, options.decompression)
    entries.push({ outer, messages: deep })
    for (const m of deep) messages.push(m)
    pos += LEGACY_LOG_OVERHEAD + size
  }
  return { entries, messages, partialTailBytes }
}

/** Reads one whole message occupying exactly [start, end), LOG_OVERHEAD included. */
function readMessage(buf: Buffer, start: number, end: number): LegacyMessage {
  const r = new Reader(buf, start, end)
  const offset = r.int64Number()
  r.skip(4) // messageSize, already checked against end by the caller
  const crcAt = r.pos
  const crc = r.uint32()
  const magic = r.int8()
  if (magic !== 0 && magic !== 1) throw new DecodeError(`unknown legacy message magic ${magic}`, r.pos - 1)
  if (magic === 1 && end - crcAt < LEGACY_RECORD_OVERHEAD_V1) {
    throw new DecodeError(`magic 1 message size ${end - crcAt} is below the minimum ${LEGACY_RECORD_OVERHEAD_V1}`, crcAt)
  }
  const computed = crc32(buf.subarray(crcAt + 4, end))
  if (computed !== crc) {
    throw new DecodeError(`message CRC-32 mismatch: stored ${crc}, computed ${computed}`, crcAt)
  }
  const attributes = r.uint8()
  legacyCodec(attributes, (msg) => new DecodeError(msg, r.pos - 1))
  const timestamp = magic === 1 ? r.int64Number() : NO_TIMESTAMP
  const key = r.nullableBytes(false)
  const value = r.nullableBytes(false)
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} bytes left in a message after its value`, r.pos)
  return { offset, magic, attributes, timestamp, key, value }
}

/** Deep iteration of one shallow message (AbstractLegacyRecordBatch.DeepRecordsIterator). */
function expand(outer: LegacyMessage, at: number, decompression: DecompressOptions | undefined): LegacyMessage[] {
  const codec = outer.attributes & LegacyAttributes.COMPRESSION_MASK
  if (codec === CompressionType.None) return [outer]
  if (outer.value === null) throw new DecodeError(`compressed message (magic ${outer.magic}) has a null value`, at)
  // Magic 0 LZ4 wrappers carry the old, wrong frame header checksum (KAFKA-3160).
  const data = decompressSync(codec as CompressionType, outer.value, {
    ...decompression,
    legacyLz4HeaderChecksum: outer.magic === 0,
  })
  const inner: LegacyMessage[] = []
  let pos = 0
  while (pos < data.length) {
    const left = data.length - pos
    if (left < LEGACY_LOG_OVERHEAD) throw new DecodeError(`partial message header inside compressed message at byte ${at}`, pos)
    const size = data.readInt32BE(pos + 8)
    if (size < LEGACY_RECORD_OVERHEAD_V0 || left - LEGACY_LOG_OVERHEAD < size) {
      throw new DecodeError(`bad inner message size ${size} inside compressed message at byte ${at}`, pos + 8)
    }
    const m = readMessage(data, pos, pos + LEGACY_LOG_OVERHEAD + size)
    if (m.magic !== outer.magic) {
      throw new DecodeError(`compressed message magic ${m.magic} does not match wrapper magic ${outer.magic}`, pos)
    }
    if ((m.attributes & LegacyAttributes.COMPRESSION_MASK) !== CompressionType.None) {
      throw new DecodeError(`nested compression inside compressed message at byte ${at}`, pos)
    }
    inner.push(m)
    pos += LEGACY_LOG_OVERHEAD + size
  }
  if (inner.length === 0) throw new DecodeError('compressed message holds no inner messages', at)
  if (outer.magic === 0) return inner // magic 0: inner offsets are absolute as written

  // Magic 1 (KIP-31): inner offsets are relative, the wrapper holds the last one's absolute offset.
  let absoluteBase: number
  if (outer.offset === 0) {
    // Some librdkafka versions produce wrapper offset 0; Kafka then takes inner offsets as they are.
    absoluteBase = 0
  } else {
    const lastInner = inner[inner.length - 1]!.offset
    if (outer.offset < lastInner) {
      throw new DecodeError(`wrapper offset ${outer.offset} is below the last inner offset ${lastInner} and not 0`, at)
    }
    absoluteBase = outer.offset - lastInner
  }
  const logAppendTime = (outer.attributes & LegacyAttributes.TIMESTAMP_TYPE) !== 0
  for (const m of inner) {
    const offset = absoluteBase + m.offset
    if (!Number.isSafeInteger(offset)) throw new DecodeError('inner message offset outside the safe integer range', at)
    m.offset = offset
    // The wrapper's timestamp type applies to all inner messages; with LogAppendTime its timestamp too.
    m.attributes = (m.attributes & ~LegacyAttributes.TIMESTAMP_TYPE) | (outer.attributes & LegacyAttributes.TIMESTAMP_TYPE)
    if (logAppendTime) m.timestamp = outer.timestamp
  }
  return inner
}

/**
 * Encodes a magic 0/1 message set. Without compression each message is
 * written as given (its own magic, attributes, offset; the timestamp only for
 * magic 1). With compression, all messages go into one wrapper message, as
 * Kafka's `MemoryRecordsBuilder` writes it:
 * - every message must have the wrapper's magic and no codec bits, and
 *   offsets must be non-negative and strictly increasing;
 * - magic 0: inner offsets absolute; magic 1: relative to the first message;
 *   either way the wrapper carries the last message's offset;
 * - magic 1: inner and wrapper attributes carry `timestampType`; the wrapper
 *   timestamp is the largest inner timestamp (CreateTime) or
 *   `logAppendTimeMs`, which then also replaces the inner ones (LogAppendTime);
 * - magic 0 LZ4 uses the old frame header checksum, as Kafka's magic-0 writer does.
 *
 * EncodeError for a magic other than 0/1, zstd or an unknown codec, an
 * empty compressed set, or values out of range.
 */
export function encodeLegacyMessageSet(messages: readonly LegacyMessage[], options: LegacyEncodeOptions = {}): Buffer {
  const codec = options.compression ?? CompressionType.None
  legacyCodec(codec, (msg) => new EncodeError(msg))
  const w = new Writer()
  if (codec === CompressionType.None) {
    for (const m of messages) {
      checkMessage(m)
      writeMessage(w, m.offset, m.magic, m.attributes, m.timestamp, m.key, m.value)
    }
    return w.finish()
  }

  if (messages.length === 0) throw new EncodeError('a compressed legacy message set needs at least one message')
  const magic = messages[0]!.magic
  const timestampType = options.timestampType ?? TimestampType.CreateTime
  const tsBit = magic === 1 && timestampType === TimestampType.LogAppendTime ? LegacyAttributes.TIMESTAMP_TYPE : 0
  const firstOffset = messages[0]!.offset
  let maxTimestamp = NO_TIMESTAMP
  for (const m of messages) if (m.timestamp > maxTimestamp) maxTimestamp = m.timestamp
  const logAppendTime = options.logAppendTimeMs ?? maxTimestamp

  const inner = new Writer()
  let previous = -1
  for (const m of messages) {
    checkMessage(m)
    if (m.magic !== magic) throw new EncodeError(`message magic ${m.magic} differs from the wrapper's ${magic}`)
    if ((m.attributes & LegacyAttributes.COMPRESSION_MASK) !== 0) throw new EncodeError('a message inside a compressed wrapper cannot be compressed')
    if (m.offset <= previous) throw new EncodeError(`offsets in a compressed wrapper must be non-negative and increasing: ${m.offset} after ${previous}`)
    previous = m.offset
    const attributes = (m.attributes & ~LegacyAttributes.TIMESTAMP_TYPE) | tsBit
    const timestamp = tsBit !== 0 ? logAppendTime : m.timestamp
    writeMessage(inner, magic === 1 ? m.offset - firstOffset : m.offset, magic, attributes, timestamp, m.key, m.value)
  }
  const value = compressSync(codec, inner.finish(), { legacyLz4HeaderChecksum: magic === 0 })
  const wrapperTimestamp = tsBit !== 0 ? logAppendTime : maxTimestamp
  writeMessage(w, previous, magic, codec | tsBit, wrapperTimestamp, null, value)
  return w.finish()
}

function checkMessage(m: LegacyMessage): void {
  if (m.magic !== 0 && m.magic !== 1) throw new EncodeError(`legacy message magic must be 0 or 1, not ${String(m.magic)}`)
  if (!Number.isInteger(m.attributes) || m.attributes < 0 || m.attributes > 0xff) {
    throw new EncodeError(`legacy message attributes out of range: ${m.attributes}`)
  }
  legacyCodec(m.attributes, (msg) => new EncodeError(msg))
}

function writeMessage(
  w: Writer,
  offset: number,
  magic: 0 | 1,
  attributes: number,
  timestamp: number,
  key: Buffer | null,
  value: Buffer | null,
): void {
  w.int64Number(offset)
  const sizeAt = w.length
  w.int32(0)
  const crcAt = w.length
  w.uint32(0)
  w.int8(magic)
  w.uint8(attributes)
  if (magic === 1) w.int64Number(timestamp)
  w.nullableBytes(key, false)
  w.nullableBytes(value, false)
  const end = w.length
  w.setInt32At(sizeAt, end - crcAt)
  // Read w.buf only now: it may have been reallocated while growing.
  w.buf.writeUInt32BE(crc32(w.buf.subarray(crcAt + 4, end)), crcAt)
}
