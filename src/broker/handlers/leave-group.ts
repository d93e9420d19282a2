/**
 * LeaveGroup (API key 13), versions 0-5: members leave at once instead of
 * waiting for their session to time out, so their partitions move now.
 * v0-v2 name one member; v3+ a batch, by member id or group.instance.id
 * (KIP-345), each with its own error.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/messages/leave-group.js'

export async function handleLeaveGroup(broker: BrokerContext, ctx: RequestContext, req: LeaveGroupRequest): Promise<LeaveGroupResponse> {
  const batched = ctx.apiVersion >= 3
  const leaving = batched ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: req.memberId, groupInstanceId: null }]
  const r = broker.groupCoordinator.leaveGroup(req.groupId, leaving)
  if (batched) return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members }
  // One member: its error is the answer's.
  const errorCode = r.errorCode !== ErrorCode.NONE ? r.errorCode : (r.members[0]?.errorCode ?? ErrorCode.NONE)
  return { throttleTimeMs: 0, errorCode, members: [] }
}
