/**
 * Keys land where librdkafka puts them: kcat produces keyed records with
 * `partitioner=murmur2_random` (librdkafka's equivalent of the Java client's
 * default), Brook stores them, and for every key the partition matches the
 * one Brook's client computes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startBroker } from '../../src/broker/start-broker.js'
import { keyedPartition } from '../../src/client/producer/partitioner.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { run } from './broker-process.js'
import { RawClient } from './raw-client.js'

test('the keyed partitioner agrees with librdkafka murmur2_random for 1,000 keys on 7 and 12 partitions', { timeout: 60_000 }, async () => {
  const broker = await startBroker()
  const admin = await RawClient.connect(broker.port)
  try {
    const keys = Array.from({ length: 1000 }, (_, i) => `user-${i * 7919}${'-x'.repeat(i % 7)}`)
    for (const partitions of [7, 12]) {
      const topic = `keys-${partitions}`
      assert.equal((await admin.createTopic(topic, { partitions })).errorCode, ErrorCode.NONE)
      await run('kcat', ['-b', broker.bootstrap, '-P', '-t', topic, '-K', '\t', '-X', 'topic.partitioner=murmur2_random'], keys.map((k) => `${k}\tv`).join('\n') + '\n')
      const out = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\t%p\n'])
      const placed = new Map(out.trim().split('\n').map((l) => l.split('\t') as [string, string]))
      assert.equal(placed.size, keys.length)
      assert.ok(new Set(placed.values()).size > 1, 'the keys spread over several partitions')
      for (const k of keys) assert.equal(Number(placed.get(k)), keyedPartition(Buffer.from(k), partitions), `key ${k}`)
    }
  } finally {
    await admin.close()
    await broker.close()
  }
})
