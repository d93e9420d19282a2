/**
 * A consumer group's committed offsets, at the group's coordinator:
 * OffsetFetch, OffsetCommit, OffsetDelete; and resetting them as
 * kafka-consumer-groups.sh --reset-offsets does (ConsumerGroupCommand:
 * compute the new offsets from the log and the current commits, clamp them to
 * the log, then commit them unless it is a dry run).
 *
 * Altering offsets commits as the Java AdminClient does: generation -1 and
 * no member id, which a coordinator accepts only while the group is Empty;
 * with live members Kafka answers UNKNOWN_MEMBER_ID, which this client
 * reports (AdminError, code UNKNOWN_MEMBER_ID) with a message saying why.
 */
import { topicPartitionKey, type TopicPartition } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { OffsetCommitApi } from '../../protocol/messages/offset-commit.js'
import { OffsetDeleteApi } from '../../protocol/messages/offset-delete.js'
import { OffsetFetchApi, type OffsetFetchResponseTopic } from '../../protocol/messages/offset-fetch.js'
import { KafkaClientError, KafkaProtocolError } from '../errors.js'
import { ItemResults } from './item-results.js'
import { byTopic, compareTopicPartitions } from './topic-partitions.js'
import { listOffsets, type ListedOffset } from './partition-offsets.js'
import { throwIfCoordinatorError, type RequestRouter } from './request-router.js'
import { describeTopics } from './topics.js'

export interface CommittedOffset extends TopicPartition {
  /** -1 when the group has committed nothing for the partition. */
  offset: bigint
  /** -1 when not known. */
  leaderEpoch: number
  /** "" when none was committed (null on the wire reads as "", as in the Java client's OffsetAndMetadata). */
  metadata: string
}

export interface OffsetToCommit extends TopicPartition {
  offset: bigint | number
  metadata?: string | null
  leaderEpoch?: number
}

/** Where resetConsumerGroupOffsets moves each partition; every result is clamped to [earliest, latest]. */
export type ResetTarget =
  | 'earliest'
  | 'latest'
  | { offset: bigint | number }
  /** The first record at or after it; latest for partitions with none that late. */
  | { timestamp: number }
  /** From the committed offset (which must exist), forwards or back. */
  | { shiftBy: bigint | number }

export interface PlannedOffset extends TopicPartition {
  offset: bigint
}

const NO_OFFSET = -1n

export async function listConsumerGroupOffsets(r: RequestRouter, deadline: number, groupId: string, tps?: TopicPartition[]): Promise<CommittedOffset[]> {
  const topics = tps === undefined ? null : [...byTopic(tps)].map(([name, ps]) => ({ name, partitionIndexes: ps.map((p) => p.partition) }))
  const answer = await r.coordinator(deadline, groupId, async (c): Promise<OffsetFetchResponseTopic[]> => {
    const v = c.versionFor(OffsetFetchApi)
    if (topics === null && v < 2) throw new KafkaClientError(`OffsetFetch v${v} cannot ask for all of a group's offsets: name the partitions`, false)
    // v8+ batches groups (KIP-709); earlier versions ask for one group in top-level fields.
    const body = v >= 8 ? { groupId: '', topics: [], groups: [{ groupId, memberId: null, memberEpoch: -1, topics }], requireStable: false } : { groupId, topics, groups: [], requireStable: false }
    const res = await r.request(c, deadline, OffsetFetchApi, body)
    const group = v >= 8 ? res.groups[0] : { errorCode: res.errorCode, topics: res.topics }
    if (!group) throw new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `OffsetFetch did not answer for ${groupId}`)
    throwIfCoordinatorError(group.errorCode, `group ${groupId}`)
    // Before v2 the coordinator's own errors come per partition.
    for (const t of group.topics) for (const p of t.partitions) throwIfCoordinatorError(p.errorCode, `group ${groupId}`)
    if (group.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(group.errorCode, `group ${groupId}`)
    return group.topics
  })
  const keys = tps?.map(topicPartitionKey) ?? answer.flatMap((t) => t.partitions.map((p) => topicPartitionKey({ topic: t.name, partition: p.partitionIndex })))
  const results = new ItemResults<CommittedOffset>('listConsumerGroupOffsets', [...new Set(keys)])
  for (const t of answer) {
    for (const p of t.partitions) {
      const key = topicPartitionKey({ topic: t.name, partition: p.partitionIndex })
      if (p.errorCode !== ErrorCode.NONE) results.fail(key, new KafkaProtocolError(p.errorCode, key))
      else results.succeed(key, { topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata ?? '' })
    }
  }
  const offsets = results.values()
  return tps === undefined ? offsets.sort(compareTopicPartitions) : offsets
}

export async function alterConsumerGroupOffsets(r: RequestRouter, deadline: number, groupId: string, offsets: OffsetToCommit[]): Promise<void> {
  const results = new ItemResults<true>('alterConsumerGroupOffsets', offsets.map(topicPartitionKey))
  const answer = await r.coordinator(deadline, groupId, async (c) => {
    const res = await r.request(c, deadline, OffsetCommitApi, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...byTopic(offsets)].map(([name, os]) => ({
        name,
        partitions: os.map((o) => ({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: o.leaderEpoch ?? -1, commitTimestamp: -1n, committedMetadata: o.metadata ?? null })),
      })),
    })
    for (const t of res.topics) for (const p of t.partitions) throwIfCoordinatorError(p.errorCode, `group ${groupId}`)
    return res.topics
  })
  for (const t of answer) {
    for (const p of t.partitions) {
      const key = topicPartitionKey({ topic: t.name, partition: p.partitionIndex })
      if (p.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        results.fail(key, new KafkaProtocolError(p.errorCode, `group ${groupId} has active members; its offsets can be altered only while it is empty`))
      } else if (p.errorCode !== ErrorCode.NONE) results.fail(key, new KafkaProtocolError(p.errorCode, key))
      else results.succeed(key, true)
    }
  }
  results.values()
}

export async function deleteConsumerGroupOffsets(r: RequestRouter, deadline: number, groupId: string, tps: TopicPartition[]): Promise<void> {
  const results = new ItemResults<true>('deleteConsumerGroupOffsets', tps.map(topicPartitionKey))
  const answer = await r.coordinator(deadline, groupId, async (c) => {
    const res = await r.request(c, deadline, OffsetDeleteApi, {
      groupId,
      topics: [...byTopic(tps)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition })) })),
    })
    throwIfCoordinatorError(res.errorCode, `group ${groupId}`)
    return res
  })
  // A group-wide error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, ...) is every partition's.
  if (answer.errorCode !== ErrorCode.NONE) {
    for (const tp of tps) results.fail(topicPartitionKey(tp), new KafkaProtocolError(answer.errorCode, `group ${groupId}`))
  }
  for (const t of answer.topics) {
    for (const p of t.partitions) {
      const key = topicPartitionKey({ topic: t.name, partition: p.partitionIndex })
      // GROUP_SUBSCRIBED_TO_TOPIC: a live member still reads the topic.
      if (p.errorCode !== ErrorCode.NONE) results.fail(key, new KafkaProtocolError(p.errorCode, key))
      else results.succeed(key, true)
    }
  }
  results.values()
}

/** Every partition of the topics named by string, and the partitions named as such; in order, once each. */
async function expandTargets(r: RequestRouter, deadline: number, targets: (string | TopicPartition)[]): Promise<TopicPartition[]> {
  const names = [...new Set(targets.filter((t): t is string => typeof t === 'string'))]
  const described = names.length === 0 ? [] : await describeTopics(r, deadline, names)
  const partitions = new Map(described.map((t) => [t.name, t.partitions.map((p) => ({ topic: t.name, partition: p.partition }))]))
  const all = new Map<string, TopicPartition>()
  for (const t of targets) for (const tp of typeof t === 'string' ? partitions.get(t)! : [t]) all.set(topicPartitionKey(tp), { topic: tp.topic, partition: tp.partition })
  return [...all.values()]
}

function clamp(offset: bigint, earliest: bigint, latest: bigint): bigint {
  return offset < earliest ? earliest : offset > latest ? latest : offset
}

export async function resetConsumerGroupOffsets(r: RequestRouter, deadline: number, groupId: string, targets: (string | TopicPartition)[], to: ResetTarget, dryRun: boolean): Promise<PlannedOffset[]> {
  const tps = await expandTargets(r, deadline, targets)
  const offsetsAt = async (spec: 'earliest' | 'latest' | { timestamp: number }): Promise<Map<string, ListedOffset>> =>
    new Map((await listOffsets(r, deadline, tps.map((tp) => ({ ...tp, spec })))).map((o) => [topicPartitionKey(o), o]))
  const [earliest, latest] = await Promise.all([offsetsAt('earliest'), offsetsAt('latest')])
  let wanted: (tp: TopicPartition) => bigint
  if (to === 'earliest' || to === 'latest') {
    wanted = (tp) => (to === 'earliest' ? earliest : latest).get(topicPartitionKey(tp))!.offset
  } else if ('offset' in to) {
    wanted = () => BigInt(to.offset)
  } else if ('timestamp' in to) {
    const found = await offsetsAt({ timestamp: to.timestamp })
    // As ConsumerGroupCommand: no record that late means the end of the log.
    wanted = (tp) => {
      const o = found.get(topicPartitionKey(tp))!.offset
      return o === NO_OFFSET ? latest.get(topicPartitionKey(tp))!.offset : o
    }
  } else {
    const committed = new Map((await listConsumerGroupOffsets(r, deadline, groupId, tps)).map((o) => [topicPartitionKey(o), o.offset]))
    const shift = BigInt(to.shiftBy)
    wanted = (tp) => {
      const current = committed.get(topicPartitionKey(tp)) ?? NO_OFFSET
      if (current === NO_OFFSET) throw new KafkaClientError(`cannot shift ${topicPartitionKey(tp)} of group ${groupId}: it has no committed offset`, false)
      return current + shift
    }
  }
  const planned = tps.map((tp) => {
    const key = topicPartitionKey(tp)
    return { ...tp, offset: clamp(wanted(tp), earliest.get(key)!.offset, latest.get(key)!.offset) }
  })
  if (!dryRun) await alterConsumerGroupOffsets(r, deadline, groupId, planned)
  return planned
}

