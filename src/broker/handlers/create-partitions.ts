/**
 * CreatePartitions (API key 37), versions 0-3.
 *
 * Raises a topic's partition count to `count` (KIP-195), or with
 * validateOnly only checks that it could. Checks and messages follow Kafka's
 * KafkaApis.handleCreatePartitionsRequest and ZkAdminManager.createPartitions:
 * - a topic named twice in one request: INVALID_REQUEST for each entry;
 * - unknown topic: UNKNOWN_TOPIC_OR_PARTITION;
 * - count below or equal to the current count: INVALID_PARTITIONS;
 * - manual `assignments` (one broker list per new partition): the wrong
 *   number of them, a broker other than this one, an empty or duplicated
 *   list, or a replication factor unlike the topic's: INVALID_REPLICA_ASSIGNMENT.
 * New partitions are created (and served) before the response, so
 * `timeoutMs` is never reached.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { isKafkaError, KafkaError } from '../../protocol/kafka-error.js'
import type { CreatePartitionsRequest, CreatePartitionsRequestTopic, CreatePartitionsResponse, CreatePartitionsResponseTopicResult } from '../../protocol/messages/create-partitions.js'

export async function handleCreatePartitions(broker: BrokerContext, ctx: RequestContext, req: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
  const seen = new Map<string, number>()
  for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1)
  const results: CreatePartitionsResponseTopicResult[] = []
  for (const t of req.topics) {
    const result: CreatePartitionsResponseTopicResult = { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null }
    results.push(result)
    if (seen.get(t.name)! > 1) {
      Object.assign(result, { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' })
      continue
    }
    try {
      checkRequest(broker, t)
      await broker.topics.createPartitions(t.name, t.count, req.validateOnly)
    } catch (e) {
      if (!isKafkaError(e)) broker.logger.error(`CreatePartitions failed for ${t.name}`, { error: e })
      result.errorCode = isKafkaError(e) ? e.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR
      result.errorMessage = isKafkaError(e) ? (e.errorMessage ?? null) : null
    }
  }
  return { throttleTimeMs: 0, results }
}

/**
 * The checks Kafka makes before touching anything, in its order. TopicManager
 * repeats the count checks inside its queue, so a concurrent change cannot
 * slip between these and the change.
 */
function checkRequest(broker: BrokerContext, t: CreatePartitionsRequestTopic): void {
  const topic = broker.metadata.topic(t.name)
  if (!topic) throw fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${t.name}' does not exist.`)
  const increment = t.count - topic.partitions
  if (increment < 0) throw fail(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${topic.partitions} partitions, which is higher than the requested ${t.count}.`)
  if (increment === 0) throw fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${topic.partitions} partitions.`)
  if (t.assignments === null) return

  const brokerId = broker.settings.brokerId
  const unknown = [...new Set(t.assignments.flatMap((a) => a.brokerIds).filter((b) => b !== brokerId))]
  if (unknown.length > 0) throw fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`)
  if (t.assignments.length !== increment) {
    throw fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${increment} but ${t.assignments.length} assignments provided.`)
  }
  t.assignments.forEach((a, i) => {
    const partitionId = topic.partitions + i
    if (a.brokerIds.length === 0) throw fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Cannot have replication factor of 0 for partition id ${partitionId}.`)
    if (new Set(a.brokerIds).size !== a.brokerIds.length) {
      throw fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Duplicate brokers not allowed in replica assignment: ${a.brokerIds.join(', ')} for partition id ${partitionId}.`)
    }
    if (a.brokerIds.length !== topic.replicationFactor) {
      throw fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Inconsistent replication factor between partitions, partition 0 has ${topic.replicationFactor} while partitions [${partitionId}] have replication factors [${a.brokerIds.length}], respectively.`,
      )
    }
  })
}

function fail(errorCode: number, errorMessage: string): KafkaError {
  return new KafkaError(errorCode, { errorMessage })
}
