/**
 * LogManager (Kafka's kafka.log.LogManager): owns the log dirs and every
 * partition's UnifiedLog in them. At start-up it reads the checkpoints,
 * notices whether the last shutdown was clean, and opens (recovering where
 * needed) each log; while running it schedules retention, flushes and
 * checkpoints, and runs the log cleaner (compaction, log.cleaner.enable); at
 * shutdown it stops the cleaner, closes every log, writes the checkpoints
 * and leaves the clean-shutdown marker.
 *
 * Layout per log dir (as Kafka's):
 *   meta.properties, .kafka_cleanshutdown,
 *   recovery-point-offset-checkpoint, log-start-offset-checkpoint,
 *   replication-offset-checkpoint (high watermarks), cleaner-offset-checkpoint,
 *   <topic>-<partition>/ with partition.metadata (the topic id).
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../common/logger.js'
import type { Time } from '../common/time.js'
import { parseTopicPartitionDir, topicPartitionKey, type TopicPartition } from '../common/topic-partition.js'
import type { LogConfig } from './log-config.js'
import { LogCleaner, type LogCleanerConfig } from './log-cleaner.js'
import { readOffsetCheckpoint, writeOffsetCheckpoint } from './offset-checkpoint-file.js'
import { UnifiedLog } from './unified-log.js'

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown'
export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint'
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint'
export const HIGH_WATERMARK_CHECKPOINT = 'replication-offset-checkpoint'
const PARTITION_METADATA = 'partition.metadata'
/** setInterval's limit (2^31-1 ms, about 24.8 days). */
const MAX_TIMER_MS = 0x7fffffff

export interface LogManagerOptions {
  logDirs: readonly string[]
  time: Time
  logger: Logger
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs: number
  /** log.flush.scheduler.interval.ms: how often time-based flushes (flush.ms) are checked. */
  flushCheckIntervalMs: number
  /** log.flush.offset.checkpoint.interval.ms */
  recoveryPointCheckpointIntervalMs: number
  /** log.flush.start.offset.checkpoint.interval.ms */
  logStartOffsetCheckpointIntervalMs: number
  /** producer.id.expiration.ms */
  producerIdExpirationMs: number
  /** log.cleaner.*: compaction of logs with cleanup.policy compact (required, so no caller forgets it). */
  cleaner: LogCleanerConfig
}

interface DirState {
  dir: string
  hadCleanShutdown: boolean
  recoveryPoints: Map<string, number>
  logStartOffsets: Map<string, number>
  highWatermarks: Map<string, number>
}

interface ManagedLog {
  tp: TopicPartition
  dir: DirState
  log: UnifiedLog
}

export class LogManager {
  readonly #opts: LogManagerOptions
  readonly #dirs: DirState[]
  readonly #logs = new Map<string, ManagedLog>()
  readonly #timers: NodeJS.Timeout[] = []
  #shuttingDown = false
  #cleaner: LogCleaner | undefined

  private constructor(opts: LogManagerOptions, dirs: DirState[]) {
    this.#opts = opts
    this.#dirs = dirs
  }

  /**
   * Reads each dir's checkpoints and clean-shutdown marker, then opens the log
   * of every partition dir for which `configFor` returns a config (the
   * partitions the metadata knows); other dirs are left alone with a warning.
   */
  static async startup(opts: LogManagerOptions, configFor: (tp: TopicPartition) => LogConfig | undefined): Promise<LogManager> {
    const dirs: DirState[] = []
    for (const dir of opts.logDirs) {
      await mkdir(dir, { recursive: true })
      const marker = join(dir, CLEAN_SHUTDOWN_FILE)
      const hadCleanShutdown = await exists(marker)
      dirs.push({
        dir,
        hadCleanShutdown,
        recoveryPoints: await readOffsetCheckpoint(join(dir, RECOVERY_POINT_CHECKPOINT)),
        logStartOffsets: await readOffsetCheckpoint(join(dir, LOG_START_OFFSET_CHECKPOINT)),
        highWatermarks: await readOffsetCheckpoint(join(dir, HIGH_WATERMARK_CHECKPOINT)),
      })
    }
    const manager = new LogManager(opts, dirs)
    const started = opts.time.hiResMs()
    for (const d of dirs) {
      for (const entry of await readdir(d.dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue
        if (entry.name.endsWith('-delete')) {
          // A topic deleted just before a crash: finish the job (Kafka's LogManager does the same).
          await rm(join(d.dir, entry.name), { recursive: true, force: true })
          continue
        }
        const tp = parseTopicPartitionDir(entry.name)
        if (!tp) continue
        const config = configFor(tp)
        if (!config) {
          opts.logger.warn(`Ignoring log dir ${join(d.dir, entry.name)}: no such partition in the cluster metadata`)
          continue
        }
        await manager.#openLog(d, tp, config)
      }
      // The marker only vouches for the previous run; remove it so a crash of this run is noticed.
      await rm(join(d.dir, CLEAN_SHUTDOWN_FILE), { force: true })
    }
    const dirty = manager.#logs.size > 0 ? dirs.filter((d) => !d.hadCleanShutdown).length : 0
    opts.logger.info(`Loaded ${manager.#logs.size} logs in ${Math.round(opts.time.hiResMs() - started)} ms${dirty ? ` (recovered after an unclean shutdown in ${dirty} log dir(s))` : ''}`)
    if (opts.cleaner?.enable) {
      manager.#cleaner = await LogCleaner.create({
        logDirs: opts.logDirs, config: opts.cleaner, time: opts.time, logger: opts.logger.child('LogCleaner'),
        logs: () => [...manager.#logs.values()].map((m) => ({ tp: m.tp, logDir: m.dir.dir, log: m.log })),
      })
      manager.#cleaner.startup()
    }
    manager.#schedule()
    return manager
  }

  async #openLog(d: DirState, tp: TopicPartition, config: LogConfig): Promise<UnifiedLog> {
    const key = topicPartitionKey(tp)
    const log = await UnifiedLog.open(join(d.dir, key), config, {
      time: this.#opts.time,
      recoveryPoint: d.recoveryPoints.get(key) ?? 0,
      logStartOffset: d.logStartOffsets.get(key) ?? 0,
      producerIdExpirationMs: this.#opts.producerIdExpirationMs,
      hadCleanShutdown: d.hadCleanShutdown,
      logger: this.#opts.logger.child(key),
    })
    const hw = d.highWatermarks.get(key)
    if (hw !== undefined) log.updateHighWatermark(Math.min(hw, log.logEndOffset))
    this.#logs.set(key, { tp, dir: d, log })
    return log
  }

  /** The log cleaner, when log.cleaner.enable. */
  get cleaner(): LogCleaner | undefined {
    return this.#cleaner
  }

  getLog(tp: TopicPartition): UnifiedLog | undefined {
    return this.#logs.get(topicPartitionKey(tp))?.log
  }

  allLogs(): { tp: TopicPartition; dir: string; log: UnifiedLog }[] {
    return [...this.#logs.values()].map((m) => ({ tp: m.tp, dir: m.dir.dir, log: m.log }))
  }

  /** Opens the partition's log, creating its dir (in the dir holding the fewest logs) if needed. */
  async getOrCreateLog(tp: TopicPartition, config: LogConfig, topicId: string): Promise<UnifiedLog> {
    const existing = this.getLog(tp)
    if (existing) return existing
    const d = this.#leastLoadedDir()
    const dir = join(d.dir, topicPartitionKey(tp))
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, PARTITION_METADATA), `version: 0\ntopic_id: ${topicId}\n`)
    this.#opts.logger.info(`Created log for partition ${topicPartitionKey(tp)} in ${d.dir}`)
    return this.#openLog(d, tp, config)
  }

  /** Kafka renames the dir to `<name>.<uuid>-delete` first, so a crash mid-delete is finished at start-up. */
  async deleteLog(tp: TopicPartition): Promise<void> {
    const key = topicPartitionKey(tp)
    const m = this.#logs.get(key)
    if (!m) return
    this.#logs.delete(key)
    // Kafka's abortCleaning: a running cleaning of this log stops (its files go) before the log closes.
    await this.#cleaner?.abortAndForget(tp, m.dir.dir)
    await m.log.close()
    const dir = join(m.dir.dir, key)
    const doomed = `${dir}.${crypto.randomUUID().replaceAll('-', '')}-delete`
    await rename(dir, doomed)
    await rm(doomed, { recursive: true, force: true })
    this.#opts.logger.info(`Deleted log for partition ${key}`)
  }

  #leastLoadedDir(): DirState {
    const counts = new Map(this.#dirs.map((d) => [d, 0]))
    for (const m of this.#logs.values()) counts.set(m.dir, (counts.get(m.dir) ?? 0) + 1)
    return [...counts].sort((a, b) => a[1] - b[1])[0]![0]
  }

  /** Retention for every log (Kafka's cleanupLogs); returns the number of segments deleted. */
  async cleanupLogs(): Promise<number> {
    let deleted = 0
    for (const m of [...this.#logs.values()]) {
      try {
        deleted += await m.log.deleteOldSegments()
      } catch (e) {
        this.#opts.logger.error(`Retention failed for ${topicPartitionKey(m.tp)}`, { error: e })
      }
    }
    return deleted
  }

  async checkpointRecoveryPoints(): Promise<void> {
    await this.#writeCheckpoint(RECOVERY_POINT_CHECKPOINT, (log) => log.recoveryPoint)
  }

  async checkpointLogStartOffsets(): Promise<void> {
    await this.#writeCheckpoint(LOG_START_OFFSET_CHECKPOINT, (log) => log.logStartOffset)
  }

  async checkpointHighWatermarks(): Promise<void> {
    await this.#writeCheckpoint(HIGH_WATERMARK_CHECKPOINT, (log) => log.highWatermark)
  }

  async #writeCheckpoint(file: string, value: (log: UnifiedLog) => number): Promise<void> {
    for (const d of this.#dirs) {
      const entries = [...this.#logs.values()].filter((m) => m.dir === d).map((m) => ({ topic: m.tp.topic, partition: m.tp.partition, offset: value(m.log) }))
      await writeOffsetCheckpoint(join(d.dir, file), entries)
    }
  }

  #schedule(): void {
    const every = (ms: number, name: string, fn: () => Promise<unknown>) => {
      // Long.MAX_VALUE (Kafka's "never") and anything past setInterval's 32-bit limit: not scheduled.
      if (ms > MAX_TIMER_MS) return
      let running = false
      const timer = setInterval(() => {
        // Skip a tick rather than stack runs when the previous one is still going.
        if (running || this.#shuttingDown) return
        running = true
        fn()
          .catch((e) => this.#opts.logger.error(`${name} failed`, { error: e }))
          .finally(() => {
            running = false
          })
      }, ms)
      timer.unref()
      this.#timers.push(timer)
    }
    every(this.#opts.retentionCheckIntervalMs, 'Log retention', () => this.cleanupLogs())
    every(this.#opts.flushCheckIntervalMs, 'Log flush', () => this.#flushDue())
    every(this.#opts.recoveryPointCheckpointIntervalMs, 'Recovery point checkpoint', async () => {
      await this.checkpointRecoveryPoints()
      await this.checkpointHighWatermarks()
    })
    every(this.#opts.logStartOffsetCheckpointIntervalMs, 'Log start offset checkpoint', () => this.checkpointLogStartOffsets())
  }

  async #flushDue(): Promise<void> {
    for (const m of this.#logs.values()) await m.log.flushIfDue()
  }

  /** Clean shutdown: stop the cleaner (a running pass is aborted), close (flush) every log, write all checkpoints, then the marker. */
  async shutdown(): Promise<void> {
    this.#shuttingDown = true
    for (const t of this.#timers) clearInterval(t)
    await this.#cleaner?.shutdown()
    for (const m of this.#logs.values()) await m.log.close()
    await this.checkpointRecoveryPoints()
    await this.checkpointLogStartOffsets()
    await this.checkpointHighWatermarks()
    for (const d of this.#dirs) await writeFile(join(d.dir, CLEAN_SHUTDOWN_FILE), '')
    this.#opts.logger.info('Log manager shut down cleanly')
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/** Reads partition.metadata's topic id, if present. */
export async function readPartitionTopicId(partitionDir: string): Promise<string | null> {
  try {
    const text = await readFile(join(partitionDir, PARTITION_METADATA), 'utf8')
    return /topic_id:\s*(\S+)/.exec(text)?.[1] ?? null
  } catch {
    return null
  }
}
