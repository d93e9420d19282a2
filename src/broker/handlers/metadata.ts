/**
 * Metadata (API key 3), versions 0-12.
 *
 * Lists the brokers (the listener the client connected through), the cluster
 * id and controller, and the requested topics: all of them when `topics` is
 * null (v1+) or empty (v0), by name, or by topic id (v10+). A missing topic is
 * created when auto.create.topics.enable is on and the client allows it (v4+
 * `allowAutoTopicCreation`); Brook creates it before answering, so the client
 * sees it ready instead of Kafka's first LEADER_NOT_AVAILABLE.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import type { TopicMetadata } from '../../cluster/metadata-store.js'
import { topicNameError } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { isKafkaError } from '../../protocol/kafka-error.js'
import { defaultMetadataResponseTopic, type MetadataRequest, type MetadataResponse, type MetadataResponseTopic } from '../../protocol/messages/metadata.js'
import { ZERO_UUID } from '../../protocol/uuid.js'

/** Sentinel of "not requested" for authorized-operations fields (Integer.MIN_VALUE). */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648
/**
 * With no authorizer every topic operation is allowed: the AclOperation bits of
 * READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, DESCRIBE_CONFIGS 10
 * and ALTER_CONFIGS 11 (Kafka's topic operations; CLUSTER_ACTION 9 is not one).
 */
const ALL_TOPIC_OPERATIONS = 3576

export async function handleMetadata(broker: BrokerContext, ctx: RequestContext, req: MetadataRequest): Promise<MetadataResponse> {
  const v = ctx.apiVersion
  const listener = broker.advertisedListeners.find((l) => l.name === ctx.listenerName) ?? broker.advertisedListeners[0]!
  const brokers = [{ nodeId: broker.settings.brokerId, host: listener.host, port: listener.port, rack: broker.settings.rack }]
  const ops = (include: boolean) => (include ? ALL_TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED)

  const describe = (t: TopicMetadata): MetadataResponseTopic => ({
    ...defaultMetadataResponseTopic(),
    name: t.name,
    topicId: v >= 10 ? t.topicId : ZERO_UUID,
    isInternal: t.isInternal,
    topicAuthorizedOperations: v >= 8 ? ops(req.includeTopicAuthorizedOperations) : AUTHORIZED_OPERATIONS_OMITTED,
    partitions: Array.from({ length: t.partitions }, (_, p) => {
      const partition = broker.replicaManager.getPartition({ topic: t.name, partition: p })
      return {
        errorCode: partition ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
        partitionIndex: p,
        leaderId: partition ? partition.leaderId : -1,
        leaderEpoch: partition ? partition.leaderEpoch : -1,
        replicaNodes: partition ? [...partition.replicas] : [],
        isrNodes: partition ? [...partition.isr] : [],
        offlineReplicas: [],
      }
    }),
  })
  const failed = (name: string | null, errorCode: number, topicId = ZERO_UUID): MetadataResponseTopic => ({
    ...defaultMetadataResponseTopic(),
    name,
    topicId,
    errorCode,
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  })

  let topics: MetadataResponseTopic[]
  const all = req.topics === null || (v === 0 && req.topics.length === 0)
  if (all) {
    topics = broker.metadata.topics().map(describe)
  } else {
    const allowAutoCreate = broker.settings.autoCreateTopicsEnable && (v < 4 || req.allowAutoTopicCreation)
    topics = []
    for (const t of req.topics ?? []) {
      if (t.name === null) {
        const found = broker.metadata.topicById(t.topicId)
        topics.push(found ? describe(found) : failed(null, ErrorCode.UNKNOWN_TOPIC_ID, t.topicId))
        continue
      }
      const existing = broker.metadata.topic(t.name)
      if (existing) {
        topics.push(describe(existing))
      } else if (topicNameError(t.name)) {
        topics.push(failed(t.name, ErrorCode.INVALID_TOPIC_EXCEPTION))
      } else if (allowAutoCreate) {
        try {
          const created = await broker.topics.autoCreate(t.name)
          topics.push(created ? describe(created) : failed(t.name, ErrorCode.LEADER_NOT_AVAILABLE))
        } catch (e) {
          topics.push(failed(t.name, isKafkaError(e) ? e.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR))
        }
      } else {
        topics.push(failed(t.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
      }
    }
  }

  return {
    throttleTimeMs: 0,
    brokers,
    clusterId: broker.clusterId,
    controllerId: broker.settings.brokerId,
    topics,
    clusterAuthorizedOperations: v >= 8 && v <= 10 && req.includeClusterAuthorizedOperations ? 0 : AUTHORIZED_OPERATIONS_OMITTED,
  }
}
