/**
 * IncrementalAlterConfigs (API key 44), versions 0-1 (KIP-339).
 *
 * Each config names an operation: SET (0) a value, DELETE (1) the override
 * (back to the broker's value), APPEND (2) or SUBTRACT (3) items of a LIST
 * config, starting from the override or else the key's default, as Kafka's
 * ZkAdminManager.prepareIncrementalConfigs does. The resulting override set
 * is validated and, unless validateOnly, stored. Errors, as Kafka's
 * ConfigAdminManager.preprocess and ConfigurationControlManager:
 * - a resource named twice, a key named twice, a null value for an
 *   operation other than DELETE, an unknown operation: INVALID_REQUEST;
 * - APPEND/SUBTRACT on a key that is not a LIST: INVALID_CONFIG;
 * - TOPIC "" INVALID_REQUEST, unknown topic UNKNOWN_TOPIC_OR_PARTITION,
 *   unknown key or bad value INVALID_CONFIG;
 * - BROKER "" (cluster default) or this broker's id: the operations apply to
 *   that level's dynamic broker configs (APPEND/SUBTRACT start from the
 *   level's value, else the key's default), then as AlterConfigs: only
 *   dynamic keys, values of the key's type (INVALID_CONFIG otherwise);
 * - BROKER_LOGGER: named by this broker's id (else INVALID_REQUEST); every
 *   logger is unknown (DescribeConfigs lists none), so any change is
 *   INVALID_CONFIG "Logger <name> does not exist!";
 * - other types: INVALID_REQUEST.
 *
 * Races (STYLE.md §5): the operations are applied again, inside
 * TopicManager's queue, to the overrides current at write time, so two
 * concurrent alterations of one topic both take effect (Kafka's ZooKeeper path
 * has a read-then-write race here).
 */
import type { BrokerContext } from '../broker-context.js'
import { KafkaError } from '../../protocol/kafka-error.js'
import type { RequestContext } from '../network/request-context.js'
import { TOPIC_CONFIG_DEF } from '../config/topic-config.js'
import { BROKER_CONFIG_DEF } from '../config/kafka-config.js'
import { formatConfigValue } from '../../common/config-def.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsRequestAlterableConfig,
  IncrementalAlterConfigsResponse,
} from '../../protocol/messages/incremental-alter-configs.js'
import { ConfigResourceType } from './describe-configs.js'
import {
  applyTopicConfigs,
  checkBrokerName,
  checkKeys,
  checkNodeId,
  checkTopic,
  alterEachResource,
  invalidRequest,
  NO_ERROR,
  applyBrokerConfigs,
  type ApiError,
} from './alter-configs.js'

/** Kafka's AlterConfigOp.OpType ids. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT']

export async function handleIncrementalAlterConfigs(broker: BrokerContext, ctx: RequestContext, req: IncrementalAlterConfigsRequest): Promise<IncrementalAlterConfigsResponse> {
  const responses = await alterEachResource(req.resources, (r) => alterResource(broker, r.resourceType, r.resourceName, r.configs, req.validateOnly))
  return { throttleTimeMs: 0, responses }
}

async function alterResource(broker: BrokerContext, type: number, name: string, ops: IncrementalAlterConfigsRequestAlterableConfig[], validateOnly: boolean): Promise<ApiError> {
  const keyError = checkKeys(ops.map((o) => o.name))
  if (keyError) return keyError
  const unknownOp = ops.find((o) => OP_NAMES[o.configOperation] === undefined)
  if (unknownOp) return invalidRequest(`Unknown operation type ${unknownOp.configOperation} for config ${unknownOp.name}`)
  const nulls = ops.filter((o) => o.configOperation !== AlterConfigOp.DELETE && o.value === null).map((o) => o.name)
  if (nulls.length > 0) return invalidRequest(`Null value not supported for : ${nulls.join(', ')}`)
  switch (type) {
    case ConfigResourceType.TOPIC: {
      const topicError = checkTopic(broker, name)
      if (topicError) return topicError
      const next = applyOps(broker.metadata.topic(name)!.configs, ops, TOPIC_CONFIG_DEF)
      if ('error' in next) return next.error
      // Re-applied to the overrides current when the write runs, so concurrent changes compose.
      const update = (current: Readonly<Record<string, string>>) => {
        const again = applyOps(current, ops, TOPIC_CONFIG_DEF)
        if ('error' in again) throw new KafkaError(again.error.errorCode, { errorMessage: again.error.errorMessage })
        return again.overrides
      }
      return applyTopicConfigs(broker, name, next.overrides, validateOnly, update)
    }
    case ConfigResourceType.BROKER: {
      const nameError = checkBrokerName(broker, name)
      if (nameError) return nameError
      const next = applyOps(broker.dynamicConfig.configs(name), ops, BROKER_CONFIG_DEF)
      if ('error' in next) return next.error
      const update = (current: Readonly<Record<string, string>>) => {
        const again = applyOps(current, ops, BROKER_CONFIG_DEF)
        if ('error' in again) throw new KafkaError(again.error.errorCode, { errorMessage: again.error.errorMessage })
        return again.overrides
      }
      return applyBrokerConfigs(broker, name, next.overrides, validateOnly, update)
    }
    case ConfigResourceType.BROKER_LOGGER: {
      const idError = checkNodeId(broker, name)
      if (idError) return idError
      return ops.length === 0 ? NO_ERROR : { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Logger ${ops[0]!.name} does not exist!` }
    }
    default:
      return invalidRequest(`Unsupported resource type: ${type}`)
  }
}

/**
 * The topic's override set (or the broker level's dynamic set) after the
 * operations, or INVALID_CONFIG for APPEND/SUBTRACT on a key that is not a
 * LIST in `def`.
 */
function applyOps(
  current: Readonly<Record<string, string>>,
  ops: IncrementalAlterConfigsRequestAlterableConfig[],
  def: { key(name: string): { type: string; defaultValue: unknown } | undefined },
): { overrides: Record<string, string> } | { error: ApiError } {
  const next: Record<string, string> = { ...current }
  for (const op of ops) {
    switch (op.configOperation) {
      case AlterConfigOp.SET:
        next[op.name] = op.value!
        break
      case AlterConfigOp.DELETE:
        delete next[op.name]
        break
      default: {
        const key = def.key(op.name)
        const verb = op.configOperation === AlterConfigOp.APPEND ? 'append' : 'subtract'
        if (key?.type !== 'list') return { error: { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Config value ${verb} is not allowed for config key: ${op.name}` } }
        const items = (s: string | null | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '')
        const old = items(Object.hasOwn(next, op.name) ? next[op.name] : formatConfigValue(key.defaultValue, 'list'))
        const given = items(op.value)
        const updated = verb === 'append' ? [...new Set([...old, ...given])] : old.filter((x) => !given.includes(x))
        next[op.name] = updated.join(',')
      }
    }
  }
  return { overrides: next }
}
