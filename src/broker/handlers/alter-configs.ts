/**
 * AlterConfigs (API key 33), versions 0-2: the legacy, non-incremental API.
 *
 * A TOPIC resource's configs replace the topic's whole override set (keys
 * left out return to the broker's values), as Kafka's ZkAdminManager
 * .alterTopicConfigs does; with validateOnly they are only checked.
 * Checks, as Kafka's ConfigAdminManager.preprocess and ZkAdminManager:
 * - a resource named twice: INVALID_REQUEST for each entry;
 * - a key named twice in one resource, or a null value: INVALID_REQUEST;
 * - TOPIC "": INVALID_REQUEST; unknown topic: UNKNOWN_TOPIC_OR_PARTITION;
 *   an unknown key or bad value: INVALID_CONFIG;
 * - BROKER named neither "" nor this broker's id: INVALID_REQUEST. Named ""
 *   (cluster-wide default) or the id (this broker), the configs replace that
 *   level's whole dynamic set (DynamicBrokerConfig, see
 *   config/dynamic-broker-config.ts); a key that is not dynamic is
 *   INVALID_CONFIG "Cannot update these configs dynamically: Set(k)", a bad
 *   value INVALID_CONFIG naming the key. Every log then takes the new
 *   broker values where its topic has no override;
 * - any other type (BROKER_LOGGER included, as in Kafka): INVALID_REQUEST.
 *
 * The helpers below are shared with IncrementalAlterConfigs.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { isKafkaError, KafkaError } from '../../protocol/kafka-error.js'
import type { AlterConfigsRequest, AlterConfigsResponse } from '../../protocol/messages/alter-configs.js'
import { ConfigResourceType } from './describe-configs.js'

export interface ApiError {
  errorCode: number
  errorMessage: string | null
}

export const NO_ERROR: ApiError = Object.freeze({ errorCode: ErrorCode.NONE, errorMessage: null })

/** Kafka's ConfigResource.Type names, for messages. */
const TYPE_NAMES: Record<number, string> = { 0: 'UNKNOWN', 2: 'TOPIC', 4: 'BROKER', 8: 'BROKER_LOGGER', 16: 'CLIENT_METRICS', 32: 'GROUP' }

export function resourceLabel(resourceType: number, resourceName: string): string {
  return `ConfigResource(type=${TYPE_NAMES[resourceType] ?? 'UNKNOWN'}, name='${resourceName}')`
}

export function invalidRequest(errorMessage: string): ApiError {
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage }
}

export async function handleAlterConfigs(broker: BrokerContext, ctx: RequestContext, req: AlterConfigsRequest): Promise<AlterConfigsResponse> {
  const responses = await alterEachResource(req.resources, (r) => alterResource(broker, r.resourceType, r.resourceName, r.configs, req.validateOnly))
  return { throttleTimeMs: 0, responses }
}

async function alterResource(broker: BrokerContext, type: number, name: string, configs: { name: string; value: string | null }[], validateOnly: boolean): Promise<ApiError> {
  const keyError = checkKeys(configs.map((c) => c.name))
  if (keyError) return keyError
  const nulls = configs.filter((c) => c.value === null).map((c) => c.name)
  if (nulls.length > 0) return invalidRequest(`Null value not supported for : ${nulls.join(', ')}`)
  switch (type) {
    case ConfigResourceType.TOPIC: {
      const topicError = checkTopic(broker, name)
      if (topicError) return topicError
      return applyTopicConfigs(broker, name, Object.fromEntries(configs.map((c) => [c.name, c.value!])), validateOnly)
    }
    case ConfigResourceType.BROKER:
      // Legacy AlterConfigs replaces the level's whole set (keys left out are removed), as Kafka.
      return checkBrokerName(broker, name) ?? applyBrokerConfigs(broker, name, Object.fromEntries(configs.map((c) => [c.name, c.value!])), validateOnly)
    default:
      return invalidRequest(`AlterConfigs is only supported for topics and brokers, but resource type is ${TYPE_NAMES[type] ?? type}`)
  }
}

interface ConfigResource {
  resourceType: number
  resourceName: string
}

/**
 * Alters each resource in request order and answers per resource; a resource
 * named twice is INVALID_REQUEST every time it appears (both AlterConfigs APIs).
 */
export async function alterEachResource<R extends ConfigResource>(
  resources: readonly R[],
  alter: (r: R) => Promise<ApiError>,
): Promise<(ApiError & ConfigResource)[]> {
  const duplicated = duplicateResources(resources)
  const responses = []
  for (const [i, r] of resources.entries()) {
    const error = duplicated.has(i) ? invalidRequest('Each resource must appear at most once.') : await alter(r)
    responses.push({ ...error, resourceType: r.resourceType, resourceName: r.resourceName })
  }
  return responses
}

/** Indexes of resources (type and name) that appear more than once. */
function duplicateResources(resources: readonly { resourceType: number; resourceName: string }[]): Set<number> {
  const count = new Map<string, number>()
  const key = (r: { resourceType: number; resourceName: string }) => `${r.resourceType}:${r.resourceName}`
  for (const r of resources) count.set(key(r), (count.get(key(r)) ?? 0) + 1)
  return new Set(resources.flatMap((r, i) => (count.get(key(r))! > 1 ? [i] : [])))
}

export function checkKeys(names: readonly string[]): ApiError | null {
  return new Set(names).size !== names.length ? invalidRequest('Error due to duplicate config keys') : null
}

export function checkTopic(broker: BrokerContext, name: string): ApiError | null {
  if (name === '') return invalidRequest('Default topic resources are not allowed.')
  if (!broker.metadata.topic(name)) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${name}' does not exist.` }
  return null
}

/** A BROKER resource is "" (cluster-wide default) or this broker's id (ConfigAdminManager.validateResourceNameIsCurrentNodeId). */
export function checkBrokerName(broker: BrokerContext, name: string): ApiError | null {
  if (name === '') return null
  return checkNodeId(broker, name)
}

export function checkNodeId(broker: BrokerContext, name: string): ApiError | null {
  if (!/^[+-]?\d+$/.test(name)) return invalidRequest(`Node id must be an integer, but it is: ${name}`)
  if (Number(name) !== broker.settings.brokerId) return invalidRequest(`Unexpected node id. Expected ${broker.settings.brokerId}, but received ${name}`)
  return null
}

/**
 * Validates `configs` as the whole new dynamic config set of BROKER resource
 * `name` ("" = cluster default, else this broker's id) and, unless
 * validateOnly, stores it and reconfigures every log (DynamicBrokerConfig).
 * A non-dynamic key or a bad value is INVALID_CONFIG with Kafka's
 * "Invalid config value for resource ...: <problem>". `update`, when given,
 * recomputes the set from the one current at write time (inside the queue).
 */
export async function applyBrokerConfigs(
  broker: BrokerContext,
  name: string,
  configs: Record<string, string>,
  validateOnly: boolean,
  update?: (current: Readonly<Record<string, string>>) => Record<string, string>,
): Promise<ApiError> {
  const invalidConfig = (problem: string): ApiError => ({
    errorCode: ErrorCode.INVALID_CONFIG,
    errorMessage: `Invalid config value for resource ${resourceLabel(ConfigResourceType.BROKER, name)}: ${problem}`,
  })
  const dynamic = broker.dynamicConfig
  const problem = dynamic.validate(name, configs)
  if (problem) return invalidConfig(problem)
  if (validateOnly) return NO_ERROR
  try {
    await broker.topics.reconfigureDefaultLogConfig(async () => {
      const next = update ? update(dynamic.configs(name)) : configs
      const again = dynamic.validate(name, next)
      if (again) throw new KafkaError(ErrorCode.INVALID_CONFIG, { errorMessage: invalidConfig(again).errorMessage })
      await broker.metadata.setBrokerConfigs(name, next)
      dynamic.update(name, next)
      const what = name === '' ? 'the cluster default' : `broker ${name}`
      broker.logger.info(`Updating dynamic broker configs of ${what}: ${Object.entries(next).map(([k, v]) => `${k}=${v}`).join(',')}`)
    })
    return NO_ERROR
  } catch (e) {
    if (isKafkaError(e)) return { errorCode: e.errorCode, errorMessage: e.errorMessage ?? null }
    broker.logger.error(`AlterConfigs failed for broker resource '${name}'`, { error: e })
    return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null }
  }
}

/**
 * Validates a topic's new override set and, unless validateOnly, makes it the
 * topic's. `update`, when given, recomputes the set from the overrides current
 * at the time of the write (inside TopicManager's queue).
 */
export async function applyTopicConfigs(
  broker: BrokerContext,
  name: string,
  overrides: Record<string, string>,
  validateOnly: boolean,
  update?: (current: Readonly<Record<string, string>>) => Record<string, string>,
): Promise<ApiError> {
  const problem = broker.validateTopicConfigs(overrides)
  if (problem) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: problem }
  if (validateOnly) return NO_ERROR
  try {
    broker.logger.info(`Updating topic ${name} with new configuration : ${Object.entries(overrides).map(([k, v]) => `${k}=${v}`).join(',')}`)
    await broker.topics.setTopicConfigs(name, update ?? overrides)
    return NO_ERROR
  } catch (e) {
    if (isKafkaError(e)) return { errorCode: e.errorCode, errorMessage: e.errorMessage ?? null }
    // The topic may have been deleted after the check (MetadataStore throws a plain Error then).
    if (!broker.metadata.topic(name)) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${name}' does not exist.` }
    broker.logger.error(`AlterConfigs failed for topic ${name}`, { error: e })
    return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null }
  }
}
