/**
 * DeleteGroups (API key 42), versions 0-2: removes Empty groups with their
 * committed offsets (tombstones in `__consumer_offsets`). A group with
 * members is NON_EMPTY_GROUP; an unknown one GROUP_ID_NOT_FOUND.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/messages/delete-groups.js'

export async function handleDeleteGroups(broker: BrokerContext, _ctx: RequestContext, req: DeleteGroupsRequest): Promise<DeleteGroupsResponse> {
  const results = []
  // One at a time: each deletion is a write to the offsets topic.
  for (const groupId of req.groupsNames) results.push({ groupId, errorCode: await broker.groupCoordinator.deleteGroup(groupId) })
  return { throttleTimeMs: 0, results }
}
