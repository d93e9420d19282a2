/**
 * JoinGroup (API key 11), versions 0-9: joins (or rejoins) a member to a
 * classic group and waits until the rebalance completes; see
 * coordinator/group/group-coordinator.ts for the protocol.
 *
 * Per version: v0 has no rebalance timeout (the session timeout is used, as
 * Kafka does); v4+ first answers a new member MEMBER_ID_REQUIRED with its id
 * (KIP-394); v5+ carries group.instance.id (static membership, KIP-345);
 * v7+ echoes the protocol type; v9 has skipAssignment (always false here).
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/messages/join-group.js'

export async function handleJoinGroup(broker: BrokerContext, ctx: RequestContext, req: JoinGroupRequest): Promise<JoinGroupResponse> {
  const v = ctx.apiVersion
  const r = await broker.groupCoordinator.joinGroup({
    groupId: req.groupId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: ctx.clientId,
    clientHost: `/${ctx.clientAddress}`,
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: v >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    requireKnownMemberId: v >= 4,
    reason: req.reason,
  })
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: v >= 7 ? r.protocolType : null,
    // Before v7 the name is not nullable: "" when there is none, as Kafka writes it.
    protocolName: v >= 7 ? r.protocolName : (r.protocolName ?? ''),
    leader: r.leader,
    skipAssignment: false,
    memberId: r.memberId,
    members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: v >= 5 ? m.groupInstanceId : null, metadata: m.metadata })),
  }
}
