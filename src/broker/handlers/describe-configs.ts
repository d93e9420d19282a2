/**
 * DescribeConfigs (API key 32), versions 0-4.
 *
 * Resource types, as Kafka's ConfigHelper.describeConfigs:
 * - TOPIC (2): every topic config with its effective value and source
 *   (the topic's override, a broker synonym set dynamically for this broker
 *   or the cluster, or in server.properties, or the default). An invalid name is INVALID_TOPIC_EXCEPTION, an unknown topic
 *   UNKNOWN_TOPIC_OR_PARTITION.
 * - BROKER (4): named by this broker's id, every broker config with its
 *   effective value (dynamic configs applied; the dynamic keys not
 *   read-only); named "" only the cluster-wide dynamic defaults
 *   (DYNAMIC_DEFAULT_BROKER_CONFIG); another id, or a name that is not a
 *   number, INVALID_REQUEST.
 * - BROKER_LOGGER (8): "" or another id is INVALID_REQUEST; this broker's
 *   id an empty list (deviation: Kafka lists its log4j loggers; Brook's
 *   loggers have no per-name levels to show).
 * - anything else: INVALID_REQUEST "Unsupported resource type".
 * `configurationKeys` null or empty means all keys, else only those named.
 * Synonyms only with includeSynonyms (v1+), documentation only with
 * includeDocumentation (v3+); v0 answers isDefault where v1+ have configSource.
 *
 * Deviation: Kafka fails the whole request for a resource type it does not
 * know when it authorizes; Brook answers that resource alone.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { BROKER_CONFIG_DEF, brokerConfigSynonyms, brokerSynonyms, describedEntry, type DescribedConfig } from '../config/kafka-config.js'
import { isDynamicBrokerConfig } from '../config/dynamic-broker-config.js'
import { topicNameError } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type {
  DescribeConfigsRequest,
  DescribeConfigsRequestResource,
  DescribeConfigsResponse,
  DescribeConfigsResponseResourceResult,
  DescribeConfigsResponseResult,
} from '../../protocol/messages/describe-configs.js'

/** Kafka's ConfigResource.Type ids. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const

export async function handleDescribeConfigs(broker: BrokerContext, ctx: RequestContext, req: DescribeConfigsRequest): Promise<DescribeConfigsResponse> {
  const v = ctx.apiVersion
  const results = req.resources.map((resource): DescribeConfigsResponseResult => {
    const base = { resourceType: resource.resourceType, resourceName: resource.resourceName, errorCode: ErrorCode.NONE, errorMessage: null, configs: [] }
    const found = describe(broker, resource)
    if ('errorCode' in found) return { ...base, ...found }
    const wanted = resource.configurationKeys
    const selected = wanted === null || wanted.length === 0 ? found : found.filter((c) => wanted.includes(c.name))
    return { ...base, configs: selected.map((c) => toWire(c, v, req)) }
  })
  return { throttleTimeMs: 0, results }
}

type Described = DescribedConfig[] | { errorCode: number; errorMessage: string | null }

function describe(broker: BrokerContext, resource: DescribeConfigsRequestResource): Described {
  const name = resource.resourceName
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      const invalid = topicNameError(name)
      if (invalid) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: invalid }
      const topic = broker.metadata.topic(name)
      if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null }
      return broker.describeTopicConfigs(topic.configs)
    }
    case ConfigResourceType.BROKER: {
      if (name === '') return describeDynamicDefaults(broker)
      const id = brokerIdOf(name)
      if (typeof id !== 'number') return id
      if (id !== broker.settings.brokerId) return invalid(`Unexpected broker id, expected ${broker.settings.brokerId} or empty string, but received ${name}`)
      return broker.describeBrokerConfigs()
    }
    case ConfigResourceType.BROKER_LOGGER: {
      if (name === '') return invalid('Broker id must not be empty')
      const id = brokerIdOf(name)
      if (typeof id !== 'number') return id
      if (id !== broker.settings.brokerId) return invalid(`Unexpected broker id, expected ${broker.settings.brokerId} but received ${name}`)
      return []
    }
    default:
      return invalid(`Unsupported resource type: ${resource.resourceType}`)
  }
}

/**
 * The "" BROKER resource: only the keys set as cluster-wide defaults, each
 * with that value and its synonyms without the per-broker level, as Kafka's
 * ConfigHelper (createBrokerConfigEntry(perBrokerConfig = false)).
 */
function describeDynamicDefaults(broker: BrokerContext): DescribedConfig[] {
  const dynamic = broker.dynamicConfig
  return Object.entries(dynamic.configs(''))
    .filter(([name]) => BROKER_CONFIG_DEF.has(name))
    .map(([name, value]) => {
      const key = BROKER_CONFIG_DEF.key(name)!
      const all = brokerSynonyms(brokerConfigSynonyms(name), dynamic.layers, key.type === 'password', false)
      const first = all.findIndex((s) => s.name === name)
      return describedEntry(key, key.type === 'password' ? null : value, first < 0 ? [] : all.slice(first), !isDynamicBrokerConfig(name))
    })
}

/** Kafka's resourceNameToBrokerId: Java's Integer.parseInt, which takes an optional sign and digits. */
function brokerIdOf(name: string): number | { errorCode: number; errorMessage: string } {
  const id = /^[+-]?\d+$/.test(name) ? Number(name) : NaN
  if (!Number.isInteger(id) || id < -2147483648 || id > 2147483647) return invalid(`Broker id must be an integer, but it is: ${name}`)
  return id
}

function invalid(errorMessage: string): { errorCode: number; errorMessage: string } {
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage }
}

function toWire(c: DescribedConfig, v: number, req: DescribeConfigsRequest): DescribeConfigsResponseResourceResult {
  return {
    name: c.name,
    value: c.value,
    readOnly: c.readOnly,
    // v0 has isDefault; v1+ carry configSource instead (the encoder rejects isDefault there).
    isDefault: v === 0 ? c.isDefault : false,
    configSource: c.configSource,
    isSensitive: c.isSensitive,
    synonyms: v >= 1 && req.includeSynonyms ? c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.configSource })) : [],
    configType: c.configType,
    documentation: v >= 3 && req.includeDocumentation ? c.documentation : null,
  }
}
