/**
 * DescribeProducers (API key 61), version 0 (KIP-664).
 *
 * Per partition, the producers the log's ProducerStateManager knows (those
 * not yet expired by producer.id.expiration.ms), as Kafka's
 * Partition.activeProducerState: producer id and epoch, the last sequence
 * written (-1 when none is cached), the last batch's timestamp, the
 * coordinator epoch and the first offset of an open transaction (-1).
 * Errors, as KafkaApis.handleDescribeProducersRequest: an invalid topic name
 * INVALID_TOPIC_EXCEPTION for each of its partitions, an unknown topic or
 * partition UNKNOWN_TOPIC_OR_PARTITION.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { topicNameError } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { DescribeProducersRequest, DescribeProducersResponse, DescribeProducersResponsePartitionResponse } from '../../protocol/messages/describe-producers.js'

export async function handleDescribeProducers(broker: BrokerContext, ctx: RequestContext, req: DescribeProducersRequest): Promise<DescribeProducersResponse> {
  const topics = req.topics.map((t) => {
    const invalid = topicNameError(t.name)
    const topicError = invalid ? { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: invalid } : null
    return {
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex): DescribeProducersResponsePartitionResponse => {
        const out = { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: [] }
        if (topicError) return { ...out, ...topicError }
        const partition = broker.replicaManager.getPartition({ topic: t.name, partition: partitionIndex })
        if (!partition) return { ...out, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
        const activeProducers = partition.log.producerStateManager.activeProducers().map((p) => ({
          producerId: BigInt(p.producerId),
          producerEpoch: p.producerEpoch,
          lastSequence: p.batches.length > 0 ? p.batches[p.batches.length - 1]!.lastSeq : -1,
          lastTimestamp: BigInt(p.lastTimestamp),
          coordinatorEpoch: p.coordinatorEpoch,
          currentTxnStartOffset: BigInt(p.currentTxnFirstOffset),
        }))
        return { ...out, activeProducers }
      }),
    }
  })
  return { throttleTimeMs: 0, topics }
}
