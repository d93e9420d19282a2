/**
 * CreateTopics (API key 19), versions 0-7.
 *
 * Each topic is validated as Kafka does (name, existing or colliding topic,
 * partitions, replication factor against live brokers, configs) and created
 * unless validateOnly. A manual replica assignment must use only live brokers
 * and comes instead of numPartitions/replicationFactor (both -1). From v5 the
 * result repeats the topic's partitions, replication factor and configs; v7
 * adds its id.
 */
import type { BrokerContext } from '../broker-context.js'
import { MAX_PARTITIONS_PER_REQUEST } from '../topic-manager.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { isKafkaError, KafkaError } from '../../protocol/kafka-error.js'
import {
  defaultCreateTopicsResponseCreatableTopicResult,
  type CreateTopicsRequest,
  type CreateTopicsRequestCreatableTopic,
  type CreateTopicsResponse,
  type CreateTopicsResponseCreatableTopicResult,
} from '../../protocol/messages/create-topics.js'

export async function handleCreateTopics(broker: BrokerContext, ctx: RequestContext, req: CreateTopicsRequest): Promise<CreateTopicsResponse> {
  const v = ctx.apiVersion
  const seen = new Map<string, number>()
  for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1)
  const topics: CreateTopicsResponseCreatableTopicResult[] = []
  // Kafka's ReplicationControlManager.validateTotalNumberOfPartitions: one request may
  // not create more than 10,000 partitions, checked before anything else. Without it a
  // single request asking for 2^31 partitions keeps the broker creating log dirs
  // for ever, and every later topic change queues behind it.
  if (requestedPartitions(broker, req) > MAX_PARTITIONS_PER_REQUEST) {
    for (const t of req.topics) {
      topics.push({
        ...defaultCreateTopicsResponseCreatableTopicResult(),
        name: t.name,
        configs: v >= 5 ? [] : null,
        errorCode: ErrorCode.POLICY_VIOLATION,
        errorMessage: 'Excessively large number of partitions per request.',
      })
    }
    return { throttleTimeMs: 0, topics }
  }
  for (const t of req.topics) {
    const result: CreateTopicsResponseCreatableTopicResult = { ...defaultCreateTopicsResponseCreatableTopicResult(), name: t.name, configs: v >= 5 ? [] : null }
    topics.push(result)
    if (seen.get(t.name)! > 1) {
      // Kafka: a topic named twice in one request is rejected, every time it appears.
      Object.assign(result, { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Create topics request from client \`${ctx.clientId}\` contains multiple entries for the following topics: ${t.name}` })
      continue
    }
    try {
      const { numPartitions, replicationFactor } = fromAssignments(broker, t)
      const configs = Object.fromEntries(t.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value!]))
      const request = { name: t.name, numPartitions, replicationFactor, configs }
      const created = await broker.topics.createTopic(request, req.validateOnly)
      const effective = created ?? { ...request, ...broker.topics.validateCreate(request) }
      if (v >= 5) {
        result.numPartitions = 'partitions' in effective ? effective.partitions : effective.numPartitions
        result.replicationFactor = effective.replicationFactor
        result.configs = broker.describeTopicConfigs(configs).map((c) => ({ name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.configSource, isSensitive: c.isSensitive }))
      }
      if (v >= 7 && created) result.topicId = created.topicId
    } catch (e) {
      if (!isKafkaError(e)) broker.logger.error(`CreateTopics failed for ${t.name}`, { error: e })
      result.errorCode = isKafkaError(e) ? e.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
      result.errorMessage = isKafkaError(e) ? (e.errorMessage ?? null) : null
    }
  }
  return { throttleTimeMs: 0, topics }
}


/** Partitions the request would create: numPartitions (-1: num.partitions) or the size of a manual assignment. */
function requestedPartitions(broker: BrokerContext, req: CreateTopicsRequest): number {
  let total = 0
  for (const t of req.topics) {
    if (t.assignments.length > 0) total += t.assignments.length
    else if (t.numPartitions === -1) total += broker.topics.defaultNumPartitions
    else if (t.numPartitions > 0) total += t.numPartitions
  }
  return total
}

/** With a manual assignment, its size gives the partitions and its first entry the replication factor. */
function fromAssignments(broker: BrokerContext, t: CreateTopicsRequestCreatableTopic): { numPartitions: number; replicationFactor: number } {
  if (t.assignments.length === 0) return { numPartitions: t.numPartitions, replicationFactor: t.replicationFactor }
  if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
    throw kafkaError(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.')
  }
  const sorted = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex)
  sorted.forEach((a, i) => {
    if (a.partitionIndex !== i) throw kafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence')
    if (a.brokerIds.some((b) => b !== broker.settings.brokerId)) {
      throw kafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Unknown broker in replica assignment ${a.brokerIds.join(',')}; live brokers: ${broker.settings.brokerId}`)
    }
  })
  return { numPartitions: sorted.length, replicationFactor: sorted[0]!.brokerIds.length }
}

function kafkaError(errorCode: number, errorMessage: string): KafkaError {
  return new KafkaError(errorCode, { errorMessage })
}
