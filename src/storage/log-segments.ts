/**
 * The segments of one log, sorted by base offset (Kafka's `LogSegments`), and
 * loading them from the partition directory at start-up (Kafka's `LogLoader`:
 * leftovers, swaps, missing indexes, recovery of unflushed segments). The
 * loader sits here rather than in unified-log.ts to keep that file about the
 * running log.
 */
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Time } from '../common/time.js'
import type { RecordBatchView } from '../protocol/records/record-batch-header.js'
import type { LogConfig } from './log-config.js'
import {
  CLEANED_FILE_SUFFIX, DELETED_FILE_SUFFIX, INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, LogSegment, SWAP_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX,
} from './log-segment.js'
import type { BatchHeader, TimestampAndOffset } from './log-segment.js'

export class LogSegments {
  #segments: LogSegment[] = []

  get count(): number {
    return this.#segments.length
  }

  get isEmpty(): boolean {
    return this.#segments.length === 0
  }

  /** All segments, oldest first (a copy: safe to iterate across awaits). */
  values(): LogSegment[] {
    return [...this.#segments]
  }

  get first(): LogSegment | undefined {
    return this.#segments[0]
  }

  get last(): LogSegment | undefined {
    return this.#segments[this.#segments.length - 1]
  }

  /** Total bytes of every segment's log file. */
  get sizeInBytes(): number {
    let n = 0
    for (const s of this.#segments) n += s.size
    return n
  }

  /** Adds a segment, replacing one with the same base offset. */
  add(segment: LogSegment): void {
    const i = this.#lowerBound(segment.baseOffset)
    if (this.#segments[i]?.baseOffset === segment.baseOffset) this.#segments[i] = segment
    else this.#segments.splice(i, 0, segment)
  }

  remove(baseOffset: number): LogSegment | undefined {
    const i = this.#lowerBound(baseOffset)
    if (this.#segments[i]?.baseOffset !== baseOffset) return undefined
    return this.#segments.splice(i, 1)[0]
  }

  get(baseOffset: number): LogSegment | undefined {
    const s = this.#segments[this.#lowerBound(baseOffset)]
    return s?.baseOffset === baseOffset ? s : undefined
  }

  /** The segment with the largest base offset <= offset (the one that would hold it). */
  floorSegment(offset: number): LogSegment | undefined {
    const i = this.#lowerBound(offset)
    if (this.#segments[i]?.baseOffset === offset) return this.#segments[i]
    return i > 0 ? this.#segments[i - 1] : undefined
  }

  /** The segment after the one with this base offset. */
  higherSegment(baseOffset: number): LogSegment | undefined {
    const i = this.#lowerBound(baseOffset)
    const s = this.#segments[i]
    return s?.baseOffset === baseOffset ? this.#segments[i + 1] : s
  }

  /** Segments from the one holding `from` (inclusive) to the end. */
  from(offset: number): LogSegment[] {
    const floor = this.floorSegment(offset)
    const i = floor ? this.#lowerBound(floor.baseOffset) : 0
    return this.#segments.slice(i)
  }

  clear(): void {
    this.#segments = []
  }

  /**
   * The oldest segments for which `predicate` holds, stopping at the first
   * that fails (Kafka's `deletableSegments`): only segments wholly below the
   * high watermark, and never an empty active segment.
   */
  deletable(predicate: (s: LogSegment, next: LogSegment | undefined) => boolean, highWatermark: number, logEndOffset: number): LogSegment[] {
    const result: LogSegment[] = []
    for (let i = 0; i < this.#segments.length; i++) {
      const s = this.#segments[i]!
      const next = this.#segments[i + 1]
      const upperBound = next ? next.baseOffset : logEndOffset
      if (upperBound > highWatermark || (next === undefined && s.size === 0) || !predicate(s, next)) break
      result.push(s)
    }
    return result
  }

  /** Calls `fn` with the header of every batch ending at or after `offset`, in order; `read()` fetches the whole batch. */
  async forEachBatchFrom(offset: number, fn: (h: BatchHeader, read: () => Promise<RecordBatchView>) => Promise<void> | undefined): Promise<void> {
    for (const segment of this.from(offset)) {
      const start = await segment.translateOffset(offset)
      if (start === null) continue
      for await (const h of segment.headersFrom(start.position)) if (h.lastOffset >= offset) await fn(h, () => segment.readBatch(h))
    }
  }

  /** ListOffsets by time: the first segment whose largest timestamp reaches the target, then its time index (Kafka's `fetchOffsetByTimestamp`). */
  async findOffsetByTimestamp(targetTimestamp: number, logStartOffset: number): Promise<TimestampAndOffset | null> {
    for (const s of this.values()) {
      if (s.largestTimestamp < targetTimestamp) continue
      const found = await s.findOffsetByTimestamp(targetTimestamp, logStartOffset)
      if (found) return found
    }
    return null
  }

  /** ListOffsets MAX_TIMESTAMP (KIP-734): the first record with the largest timestamp of the log. */
  async findMaxTimestampRecord(): Promise<TimestampAndOffset | null> {
    let best: LogSegment | undefined
    for (const s of this.#segments) if (s.maxTimestampSoFar >= 0 && (!best || s.maxTimestampSoFar > best.maxTimestampSoFar)) best = s
    return best ? best.findMaxTimestampRecord() : null
  }

  /** First index whose base offset >= offset. */
  #lowerBound(offset: number): number {
    let lo = 0
    let hi = this.#segments.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.#segments[mid]!.baseOffset < offset) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

/** segment.jitter.ms for a new segment (Kafka's `LogConfig.randomSegmentJitter`). */
export function randomSegmentJitter(config: LogConfig): number {
  if (config.segmentJitterMs <= 0) return 0
  return Math.floor(Math.random() * Math.min(config.segmentJitterMs, config.segmentMs))
}

export interface LoadLogParams {
  dir: string
  config: LogConfig
  time: Time
  recoveryPoint: number
  logStartOffset: number
  hadCleanShutdown: boolean
  logger: { info(message: string): void; warn(message: string): void }
  /** Every valid batch of every recovered segment, in order (the log assigns leader epochs from them). */
  onRecoveredBatch?: (batch: RecordBatchView) => void
}

export interface LoadedLog {
  segments: LogSegments
  logStartOffset: number
  recoveryPoint: number
  logEndOffset: number
}

const SEGMENT_FILE = /^(\d{20})(\.log|\.index|\.timeindex|\.txnindex)(\.swap|\.cleaned|\.deleted)?$/

/**
 * Loads a partition directory (Kafka's `LogLoader.load`):
 * 1. removes `.deleted` and `.cleaned` leftovers and index files whose log is gone;
 * 2. completes a compaction swap (`.log.swap` older than every `.cleaned`
 *    file replaces the segments it covers; other swaps are discarded);
 * 3. opens every segment, recovering those whose indexes are missing or corrupt;
 * 4. after an unclean shutdown, recovers every segment from the one holding
 *    the recovery point, and when one is cut, deletes the segments after it;
 * 5. ensures an active segment exists and the log start is within the log.
 */
export async function loadLog(p: LoadLogParams): Promise<LoadedLog> {
  const { dir, config, time, logger } = p
  const names = await readdir(dir)
  const logFiles = new Set<number>()
  const swaps: number[] = []
  let minCleaned = Infinity
  for (const name of names) {
    const m = SEGMENT_FILE.exec(name)
    if (!m) continue
    const base = Number(m[1])
    const [, , ext, suffix] = m
    if (suffix === DELETED_FILE_SUFFIX) await rm(join(dir, name), { force: true })
    else if (suffix === CLEANED_FILE_SUFFIX) {
      minCleaned = Math.min(minCleaned, base)
      await rm(join(dir, name), { force: true })
    } else if (suffix === SWAP_FILE_SUFFIX) {
      // Index swaps are rebuilt from the log swap (Kafka deletes them too).
      if (ext === LOG_FILE_SUFFIX) swaps.push(base)
      else await rm(join(dir, name), { force: true })
    } else if (ext === LOG_FILE_SUFFIX) logFiles.add(base)
  }
  for (const name of names) {
    const m = SEGMENT_FILE.exec(name)
    if (m && m[3] === undefined && m[2] !== LOG_FILE_SUFFIX && !logFiles.has(Number(m[1])) && !swaps.includes(Number(m[1]))) {
      logger.warn(`Deleting ${name}: its log file is missing`)
      await rm(join(dir, name), { force: true })
    }
  }

  const segments = new LogSegments()
  // Bytes cut from segments already recovered here, so the unclean-shutdown pass neither repeats the work nor misses a cut.
  const truncatedAtOpen = new Map<LogSegment, number>()
  for (const base of [...logFiles].sort((a, b) => a - b)) {
    const segment = await LogSegment.open(dir, base, config, time, randomSegmentJitter(config))
    if (segment.needsRecovery) {
      logger.warn(`Rebuilding the indexes of segment ${base}: missing or corrupt`)
      truncatedAtOpen.set(segment, await recoverSegment(segment, p))
    }
    segments.add(segment)
  }

  for (const base of swaps.sort((a, b) => a - b)) {
    if (base >= minCleaned) {
      logger.info(`Discarding swap segment ${base}: its cleaning did not finish`)
      for (const ext of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, TXN_INDEX_FILE_SUFFIX]) await rm(LogSegment.fileName(dir, base, ext, SWAP_FILE_SUFFIX), { force: true })
      continue
    }
    const swap = await LogSegment.open(dir, base, config, time, randomSegmentJitter(config), SWAP_FILE_SUFFIX)
    await recoverSegment(swap, p)
    const end = await swap.readNextOffset()
    for (const old of segments.values()) {
      if (old.baseOffset >= base && old.baseOffset < end) {
        segments.remove(old.baseOffset)
        await old.deleteFiles()
      }
    }
    await swap.changeSuffix('')
    segments.add(swap)
    logger.info(`Completed swap of segment ${base} (offsets ${base} to ${end - 1})`)
  }

  if (!p.hadCleanShutdown) {
    let cut = false
    for (const segment of segments.from(p.recoveryPoint)) {
      if (cut) {
        segments.remove(segment.baseOffset)
        await segment.deleteFiles()
        continue
      }
      const truncated = truncatedAtOpen.get(segment) ?? (await recoverSegment(segment, p))
      if (truncated > 0) {
        logger.warn(`Found invalid or torn data in segment ${segment.baseOffset} (${truncated} bytes cut); deleting the segments after it`)
        cut = true
      }
    }
  }

  let logStartOffset = p.logStartOffset
  if (segments.isEmpty) segments.add(await LogSegment.create(dir, logStartOffset, config, time, randomSegmentJitter(config)))
  let logEndOffset = await segments.last!.readNextOffset()
  if (logStartOffset > logEndOffset) {
    // Kafka's deleteSegmentsIfLogStartGreaterThanLogEnd: DeleteRecords moved the start past data lost in a crash.
    logger.warn(`Log start offset ${logStartOffset} is beyond the log end ${logEndOffset}: deleting every segment`)
    for (const s of segments.values()) await s.deleteFiles()
    segments.clear()
    segments.add(await LogSegment.create(dir, logStartOffset, config, time, randomSegmentJitter(config)))
    logEndOffset = logStartOffset
  }
  logStartOffset = Math.max(logStartOffset, segments.first!.baseOffset)
  await segments.last!.loadIndexes()
  const recoveryPoint = p.hadCleanShutdown ? logEndOffset : Math.min(p.recoveryPoint, logEndOffset)
  return { segments, logStartOffset, recoveryPoint, logEndOffset }
}

async function recoverSegment(segment: LogSegment, p: LoadLogParams): Promise<number> {
  return segment.recover(p.onRecoveredBatch)
}
