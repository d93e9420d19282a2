/**
 * OffsetDelete (API key 47), version 0 (KIP-496): deletes a group's
 * committed offsets for some partitions. Refused per partition with
 * GROUP_SUBSCRIBED_TO_TOPIC while a live member of a consumer group
 * subscribes to the topic; an unknown group is GROUP_ID_NOT_FOUND.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/messages/offset-delete.js'

export async function handleOffsetDelete(broker: BrokerContext, _ctx: RequestContext, req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
  const tps = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })))
  const r = await broker.groupCoordinator.deleteOffsets(req.groupId, tps)
  if (r.errorCode !== ErrorCode.NONE) return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [] }
  let i = 0
  return {
    errorCode: ErrorCode.NONE,
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: r.partitions.get(tps[i++]!) ?? ErrorCode.NONE })) })),
  }
}
