/**
 * Producer state survives a restart: after a clean stop and start-up, a
 * replayed idempotent batch is still recognised as a duplicate and answered
 * with its original offsets, and nothing is appended twice.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { defaultProduceRequest, InitProducerIdApi, ListOffsetsApi, ProduceApi } from '../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js'
import { removeDir, run, startBrokerProcess } from './broker-process.js'
import { RawClient } from './raw-client.js'

function idempotentBatch(producerId: number, baseSequence: number, values: string[]): Buffer {
  const now = Date.now()
  return encodeRecordBatch({
    baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, lastOffsetDelta: values.length - 1, baseTimestamp: now, maxTimestamp: now,
    producerId, producerEpoch: 0, baseSequence,
    records: values.map((v, i) => ({ attributes: 0, timestampDelta: 0, offsetDelta: i, key: null, value: Buffer.from(v), headers: [] })),
  })
}

async function produce(client: RawClient, records: Buffer) {
  const res = await client.request(ProduceApi, 9, { ...defaultProduceRequest(), acks: -1, timeoutMs: 5000, topicData: [{ name: 'idem-restart', partitionData: [{ index: 0, records }] }] })
  return res.responses[0]!.partitionResponses[0]!
}

async function logEndOffset(client: RawClient): Promise<bigint> {
  const res = await client.request(ListOffsetsApi, 7, {
    ...ListOffsetsApi.request.create(),
    replicaId: -1,
    topics: [{ name: 'idem-restart', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }],
  })
  return res.topics[0]!.partitions[0]!.offset
}

test('a replayed idempotent batch is still a duplicate after a restart', async () => {
  const first = await startBrokerProcess()
  try {
    await run('kcat', ['-b', first.bootstrap, '-P', '-t', 'idem-restart', '-p', '0'], 'plain\n')
    let client = await RawClient.connect(first.port)
    const init = await client.request(InitProducerIdApi, 4, { ...InitProducerIdApi.request.create(), transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
    assert.equal(init.errorCode, ErrorCode.NONE)
    const producerId = Number(init.producerId)
    const batchA = idempotentBatch(producerId, 0, ['a0', 'a1', 'a2'])
    const original = await produce(client, Buffer.from(batchA))
    assert.deepEqual([original.errorCode, original.baseOffset], [ErrorCode.NONE, 1n])
    await client.close()
    assert.equal(await first.stop(), 0)

    const second = await startBrokerProcess({ logDir: first.logDir })
    try {
      client = await RawClient.connect(second.port)
      const replay = await produce(client, Buffer.from(batchA))
      assert.deepEqual([replay.errorCode, replay.baseOffset], [ErrorCode.NONE, 1n], 'answered with the original offset')
      assert.equal(await logEndOffset(client), 4n, 'nothing appended by the replay')
      const next = await produce(client, idempotentBatch(producerId, 3, ['b0']))
      assert.deepEqual([next.errorCode, next.baseOffset], [ErrorCode.NONE, 4n], 'the sequence continues after the restart')
      const gap = await produce(client, idempotentBatch(producerId, 7, ['c0']))
      assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
      await client.close()
      const all = await run('kcat', ['-b', second.bootstrap, '-C', '-t', 'idem-restart', '-o', 'beginning', '-e', '-f', '%o %s\n'])
      assert.equal(all, '0 plain\n1 a0\n2 a1\n3 a2\n4 b0\n')
    } finally {
      assert.equal(await second.stop(), 0)
    }
  } finally {
    await removeDir(first.logDir)
  }
})
