/**
 * Codec for v2 record batches (message format v2, KIP-98): `RecordBatch`
 * objects to bytes and back. Kafka's counterparts are `DefaultRecordBatch`,
 * `DefaultRecord` and `MemoryRecordsBuilder`.
 *
 * The broker's produce path does not come here (it keeps batches opaque and
 * uses `RecordBatchView`); this is for clients, the log cleaner, control
 * records and format conversion. It is still a hot path for consumers, so the
 * record loops read and write the buffer directly instead of going through
 * Reader/Writer:
 * - decode returns keys and values as views of the input (or of the
 *   decompressed block), never copies;
 * - encode measures every record first, then allocates the batch once.
 *
 * Record layout: length varint | attributes int8 | timestampDelta varlong |
 * offsetDelta varint | key (varint length, -1 null) | value (same) |
 * headers count varint | per header: key length varint + utf8 key, value
 * length varint (-1 null) + value.
 */
import { DecodeError, EncodeError } from '../codec-error.js'
import { compress, compressSync, decompress, decompressSync } from './compression.js'
import type { CompressOptions, DecompressOptions } from './compression.js'
import { crc32c } from './crc32c.js'
import { BatchAttributes, CompressionType } from './record.js'
import type { KafkaRecord, RecordBatch, RecordHeader } from './record.js'
import {
  BatchField,
  LOG_OVERHEAD,
  MAGIC_V2,
  RECORD_BATCH_OVERHEAD,
  RecordBatchView,
  checkIntRange,
  scanRecordBatches,
  writeInt64Number,
} from './record-batch-header.js'

export interface RecordBatchEncodeOptions {
  /** Passed to the compressor when the batch's attributes ask for compression. */
  compression?: CompressOptions
}

export interface RecordBatchDecodeOptions {
  /** Passed to the decompressor (e.g. `maxOutputBytes`). */
  decompression?: DecompressOptions
}

/** Result of decoding a concatenation of batches. */
export interface DecodedRecordBatches {
  batches: RecordBatch[]
  /** Bytes consumed: the end of the last complete batch. */
  bytesRead: number
  /** True when a cut-off batch followed the complete ones (a Fetch response cut at max bytes). */
  partialTail: boolean
}

// The smallest record: length, attributes, timestampDelta, offsetDelta, key,
// value and header count, one byte each.
const MIN_RECORD_SIZE = 7
const MAX_CACHED_HEADER_KEYS = 8

// ---------------------------------------------------------------- decoding

/**
 * A cursor over the records section. Every read takes the limit it must stay
 * within (the end of the current record), so a record whose length prefix
 * disagrees with its fields is caught.
 */
class RecordCursor {
  pos: number
  // Header keys repeat from record to record ("trace-id", ...): the key last
  // seen at each header index is kept (where its bytes are, and the string)
  // and reused when the bytes match, saving a string per header.
  readonly #keyStart: number[] = []
  readonly #keyLength: number[] = []
  readonly #keyString: string[] = []

  constructor(
    readonly buf: Buffer,
    start: number,
  ) {
    this.pos = start
  }

  /** Zig-zag varint of at most 32 bits. */
  varint(limit: number): number {
    const buf = this.buf
    let pos = this.pos
    if (pos >= limit) throw new DecodeError('truncated varint', pos)
    let b = buf[pos++]!
    if (b < 0x80) {
      this.pos = pos
      return (b >>> 1) ^ -(b & 1)
    }
    let u = b & 0x7f
    for (let shift = 7; ; shift += 7) {
      if (pos >= limit) throw new DecodeError('truncated varint', pos)
      b = buf[pos++]!
      if (shift === 28) {
        if (b > 0x0f) throw new DecodeError('varint longer than 32 bits', pos - 1)
        u |= b << 28
        break
      }
      u |= (b & 0x7f) << shift
      if (b < 0x80) break
    }
    this.pos = pos
    return (u >>> 1) ^ -(u & 1)
  }

  /** Zig-zag varlong as a number; DecodeError outside ±2^53. */
  varlong(limit: number): number {
    const buf = this.buf
    let pos = this.pos
    let u = 0
    let mul = 1
    for (let i = 0; i < 8; i++) {
      if (pos >= limit) throw new DecodeError('truncated varlong', pos)
      const b = buf[pos++]!
      u += (b & 0x7f) * mul
      if (b < 0x80) {
        if (u > Number.MAX_SAFE_INTEGER) break
        this.pos = pos
        return u % 2 === 0 ? u / 2 : -(u + 1) / 2
      }
      mul *= 128
    }
    throw new DecodeError('varlong outside the safe integer range', pos)
  }

  /** A length-prefixed byte string as a view of the buffer; null for length -1. */
  nullableBytes(limit: number): Buffer | null {
    const n = this.varint(limit)
    if (n < 0) {
      if (n === -1) return null
      throw new DecodeError(`invalid length ${n}`, this.pos)
    }
    const start = this.pos
    if (n > limit - start) throw new DecodeError(`${n} bytes do not fit in the ${limit - start} left in the record`, start)
    this.pos = start + n
    return this.buf.subarray(start, start + n)
  }

  headers(limit: number): RecordHeader[] {
    const count = this.varint(limit)
    if (count === 0) return []
    // Each header takes at least two bytes, so a count beyond that is a lie.
    if (count < 0 || count > (limit - this.pos) / 2) throw new DecodeError(`invalid header count ${count}`, this.pos)
    const headers: RecordHeader[] = new Array(count)
    for (let i = 0; i < count; i++) {
      const keyLength = this.varint(limit)
      const start = this.pos
      if (keyLength < 0 || keyLength > limit - start) throw new DecodeError(`invalid header key length ${keyLength}`, start)
      this.pos = start + keyLength
      headers[i] = { key: this.#headerKey(i, start, keyLength), value: this.nullableBytes(limit) }
    }
    return headers
  }

  #headerKey(index: number, start: number, length: number): string {
    const buf = this.buf
    if (index < MAX_CACHED_HEADER_KEYS) {
      if (this.#keyLength[index] === length) {
        const cachedStart = this.#keyStart[index]!
        let i = 0
        while (i < length && buf[cachedStart + i] === buf[start + i]) i++
        if (i === length) return this.#keyString[index]!
      }
      const key = buf.toString('utf8', start, start + length)
      this.#keyStart[index] = start
      this.#keyLength[index] = length
      this.#keyString[index] = key
      return key
    }
    return buf.toString('utf8', start, start + length)
  }
}

/**
 * Decodes `count` records filling exactly `buf[start, end)`, appending them to
 * `out`. Shared by every decode path, compressed or not.
 */
/** Builds the caller's own record object from a record's fields (decodeRecordBatchInto). */
export type RecordBuilder<T> = (timestampDelta: number, offsetDelta: number, key: Buffer | null, value: Buffer | null, headers: RecordHeader[], attributes: number) => T

const buildKafkaRecord: RecordBuilder<KafkaRecord> = (timestampDelta, offsetDelta, key, value, headers, attributes) => ({ attributes, timestampDelta, offsetDelta, key, value, headers })

function readRecords<T>(buf: Buffer, start: number, end: number, count: number, out: T[], build: RecordBuilder<T>): void {
  if (count < 0 || count > (end - start) / MIN_RECORD_SIZE) {
    throw new DecodeError(`recordsCount ${count} cannot fit in ${end - start} bytes`, start)
  }
  const c = new RecordCursor(buf, start)
  for (let i = 0; i < count; i++) {
    const length = c.varint(end)
    const recordStart = c.pos
    if (length < MIN_RECORD_SIZE - 1 || length > end - recordStart) {
      throw new DecodeError(`invalid record length ${length}`, recordStart)
    }
    const recordEnd = recordStart + length
    const attributes = (buf[recordStart]! << 24) >> 24
    c.pos = recordStart + 1
    const timestampDelta = c.varlong(recordEnd)
    const offsetDelta = c.varint(recordEnd)
    const key = c.nullableBytes(recordEnd)
    const value = c.nullableBytes(recordEnd)
    const headers = c.headers(recordEnd)
    if (c.pos !== recordEnd) {
      throw new DecodeError(`record length ${length} disagrees with its content (${c.pos - recordStart} bytes)`, recordStart)
    }
    out.push(build(timestampDelta, offsetDelta, key, value, headers, attributes))
  }
  if (c.pos !== end) throw new DecodeError(`${end - c.pos} bytes after the last of ${count} records`, c.pos)
}

/** Checks magic, lengths, CRC and codec; returns the view and the batch minus its records. */
function readHeader(buf: Buffer): { view: RecordBatchView; compression: CompressionType; batch: RecordBatch } {
  const view = new RecordBatchView(buf, 0)
  if (view.sizeInBytes !== buf.length) {
    throw new DecodeError(`${buf.length - view.sizeInBytes} bytes after the record batch`, view.sizeInBytes)
  }
  view.validateCrc()
  const compression = view.compression
  const batch: RecordBatch = {
    baseOffset: view.baseOffset,
    partitionLeaderEpoch: view.partitionLeaderEpoch,
    attributes: view.attributes,
    lastOffsetDelta: view.lastOffsetDelta,
    baseTimestamp: view.baseTimestamp,
    maxTimestamp: view.maxTimestamp,
    producerId: view.producerId,
    producerEpoch: view.producerEpoch,
    baseSequence: view.baseSequence,
    records: [],
  }
  return { view, compression, batch }
}

/** True when the records section must be decompressed; an empty section never is. */
function isCompressed(view: RecordBatchView, compression: CompressionType): boolean {
  return compression !== CompressionType.None && view.batchLength > RECORD_BATCH_OVERHEAD - LOG_OVERHEAD
}

/**
 * Decodes one complete v2 batch, exactly `buf`. Checks magic, batchLength,
 * CRC-32C, the codec and every record; DecodeError for any inconsistency.
 * Keys, values and header values are views of `buf` (uncompressed) or of the
 * decompressed block.
 */
export function decodeRecordBatch(buf: Buffer, options?: RecordBatchDecodeOptions): RecordBatch {
  const { view, compression, batch } = readHeader(buf)
  const count = view.recordsCount
  if (!isCompressed(view, compression)) {
    readRecords(buf, BatchField.RECORDS, buf.length, count, batch.records, buildKafkaRecord)
  } else {
    const block = decompressSync(compression, view.recordsBytes, options?.decompression)
    readRecords(block, 0, block.length, count, batch.records, buildKafkaRecord)
  }
  return batch
}

/** As decodeRecordBatch, decompressing off the event loop's thread. */
export async function decodeRecordBatchAsync(buf: Buffer, options?: RecordBatchDecodeOptions): Promise<RecordBatch> {
  const { view, compression, batch } = readHeader(buf)
  const count = view.recordsCount
  if (!isCompressed(view, compression)) {
    readRecords(buf, BatchField.RECORDS, buf.length, count, batch.records, buildKafkaRecord)
  } else {
    const block = await decompress(compression, view.recordsBytes, options?.decompression)
    readRecords(block, 0, block.length, count, batch.records, buildKafkaRecord)
  }
  return batch
}

/**
 * Decodes one complete v2 batch's records straight into the caller's own
 * objects (a consumer's records, which carry absolute offsets and
 * timestamps), checked as decodeRecordBatch checks them: one allocation per
 * record instead of two. Decompresses off the event loop's thread; resolves
 * at once for an uncompressed batch.
 */
export function decodeRecordBatchInto<T>(view: RecordBatchView, build: RecordBuilder<T>, out: T[], options?: RecordBatchDecodeOptions): void | Promise<void> {
  view.validateCrc()
  const count = view.recordsCount
  const compression = view.compression
  if (!isCompressed(view, compression)) {
    const buf = view.bytes
    readRecords(buf, BatchField.RECORDS, buf.length, count, out, build)
    return
  }
  return decompress(compression, view.recordsBytes, options?.decompression).then((block) => readRecords(block, 0, block.length, count, out, build))
}

/**
 * Decodes a concatenation of batches (a Produce or Fetch `records` field). A
 * cut-off batch at the end is dropped and reported in `partialTail`, as a
 * Kafka consumer does with a Fetch response cut at max bytes; anything else
 * wrong is a DecodeError.
 */
export function decodeRecordBatches(buf: Buffer, options?: RecordBatchDecodeOptions): DecodedRecordBatches {
  const scan = scanRecordBatches(buf, 0, buf.length, true)
  const batches: RecordBatch[] = new Array(scan.batches.length)
  for (let i = 0; i < batches.length; i++) batches[i] = decodeRecordBatch(scan.batches[i]!.bytes, options)
  return { batches, bytesRead: scan.validEnd, partialTail: scan.partialTail }
}

/** As decodeRecordBatches, decompressing off the event loop's thread. */
export async function decodeRecordBatchesAsync(buf: Buffer, options?: RecordBatchDecodeOptions): Promise<DecodedRecordBatches> {
  const scan = scanRecordBatches(buf, 0, buf.length, true)
  const batches: RecordBatch[] = new Array(scan.batches.length)
  for (let i = 0; i < batches.length; i++) batches[i] = await decodeRecordBatchAsync(scan.batches[i]!.bytes, options)
  return { batches, bytesRead: scan.validEnd, partialTail: scan.partialTail }
}

// ---------------------------------------------------------------- encoding

function uvarintSize(u: number): number {
  return u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5
}

/** Size of a zig-zag varint of an int32. */
function varintSize(v: number): number {
  return uvarintSize(((v << 1) ^ (v >> 31)) >>> 0)
}

function zigzag64(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1
}

function varlongSize(v: number): number {
  let u = zigzag64(v)
  if (u < 0x10000000) return uvarintSize(u)
  let n = 4
  u = Math.floor(u / 0x10000000)
  while (u > 0) {
    n++
    u = Math.floor(u / 128)
  }
  return n
}

function writeUvarint(buf: Buffer, pos: number, u: number): number {
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80
    u >>>= 7
  }
  buf[pos++] = u
  return pos
}

function writeVarint(buf: Buffer, pos: number, v: number): number {
  return writeUvarint(buf, pos, ((v << 1) ^ (v >> 31)) >>> 0)
}

function writeVarlong(buf: Buffer, pos: number, v: number): number {
  let u = zigzag64(v)
  if (u < 0x80000000) return writeUvarint(buf, pos, u)
  while (u >= 0x80) {
    buf[pos++] = (u % 128) | 0x80
    u = Math.floor(u / 128)
  }
  buf[pos++] = u
  return pos
}

/** UTF-8 length of a string; a quick loop for short ASCII strings (header keys). */
function utf8Length(s: string): number {
  const n = s.length
  if (n > 24) return Buffer.byteLength(s, 'utf8')
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8')
  return n
}

/** Writes a string of `byteLength` UTF-8 bytes at `pos`; returns the end. */
function writeUtf8(buf: Buffer, pos: number, s: string, byteLength: number): number {
  if (byteLength === s.length && byteLength <= 24) {
    // ASCII (a string's UTF-8 length equals its UTF-16 length only then).
    for (let i = 0; i < byteLength; i++) buf[pos + i] = s.charCodeAt(i)
    return pos + byteLength
  }
  return pos + buf.write(s, pos, byteLength, 'utf8')
}

function isInt32(v: number): boolean {
  return (v | 0) === v
}

/**
 * First pass of encoding: checks each record and stores its size without the
 * length prefix in `sizes`; returns the size of the whole records section.
 */
function measureRecords(records: readonly KafkaRecord[], sizes: Int32Array): number {
  let total = 0
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    if (!isInt32(r.offsetDelta)) throw new EncodeError(`record ${i}: offsetDelta is not an int32: ${r.offsetDelta}`)
    if (!Number.isSafeInteger(r.timestampDelta)) throw new EncodeError(`record ${i}: timestampDelta is not a safe integer: ${r.timestampDelta}`)
    if (r.attributes !== ((r.attributes << 24) >> 24)) throw new EncodeError(`record ${i}: attributes is not an int8: ${r.attributes}`)
    let size = 1 + varlongSize(r.timestampDelta) + varintSize(r.offsetDelta)
    const key = r.key
    size += key === null ? 1 : varintSize(key.length) + key.length
    const value = r.value
    size += value === null ? 1 : varintSize(value.length) + value.length
    const headers = r.headers
    size += varintSize(headers.length)
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!
      const keyLength = utf8Length(header.key)
      size += varintSize(keyLength) + keyLength
      const hv = header.value
      size += hv === null ? 1 : varintSize(hv.length) + hv.length
    }
    if (size > 0x3fffffff) throw new EncodeError(`record ${i} is too large: ${size} bytes`)
    sizes[i] = size
    total += uvarintSize(size * 2) + size
  }
  if (total > 0x7fffffff - RECORD_BATCH_OVERHEAD) throw new EncodeError(`records too large for one batch: ${total} bytes`)
  return total
}

/** Second pass: writes the records measured by measureRecords at `pos`; returns the end. */
function writeRecords(records: readonly KafkaRecord[], sizes: Int32Array, buf: Buffer, pos: number): number {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    pos = writeUvarint(buf, pos, sizes[i]! * 2)
    buf[pos++] = r.attributes & 0xff
    pos = writeVarlong(buf, pos, r.timestampDelta)
    pos = writeVarint(buf, pos, r.offsetDelta)
    const key = r.key
    if (key === null) buf[pos++] = 1
    else {
      pos = writeVarint(buf, pos, key.length)
      buf.set(key, pos)
      pos += key.length
    }
    const value = r.value
    if (value === null) buf[pos++] = 1
    else {
      pos = writeVarint(buf, pos, value.length)
      buf.set(value, pos)
      pos += value.length
    }
    const headers = r.headers
    pos = writeVarint(buf, pos, headers.length)
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!
      const keyLength = utf8Length(header.key)
      pos = writeVarint(buf, pos, keyLength)
      pos = writeUtf8(buf, pos, header.key, keyLength)
      const hv = header.value
      if (hv === null) buf[pos++] = 1
      else {
        pos = writeVarint(buf, pos, hv.length)
        buf.set(hv, pos)
        pos += hv.length
      }
    }
  }
  return pos
}

/** Writes the 61-byte header except the CRC, at the start of `buf`. */
function writeHeader(batch: RecordBatch, buf: Buffer): void {
  checkIntRange(batch.partitionLeaderEpoch, -0x80000000, 0x7fffffff, 'partitionLeaderEpoch')
  checkIntRange(batch.attributes, -0x8000, 0x7fff, 'attributes')
  checkIntRange(batch.lastOffsetDelta, -0x80000000, 0x7fffffff, 'lastOffsetDelta')
  checkIntRange(batch.producerEpoch, -0x8000, 0x7fff, 'producerEpoch')
  checkIntRange(batch.baseSequence, -0x80000000, 0x7fffffff, 'baseSequence')
  writeInt64Number(buf, BatchField.BASE_OFFSET, batch.baseOffset, 'baseOffset')
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BatchField.BATCH_LENGTH)
  buf.writeInt32BE(batch.partitionLeaderEpoch, BatchField.PARTITION_LEADER_EPOCH)
  buf[BatchField.MAGIC] = MAGIC_V2
  buf.writeInt16BE(batch.attributes, BatchField.ATTRIBUTES)
  buf.writeInt32BE(batch.lastOffsetDelta, BatchField.LAST_OFFSET_DELTA)
  writeInt64Number(buf, BatchField.BASE_TIMESTAMP, batch.baseTimestamp, 'baseTimestamp')
  writeInt64Number(buf, BatchField.MAX_TIMESTAMP, batch.maxTimestamp, 'maxTimestamp')
  writeInt64Number(buf, BatchField.PRODUCER_ID, batch.producerId, 'producerId')
  buf.writeInt16BE(batch.producerEpoch, BatchField.PRODUCER_EPOCH)
  buf.writeInt32BE(batch.baseSequence, BatchField.BASE_SEQUENCE)
  buf.writeInt32BE(batch.records.length, BatchField.RECORDS_COUNT)
}

function compressionOf(batch: RecordBatch): CompressionType {
  const id = batch.attributes & BatchAttributes.COMPRESSION_MASK
  if (id > CompressionType.Zstd) throw new EncodeError(`unknown compression type ${id}`)
  return id as CompressionType
}

/** The records section, uncompressed, in a buffer of its own. */
function encodeRecordsBlock(records: readonly KafkaRecord[]): Buffer {
  const sizes = new Int32Array(records.length)
  const block = Buffer.allocUnsafe(measureRecords(records, sizes))
  writeRecords(records, sizes, block, 0)
  return block
}

/** Header + (already compressed) records section + CRC. */
function assemble(batch: RecordBatch, recordsSection: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + recordsSection.length)
  writeHeader(batch, buf)
  buf.set(recordsSection, RECORD_BATCH_OVERHEAD)
  buf.writeUInt32BE(crc32c(buf, BatchField.ATTRIBUTES), BatchField.CRC)
  return buf
}

/**
 * Encodes a v2 batch: batchLength, recordsCount and the CRC-32C are computed;
 * every other header field is written as given. When the attributes name a
 * codec, the records section is compressed as one block (`compressSync`).
 * EncodeError for a field out of its wire range.
 */
export function encodeRecordBatch(batch: RecordBatch, options?: RecordBatchEncodeOptions): Buffer {
  const compression = compressionOf(batch)
  const records = batch.records
  if (compression !== CompressionType.None) {
    return assemble(batch, compressSync(compression, encodeRecordsBlock(records), options?.compression))
  }
  // Uncompressed: measure, allocate the whole batch once, write in place.
  const sizes = new Int32Array(records.length)
  const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + measureRecords(records, sizes))
  writeHeader(batch, buf)
  writeRecords(records, sizes, buf, RECORD_BATCH_OVERHEAD)
  buf.writeUInt32BE(crc32c(buf, BatchField.ATTRIBUTES), BatchField.CRC)
  return buf
}

/** As encodeRecordBatch, compressing off the event loop's thread. */
export async function encodeRecordBatchAsync(batch: RecordBatch, options?: RecordBatchEncodeOptions): Promise<Buffer> {
  const compression = compressionOf(batch)
  if (compression === CompressionType.None) return encodeRecordBatch(batch, options)
  return assemble(batch, await compress(compression, encodeRecordsBlock(batch.records), options?.compression))
}

/** The encoded size of one record including its length prefix (Kafka's `DefaultRecord.sizeInBytes`). */
export function recordSizeInBytes(record: KafkaRecord): number {
  const sizes = new Int32Array(1)
  return measureRecords([record], sizes)
}
