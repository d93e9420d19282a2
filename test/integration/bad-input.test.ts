/**
 * Bad input gets Kafka's error code and nothing is stored (issue 3, "Bad
 * input"): each request below is crafted with Brook's codecs and sent over
 * TCP to a broker process with auto.create.topics.enable=false. After each
 * one, the partition that already holds records reads back exactly as before
 * (same log start, high watermark, offsets, keys and values) and its `.log`
 * files have the same size, and no topic or partition dir appeared.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { RawClient, makeBatch } from './raw-client.js'
import { partitionFiles, partitionLogBytes, removeDir, startBrokerProcess, type BrokerProcess } from './broker-process.js'

const TOPIC = 'stable'
const MAX_MESSAGE_BYTES = 2048

describe('bad input gets a Kafka error and leaves the log unchanged', () => {
  let broker: BrokerProcess
  let client: RawClient
  let before_: Awaited<ReturnType<RawClient['readPartition']>>
  let bytesBefore: number

  before(async () => {
    broker = await startBrokerProcess({ config: { 'auto.create.topics.enable': 'false' } })
    client = await RawClient.connect(broker.port)
    const created = await client.createTopic(TOPIC, { configs: { 'max.message.bytes': String(MAX_MESSAGE_BYTES) } })
    assert.equal(created.errorCode, ErrorCode.NONE)
    const res = await client.produce(TOPIC, 0, makeBatch([{ key: 'k0', value: 'v0' }, { key: 'k1', value: 'v1' }, { key: 'k2', value: 'v2' }]))
    assert.equal(res.errorCode, ErrorCode.NONE)
    assert.equal(res.baseOffset, 0n)
    before_ = await client.readPartition(TOPIC, 0)
    assert.deepEqual(before_.records.map((r) => [r.offset, r.key, r.value]), [[0n, 'k0', 'v0'], [1n, 'k1', 'v1'], [2n, 'k2', 'v2']])
    assert.equal(before_.highWatermark, 3n)
    bytesBefore = await partitionLogBytes(broker.logDir, TOPIC, 0)
    assert.ok(bytesBefore > 0)
  })

  after(async () => {
    await client?.close()
    if (broker) {
      assert.equal(await broker.stop(), 0, 'clean exit on SIGTERM')
      await removeDir(broker.logDir)
    }
  })

  /** The stored partition is exactly as before, on the wire and on disk. */
  async function assertLogUnchanged(): Promise<void> {
    assert.deepEqual(await client.readPartition(TOPIC, 0), before_)
    assert.equal(await partitionLogBytes(broker.logDir, TOPIC, 0), bytesBefore)
  }

  async function assertNoTopic(name: string): Promise<void> {
    const [t] = await client.metadata([name])
    assert.notEqual(t!.errorCode, ErrorCode.NONE, `${name} must not exist`)
    assert.deepEqual(await partitionFiles(broker.logDir, name, 0), [], `no log dir for ${name}`)
  }

  test('produce to an unknown topic with auto-create off: UNKNOWN_TOPIC_OR_PARTITION, nothing created', async () => {
    const res = await client.produce('no-such-topic', 0, makeBatch([{ key: 'x', value: 'y' }]))
    assert.equal(res.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    const [t] = await client.metadata(['no-such-topic'], true)
    assert.equal(t!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'Metadata does not auto-create either')
    await assertNoTopic('no-such-topic')
    await assertLogUnchanged()
  })

  test('produce to a partition that does not exist: UNKNOWN_TOPIC_OR_PARTITION', async () => {
    for (const partition of [1, 5, -1]) {
      const res = await client.produce(TOPIC, partition, makeBatch([{ key: 'x', value: 'y' }]))
      assert.equal(res.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${partition}`)
    }
    const [t] = await client.metadata([TOPIC])
    assert.equal(t!.partitions.length, 1)
    assert.deepEqual(await partitionFiles(broker.logDir, TOPIC, 1), [])
    await assertLogUnchanged()
  })

  test('Metadata for invalid topic names: INVALID_TOPIC_EXCEPTION', async () => {
    const names = ['bad/name', 'a'.repeat(300), '..', 'sp ace']
    const topics = await client.metadata(names, true)
    assert.deepEqual(topics.map((t) => [t.name, t.errorCode]), names.map((n) => [n, ErrorCode.INVALID_TOPIC_EXCEPTION]))
    await assertLogUnchanged()
  })

  test('CreateTopics with an invalid name: INVALID_TOPIC_EXCEPTION, nothing created', async () => {
    for (const name of ['bad/name', 'a'.repeat(300), '.', 'x*y']) {
      const res = await client.createTopic(name)
      assert.equal(res.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION, `name ${name.slice(0, 20)}`)
    }
    assert.deepEqual(await client.listTopics(), [TOPIC], 'only the topic created in before()')
    await assertLogUnchanged()
  })

  test('CreateTopics with replication factor 3 on one broker: INVALID_REPLICATION_FACTOR, nothing created', async () => {
    const res = await client.createTopic('rf3', { replicationFactor: 3 })
    assert.equal(res.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR)
    await assertNoTopic('rf3')
    await assertLogUnchanged()
  })

  test('CreateTopics asking for 2^31-1 partitions: POLICY_VIOLATION (Kafka caps a request at 10,000), nothing created', async () => {
    const res = await client.createTopic('huge', { partitions: 0x7fffffff })
    assert.equal(res.errorCode, ErrorCode.POLICY_VIOLATION)
    await assertNoTopic('huge')
    // The broker is not busy creating partitions: the next topic change goes through.
    assert.equal((await client.createTopic('huge', { partitions: 10_001 })).errorCode, ErrorCode.POLICY_VIOLATION)
    assert.deepEqual(await client.listTopics(), [TOPIC])
    await assertLogUnchanged()
  })

  test('a batch with a wrong CRC: CORRUPT_MESSAGE, nothing appended', async () => {
    const good = makeBatch([{ key: 'c', value: 'corrupt-me' }])
    for (const at of [good.length - 1, 30, 61]) {
      const bad = Buffer.from(good)
      bad[at]! ^= 0x01 // inside the CRC-32C's range (attributes onwards), so the stored CRC no longer matches
      const res = await client.produce(TOPIC, 0, bad)
      assert.equal(res.errorCode, ErrorCode.CORRUPT_MESSAGE, `flipped byte ${at}`)
    }
    const badCrc = Buffer.from(good)
    badCrc.writeUInt32BE((badCrc.readUInt32BE(17) ^ 0xffffffff) >>> 0, 17) // the CRC field itself
    assert.equal((await client.produce(TOPIC, 0, badCrc)).errorCode, ErrorCode.CORRUPT_MESSAGE)
    await assertLogUnchanged()
  })

  test('a batch larger than the topic max.message.bytes: MESSAGE_TOO_LARGE, nothing appended', async () => {
    const res = await client.produce(TOPIC, 0, makeBatch([{ key: 'big', value: 'x'.repeat(MAX_MESSAGE_BYTES + 100) }]))
    assert.equal(res.errorCode, ErrorCode.MESSAGE_TOO_LARGE)
    await assertLogUnchanged()
  })

  test('Fetch beyond the log end: OFFSET_OUT_OF_RANGE', async () => {
    // 2^62 and -2^63 are beyond what any log can hold (Brook keeps offsets below 2^53): out of range too, not a failed request.
    for (const offset of [before_.highWatermark + 1n, before_.highWatermark + 1000n, -5n, 1n << 62n, -(1n << 63n)]) {
      const data = await client.fetch(TOPIC, 0, offset)
      assert.equal(data.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${offset}`)
      assert.equal(data.records?.length ?? 0, 0)
    }
    // At the log end itself there is simply nothing yet.
    const atEnd = await client.fetch(TOPIC, 0, before_.highWatermark)
    assert.equal(atEnd.errorCode, ErrorCode.NONE)
    await assertLogUnchanged()
  })

  test('acks=2: INVALID_REQUIRED_ACKS, nothing appended', async () => {
    for (const acks of [2, -2, 5]) {
      const res = await client.produce(TOPIC, 0, makeBatch([{ key: 'a', value: `acks${acks}` }]), { acks })
      assert.equal(res.errorCode, ErrorCode.INVALID_REQUIRED_ACKS, `acks=${acks}`)
    }
    await assertLogUnchanged()
  })

  test('after all that, a good produce still appends at the next offset', async () => {
    const res = await client.produce(TOPIC, 0, makeBatch([{ key: 'k3', value: 'v3' }]))
    assert.equal(res.errorCode, ErrorCode.NONE)
    assert.equal(res.baseOffset, 3n)
    const now = await client.readPartition(TOPIC, 0)
    assert.deepEqual(now.records, [...before_.records, { offset: 3n, key: 'k3', value: 'v3' }])
    assert.equal(broker.child.exitCode, null)
  })
})
