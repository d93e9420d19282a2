/**
 * SyncGroup (API key 14), versions 0-5: the leader hands in the assignment
 * it computed; every member waits for its own part. The coordinator stores
 * the assignment in `__consumer_offsets` before anyone gets it, and never
 * reads it. v5+ carries the protocol type and name (checked, and echoed).
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/messages/sync-group.js'

export async function handleSyncGroup(broker: BrokerContext, ctx: RequestContext, req: SyncGroupRequest): Promise<SyncGroupResponse> {
  const r = await broker.groupCoordinator.syncGroup({
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    protocolType: req.protocolType,
    protocolName: req.protocolName,
    // Copies: the request buffer is released once answered; assignments live as long as the group.
    assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
  })
  const v5 = ctx.apiVersion >= 5
  return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: v5 ? r.protocolType : null, protocolName: v5 ? r.protocolName : null, assignment: r.assignment }
}
