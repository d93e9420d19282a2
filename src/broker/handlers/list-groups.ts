/**
 * ListGroups (API key 16), versions 0-5: the groups this coordinator knows,
 * optionally only those in the given states (v4+, KIP-518) or of the given
 * types (v5+, KIP-848; every Brook group is "classic").
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import type { ListGroupsRequest, ListGroupsResponse } from '../../protocol/messages/list-groups.js'

export async function handleListGroups(broker: BrokerContext, ctx: RequestContext, req: ListGroupsRequest): Promise<ListGroupsResponse> {
  const v = ctx.apiVersion
  const r = broker.groupCoordinator.listGroups(v >= 4 ? req.statesFilter : [], v >= 5 ? req.typesFilter : [])
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    groups: r.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: v >= 4 ? g.state : '', groupType: v >= 5 ? 'classic' : '' })),
  }
}
