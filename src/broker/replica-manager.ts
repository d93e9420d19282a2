/**
 * ReplicaManager (Kafka's kafka.server.ReplicaManager): the partitions this
 * broker hosts, and the two hot paths through them. `appendRecords` appends
 * each partition's records to its leader log and maps failures to that
 * partition's error code; `fetchMessages` reads from logs and parks the fetch
 * in the purgatory until enough data arrives or its wait ends.
 *
 * Errors are values here (STYLE.md §4): a KafkaError thrown below becomes the
 * partition's error code; any other error is a bug or an I/O failure, logged
 * and answered with KAFKA_STORAGE_ERROR for storage trouble or
 * UNKNOWN_SERVER_ERROR otherwise.
 */
import type { Logger } from '../common/logger.js'
import type { Time } from '../common/time.js'
import { topicPartitionKey, type TopicPartition } from '../common/topic-partition.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { isKafkaError } from '../protocol/kafka-error.js'
import type { AppendOrigin } from '../storage/log-validator.js'
import type { LogAppendInfo } from '../storage/unified-log.js'
import { FetchPurgatory, type DelayedOperation } from './delayed-fetch.js'
import type { Partition } from './partition.js'

export interface PartitionAppendResult {
  errorCode: number
  errorMessage: string | null
  info: LogAppendInfo | null
}

export interface FetchPartitionRequest {
  tp: TopicPartition
  fetchOffset: number
  partitionMaxBytes: number
  currentLeaderEpoch: number
}

export interface FetchParams {
  /** -1 for consumers; a broker id for followers, which may read up to the log end. */
  replicaId: number
  maxWaitMs: number
  minBytes: number
  maxBytes: number
  /** 0 read_uncommitted, 1 read_committed. */
  isolationLevel: number
  partitions: FetchPartitionRequest[]
}

export interface FetchPartitionResult {
  tp: TopicPartition
  errorCode: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  records: Buffer | null
}

/** I/O errors that mean the disk, not the request, is at fault. */
const STORAGE_ERRNOS = new Set(['ENOSPC', 'EIO', 'EROFS', 'EDQUOT', 'ENOENT', 'EACCES', 'EPERM'])

export class ReplicaManager {
  readonly brokerId: number
  readonly #partitions = new Map<string, Partition>()
  readonly #purgatory = new FetchPurgatory()
  readonly #logger: Logger
  readonly #time: Time

  constructor(opts: { brokerId: number; logger: Logger; time: Time }) {
    this.brokerId = opts.brokerId
    this.#logger = opts.logger
    this.#time = opts.time
  }

  addPartition(p: Partition): void {
    this.#partitions.set(topicPartitionKey(p.topicPartition), p)
  }

  removePartition(tp: TopicPartition): Partition | undefined {
    const key = topicPartitionKey(tp)
    const p = this.#partitions.get(key)
    this.#partitions.delete(key)
    return p
  }

  getPartition(tp: TopicPartition): Partition | undefined {
    return this.#partitions.get(topicPartitionKey(tp))
  }

  allPartitions(): Partition[] {
    return [...this.#partitions.values()]
  }

  /** Maps a failure inside one partition to its error code, logging what is not the client's fault. */
  errorCodeFor(e: unknown, tp: TopicPartition, what: string): { errorCode: number; errorMessage: string | null } {
    if (isKafkaError(e)) return { errorCode: e.errorCode, errorMessage: e.errorMessage ?? null }
    const errno = (e as NodeJS.ErrnoException)?.code
    if (typeof errno === 'string' && STORAGE_ERRNOS.has(errno)) {
      this.#logger.error(`Storage error on ${what} for ${topicPartitionKey(tp)}`, { error: e })
      return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, errorMessage: String((e as Error).message) }
    }
    this.#logger.error(`Unexpected error on ${what} for ${topicPartitionKey(tp)}`, { error: e })
    return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null }
  }

  /**
   * Appends to each partition's leader log, in parallel across partitions
   * (each log serializes its own appends). With one replica, acks=-1 is
   * satisfied as soon as the leader has the records, so nothing waits here;
   * a DelayedProduce joins when followers exist.
   */
  async appendRecords(requiredAcks: number, entries: { tp: TopicPartition; records: Buffer }[], origin: AppendOrigin = 'client'): Promise<PartitionAppendResult[]> {
    return Promise.all(
      entries.map(async ({ tp, records }) => {
        const partition = this.getPartition(tp)
        if (!partition) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, info: null }
        try {
          const info = await partition.appendRecordsToLeader(records, requiredAcks, origin)
          if (!info.duplicate) this.#purgatory.notifyAppend(tp, records.length)
          return { errorCode: ErrorCode.NONE, errorMessage: null, info }
        } catch (e) {
          return { ...this.errorCodeFor(e, tp, 'append'), info: null }
        }
      }),
    )
  }

  /** Reads every requested partition once; no waiting. */
  async #readFromLogs(params: FetchParams): Promise<{ results: FetchPartitionResult[]; bytes: number; anyError: boolean }> {
    const results: FetchPartitionResult[] = []
    let bytes = 0
    let anyError = false
    for (const req of params.partitions) {
      const partition = this.getPartition(req.tp)
      const empty = { tp: req.tp, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: null }
      if (!partition) {
        results.push({ ...empty, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })
        anyError = true
        continue
      }
      const log = partition.log
      const base = { tp: req.tp, highWatermark: log.highWatermark, lastStableOffset: log.highWatermark, logStartOffset: log.logStartOffset }
      const epochError = partition.checkLeaderEpoch(req.currentLeaderEpoch)
      if (epochError !== ErrorCode.NONE) {
        results.push({ ...base, errorCode: epochError, records: null })
        anyError = true
        continue
      }
      try {
        // Consumers read up to the high watermark (read_committed: the last stable offset,
        // which equals it until transactions exist); followers up to the log end.
        const maxOffset = params.replicaId >= 0 ? log.logEndOffset : log.highWatermark
        const remaining = Math.max(0, params.maxBytes - bytes)
        const data = await log.read(req.fetchOffset, Math.min(req.partitionMaxBytes, remaining), maxOffset, bytes === 0)
        bytes += data.records.length
        results.push({ ...base, errorCode: ErrorCode.NONE, records: data.records })
      } catch (e) {
        const { errorCode } = this.errorCodeFor(e, req.tp, 'fetch')
        results.push({ ...base, errorCode, records: null })
        anyError = true
      }
    }
    return { results, bytes, anyError }
  }

  /**
   * Kafka's fetchMessages: answer at once when there is an error, enough data
   * (minBytes) or no wait; otherwise wait for appends up to maxWaitMs.
   */
  async fetchMessages(params: FetchParams): Promise<FetchPartitionResult[]> {
    const first = await this.#readFromLogs(params)
    if (params.maxWaitMs <= 0 || first.anyError || first.bytes >= params.minBytes || params.partitions.length === 0) {
      return first.results
    }
    return new Promise<FetchPartitionResult[]>((resolve) => {
      let accumulated = first.bytes
      let done = false
      const finish = () => {
        if (done) return
        done = true
        clearTimeout(timer)
        this.#purgatory.unwatch(op)
        this.#readFromLogs(params).then(
          (r) => resolve(r.results),
          () => resolve(first.results),
        )
      }
      const op: DelayedOperation = {
        keys: params.partitions.map((p) => topicPartitionKey(p.tp)),
        onAppend: (bytes) => {
          accumulated += bytes
          if (accumulated < params.minBytes) return false
          finish()
          return true
        },
        forceComplete: finish,
      }
      const timer = setTimeout(finish, params.maxWaitMs)
      this.#purgatory.watch(op)
    })
  }

  get waitingFetches(): number {
    return this.#purgatory.size
  }

  /** Completes every waiting fetch, for shutdown. */
  shutdown(): void {
    this.#purgatory.completeAll()
  }

  get time(): Time {
    return this.#time
  }
}
