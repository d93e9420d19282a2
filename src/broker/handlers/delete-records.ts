/**
 * DeleteRecords (API key 21), versions 0-2 (KIP-107).
 *
 * Per partition, moves the log start offset up to the requested offset
 * (-1: the high watermark), as Kafka's ReplicaManager.deleteRecords and
 * Partition.deleteRecordsOnLeader: records below it are no longer readable,
 * and whole segments below it go at the next retention check. The answer's
 * lowWatermark is the new log start offset (-1 with an error).
 * Errors: unknown topic or partition UNKNOWN_TOPIC_OR_PARTITION; Kafka's
 * internal topics INVALID_TOPIC_EXCEPTION; a topic whose cleanup.policy
 * lacks "delete" POLICY_VIOLATION; an offset below -1 or above the high
 * watermark OFFSET_OUT_OF_RANGE. An offset at or below the current log
 * start offset changes nothing and succeeds.
 *
 * With one replica the new low watermark holds as soon as the leader has
 * it, so nothing waits (Kafka parks a DelayedDeleteRecords until every
 * follower's log start offset catches up; `timeoutMs` bounds that wait).
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { toSafeNumber } from '../../common/to-safe-number.js'
import { isInternalTopic } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { DeleteRecordsRequest, DeleteRecordsResponse, DeleteRecordsResponsePartitionResult } from '../../protocol/messages/delete-records.js'

/** DeleteRecordsRequest.HIGH_WATERMARK */
const HIGH_WATERMARK = -1n

export async function handleDeleteRecords(broker: BrokerContext, ctx: RequestContext, req: DeleteRecordsRequest): Promise<DeleteRecordsResponse> {
  const topics = await Promise.all(
    req.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitions.map(async (p): Promise<DeleteRecordsResponsePartitionResult> => {
          const failed = (errorCode: number) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode })
          const tp = { topic: t.name, partition: p.partitionIndex }
          const partition = broker.replicaManager.getPartition(tp)
          if (!partition) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
          if (isInternalTopic(t.name)) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION)
          const log = partition.log
          if (!log.config.cleanupPolicy.includes('delete')) return failed(ErrorCode.POLICY_VIOLATION)
          const offset = p.offset === HIGH_WATERMARK ? log.highWatermark : p.offset < 0n || p.offset > BigInt(log.highWatermark) ? -1 : toSafeNumber(p.offset, 'offset')
          if (offset < 0) return failed(ErrorCode.OFFSET_OUT_OF_RANGE)
          try {
            // Rechecks against the high watermark inside the log's queue (OFFSET_OUT_OF_RANGE).
            await log.maybeIncrementLogStartOffset(offset)
            return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(log.logStartOffset), errorCode: ErrorCode.NONE }
          } catch (e) {
            return failed(broker.replicaManager.errorCodeFor(e, tp, 'delete records').errorCode)
          }
        }),
      ),
    })),
  )
  return { throttleTimeMs: 0, topics }
}
