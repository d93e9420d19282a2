/**
 * DescribeConfigs and IncrementalAlterConfigs (KIP-339). A broker's (or its
 * loggers') configs are only known to that broker, so those resources go to
 * the broker they name, as the Java AdminClient sends them; topics, and the
 * cluster-wide broker defaults (name ""), go to any broker.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { DescribeConfigsApi } from '../../protocol/messages/describe-configs.js'
import { IncrementalAlterConfigsApi } from '../../protocol/messages/incremental-alter-configs.js'
import { KafkaClientError } from '../errors.js'
import type { BrokerConnection } from '../network/broker-connection.js'
import { ItemResults } from './item-results.js'
import type { RequestRouter } from './request-router.js'

export type ConfigResourceType = 'topic' | 'broker' | 'broker-logger'

export interface ConfigResource {
  type: ConfigResourceType
  /** A topic name; a broker's node id ("" for the cluster-wide broker defaults). */
  name: string
}

/**
 * Where a value comes from, by the Java AdminClient's ConfigEntry.ConfigSource
 * names (the ones kafka-configs.sh prints and Brook's broker uses); the wire
 * codes are DescribeConfigsResponse.ConfigSource's, in this order.
 */
export const CONFIG_SOURCES = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'DYNAMIC_CLIENT_METRICS_CONFIG',
  'DYNAMIC_GROUP_CONFIG',
] as const
export type ConfigSource = (typeof CONFIG_SOURCES)[number]

/** ConfigDef.Type as DescribeConfigs v3+ reports it, by wire code. */
export const CONFIG_TYPES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'] as const
export type ConfigType = (typeof CONFIG_TYPES)[number]

export interface ConfigSynonym {
  name: string
  value: string | null
  source: ConfigSource
}

export interface ConfigEntry {
  name: string
  /** null for sensitive values. */
  value: string | null
  source: ConfigSource
  readOnly: boolean
  sensitive: boolean
  isDefault: boolean
  /** Where else the value could come from, in order of precedence (only with includeSynonyms). */
  synonyms: ConfigSynonym[]
  type: ConfigType
  /** Only with includeDocumentation. */
  documentation: string | null
}

export interface ConfigResourceDescription extends ConfigResource {
  entries: ConfigEntry[]
}

export interface DescribeConfigsOptions {
  includeSynonyms?: boolean
  includeDocumentation?: boolean
  timeoutMs?: number
}

export type AlterConfigOp = 'set' | 'delete' | 'append' | 'subtract'

export interface ConfigAlteration extends ConfigResource {
  /** `delete` removes the override; `append`/`subtract` add or remove items of a list config. */
  ops: { name: string; value?: string | null; op: AlterConfigOp }[]
}

const RESOURCE_TYPE_CODES: Record<ConfigResourceType, number> = { topic: 2, broker: 4, 'broker-logger': 8 }
const RESOURCE_TYPES = new Map(Object.entries(RESOURCE_TYPE_CODES).map(([name, code]) => [code, name as ConfigResourceType]))
const OP_CODES: Record<AlterConfigOp, number> = { set: 0, delete: 1, append: 2, subtract: 3 }
const DEFAULT_CONFIG_SOURCE = 5

function resourceKey(r: ConfigResource): string {
  return `${r.type}:${r.name}`
}

function sourceName(code: number): ConfigSource {
  return CONFIG_SOURCES[code] ?? 'UNKNOWN'
}

/** The broker a resource must be sent to, or undefined for any broker. */
function destination(r: ConfigResource): number | undefined {
  return r.type !== 'topic' && /^\d+$/.test(r.name) ? Number(r.name) : undefined
}

/** Sends each destination's share of `pending` (keys of `byKey`) with `send`. */
async function perDestination<R extends ConfigResource>(
  r: RequestRouter,
  results: ItemResults<unknown>,
  pending: string[],
  byKey: Map<string, R>,
  send: (c: BrokerConnection, resources: R[]) => Promise<void>,
): Promise<void> {
  const groups = new Map<number | undefined, R[]>()
  for (const key of pending) {
    const resource = byKey.get(key)!
    const to = destination(resource)
    groups.set(to, [...(groups.get(to) ?? []), resource])
  }
  await Promise.all(
    [...groups].map(async ([to, resources]) => {
      try {
        if (to === undefined) await r.cluster.anyBroker((c) => send(c, resources))
        else await send(await r.connection(to), resources)
      } catch (e) {
        if (!(e instanceof KafkaClientError) || !e.retriable) throw e
        for (const resource of resources) results.retryLater(resourceKey(resource), e)
      }
    }),
  )
}

export function describeConfigs(r: RequestRouter, deadline: number, resources: (ConfigResource & { keys?: string[] })[], opts: DescribeConfigsOptions = {}): Promise<ConfigResourceDescription[]> {
  const byKey = new Map(resources.map((x) => [resourceKey(x), x]))
  const results = new ItemResults<ConfigResourceDescription>('describeConfigs', resources.map(resourceKey))
  return r.rounds(deadline, results, (pending) =>
    perDestination(r, results, pending, byKey, async (c, batch) => {
      const v = c.versionFor(DescribeConfigsApi)
      const res = await r.request(c, deadline, DescribeConfigsApi, {
        resources: batch.map((x) => ({ resourceType: RESOURCE_TYPE_CODES[x.type], resourceName: x.name, configurationKeys: x.keys ?? null })),
        // Asked for only where the version has them (synonyms v1+, documentation v3+); older brokers answer without.
        includeSynonyms: (opts.includeSynonyms ?? false) && v >= 1,
        includeDocumentation: (opts.includeDocumentation ?? false) && v >= 3,
      })
      for (const answer of res.results) {
        const type = RESOURCE_TYPES.get(answer.resourceType)
        if (type === undefined) continue
        const key = resourceKey({ type, name: answer.resourceName })
        if (answer.errorCode !== ErrorCode.NONE) {
          results.error(key, answer.errorCode, answer.errorMessage)
          continue
        }
        results.succeed(key, {
          type,
          name: answer.resourceName,
          entries: answer.configs.map((e) => {
            // v0 has isDefault and no source; v1+ has the source, and "default" is its DEFAULT_CONFIG.
            const source = v === 0 ? (e.isDefault ? 'DEFAULT_CONFIG' : 'UNKNOWN') : sourceName(e.configSource)
            return {
              name: e.name,
              value: e.value,
              source,
              readOnly: e.readOnly,
              sensitive: e.isSensitive,
              isDefault: v === 0 ? e.isDefault : e.configSource === DEFAULT_CONFIG_SOURCE,
              synonyms: e.synonyms.map((s) => ({ name: s.name, value: s.value, source: sourceName(s.source) })),
              type: CONFIG_TYPES[e.configType] ?? 'UNKNOWN',
              documentation: v >= 3 ? e.documentation : null,
            }
          }),
        })
      }
    }),
  )
}

export async function incrementalAlterConfigs(r: RequestRouter, deadline: number, alterations: ConfigAlteration[], validateOnly: boolean): Promise<void> {
  const byKey = new Map(alterations.map((x) => [resourceKey(x), x]))
  const results = new ItemResults<true>('incrementalAlterConfigs', alterations.map(resourceKey))
  await r.rounds(deadline, results, (pending) =>
    perDestination(r, results, pending, byKey, async (c, batch) => {
      const res = await r.request(c, deadline, IncrementalAlterConfigsApi, {
        resources: batch.map((x) => ({
          resourceType: RESOURCE_TYPE_CODES[x.type],
          resourceName: x.name,
          configs: x.ops.map((o) => ({ name: o.name, configOperation: OP_CODES[o.op], value: o.value ?? null })),
        })),
        validateOnly,
      })
      for (const answer of res.responses) {
        const type = RESOURCE_TYPES.get(answer.resourceType)
        if (type === undefined) continue
        const key = resourceKey({ type, name: answer.resourceName })
        if (answer.errorCode !== ErrorCode.NONE) results.error(key, answer.errorCode, answer.errorMessage)
        else results.succeed(key, true)
      }
    }),
  )
}
