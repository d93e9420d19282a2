/**
 * Which log the cleaner cleans next, and how far each is clean (Kafka's
 * `LogCleanerManager`).
 *
 * - `cleaner-offset-checkpoint` in each log dir (Kafka's OffsetCheckpointFile
 *   format) holds each partition's first dirty offset; read at start-up,
 *   written after every pass.
 * - A compacted log (cleanup.policy includes compact) is cleanable from its
 *   first dirty offset to its first uncleanable offset: the smallest of the
 *   high watermark, the active segment's base offset and the base of the
 *   first dirty segment holding a record younger than min.compaction.lag.ms,
 *   rounded down to the base of the segment holding it, so the cleaner works
 *   on whole segments and never on the active one (`cleanableOffsets`,
 *   `calculateCleanableBytes`).
 * - It is due when its dirty ratio, dirty bytes / (clean + dirty bytes),
 *   reaches min.cleanable.dirty.ratio, or when a dirty segment's first batch
 *   is older than max.compaction.lag.ms (`maxCompactionDelay`); of the due
 *   logs the dirtiest goes first (`grabFilthiestCompactedLog`).
 * - Brook addition: with nothing due, a log holding a tombstone whose delete
 *   horizon has passed is cleaned anyway, so tombstones go after
 *   delete.retention.ms even when no new data arrives. The earliest horizon
 *   is known from the last pass, or after a restart from one read of the
 *   clean section's batch headers (the DELETE_HORIZON attribute).
 */
import { join } from 'node:path'
import type { TopicPartition } from '../common/topic-partition.js'
import { topicPartitionKey } from '../common/topic-partition.js'
import { NO_TIMESTAMP } from '../protocol/records/record.js'
import { LONG_MAX } from './log-config.js'
import { readOffsetCheckpoint, writeOffsetCheckpoint } from './offset-checkpoint-file.js'
import { deleteHorizonMs } from './record-filter.js'
import type { UnifiedLog } from './unified-log.js'

export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint'

/** A log the LogManager holds, as the cleaner sees it. */
export interface CleanableLog {
  tp: TopicPartition
  /** The log dir (from log.dirs) holding the partition's directory. */
  logDir: string
  log: UnifiedLog
}

/** Kafka's `LogToClean`: a compacted log and what of it is dirty. */
export interface LogToClean extends CleanableLog {
  firstDirtyOffset: number
  firstUncleanableOffset: number
  /** Bytes of the segments below the first dirty offset. */
  cleanBytes: number
  /** Bytes of the segments from the first dirty offset to the first uncleanable one. */
  cleanableBytes: number
  cleanableRatio: number
  /** Some dirty data is older than max.compaction.lag.ms. */
  needCompactionNow: boolean
}

export function isCompacted(log: UnifiedLog): boolean {
  return log.config.cleanupPolicy.includes('compact')
}

/**
 * Kafka's `cleanableOffsets`: the first dirty offset (the checkpoint, reset to
 * the log start when it is outside the log) and the first uncleanable one.
 */
export function cleanableOffsets(log: UnifiedLog, checkpoint: number | undefined, nowMs: number): { firstDirtyOffset: number; firstUncleanableOffset: number; reset: boolean } {
  const logStartOffset = log.logStartOffset
  let firstDirtyOffset = checkpoint ?? logStartOffset
  // Below the log start (retention of compact,delete, DeleteRecords) or past its end (data lost in a crash): clean it all.
  const reset = checkpoint !== undefined && (checkpoint < logStartOffset || checkpoint > log.logEndOffset)
  if (reset) firstDirtyOffset = logStartOffset
  const activeBase = log.activeSegmentBaseOffset
  let uncleanable = Math.min(log.highWatermark, activeBase)
  const minLagMs = Math.max(log.config.minCompactionLagMs, 0)
  if (minLagMs > 0) {
    const young = log.logSegments(firstDirtyOffset, activeBase).find((s) => s.largestTimestamp > nowMs - minLagMs)
    if (young !== undefined) uncleanable = Math.min(uncleanable, young.baseOffset)
  }
  // Whole segments only: the one holding the uncleanable offset is not cleaned.
  const holding = log.logSegments(uncleanable, uncleanable + 1)[0]
  const firstUncleanableOffset = Math.max(firstDirtyOffset, holding?.baseOffset ?? uncleanable)
  return { firstDirtyOffset, firstUncleanableOffset, reset }
}

/** Kafka's `maxCompactionDelay`: how far past max.compaction.lag.ms the oldest dirty segment is (0 when not). */
export async function maxCompactionDelayMs(log: UnifiedLog, firstDirtyOffset: number, nowMs: number): Promise<number> {
  const maxLagMs = Math.max(log.config.maxCompactionLagMs, 0)
  if (maxLagMs >= LONG_MAX) return 0
  let earliest = Infinity
  for (const s of log.logSegments(firstDirtyOffset, log.activeSegmentBaseOffset)) {
    const ts = await s.firstBatchTimestamp()
    if (ts > 0) earliest = Math.min(earliest, ts)
  }
  const cleanUntil = nowMs - maxLagMs
  return earliest < cleanUntil ? cleanUntil - earliest : 0
}

function sizeOf(log: UnifiedLog, from: number, to: number): number {
  let bytes = 0
  for (const s of log.logSegments(from, to)) bytes += s.size
  return bytes
}

export class LogCleanerManager {
  /** Per log dir: partition key -> first dirty offset. */
  readonly #checkpoints = new Map<string, Map<string, number>>()
  /** Partition key -> earliest tombstone delete horizon in the clean section; NO_TIMESTAMP for none. */
  readonly #tombstoneHorizons = new Map<string, number>()
  /** Partitions whose cleaning failed unexpectedly; skipped until restart (Kafka's uncleanable partitions). */
  readonly #uncleanable = new Set<string>()

  private constructor() {}

  /**
   * Reads every log dir's cleaner-offset-checkpoint. One that cannot be read
   * is logged and treated as empty, as Kafka does: every log is then dirty
   * from its start, which costs a full cleaning, never data.
   */
  static async load(logDirs: readonly string[], logger: { warn(message: string): void }): Promise<LogCleanerManager> {
    const m = new LogCleanerManager()
    for (const dir of logDirs) {
      const path = join(dir, CLEANER_OFFSET_CHECKPOINT)
      try {
        m.#checkpoints.set(dir, await readOffsetCheckpoint(path))
      } catch (e) {
        logger.warn(`Ignoring ${path}: ${String(e)}; its logs will be cleaned from their start`)
        m.#checkpoints.set(dir, new Map())
      }
    }
    return m
  }

  /** The checkpointed first dirty offset of a partition, if any. */
  checkpoint(logDir: string, tp: TopicPartition): number | undefined {
    return this.#checkpoints.get(logDir)?.get(topicPartitionKey(tp))
  }

  /** Records a partition's first dirty offset (undefined: forget it) and rewrites that dir's checkpoint file. */
  async updateCheckpoint(logDir: string, tp: TopicPartition, offset: number | undefined): Promise<void> {
    const entries = this.#checkpoints.get(logDir) ?? new Map<string, number>()
    this.#checkpoints.set(logDir, entries)
    const key = topicPartitionKey(tp)
    if (offset === undefined) {
      entries.delete(key)
      this.#tombstoneHorizons.delete(key)
      this.#uncleanable.delete(key)
    } else {
      entries.set(key, offset)
    }
    await this.#write(logDir, entries)
  }

  async #write(logDir: string, entries: Map<string, number>): Promise<void> {
    const lines = [...entries].map(([key, offset]) => {
      const dash = key.lastIndexOf('-')
      return { topic: key.slice(0, dash), partition: Number(key.slice(dash + 1)), offset }
    })
    await writeOffsetCheckpoint(join(logDir, CLEANER_OFFSET_CHECKPOINT), lines)
  }

  /** After a pass: the earliest tombstone horizon left in the log. */
  setTombstoneHorizon(tp: TopicPartition, horizonMs: number): void {
    this.#tombstoneHorizons.set(topicPartitionKey(tp), horizonMs)
  }

  markUncleanable(tp: TopicPartition): void {
    this.#uncleanable.add(topicPartitionKey(tp))
  }

  isUncleanable(tp: TopicPartition): boolean {
    return this.#uncleanable.has(topicPartitionKey(tp))
  }

  /**
   * The compacted log to clean next, or null (Kafka's
   * `grabFilthiestCompactedLog`): the dirtiest of those due, else one whose
   * tombstones may go. Logs that failed to clean before are skipped.
   */
  async grabFilthiestCompactedLog(logs: readonly CleanableLog[], nowMs: number): Promise<LogToClean | null> {
    const dirty: LogToClean[] = []
    for (const c of logs) {
      if (!isCompacted(c.log) || this.isUncleanable(c.tp)) continue
      const offsets = cleanableOffsets(c.log, this.checkpoint(c.logDir, c.tp), nowMs)
      if (offsets.reset) await this.updateCheckpoint(c.logDir, c.tp, offsets.firstDirtyOffset)
      const cleanBytes = sizeOf(c.log, c.log.logStartOffset, offsets.firstDirtyOffset)
      const cleanableBytes = offsets.firstUncleanableOffset > offsets.firstDirtyOffset ? sizeOf(c.log, offsets.firstDirtyOffset, offsets.firstUncleanableOffset) : 0
      const total = cleanBytes + cleanableBytes
      dirty.push({
        ...c, ...offsets, cleanBytes, cleanableBytes,
        cleanableRatio: total > 0 ? cleanableBytes / total : 0,
        needCompactionNow: cleanableBytes > 0 && (await maxCompactionDelayMs(c.log, offsets.firstDirtyOffset, nowMs)) > 0,
      })
    }
    // The brief's rule is "ratio >= min.cleanable.dirty.ratio" (Kafka compares with >); some dirty bytes are required either way.
    const due = dirty.filter((l) => l.cleanableBytes > 0 && (l.needCompactionNow || l.cleanableRatio >= l.log.config.minCleanableDirtyRatio))
    if (due.length > 0) return due.reduce((a, b) => (b.cleanableRatio > a.cleanableRatio ? b : a))
    for (const l of dirty) {
      const horizon = await this.#tombstoneHorizon(l)
      if (horizon !== NO_TIMESTAMP && horizon <= nowMs) return l
    }
    return null
  }

  /** The earliest delete horizon in the clean section: known from the last pass, else read from batch headers once. */
  async #tombstoneHorizon(l: LogToClean): Promise<number> {
    const key = topicPartitionKey(l.tp)
    let horizon = this.#tombstoneHorizons.get(key)
    if (horizon === undefined) {
      horizon = NO_TIMESTAMP
      for (const s of l.log.logSegments(l.log.logStartOffset, l.firstDirtyOffset)) {
        for await (const batch of s.batches()) {
          const h = deleteHorizonMs(batch)
          if (h !== NO_TIMESTAMP && (horizon === NO_TIMESTAMP || h < horizon)) horizon = h
        }
      }
      this.#tombstoneHorizons.set(key, horizon)
    }
    return horizon
  }
}
