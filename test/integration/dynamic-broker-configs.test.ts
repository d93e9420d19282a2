/**
 * Dynamic broker configs (Kafka's DynamicBrokerConfig / DynamicLogConfig)
 * against a broker process started with log.retention.hours=100 in its
 * server.properties: IncrementalAlterConfigs and AlterConfigs on the cluster
 * default ("") and on broker 0, DescribeConfigs of the broker and of topics
 * (values, sources, synonyms in Kafka's order), precedence, DELETE,
 * APPEND/SUBTRACT, the refusal of a static key, a bad value, validateOnly,
 * AlterConfigs' replace semantics, a restart, and the effect: a lowered
 * log.retention.ms deletes old segments of a topic without retention.ms.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import type * as m from '../../src/protocol/messages/index.js'
import { brokerFixture } from './broker-fixture.js'
import { partitionFiles, pollUntil } from './broker-process.js'
import { makeBatch } from './raw-client.js'

const API = { DescribeConfigs: 32, AlterConfigs: 33, IncrementalAlterConfigs: 44 } as const
const TOPIC = 2
const BROKER = 4
const SET = 0
const DELETE = 1
const APPEND = 2
const SUBTRACT = 3
const SOURCE: Record<number, string> = { 1: 'DYNAMIC_TOPIC_CONFIG', 2: 'DYNAMIC_BROKER_CONFIG', 3: 'DYNAMIC_DEFAULT_BROKER_CONFIG', 4: 'STATIC_BROKER_CONFIG', 5: 'DEFAULT_CONFIG' }

describe('dynamic broker configs', () => {
  const fx = brokerFixture({ 'log.retention.hours': '100', 'log.retention.check.interval.ms': '300' })

  const inc = async (name: string, ops: [string, number, string | null][], validateOnly = false) => {
    const res = await fx.client.call<m.IncrementalAlterConfigsResponse>(API.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: BROKER, resourceName: name, configs: ops.map(([n, configOperation, value]) => ({ name: n, configOperation, value })) }],
      validateOnly,
    })
    return res.responses[0]!
  }
  const alter = async (name: string, configs: Record<string, string>, validateOnly = false) => {
    const res = await fx.client.call<m.AlterConfigsResponse>(API.AlterConfigs, 2, {
      resources: [{ resourceType: BROKER, resourceName: name, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
      validateOnly,
    })
    return res.responses[0]!
  }
  /** name -> "value SOURCE [synonyms as SOURCE:name=value]" for the keys asked for. */
  const describeConfigs = async (resourceType: number, resourceName: string, keys: string[] | null) => {
    const res = await fx.client.call<m.DescribeConfigsResponse>(API.DescribeConfigs, 4, {
      resources: [{ resourceType, resourceName, configurationKeys: keys }],
      includeSynonyms: true,
      includeDocumentation: false,
    })
    const r = res.results[0]!
    assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '')
    return Object.fromEntries(
      r.configs.map((c) => [c.name, `${c.value} ${SOURCE[c.configSource]}${c.readOnly ? ' ro' : ''} [${c.synonyms.map((s) => `${SOURCE[s.source]}:${s.name}=${s.value}`).join(', ')}]`]),
    )
  }

  test('cluster default and per-broker value: sources, synonyms, precedence, delete', async () => {
    assert.equal((await fx.client.createTopic('plain')).errorCode, ErrorCode.NONE)
    assert.equal((await fx.client.createTopic('own', { configs: { 'retention.ms': '5000' } })).errorCode, ErrorCode.NONE)

    assert.deepEqual(await inc('', [['log.retention.ms', SET, '7200000']]), { resourceType: BROKER, resourceName: '', errorCode: ErrorCode.NONE, errorMessage: null })
    assert.deepEqual(await describeConfigs(BROKER, '', null), {
      'log.retention.ms': '7200000 DYNAMIC_DEFAULT_BROKER_CONFIG [DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000, STATIC_BROKER_CONFIG:log.retention.hours=100, DEFAULT_CONFIG:log.retention.hours=168]',
    })
    assert.deepEqual(await describeConfigs(TOPIC, 'plain', ['retention.ms']), {
      'retention.ms': '7200000 DYNAMIC_DEFAULT_BROKER_CONFIG [DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000, STATIC_BROKER_CONFIG:log.retention.hours=100, DEFAULT_CONFIG:log.retention.hours=168]',
    })

    // The per-broker level beats the cluster default; a topic override beats both.
    assert.equal((await inc('0', [['log.retention.ms', SET, '3600000']])).errorCode, ErrorCode.NONE)
    const both =
      '[DYNAMIC_BROKER_CONFIG:log.retention.ms=3600000, DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000, STATIC_BROKER_CONFIG:log.retention.hours=100, DEFAULT_CONFIG:log.retention.hours=168]'
    assert.deepEqual(await describeConfigs(BROKER, '0', ['log.retention.ms', 'log.retention.hours', 'broker.id']), {
      'log.retention.ms': `3600000 DYNAMIC_BROKER_CONFIG ${both}`,
      // Kafka drops the higher-priority synonyms before the described key.
      'log.retention.hours': '100 STATIC_BROKER_CONFIG ro [STATIC_BROKER_CONFIG:log.retention.hours=100, DEFAULT_CONFIG:log.retention.hours=168]',
      'broker.id': '0 STATIC_BROKER_CONFIG ro [STATIC_BROKER_CONFIG:broker.id=0, DEFAULT_CONFIG:broker.id=-1]',
    })
    assert.deepEqual(await describeConfigs(BROKER, '', null), {
      'log.retention.ms': '7200000 DYNAMIC_DEFAULT_BROKER_CONFIG [DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000, STATIC_BROKER_CONFIG:log.retention.hours=100, DEFAULT_CONFIG:log.retention.hours=168]',
    })
    assert.deepEqual(await describeConfigs(TOPIC, 'plain', ['retention.ms']), { 'retention.ms': `3600000 DYNAMIC_BROKER_CONFIG ${both}` })
    assert.deepEqual(await describeConfigs(TOPIC, 'own', ['retention.ms']), { 'retention.ms': `5000 DYNAMIC_TOPIC_CONFIG [DYNAMIC_TOPIC_CONFIG:retention.ms=5000, ${both.slice(1)}` })

    // DELETE at the broker level: the cluster default shows through again.
    assert.equal((await inc('0', [['log.retention.ms', DELETE, null]])).errorCode, ErrorCode.NONE)
    assert.match((await describeConfigs(TOPIC, 'plain', ['retention.ms']))['retention.ms']!, /^7200000 DYNAMIC_DEFAULT_BROKER_CONFIG /)
    assert.equal((await inc('', [['log.retention.ms', DELETE, null]])).errorCode, ErrorCode.NONE)
    assert.deepEqual(await describeConfigs(BROKER, '', null), {})
    assert.deepEqual(await describeConfigs(TOPIC, 'plain', ['retention.ms']), {
      'retention.ms': '360000000 STATIC_BROKER_CONFIG [STATIC_BROKER_CONFIG:log.retention.hours=100, DEFAULT_CONFIG:log.retention.hours=168]',
    })
  })

  test('APPEND and SUBTRACT on a list key; a static key, a bad value, validateOnly', async () => {
    assert.equal((await inc('', [['log.cleanup.policy', APPEND, 'compact']])).errorCode, ErrorCode.NONE)
    assert.match((await describeConfigs(BROKER, '', null))['log.cleanup.policy']!, /^delete,compact DYNAMIC_DEFAULT_BROKER_CONFIG /)
    assert.equal((await inc('', [['log.cleanup.policy', SUBTRACT, 'compact']])).errorCode, ErrorCode.NONE)
    assert.match((await describeConfigs(BROKER, '', null))['log.cleanup.policy']!, /^delete DYNAMIC_DEFAULT_BROKER_CONFIG /)
    assert.equal((await inc('', [['log.cleanup.policy', DELETE, null]])).errorCode, ErrorCode.NONE)

    assert.deepEqual(await inc('0', [['broker.id', SET, '5']]), {
      resourceType: BROKER,
      resourceName: '0',
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Invalid config value for resource ConfigResource(type=BROKER, name='0'): Cannot update these configs dynamically: Set(broker.id)",
    })
    assert.deepEqual(await inc('', [['log.retention.ms', SET, 'soon']]), {
      resourceType: BROKER,
      resourceName: '',
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Invalid config value for resource ConfigResource(type=BROKER, name=''): Invalid value soon for configuration log.retention.ms: Not a number of type LONG",
    })
    const invalid = await inc('', [['log.segment.bytes', SET, '5']])
    assert.equal(invalid.errorCode, ErrorCode.INVALID_CONFIG)
    assert.match(invalid.errorMessage ?? '', /log\.segment\.bytes/)
    assert.equal((await inc('1', [['log.retention.ms', SET, '1000']])).errorCode, ErrorCode.INVALID_REQUEST)

    assert.equal((await inc('', [['log.retention.ms', SET, '1000']], true)).errorCode, ErrorCode.NONE)
    assert.equal((await alter('0', { 'log.retention.ms': '1000' }, true)).errorCode, ErrorCode.NONE)
    assert.deepEqual(await describeConfigs(BROKER, '', null), {})
    assert.match((await describeConfigs(BROKER, '0', ['log.retention.ms']))['log.retention.ms']!, /^null DEFAULT_CONFIG /)
  })

  test('AlterConfigs replaces the whole set of a level; the sets survive a restart', async () => {
    assert.equal((await alter('', { 'log.retention.ms': '86400000', 'log.segment.bytes': '1048576' })).errorCode, ErrorCode.NONE)
    assert.equal((await alter('', { 'log.segment.bytes': '2097152' })).errorCode, ErrorCode.NONE)
    assert.deepEqual(Object.keys(await describeConfigs(BROKER, '', null)), ['log.segment.bytes'])
    assert.equal((await inc('0', [['compression.type', SET, 'lz4']])).errorCode, ErrorCode.NONE)
    const refused = await alter('0', { 'log.cleaner.threads': '2' })
    assert.equal(refused.errorMessage, "Invalid config value for resource ConfigResource(type=BROKER, name='0'): Cannot update these configs dynamically: Set(log.cleaner.threads)")

    await fx.restart()
    assert.deepEqual(await describeConfigs(BROKER, '', null), {
      'log.segment.bytes': '2097152 DYNAMIC_DEFAULT_BROKER_CONFIG [DYNAMIC_DEFAULT_BROKER_CONFIG:log.segment.bytes=2097152, DEFAULT_CONFIG:log.segment.bytes=1073741824]',
    })
    assert.match((await describeConfigs(TOPIC, 'plain', ['compression.type']))['compression.type']!, /^lz4 DYNAMIC_BROKER_CONFIG /)
    assert.match((await describeConfigs(TOPIC, 'plain', ['segment.bytes']))['segment.bytes']!, /^2097152 DYNAMIC_DEFAULT_BROKER_CONFIG /)
    // An empty set clears the level.
    assert.equal((await alter('', {})).errorCode, ErrorCode.NONE)
    assert.equal((await alter('0', {})).errorCode, ErrorCode.NONE)
    assert.deepEqual(await describeConfigs(BROKER, '', null), {})
  })

  test('a lowered log.retention.ms deletes old segments of a topic without retention.ms at once', async () => {
    assert.equal((await fx.client.createTopic('aging', { configs: { 'segment.bytes': '1024', 'file.delete.delay.ms': '100' } })).errorCode, ErrorCode.NONE)
    // Stamped an hour ago: inside the static 100 hours, outside a 10-minute retention.
    const old = Date.now() - 60 * 60_000
    for (let i = 0; i < 40; i++) {
      assert.equal((await fx.client.produce('aging', 0, makeBatch([{ key: null, value: `v-${i}-${'x'.repeat(60)}` }], old))).errorCode, ErrorCode.NONE)
    }
    const segments = async () => (await partitionFiles(fx.broker.logDir, 'aging', 0)).filter((f) => f.endsWith('.log'))
    assert.ok((await segments()).length > 2)
    // Retention runs every 300 ms and keeps everything under the static value.
    await new Promise((r) => setTimeout(r, 1000))
    assert.equal((await fx.client.listOffset('aging', 0, -2n)).offset, 0n)

    assert.equal((await inc('', [['log.retention.ms', SET, '600000']])).errorCode, ErrorCode.NONE)
    const logStart = await pollUntil('retention to delete the old segments', 60, 250, async () => {
      const earliest = (await fx.client.listOffset('aging', 0, -2n)).offset
      return earliest > 0n ? earliest : undefined
    })
    assert.ok(logStart > 0n)
    await pollUntil('the old segment files to go', 60, 250, async () => ((await segments()).includes('00000000000000000000.log') ? undefined : true))
  })
})
