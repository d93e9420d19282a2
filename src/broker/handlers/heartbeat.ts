/**
 * Heartbeat (API key 12), versions 0-4: keeps a member's session alive and
 * tells it when a rebalance has started (REBALANCE_IN_PROGRESS), so it
 * rejoins. Errors as Kafka: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION,
 * FENCED_INSTANCE_ID, COORDINATOR_LOAD_IN_PROGRESS.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/messages/heartbeat.js'

export async function handleHeartbeat(broker: BrokerContext, _ctx: RequestContext, req: HeartbeatRequest): Promise<HeartbeatResponse> {
  return { throttleTimeMs: 0, errorCode: broker.groupCoordinator.heartbeat(req.groupId, req.memberId, req.groupInstanceId, req.generationId) }
}
