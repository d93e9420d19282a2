/**
 * Consumer group administration: ListGroups (every broker, since each knows
 * only the groups it coordinates), DescribeGroups and DeleteGroups (each
 * group's coordinator; NOT_COORDINATOR and its kin find the coordinator again).
 */
import type { TopicPartition } from '../../common/topic-partition.js'
import { DecodeError } from '../../protocol/codec-error.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ConsumerProtocolAssignmentSpec } from '../../protocol/messages/consumer-protocol-assignment.js'
import { DeleteGroupsApi } from '../../protocol/messages/delete-groups.js'
import { DescribeGroupsApi, type DescribeGroupsResponseDescribedGroup } from '../../protocol/messages/describe-groups.js'
import { ListGroupsApi } from '../../protocol/messages/list-groups.js'
import { Reader } from '../../protocol/reader.js'
import { KafkaProtocolError, UnsupportedVersionError } from '../errors.js'
import type { BrokerConnection } from '../network/broker-connection.js'
import { ItemResults } from './item-results.js'
import { compareTopicPartitions } from './topic-partitions.js'
import { throwIfCoordinatorError, type RequestRouter } from './request-router.js'

export interface ListedGroup {
  groupId: string
  /** "consumer" for consumer groups, "" for groups that only commit offsets. */
  protocolType: string
  /** Empty, Stable, ...; null when the broker does not say (ListGroups before v4). */
  state: string | null
}

export interface GroupDescription {
  groupId: string
  /**
   * Kafka's classic group states: Empty, PreparingRebalance,
   * CompletingRebalance, Stable, or Dead (which is also how a broker describes
   * a group it does not have, before DescribeGroups v6).
   */
  state: string
  protocolType: string
  /** The chosen assignor ("range", ...) while Stable, else "". */
  protocol: string
  members: GroupMemberDescription[]
}

export interface GroupMemberDescription {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  /** The member's partitions, decoded for protocolType "consumer" (empty for others, and until the group is Stable). */
  assignment: TopicPartition[]
}

/** A ConsumerProtocolAssignment's partitions; [] when there is none or it cannot be read. */
export function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length === 0) return []
  try {
    const r = new Reader(bytes)
    // A newer client may write a version beyond ours; the fields we read come first in every version.
    const version = Math.min(Math.max(r.int16(), ConsumerProtocolAssignmentSpec.minVersion), ConsumerProtocolAssignmentSpec.maxVersion)
    return ConsumerProtocolAssignmentSpec.read(r, version)
      .assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })))
      .sort(compareTopicPartitions)
  } catch (e) {
    if (e instanceof DecodeError) return []
    throw e
  }
}

export async function listGroups(r: RequestRouter, deadline: number, states: string[]): Promise<ListedGroup[]> {
  const perBroker = await Promise.all(
    (await r.brokerIds(deadline)).map((id) =>
      r.broker(deadline, id, async (c): Promise<ListedGroup[]> => {
        const v = c.versionFor(ListGroupsApi)
        if (states.length > 0 && v < 4) throw new UnsupportedVersionError(`broker ${id} cannot filter groups by state (ListGroups v${v}; v4 can)`)
        const res = await r.request(c, deadline, ListGroupsApi, { ...ListGroupsApi.request.create(), statesFilter: states })
        if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, `ListGroups on broker ${id}`)
        return res.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: v >= 4 ? g.groupState : null }))
      }),
    ),
  )
  const groups = new Map<string, ListedGroup>()
  for (const g of perBroker.flat()) groups.set(g.groupId, g)
  return [...groups.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
}

/**
 * Calls `call` for each group at its coordinator, in parallel. `call`
 * throws a KafkaProtocolError for the group's own error code: coordinator
 * codes are retried, anything else fails that group (AdminError).
 */
export async function perGroup<V>(r: RequestRouter, operation: string, deadline: number, groupIds: string[], call: (c: BrokerConnection, groupId: string) => Promise<V>): Promise<V[]> {
  const results = new ItemResults<V>(operation, groupIds)
  await Promise.all(
    groupIds.map(async (g) => {
      try {
        results.succeed(g, await r.coordinator(deadline, g, (c) => call(c, g)))
      } catch (e) {
        if (!(e instanceof KafkaProtocolError)) throw e
        results.fail(g, e)
      }
    }),
  )
  return results.values()
}

function describe(g: DescribeGroupsResponseDescribedGroup): GroupDescription {
  return {
    groupId: g.groupId,
    state: g.groupState,
    protocolType: g.protocolType,
    protocol: g.protocolData,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: g.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : [],
    })),
  }
}

export function describeGroups(r: RequestRouter, deadline: number, groupIds: string[]): Promise<GroupDescription[]> {
  return perGroup(r, 'describeGroups', deadline, groupIds, async (c, groupId) => {
    const res = await r.request(c, deadline, DescribeGroupsApi, { ...DescribeGroupsApi.request.create(), groups: [groupId] })
    const g = res.groups.find((x) => x.groupId === groupId)
    if (!g) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `DescribeGroups did not answer for ${groupId}`)
    throwIfCoordinatorError(g.errorCode, `group ${groupId}`)
    if (g.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(g.errorCode, `group ${groupId}`)
    return describe(g)
  })
}

export async function deleteGroups(r: RequestRouter, deadline: number, groupIds: string[]): Promise<void> {
  await perGroup(r, 'deleteGroups', deadline, groupIds, async (c, groupId) => {
    const res = await r.request(c, deadline, DeleteGroupsApi, { groupsNames: [groupId] })
    const g = res.results.find((x) => x.groupId === groupId)
    if (!g) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `DeleteGroups did not answer for ${groupId}`)
    throwIfCoordinatorError(g.errorCode, `group ${groupId}`)
    // NON_EMPTY_GROUP: members are still in it; GROUP_ID_NOT_FOUND: no such group.
    if (g.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(g.errorCode, `group ${groupId}`)
  })
}
