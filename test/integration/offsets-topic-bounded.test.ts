/**
 * `__consumer_offsets` stays bounded: 100,000 offset commits to one group
 * (the same partition over and over, as a consumer committing after every
 * record does) leave a compacted topic a few segments long, not 100,000
 * records; and the last commit survives the compaction and a restart.
 * A broker process with small offsets segments and a cleaner that looks
 * often (log.cleaner.backoff.ms), so the compaction happens during the test.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { FindCoordinatorApi, OffsetCommitApi, OffsetFetchApi } from '../../src/protocol/messages/index.js'
import { partitionFiles, partitionLogBytes, pollUntil, removeDir, startBrokerProcess } from './broker-process.js'
import { RawClient } from './raw-client.js'

const COMMITS = 100_000
const SEGMENT_BYTES = 64 * 1024
/** Every commit as its own batch is ~130 bytes on disk: uncompacted, 100,000 of them take about 13 MB. */
const BOUND_BYTES = 4 * SEGMENT_BYTES
const IN_FLIGHT = 64

const CONFIG = {
  'offsets.topic.num.partitions': '1',
  'offsets.topic.segment.bytes': String(SEGMENT_BYTES),
  'log.cleaner.backoff.ms': '100',
  'log.segment.delete.delay.ms': '100',
}

test('__consumer_offsets stays bounded under 100,000 commits to one group, and keeps the last one', { timeout: 180_000 }, async () => {
  let broker = await startBrokerProcess({ config: CONFIG })
  let client = await RawClient.connect(broker.port)
  try {
    assert.equal((await client.createTopic('committed', { partitions: 1 })).errorCode, ErrorCode.NONE)
    assert.equal((await client.request(FindCoordinatorApi, 3, { ...FindCoordinatorApi.request.create(), key: 'busy', keyType: 0 })).errorCode, ErrorCode.NONE)
    const commit = (offset: number) =>
      client.request(OffsetCommitApi, 8, {
        ...OffsetCommitApi.request.create(),
        groupId: 'busy',
        generationIdOrMemberEpoch: -1,
        topics: [{ name: 'committed', partitions: [{ partitionIndex: 0, committedOffset: BigInt(offset), committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }],
      })
    let next = 0
    let maxBytes = 0
    const worker = async () => {
      while (next < COMMITS) {
        const r = await commit(next++)
        assert.equal(r.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE)
      }
    }
    // Commit in rounds, watching the topic's size as it goes.
    const sampler = setInterval(() => {
      void partitionLogBytes(broker.logDir, '__consumer_offsets', 0).then((b) => (maxBytes = Math.max(maxBytes, b)), () => undefined)
    }, 200)
    try {
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
    } finally {
      clearInterval(sampler)
    }
    const bytes = await pollUntil('the cleaner to compact __consumer_offsets', 300, 100, async () => {
      const b = await partitionLogBytes(broker.logDir, '__consumer_offsets', 0)
      return b <= BOUND_BYTES ? b : undefined
    })
    const segments = (await partitionFiles(broker.logDir, '__consumer_offsets', 0)).filter((f) => f.endsWith('.log'))
    assert.ok(segments.length <= 4, `few segments remain: ${segments.join(', ')}`)
    assert.ok(bytes <= BOUND_BYTES, `${bytes} bytes`)
    assert.ok(maxBytes < COMMITS * 100, `the topic never held all ${COMMITS} commits at once (peak ${maxBytes} bytes)`)

    const fetchLast = async () => (await client.request(OffsetFetchApi, 7, { ...OffsetFetchApi.request.create(), groupId: 'busy', topics: [{ name: 'committed', partitionIndexes: [0] }] })).topics[0]!.partitions[0]!.committedOffset
    assert.equal(await fetchLast(), BigInt(COMMITS - 1))

    // Loaded back from the compacted log after a restart.
    await client.close()
    assert.equal(await broker.stop(), 0)
    broker = await startBrokerProcess({ logDir: broker.logDir, config: CONFIG })
    client = await RawClient.connect(broker.port)
    const loaded = await pollUntil('the group to load', 100, 50, async () => {
      const r = await client.request(OffsetFetchApi, 7, { ...OffsetFetchApi.request.create(), groupId: 'busy', topics: [{ name: 'committed', partitionIndexes: [0] }] })
      return r.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? undefined : r.topics[0]!.partitions[0]!.committedOffset
    })
    assert.equal(loaded, BigInt(COMMITS - 1))
  } finally {
    await client.close()
    await broker.stop()
    await removeDir(broker.logDir)
  }
})
