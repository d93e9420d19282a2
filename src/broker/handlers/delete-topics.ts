/**
 * DeleteTopics (API key 20), versions 0-6.
 *
 * Deletes topics by name (v0-v5 `topicNames`, v6 `topics[].name`) or by id
 * (v6 `topics[].topicId`). Checks follow Kafka's ControllerApis.deleteTopics:
 * with delete.topic.enable=false every topic gets TOPIC_DELETION_DISABLED
 * (INVALID_REQUEST before v3, which lacks the code); a v6 entry with both a
 * name and an id, or with neither, and a name or id named twice, get
 * INVALID_REQUEST; an unknown id UNKNOWN_TOPIC_ID, an unknown name
 * UNKNOWN_TOPIC_OR_PARTITION. The rest are deleted: metadata first, then
 * the partitions' logs (TopicManager.deleteTopic), before the response, so
 * `timeoutMs` is never reached.
 *
 * Deviations: results keep the request's order (Kafka lists errors first);
 * errorMessage (v5+) is also set for the per-topic errors Kafka leaves
 * without one.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { isKafkaError } from '../../protocol/kafka-error.js'
import {
  defaultDeleteTopicsResponseDeletableTopicResult,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  type DeleteTopicsResponseDeletableTopicResult,
} from '../../protocol/messages/delete-topics.js'
import { ZERO_UUID } from '../../protocol/uuid.js'

export async function handleDeleteTopics(broker: BrokerContext, ctx: RequestContext, req: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
  const v = ctx.apiVersion
  // v0-v5 name topics in `topicNames`; v6 in `topics`, by name or by id.
  const requested = v >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))
  const results: DeleteTopicsResponseDeletableTopicResult[] = requested.map((t) => ({
    ...defaultDeleteTopicsResponseDeletableTopicResult(),
    // Before v6 the name is not nullable; an entry is always by name there.
    name: t.name ?? (v >= 6 ? null : ''),
    topicId: v >= 6 ? t.topicId : ZERO_UUID,
  }))
  const fail = (r: DeleteTopicsResponseDeletableTopicResult, errorCode: number, message: string | null): void => {
    r.errorCode = errorCode
    if (v >= 5) r.errorMessage = message
  }

  if (!broker.settings.deleteTopicEnable) {
    for (const r of results) fail(r, v < 3 ? ErrorCode.INVALID_REQUEST : ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.')
    return { throttleTimeMs: 0, responses: results }
  }

  const count = new Map<string, number>()
  for (const t of requested) {
    const key = t.name !== null && t.topicId === ZERO_UUID ? `name:${t.name}` : t.name === null ? `id:${t.topicId}` : ''
    if (key) count.set(key, (count.get(key) ?? 0) + 1)
  }
  const toDelete: { result: DeleteTopicsResponseDeletableTopicResult; name: string }[] = []
  requested.forEach((t, i) => {
    const r = results[i]!
    if (t.name === null && t.topicId === ZERO_UUID) return fail(r, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.')
    if (t.name !== null && t.topicId !== ZERO_UUID) return fail(r, ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.')
    if (t.name !== null) {
      if (count.get(`name:${t.name}`)! > 1) return fail(r, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.')
      if (!broker.metadata.topic(t.name)) return fail(r, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.')
      toDelete.push({ result: r, name: t.name })
      return
    }
    if (count.get(`id:${t.topicId}`)! > 1) return fail(r, ErrorCode.INVALID_REQUEST, 'Duplicate topic id.')
    const byId = broker.metadata.topicById(t.topicId)
    if (!byId) return fail(r, ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.')
    // Kafka answers an id with the topic's name too.
    r.name = byId.name
    toDelete.push({ result: r, name: byId.name })
  })

  // One after another: TopicManager serializes them anyway, and the logs say which went first.
  for (const { result, name } of toDelete) {
    try {
      await broker.topics.deleteTopic(name)
    } catch (e) {
      if (!isKafkaError(e)) broker.logger.error(`DeleteTopics failed for ${name}`, { error: e })
      fail(result, isKafkaError(e) ? e.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR, isKafkaError(e) ? (e.errorMessage ?? null) : null)
    }
  }
  return { throttleTimeMs: 0, responses: results }
}
