import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MetadataStore } from './metadata-store.js'

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'brook-meta-'))
}

test('topics survive a reopen, with their ids and configs', async () => {
  const dir = await tempDir()
  try {
    const store = await MetadataStore.open(dir)
    const t = await store.createTopic({ name: 'orders', partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '1000' }, isInternal: false })
    assert.equal(t.topicId.length, 22)
    const again = await MetadataStore.open(dir)
    assert.equal(again.clusterId, store.clusterId)
    assert.deepEqual(again.topic('orders'), t)
    assert.deepEqual(again.topicById(t.topicId)?.name, 'orders')
    assert.deepEqual(await readdir(dir), ['brook-cluster-metadata.json'], 'no temp file left behind')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('concurrent changes are serialized and none is lost', async () => {
  const dir = await tempDir()
  try {
    const store = await MetadataStore.open(dir)
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.createTopic({ name: `t${i}`, partitions: 1, replicationFactor: 1, configs: {}, isInternal: false })))
    await Promise.all([store.deleteTopic('t3'), store.setPartitionCount('t4', 5), store.setTopicConfigs('t5', { 'cleanup.policy': 'compact' })])
    const reopened = await MetadataStore.open(dir)
    assert.equal(reopened.topics().length, 19)
    assert.equal(reopened.topic('t3'), undefined)
    assert.equal(reopened.topic('t4')?.partitions, 5)
    assert.deepEqual(reopened.topic('t5')?.configs, { 'cleanup.policy': 'compact' })
    await assert.rejects(store.createTopic({ name: 't0', partitions: 1, replicationFactor: 1, configs: {}, isInternal: false }), /already exists/)
    assert.equal((await MetadataStore.open(dir)).topics().length, 19, 'a failed change writes nothing')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('dynamic broker configs: per resource name, replaced whole, removed when empty, kept across a reopen', async () => {
  const dir = await tempDir()
  try {
    const store = await MetadataStore.open(dir)
    assert.deepEqual(store.brokerConfigs(''), {})
    await Promise.all([store.setBrokerConfigs('', { 'log.retention.ms': '1000', 'log.segment.bytes': '2048' }), store.setBrokerConfigs('0', { 'compression.type': 'lz4' })])
    await store.setBrokerConfigs('', { 'log.segment.bytes': '4096' })
    const reopened = await MetadataStore.open(dir)
    assert.deepEqual(reopened.brokerConfigs(''), { 'log.segment.bytes': '4096' })
    assert.deepEqual(reopened.brokerConfigs('0'), { 'compression.type': 'lz4' })
    await reopened.setBrokerConfigs('0', {})
    assert.deepEqual((await MetadataStore.open(dir)).brokerConfigs('0'), {})
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
