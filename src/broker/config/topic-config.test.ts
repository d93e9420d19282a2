import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { LONG_MAX_VALUE } from '../../common/config-def.js'
import { DEFAULT_LOG_CONFIG } from '../../storage/log-config.js'
import { parseKafkaConfig, type DescribedConfig } from './kafka-config.js'
import { buildLogConfig, buildTopicConfig, describeTopicConfigs, TOPIC_CONFIG_DEF, topicConfigSynonyms, validateTopicConfigs } from './topic-config.js'

const HOUR = 3_600_000
const broker = (props: Record<string, string> = {}) => parseKafkaConfig(props).config

describe('buildLogConfig', () => {
  it("equals storage's DEFAULT_LOG_CONFIG for a default broker and no overrides", () => {
    assert.deepEqual(buildLogConfig(broker(), {}), DEFAULT_LOG_CONFIG)
    assert.ok(Object.isFrozen(buildLogConfig(broker(), {})))
  })

  it('takes broker synonyms as defaults', () => {
    const c = buildLogConfig(
      broker({
        'log.segment.bytes': '1048576',
        'log.roll.hours': '2',
        'log.retention.minutes': '30',
        'message.max.bytes': '2000000',
        'log.cleanup.policy': 'compact,delete',
        'log.index.interval.bytes': '100',
        'log.index.size.max.bytes': '4096',
        'log.flush.interval.messages': '10',
        'log.flush.scheduler.interval.ms': '3000',
        'log.cleaner.delete.retention.ms': '5',
        'log.cleaner.min.cleanable.ratio': '0.25',
        'log.cleaner.min.compaction.lag.ms': '7',
        'log.cleaner.max.compaction.lag.ms': '70',
        'log.segment.delete.delay.ms': '0',
        'log.message.timestamp.type': 'LogAppendTime',
        'min.insync.replicas': '2',
        'compression.type': 'zstd',
        'log.message.downconversion.enable': 'false',
        'log.retention.bytes': '1000',
      }),
      {},
    )
    assert.equal(c.segmentBytes, 1048576)
    assert.equal(c.segmentMs, 2 * HOUR)
    assert.equal(c.retentionMs, 30 * 60000)
    assert.equal(c.maxMessageBytes, 2000000)
    assert.deepEqual(c.cleanupPolicy, ['compact', 'delete'])
    assert.equal(c.indexIntervalBytes, 100)
    assert.equal(c.segmentIndexBytes, 4096)
    assert.equal(c.flushMessages, 10)
    assert.equal(c.flushMs, 3000)
    assert.equal(c.deleteRetentionMs, 5)
    assert.equal(c.minCleanableDirtyRatio, 0.25)
    assert.equal(c.minCompactionLagMs, 7)
    assert.equal(c.maxCompactionLagMs, 70)
    assert.equal(c.fileDeleteDelayMs, 0)
    assert.equal(c.messageTimestampType, 'LogAppendTime')
    assert.equal(c.minInsyncReplicas, 2)
    assert.equal(c.compressionType, 'zstd')
    assert.equal(c.messageDownconversionEnable, false)
    assert.equal(c.retentionBytes, 1000)
  })

  it('topic override > broker synonym > Kafka default', () => {
    const b = broker({ 'log.retention.hours': '24', 'log.segment.bytes': '2097152', 'log.roll.ms': '1000' })
    const c = buildLogConfig(b, { 'retention.ms': '5000', 'segment.ms': '60000' })
    assert.equal(c.retentionMs, 5000, 'override')
    assert.equal(c.segmentMs, 60000, 'override beats log.roll.ms')
    assert.equal(c.segmentBytes, 2097152, 'broker synonym')
    assert.equal(c.segmentJitterMs, 0, 'Kafka default through the broker')
    assert.equal(buildLogConfig(b, {}).retentionMs, 24 * HOUR)
    assert.equal(buildLogConfig(broker({ 'log.retention.ms': '-1' }), {}).retentionMs, -1)
    assert.equal(buildLogConfig(b, { 'retention.ms': '-1' }).retentionMs, -1)
  })

  it('message.timestamp.difference.max.ms fills before/after left at no limit (KIP-937)', () => {
    const c = buildLogConfig(broker(), { 'message.timestamp.difference.max.ms': '1000', 'message.timestamp.after.max.ms': '10' })
    assert.equal(c.messageTimestampBeforeMaxMs, 1000)
    assert.equal(c.messageTimestampAfterMaxMs, 10)
    assert.equal(buildLogConfig(broker(), {}).messageTimestampBeforeMaxMs, LONG_MAX_VALUE)
  })

  it('throws a ConfigError naming the key for an invalid override, ignores unknown ones', () => {
    assert.throws(() => buildLogConfig(broker(), { 'segment.bytes': '10' }), { code: 'ERR_CONFIG_INVALID', key: 'segment.bytes' })
    assert.equal(buildLogConfig(broker(), { 'future.key': 'x' }).segmentBytes, 1024 * 1024 * 1024)
  })

  it('buildTopicConfig also carries the keys LogConfig does not', () => {
    const t = buildTopicConfig(broker({ 'unclean.leader.election.enable': 'true' }), { 'leader.replication.throttled.replicas': '0:1,1:2' })
    assert.equal(t.uncleanLeaderElectionEnable, true)
    assert.deepEqual(t.leaderReplicationThrottledReplicas, ['0:1', '1:2'])
    assert.equal(t.remoteStorageEnable, false)
    assert.equal(t.localRetentionMs, -2)
    assert.equal(t.messageFormatVersion, '3.0-IV1')
  })
})

describe('validateTopicConfigs', () => {
  it('accepts valid overrides', () => {
    assert.equal(validateTopicConfigs({}), null)
    assert.equal(validateTopicConfigs({ 'cleanup.policy': 'compact', 'retention.ms': '-1', 'min.cleanable.dirty.ratio': '0.1', 'follower.replication.throttled.replicas': '*', 'message.format.version': '2.8' }), null)
  })

  it('rejects unknown names, invalid values and conflicts with Kafka messages', () => {
    assert.equal(validateTopicConfigs({ 'retention.hours': '1' })?.message, 'Unknown topic config name: retention.hours')
    assert.equal(validateTopicConfigs({ 'retention.ms': '-2' })?.message, 'Invalid value -2 for configuration retention.ms: Value must be at least -1')
    assert.equal(validateTopicConfigs({ 'cleanup.policy': 'purge' })?.key, 'cleanup.policy')
    assert.equal(validateTopicConfigs({ 'max.message.bytes': 'big' })?.message, 'Invalid value big for configuration max.message.bytes: Not a number of type INT')
    assert.equal(validateTopicConfigs({ 'message.timestamp.type': 'Now' })?.key, 'message.timestamp.type')
    assert.match(validateTopicConfigs({ 'leader.replication.throttled.replicas': 'a:b' })!.message, /literal '\*'/)
    assert.match(validateTopicConfigs({ 'message.format.version': 'latest' })!.message, /message.format.version/)
    assert.equal(
      validateTopicConfigs({ 'min.compaction.lag.ms': '100', 'max.compaction.lag.ms': '10' })?.message,
      'conflict topic config setting min.compaction.lag.ms (100) > max.compaction.lag.ms (10)',
    )
    assert.match(validateTopicConfigs({ 'remote.storage.enable': 'true' })!.message, /Tiered Storage functionality is disabled/)
    assert.equal(validateTopicConfigs({ 'remote.storage.enable': 'false' }), null)
  })

  it("checks the compaction lags against the broker's when one is not overridden", () => {
    const b = broker({ 'log.cleaner.max.compaction.lag.ms': '50' })
    assert.equal(validateTopicConfigs({ 'min.compaction.lag.ms': '100' }), null)
    assert.equal(validateTopicConfigs({ 'min.compaction.lag.ms': '100' }, b)?.key, 'min.compaction.lag.ms')
  })
})

describe('describeTopicConfigs', () => {
  const byName = (entries: DescribedConfig[]): Map<string, DescribedConfig> => new Map(entries.map((e) => [e.name, e]))

  it('sources: DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG, with synonyms', () => {
    const b = broker({ 'log.retention.hours': '24', 'log.segment.bytes': '2097152' })
    const entries = byName(describeTopicConfigs(b, { 'cleanup.policy': 'compact', 'segment.bytes': '1048576' }))
    assert.equal(entries.size, TOPIC_CONFIG_DEF.keys().length)

    const policy = entries.get('cleanup.policy')!
    assert.equal(policy.value, 'compact')
    assert.equal(policy.source, 'DYNAMIC_TOPIC_CONFIG')
    assert.equal(policy.configSource, 1)
    assert.equal(policy.readOnly, false)
    assert.equal(policy.configType, 7)
    assert.deepEqual(policy.synonyms, [
      { name: 'cleanup.policy', value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG', configSource: 1 },
      { name: 'log.cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG', configSource: 5 },
    ])

    const segment = entries.get('segment.bytes')!
    assert.equal(segment.value, '1048576')
    assert.deepEqual(segment.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`), [
      'DYNAMIC_TOPIC_CONFIG:segment.bytes=1048576',
      'STATIC_BROKER_CONFIG:log.segment.bytes=2097152',
      'DEFAULT_CONFIG:log.segment.bytes=1073741824',
    ])

    const retention = entries.get('retention.ms')!
    assert.equal(retention.value, String(24 * HOUR))
    assert.equal(retention.source, 'STATIC_BROKER_CONFIG')
    assert.equal(retention.configSource, 4)
    assert.equal(retention.isDefault, false)
    assert.deepEqual(retention.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`), [
      'STATIC_BROKER_CONFIG:log.retention.hours=24',
      'DEFAULT_CONFIG:log.retention.hours=168',
    ])

    const maxBytes = entries.get('max.message.bytes')!
    assert.equal(maxBytes.value, '1048588')
    assert.equal(maxBytes.source, 'DEFAULT_CONFIG')
    assert.equal(maxBytes.isDefault, true)
    assert.deepEqual(maxBytes.synonyms, [{ name: 'message.max.bytes', value: '1048588', source: 'DEFAULT_CONFIG', configSource: 5 }])

    const throttled = entries.get('leader.replication.throttled.replicas')!
    assert.equal(throttled.value, '')
    assert.equal(throttled.source, 'DEFAULT_CONFIG')
    assert.deepEqual(throttled.synonyms, [])

    assert.equal(entries.get('flush.ms')!.value, '9223372036854775807')
    assert.equal(entries.get('min.cleanable.dirty.ratio')!.value, '0.5')
    assert.equal(entries.get('min.cleanable.dirty.ratio')!.configType, 6)
    assert.match(entries.get('segment.ms')!.documentation, /force the log to roll/)
  })

  it('synonym table matches Kafka ServerTopicConfigSynonyms', () => {
    assert.deepEqual(topicConfigSynonyms('retention.ms'), ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'])
    assert.deepEqual(topicConfigSynonyms('segment.ms'), ['log.roll.ms', 'log.roll.hours'])
    assert.deepEqual(topicConfigSynonyms('flush.ms'), ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'])
    assert.deepEqual(topicConfigSynonyms('min.cleanable.dirty.ratio'), ['log.cleaner.min.cleanable.ratio'])
    assert.deepEqual(topicConfigSynonyms('file.delete.delay.ms'), ['log.segment.delete.delay.ms'])
    assert.deepEqual(topicConfigSynonyms('remote.storage.enable'), [])
  })
})

describe('docs/CONFIG.md', () => {
  it('documents every topic key with its type, default and broker synonym', () => {
    const doc = readFileSync(findRepoFile('docs/CONFIG.md'), 'utf8')
    const topicSection = doc.slice(doc.indexOf('## Topic configuration'))
    assert.ok(topicSection.length > 0)
    for (const key of TOPIC_CONFIG_DEF.keys()) {
      const row = topicSection.split('\n').find((l) => l.startsWith(`| \`${key.name}\` |`))
      assert.ok(row, `docs/CONFIG.md has no topic row for ${key.name}; run: npx tsc -p . && node scripts/config-docs.mjs`)
      const cells = row.split(' | ')
      assert.equal(cells[1], key.type, `type of ${key.name}`)
      const def = TOPIC_CONFIG_DEF.formatValue(key.name, key.defaultValue)!
      assert.ok(cells[2]!.includes(def === '' ? '""' : def), `default of ${key.name} in docs/CONFIG.md is stale`)
      const synonym = topicConfigSynonyms(key.name)[0]
      if (synonym) assert.ok(row.includes(`\`${synonym}\``), `synonym of ${key.name}`)
    }
  })
})

function findRepoFile(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, relative)
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`${relative} not found above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}
