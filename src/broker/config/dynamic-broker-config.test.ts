import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { memoryLogger, silentLogger } from '../../common/logger.js'
import { parseKafkaConfig } from './kafka-config.js'
import { DYNAMIC_BROKER_CONFIG_NAMES, DynamicBrokerConfig } from './dynamic-broker-config.js'
import { buildLogConfig } from './topic-config.js'

const HOUR = 3_600_000
const staticConfig = (props: Record<string, string> = {}) => parseKafkaConfig(props).config
const none = { dynamicDefault: {}, dynamicBroker: {} }

describe('DYNAMIC_BROKER_CONFIG_NAMES', () => {
  it("is Kafka's DynamicLogConfig set: each topic key's first broker synonym, without log.message.format.version", () => {
    for (const name of ['log.retention.ms', 'log.segment.bytes', 'log.cleanup.policy', 'compression.type', 'message.max.bytes', 'min.insync.replicas', 'unclean.leader.election.enable', 'log.roll.ms']) {
      assert.ok(DYNAMIC_BROKER_CONFIG_NAMES.has(name), name)
    }
    for (const name of ['log.retention.hours', 'log.roll.hours', 'log.message.format.version', 'broker.id', 'listeners', 'log.cleaner.threads', 'num.partitions']) {
      assert.ok(!DYNAMIC_BROKER_CONFIG_NAMES.has(name), name)
    }
  })
})

describe('DynamicBrokerConfig', () => {
  it('lays the per-broker level over the cluster default over server.properties', () => {
    const d = new DynamicBrokerConfig(staticConfig({ 'log.retention.hours': '10', 'log.segment.bytes': '4096' }), none, silentLogger)
    assert.equal(d.current.logRetentionMs, 10 * HOUR)
    d.update('', { 'log.retention.ms': '5000', 'log.segment.bytes': '8192' })
    assert.equal(d.current.logRetentionMs, 5000)
    assert.equal(d.current.logSegmentBytes, 8192)
    d.update('0', { 'log.retention.ms': '7000' })
    assert.equal(d.current.logRetentionMs, 7000)
    assert.equal(buildLogConfig(d.current, {}).retentionMs, 7000)
    assert.equal(buildLogConfig(d.current, { 'retention.ms': '1' }).retentionMs, 1)
    d.update('0', {})
    assert.equal(d.current.logRetentionMs, 5000)
    assert.deepEqual(d.layers, { dynamicBroker: {}, dynamicDefault: { 'log.retention.ms': '5000', 'log.segment.bytes': '8192' }, static: { 'log.retention.hours': '10', 'log.segment.bytes': '4096' } })
    // The static config is untouched.
    assert.equal(d.staticConfig.logRetentionMs, 10 * HOUR)
  })

  it('a static log.retention.ms still beats a dynamic key of lower priority, as Kafka resolves them', () => {
    const d = new DynamicBrokerConfig(staticConfig({ 'log.retention.ms': '1234' }), none, silentLogger)
    // log.retention.hours is not dynamic, so this only arises from the file; the resolution is KafkaConfig's.
    d.update('', { 'log.retention.bytes': '100' })
    assert.equal(d.current.logRetentionMs, 1234)
    assert.equal(d.current.logRetentionBytes, 100)
  })

  it('validates: only dynamic keys, values of their types, a valid resulting config', () => {
    const d = new DynamicBrokerConfig(staticConfig(), none, silentLogger)
    assert.equal(d.validate('', { 'log.retention.ms': '1000' }), null)
    assert.equal(d.validate('', { 'broker.id': '3', 'log.retention.ms': '1000', listeners: 'PLAINTEXT://:1' }), 'Cannot update these configs dynamically: Set(broker.id, listeners)')
    assert.equal(d.validate('0', { 'log.retention.ms': 'x' }), 'Invalid value x for configuration log.retention.ms: Not a number of type LONG')
    assert.match(d.validate('', { 'log.cleanup.policy': 'shred' }) ?? '', /log\.cleanup\.policy/)
    assert.match(d.validate('', { 'log.retention.ms': '0' }) ?? '', /log\.retention\.ms must be unlimited/)
  })

  it('starts from the stored levels, and ignores (with a warning) one that no longer validates', () => {
    const logger = memoryLogger()
    const d = new DynamicBrokerConfig(staticConfig(), { dynamicDefault: { 'log.retention.ms': '60000' }, dynamicBroker: { 'broker.id': '9' } }, logger)
    assert.equal(d.current.logRetentionMs, 60000)
    assert.deepEqual(d.configs('0'), {})
    assert.ok(logger.lines.some((l) => /Ignoring the stored dynamic broker configs of broker 0/.test(l)), logger.lines.join('\n'))
  })
})
