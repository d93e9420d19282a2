/**
 * OffsetCommit (API key 8), versions 0-9: stores a group's consumed
 * positions in `__consumer_offsets`, answered only once written.
 *
 * A member commits with its generation and member id; a group not managed by
 * the coordinator (manual assignment) commits with generation -1 while it
 * has no members. v2-v4 carry a retention time (offsets then expire that
 * long after the commit; later versions use offsets.retention.minutes);
 * v6+ the leader epoch of the committed offset; v7+ group.instance.id.
 * Per partition: metadata over offset.metadata.max.bytes is
 * OFFSET_METADATA_TOO_LARGE, an unknown partition UNKNOWN_TOPIC_OR_PARTITION.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { toSafeNumber } from '../../common/to-safe-number.js'
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/messages/offset-commit.js'

export async function handleOffsetCommit(broker: BrokerContext, ctx: RequestContext, req: OffsetCommitRequest): Promise<OffsetCommitResponse> {
  const v = ctx.apiVersion
  const expireTimestampMs = v >= 2 && v <= 4 && req.retentionTimeMs >= 0n ? broker.time.nowMs() + toSafeNumber(req.retentionTimeMs, 'retentionTimeMs') : -1
  const offsets = req.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      tp: { topic: t.name, partition: p.partitionIndex },
      offset: p.committedOffset,
      leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
      metadata: p.committedMetadata,
      expireTimestampMs,
    })),
  )
  const results = await broker.groupCoordinator.commitOffsets({
    groupId: req.groupId,
    generationId: v >= 1 ? req.generationIdOrMemberEpoch : -1,
    memberId: v >= 1 ? req.memberId : '',
    groupInstanceId: v >= 7 ? req.groupInstanceId : null,
    offsets,
    partitionExists: (tp) => {
      const t = broker.metadata.topic(tp.topic)
      return t !== undefined && tp.partition >= 0 && tp.partition < t.partitions
    },
  })
  let i = 0
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: results.get(offsets[i++]!.tp)! })),
    })),
  }
}
