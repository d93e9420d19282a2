/**
 * OffsetForLeaderEpoch (API key 23), versions 0-4 (KIP-101, KIP-279, KIP-320).
 *
 * Per partition, the end offset of the requested leader epoch: the start
 * offset of the next higher epoch in the leader-epoch cache, or the log end
 * offset for the latest epoch, and the largest epoch at or below the
 * requested one (v1+); -1/-1 when the log has no such epoch (Kafka's
 * UnifiedLog.endOffsetForEpoch). v2+ may carry the requester's
 * currentLeaderEpoch: older than ours is FENCED_LEADER_EPOCH, newer
 * UNKNOWN_LEADER_EPOCH (-1 skips the check). Unknown partitions are
 * UNKNOWN_TOPIC_OR_PARTITION.
 *
 * replicaId (v3+): followers (>= 0) and consumers (-1) must ask the leader;
 * Kafka lets only the debugging id -2 read a follower's log. This broker
 * leads every partition it hosts, so every replicaId is answered alike.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse, OffsetForLeaderEpochResponseEpochEndOffset } from '../../protocol/messages/offset-for-leader-epoch.js'

export async function handleOffsetForLeaderEpoch(broker: BrokerContext, ctx: RequestContext, req: OffsetForLeaderEpochRequest): Promise<OffsetForLeaderEpochResponse> {
  const v = ctx.apiVersion
  const topics = req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p): OffsetForLeaderEpochResponseEpochEndOffset => {
      const out = { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: -1, endOffset: -1n }
      const tp = { topic: t.topic, partition: p.partition }
      const partition = broker.replicaManager.getPartition(tp)
      if (!partition) return { ...out, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
      const epochError = partition.checkLeaderEpoch(p.currentLeaderEpoch)
      if (epochError !== ErrorCode.NONE) return { ...out, errorCode: epochError }
      try {
        const found = partition.log.endOffsetForEpoch(p.leaderEpoch)
        // v0 has no leaderEpoch in the answer (the encoder skips it).
        return { ...out, leaderEpoch: v >= 1 ? found.epoch : -1, endOffset: BigInt(found.endOffset) }
      } catch (e) {
        return { ...out, errorCode: broker.replicaManager.errorCodeFor(e, tp, 'offset for leader epoch').errorCode }
      }
    }),
  }))
  return { throttleTimeMs: 0, topics }
}
