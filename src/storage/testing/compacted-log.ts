/**
 * Helpers for the log cleaner's tests: a compacted log in a temporary log
 * dir, keyed batches, a cleaner over it, and the log read back record by
 * record (through UnifiedLog.read, as a consumer would).
 */
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryLogger, type MemoryLogger } from '../../common/logger.js'
import { MockTime } from '../../common/time.js'
import { decodeRecordBatches, encodeRecordBatch } from '../../protocol/records/record-batch.js'
import { CompressionType, NO_TIMESTAMP, type RecordBatch } from '../../protocol/records/record.js'
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../log-config.js'
import type { CleanerStep } from '../cleaner.js'
import type { CleanableLog } from '../log-cleaner-manager.js'
import { LogCleaner } from '../log-cleaner.js'
import { UnifiedLog } from '../unified-log.js'

export const T0 = 1_700_000_000_000

export interface KV {
  key: string | null
  value: string | null
}

export interface StoredRecord extends KV {
  offset: number
  timestamp: number
}

export function compactConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, cleanupPolicy: ['compact'], segmentBytes: 4096, minCleanableDirtyRatio: 0, deleteRetentionMs: 10_000, fileDeleteDelayMs: 0, ...overrides }
}

export interface BatchOptions {
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  compression?: CompressionType
  /** Per-record timestamp step (default 1 ms). */
  tsStep?: number
}

/** A produced batch (base offset 0) of these records, timestamps from `ts`. */
export function batchOf(records: readonly KV[], ts: number, o: BatchOptions = {}): Buffer {
  const step = o.tsStep ?? 1
  return encodeRecordBatch({
    baseOffset: 0, partitionLeaderEpoch: -1, attributes: o.compression ?? CompressionType.None, lastOffsetDelta: records.length - 1,
    baseTimestamp: ts, maxTimestamp: ts + (records.length - 1) * step,
    producerId: o.producerId ?? -1, producerEpoch: o.producerEpoch ?? (o.producerId !== undefined ? 0 : -1), baseSequence: o.baseSequence ?? (o.producerId !== undefined ? 0 : -1),
    records: records.map((r, i) => ({
      attributes: 0, timestampDelta: i * step, offsetDelta: i,
      key: r.key === null ? null : Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value), headers: [],
    })),
  })
}

export interface CompactedLogFixture {
  /** The log dir (what log.dirs names); the partition's directory is inside. */
  root: string
  dir: string
  time: MockTime
  log: UnifiedLog
  tp: { topic: string; partition: number }
}

export async function openCompactedLog(cfg: LogConfig, opts: { root?: string; topic?: string; time?: MockTime } = {}): Promise<CompactedLogFixture> {
  const root = opts.root ?? (await mkdtemp(join(tmpdir(), 'brook-cleaner-')))
  const tp = { topic: opts.topic ?? 'compacted', partition: 0 }
  const dir = join(root, `${tp.topic}-0`)
  const time = opts.time ?? new MockTime(T0)
  const log = await UnifiedLog.open(dir, cfg, { time, recoveryPoint: 0, logStartOffset: 0, producerIdExpirationMs: 86_400_000, hadCleanShutdown: false })
  return { root, dir, time, log, tp }
}

/** Appends as leader and moves the high watermark to the log end, as a single-replica partition does. */
export async function append(log: UnifiedLog, records: readonly KV[], ts: number, o: BatchOptions = {}): Promise<{ firstOffset: number; lastOffset: number }> {
  const info = await log.appendAsLeader(batchOf(records, ts, o), 0)
  log.updateHighWatermark(log.logEndOffset)
  return info
}

export interface CleanerFixture {
  cleaner: LogCleaner
  logger: MemoryLogger
}

export async function newCleaner(root: string, logs: readonly CleanableLog[], time: MockTime, o: { dedupeBufferSize?: number; afterStep?: (step: CleanerStep, dir: string) => Promise<void> } = {}): Promise<CleanerFixture> {
  const logger = memoryLogger({ level: 'info' })
  const cleaner = await LogCleaner.create({
    logDirs: [root], time, logger, logs: () => logs,
    config: { enable: true, backoffMs: 10, dedupeBufferSize: o.dedupeBufferSize ?? 4 * 1024 * 1024 },
    ...(o.afterStep ? { afterStep: o.afterStep } : {}),
  })
  return { cleaner, logger }
}

/** Every batch from the log start to the high watermark, decoded, in order. */
export async function readBatches(log: UnifiedLog): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = []
  let next = log.logStartOffset
  while (next < log.highWatermark) {
    const r = await log.read(next, 1024 * 1024, log.highWatermark, true)
    const decoded = decodeRecordBatches(r.records).batches
    if (decoded.length === 0) break
    for (const b of decoded) if (b.baseOffset + b.lastOffsetDelta >= next) batches.push(b)
    next = decoded[decoded.length - 1]!.baseOffset + decoded[decoded.length - 1]!.lastOffsetDelta + 1
  }
  return batches
}

/** Every record from the log start to the high watermark, with offset and timestamp. */
export async function readRecords(log: UnifiedLog): Promise<StoredRecord[]> {
  return (await readBatches(log)).flatMap((b) =>
    b.records.map((r) => ({
      offset: b.baseOffset + r.offsetDelta,
      timestamp: b.attributes & 0x08 ? b.maxTimestamp : b.baseTimestamp + r.timestampDelta,
      key: r.key?.toString() ?? null,
      value: r.value?.toString() ?? null,
    })),
  )
}

/** The latest record per key, as a consumer reading the whole log ends up with. */
export function latestByKey(records: readonly StoredRecord[]): Map<string | null, StoredRecord> {
  const m = new Map<string | null, StoredRecord>()
  for (const r of records) m.set(r.key, r)
  return m
}

/** Names in the partition directory with a `.cleaned`, `.swap` or `.deleted` suffix. */
export async function leftoverFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /\.(cleaned|swap|deleted)$/.test(f))
}

export { NO_TIMESTAMP }
