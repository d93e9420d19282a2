/**
 * One cleaning of one log (Kafka's `Cleaner`, inside LogCleaner.scala):
 *
 * 1. Map the dirty section [firstDirtyOffset, firstUncleanableOffset): every
 *    key to the offset of its latest record (`buildOffsetMap`). When the
 *    OffsetMap is full (log.cleaner.dedupe.buffer.size), only a prefix is
 *    mapped, ending at a batch boundary, and only that prefix counts as
 *    cleaned; the next pass continues from there.
 * 2. Recopy every segment from the log start to the end of the mapped
 *    section, merging adjacent segments into one cleaned segment while it
 *    still fits (segment.bytes, segment.index.bytes, offsets relative to
 *    its base as int32), so a log compacted over and over converges to few
 *    segments instead of thousands of tiny ones. Kafka decides the groups
 *    before cleaning, from the segments' sizes before cleaning
 *    (`groupSegmentsBySize`); Brook decides as it goes, from the size of
 *    the cleaned output so far plus the next segment's size before
 *    cleaning, which is never more than Kafka merges and also merges the
 *    segments this very pass empties (a log whose dirty segments all shrink
 *    to nothing, like `__consumer_offsets` under one group's commits, keeps
 *    one segment per pass instead of one per segment rolled).
 *    A record survives unless a later record with its key is in the map
 *    (records past the mapped section always survive); a tombstone also
 *    goes once its delete horizon passed (record-filter.ts).
 * 3. Each group's output is written as `<base>.log.cleaned` (and indexes),
 *    flushed, then swapped into the log by `UnifiedLog.replaceSegments`
 *    inside the log's serial queue.
 *
 * Appends continue meanwhile: the active segment is never touched. Work is
 * done in 1 MiB reads with awaits in between, and the loops yield to the
 * event loop every few milliseconds (DESIGN.md principle 5). Between
 * batches `checkDone` lets the LogCleaner abort (shutdown, log deleted);
 * an aborted or failed group deletes its `.cleaned` files, and anything
 * left by a crash is removed by the loader.
 */
import { rm } from 'node:fs/promises'
import { setImmediate as nextTick } from 'node:timers/promises'
import type { TopicPartition } from '../common/topic-partition.js'
import { SYSTEM_TIME, type Time } from '../common/time.js'
import { decodeRecordBatchAsync } from '../protocol/records/record-batch.js'
import type { RecordBatchView } from '../protocol/records/record-batch-header.js'
import { NO_TIMESTAMP } from '../protocol/records/record.js'
import type { KafkaRecord } from '../protocol/records/record.js'
import { CLEANED_FILE_SUFFIX, INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, LogSegment, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX } from './log-segment.js'
import type { AbstractIndex } from './offset-index.js'
import type { OffsetMap } from './offset-map.js'
import { filterBatch, type RecordFilter } from './record-filter.js'
import type { SwapStep, UnifiedLog } from './unified-log.js'

/** How long the cleaner may run before it lets the event loop serve others. */
const YIELD_EVERY_MS = 5
/** Cleaned batches are written to the `.cleaned` segment this many bytes at a time. */
const WRITE_CHUNK_BYTES = 1024 * 1024
/** Relative offsets in a segment's index are int32. */
const MAX_RELATIVE_OFFSET = 0x7fffffff

/** What the cleaner needs to know about the log it cleans (a part of Kafka's `LogToClean`). */
export interface CleanRange {
  tp: TopicPartition
  log: UnifiedLog
  firstDirtyOffset: number
  /** A segment base offset: the end of what may be cleaned. */
  firstUncleanableOffset: number
}

/** Thrown by `checkDone` to stop a cleaning (Kafka's `LogCleaningAbortedException`). */
export class LogCleaningAbortedError extends Error {
  constructor(reason: string) {
    super(`Cleaning aborted: ${reason}`)
    this.name = 'LogCleaningAbortedError'
  }
}

/** Where a test may stop the cleaner to copy the log directory as a crash would leave it. */
export type CleanerStep = 'writing-cleaned' | 'cleaned-flushed' | SwapStep

/** Kafka's `CleanerStats`: what one cleaning read and wrote. */
export class CleanerStats {
  readonly startMs: number
  mapDoneMs = 0
  endMs = 0
  mapBytesRead = 0
  mapMessagesRead = 0
  bytesRead = 0
  bytesWritten = 0
  messagesRead = 0
  messagesWritten = 0
  segmentsCleaned = 0
  segmentsWritten = 0

  constructor(readonly time: Time) {
    this.startMs = time.hiResMs()
  }

  get elapsedSecs(): number {
    return (this.endMs - this.startMs) / 1000
  }
}

export interface CleanResult {
  /** The first offset not cleaned: the next pass's first dirty offset (the checkpoint). */
  endOffset: number
  stats: CleanerStats
  /** The earliest delete horizon of a tombstone still in the log after this pass, NO_TIMESTAMP when none. */
  tombstoneHorizonMs: number
}

export interface CleanerOptions {
  offsetMap: OffsetMap
  time: Time
  /** Throws LogCleaningAbortedError when the cleaning of `tp` must stop. */
  checkDone: (tp: TopicPartition) => void
  /** Test hook: awaited at each CleanerStep, with the log's directory. */
  afterStep?: (step: CleanerStep, dir: string) => Promise<void>
}

export class Cleaner {
  readonly #opts: CleanerOptions
  #lastYield = SYSTEM_TIME.hiResMs()

  constructor(opts: CleanerOptions) {
    this.#opts = opts
  }

  /** Cleans the log once (Kafka's `doClean`). */
  async clean(range: CleanRange): Promise<CleanResult> {
    const { log, tp } = range
    const stats = new CleanerStats(this.#opts.time)
    const map = this.#opts.offsetMap
    map.clear()
    const endOffset = await this.#buildOffsetMap(range, stats)
    stats.mapDoneMs = this.#opts.time.hiResMs()

    const now = this.#opts.time.nowMs()
    const activeProducers = lastOffsetsOfActiveProducers(log)
    const filter: RecordFilter = {
      currentTimeMs: now,
      deleteRetentionMs: log.config.deleteRetentionMs,
      shouldRetainRecord: (batch, record, offset) => shouldRetainRecord(map, endOffset, now, batch, record, offset),
      retainEmptyBatch: (batch) => batch.producerId >= 0 && activeProducers.get(batch.producerId) === batch.lastOffset,
    }
    let tombstoneHorizonMs = NO_TIMESTAMP
    const segments = log.logSegments(log.logStartOffset, endOffset)
    for (let next = 0; next < segments.length; ) {
      const group = await this.#cleanSegments(tp, log, segments, next, range.firstUncleanableOffset, filter, stats)
      next += group.segments
      const horizon = group.tombstoneHorizonMs
      if (horizon !== NO_TIMESTAMP && (tombstoneHorizonMs === NO_TIMESTAMP || horizon < tombstoneHorizonMs)) tombstoneHorizonMs = horizon
    }
    stats.endMs = this.#opts.time.hiResMs()
    return { endOffset, stats, tombstoneHorizonMs }
  }

  /**
   * Maps the dirty section (Kafka's `buildOffsetMap`); returns the end of
   * what was mapped: firstUncleanableOffset, or where the map filled up.
   */
  async #buildOffsetMap(range: CleanRange, stats: CleanerStats): Promise<number> {
    const { tp, log, firstDirtyOffset: from, firstUncleanableOffset: to } = range
    const map = this.#opts.offsetMap
    let mappedTo = from
    for (const segment of log.logSegments(from, to)) {
      for await (const batch of segment.batches()) {
        this.#opts.checkDone(tp)
        if (batch.lastOffset < from) continue
        if (batch.baseOffset >= to) return to
        stats.mapBytesRead += batch.sizeInBytes
        // Control batches carry no keys of the topic's (Kafka maps only their transactions' outcome).
        if (!batch.isControl) {
          const records = (await decodeRecordBatchAsync(batch.bytes)).records
          let keys = 0
          let keyBytes = 0
          for (const r of records) {
            if (r.key !== null) {
              keys++
              keyBytes += r.key.length
            }
          }
          if (!(await map.reserve(keys, keyBytes))) {
            if (mappedTo === from) {
              throw new Error(`log.cleaner.dedupe.buffer.size (${map.memoryBytes} bytes) cannot hold the ${keys} keys of the batch at offset ${batch.baseOffset}`)
            }
            return mappedTo
          }
          for (const r of records) {
            const offset = batch.baseOffset + r.offsetDelta
            if (r.key !== null && offset >= from) map.put(r.key, offset)
          }
          stats.mapMessagesRead += records.length
        }
        mappedTo = batch.lastOffset + 1
        await this.#maybeYield()
      }
    }
    return to
  }

  /**
   * Cleans `segments[from]` and as many following segments as still fit
   * into one new segment, and swaps it in (Kafka's `cleanSegments` +
   * `cleanInto`). Returns how many segments it replaced and the earliest
   * tombstone horizon it wrote.
   */
  async #cleanSegments(
    tp: TopicPartition, log: UnifiedLog, segments: readonly LogSegment[], from: number, firstUncleanableOffset: number, filter: RecordFilter, stats: CleanerStats,
  ): Promise<{ segments: number; tombstoneHorizonMs: number }> {
    const base = segments[from]!.baseOffset
    await deleteCleanedFiles(log.dir, base)
    const cleaned = await LogSegment.create(log.dir, base, log.config, this.#opts.time, 0, CLEANED_FILE_SUFFIX)
    const step = async (s: CleanerStep) => this.#opts.afterStep?.(s, log.dir)
    const group: LogSegment[] = []
    let tombstoneHorizonMs = NO_TIMESTAMP
    try {
      let pending: Buffer[] = []
      let pendingBytes = 0
      let pendingLastOffset = -1
      const write = async () => {
        if (pending.length === 0) return
        await cleaned.append(pendingLastOffset, pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes))
        stats.bytesWritten += pendingBytes
        pending = []
        pendingBytes = 0
        await step('writing-cleaned')
      }
      for (let i = from; i < segments.length; i++) {
        const segment = segments[i]!
        const lastOffset = (segments[i + 1]?.baseOffset ?? firstUncleanableOffset) - 1
        if (i > from && !fitsInto(cleaned, segment, lastOffset, log.config.segmentBytes)) break
        group.push(segment)
        for await (const batch of segment.batches()) {
          this.#opts.checkDone(tp)
          const r = await filterBatch(batch, filter)
          stats.bytesRead += batch.sizeInBytes
          stats.messagesRead += r.recordsRead
          stats.messagesWritten += r.recordsRetained
          if (r.tombstoneHorizonMs !== NO_TIMESTAMP && (tombstoneHorizonMs === NO_TIMESTAMP || r.tombstoneHorizonMs < tombstoneHorizonMs)) {
            tombstoneHorizonMs = r.tombstoneHorizonMs
          }
          if (r.bytes !== null) {
            pending.push(r.bytes)
            pendingBytes += r.bytes.length
            pendingLastOffset = batch.lastOffset
            if (pendingBytes >= WRITE_CHUNK_BYTES) await write()
          }
          await this.#maybeYield()
        }
        // The output so far decides whether the next segment still fits.
        await write()
      }
      this.#opts.checkDone(tp)
      cleaned.onBecomeInactiveSegment()
      await cleaned.flush()
      // The data's age, not the cleaning's: retention.ms of an emptied segment and the loader go by it.
      await cleaned.setLastModified(group[group.length - 1]!.lastModifiedMs)
      await step('cleaned-flushed')
      if (!(await log.replaceSegments(cleaned, group, step))) throw new LogCleaningAbortedError(`segments of ${log.dir} changed while they were cleaned`)
    } catch (e) {
      // Until replaceSegments renames it, the new segment is only a `.cleaned` file nobody reads.
      if (cleaned.logPath.endsWith(CLEANED_FILE_SUFFIX)) await cleaned.deleteFiles().catch(() => undefined)
      throw e
    }
    stats.segmentsCleaned += group.length
    stats.segmentsWritten++
    return { segments: group.length, tombstoneHorizonMs }
  }

  /** Real elapsed time, not the injected clock: this is about CPU held, which a test's MockTime does not see. */
  async #maybeYield(): Promise<void> {
    const now = SYSTEM_TIME.hiResMs()
    if (now - this.#lastYield < YIELD_EVERY_MS) return
    await nextTick()
    this.#lastYield = SYSTEM_TIME.hiResMs()
  }
}

/**
 * Kafka's `Cleaner.shouldRetainRecord`: records past the mapped section
 * stay; a keyless record goes (a compacted log cannot keep it by key); a
 * record with a later offset for its key in the map goes; a tombstone goes
 * once its batch's delete horizon is reached.
 */
function shouldRetainRecord(map: OffsetMap, mapEndOffset: number, now: number, batch: RecordBatchView, record: KafkaRecord, offset: number): boolean {
  if (offset >= mapEndOffset) return true
  if (record.key === null) return false
  if (map.get(record.key) > offset) return false
  if (record.value !== null) return true
  return !batch.hasDeleteHorizon || now < batch.baseTimestamp
}

/**
 * The last offset of every producer the log still tracks (Kafka's
 * `lastRecordsOfActiveProducers`): the batch ending there keeps the
 * producer's sequence and epoch, so it is never removed, only emptied.
 */
function lastOffsetsOfActiveProducers(log: UnifiedLog): Map<number, number> {
  const last = new Map<number, number>()
  for (const p of log.producerStateManager.activeProducers()) {
    const batch = p.batches[p.batches.length - 1]
    if (batch !== undefined) last.set(p.producerId, batch.lastOffset)
  }
  return last
}

/**
 * Whether `next`, cleaned, surely fits into `cleaned` (Kafka's
 * `groupSegmentsBySize` limits, against the output so far): log bytes
 * within segment.bytes and index entries within segment.index.bytes (both
 * only shrink by cleaning; two entries to spare, as an output batch may
 * straddle an index interval differently), and every offset up to `next`'s
 * last one relative to the cleaned segment's base as an int32. An empty
 * segment adds no offsets (Kafka: no empty segment left every 2^31 offsets).
 */
function fitsInto(cleaned: LogSegment, next: LogSegment, nextLastOffset: number, maxSize: number): boolean {
  const indexFits = (out: AbstractIndex, add: AbstractIndex) => out.entries + add.entries + 2 <= out.maxEntries - 1
  return (
    cleaned.size + next.size <= maxSize &&
    indexFits(cleaned.offsetIndex, next.offsetIndex) &&
    indexFits(cleaned.timeIndex, next.timeIndex) &&
    (next.size === 0 || nextLastOffset - cleaned.baseOffset <= MAX_RELATIVE_OFFSET)
  )
}

/** Removes a `.cleaned` segment left by an earlier attempt, so the new one starts empty (Kafka's `createNewCleanedSegment`). */
async function deleteCleanedFiles(dir: string, baseOffset: number): Promise<void> {
  for (const ext of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX]) {
    await rm(LogSegment.fileName(dir, baseOffset, ext, CLEANED_FILE_SUFFIX), { force: true })
  }
}
