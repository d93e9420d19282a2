/**
 * DescribeGroups (API key 15), versions 0-5: state, protocol and members of
 * each group. As Kafka: the protocol name, member metadata and assignments
 * are shown only while the group is Stable; an unknown group is "Dead" with
 * no error; client hosts read "/<address>". Authorized operations (v3+) are
 * not computed (no ACLs yet): Kafka's "not requested" value.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/messages/describe-groups.js'

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648

export async function handleDescribeGroups(broker: BrokerContext, ctx: RequestContext, req: DescribeGroupsRequest): Promise<DescribeGroupsResponse> {
  const v = ctx.apiVersion
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((groupId) => {
      const g = broker.groupCoordinator.describeGroup(groupId)
      return {
        errorCode: g.errorCode,
        groupId,
        groupState: g.state,
        protocolType: g.protocolType,
        protocolData: g.protocolName,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: v >= 4 ? m.groupInstanceId : null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      }
    }),
  }
}
