/**
 * The fixed 61-byte header of a v2 record batch (KIP-98), read and patched in
 * place without touching the records: what the broker's produce path needs
 * (DESIGN.md principle 2). Kafka's equivalent is `DefaultRecordBatch`, whose
 * accessors read the underlying ByteBuffer at fixed offsets.
 *
 * ```
 * baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8
 * crc uint32 | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64
 * maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32
 * recordsCount int32 | records...
 * ```
 * The CRC-32C covers [attributes, end of batch). `baseOffset`,
 * `partitionLeaderEpoch` (and the length and magic) sit before it, which is why
 * a broker can assign them by overwriting bytes.
 */
import { DecodeError, EncodeError } from '../codec-error.js'
import { crc32c } from './crc32c.js'
import { BatchAttributes, CompressionType, TimestampType } from './record.js'

/** Byte offsets of the header fields from the start of a batch. */
export const BatchField = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORDS_COUNT: 57,
  RECORDS: 61,
} as const

/** baseOffset + batchLength: the bytes not counted by batchLength (Kafka's `Records.LOG_OVERHEAD`). */
export const LOG_OVERHEAD = 12
/** Size of a batch with no records (Kafka's `DefaultRecordBatch.RECORD_BATCH_OVERHEAD`). */
export const RECORD_BATCH_OVERHEAD = 61
/** Smallest legal batchLength: everything after the length field of an empty batch. */
export const MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD
/** Bytes needed to read up to and including the magic byte (Kafka's `HEADER_SIZE_UP_TO_MAGIC`). */
export const HEADER_SIZE_UP_TO_MAGIC = 17
export const MAGIC_V2 = 2

/** Reads an int64 as a number; DecodeError outside the safe integer range (STYLE.md §4). */
export function readInt64Number(buf: Buffer, pos: number): number {
  const hi = buf.readInt32BE(pos)
  const lo = buf.readUInt32BE(pos + 4)
  if (hi > 0x1fffff || hi < -0x200000 || (hi === -0x200000 && lo === 0)) {
    throw new DecodeError('int64 outside the safe integer range', pos)
  }
  return hi * 0x1_0000_0000 + lo
}

/** Writes a safe integer as an int64; EncodeError otherwise. */
export function writeInt64Number(buf: Buffer, pos: number, v: number, field: string): void {
  if (!Number.isSafeInteger(v)) throw new EncodeError(`${field} is not a safe integer: ${v}`)
  const hi = Math.floor(v / 0x1_0000_0000)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(v - hi * 0x1_0000_0000, pos + 4)
}

/** Throws EncodeError unless v is an integer in [min, max]. */
export function checkIntRange(v: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new EncodeError(`${field} out of range [${min}, ${max}]: ${v}`)
}

/**
 * A v2 batch inside a larger buffer, read in place. The constructor checks
 * that the header is complete, the magic byte is 2 and the whole batch (as
 * batchLength says) lies inside the buffer; after that every getter reads
 * fixed offsets that are known to be in bounds. The CRC is not checked until
 * `validateCrc()`/`isValid()`.
 *
 * Getters read the buffer each time, so they see in-place updates. Getters of
 * int64 fields throw DecodeError when the value is outside ±2^53.
 */
export class RecordBatchView {
  readonly buf: Buffer
  /** Where the batch starts in `buf`. */
  readonly offset: number

  constructor(buf: Buffer, offset = 0) {
    if (!Number.isInteger(offset) || offset < 0 || offset > buf.length) {
      throw new DecodeError(`batch offset ${offset} outside a buffer of ${buf.length} bytes`)
    }
    const available = buf.length - offset
    if (available < RECORD_BATCH_OVERHEAD) {
      throw new DecodeError(`record batch header needs ${RECORD_BATCH_OVERHEAD} bytes but only ${available} remain`, offset)
    }
    const magic = buf.readInt8(offset + BatchField.MAGIC)
    if (magic !== MAGIC_V2) throw new DecodeError(`unsupported record batch magic ${magic}`, offset + BatchField.MAGIC)
    const batchLength = buf.readInt32BE(offset + BatchField.BATCH_LENGTH)
    if (batchLength < MIN_BATCH_LENGTH) {
      throw new DecodeError(`record batch length ${batchLength} is smaller than ${MIN_BATCH_LENGTH}`, offset + BatchField.BATCH_LENGTH)
    }
    if (batchLength > available - LOG_OVERHEAD) {
      throw new DecodeError(`record batch of ${batchLength + LOG_OVERHEAD} bytes but only ${available} remain`, offset)
    }
    this.buf = buf
    this.offset = offset
  }

  get baseOffset(): number {
    return readInt64Number(this.buf, this.offset)
  }
  get batchLength(): number {
    return this.buf.readInt32BE(this.offset + BatchField.BATCH_LENGTH)
  }
  /** The whole batch: LOG_OVERHEAD + batchLength. */
  get sizeInBytes(): number {
    return this.batchLength + LOG_OVERHEAD
  }
  /** Where the batch ends in `buf` (exclusive). */
  get end(): number {
    return this.offset + this.sizeInBytes
  }
  get partitionLeaderEpoch(): number {
    return this.buf.readInt32BE(this.offset + BatchField.PARTITION_LEADER_EPOCH)
  }
  get magic(): number {
    return this.buf.readInt8(this.offset + BatchField.MAGIC)
  }
  /** The stored CRC-32C, unsigned. */
  get crc(): number {
    return this.buf.readUInt32BE(this.offset + BatchField.CRC)
  }
  get attributes(): number {
    return this.buf.readInt16BE(this.offset + BatchField.ATTRIBUTES)
  }
  /** Compression codec of the records; DecodeError for the unassigned ids 5-7. */
  get compression(): CompressionType {
    const id = this.attributes & BatchAttributes.COMPRESSION_MASK
    if (id > CompressionType.Zstd) throw new DecodeError(`unknown compression type ${id}`, this.offset + BatchField.ATTRIBUTES)
    return id as CompressionType
  }
  get timestampType(): TimestampType {
    return this.attributes & BatchAttributes.TIMESTAMP_TYPE ? TimestampType.LogAppendTime : TimestampType.CreateTime
  }
  get isTransactional(): boolean {
    return (this.attributes & BatchAttributes.TRANSACTIONAL) !== 0
  }
  get isControl(): boolean {
    return (this.attributes & BatchAttributes.CONTROL) !== 0
  }
  /** KIP-534: baseTimestamp is the delete horizon set by the log cleaner. */
  get hasDeleteHorizon(): boolean {
    return (this.attributes & BatchAttributes.DELETE_HORIZON) !== 0
  }
  get lastOffsetDelta(): number {
    return this.buf.readInt32BE(this.offset + BatchField.LAST_OFFSET_DELTA)
  }
  get baseTimestamp(): number {
    return readInt64Number(this.buf, this.offset + BatchField.BASE_TIMESTAMP)
  }
  get maxTimestamp(): number {
    return readInt64Number(this.buf, this.offset + BatchField.MAX_TIMESTAMP)
  }
  get producerId(): number {
    return readInt64Number(this.buf, this.offset + BatchField.PRODUCER_ID)
  }
  get producerEpoch(): number {
    return this.buf.readInt16BE(this.offset + BatchField.PRODUCER_EPOCH)
  }
  get baseSequence(): number {
    return this.buf.readInt32BE(this.offset + BatchField.BASE_SEQUENCE)
  }
  /**
   * Sequence of the last record; sequences wrap from 2^31-1 to 0
   * (`DefaultRecordBatch.incrementSequence`). -1 when the batch has none.
   */
  get lastSequence(): number {
    const base = this.baseSequence
    if (base < 0) return base
    const last = base + this.lastOffsetDelta
    return last > 0x7fffffff ? last - 0x80000000 : last
  }
  get recordsCount(): number {
    return this.buf.readInt32BE(this.offset + BatchField.RECORDS_COUNT)
  }
  get lastOffset(): number {
    return this.baseOffset + this.lastOffsetDelta
  }
  get nextOffset(): number {
    return this.lastOffset + 1
  }
  /** The batch's bytes (a view, no copy). */
  get bytes(): Buffer {
    return this.buf.subarray(this.offset, this.end)
  }
  /** The records section, still compressed if the batch is (a view, no copy). */
  get recordsBytes(): Buffer {
    return this.buf.subarray(this.offset + BatchField.RECORDS, this.end)
  }

  /** CRC-32C of [attributes, end of batch), as it should be stored in `crc`. */
  computeCrc(): number {
    return crc32c(this.buf, this.offset + BatchField.ATTRIBUTES, this.end)
  }
  /** True when the stored CRC matches the bytes (Kafka's `DefaultRecordBatch.isValid`). */
  isValid(): boolean {
    return this.crc === this.computeCrc()
  }
  /** Throws DecodeError unless the stored CRC matches (Kafka's `ensureValid`, CORRUPT_MESSAGE). */
  validateCrc(): void {
    const stored = this.crc
    const computed = this.computeCrc()
    if (stored !== computed) {
      throw new DecodeError(`record batch CRC mismatch: stored ${stored.toString(16)}, computed ${computed.toString(16)}`, this.offset + BatchField.CRC)
    }
  }

  /** Overwrites baseOffset in place. It lies outside the CRC, so the CRC stays valid. */
  setBaseOffset(baseOffset: number): void {
    writeInt64Number(this.buf, this.offset + BatchField.BASE_OFFSET, baseOffset, 'baseOffset')
  }
  /** Overwrites partitionLeaderEpoch in place. It lies outside the CRC, so the CRC stays valid. */
  setPartitionLeaderEpoch(epoch: number): void {
    checkIntRange(epoch, -0x80000000, 0x7fffffff, 'partitionLeaderEpoch')
    this.buf.writeInt32BE(epoch, this.offset + BatchField.PARTITION_LEADER_EPOCH)
  }
  /**
   * Sets the timestamp type bit of the attributes and maxTimestamp, as
   * LogValidator does for `message.timestamp.type=LogAppendTime` (Kafka's
   * `DefaultRecordBatch.setMaxTimestamp`). Both fields are inside the CRC, so
   * this RECOMPUTES the CRC over the whole batch: validate the CRC before
   * calling it, or a corrupt batch gets a fresh, valid checksum. Does nothing
   * when both values are already set, as Kafka does.
   */
  setMaxTimestampAndType(timestampType: TimestampType, maxTimestamp: number): void {
    const attrs = this.attributes
    if (this.timestampType === timestampType && this.maxTimestamp === maxTimestamp) return
    writeInt64Number(this.buf, this.offset + BatchField.MAX_TIMESTAMP, maxTimestamp, 'maxTimestamp')
    const updated = timestampType === TimestampType.LogAppendTime ? attrs | BatchAttributes.TIMESTAMP_TYPE : attrs & ~BatchAttributes.TIMESTAMP_TYPE
    this.buf.writeInt16BE(updated, this.offset + BatchField.ATTRIBUTES)
    this.buf.writeUInt32BE(this.computeCrc(), this.offset + BatchField.CRC)
  }
}

/** The complete batches found in a buffer, and whether a cut-off batch followed them. */
export interface BatchScan {
  batches: RecordBatchView[]
  /** End (exclusive, an index into the buffer) of the last complete batch. */
  validEnd: number
  /** True when bytes after the last complete batch begin a batch that is cut off. */
  partialTail: boolean
}

/**
 * Splits `buf[start, end)`, a concatenation of v2 batches (a Produce or Fetch
 * `records` field, a segment file), at batch boundaries using batchLength.
 * Nothing but the 17 bytes up to the magic byte is read per batch; CRCs are
 * not checked.
 *
 * A Fetch response may end in a partial batch when it is cut at the fetch's
 * max bytes; like Kafka's `ByteBufferLogInputStream.nextBatch`, the tail is
 * ignored when it is shorter than 17 bytes or than its batchLength says, but
 * only with `allowPartialTail` (otherwise DecodeError). A batchLength below the
 * minimum or a magic other than 2 is corruption: DecodeError either way.
 */
export function scanRecordBatches(buf: Buffer, start = 0, end = buf.length, allowPartialTail = false): BatchScan {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > buf.length || start > end) {
    throw new DecodeError(`range [${start}, ${end}) outside a buffer of ${buf.length} bytes`)
  }
  const batches: RecordBatchView[] = []
  let pos = start
  while (pos < end) {
    const remaining = end - pos
    if (remaining < HEADER_SIZE_UP_TO_MAGIC) {
      if (allowPartialTail) return { batches, validEnd: pos, partialTail: true }
      throw new DecodeError(`truncated record batch: ${remaining} bytes`, pos)
    }
    const batchLength = buf.readInt32BE(pos + BatchField.BATCH_LENGTH)
    if (batchLength < MIN_BATCH_LENGTH) {
      throw new DecodeError(`record batch length ${batchLength} is smaller than ${MIN_BATCH_LENGTH}`, pos + BatchField.BATCH_LENGTH)
    }
    const magic = buf.readInt8(pos + BatchField.MAGIC)
    if (magic !== MAGIC_V2) throw new DecodeError(`unsupported record batch magic ${magic}`, pos + BatchField.MAGIC)
    if (batchLength > remaining - LOG_OVERHEAD) {
      if (allowPartialTail) return { batches, validEnd: pos, partialTail: true }
      throw new DecodeError(`truncated record batch: ${batchLength + LOG_OVERHEAD} bytes but only ${remaining} remain`, pos)
    }
    batches.push(new RecordBatchView(buf, pos))
    pos += batchLength + LOG_OVERHEAD
  }
  return { batches, validEnd: pos, partialTail: false }
}
