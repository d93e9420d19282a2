/**
 * Topic administration: CreateTopics, DeleteTopics, CreatePartitions (any
 * broker; Kafka forwards them to the controller) and Metadata for listing and
 * describing topics. Items fail with the broker's error code (AdminError);
 * NOT_CONTROLLER and other retriable codes send the item again.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { CreatePartitionsApi } from '../../protocol/messages/create-partitions.js'
import { CreateTopicsApi, defaultCreateTopicsRequestCreatableTopic } from '../../protocol/messages/create-topics.js'
import { DeleteTopicsApi } from '../../protocol/messages/delete-topics.js'
import { ZERO_UUID } from '../../protocol/uuid.js'
import { UnsupportedVersionError } from '../errors.js'
import { ItemResults } from './item-results.js'
import { brokerWaitMs, type RequestRouter } from './request-router.js'

export interface NewTopic {
  name: string
  /** Default: the broker's num.partitions (needs CreateTopics v4+). */
  numPartitions?: number
  /** Default: the broker's default.replication.factor (needs CreateTopics v4+). */
  replicationFactor?: number
  /** Replicas per partition, by partition index: the broker places nothing itself (numPartitions and replicationFactor must then be absent). */
  replicaAssignment?: Record<number, number[]> | number[][]
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  configs?: Record<string, string>
}

export interface CreateTopicsOptions {
  /** Only check that the topics could be created (CreateTopics v1+). */
  validateOnly?: boolean
  /** The call's deadline and the broker's own wait for the creation. */
  timeoutMs?: number
}

export interface CreatedTopic {
  name: string
  /** null before CreateTopics v7. */
  topicId: string | null
  /** As created (or as it would be, with validateOnly); -1 before CreateTopics v5. */
  numPartitions: number
  replicationFactor: number
}

export interface NewPartitions {
  topic: string
  /** The partition count wanted (more than now). */
  count: number
  /** Replicas of each new partition, in partition order. */
  assignments?: number[][]
}

export interface TopicDescription {
  name: string
  /** null before Metadata v10. */
  topicId: string | null
  internal: boolean
  partitions: TopicPartitionInfo[]
}

export interface TopicPartitionInfo {
  partition: number
  /** Node id of the leader, -1 for none. */
  leader: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export function createTopics(r: RequestRouter, deadline: number, topics: NewTopic[], validateOnly: boolean): Promise<CreatedTopic[]> {
  const byName = new Map(topics.map((t) => [t.name, t]))
  const results = new ItemResults<CreatedTopic>('createTopics', topics.map((t) => t.name))
  return r.rounds(deadline, results, async (pending) => {
    const res = await r.cluster.anyBroker(async (c) => {
      if (validateOnly && c.versionFor(CreateTopicsApi) < 1) throw new UnsupportedVersionError('validateOnly needs CreateTopics v1')
      const creatable = pending.map((name) => {
        const t = byName.get(name)!
        const assignment = Object.entries(t.replicaAssignment ?? {}).map(([p, brokerIds]) => ({ partitionIndex: Number(p), brokerIds }))
        // KIP-464: -1 asks for the broker's default; before v4 a request had to say.
        if ((t.numPartitions === undefined || t.replicationFactor === undefined) && assignment.length === 0 && c.versionFor(CreateTopicsApi) < 4) {
          throw new UnsupportedVersionError(`topic ${name}: the broker needs numPartitions and replicationFactor (CreateTopics v4 takes the broker's defaults)`)
        }
        return {
          ...defaultCreateTopicsRequestCreatableTopic(),
          name,
          numPartitions: assignment.length > 0 ? -1 : (t.numPartitions ?? -1),
          replicationFactor: assignment.length > 0 ? -1 : (t.replicationFactor ?? -1),
          assignments: assignment,
          configs: Object.entries(t.configs ?? {}).map(([k, value]) => ({ name: k, value })),
        }
      })
      return r.request(c, deadline, CreateTopicsApi, { topics: creatable, timeoutMs: brokerWaitMs(deadline), validateOnly })
    })
    for (const t of res.topics) {
      if (t.errorCode !== ErrorCode.NONE) results.error(t.name, t.errorCode, t.errorMessage)
      else results.succeed(t.name, { name: t.name, topicId: t.topicId === ZERO_UUID ? null : t.topicId, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor })
    }
  })
}

export async function deleteTopics(r: RequestRouter, deadline: number, names: string[]): Promise<void> {
  const results = new ItemResults<true>('deleteTopics', names)
  await r.rounds(deadline, results, async (pending) => {
    const res = await r.cluster.anyBroker((c) =>
      // v6 names topics in `topics` (by name or id), earlier versions in `topicNames`.
      c.versionFor(DeleteTopicsApi) >= 6
        ? r.request(c, deadline, DeleteTopicsApi, { topics: pending.map((name) => ({ name, topicId: ZERO_UUID })), topicNames: [], timeoutMs: brokerWaitMs(deadline) })
        : r.request(c, deadline, DeleteTopicsApi, { topics: [], topicNames: pending, timeoutMs: brokerWaitMs(deadline) }),
    )
    for (const t of res.responses) {
      if (t.name === null) continue
      if (t.errorCode !== ErrorCode.NONE) results.error(t.name, t.errorCode, t.errorMessage)
      else results.succeed(t.name, true)
    }
  })
}

export async function listTopics(r: RequestRouter, deadline: number, includeInternal: boolean): Promise<string[]> {
  const md = await r.anyBroker(deadline, (c) => r.metadata(c, deadline, null))
  return md.topics
    .filter((t) => t.name !== null && (includeInternal || !t.isInternal))
    .map((t) => t.name!)
    .sort()
}

export function describeTopics(r: RequestRouter, deadline: number, names: string[]): Promise<TopicDescription[]> {
  const results = new ItemResults<TopicDescription>('describeTopics', names)
  return r.rounds(deadline, results, async (pending) => {
    const md = await r.cluster.anyBroker((c) => r.metadata(c, deadline, pending))
    for (const t of md.topics) {
      if (t.name === null) continue
      // LEADER_NOT_AVAILABLE: the topic is still being created; asked again next round.
      if (t.errorCode !== ErrorCode.NONE) results.error(t.name, t.errorCode, `topic ${t.name}`)
      else {
        results.succeed(t.name, {
          name: t.name,
          topicId: t.topicId === ZERO_UUID ? null : t.topicId,
          internal: t.isInternal,
          partitions: t.partitions
            .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas }))
            .sort((a, b) => a.partition - b.partition),
        })
      }
    }
  })
}

export async function createPartitions(r: RequestRouter, deadline: number, topics: NewPartitions[], validateOnly: boolean): Promise<void> {
  const byName = new Map(topics.map((t) => [t.topic, t]))
  const results = new ItemResults<true>('createPartitions', topics.map((t) => t.topic))
  await r.rounds(deadline, results, async (pending) => {
    const res = await r.cluster.anyBroker((c) =>
      r.request(c, deadline, CreatePartitionsApi, {
        topics: pending.map((name) => {
          const t = byName.get(name)!
          return { name, count: t.count, assignments: t.assignments?.map((brokerIds) => ({ brokerIds })) ?? null }
        }),
        timeoutMs: brokerWaitMs(deadline),
        validateOnly,
      }),
    )
    for (const t of res.results) {
      if (t.errorCode !== ErrorCode.NONE) results.error(t.name, t.errorCode, t.errorMessage)
      else results.succeed(t.name, true)
    }
  })
}
