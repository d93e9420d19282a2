/**
 * Real clients against a real broker process: kcat (librdkafka), kafka-python
 * (message format v1 in and out) and kafkajs, reading each other's records.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { removeDir, run, startBrokerProcess, SYSTEM_PYTHON, type BrokerProcess } from './broker-process.js'

const require = createRequire(import.meta.url)

describe('real clients against a broker process', () => {
  let broker: BrokerProcess
  before(async () => {
    broker = await startBrokerProcess()
  })
  after(async () => {
    assert.equal(await broker.stop(), 0, 'clean exit on SIGTERM')
    await removeDir(broker.logDir)
  })

  test('kcat: metadata, 10,000 keyed records produced and consumed back byte for byte', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `key-${i}:value-${i}-${'x'.repeat(i % 50)}`)
    await run('kcat', ['-b', broker.bootstrap, '-P', '-t', 'kcat-10k', '-p', '0', '-K:'], lines.join('\n') + '\n')
    const metadata = await run('kcat', ['-b', broker.bootstrap, '-L', '-t', 'kcat-10k'])
    assert.match(metadata, /broker 0 at 127\.0\.0\.1:\d+/)
    assert.match(metadata, /topic "kcat-10k" with 1 partitions:\s+partition 0, leader 0, replicas: 0, isrs: 0/)
    const consumed = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', 'kcat-10k', '-o', 'beginning', '-e', '-f', '%k:%s\n'])
    assert.equal(consumed, lines.join('\n') + '\n')
    const offsets = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', 'kcat-10k', '-o', '-3', '-e', '-f', '%o\n'])
    assert.equal(offsets, '9997\n9998\n9999\n')
  })

  test('kafka-python pinned to 0.10.0: message format v1 goes in and comes back out', async () => {
    const script = `
import json, sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
av = (0, 10, 0)
p = KafkaProducer(bootstrap_servers=sys.argv[1], api_version=av)
sent = []
for i in range(5):
    md = p.send('kp-v1', key=b'k%d' % i, value=b'v%d' % i, partition=0, timestamp_ms=1700000000000 + i).get(timeout=20)
    sent.append([md.offset, md.timestamp])
p.flush()
c = KafkaConsumer(bootstrap_servers=sys.argv[1], api_version=av, consumer_timeout_ms=5000, enable_auto_commit=False)
c.assign([TopicPartition('kp-v1', 0)])
c.seek_to_beginning()
got = [[m.offset, m.key.decode(), m.value.decode(), m.timestamp] for m in c]
print(json.dumps({'sent': sent, 'got': got}))
`
    const out = JSON.parse(await run(SYSTEM_PYTHON, ['-c', script, broker.bootstrap]))
    assert.deepEqual(out.sent, [0, 1, 2, 3, 4].map((i) => [i, 1700000000000 + i]))
    assert.deepEqual(out.got, [0, 1, 2, 3, 4].map((i) => [i, `k${i}`, `v${i}`, 1700000000000 + i]))
    // A modern client reads the converted (magic 2) batches with the same data.
    const viaKcat = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', 'kp-v1', '-o', 'beginning', '-e', '-f', '%o %k %s %T\n'])
    assert.equal(viaKcat, [0, 1, 2, 3, 4].map((i) => `${i} k${i} v${i} ${1700000000000 + i}\n`).join(''))
  })

  test('kafkajs admin and producer; kcat reads keys, values, headers and timestamps', async () => {
    const { Kafka, logLevel, CompressionTypes } = require('kafkajs')
    const kafka = new Kafka({ clientId: 'it', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    try {
      assert.equal(await admin.createTopics({ topics: [{ topic: 'kjs', numPartitions: 3 }] }), true)
      assert.ok((await admin.listTopics()).includes('kjs'))
      const producer = kafka.producer()
      await producer.connect()
      const sent = await producer.send({
        topic: 'kjs',
        compression: CompressionTypes.GZIP,
        messages: [0, 1, 2].map((i) => ({ partition: 1, key: `a${i}`, value: `hello-${i}`, timestamp: String(1700000001000 + i), headers: { h: `x${i}` } })),
      })
      await producer.disconnect()
      assert.deepEqual(sent.map((r: { partition: number; baseOffset: string; errorCode: number }) => [r.partition, r.baseOffset, r.errorCode]), [[1, '0', 0]])
      const offsets = await admin.fetchTopicOffsets('kjs')
      assert.deepEqual(offsets.map((o: { partition: number; high: string }) => [o.partition, o.high]).sort(), [[0, '0'], [1, '3'], [2, '0']])
    } finally {
      await admin.disconnect()
    }
    const consumed = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', 'kjs', '-p', '1', '-o', 'beginning', '-e', '-f', '%k|%s|%T|%h\n'])
    assert.equal(consumed, [0, 1, 2].map((i) => `a${i}|hello-${i}|${1700000001000 + i}|h=x${i}\n`).join(''))
  })
})

describe('restart', () => {
  test('records written before a clean stop are there after start-up, and offsets continue', async () => {
    const first = await startBrokerProcess()
    try {
      await run('kcat', ['-b', first.bootstrap, '-P', '-t', 'durable', '-p', '0', '-K:'], 'a:1\nb:2\nc:3\n')
      assert.equal(await first.stop(), 0)
      assert.match(first.output(), /Shut down cleanly/)
      const second = await startBrokerProcess({ logDir: first.logDir })
      try {
        await run('kcat', ['-b', second.bootstrap, '-P', '-t', 'durable', '-p', '0', '-K:'], 'd:4\n')
        const all = await run('kcat', ['-b', second.bootstrap, '-C', '-t', 'durable', '-o', 'beginning', '-e', '-f', '%o %k %s\n'])
        assert.equal(all, '0 a 1\n1 b 2\n2 c 3\n3 d 4\n')
      } finally {
        assert.equal(await second.stop(), 0)
      }
    } finally {
      await removeDir(first.logDir)
    }
  })
})
