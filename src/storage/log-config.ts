/**
 * A topic's log configuration: the topic-level keys of Kafka's LogConfig,
 * typed. Values come from the topic's overrides, else the broker's `log.*`
 * defaults, else Kafka's defaults (see `src/broker/config/` for parsing and
 * the broker-key synonyms). Frozen once built; a config change makes a new one.
 */
export type CleanupPolicy = 'delete' | 'compact'
export type MessageTimestampType = 'CreateTime' | 'LogAppendTime'

export interface LogConfig {
  /** segment.bytes: roll the active segment once it would exceed this. */
  readonly segmentBytes: number
  /** segment.ms: roll once the active segment's first batch is this old. */
  readonly segmentMs: number
  /** segment.jitter.ms: random jitter subtracted from segment.ms per segment. */
  readonly segmentJitterMs: number
  /** segment.index.bytes: maximum size of each .index/.timeindex file. */
  readonly segmentIndexBytes: number
  /** index.interval.bytes: add an index entry after this many bytes of batches. */
  readonly indexIntervalBytes: number
  /** retention.ms: delete segments whose newest record is older; -1 keeps forever. */
  readonly retentionMs: number
  /** retention.bytes: delete oldest segments while the log is larger; -1 unlimited. */
  readonly retentionBytes: number
  /** max.message.bytes: largest record batch (after compression) accepted. */
  readonly maxMessageBytes: number
  /** message.timestamp.type. */
  readonly messageTimestampType: MessageTimestampType
  /** message.timestamp.before.max.ms / after.max.ms (KIP-937); Long.MAX_VALUE = no check. */
  readonly messageTimestampBeforeMaxMs: number
  readonly messageTimestampAfterMaxMs: number
  /** cleanup.policy. */
  readonly cleanupPolicy: readonly CleanupPolicy[]
  /** flush.messages / flush.ms: fsync after this many messages / this long; Long.MAX_VALUE = leave it to the OS. */
  readonly flushMessages: number
  readonly flushMs: number
  /** file.delete.delay.ms: how long a deleted segment lingers as `.deleted`. */
  readonly fileDeleteDelayMs: number
  /** delete.retention.ms, min.cleanable.dirty.ratio, min/max.compaction.lag.ms: used by the cleaner (issue 4). */
  readonly deleteRetentionMs: number
  readonly minCleanableDirtyRatio: number
  readonly minCompactionLagMs: number
  readonly maxCompactionLagMs: number
  /** min.insync.replicas (acks=all). */
  readonly minInsyncReplicas: number
  /** compression.type: producer (keep as sent) or a codec the broker recompresses to. */
  readonly compressionType: 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
  /** message.downconversion.enable: allow Fetch v0-v3 conversion. */
  readonly messageDownconversionEnable: boolean
  /** preallocate: accepted for compatibility; Brook does not preallocate. */
  readonly preallocate: boolean
}

/** Long.MAX_VALUE as Kafka uses it for "no limit"; larger than any safe integer, so compare with >=. */
export const LONG_MAX = Number.MAX_SAFE_INTEGER

/** Kafka's defaults for every topic-level key (LogConfig / ServerLogConfigs). */
export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentJitterMs: 0,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  maxMessageBytes: 1024 * 1024 + 12,
  messageTimestampType: 'CreateTime',
  messageTimestampBeforeMaxMs: LONG_MAX,
  messageTimestampAfterMaxMs: LONG_MAX,
  cleanupPolicy: Object.freeze(['delete']) as readonly CleanupPolicy[],
  flushMessages: LONG_MAX,
  flushMs: LONG_MAX,
  fileDeleteDelayMs: 60_000,
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: LONG_MAX,
  minInsyncReplicas: 1,
  compressionType: 'producer',
  messageDownconversionEnable: true,
  preallocate: false,
})
