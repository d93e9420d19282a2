import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { isConfigError, LONG_MAX_VALUE, type ConfigError } from '../../common/config-def.js'
import { BROKER_CONFIG_DEF, describeBrokerConfigs, loadServerProperties, parseKafkaConfig, type DescribedConfig } from './kafka-config.js'

const SEED = {
  'broker.id': '0',
  listeners: 'PLAINTEXT://:9092',
  'advertised.listeners': 'PLAINTEXT://127.0.0.1:9092',
  'log.dirs': '/tmp/x',
}
const HOUR = 3_600_000

function configError(props: Record<string, string>, key: string, message?: RegExp): ConfigError {
  try {
    parseKafkaConfig(props)
  } catch (e) {
    assert.ok(isConfigError(e), `expected ConfigError, got ${String(e)}`)
    assert.equal(e.key, key, e.message)
    assert.equal(e.code, 'ERR_CONFIG_INVALID')
    assert.ok(e.message.includes(key), `message names the key: ${e.message}`)
    if (message) assert.match(e.message, message)
    return e
  }
  assert.fail(`expected a ConfigError for ${key}`)
}

describe('parseKafkaConfig', () => {
  it("parses the seed's server.properties", () => {
    const { config, unknownKeys } = parseKafkaConfig(SEED)
    assert.deepEqual(unknownKeys, [])
    assert.equal(config.brokerId, 0)
    assert.equal(config.nodeId, 0)
    assert.deepEqual(config.listeners, [{ name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' }])
    assert.deepEqual(config.advertisedListeners, [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' }])
    assert.deepEqual(config.logDirs, ['/tmp/x'])
    assert.equal(config.singleNode, true)
    assert.ok(Object.isFrozen(config))
  })

  it("has Kafka's defaults", () => {
    const { config } = parseKafkaConfig({})
    assert.equal(config.brokerId, 0, 'broker.id -1 becomes 0 in single-node mode')
    assert.deepEqual(config.logDirs, ['/tmp/kafka-logs'])
    assert.equal(config.numPartitions, 1)
    assert.equal(config.defaultReplicationFactor, 1)
    assert.equal(config.autoCreateTopicsEnable, true)
    assert.equal(config.deleteTopicEnable, true)
    assert.equal(config.logSegmentBytes, 1073741824)
    assert.equal(config.logRollMs, 168 * HOUR)
    assert.equal(config.logRollJitterMs, 0)
    assert.equal(config.logRetentionMs, 168 * HOUR)
    assert.equal(config.logRetentionBytes, -1)
    assert.equal(config.logRetentionCheckIntervalMs, 300000)
    assert.equal(config.logIndexIntervalBytes, 4096)
    assert.equal(config.logIndexSizeMaxBytes, 10485760)
    assert.equal(config.messageMaxBytes, 1048588)
    assert.equal(config.logMessageTimestampType, 'CreateTime')
    assert.equal(config.logMessageTimestampBeforeMaxMs, LONG_MAX_VALUE)
    assert.equal(config.logFlushIntervalMessages, LONG_MAX_VALUE)
    assert.equal(config.logFlushIntervalMs, LONG_MAX_VALUE)
    assert.equal(config.logFlushOffsetCheckpointIntervalMs, 60000)
    assert.equal(config.logFlushStartOffsetCheckpointIntervalMs, 60000)
    assert.deepEqual(config.logCleanupPolicy, ['delete'])
    assert.equal(config.logCleanerEnable, true)
    assert.equal(config.logCleanerMinCleanableRatio, 0.5)
    assert.equal(config.logCleanerDeleteRetentionMs, 86400000)
    assert.equal(config.logSegmentDeleteDelayMs, 60000)
    assert.equal(config.compressionType, 'producer')
    assert.equal(config.minInsyncReplicas, 1)
    assert.equal(config.socketRequestMaxBytes, 104857600)
    assert.equal(config.producerIdExpirationMs, 86400000)
    assert.equal(config.transactionalIdExpirationMs, 604800000)
    assert.equal(config.maxIncrementalFetchSessionCacheSlots, 1000)
    assert.equal(config.offsetsTopicNumPartitions, 50)
    assert.equal(config.offsetsTopicReplicationFactor, 3)
    assert.equal(config.offsetsRetentionMinutes, 10080)
    assert.equal(config.groupInitialRebalanceDelayMs, 3000)
    assert.equal(config.groupMinSessionTimeoutMs, 6000)
    assert.equal(config.groupMaxSessionTimeoutMs, 1800000)
    assert.equal(config.transactionStateLogNumPartitions, 50)
    assert.equal(config.zookeeperConnect, null)
    assert.equal(config.zookeeperConnectionTimeoutMs, 18000)
    assert.equal(config.uncleanLeaderElectionEnable, false)
    assert.equal(config.replicaLagTimeMaxMs, 30000)
    assert.equal(config.brokerRack, null)
    assert.equal(config.interBrokerListenerName, 'PLAINTEXT')
    assert.equal(config.brookLogLevel, 'info')
    assert.equal(config.brookLogDestination, 'stdout')
    assert.deepEqual(config.advertisedListeners, [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' }])
  })

  it('returns unknown keys rather than throwing', () => {
    const { unknownKeys } = parseKafkaConfig({ ...SEED, 'some.plugin.setting': 'x', 'ssl.keystore.location': '/k' })
    assert.deepEqual(unknownKeys, ['some.plugin.setting', 'ssl.keystore.location'])
  })

  it('overrides win over the file', () => {
    const { config, unknownKeys } = parseKafkaConfig(SEED, { 'log.dirs': './data', 'num.partitions': '3', 'x.y': '1' })
    assert.deepEqual(config.logDirs, ['./data'])
    assert.equal(config.numPartitions, 3)
    assert.deepEqual(unknownKeys, ['x.y'])
    assert.equal(config.originals['log.dirs'], './data')
  })

  it('rejects invalid values with a ConfigError naming the key', () => {
    configError({ 'num.partitions': 'abc' }, 'num.partitions', /^Invalid value abc for configuration num.partitions: Not a number of type INT$/)
    configError({ 'num.partitions': '0' }, 'num.partitions', /Value must be at least 1/)
    configError({ 'auto.create.topics.enable': 'yes' }, 'auto.create.topics.enable', /either true or false/)
    configError({ 'log.segment.bytes': '10' }, 'log.segment.bytes', /at least 14/)
    configError({ 'compression.type': 'brotli' }, 'compression.type', /String must be one of/)
    configError({ 'log.cleanup.policy': 'delete,purge' }, 'log.cleanup.policy', /String must be one of: compact, delete/)
    configError({ 'log.message.timestamp.type': 'createtime' }, 'log.message.timestamp.type')
    configError({ 'log.cleaner.min.cleanable.ratio': '1.5' }, 'log.cleaner.min.cleanable.ratio', /no more than 1/)
    configError({ 'message.max.bytes': '99999999999' }, 'message.max.bytes', /Not a number of type INT/)
    configError({ 'log.roll.hours': '0' }, 'log.roll.hours', /at least 1/)
    configError({ 'brook.log.level': 'loud' }, 'brook.log.level')
    configError({ 'offsets.topic.replication.factor': '40000' }, 'offsets.topic.replication.factor', /SHORT/)
  })

  it('log.retention: ms > minutes > hours; negative means unlimited; zero is rejected', () => {
    assert.equal(parseKafkaConfig({ 'log.retention.hours': '24' }).config.logRetentionMs, 24 * HOUR)
    assert.equal(parseKafkaConfig({ 'log.retention.hours': '24', 'log.retention.minutes': '30' }).config.logRetentionMs, 30 * 60000)
    assert.equal(parseKafkaConfig({ 'log.retention.hours': '24', 'log.retention.minutes': '30', 'log.retention.ms': '1234' }).config.logRetentionMs, 1234)
    assert.equal(parseKafkaConfig({ 'log.retention.ms': '-1' }).config.logRetentionMs, -1)
    // Kafka: any negative value, from any of the three keys, is "no time limit".
    assert.equal(parseKafkaConfig({ 'log.retention.hours': '-5' }).config.logRetentionMs, -1)
    assert.equal(parseKafkaConfig({ 'log.retention.minutes': '-2' }).config.logRetentionMs, -1)
    configError({ 'log.retention.ms': '0' }, 'log.retention.ms', /must be unlimited \(-1\) or, equal or greater than 1/)
    configError({ 'log.retention.hours': '0' }, 'log.retention.hours')
    // The raw keys stay readable.
    const { config } = parseKafkaConfig({ 'log.retention.minutes': '30' })
    assert.equal(config.logRetentionMinutes, 30)
    assert.equal(config.logRetentionHours, 168)
  })

  it('log.roll: ms > hours, and jitter likewise', () => {
    assert.equal(parseKafkaConfig({ 'log.roll.hours': '2' }).config.logRollMs, 2 * HOUR)
    assert.equal(parseKafkaConfig({ 'log.roll.hours': '2', 'log.roll.ms': '500' }).config.logRollMs, 500)
    assert.equal(parseKafkaConfig({ 'log.roll.jitter.hours': '1' }).config.logRollJitterMs, HOUR)
    assert.equal(parseKafkaConfig({ 'log.roll.jitter.hours': '1', 'log.roll.jitter.ms': '10' }).config.logRollJitterMs, 10)
    configError({ 'log.roll.ms': '0' }, 'log.roll.ms')
  })

  it('log.flush.interval.ms falls back to log.flush.scheduler.interval.ms', () => {
    assert.equal(parseKafkaConfig({ 'log.flush.scheduler.interval.ms': '2000' }).config.logFlushIntervalMs, 2000)
    assert.equal(parseKafkaConfig({ 'log.flush.scheduler.interval.ms': '2000', 'log.flush.interval.ms': '100' }).config.logFlushIntervalMs, 100)
  })

  it('log.message.timestamp.difference.max.ms fills bounds left at their default (KIP-937)', () => {
    const { config } = parseKafkaConfig({ 'log.message.timestamp.difference.max.ms': '1000', 'log.message.timestamp.after.max.ms': '50' })
    assert.equal(config.logMessageTimestampBeforeMaxMs, 1000)
    assert.equal(config.logMessageTimestampAfterMaxMs, 50)
  })

  it('log.dirs is a comma list and wins over log.dir; duplicates and empties are rejected', () => {
    assert.deepEqual(parseKafkaConfig({ 'log.dirs': '/a, /b', 'log.dir': '/c' }).config.logDirs, ['/a', '/b'])
    assert.deepEqual(parseKafkaConfig({ 'log.dir': '/c' }).config.logDirs, ['/c'])
    configError({ 'log.dirs': '/a,/a' }, 'log.dirs', /Duplicate/)
    configError({ 'log.dirs': '' }, 'log.dirs', /At least one log directory/)
    configError({ 'log.dirs': '/a,,/b' }, 'log.dirs')
  })

  it('broker.id and node.id are synonyms', () => {
    assert.equal(parseKafkaConfig({ 'node.id': '3' }).config.brokerId, 3)
    assert.equal(parseKafkaConfig({ 'broker.id': '3' }).config.nodeId, 3)
    assert.equal(parseKafkaConfig({ 'broker.id': '3', 'node.id': '3' }).config.nodeId, 3)
    configError({ 'broker.id': '1', 'node.id': '2' }, 'node.id', /same value as broker.id/)
    configError({ 'broker.id': '-2' }, 'broker.id', /greater than or equal to 0/)
  })

  it('with zookeeper.connect, broker.id -1 stays for generation and is bounded by reserved.broker.max.id', () => {
    const { config } = parseKafkaConfig({ 'zookeeper.connect': 'localhost:2181' })
    assert.equal(config.singleNode, false)
    assert.equal(config.brokerId, -1)
    assert.equal(config.zookeeperConnectionTimeoutMs, 18000)
    assert.equal(parseKafkaConfig({ 'zookeeper.connect': 'zk:2181', 'zookeeper.connection.timeout.ms': '6000' }).config.zookeeperConnectionTimeoutMs, 6000)
    configError({ 'zookeeper.connect': 'zk:2181', 'broker.id': '1001' }, 'broker.id', /reserved.broker.max.id/)
    configError({ 'zookeeper.connect': 'zk:2181', 'broker.id.generation.enable': 'false' }, 'broker.id', /greater than or equal to 0/)
  })

  it('listeners: names, hosts, IPv6, ephemeral ports; advertised defaults', () => {
    const { config } = parseKafkaConfig({
      listeners: 'PLAINTEXT://0.0.0.0:9092, internal://[::1]:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
    })
    assert.deepEqual(
      config.listeners.map((l) => [l.name, l.host, l.port]),
      [['PLAINTEXT', '0.0.0.0', 9092], ['INTERNAL', '::1', 0]],
    )
    assert.deepEqual(config.advertisedListeners.map((l) => [l.name, l.host, l.port]), [['PLAINTEXT', '127.0.0.1', 9092], ['INTERNAL', '::1', 0]])
    const explicit = parseKafkaConfig({ listeners: 'PLAINTEXT://:9092', 'advertised.listeners': 'PLAINTEXT://:19092' }).config
    assert.deepEqual(explicit.advertisedListeners, [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 19092, securityProtocol: 'PLAINTEXT' }])
  })

  it('listeners: rejects bad URIs, non-PLAINTEXT protocols, unknown names and duplicates', () => {
    configError({ listeners: 'localhost:9092' }, 'listeners', /Unable to parse localhost:9092/)
    configError({ listeners: 'PLAINTEXT://:70000' }, 'listeners', /out of range/)
    configError({ listeners: 'SSL://:9093' }, 'listeners', /security protocol SSL; Brook supports only PLAINTEXT/)
    configError({ listeners: 'PLAINTEXT://:9092,CLIENT://:9093' }, 'listeners', /No security protocol defined for listener CLIENT/)
    configError({ listeners: 'PLAINTEXT://:9092,PLAINTEXT://:9093' }, 'listeners', /different name/)
    configError({ listeners: 'PLAINTEXT://:9092,B://:9092', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,B:PLAINTEXT' }, 'listeners', /different port/)
    configError({ listeners: '' }, 'listeners', /At least one listener/)
    configError({ 'listener.security.protocol.map': 'PLAINTEXT:TLS' }, 'listener.security.protocol.map', /Unknown security protocol TLS/)
    configError({ 'listener.security.protocol.map': 'PLAINTEXT' }, 'listener.security.protocol.map', /form <listener name>:<security protocol>/)
    configError({ 'advertised.listeners': 'PLAINTEXT://0.0.0.0:9092' }, 'advertised.listeners', /nonroutable meta-address 0.0.0.0/)
    configError({ 'advertised.listeners': 'OTHER://h:1', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT' }, 'advertised.listeners', /subset/)
    configError({ 'security.inter.broker.protocol': 'SSL' }, 'security.inter.broker.protocol', /PLAINTEXT/)
    configError({ 'inter.broker.listener.name': 'NOPE' }, 'inter.broker.listener.name', /advertised.listeners/)
    configError({ 'inter.broker.listener.name': 'PLAINTEXT', 'security.inter.broker.protocol': 'PLAINTEXT' }, 'inter.broker.listener.name', /Only one of/)
  })

  it('rejects KRaft roles and tiered storage with clear messages', () => {
    configError({ 'process.roles': 'broker,controller' }, 'process.roles', /KRaft mode is not supported/)
    configError({ 'remote.log.storage.system.enable': 'true' }, 'remote.log.storage.system.enable', /tiered storage/)
  })

  it('cross-key checks as Kafka', () => {
    configError({ 'group.min.session.timeout.ms': '10', 'group.max.session.timeout.ms': '5' }, 'group.max.session.timeout.ms')
    configError({ 'replica.fetch.wait.max.ms': '40000' }, 'replica.socket.timeout.ms')
    configError({ 'replica.fetch.wait.max.ms': '20000', 'replica.lag.time.max.ms': '10000' }, 'replica.fetch.wait.max.ms')
    configError({ 'queued.max.request.bytes': '1000' }, 'queued.max.request.bytes')
  })

  it('accepts the thread counts (ignored: one event loop)', () => {
    const { config } = parseKafkaConfig({ 'num.network.threads': '3', 'num.io.threads': '8', 'num.recovery.threads.per.data.dir': '1', 'background.threads': '10' })
    assert.equal(config.numIoThreads, 8)
    assert.equal(BROKER_CONFIG_DEF.key('num.io.threads')!.support, 'ignored')
  })
})

describe('loadServerProperties', () => {
  it('reads a server.properties file, with overrides on top', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'brook-cfg-'))
    try {
      const path = join(dir, 'server.properties')
      await writeFile(path, '# seed\nbroker.id=0\nlisteners=PLAINTEXT://:9092\nadvertised.listeners=PLAINTEXT://127.0.0.1:9092\nlog.dirs=/tmp/x\nbogus.key=1\n')
      const { config, unknownKeys } = await loadServerProperties(path, { 'log.dirs': './data' })
      assert.deepEqual(config.logDirs, ['./data'])
      assert.equal(config.advertisedListeners[0]!.port, 9092)
      assert.deepEqual(unknownKeys, ['bogus.key'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('describeBrokerConfigs', () => {
  const byName = (entries: DescribedConfig[]): Map<string, DescribedConfig> => new Map(entries.map((e) => [e.name, e]))

  it('lists every key with value, source, type code, docs', () => {
    const { config } = parseKafkaConfig({ ...SEED, 'log.retention.hours': '24' })
    const entries = byName(describeBrokerConfigs(config))
    assert.equal(entries.size, BROKER_CONFIG_DEF.keys().length)

    const np = entries.get('num.partitions')!
    assert.equal(np.value, '1')
    assert.equal(np.source, 'DEFAULT_CONFIG')
    assert.equal(np.configSource, 5)
    assert.equal(np.isDefault, true)
    assert.equal(np.configType, 3)
    assert.equal(np.readOnly, true)
    assert.equal(np.isSensitive, false)
    assert.deepEqual(np.synonyms, [{ name: 'num.partitions', value: '1', source: 'DEFAULT_CONFIG', configSource: 5 }])
    assert.match(np.documentation, /default number of log partitions/)

    const dirs = entries.get('log.dirs')!
    assert.equal(dirs.value, '/tmp/x')
    assert.equal(dirs.source, 'STATIC_BROKER_CONFIG')
    assert.equal(dirs.configSource, 4)
    assert.equal(dirs.configType, 7)
    assert.deepEqual(dirs.synonyms, [{ name: 'log.dirs', value: '/tmp/x', source: 'STATIC_BROKER_CONFIG', configSource: 4 }])

    assert.equal(entries.get('broker.id')!.value, '0')
    assert.equal(entries.get('broker.id')!.source, 'STATIC_BROKER_CONFIG')
    assert.equal(entries.get('zookeeper.connect')!.value, null)
    assert.deepEqual(entries.get('zookeeper.connect')!.synonyms, [])
    assert.equal(entries.get('log.flush.interval.messages')!.value, '9223372036854775807')
    assert.equal(entries.get('log.flush.interval.messages')!.configType, 5)
    assert.equal(entries.get('log.cleaner.min.cleanable.ratio')!.value, '0.5')
    assert.equal(entries.get('log.cleaner.io.max.bytes.per.second')!.value, '1.7976931348623157E308')
    assert.equal(entries.get('log.cleanup.policy')!.value, 'delete')
    assert.equal(entries.get('auto.create.topics.enable')!.configType, 1)
    assert.equal(entries.get('listeners')!.configType, 2)
    assert.equal(entries.get('offsets.topic.replication.factor')!.configType, 4)
    assert.equal(entries.get('log.cleaner.min.cleanable.ratio')!.configType, 6)
  })

  it('retention synonyms as Kafka: from the described key down, file values before defaults', () => {
    const { config } = parseKafkaConfig({ 'log.retention.hours': '24', 'log.retention.minutes': '90' })
    const entries = byName(describeBrokerConfigs(config))
    const hours = entries.get('log.retention.hours')!
    assert.equal(hours.value, '24')
    assert.equal(hours.source, 'STATIC_BROKER_CONFIG')
    assert.deepEqual(hours.synonyms, [
      { name: 'log.retention.hours', value: '24', source: 'STATIC_BROKER_CONFIG', configSource: 4 },
      { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG', configSource: 5 },
    ])
    const minutes = entries.get('log.retention.minutes')!
    assert.equal(minutes.value, '90')
    assert.deepEqual(minutes.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`), [
      'STATIC_BROKER_CONFIG:log.retention.minutes=90',
      'STATIC_BROKER_CONFIG:log.retention.hours=24',
      'DEFAULT_CONFIG:log.retention.hours=168',
    ])
    // log.retention.ms is unset and has no default: Kafka prints null with no synonyms.
    const ms = entries.get('log.retention.ms')!
    assert.equal(ms.value, null)
    assert.equal(ms.source, 'DEFAULT_CONFIG')
    assert.deepEqual(ms.synonyms, [])
  })
})

describe('docs/CONFIG.md', () => {
  it('documents every broker key with its type and default', () => {
    const doc = readFileSync(findRepoFile('docs/CONFIG.md'), 'utf8')
    for (const key of BROKER_CONFIG_DEF.keys()) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${key.name}\` |`))
      assert.ok(row, `docs/CONFIG.md has no row for ${key.name}; run: npx tsc -p . && node scripts/config-docs.mjs`)
      const cells = row.split(' | ')
      assert.equal(cells[1], key.type, `type of ${key.name}`)
      const def = BROKER_CONFIG_DEF.formatValue(key.name, key.defaultValue)
      assert.ok(cells[2]!.includes(def === null ? 'null' : def === '' ? '""' : def), `default of ${key.name} in docs/CONFIG.md is stale`)
    }
  })
})

/** Walks up from this file to the repository root (works from dist/ and from src/). */
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
