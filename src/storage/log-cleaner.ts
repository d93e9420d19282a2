/**
 * Log compaction (Kafka's `LogCleaner`): keeps, in every log whose
 * cleanup.policy includes `compact`, at least the latest record of each key,
 * and removes tombstones (null values) delete.retention.ms after they were
 * first cleaned.
 *
 * One cleaner runs on the event loop, off the request path: it picks the
 * dirtiest due log (log-cleaner-manager.ts), cleans it (cleaner.ts), records
 * the new first dirty offset in `cleaner-offset-checkpoint`, and starts
 * again; with nothing due it waits log.cleaner.backoff.ms. A pass is done in
 * chunks with awaits and periodic yields, so appends, fetches and other logs
 * proceed meanwhile, and its memory is bounded by
 * log.cleaner.dedupe.buffer.size (the OffsetMap; the rest is one read chunk
 * and one write chunk of 1 MiB).
 *
 * Stopping: `abortCleaning(tp)` (the log is being deleted) and `shutdown()`
 * make the running pass throw at its next check, delete its `.cleaned`
 * files, and resolve once it has; a swap already queued on the log finishes
 * first, so the log is never left between states.
 *
 * Deviations from Kafka: one cleaner (log.cleaner.threads is accepted and
 * ignored); the OffsetMap stores keys, not MD5 hashes (no collisions); a
 * log with expired tombstones is cleaned even when nothing else is due;
 * "due" is dirty ratio >= min.cleanable.dirty.ratio where Kafka uses >; no
 * I/O throttling (log.cleaner.io.max.bytes.per.second).
 */
import type { Logger } from '../common/logger.js'
import type { Time } from '../common/time.js'
import { topicPartitionKey, type TopicPartition } from '../common/topic-partition.js'
import { Cleaner, LogCleaningAbortedError, type CleanerStats, type CleanerStep, type CleanResult } from './cleaner.js'
import { LogCleanerManager, type CleanableLog, type LogToClean } from './log-cleaner-manager.js'
import { OffsetMap } from './offset-map.js'

export interface LogCleanerConfig {
  /** log.cleaner.enable: whether LogManager starts the cleaner at all. */
  enable: boolean
  /** log.cleaner.backoff.ms: the pause when no log needs cleaning. */
  backoffMs: number
  /** log.cleaner.dedupe.buffer.size: memory for the key -> offset map. */
  dedupeBufferSize: number
}

export interface LogCleanerOptions {
  logDirs: readonly string[]
  config: LogCleanerConfig
  time: Time
  logger: Logger
  /** The logs to consider, asked afresh before every pass (the LogManager's). */
  logs: () => readonly CleanableLog[]
  /** Test hook: awaited at each CleanerStep with the log's directory. */
  afterStep?: (step: CleanerStep, dir: string) => Promise<void>
}

const MB = 1024 * 1024

export class LogCleaner {
  readonly manager: LogCleanerManager
  readonly #opts: LogCleanerOptions
  readonly #cleaner: Cleaner
  /** Partitions whose cleaning must stop, with why (checked between batches). */
  readonly #aborting = new Map<string, string>()
  /** The pass (or pause) the loop is in; abort and shutdown wait for it. */
  #current: Promise<unknown> = Promise.resolve()
  #loop: Promise<void> | null = null
  #stopping = false
  #wake: (() => void) | null = null

  private constructor(opts: LogCleanerOptions, manager: LogCleanerManager) {
    this.#opts = opts
    this.manager = manager
    this.#cleaner = new Cleaner({
      offsetMap: new OffsetMap(opts.config.dedupeBufferSize),
      time: opts.time,
      checkDone: (tp) => this.#checkDone(tp),
      ...(opts.afterStep ? { afterStep: opts.afterStep } : {}),
    })
  }

  /** Reads the cleaner checkpoints of every log dir; does not start cleaning. */
  static async create(opts: LogCleanerOptions): Promise<LogCleaner> {
    return new LogCleaner(opts, await LogCleanerManager.load(opts.logDirs, opts.logger))
  }

  /** Starts cleaning in the background (Kafka's `LogCleaner.startup`). */
  startup(): void {
    if (this.#loop !== null) return
    this.#opts.logger.info(`Starting the log cleaner (backoff ${this.#opts.config.backoffMs} ms, dedupe buffer ${this.#opts.config.dedupeBufferSize} bytes)`)
    this.#loop = this.#run()
  }

  /** Stops: aborts the running pass, waits until its files are gone (Kafka's `LogCleaner.shutdown`). */
  async shutdown(): Promise<void> {
    this.#stopping = true
    this.#wake?.()
    await this.#loop
    await this.#current.catch(() => undefined)
  }

  /**
   * Aborts the cleaning of `tp` if it is running and waits until it has
   * stopped, then forgets its checkpoint (the log is being deleted; Kafka's
   * `abortCleaning` + `updateCheckpoints(remove)`). The caller has already
   * removed the log from what `logs()` returns.
   */
  async abortAndForget(tp: TopicPartition, logDir: string): Promise<void> {
    const key = topicPartitionKey(tp)
    this.#aborting.set(key, 'the log is being deleted')
    try {
      await this.#current.catch(() => undefined)
    } finally {
      this.#aborting.delete(key)
    }
    await this.manager.updateCheckpoint(logDir, tp, undefined)
  }

  /**
   * Cleans the dirtiest log due for it, once (Kafka's
   * `tryCleanFilthiestLog`); false when none was. Also what the loop calls;
   * tests and benchmarks call it directly on a cleaner never started.
   */
  cleanFilthiestLog(): Promise<boolean> {
    const run = this.#current.catch(() => undefined).then(() => this.#cleanFilthiestLog())
    this.#current = run
    return run
  }

  async #cleanFilthiestLog(): Promise<boolean> {
    if (this.#stopping) return false
    const ltc = await this.manager.grabFilthiestCompactedLog(this.#opts.logs(), this.#opts.time.nowMs())
    if (ltc === null) return false
    const key = topicPartitionKey(ltc.tp)
    try {
      const result = await this.#cleaner.clean(ltc)
      await this.manager.updateCheckpoint(ltc.logDir, ltc.tp, result.endOffset)
      this.manager.setTombstoneHorizon(ltc.tp, result.tombstoneHorizonMs)
      this.#logStats(ltc, result)
    } catch (e) {
      if (e instanceof LogCleaningAbortedError) {
        this.#opts.logger.info(`Cleaning of log ${key} stopped: ${e.message}`)
      } else if (!ltc.log.isUsable) {
        // Closed or failed meanwhile (deleted, I/O error): nothing to mark.
        this.#opts.logger.info(`Cleaning of log ${key} stopped: the log is no longer usable`)
      } else {
        this.manager.markUncleanable(ltc.tp)
        this.#opts.logger.error(`Cleaning of log ${key} failed; it will not be cleaned again until restart`, { error: e })
      }
    }
    return true
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      let cleaned = false
      try {
        cleaned = await this.cleanFilthiestLog()
      } catch (e) {
        this.#opts.logger.error('Log cleaner pass failed', { error: e })
      }
      if (!cleaned && !this.#stopping) await this.#pause(this.#opts.config.backoffMs)
    }
  }

  /** Waits `ms`, or until shutdown. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      const self = this
      function done(): void {
        clearTimeout(timer)
        self.#wake = null
        resolve()
      }
      this.#wake = done
    })
  }

  #checkDone(tp: TopicPartition): void {
    if (this.#stopping) throw new LogCleaningAbortedError('the log cleaner is shutting down')
    const reason = this.#aborting.get(topicPartitionKey(tp))
    if (reason !== undefined) throw new LogCleaningAbortedError(reason)
  }

  /** Kafka's `recordStats` line, at INFO: what an operator needs to see the cleaner work. */
  #logStats(ltc: LogToClean, result: CleanResult): void {
    const s: CleanerStats = result.stats
    const secs = Math.max(s.elapsedSecs, 0.001)
    const reduction = s.bytesRead > 0 ? (100 * (1 - s.bytesWritten / s.bytesRead)).toFixed(1) : '0.0'
    this.#opts.logger.info(
      `Cleaned log ${topicPartitionKey(ltc.tp)}: ${(s.bytesRead / MB).toFixed(1)} MB in ${secs.toFixed(1)} s (${(s.bytesRead / MB / secs).toFixed(1)} MB/s), ` +
        `${reduction}% size reduction; ${s.messagesRead} records read, ${s.messagesWritten} kept; ${s.segmentsCleaned} segments into ${s.segmentsWritten}; ` +
        `dirty offsets ${ltc.firstDirtyOffset}-${result.endOffset} mapped (${(s.mapBytesRead / MB).toFixed(1)} MB, dirty ratio ${ltc.cleanableRatio.toFixed(2)})`,
    )
  }
}
