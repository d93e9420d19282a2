/**
 * One segment of a partition's log (Kafka's `LogSegment`): `<base>.log` holds
 * v2 record batches back to back, exactly as produced (DESIGN.md principle
 * 2); `<base>.index` and `<base>.timeindex` are sparse indexes with one entry
 * per `index.interval.bytes` of batches; `<base>` is the first offset, 20
 * digits. A `.txnindex` is not written yet (transactions come later) but is
 * renamed and deleted with the segment when present.
 *
 * All file I/O is async through one FileHandle per segment; positional reads
 * and writes let reads run while the single writer (UnifiedLog's append
 * queue) appends past them. A segment never calls fsync on its own: the log
 * decides when (flush.messages/flush.ms, roll, close).
 */
import { constants } from 'node:fs'
import { open, rename, rm, utimes } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Time } from '../common/time.js'
import { BatchField, LOG_OVERHEAD, MAGIC_V2, MIN_BATCH_LENGTH, RECORD_BATCH_OVERHEAD, RecordBatchView, readInt64Number, scanRecordBatches } from '../protocol/records/record-batch-header.js'
import { decodeRecordBatchAsync } from '../protocol/records/record-batch.js'
import { NO_TIMESTAMP, TimestampType } from '../protocol/records/record.js'
import { OffsetIndex, readAtMost, readFully, writeFullySync } from './offset-index.js'
import { TimeIndex } from './time-index.js'

export const LOG_FILE_SUFFIX = '.log'
export const INDEX_FILE_SUFFIX = '.index'
export const TIME_INDEX_FILE_SUFFIX = '.timeindex'
export const TXN_INDEX_FILE_SUFFIX = '.txnindex'
export const DELETED_FILE_SUFFIX = '.deleted'
export const CLEANED_FILE_SUFFIX = '.cleaned'
export const SWAP_FILE_SUFFIX = '.swap'

/** `00000000000000001234`: Kafka's `LogFileUtils.filenamePrefixFromOffset`. */
export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(20, '0')
}

/** What a segment needs from the topic config. */
export interface SegmentConfig {
  readonly indexIntervalBytes: number
  readonly segmentIndexBytes: number
}

/** The header fields read while walking a segment without reading its records. */
export interface BatchHeader {
  position: number
  baseOffset: number
  lastOffset: number
  sizeInBytes: number
  maxTimestamp: number
  partitionLeaderEpoch: number
  /** -1 for batches not from an idempotent or transactional producer. */
  producerId: number
}

export interface SegmentReadResult {
  /** Whole batches, raw file bytes; empty when none fits or all are at/after maxOffset. */
  records: Buffer
  /** Base offset of the first batch returned (it may start before the offset asked for). */
  firstEntryOffset: number
  /** File position of the batch holding the start offset. */
  position: number
}

export interface TimestampAndOffset {
  timestamp: number
  offset: number
  leaderEpoch: number
}

const HEADER_CHUNK_BYTES = 64 * 1024
const RECOVERY_CHUNK_BYTES = 1024 * 1024
/** What `batches()` reads per file read (Kafka's cleaner reads `log.cleaner.io.buffer.size` / 2 at a time). */
const BATCH_CHUNK_BYTES = 1024 * 1024

/** Reads the batch header at buf[pos]; null if the length or magic is impossible (corruption). */
function parseHeader(buf: Buffer, pos: number, position: number): BatchHeader | null {
  const batchLength = buf.readInt32BE(pos + BatchField.BATCH_LENGTH)
  if (batchLength < MIN_BATCH_LENGTH || buf.readInt8(pos + BatchField.MAGIC) !== MAGIC_V2) return null
  try {
    const baseOffset = readInt64Number(buf, pos)
    return {
      position,
      baseOffset,
      lastOffset: baseOffset + buf.readInt32BE(pos + BatchField.LAST_OFFSET_DELTA),
      sizeInBytes: batchLength + LOG_OVERHEAD,
      maxTimestamp: readInt64Number(buf, pos + BatchField.MAX_TIMESTAMP),
      partitionLeaderEpoch: buf.readInt32BE(pos + BatchField.PARTITION_LEADER_EPOCH),
      producerId: readInt64Number(buf, pos + BatchField.PRODUCER_ID),
    }
  } catch {
    return null
  }
}

export class LogSegment {
  readonly baseOffset: number
  readonly offsetIndex: OffsetIndex
  readonly timeIndex: TimeIndex
  /** segment.jitter.ms drawn for this segment (Kafka's `rollJitterMs`). */
  readonly rollJitterMs: number
  /** True when the index files were missing or corrupt at open: the loader must `recover()` it. */
  readonly needsRecovery: boolean
  #dir: string
  #suffix: string
  #fh: FileHandle
  #size: number
  readonly #config: SegmentConfig
  readonly #time: Time
  #created: number
  #lastModifiedMs: number
  #bytesSinceLastIndexEntry = 0
  #maxTimestampSoFar: number
  #offsetOfMaxTimestampSoFar: number
  /** maxTimestamp of the first batch: what segment.ms counts from (Kafka's `rollingBasedTimestamp`). */
  #rollingBasedTimestamp: number | undefined
  #nextOffset: number | undefined

  private constructor(
    dir: string, baseOffset: number, suffix: string, fh: FileHandle, size: number, offsetIndex: OffsetIndex, timeIndex: TimeIndex,
    config: SegmentConfig, time: Time, rollJitterMs: number, needsRecovery: boolean, lastModifiedMs: number,
  ) {
    this.#dir = dir
    this.baseOffset = baseOffset
    this.#suffix = suffix
    this.#fh = fh
    this.#size = size
    this.offsetIndex = offsetIndex
    this.timeIndex = timeIndex
    this.#config = config
    this.#time = time
    this.rollJitterMs = rollJitterMs
    this.needsRecovery = needsRecovery
    this.#created = time.nowMs()
    this.#lastModifiedMs = lastModifiedMs
    const last = timeIndex.lastEntry
    this.#maxTimestampSoFar = last.timestamp
    this.#offsetOfMaxTimestampSoFar = last.offset
  }

  static fileName(dir: string, baseOffset: number, suffix: string, extra = ''): string {
    return join(dir, filenamePrefixFromOffset(baseOffset) + suffix + extra)
  }

  /** Creates a new, empty segment (an existing file of that name is emptied). */
  static async create(dir: string, baseOffset: number, config: SegmentConfig, time: Time, rollJitterMs = 0, suffix = ''): Promise<LogSegment> {
    const fh = await open(LogSegment.fileName(dir, baseOffset, LOG_FILE_SUFFIX, suffix), constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC, 0o644)
    const offsetIndex = OffsetIndex.create(LogSegment.fileName(dir, baseOffset, INDEX_FILE_SUFFIX, suffix), baseOffset, config.segmentIndexBytes)
    const timeIndex = TimeIndex.create(LogSegment.fileName(dir, baseOffset, TIME_INDEX_FILE_SUFFIX, suffix), baseOffset, config.segmentIndexBytes)
    return new LogSegment(dir, baseOffset, suffix, fh, 0, offsetIndex, timeIndex, config, time, rollJitterMs, false, time.nowMs())
  }

  /**
   * Opens an existing segment. Index files are sanity-checked but not read
   * (Kafka's `LazyIndex`); a missing or corrupt index sets `needsRecovery`
   * (Kafka's LogLoader then recovers the segment, rebuilding its indexes).
   */
  static async open(dir: string, baseOffset: number, config: SegmentConfig, time: Time, rollJitterMs = 0, suffix = ''): Promise<LogSegment> {
    const fh = await open(LogSegment.fileName(dir, baseOffset, LOG_FILE_SUFFIX, suffix), constants.O_RDWR)
    try {
      const st = await fh.stat()
      const indexPath = LogSegment.fileName(dir, baseOffset, INDEX_FILE_SUFFIX, suffix)
      const timeIndexPath = LogSegment.fileName(dir, baseOffset, TIME_INDEX_FILE_SUFFIX, suffix)
      let offsetIndex: OffsetIndex
      let timeIndex: TimeIndex
      let needsRecovery = false
      try {
        offsetIndex = await OffsetIndex.open(indexPath, baseOffset, config.segmentIndexBytes)
        timeIndex = await TimeIndex.open(timeIndexPath, baseOffset, config.segmentIndexBytes)
        if (offsetIndex.entries > 0 && offsetIndex.entry(offsetIndex.entries - 1).position >= st.size) throw new Error('index points past the log')
      } catch {
        offsetIndex = OffsetIndex.create(indexPath, baseOffset, config.segmentIndexBytes)
        timeIndex = TimeIndex.create(timeIndexPath, baseOffset, config.segmentIndexBytes)
        needsRecovery = true
      }
      return new LogSegment(dir, baseOffset, suffix, fh, st.size, offsetIndex, timeIndex, config, time, rollJitterMs, needsRecovery, st.mtimeMs)
    } catch (e) {
      await fh.close()
      throw e
    }
  }

  /** Bytes of batches in the log file. */
  get size(): number {
    return this.#size
  }

  get logPath(): string {
    return LogSegment.fileName(this.#dir, this.baseOffset, LOG_FILE_SUFFIX, this.#suffix)
  }

  /** Largest batch maxTimestamp seen, or NO_TIMESTAMP. */
  get maxTimestampSoFar(): number {
    return this.#maxTimestampSoFar
  }

  /** Last offset of the batch holding the largest timestamp (Kafka's `shallowOffsetOfMaxTimestampSoFar`). */
  get offsetOfMaxTimestampSoFar(): number {
    return this.#offsetOfMaxTimestampSoFar
  }

  /** What retention.ms compares: the largest timestamp, else the file's modification time (Kafka's `largestTimestamp`). */
  get largestTimestamp(): number {
    return this.#maxTimestampSoFar >= 0 ? this.#maxTimestampSoFar : this.#lastModifiedMs
  }

  /** The log file's modification time as this segment knows it (Kafka's `lastModified`). */
  get lastModifiedMs(): number {
    return this.#lastModifiedMs
  }

  /**
   * Sets the log file's modification time (Kafka's `lastModified_=`): the
   * cleaner gives a cleaned segment the time of the newest segment it
   * replaces, so retention by time of an empty segment and the loader see
   * the data's age, not the cleaning's.
   */
  async setLastModified(ms: number): Promise<void> {
    await utimes(this.logPath, ms / 1000, ms / 1000)
    this.#lastModifiedMs = ms
  }

  /**
   * maxTimestamp of the first batch, NO_TIMESTAMP when empty (Kafka's
   * `getFirstBatchTimestamp`; max.compaction.lag.ms counts from it). Cached:
   * it is the timestamp segment.ms rolls count from too.
   */
  async firstBatchTimestamp(): Promise<number> {
    if (this.#rollingBasedTimestamp === undefined && this.#size > 0) {
      const first = await this.#readHeaderAt(0)
      this.#rollingBasedTimestamp = first ? first.maxTimestamp : NO_TIMESTAMP
    }
    return this.#rollingBasedTimestamp ?? NO_TIMESTAMP
  }

  /** Reads the entries of both indexes into memory (needed before lookups, appends, truncation). */
  async loadIndexes(): Promise<void> {
    await this.offsetIndex.load()
    await this.timeIndex.load()
  }

  canConvertToRelativeOffset(offset: number): boolean {
    const relative = offset - this.baseOffset
    return relative >= 0 && relative <= 0x7fffffff
  }

  /** Kafka's `shouldRoll`: segment.bytes, segment.ms (with jitter), a full index, or an offset that does not fit in int32. */
  async shouldRoll(p: { messagesSize: number; maxTimestampInMessages: number; maxOffsetInMessages: number; now: number; segmentBytes: number; segmentMs: number }): Promise<boolean> {
    const reachedRollMs = (await this.#timeWaitedForRoll(p.now, p.maxTimestampInMessages)) > p.segmentMs - this.rollJitterMs
    return (
      this.#size > p.segmentBytes - p.messagesSize ||
      (this.#size > 0 && reachedRollMs) ||
      this.offsetIndex.isFull ||
      this.timeIndex.isFull ||
      !this.canConvertToRelativeOffset(p.maxOffsetInMessages)
    )
  }

  /** Kafka's `timeWaitedForRoll`: by record time when the first batch has a timestamp, else by the clock since creation. */
  async #timeWaitedForRoll(now: number, messageTimestamp: number): Promise<number> {
    const ts = await this.firstBatchTimestamp()
    return ts >= 0 ? messageTimestamp - ts : now - this.#created
  }

  /**
   * Appends batches whose offsets are already assigned, ending at
   * `largestOffset` (Kafka's `append`). The bytes are written first, then
   * the in-memory indexes get an entry for the first batch after every
   * `index.interval.bytes`.
   */
  /**
   * `batches` are the views over `records` the LogValidator already made; they
   * are scanned again only when the caller has none.
   */
  async append(largestOffset: number, records: Buffer, batches: readonly RecordBatchView[] = scanRecordBatches(records).batches): Promise<void> {
    if (records.length === 0) return
    if (!this.canConvertToRelativeOffset(largestOffset)) {
      throw new RangeError(`offset ${largestOffset} does not fit segment ${this.baseOffset} (relative offsets are int32)`)
    }
    const position = this.#size
    if (position === 0) {
      let largest = NO_TIMESTAMP
      for (const b of batches) largest = Math.max(largest, b.maxTimestamp)
      this.#rollingBasedTimestamp = largest
    }
    // Synchronous, as Kafka's FileChannel.write on the request thread: the
    // copy into the page cache is short, and a thread-pool round trip per
    // append cost more than it (1 KiB-record produce went from about 0.35x
    // to 0.58x rdmock; docs/BENCHMARKS.md). fsync stays asynchronous (flush).
    writeFullySync(this.#fh.fd, records, position)
    this.#size = position + records.length
    this.#lastModifiedMs = this.#time.nowMs()
    for (const b of batches) this.#indexBatch(b.maxTimestamp, b.lastOffset, position + b.offset, b.sizeInBytes)
    this.#nextOffset = largestOffset + 1
  }

  #indexBatch(maxTimestamp: number, lastOffset: number, position: number, size: number): void {
    if (maxTimestamp > this.#maxTimestampSoFar) {
      this.#maxTimestampSoFar = maxTimestamp
      this.#offsetOfMaxTimestampSoFar = lastOffset
    }
    if (this.#bytesSinceLastIndexEntry > this.#config.indexIntervalBytes) {
      this.offsetIndex.append(lastOffset, position)
      this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar)
      this.#bytesSinceLastIndexEntry = 0
    }
    this.#bytesSinceLastIndexEntry += size
  }

  /** The header of the batch at `position`, or null (end of data, torn or corrupt). */
  async #readHeaderAt(position: number, end = this.#size): Promise<BatchHeader | null> {
    if (position + RECORD_BATCH_OVERHEAD > end) return null
    const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD)
    if ((await readAtMost(this.#fh, buf, position)) < RECORD_BATCH_OVERHEAD) return null
    const h = parseHeader(buf, 0, position)
    return h && position + h.sizeInBytes <= end ? h : null
  }

  /**
   * Batch headers from `position` to `end`, read in 64 KiB chunks (only the
   * headers are parsed; a batch larger than a chunk costs one extra read).
   * Stops at the first torn or impossible header.
   */
  async *headersFrom(position: number, end = this.#size): AsyncGenerator<BatchHeader> {
    // Sized to what is left when that is less than a chunk: a caught-up consumer's
    // fetch scans a few hundred bytes, and a fresh 64 KiB buffer per fetch is
    // external memory that made V8 run a full GC every ~150 ms under 1,000
    // fetches/s (p99 latency spikes; docs/BENCHMARKS.md).
    const chunk = Buffer.allocUnsafe(Math.max(RECORD_BATCH_OVERHEAD, Math.min(HEADER_CHUNK_BYTES, end - position)))
    let chunkStart = 0
    let chunkLength = 0
    let pos = position
    while (pos + RECORD_BATCH_OVERHEAD <= end) {
      if (pos < chunkStart || pos + RECORD_BATCH_OVERHEAD > chunkStart + chunkLength) {
        chunkStart = pos
        chunkLength = await readAtMost(this.#fh, chunk.subarray(0, Math.min(chunk.length, end - pos)), pos)
        if (chunkLength < RECORD_BATCH_OVERHEAD) return
      }
      const h = parseHeader(chunk, pos - chunkStart, pos)
      if (h === null || pos + h.sizeInBytes > end) return
      yield h
      pos += h.sizeInBytes
    }
  }

  /**
   * Every batch of the segment as it is now, oldest first, read 1 MiB at a
   * time (one file read per chunk rather than per batch: the cleaner reads
   * whole segments). Each chunk is a fresh buffer, so a view stays valid
   * after the iteration moves on. Stops at the first torn or impossible
   * batch, as `headersFrom` does.
   */
  async *batches(end = this.#size): AsyncGenerator<RecordBatchView> {
    let pos = 0
    while (pos + RECORD_BATCH_OVERHEAD <= end) {
      let chunk = Buffer.allocUnsafe(Math.min(BATCH_CHUNK_BYTES, end - pos))
      let n = await readAtMost(this.#fh, chunk, pos)
      let h = n >= RECORD_BATCH_OVERHEAD ? parseHeader(chunk, 0, pos) : null
      if (h === null || pos + h.sizeInBytes > end) return
      if (h.sizeInBytes > n) {
        // A batch larger than a chunk: read it whole.
        chunk = Buffer.allocUnsafe(h.sizeInBytes)
        n = await readAtMost(this.#fh, chunk, pos)
        if (n < h.sizeInBytes) return
      }
      let at = 0
      while (h !== null && at + h.sizeInBytes <= n) {
        yield new RecordBatchView(chunk, at)
        at += h.sizeInBytes
        h = at + RECORD_BATCH_OVERHEAD <= n ? parseHeader(chunk, at, pos + at) : null
        if (h !== null && pos + at + h.sizeInBytes > end) return
      }
      pos += at
    }
  }

  /** Reads the bytes of one batch found by `headersFrom`. */
  async readBatch(h: BatchHeader): Promise<RecordBatchView> {
    const buf = Buffer.allocUnsafe(h.sizeInBytes)
    await readFully(this.#fh, buf, h.position)
    return new RecordBatchView(buf, 0)
  }

  /**
   * The first batch whose last offset is >= `offset`, starting the scan at the
   * offset index's entry (Kafka's `translateOffset`); null when beyond the data.
   */
  async translateOffset(offset: number, end = this.#size): Promise<BatchHeader | null> {
    await this.offsetIndex.load()
    const start = this.offsetIndex.lookup(offset)
    for await (const h of this.headersFrom(start.position, end)) if (h.lastOffset >= offset) return h
    return null
  }

  /**
   * Whole batches from the one holding `startOffset`, up to `maxSize` bytes and
   * only batches ending before `maxOffset` (Kafka's `read` with maxPosition).
   * With `minOneMessage` the first batch is returned even when larger than
   * `maxSize`. Null when `startOffset` is past this segment's data.
   */
  async read(startOffset: number, maxSize: number, maxOffset: number, minOneMessage: boolean): Promise<SegmentReadResult | null> {
    const end = this.#size // appends past this point are not ours to return
    const first = await this.translateOffset(startOffset, end)
    if (first === null) return null
    const empty = { records: Buffer.alloc(0), firstEntryOffset: first.baseOffset, position: first.position }
    if (first.lastOffset >= maxOffset) return empty
    const limit = Math.min(end - first.position, minOneMessage ? Math.max(maxSize, first.sizeInBytes) : maxSize)
    if (limit < first.sizeInBytes) return empty
    const buf = Buffer.allocUnsafe(limit)
    const n = await readAtMost(this.#fh, buf, first.position)
    // Keep whole batches below maxOffset; headers are re-read from the bytes just read.
    let pos = 0
    while (pos + RECORD_BATCH_OVERHEAD <= n) {
      const h = parseHeader(buf, pos, first.position + pos)
      if (h === null || pos + h.sizeInBytes > n || h.lastOffset >= maxOffset) break
      pos += h.sizeInBytes
    }
    return { records: buf.subarray(0, pos), firstEntryOffset: first.baseOffset, position: first.position }
  }

  /**
   * The offset after the last batch (Kafka's `readNextOffset`): scans from the
   * last offset index entry to the end of the file.
   */
  async readNextOffset(): Promise<number> {
    if (this.#nextOffset !== undefined) return this.#nextOffset
    const from = this.offsetIndex.entries > 0 ? this.offsetIndex.entry(this.offsetIndex.entries - 1).position : 0
    let next = this.baseOffset
    for await (const h of this.headersFrom(from)) next = h.lastOffset + 1
    this.#nextOffset = next
    return next
  }

  /**
   * Rebuilds the indexes from the log, checking every batch (magic, length,
   * CRC-32C, offsets increasing and relative to this segment), and cuts the
   * file at the first bad or torn batch (Kafka's `LogSegment.recover`).
   * `onBatch` sees every valid batch (the log assigns leader epochs from
   * them). Returns the number of bytes truncated.
   */
  async recover(onBatch?: (batch: RecordBatchView) => void): Promise<number> {
    this.offsetIndex.reset()
    this.timeIndex.reset()
    this.#maxTimestampSoFar = NO_TIMESTAMP
    this.#offsetOfMaxTimestampSoFar = this.baseOffset
    this.#bytesSinceLastIndexEntry = 0
    this.#rollingBasedTimestamp = undefined
    const fileSize = (await this.#fh.stat()).size
    let validBytes = 0
    let nextOffset = this.baseOffset
    let chunk = Buffer.alloc(0)
    let chunkStart = 0
    scan: while (validBytes + RECORD_BATCH_OVERHEAD <= fileSize) {
      if (validBytes + RECORD_BATCH_OVERHEAD > chunkStart + chunk.length) {
        chunkStart = validBytes
        chunk = Buffer.allocUnsafe(Math.min(RECOVERY_CHUNK_BYTES, fileSize - validBytes))
        if ((await readAtMost(this.#fh, chunk, chunkStart)) < chunk.length) break
      }
      const h = parseHeader(chunk, validBytes - chunkStart, validBytes)
      if (h === null || validBytes + h.sizeInBytes > fileSize) break
      if (validBytes + h.sizeInBytes > chunkStart + chunk.length) {
        chunkStart = validBytes
        chunk = Buffer.allocUnsafe(Math.max(h.sizeInBytes, Math.min(RECOVERY_CHUNK_BYTES, fileSize - validBytes)))
        if ((await readAtMost(this.#fh, chunk, chunkStart)) < chunk.length) break
      }
      let view: RecordBatchView
      try {
        view = new RecordBatchView(chunk, validBytes - chunkStart)
        if (!view.isValid()) break scan
      } catch {
        break
      }
      if (h.baseOffset < nextOffset || h.lastOffset < h.baseOffset || !this.canConvertToRelativeOffset(h.lastOffset)) break
      this.#indexBatch(h.maxTimestamp, h.lastOffset, validBytes, h.sizeInBytes)
      if (this.#rollingBasedTimestamp === undefined) this.#rollingBasedTimestamp = h.maxTimestamp
      onBatch?.(view)
      nextOffset = h.lastOffset + 1
      validBytes += h.sizeInBytes
    }
    const truncated = fileSize - validBytes
    if (truncated > 0) await this.#fh.truncate(validBytes)
    this.#size = validBytes
    this.#nextOffset = nextOffset
    if (this.#maxTimestampSoFar >= 0) this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar, true)
    return truncated
  }

  /**
   * Removes the batch holding `offset` and everything after it (Kafka's
   * `truncateTo`; `offset` should be a batch boundary). Returns bytes removed.
   */
  async truncateTo(offset: number): Promise<number> {
    await this.loadIndexes()
    const at = await this.translateOffset(offset)
    this.offsetIndex.truncateTo(offset)
    this.timeIndex.truncateTo(offset)
    if (at === null) return 0
    const removed = this.#size - at.position
    await this.#fh.truncate(at.position)
    this.#size = at.position
    this.#nextOffset = undefined
    this.#bytesSinceLastIndexEntry = 0
    if (this.#size === 0) {
      this.#created = this.#time.nowMs()
      this.#rollingBasedTimestamp = undefined
    }
    // The largest timestamp: the time index's last entry, then the batches after it (Kafka's `loadLargestTimestamp`).
    const last = this.timeIndex.lastEntry
    this.#maxTimestampSoFar = last.timestamp
    this.#offsetOfMaxTimestampSoFar = last.offset
    for await (const h of this.headersFrom(this.offsetIndex.lookup(last.offset).position)) {
      if (h.maxTimestamp > this.#maxTimestampSoFar) {
        this.#maxTimestampSoFar = h.maxTimestamp
        this.#offsetOfMaxTimestampSoFar = h.lastOffset
      }
    }
    return removed
  }

  /**
   * The first record with timestamp >= target and offset >= startingOffset
   * (Kafka's `findOffsetByTimestamp`): the time index says where to start,
   * batch headers say which batch, and that batch's records are decoded to
   * find the record. Null when there is none in this segment.
   */
  async findOffsetByTimestamp(targetTimestamp: number, startingOffset: number): Promise<TimestampAndOffset | null> {
    await this.loadIndexes()
    const entry = this.timeIndex.lookup(targetTimestamp)
    const position = this.offsetIndex.lookup(Math.max(entry.offset, startingOffset)).position
    for await (const h of this.headersFrom(position)) {
      if (h.maxTimestamp < targetTimestamp || h.lastOffset < startingOffset) continue
      const found = await this.#findRecord(h, (ts, offset) => ts >= targetTimestamp && offset >= startingOffset)
      if (found) return found
    }
    return null
  }

  /** The first record holding this segment's largest timestamp (KIP-734, ListOffsets -3). */
  async findMaxTimestampRecord(): Promise<TimestampAndOffset | null> {
    if (this.#maxTimestampSoFar < 0) return null
    const h = await this.translateOffset(this.#offsetOfMaxTimestampSoFar)
    if (h === null) return null
    return this.#findRecord(h, (ts) => ts === this.#maxTimestampSoFar)
  }

  async #findRecord(h: BatchHeader, match: (timestamp: number, offset: number) => boolean): Promise<TimestampAndOffset | null> {
    const view = await this.readBatch(h)
    const batch = await decodeRecordBatchAsync(view.bytes)
    const logAppendTime = view.timestampType === TimestampType.LogAppendTime
    for (const r of batch.records) {
      // Under LogAppendTime every record has the batch's timestamp (Kafka's DefaultRecordBatch).
      const timestamp = logAppendTime ? batch.maxTimestamp : batch.baseTimestamp + r.timestampDelta
      const offset = batch.baseOffset + r.offsetDelta
      if (match(timestamp, offset)) return { timestamp, offset, leaderEpoch: batch.partitionLeaderEpoch }
    }
    return null
  }

  /** The segment stops being active: add its largest timestamp to the time index (Kafka's `onBecomeInactiveSegment`). */
  onBecomeInactiveSegment(): void {
    if (this.timeIndex.isLoaded && this.#maxTimestampSoFar >= 0) {
      this.timeIndex.maybeAppend(this.#maxTimestampSoFar, this.#offsetOfMaxTimestampSoFar, true)
    }
  }

  /** fsync the log, then write and fsync the indexes: data before the index that points to it. */
  async flush(): Promise<void> {
    await this.#fh.datasync()
    await this.offsetIndex.flush()
    await this.timeIndex.flush()
  }

  /** Renames every file of the segment, e.g. to `.deleted` (Kafka's `changeFileSuffixes`). */
  async changeSuffix(suffix: string): Promise<void> {
    const from = (ext: string) => LogSegment.fileName(this.#dir, this.baseOffset, ext, this.#suffix)
    const to = (ext: string) => LogSegment.fileName(this.#dir, this.baseOffset, ext, suffix)
    await rename(from(LOG_FILE_SUFFIX), to(LOG_FILE_SUFFIX))
    await this.offsetIndex.renameTo(to(INDEX_FILE_SUFFIX))
    await this.timeIndex.renameTo(to(TIME_INDEX_FILE_SUFFIX))
    await rename(from(TXN_INDEX_FILE_SUFFIX), to(TXN_INDEX_FILE_SUFFIX)).catch(() => undefined)
    this.#suffix = suffix
  }

  /** Writes the indexes, cuts the file to the batches written, closes it. No fsync of the log (the log's close flushes first). */
  async close(): Promise<void> {
    this.onBecomeInactiveSegment()
    try {
      if (this.offsetIndex.isLoaded) await this.offsetIndex.flush()
      if (this.timeIndex.isLoaded) await this.timeIndex.flush()
      if ((await this.#fh.stat()).size !== this.#size) await this.#fh.truncate(this.#size)
    } finally {
      await this.#fh.close()
    }
  }

  /** Closes the file and removes every file of the segment. */
  async deleteFiles(): Promise<void> {
    await this.#fh.close().catch(() => undefined)
    const name = (ext: string) => LogSegment.fileName(this.#dir, this.baseOffset, ext, this.#suffix)
    for (const ext of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX]) await rm(name(ext), { force: true })
  }
}
