/**
 * A segment file read batch by batch, as Kafka's `FileLogInputStream` reads
 * it for kafka-dump-log: every batch's header as stored, whether its CRC
 * holds, and (deep iteration) its records, without trusting the file.
 *
 * Both formats Kafka may have left in a log directory: v2 record batches
 * (all Brook writes) and magic 0/1 message sets (Kafka before 0.11), where
 * each shallow message, or compressed wrapper, is one batch.
 *
 * The stream stops, as Kafka's does, where fewer than 17 bytes remain or a
 * batch is cut off (`nextBatch` returns null; the caller reports the
 * trailing bytes), and fails on a size below the smallest message (Kafka's
 * CorruptRecordException, same message). Header values are read as bigints
 * so that any bytes print exactly. A batch whose CRC is wrong still yields
 * its records if they parse (Kafka iterates without checking the CRC).
 */
import { closeSync, openSync, readSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import { decompressSync } from '../protocol/records/compression.js'
import { decodeRecordBatch } from '../protocol/records/record-batch.js'
import { BatchField, HEADER_SIZE_UP_TO_MAGIC, LOG_OVERHEAD, MAGIC_V2, RECORD_BATCH_OVERHEAD } from '../protocol/records/record-batch-header.js'
import { crc32c } from '../protocol/records/crc32c.js'
import { BatchAttributes } from '../protocol/records/record.js'

/** Kafka's `LegacyRecord.RECORD_OVERHEAD_V0`: the smallest size a batch may claim. */
const RECORD_OVERHEAD_V0 = 14
const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

export type TimestampTypeName = 'CreateTime' | 'LogAppendTime' | 'NoTimestampType'

/** One record as deep iteration shows it (Kafka's `Record`). */
export interface DumpRecord {
  offset: bigint
  timestamp: bigint
  key: Buffer | null
  value: Buffer | null
  /** v2 only: the record's sequence (-1 without one) and header keys. */
  sequence?: number
  headerKeys?: string[]
  /** Magic 0/1 only: each record is a message with its own CRC-32. */
  legacy?: { isValid: boolean; crc: number }
}

/** One batch of a file (Kafka's `FileChannelRecordBatch`); v2 fields are absent for magic 0/1. */
export interface FileBatch {
  /** Where it starts in the file. */
  position: number
  sizeInBytes: number
  magic: number
  baseOffset: bigint
  lastOffset: bigint
  timestampType: TimestampTypeName
  maxTimestamp: bigint
  compression: string
  /** The stored checksum (CRC-32C for v2, CRC-32 for magic 0/1), unsigned. */
  crc: number
  isValid: boolean
  isControl: boolean
  v2?: {
    count: number
    baseSequence: number
    lastSequence: number
    producerId: bigint
    producerEpoch: number
    partitionLeaderEpoch: number
    isTransactional: boolean
    /** KIP-534: the delete horizon when the batch carries one. */
    deleteHorizonMs: bigint | null
  }
  /** The records (deep iteration); throws when they cannot be decoded. */
  records(): DumpRecord[]
}

/** Kafka's `DefaultRecordBatch.incrementSequence`: sequences wrap at 2^31 - 1. */
function incrementSequence(sequence: number, increment: number): number {
  return sequence > 0x7fffffff - increment ? increment - (0x7fffffff - sequence) - 1 : sequence + increment
}

function v2Batch(bytes: Buffer, position: number): FileBatch {
  const attributes = bytes.readInt16BE(BatchField.ATTRIBUTES)
  const baseOffset = bytes.readBigInt64BE(BatchField.BASE_OFFSET)
  const lastOffsetDelta = bytes.readInt32BE(BatchField.LAST_OFFSET_DELTA)
  const baseSequence = bytes.readInt32BE(BatchField.BASE_SEQUENCE)
  const timestampType: TimestampTypeName = attributes & BatchAttributes.TIMESTAMP_TYPE ? 'LogAppendTime' : 'CreateTime'
  const maxTimestamp = bytes.readBigInt64BE(BatchField.MAX_TIMESTAMP)
  const baseTimestamp = bytes.readBigInt64BE(BatchField.BASE_TIMESTAMP)
  const crc = bytes.readUInt32BE(BatchField.CRC)
  const isValid = crc === crc32c(bytes, BatchField.ATTRIBUTES, bytes.length)
  return {
    position,
    sizeInBytes: bytes.length,
    magic: bytes.readInt8(BatchField.MAGIC),
    baseOffset,
    lastOffset: baseOffset + BigInt(lastOffsetDelta),
    timestampType,
    maxTimestamp,
    compression: COMPRESSION_NAMES[attributes & BatchAttributes.COMPRESSION_MASK] ?? `unknown(${attributes & BatchAttributes.COMPRESSION_MASK})`,
    crc,
    isValid,
    isControl: (attributes & BatchAttributes.CONTROL) !== 0,
    v2: {
      count: bytes.readInt32BE(BatchField.RECORDS_COUNT),
      baseSequence,
      lastSequence: baseSequence === -1 ? -1 : incrementSequence(baseSequence, lastOffsetDelta),
      producerId: bytes.readBigInt64BE(BatchField.PRODUCER_ID),
      producerEpoch: bytes.readInt16BE(BatchField.PRODUCER_EPOCH),
      partitionLeaderEpoch: bytes.readInt32BE(BatchField.PARTITION_LEADER_EPOCH),
      isTransactional: (attributes & BatchAttributes.TRANSACTIONAL) !== 0,
      deleteHorizonMs: attributes & BatchAttributes.DELETE_HORIZON ? baseTimestamp : null,
    },
    records() {
      // The decoder insists on a valid CRC; Kafka's iterator does not look at it, so a
      // corrupt batch is decoded from a copy whose CRC is made to match.
      let buf = bytes
      if (!isValid) {
        buf = Buffer.from(bytes)
        buf.writeUInt32BE(crc32c(buf, BatchField.ATTRIBUTES, buf.length), BatchField.CRC)
      }
      const batch = decodeRecordBatch(buf)
      // Kafka's DefaultRecord: LogAppendTime batches give every record the batch's timestamp.
      return batch.records.map((r) => ({
        offset: baseOffset + BigInt(r.offsetDelta),
        timestamp: timestampType === 'LogAppendTime' ? maxTimestamp : baseTimestamp + BigInt(r.timestampDelta),
        key: r.key,
        value: r.value,
        sequence: baseSequence < 0 ? -1 : incrementSequence(baseSequence, r.offsetDelta),
        headerKeys: r.headers.map((h) => h.key),
      }))
    },
  }
}

/** One magic 0/1 message (`offset | size | crc | magic | attributes | [timestamp] | key | value`) at `pos` of `buf`. */
interface LegacyMessage {
  offset: bigint
  size: number
  crc: number
  isValid: boolean
  magic: number
  attributes: number
  timestamp: bigint
  key: Buffer | null
  value: Buffer | null
}

function readLegacyMessage(buf: Buffer, pos: number): LegacyMessage {
  const size = buf.readInt32BE(pos + 8)
  const end = pos + LOG_OVERHEAD + size
  const magic = buf.readInt8(pos + 16)
  let p = pos + 18
  let timestamp = -1n
  if (magic > 0) {
    timestamp = buf.readBigInt64BE(p)
    p += 8
  }
  const bytesAt = (): Buffer | null => {
    const length = buf.readInt32BE(p)
    p += 4
    if (length < 0) return null
    if (p + length > end) throw new RangeError(`a message field of ${length} bytes runs past the message`)
    const b = buf.subarray(p, p + length)
    p += length
    return b
  }
  const key = bytesAt()
  const value = bytesAt()
  const crc = buf.readUInt32BE(pos + 12)
  return { offset: buf.readBigInt64BE(pos), size, crc, isValid: crc === crc32(buf.subarray(pos + 16, end)), magic, attributes: buf.readUInt8(pos + 17), timestamp, key, value }
}

function legacyBatch(bytes: Buffer, position: number): FileBatch {
  const m = readLegacyMessage(bytes, 0)
  const codec = m.attributes & 0x07
  const timestampType: TimestampTypeName = m.magic === 0 ? 'NoTimestampType' : m.attributes & 0x08 ? 'LogAppendTime' : 'CreateTime'
  const asRecord = (x: LegacyMessage, offset: bigint, timestamp: bigint): DumpRecord => ({ offset, timestamp, key: x.key, value: x.value, legacy: { isValid: x.isValid, crc: x.crc } })
  return {
    position,
    sizeInBytes: bytes.length,
    magic: m.magic,
    baseOffset: m.offset,
    lastOffset: m.offset,
    timestampType,
    maxTimestamp: m.timestamp,
    compression: COMPRESSION_NAMES[codec] ?? `unknown(${codec})`,
    crc: m.crc,
    isValid: m.isValid,
    isControl: false,
    records() {
      if (codec === 0) return [asRecord(m, m.offset, m.timestamp)]
      if (m.value === null) throw new RangeError(`compressed message at offset ${m.offset} has no value`)
      // Kafka's AbstractLegacyRecordBatch.DeepRecordsIterator.
      const block = decompressSync(codec, m.value, { legacyLz4HeaderChecksum: m.magic === 0 })
      const inner: LegacyMessage[] = []
      for (let pos = 0; pos + LOG_OVERHEAD <= block.length; ) {
        const size = block.readInt32BE(pos + 8)
        if (size < RECORD_OVERHEAD_V0 || pos + LOG_OVERHEAD + size > block.length) break
        inner.push(readLegacyMessage(block, pos))
        pos += LOG_OVERHEAD + size
      }
      const lastRelative = inner.length > 0 ? inner[inner.length - 1]!.offset : 0n
      return inner.map((x) => {
        // Magic 1 wrappers carry relative inner offsets (KIP-31); LogAppendTime applies the wrapper's timestamp.
        const offset = m.magic > 0 ? m.offset - lastRelative + x.offset : x.offset
        const timestamp = m.magic > 0 && timestampType === 'LogAppendTime' ? m.timestamp : x.timestamp
        return asRecord(x, offset, timestamp)
      })
    },
  }
}

/**
 * Kafka's `FileLogInputStream` over `[start, end)` of a file (a
 * `FileRecords.slice`). `nextBatch()` returns null at the end, or before a
 * cut-off batch; `position` is then where the last whole batch ended.
 */
export class FileLogInputStream {
  readonly #fd: number
  readonly #path: string
  readonly #end: number
  #position: number

  constructor(path: string, fd: number, start: number, end: number) {
    this.#path = path
    this.#fd = fd
    this.#position = start
    this.#end = end
  }

  /** Opens `path` for reading `[start, end)`; the fs error (ENOENT) if it cannot. */
  static open(path: string, start: number, end: number): FileLogInputStream {
    return new FileLogInputStream(path, openSync(path, 'r'), start, end)
  }

  get position(): number {
    return this.#position
  }

  nextBatch(): FileBatch | null {
    const position = this.#position
    if (position >= this.#end - HEADER_SIZE_UP_TO_MAGIC) return null
    const header = this.read(position, HEADER_SIZE_UP_TO_MAGIC)
    const size = header.readInt32BE(BatchField.BATCH_LENGTH)
    if (size < RECORD_OVERHEAD_V0) {
      throw new RangeError(`Found record size ${size} smaller than minimum record overhead (${RECORD_OVERHEAD_V0}) in file ${this.#path}.`)
    }
    if (position > this.#end - LOG_OVERHEAD - size) return null
    const magic = header.readInt8(BatchField.MAGIC)
    const bytes = this.read(position, LOG_OVERHEAD + size)
    this.#position = position + bytes.length
    if (magic < MAGIC_V2) return legacyBatch(bytes, position)
    if (magic > MAGIC_V2) throw new RangeError(`unsupported record batch magic ${magic} at position ${position} of ${this.#path}`)
    if (bytes.length < RECORD_BATCH_OVERHEAD) throw new RangeError(`record batch of ${bytes.length} bytes at position ${position} of ${this.#path} is shorter than its header`)
    return v2Batch(bytes, position)
  }

  read(position: number, length: number): Buffer {
    const buf = Buffer.alloc(length)
    let done = 0
    while (done < length) {
      const n = readSync(this.#fd, buf, done, length - done, position + done)
      if (n === 0) throw new RangeError(`${this.#path} ended at ${position + done} while reading ${length} bytes at ${position}`)
      done += n
    }
    return buf
  }

  close(): void {
    closeSync(this.#fd)
  }
}
