/**
 * Topic-level configuration: Kafka's topic keys (TopicConfig / LogConfig)
 * with their types, defaults and validators, and how a topic's effective
 * `LogConfig` is built from them.
 *
 * A topic key's value comes from, in order (Kafka's LogConfig.fromProps over
 * KafkaConfig.extractLogConfigMap):
 *   1. the topic's override (CreateTopics / AlterConfigs, stored with the topic);
 *   2. the broker's synonym (ServerTopicConfigSynonyms): `segment.bytes` ←
 *      `log.segment.bytes`, `retention.ms` ← log.retention.ms > .minutes >
 *      .hours, `max.message.bytes` ← `message.max.bytes`, ... The broker
 *      config already holds Kafka's default when the file does not set it;
 *   3. the topic key's own default (keys with no broker synonym).
 *
 * Accepted for compatibility but without effect in Brook: preallocate,
 * message.format.version (deprecated; Brook writes record batches v2),
 * leader/follower.replication.throttled.replicas (no replication quotas yet),
 * local.retention.ms/bytes (tiered storage is not supported; and
 * remote.storage.enable=true is rejected, as Kafka does when the broker's
 * tiered storage is off).
 */
import {
  atLeast,
  between,
  ConfigDef,
  ConfigError,
  customValidator,
  formatConfigValue,
  isConfigError,
  LONG_MAX_VALUE,
  validList,
  validString,
  type CamelCaseKeys,
  type ConfigValues,
} from '../../common/config-def.js'
import type { LogConfig } from '../../storage/log-config.js'
import {
  describedEntry,
  LEGACY_RECORD_OVERHEAD_V0,
  SEGMENT_MIN_NOTE,
  brokerSynonyms,
  staticLayers,
  synonymEntry,
  type BrokerConfigLayers,
  type DescribedConfig,
  type DescribedConfigSynonym,
  type KafkaConfig,
} from './kafka-config.js'

const DAY_MS = 24 * 60 * 60 * 1000
const TIERED = 'tiered storage is not supported'

/** Kafka's ThrottledReplicaListValidator: `*`, or `partition:brokerId` pairs. */
const throttledReplicas = customValidator<readonly string[]>('[partitionId]:[brokerId],[partitionId]:[brokerId],...', (list) => {
  if (list.length === 1 && list[0] === '*') return undefined
  if (list.every((e) => /^\s*\d+\s*:\s*\d+\s*$/.test(e))) return undefined
  return "must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..."
})

const messageFormatVersion = customValidator<string>('[0.8.0, ..., 3.0-IV1, ...]', (v) =>
  /^\d+\.\d+(\.\d+)*(-IV\d+)?$/.test(v) ? undefined : 'Version must be a Kafka release such as 2.8 or 3.0-IV1',
)

/** The topic-level ConfigDef. */
export const TOPIC_CONFIG_DEF = new ConfigDef()
  .define({ name: 'segment.bytes', type: 'int', default: 1024 * 1024 * 1024, validator: atLeast(LEGACY_RECORD_OVERHEAD_V0), note: SEGMENT_MIN_NOTE, doc: 'This configuration controls the segment file size for the log. Retention and cleaning is always done a file at a time so a larger segment size means fewer files but less granular control over retention.' })
  .define({ name: 'segment.ms', type: 'long', default: 7 * DAY_MS, validator: atLeast(1), doc: "This configuration controls the period of time after which Kafka will force the log to roll even if the segment file isn't full to ensure that retention can delete or compact old data." })
  .define({ name: 'segment.jitter.ms', type: 'long', default: 0, validator: atLeast(0), doc: 'The maximum random jitter subtracted from the scheduled segment roll time to avoid thundering herds of segment rolling' })
  .define({ name: 'segment.index.bytes', type: 'int', default: 10 * 1024 * 1024, validator: atLeast(4), doc: 'This configuration controls the size of the index that maps offsets to file positions. We preallocate this index file and shrink it only after log rolls. You generally should not need to change this setting.' })
  .define({ name: 'flush.messages', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(1), doc: 'This setting allows specifying an interval at which we will force an fsync of data written to the log. For example if this was set to 1 we would fsync after every message; if it were 5 we would fsync after every five messages. In general we recommend you not set this and use replication for durability and allow the operating system\'s background flush capabilities as it is more efficient.' })
  .define({ name: 'flush.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), doc: 'This setting allows specifying a time interval at which we will force an fsync of data written to the log. For example if this was set to 1000 we would fsync after 1000 ms had passed. In general we recommend you not set this and use replication for durability and allow the operating system\'s background flush capabilities as it is more efficient.' })
  .define({ name: 'retention.bytes', type: 'long', default: -1, doc: 'This configuration controls the maximum size a partition (which consists of log segments) can grow to before we will discard old log segments to free up space if we are using the "delete" retention policy. By default there is no size limit only a time limit. Since this limit is enforced at the partition level, multiply it by the number of partitions to compute the topic retention in bytes.' })
  .define({ name: 'retention.ms', type: 'long', default: 7 * DAY_MS, validator: atLeast(-1), doc: 'This configuration controls the maximum time we will retain a log before we will discard old log segments to free up space if we are using the "delete" retention policy. This represents an SLA on how soon consumers must read their data. If set to -1, no time limit is applied.' })
  .define({ name: 'max.message.bytes', type: 'int', default: 1024 * 1024 + 12, validator: atLeast(0), doc: 'The largest record batch size allowed by Kafka (after compression if compression is enabled). In the latest message format version, records are always grouped into batches for efficiency. In previous message format versions, uncompressed records are not grouped into batches and this limit only applies to a single record in that case.' })
  .define({ name: 'index.interval.bytes', type: 'int', default: 4096, validator: atLeast(0), doc: 'This setting controls how frequently Kafka adds an index entry to its offset index. The default setting ensures that we index a message roughly every 4096 bytes. More indexing allows reads to jump closer to the exact position in the log but makes the index larger. You probably don\'t need to change this.' })
  .define({ name: 'delete.retention.ms', type: 'long', default: DAY_MS, validator: atLeast(0), note: 'tombstones get a KIP-534 delete horizon (now + this) in their batch header when first cleaned and go at the first cleaning after it', doc: 'The amount of time to retain delete tombstone markers for log compacted topics. This setting also gives a bound on the time in which a consumer must complete a read if they begin from offset 0 to ensure that they get a valid snapshot of the final stage (otherwise delete tombstones may be collected before they complete their scan).' })
  .define({ name: 'min.compaction.lag.ms', type: 'long', default: 0, validator: atLeast(0), note: 'segments holding a record younger than this are not cleaned', doc: 'The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted.' })
  .define({ name: 'max.compaction.lag.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(1), note: 'a log whose oldest dirty segment is older than this is cleaned whatever its dirty ratio', doc: 'The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted.' })
  .define({ name: 'file.delete.delay.ms', type: 'long', default: 60000, validator: atLeast(0), doc: 'The time to wait before deleting a file from the filesystem' })
  .define({ name: 'min.cleanable.dirty.ratio', type: 'double', default: 0.5, validator: between(0, 1), note: 'a log is cleaned once dirty bytes / (clean + dirty bytes) reach this (Kafka: exceed it)', doc: 'This configuration controls how frequently the log compactor will attempt to clean the log (assuming log compaction is enabled). By default we will avoid cleaning a log where more than 50% of the log has been compacted. If max.compaction.lag.ms or min.compaction.lag.ms are also specified, the log is eligible for compaction as soon as either the dirty ratio threshold has been met and the log has had dirty records for at least min.compaction.lag.ms, or the log has had dirty records for at most max.compaction.lag.ms.' })
  .define({ name: 'cleanup.policy', type: 'list', default: ['delete'], validator: validList('compact', 'delete'), note: 'delete: retention by retention.ms/retention.bytes; compact: the log cleaner keeps the latest record per key and never deletes by retention; compact,delete: both; keyless records are refused on compacted topics (INVALID_RECORD)', doc: 'A string that is either "delete" or "compact" or both. This string designates the retention policy to use on old log segments. The default policy ("delete") will discard old segments when their retention time or size limit has been reached. The "compact" setting will enable log compaction on the topic.' })
  .define({ name: 'unclean.leader.election.enable', type: 'boolean', default: false, doc: 'Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss.' })
  .define({ name: 'min.insync.replicas', type: 'int', default: 1, validator: atLeast(1), doc: 'When a producer sets acks to "all" (or "-1"), this configuration specifies the minimum number of replicas that must acknowledge a write for the write to be considered successful. If this minimum cannot be met, then the producer will raise an exception (either NotEnoughReplicas or NotEnoughReplicasAfterAppend).' })
  .define({ name: 'compression.type', type: 'string', default: 'producer', validator: validString('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'), doc: "Specify the final compression type for a given topic. This configuration accepts the standard compression codecs ('gzip', 'snappy', 'lz4', 'zstd'). It additionally accepts 'uncompressed' which is equivalent to no compression; and 'producer' which means retain the original compression codec set by the producer." })
  .define({ name: 'preallocate', type: 'boolean', default: false, support: 'ignored', note: 'Brook does not preallocate segment files', doc: 'True if we should preallocate the file on disk when creating a new log segment.' })
  .define({ name: 'message.format.version', type: 'string', default: '3.0-IV1', validator: messageFormatVersion, support: 'ignored', note: 'deprecated in Kafka 3.0; Brook writes record batches v2 and converts on fetch for older clients', doc: 'Specify the message format version the broker will use to append messages to the logs.' })
  .define({ name: 'message.timestamp.type', type: 'string', default: 'CreateTime', validator: validString('CreateTime', 'LogAppendTime'), doc: 'Define whether the timestamp in the message is message create time or log append time. The value should be either `CreateTime` or `LogAppendTime`' })
  .define({ name: 'message.timestamp.difference.max.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), note: 'deprecated (KIP-937): a before/after bound left at its default takes this value', doc: 'The maximum difference allowed between the timestamp when a broker receives a message and the timestamp specified in the message. If message.timestamp.type=CreateTime, a message will be rejected if the difference in timestamp exceeds this threshold. This configuration is ignored if message.timestamp.type=LogAppendTime.' })
  .define({ name: 'message.timestamp.before.max.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), doc: "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp. The message timestamp can be earlier than or equal to the broker's timestamp, with the maximum allowable difference determined by the value set in this configuration. If message.timestamp.type=CreateTime, the message will be rejected if the difference in timestamps exceeds this specified threshold. This configuration is ignored if message.timestamp.type=LogAppendTime." })
  .define({ name: 'message.timestamp.after.max.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), doc: "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp. The message timestamp can be later than or equal to the broker's timestamp, with the maximum allowable difference determined by the value set in this configuration. If message.timestamp.type=CreateTime, the message will be rejected if the difference in timestamps exceeds this specified threshold. This configuration is ignored if message.timestamp.type=LogAppendTime." })
  .define({ name: 'message.downconversion.enable', type: 'boolean', default: true, doc: 'This configuration controls whether down-conversion of message formats is enabled to satisfy consume requests. When set to false, broker will not perform down-conversion for consumers expecting an older message format. The broker responds with UNSUPPORTED_VERSION error for consume requests from such older clients.' })
  .define({ name: 'leader.replication.throttled.replicas', type: 'list', default: [], validator: throttledReplicas, support: 'ignored', note: 'no replication quotas yet', doc: "A list of replicas for which log replication should be throttled on the leader side. The list should describe a set of replicas in the form [PartitionId]:[BrokerId],[PartitionId]:[BrokerId]:... or alternatively the wildcard '*' can be used to throttle all replicas for this topic." })
  .define({ name: 'follower.replication.throttled.replicas', type: 'list', default: [], validator: throttledReplicas, support: 'ignored', note: 'no replication quotas yet', doc: "A list of replicas for which log replication should be throttled on the follower side. The list should describe a set of replicas in the form [PartitionId]:[BrokerId],[PartitionId]:[BrokerId]:... or alternatively the wildcard '*' can be used to throttle all replicas for this topic." })
  .define({ name: 'remote.storage.enable', type: 'boolean', default: false, note: `must be false: ${TIERED}`, doc: 'To enable tiered storage for a topic, set this configuration as true. You can not disable this config once it is enabled.' })
  .define({ name: 'local.retention.ms', type: 'long', default: -2, validator: atLeast(-2), support: 'ignored', note: TIERED, doc: 'The number of milliseconds to keep the local log segment before it gets deleted. Default value is -2, it represents `retention.ms` value is to be used. The effective value should always be less than or equal to `retention.ms` value.' })
  .define({ name: 'local.retention.bytes', type: 'long', default: -2, validator: atLeast(-2), support: 'ignored', note: TIERED, doc: 'The maximum size of local log segments that can grow for a partition before it deletes the old segments. Default value is -2, it represents `retention.bytes` value to be used. The effective value should always be less than or equal to `retention.bytes` value.' })

type RawTopicValues = ConfigValues<typeof TOPIC_CONFIG_DEF>

/** Every topic key's effective value, by camelCase name (a superset of LogConfig). */
export type TopicConfig = CamelCaseKeys<RawTopicValues>

interface BrokerSynonym {
  /** The broker keys, highest priority first (ServerTopicConfigSynonyms). */
  readonly names: readonly string[]
  /** The broker's effective value for them (which includes Kafka's default when unset). */
  readonly value: (c: KafkaConfig) => unknown
}

const synonym = (names: readonly string[], value: (c: KafkaConfig) => unknown): BrokerSynonym => ({ names, value })

/** Topic key → the broker keys that give its default (Kafka's ServerTopicConfigSynonyms). */
const BROKER_SYNONYMS: Readonly<Record<string, BrokerSynonym>> = Object.freeze({
  'segment.bytes': synonym(['log.segment.bytes'], (c) => c.logSegmentBytes),
  'segment.ms': synonym(['log.roll.ms', 'log.roll.hours'], (c) => c.logRollMs),
  'segment.jitter.ms': synonym(['log.roll.jitter.ms', 'log.roll.jitter.hours'], (c) => c.logRollJitterMs),
  'segment.index.bytes': synonym(['log.index.size.max.bytes'], (c) => c.logIndexSizeMaxBytes),
  'flush.messages': synonym(['log.flush.interval.messages'], (c) => c.logFlushIntervalMessages),
  'flush.ms': synonym(['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'], (c) => c.logFlushIntervalMs),
  'retention.bytes': synonym(['log.retention.bytes'], (c) => c.logRetentionBytes),
  'retention.ms': synonym(['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'], (c) => c.logRetentionMs),
  'max.message.bytes': synonym(['message.max.bytes'], (c) => c.messageMaxBytes),
  'index.interval.bytes': synonym(['log.index.interval.bytes'], (c) => c.logIndexIntervalBytes),
  'delete.retention.ms': synonym(['log.cleaner.delete.retention.ms'], (c) => c.logCleanerDeleteRetentionMs),
  'min.compaction.lag.ms': synonym(['log.cleaner.min.compaction.lag.ms'], (c) => c.logCleanerMinCompactionLagMs),
  'max.compaction.lag.ms': synonym(['log.cleaner.max.compaction.lag.ms'], (c) => c.logCleanerMaxCompactionLagMs),
  'file.delete.delay.ms': synonym(['log.segment.delete.delay.ms'], (c) => c.logSegmentDeleteDelayMs),
  'min.cleanable.dirty.ratio': synonym(['log.cleaner.min.cleanable.ratio'], (c) => c.logCleanerMinCleanableRatio),
  'cleanup.policy': synonym(['log.cleanup.policy'], (c) => c.logCleanupPolicy),
  'unclean.leader.election.enable': synonym(['unclean.leader.election.enable'], (c) => c.uncleanLeaderElectionEnable),
  'min.insync.replicas': synonym(['min.insync.replicas'], (c) => c.minInsyncReplicas),
  'compression.type': synonym(['compression.type'], (c) => c.compressionType),
  preallocate: synonym(['log.preallocate'], (c) => c.logPreallocate),
  'message.format.version': synonym(['log.message.format.version'], (c) => c.logMessageFormatVersion),
  'message.timestamp.type': synonym(['log.message.timestamp.type'], (c) => c.logMessageTimestampType),
  'message.timestamp.difference.max.ms': synonym(['log.message.timestamp.difference.max.ms'], (c) => c.logMessageTimestampDifferenceMaxMs),
  'message.timestamp.before.max.ms': synonym(['log.message.timestamp.before.max.ms'], (c) => c.logMessageTimestampBeforeMaxMs),
  'message.timestamp.after.max.ms': synonym(['log.message.timestamp.after.max.ms'], (c) => c.logMessageTimestampAfterMaxMs),
  'message.downconversion.enable': synonym(['log.message.downconversion.enable'], (c) => c.logMessageDownconversionEnable),
  'local.retention.ms': synonym(['log.local.retention.ms'], (c) => c.logLocalRetentionMs),
  'local.retention.bytes': synonym(['log.local.retention.bytes'], (c) => c.logLocalRetentionBytes),
})

/** The broker keys that supply a topic key's default, highest priority first ([] for none). */
export function topicConfigSynonyms(topicKey: string): readonly string[] {
  return BROKER_SYNONYMS[topicKey]?.names ?? []
}

/** Typed values of `overrides` for the keys TOPIC_CONFIG_DEF knows; unknown keys are skipped. */
function parseOverrides(overrides: Readonly<Record<string, string>>): Map<string, unknown> {
  const parsed = new Map<string, unknown>()
  for (const [name, raw] of Object.entries(overrides)) {
    if (TOPIC_CONFIG_DEF.has(name)) parsed.set(name, TOPIC_CONFIG_DEF.parseValue(name, raw))
  }
  return parsed
}

function mergedByName(broker: KafkaConfig, overrides: Readonly<Record<string, string>>): Record<string, unknown> {
  const parsed = parseOverrides(overrides)
  const byName: Record<string, unknown> = {}
  for (const key of TOPIC_CONFIG_DEF.keys()) {
    const fromBroker = BROKER_SYNONYMS[key.name]
    byName[key.name] = parsed.has(key.name) ? parsed.get(key.name) : fromBroker ? fromBroker.value(broker) : key.defaultValue
  }
  // KIP-937: a before/after bound left at "no limit" takes the deprecated difference value.
  for (const name of ['message.timestamp.before.max.ms', 'message.timestamp.after.max.ms']) {
    if ((byName[name] as number) >= LONG_MAX_VALUE) byName[name] = byName['message.timestamp.difference.max.ms']
  }
  return byName
}

/**
 * Every topic key's effective value: override > broker synonym > default.
 * Throws ConfigError for an invalid override; unknown override keys are
 * ignored here (validateTopicConfigs rejects them at CreateTopics/AlterConfigs).
 */
export function buildTopicConfig(broker: KafkaConfig, overrides: Readonly<Record<string, string>>): TopicConfig {
  const byName = mergedByName(broker, overrides)
  const values: Record<string, unknown> = {}
  for (const key of TOPIC_CONFIG_DEF.keys()) values[key.field] = byName[key.name]
  return Object.freeze(values) as TopicConfig
}

/** The storage layer's LogConfig for a topic: override > broker synonym > Kafka default. */
export function buildLogConfig(broker: KafkaConfig, overrides: Readonly<Record<string, string>>): LogConfig {
  const t = buildTopicConfig(broker, overrides)
  return Object.freeze({
    segmentBytes: t.segmentBytes,
    segmentMs: t.segmentMs,
    segmentJitterMs: t.segmentJitterMs,
    segmentIndexBytes: t.segmentIndexBytes,
    indexIntervalBytes: t.indexIntervalBytes,
    retentionMs: t.retentionMs,
    retentionBytes: t.retentionBytes,
    maxMessageBytes: t.maxMessageBytes,
    messageTimestampType: t.messageTimestampType,
    messageTimestampBeforeMaxMs: t.messageTimestampBeforeMaxMs,
    messageTimestampAfterMaxMs: t.messageTimestampAfterMaxMs,
    cleanupPolicy: t.cleanupPolicy,
    flushMessages: t.flushMessages,
    flushMs: t.flushMs,
    fileDeleteDelayMs: t.fileDeleteDelayMs,
    deleteRetentionMs: t.deleteRetentionMs,
    minCleanableDirtyRatio: t.minCleanableDirtyRatio,
    minCompactionLagMs: t.minCompactionLagMs,
    maxCompactionLagMs: t.maxCompactionLagMs,
    minInsyncReplicas: t.minInsyncReplicas,
    compressionType: t.compressionType,
    messageDownconversionEnable: t.messageDownconversionEnable,
    preallocate: t.preallocate,
  })
}

/**
 * Checks a CreateTopics / AlterConfigs set of topic overrides as Kafka does
 * (LogConfig.validate): known names, valid values, min.compaction.lag.ms <=
 * max.compaction.lag.ms, no tiered storage. Returns the first problem as a
 * ConfigError (the handler answers INVALID_CONFIG with its message), or null.
 * With `broker`, keys not overridden take the broker's values in the checks.
 */
export function validateTopicConfigs(overrides: Readonly<Record<string, string>>, broker?: KafkaConfig): ConfigError | null {
  for (const [name, raw] of Object.entries(overrides)) {
    if (!TOPIC_CONFIG_DEF.has(name)) return new ConfigError(name, raw, undefined, { message: `Unknown topic config name: ${name}` })
  }
  let parsed: Map<string, unknown>
  try {
    parsed = parseOverrides(overrides)
  } catch (e) {
    if (isConfigError(e)) return e
    throw e
  }
  if (parsed.get('remote.storage.enable') === true) {
    return new ConfigError('remote.storage.enable', 'true', 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.')
  }
  const effective = (name: string): number =>
    (parsed.has(name) ? parsed.get(name) : broker ? BROKER_SYNONYMS[name]!.value(broker) : TOPIC_CONFIG_DEF.key(name)!.defaultValue) as number
  const minLag = effective('min.compaction.lag.ms')
  const maxLag = effective('max.compaction.lag.ms')
  if (minLag > maxLag) {
    const fmt = (n: number): string => formatConfigValue(n, 'long')!
    return new ConfigError('min.compaction.lag.ms', minLag, undefined, {
      message: `conflict topic config setting min.compaction.lag.ms (${fmt(minLag)}) > max.compaction.lag.ms (${fmt(maxLag)})`,
    })
  }
  return null
}

/**
 * DescribeConfigs for a topic: every topic key with its effective value and
 * where it came from: DYNAMIC_TOPIC_CONFIG (the topic's override),
 * DYNAMIC_BROKER_CONFIG / DYNAMIC_DEFAULT_BROKER_CONFIG (a broker synonym set
 * dynamically for this broker / the cluster), STATIC_BROKER_CONFIG (a broker
 * synonym set in server.properties) or DEFAULT_CONFIG. Synonyms list, highest
 * priority first, the override, then the broker keys by level (see
 * brokerSynonyms), as Kafka's ConfigHelper does. `broker` is the effective
 * broker config (dynamic layers applied).
 *
 * Deviation: Kafka lists a topic key's broker synonyms only from its first
 * (highest-priority) synonym onwards and drops them all when that one is
 * unset, so with `log.retention.hours=24` in the file, Kafka reports
 * retention.ms=86400000 as DEFAULT_CONFIG with no synonyms. Brook reports
 * STATIC_BROKER_CONFIG with log.retention.hours as the synonym that supplied it.
 */
export function describeTopicConfigs(
  broker: KafkaConfig,
  overrides: Readonly<Record<string, string>>,
  layers: BrokerConfigLayers = staticLayers(broker.originals),
): DescribedConfig[] {
  const byName = mergedByName(broker, overrides)
  return TOPIC_CONFIG_DEF.keys().map((key) => {
    const value = formatConfigValue(byName[key.name], key.type)
    const synonyms: DescribedConfigSynonym[] = []
    if (Object.hasOwn(overrides, key.name)) synonyms.push(synonymEntry(key.name, value, 'DYNAMIC_TOPIC_CONFIG'))
    synonyms.push(...brokerSynonyms(topicConfigSynonyms(key.name), layers, false))
    return describedEntry(key, value, synonyms, key.readOnly ?? false)
  })
}
