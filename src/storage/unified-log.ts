/**
 * A partition's log (Kafka's `UnifiedLog` with its `LocalLog`; no tiered
 * storage, the name is kept so readers can cross-reference, STYLE.md §3):
 * segments on disk, the log end offset (LEO), the log start offset, the high
 * watermark the partition sets, the recovery point, producer state and the
 * leader-epoch cache.
 *
 * Concurrency (STYLE.md §5): everything that changes the segments or the LEO
 * (appends, roll, truncation, retention, close) runs through one serial
 * queue per log. Reads do not queue: they capture the LEO and each segment
 * its size before the first await, and appends only ever write beyond those.
 * Deleted segments are renamed `.deleted` and closed only after
 * file.delete.delay.ms, so a read that already holds one still completes
 * (Kafka's asynchronous delete, for the same reason). The log cleaner
 * writes its cleaned segments outside the queue and swaps them in through
 * it (`replaceSegments`), so a swap never interleaves with a roll,
 * retention, truncation or close.
 *
 * An I/O error while writing leaves the files in an unknown state; as Kafka
 * takes the log dir offline, the log then refuses every further append and
 * read with KAFKA_STORAGE_ERROR until it is reopened (and recovered). A full
 * disk (ENOSPC, EDQUOT) is the exception for reads: they keep working, since
 * nothing a reader can see was touched (see #checkReadable).
 */
import { mkdir, rm } from 'node:fs/promises'
import { basename } from 'node:path'
import { fsyncDir } from '../common/atomic-file.js'
import type { Time } from '../common/time.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError, isKafkaError } from '../protocol/kafka-error.js'
import { LeaderEpochCache, type EpochEndOffset } from './leader-epoch-cache.js'
import type { LogConfig } from './log-config.js'
import { DELETED_FILE_SUFFIX, LogSegment, SWAP_FILE_SUFFIX, type TimestampAndOffset } from './log-segment.js'
import { LogSegments, loadLog, randomSegmentJitter } from './log-segments.js'
import { validateAndAssignOffsets, type AppendOrigin, type ValidatedRecords } from './log-validator.js'
import { ProducerStateManager } from './producer-state-manager.js'

export type { TimestampAndOffset } from './log-segment.js'

/** The subset of common/logger.ts the log uses. */
export interface LogLogger {
  info(message: string): void
  warn(message: string): void
}

export interface UnifiedLogOptions {
  time: Time
  /** From recovery-point-offset-checkpoint: everything below is known flushed. */
  recoveryPoint: number
  /** From log-start-offset-checkpoint (DeleteRecords may have moved it inside a segment). */
  logStartOffset: number
  producerIdExpirationMs: number
  /** The dir had the clean-shutdown marker: no segment needs validating. */
  hadCleanShutdown: boolean
  logger?: LogLogger
}

/** Kafka's `LogAppendInfo`, the part the produce path answers with. */
export interface LogAppendInfo {
  firstOffset: number
  lastOffset: number
  maxTimestamp: number
  offsetOfMaxTimestamp: number
  /** -1 unless the topic uses LogAppendTime. */
  logAppendTimeMs: number
  logStartOffset: number
  recordCount: number
  /** A retried idempotent batch: the offsets are those of the original, nothing was appended. */
  duplicate: boolean
}

/** Kafka's `LogOffsetMetadata`; the position is -1 when not known. */
export interface LogOffsetMetadata {
  messageOffset: number
  segmentBaseOffset: number
  relativePositionInSegment: number
}

export interface FetchDataInfo {
  /** Whole batches, raw file bytes (never re-encoded); empty when nothing is readable. */
  records: Buffer
  /** Base offset of the first batch in `records` (may be below the fetch offset), -1 when empty. */
  firstEntryOffset: number
  fetchOffsetMetadata: LogOffsetMetadata
}

/** ListOffsets' special timestamps (Kafka's `ListOffsetsRequest`). */
export const ListOffsetsTimestamp = {
  LATEST: -1,
  EARLIEST: -2,
  MAX_TIMESTAMP: -3,
  EARLIEST_LOCAL: -4,
} as const

/** A follower append whose first offset is below the LEO (Kafka's `UnexpectedAppendOffsetException`). */
export class UnexpectedAppendOffsetError extends Error {
  constructor(readonly firstOffset: number, readonly logEndOffset: number) {
    super(`Unexpected append offset ${firstOffset}: the log end offset is ${logEndOffset}`)
    this.name = 'UnexpectedAppendOffsetError'
  }
}

/**
 * The points of a segment swap (`replaceSegments`) after which the files are
 * in a state the loader must recover from, in order: the cleaned segment is
 * `.swap`; one more old segment is `.deleted`; the new segment has its final
 * name. Tests stop there to copy the directory as a crash would leave it.
 */
export type SwapStep = 'renamed-to-swap' | 'old-segment-deleted' | 'swapped-in'

/** Errors that mean "no space left", not damaged files (see #checkReadable). */
const DISK_FULL_ERRNOS = new Set(['ENOSPC', 'EDQUOT'])

const NO_LOGGER: LogLogger = { info: () => undefined, warn: () => undefined }

export class UnifiedLog {
  readonly dir: string
  readonly producerStateManager: ProducerStateManager
  readonly leaderEpochCache: LeaderEpochCache
  #config: LogConfig
  readonly #time: Time
  readonly #logger: LogLogger
  readonly #segments: LogSegments
  #logStartOffset: number
  #logEndOffset: number
  #highWatermark: number
  #recoveryPoint: number
  #lastFlushTimeMs: number
  #queue: Promise<unknown> = Promise.resolve()
  #failure: unknown
  #closed = false
  /** Background work (flush after roll) close() waits for. */
  readonly #background = new Set<Promise<void>>()
  /** Segments renamed `.deleted`, waiting for file.delete.delay.ms. */
  readonly #pendingDeletes = new Map<LogSegment, NodeJS.Timeout>()

  private constructor(dir: string, config: LogConfig, opts: UnifiedLogOptions, segments: LogSegments, loaded: { logStartOffset: number; logEndOffset: number; recoveryPoint: number }, psm: ProducerStateManager, cache: LeaderEpochCache) {
    this.dir = dir
    this.#config = config
    this.#time = opts.time
    this.#logger = opts.logger ?? NO_LOGGER
    this.#segments = segments
    this.#logStartOffset = loaded.logStartOffset
    this.#logEndOffset = loaded.logEndOffset
    this.#recoveryPoint = loaded.recoveryPoint
    // Kafka starts the high watermark at the log start; the partition (or the checkpoint) moves it.
    this.#highWatermark = loaded.logStartOffset
    this.#lastFlushTimeMs = opts.time.nowMs()
    this.producerStateManager = psm
    this.leaderEpochCache = cache
  }

  /**
   * Opens (creating if needed) the log in `dir`: loads and, after an unclean
   * shutdown, recovers the segments (log-segments.ts `loadLog`), trims the
   * leader-epoch cache to the log, and rebuilds producer state from the
   * newest snapshot (Kafka's `UnifiedLog.apply` + `LogLoader`).
   */
  static async open(dir: string, config: LogConfig, opts: UnifiedLogOptions): Promise<UnifiedLog> {
    await mkdir(dir, { recursive: true })
    const logger = opts.logger ?? NO_LOGGER
    const cache = await LeaderEpochCache.load(dir)
    const epochWrites: Promise<void>[] = []
    const loaded = await loadLog({
      dir, config, time: opts.time, recoveryPoint: opts.recoveryPoint, logStartOffset: opts.logStartOffset, hadCleanShutdown: opts.hadCleanShutdown, logger,
      // LogSegment.recover: batches re-teach the cache epochs it lost (a checkpoint behind the log).
      onRecoveredBatch: (b) => {
        const epoch = b.partitionLeaderEpoch
        if (epoch >= 0 && epoch > cache.latestEpoch) epochWrites.push(cache.assign(epoch, b.baseOffset).written)
      },
    })
    await Promise.all(epochWrites)
    await cache.truncateFromEnd(loaded.logEndOffset)
    await cache.truncateFromStart(loaded.logStartOffset)
    const psm = new ProducerStateManager(dir, { time: opts.time, producerIdExpirationMs: opts.producerIdExpirationMs })
    const log = new UnifiedLog(dir, config, opts, loaded.segments, loaded, psm, cache)
    await psm.load(log.#logStartOffset, log.#logEndOffset)
    await log.#replayProducerState()
    logger.info(`Loaded log with ${loaded.segments.count} segments, log start offset ${log.#logStartOffset}, log end offset ${log.#logEndOffset}`)
    return log
  }

  get config(): LogConfig {
    return this.#config
  }
  get logStartOffset(): number {
    return this.#logStartOffset
  }
  get logEndOffset(): number {
    return this.#logEndOffset
  }
  get highWatermark(): number {
    return this.#highWatermark
  }
  get recoveryPoint(): number {
    return this.#recoveryPoint
  }
  get lastFlushTimeMs(): number {
    return this.#lastFlushTimeMs
  }
  /** Bytes of all segments' log files. */
  get size(): number {
    return this.#segments.sizeInBytes
  }
  get segmentCount(): number {
    return this.#segments.count
  }
  get activeSegmentBaseOffset(): number {
    return this.#segments.last!.baseOffset
  }
  segmentBaseOffsets(): number[] {
    return this.#segments.values().map((s) => s.baseOffset)
  }

  /**
   * The segments holding offsets in [from, to), oldest first (Kafka's
   * `logSegments(from, to)`): the one holding `from` and every later one
   * whose base is below `to`. A copy, for the cleaner to read; segments only
   * change through this log.
   */
  logSegments(from: number, to: number): LogSegment[] {
    return this.#segments.from(from).filter((s) => s.baseOffset < to)
  }

  /** False once closed or failed: every further use throws KAFKA_STORAGE_ERROR. */
  get isUsable(): boolean {
    return !this.#closed && this.#failure === undefined
  }

  get latestEpoch(): number {
    return this.leaderEpochCache.latestEpoch
  }

  /** A topic config change (Kafka's `updateConfig`); applies to later appends and rolls. */
  updateConfig(config: LogConfig): void {
    this.#config = config
  }

  /** Sets the high watermark, clamped to [logStartOffset, logEndOffset] (Kafka's `updateHighWatermark`). Returns the value set. */
  updateHighWatermark(hw: number): number {
    this.#highWatermark = Math.min(Math.max(hw, this.#logStartOffset), this.#logEndOffset)
    return this.#highWatermark
  }

  // ---------------------------------------------------------------- append

  /**
   * Appends a produced batch as the leader: validate and assign offsets from
   * the LEO and `leaderEpoch`, check producer sequences (a retried batch
   * answers with its original offsets), roll if needed, write, index, update
   * producer state and the epoch cache, flush per flush.messages.
   */
  appendAsLeader(records: Buffer, leaderEpoch: number, origin: AppendOrigin = 'client'): Promise<LogAppendInfo> {
    // Serialized per log: if offset assignment and the segment write interleave, two produces can get the same offsets.
    return this.#serial(() => this.#append(records, origin, leaderEpoch))
  }

  /** Appends batches fetched from the leader: offsets and epochs as they are, nothing rewritten. */
  appendAsFollower(records: Buffer): Promise<LogAppendInfo> {
    return this.#serial(() => this.#append(records, 'replication', -1))
  }

  async #append(records: Buffer, origin: AppendOrigin, leaderEpoch: number): Promise<LogAppendInfo> {
    this.#checkUsable()
    const now = this.#time.nowMs()
    const v = validateAndAssignOffsets(records, { nextOffset: this.#logEndOffset, leaderEpoch, config: this.#config, nowMs: now, origin, topicPartition: basename(this.dir) })
    const info = this.#appendInfo(v)
    if (v.batches.length === 0) return info
    if (origin === 'replication' && v.firstOffset < this.#logEndOffset) throw new UnexpectedAppendOffsetError(v.firstOffset, this.#logEndOffset)
    if (origin !== 'replication') {
      for (const batch of v.batches) {
        const duplicate = this.producerStateManager.checkSequence(batch, origin)
        if (duplicate !== null) {
          const logAppendTimeMs = this.#config.messageTimestampType === 'LogAppendTime' ? duplicate.timestamp : -1
          return { ...info, firstOffset: duplicate.firstOffset, lastOffset: duplicate.lastOffset, logAppendTimeMs, duplicate: true }
        }
      }
    }
    if (v.records.length > this.#config.segmentBytes) {
      throw new KafkaError(ErrorCode.RECORD_LIST_TOO_LARGE, { errorMessage: `${v.records.length} bytes of records exceed segment.bytes ${this.#config.segmentBytes}` })
    }
    await this.#io(async () => {
      const segment = await this.#maybeRoll(v)
      await segment.append(v.lastOffset, v.records, v.batches)
    })
    // UnifiedLog.append: LEO moves right after the write; then producer state and epochs.
    this.#logEndOffset = v.lastOffset + 1
    const epochWrites: Promise<void>[] = []
    for (const batch of v.batches) {
      this.producerStateManager.update(batch, batch.baseOffset, batch.lastOffset, now)
      const epoch = batch.partitionLeaderEpoch
      // Kafka's maybeAssignEpochStartOffset: a no-op unless the epoch is new.
      if (epoch >= 0) epochWrites.push(this.leaderEpochCache.assign(epoch, batch.baseOffset).written)
    }
    await this.#io(() => Promise.all(epochWrites))
    if (this.#logEndOffset - this.#recoveryPoint >= this.#config.flushMessages) await this.#io(() => this.#flushTo(this.#logEndOffset))
    return { ...info, logStartOffset: this.#logStartOffset }
  }

  #appendInfo(v: ValidatedRecords): LogAppendInfo {
    let recordCount = 0
    for (const b of v.batches) recordCount += b.recordsCount
    return {
      firstOffset: v.firstOffset, lastOffset: v.lastOffset, maxTimestamp: v.maxTimestamp, offsetOfMaxTimestamp: v.offsetOfMaxTimestamp,
      logAppendTimeMs: v.logAppendTimeMs, logStartOffset: this.#logStartOffset, recordCount, duplicate: false,
    }
  }

  /** Kafka's `maybeRoll`: roll when the active segment cannot take these records. */
  async #maybeRoll(v: ValidatedRecords): Promise<LogSegment> {
    const active = this.#segments.last!
    const roll = await active.shouldRoll({
      messagesSize: v.records.length, maxTimestampInMessages: v.maxTimestamp, maxOffsetInMessages: v.lastOffset,
      now: this.#time.nowMs(), segmentBytes: this.#config.segmentBytes, segmentMs: this.#config.segmentMs,
    })
    return roll ? this.#roll(v.firstOffset) : active
  }

  /** Rolls now (Kafka's `UnifiedLog.roll`); serialized with appends. Returns the new active segment's base offset. */
  roll(): Promise<number> {
    return this.#serial(async () => {
      this.#checkUsable()
      return (await this.#io(() => this.#roll(this.#logEndOffset))).baseOffset
    })
  }

  /**
   * Kafka's `LocalLog.roll` + `UnifiedLog.roll`: a new active segment at
   * max(expected, LEO); the old one gets its final time index entry, a
   * producer snapshot is taken at the new base, and the old segment is
   * flushed in the background (which moves the recovery point).
   */
  async #roll(expectedNextOffset: number): Promise<LogSegment> {
    const newOffset = Math.max(expectedNextOffset, this.#logEndOffset)
    const active = this.#segments.last!
    if (active.baseOffset === newOffset) {
      if (active.size !== 0) throw new Error(`Trying to roll a new segment at ${newOffset} while a non-empty one exists there`)
      // KAFKA-6388: an empty active segment with a full index; replace it.
      this.#segments.remove(active.baseOffset)
      await active.deleteFiles()
    } else {
      active.onBecomeInactiveSegment()
    }
    const segment = await LogSegment.create(this.dir, newOffset, this.#config, this.#time, randomSegmentJitter(this.#config))
    this.#segments.add(segment)
    await this.producerStateManager.takeSnapshot(newOffset)
    this.#logger.info(`Rolled new log segment at offset ${newOffset}`)
    if (active.baseOffset !== newOffset) this.#inBackground(this.flush(newOffset))
    return segment
  }

  // ---------------------------------------------------------------- read

  /**
   * Reads whole batches from `startOffset` (Kafka's `UnifiedLog.read`):
   * batches ending before `maxOffset` (the high watermark for consumers, the
   * LEO for replicas), up to `maxBytes`, or the whole first batch when
   * `minOneMessage` and it is larger. OFFSET_OUT_OF_RANGE outside
   * [logStartOffset, logEndOffset].
   */
  async read(startOffset: number, maxBytes: number, maxOffset: number, minOneMessage: boolean): Promise<FetchDataInfo> {
    this.#checkReadable()
    const logEndOffset = this.#logEndOffset
    if (startOffset < this.#logStartOffset || startOffset > logEndOffset) {
      throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, {
        errorMessage: `offset ${startOffset} is outside the log [${this.#logStartOffset}, ${logEndOffset}]`,
      })
    }
    const upTo = Math.min(maxOffset, logEndOffset)
    let segment = this.#segments.floorSegment(startOffset)
    const empty = (position: number): FetchDataInfo => ({
      records: Buffer.alloc(0), firstEntryOffset: -1,
      fetchOffsetMetadata: { messageOffset: startOffset, segmentBaseOffset: segment?.baseOffset ?? -1, relativePositionInSegment: position },
    })
    if (startOffset >= upTo) return empty(startOffset === logEndOffset && segment !== undefined && segment === this.#segments.last ? segment.size : -1)
    const tried = new Set<LogSegment>()
    while (segment !== undefined) {
      tried.add(segment)
      const r = await segment.read(startOffset, maxBytes, upTo, minOneMessage)
      if (r !== null) {
        return {
          records: r.records, firstEntryOffset: r.records.length > 0 ? r.firstEntryOffset : -1,
          fetchOffsetMetadata: { messageOffset: startOffset, segmentBaseOffset: segment.baseOffset, relativePositionInSegment: r.position },
        }
      }
      // The cleaner may have swapped a merged segment in while this one was
      // read (replaceSegments): the segment after this one is then past the
      // merged data, so look for the start offset again before moving on.
      const floor = this.#segments.floorSegment(startOffset)
      segment = floor !== undefined && !tried.has(floor) ? floor : this.#segments.higherSegment(segment.baseOffset)
    }
    return empty(-1)
  }

  /**
   * ListOffsets (Kafka's `fetchOffsetByTimestamp`): -2/-4 the log start, -1
   * the LEO, -3 the first record with the largest timestamp (KIP-734), else
   * the first record with timestamp >= target. Null when there is none.
   */
  async fetchOffsetByTimestamp(targetTimestamp: number): Promise<TimestampAndOffset | null> {
    this.#checkReadable()
    const epochOr = (epoch: number | undefined) => epoch ?? -1
    switch (targetTimestamp) {
      case ListOffsetsTimestamp.EARLIEST:
      case ListOffsetsTimestamp.EARLIEST_LOCAL:
        return { timestamp: -1, offset: this.#logStartOffset, leaderEpoch: epochOr(this.leaderEpochCache.epochForOffset(this.#logStartOffset)) }
      case ListOffsetsTimestamp.LATEST:
        return { timestamp: -1, offset: this.#logEndOffset, leaderEpoch: this.leaderEpochCache.latestEpoch }
      case ListOffsetsTimestamp.MAX_TIMESTAMP:
        return this.#segments.findMaxTimestampRecord()
    }
    // Any other timestamp, a negative one too (a date before 1970), is a search: Kafka has no other sentinel.
    return this.#segments.findOffsetByTimestamp(targetTimestamp, this.#logStartOffset)
  }

  /** OffsetForLeaderEpoch (Kafka's `endOffsetForEpoch`): UNDEFINED (-1, -1) when unknown. */
  endOffsetForEpoch(leaderEpoch: number): EpochEndOffset {
    return this.leaderEpochCache.endOffsetFor(leaderEpoch, this.#logEndOffset)
  }

  // ---------------------------------------------------------------- retention and truncation

  /**
   * Retention (Kafka's `deleteOldSegments`): whole segments, oldest first,
   * wholly below the high watermark, that are below the log start offset, or
   * (cleanup.policy=delete) break retention.bytes or retention.ms. An
   * expired active segment is deleted too, after rolling an empty one.
   * Returns the number of segments deleted.
   */
  deleteOldSegments(): Promise<number> {
    return this.#serial(async () => {
      this.#checkUsable()
      let deleted = await this.#deleteSegmentsWhile((s, next) => next !== undefined && next.baseOffset <= this.#logStartOffset, 'log start offset')
      if (!this.#config.cleanupPolicy.includes('delete')) return deleted
      const retentionBytes = this.#config.retentionBytes
      if (retentionBytes >= 0) {
        let excess = this.size - retentionBytes
        deleted += await this.#deleteSegmentsWhile((s) => (excess - s.size >= 0 ? ((excess -= s.size), true) : false), 'retention.bytes')
      }
      const retentionMs = this.#config.retentionMs
      if (retentionMs >= 0) {
        const now = this.#time.nowMs()
        deleted += await this.#deleteSegmentsWhile((s) => now - s.largestTimestamp > retentionMs, 'retention.ms')
      }
      return deleted
    })
  }

  async #deleteSegmentsWhile(predicate: (s: LogSegment, next: LogSegment | undefined) => boolean, reason: string): Promise<number> {
    const deletable = this.#segments.deletable(predicate, this.#highWatermark, this.#logEndOffset)
    if (deletable.length === 0) return 0
    await this.#io(async () => {
      if (deletable.length === this.#segments.count) await this.#roll(this.#logEndOffset)
      for (const s of deletable) this.#segments.remove(s.baseOffset)
      // A background flush (after a roll) may still be writing these segments' indexes; let it finish before renaming.
      await Promise.allSettled([...this.#background])
      this.#logger.info(`Deleting segments ${deletable.map((s) => s.baseOffset).join(',')} (${reason})`)
      for (const s of deletable) await this.#scheduleDelete(s)
      await this.#incrementLogStartOffset(this.#segments.first!.baseOffset)
    })
    return deletable.length
  }

  // ---------------------------------------------------------------- compaction

  /**
   * Swaps a segment the log cleaner wrote for the consecutive, non-active
   * `oldSegments` it was cleaned from (Kafka's `replaceSegments`).
   * `newSegment` has their first base offset, holds every record of theirs
   * that survived cleaning, and is flushed under its `.cleaned` name. In the
   * log's serial queue, so no roll, retention, truncation or close runs in
   * between, and in the order the loader (log-segments.ts `loadLog`)
   * completes or discards after a crash:
   * 1. `.cleaned` -> `.swap`: from here the loader finishes the swap;
   * 2. the new segment replaces the old ones in memory, in one synchronous
   *    step, so a reader sees either the old segments or the new one;
   * 3. each old segment -> `.deleted`, deleted after file.delete.delay.ms
   *    (a reader holding one finishes first), with its producer snapshot
   *    unless the new segment starts there;
   * 4. `.swap` -> final name, then the directory is fsynced.
   * Returns false, changing nothing, when an old segment has left the log
   * meanwhile (retention of a compact,delete log, truncation); the caller
   * then deletes `newSegment`. `afterStep` is for tests (`SwapStep`).
   */
  replaceSegments(newSegment: LogSegment, oldSegments: readonly LogSegment[], afterStep?: (step: SwapStep) => Promise<void>): Promise<boolean> {
    return this.#serial(async () => {
      this.#checkUsable()
      const first = oldSegments[0]
      if (first === undefined || newSegment.baseOffset !== first.baseOffset) {
        throw new RangeError(`cleaned segment ${newSegment.baseOffset} does not start where the replaced segments do (${first?.baseOffset})`)
      }
      const active = this.#segments.last!
      if (oldSegments.some((s) => s === active || this.#segments.get(s.baseOffset) !== s)) return false
      await this.#io(async () => {
        // A background flush (after a roll) may still be writing an old segment's indexes.
        await Promise.allSettled([...this.#background])
        await newSegment.changeSuffix(SWAP_FILE_SUFFIX)
        await afterStep?.('renamed-to-swap')
        for (const s of oldSegments) this.#segments.remove(s.baseOffset)
        this.#segments.add(newSegment)
        for (const s of oldSegments) {
          await this.#scheduleDelete(s)
          if (s.baseOffset !== newSegment.baseOffset) await this.producerStateManager.deleteSnapshot(s.baseOffset)
          await afterStep?.('old-segment-deleted')
        }
        await newSegment.changeSuffix('')
        await fsyncDir(this.dir)
        await afterStep?.('swapped-in')
      })
      return true
    })
  }

  /** Renames to `.deleted` now, deletes after file.delete.delay.ms (Kafka's `deleteSegmentFiles`). */
  async #scheduleDelete(segment: LogSegment): Promise<void> {
    await segment.changeSuffix(DELETED_FILE_SUFFIX)
    const timer = setTimeout(() => {
      this.#pendingDeletes.delete(segment)
      this.#inBackground(segment.deleteFiles())
    }, this.#config.fileDeleteDelayMs)
    timer.unref()
    this.#pendingDeletes.set(segment, timer)
  }

  async #incrementLogStartOffset(offset: number): Promise<void> {
    if (offset <= this.#logStartOffset) return
    this.#logStartOffset = offset
    if (this.#highWatermark < offset) this.#highWatermark = offset
    this.producerStateManager.onLogStartOffsetIncremented(offset)
    await this.leaderEpochCache.truncateFromStart(offset)
    await this.producerStateManager.deleteSnapshotsBefore(this.#segments.first!.baseOffset)
  }

  /**
   * DeleteRecords (Kafka's `maybeIncrementLogStartOffset`): moves the log
   * start up to `offset`, at most the high watermark (OFFSET_OUT_OF_RANGE
   * beyond). Segments wholly below go at the next deleteOldSegments().
   */
  maybeIncrementLogStartOffset(offset: number): Promise<boolean> {
    return this.#serial(async () => {
      this.#checkUsable()
      if (offset > this.#highWatermark) {
        throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, { errorMessage: `cannot move the log start offset to ${offset}, beyond the high watermark ${this.#highWatermark}` })
      }
      if (offset <= this.#logStartOffset) return false
      await this.#io(() => this.#incrementLogStartOffset(offset))
      return true
    })
  }

  /**
   * Removes everything from `offset` on (a follower after OffsetForLeaderEpoch;
   * Kafka's `truncateTo`). Returns whether anything was removed.
   */
  truncateTo(offset: number): Promise<boolean> {
    return this.#serial(async () => {
      this.#checkUsable()
      if (offset < 0) throw new RangeError(`cannot truncate to a negative offset ${offset}`)
      if (offset >= this.#logEndOffset) {
        // Kafka: a conflicting epoch entry may sit at the LEO (a leader that appended nothing).
        await this.leaderEpochCache.truncateFromEnd(this.#logEndOffset)
        return false
      }
      await this.#io(async () => {
        await Promise.allSettled([...this.#background])
        if (this.#segments.first!.baseOffset > offset) return this.#truncateFullyAndStartAt(offset)
        for (const s of this.#segments.values()) {
          if (s.baseOffset > offset) {
            this.#segments.remove(s.baseOffset)
            await this.#scheduleDelete(s)
          }
        }
        await this.#segments.last!.truncateTo(offset)
        this.#logEndOffset = offset
        this.#recoveryPoint = Math.min(this.#recoveryPoint, offset)
        this.#logStartOffset = Math.min(this.#logStartOffset, offset)
        this.#highWatermark = Math.min(this.#highWatermark, offset)
        await this.leaderEpochCache.truncateFromEnd(offset)
        await this.producerStateManager.truncateAndReload(this.#logStartOffset, offset)
        await this.#replayProducerState()
      })
      return true
    })
  }

  /** Deletes every segment and restarts the log empty at `offset` (Kafka's `truncateFullyAndStartAt`). */
  truncateFullyAndStartAt(offset: number): Promise<void> {
    return this.#serial(() => this.#io(() => this.#truncateFullyAndStartAt(offset)))
  }

  async #truncateFullyAndStartAt(offset: number): Promise<void> {
    const old = this.#segments.values()
    this.#segments.clear()
    for (const s of old) await this.#scheduleDelete(s)
    this.#segments.add(await LogSegment.create(this.dir, offset, this.#config, this.#time, randomSegmentJitter(this.#config)))
    this.#logStartOffset = this.#logEndOffset = this.#recoveryPoint = this.#highWatermark = offset
    await this.leaderEpochCache.clear()
    await this.producerStateManager.truncateFullyAndStartAt(offset)
  }

  /** Replays producer batches in [mapEndOffset, LEO) and snapshots at the LEO (Kafka's `rebuildProducerState`). */
  async #replayProducerState(): Promise<void> {
    const psm = this.producerStateManager
    const from = psm.mapEndOffset
    // appendTimeMs of a replayed batch: its maxTimestamp, the best record of when it was appended (producer-state-manager.ts).
    if (from < this.#logEndOffset) {
      await this.#segments.forEachBatchFrom(from, (h, read) => (h.producerId >= 0 ? read().then((b) => psm.update(b, h.baseOffset, h.lastOffset, h.maxTimestamp)) : undefined))
    }
    await psm.takeSnapshot(this.#logEndOffset)
  }

  // ---------------------------------------------------------------- flush, close

  /**
   * fsyncs the segments holding [recoveryPoint, offset) and their indexes
   * (Kafka's `flush(offset)`); the recovery point moves to `offset`.
   * Defaults to the LEO.
   */
  async flush(offset = this.#logEndOffset): Promise<void> {
    this.#checkUsable()
    await this.#io(() => this.#flushTo(offset))
  }

  async #flushTo(offset: number): Promise<void> {
    if (offset <= this.#recoveryPoint) return
    for (const s of this.#segments.from(this.#recoveryPoint)) if (s.baseOffset < offset) await s.flush()
    await this.leaderEpochCache.flush()
    // Clamped: a truncation may have run while this flush waited on the disk.
    if (offset > this.#recoveryPoint) this.#recoveryPoint = Math.min(offset, this.#logEndOffset)
    this.#lastFlushTimeMs = this.#time.nowMs()
  }

  /** flush.ms (Kafka's `LogManager.flushDirtyLogs`): flush when the last flush is that old and data is unflushed. */
  async flushIfDue(): Promise<void> {
    if (this.#closed || this.#failure !== undefined) return
    if (this.#logEndOffset > this.#recoveryPoint && this.#time.nowMs() - this.#lastFlushTimeMs >= this.#config.flushMs) await this.flush()
  }

  /** Flushes, snapshots producer state at the LEO, writes the indexes and closes every file (clean shutdown). */
  close(): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) return
      await Promise.allSettled([...this.#background])
      if (this.#failure === undefined) {
        await this.#flushTo(this.#logEndOffset)
        await this.producerStateManager.takeSnapshot(this.#logEndOffset)
      }
      await this.#closeFiles()
    })
  }

  /** Closes the log and removes its directory (Kafka's `UnifiedLog.delete`). */
  delete(): Promise<void> {
    return this.#serial(async () => {
      await Promise.allSettled([...this.#background])
      if (!this.#closed) await this.#closeFiles().catch(() => undefined)
      await rm(this.dir, { recursive: true, force: true })
    })
  }

  async #closeFiles(): Promise<void> {
    this.#closed = true
    for (const [segment, timer] of this.#pendingDeletes) {
      clearTimeout(timer)
      await segment.deleteFiles()
    }
    this.#pendingDeletes.clear()
    for (const s of this.#segments.values()) await s.close()
  }

  // ---------------------------------------------------------------- plumbing

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn)
    this.#queue = run.catch(() => undefined)
    return run
  }

  /** Runs file work; an fs error marks the log failed (Kafka takes the dir offline) and becomes KAFKA_STORAGE_ERROR. */
  async #io<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      if (isKafkaError(e)) throw e
      this.#failure ??= e
      this.#logger.warn(`I/O error in log ${this.dir}; refusing further use: ${String(e)}`)
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, { errorMessage: `I/O error in ${this.dir}`, cause: e })
    }
  }

  #checkUsable(): void {
    if (this.#closed) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, { errorMessage: `log ${this.dir} is closed` })
    if (this.#failure !== undefined) {
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, { errorMessage: `log ${this.dir} failed earlier`, cause: this.#failure })
    }
  }

  /**
   * Reads are refused like writes after an I/O error, except when the disk is
   * full (issue 3: "a full disk: KAFKA_STORAGE_ERROR for the affected
   * partitions; reads keep working"). A write that fails for lack of space
   * changes nothing the log has published: the LEO, the segment sizes reads
   * are bounded by and the indexes move only after the bytes are written, and
   * any partial bytes past the segment's size are cut at close or recovery.
   * Appends stay refused until the log is reopened, as Kafka keeps a failed
   * log dir offline until restart.
   */
  #checkReadable(): void {
    const diskFull = this.#failure !== undefined && DISK_FULL_ERRNOS.has(String((this.#failure as NodeJS.ErrnoException)?.code))
    if (!diskFull || this.#closed) this.#checkUsable()
  }

  #inBackground(p: Promise<unknown>): void {
    const tracked: Promise<void> = p.then(
      () => undefined,
      (e) => this.#logger.warn(`Background work on log ${this.dir} failed: ${String(e)}`),
    ).finally(() => this.#background.delete(tracked))
    this.#background.add(tracked)
  }
}
