/**
 * Dynamic broker configs (Kafka's DynamicBrokerConfig, the DynamicLogConfig
 * part): broker keys changed at run time with AlterConfigs /
 * IncrementalAlterConfigs on a BROKER resource, at two levels:
 * - "" (`kafka-configs --entity-default`): the cluster-wide default;
 * - this broker's id (`--entity-name 0`): this broker only.
 * A key's value comes from, highest priority first: the per-broker level, the
 * cluster default, server.properties, the key's default. The effective
 * `KafkaConfig` is server.properties with the two levels laid on top, parsed
 * again, so the derived values follow Kafka's rules too (a static
 * log.retention.ms still beats a dynamic log.retention.hours).
 *
 * Which keys are dynamic: the broker synonyms that supply topic config
 * defaults (Kafka's DynamicLogConfig.ReconfigurableConfigs =
 * ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS values, i.e. each topic
 * key's first broker synonym: log.retention.ms, not .hours), minus
 * log.message.format.version (Kafka's ExcludedConfigs). Every other key is
 * refused with Kafka's "Cannot update these configs dynamically: Set(...)";
 * deviation: Kafka stores unknown (custom) keys, Brook refuses them the same way.
 *
 * Not done (Kafka's other reconfigurables): listeners, SSL/SASL, thread
 * counts, log cleaner settings, quotas. Kafka's per-broker-only keys (listener
 * prefixes) do not exist here, so both levels accept the same keys.
 */
import { isConfigError } from '../../common/config-def.js'
import type { Logger } from '../../common/logger.js'
import { BROKER_CONFIG_DEF, parseKafkaConfig, type BrokerConfigLayers, type KafkaConfig } from './kafka-config.js'
import { TOPIC_CONFIG_DEF, topicConfigSynonyms } from './topic-config.js'

/** Kafka's DynamicLogConfig.ExcludedConfigs. */
const EXCLUDED = new Set(['log.message.format.version'])

/** The broker keys that may be changed dynamically, as Kafka's DynamicLogConfig. */
export const DYNAMIC_BROKER_CONFIG_NAMES: ReadonlySet<string> = new Set(
  TOPIC_CONFIG_DEF.keys()
    .map((k) => topicConfigSynonyms(k.name)[0])
    .filter((name): name is string => name !== undefined && !EXCLUDED.has(name) && BROKER_CONFIG_DEF.has(name)),
)

export function isDynamicBrokerConfig(name: string): boolean {
  return DYNAMIC_BROKER_CONFIG_NAMES.has(name)
}

/** "" for the cluster default, else the broker id (the BROKER resource name). */
export type DynamicConfigLevel = string

export class DynamicBrokerConfig {
  readonly staticConfig: KafkaConfig
  readonly #brokerLevel: string
  #dynamicDefault: Readonly<Record<string, string>>
  #dynamicBroker: Readonly<Record<string, string>>
  #current: KafkaConfig

  /**
   * `stored` are the levels as persisted. A stored set that no longer parses
   * (e.g. after a server.properties change made it conflict) is logged and
   * ignored, as Kafka does for invalid dynamic configs at start-up.
   */
  constructor(staticConfig: KafkaConfig, stored: { dynamicDefault: Readonly<Record<string, string>>; dynamicBroker: Readonly<Record<string, string>> }, logger: Logger) {
    this.staticConfig = staticConfig
    this.#brokerLevel = String(staticConfig.brokerId)
    this.#dynamicDefault = {}
    this.#dynamicBroker = {}
    this.#current = staticConfig
    for (const [level, configs] of [['', stored.dynamicDefault], [this.#brokerLevel, stored.dynamicBroker]] as const) {
      const problem = this.validate(level, configs)
      if (problem) logger.warn(`Ignoring the stored dynamic broker configs of ${level === '' ? 'the cluster default' : `broker ${level}`}: ${problem}`)
      else this.update(level, configs)
    }
  }

  /** The effective broker config: static with the dynamic levels on top. */
  get current(): KafkaConfig {
    return this.#current
  }

  get layers(): BrokerConfigLayers {
    return { dynamicBroker: this.#dynamicBroker, dynamicDefault: this.#dynamicDefault, static: this.staticConfig.originals }
  }

  /** The dynamic configs set at `level` ("" or this broker's id). */
  configs(level: DynamicConfigLevel): Readonly<Record<string, string>> {
    return level === '' ? this.#dynamicDefault : this.#dynamicBroker
  }

  /**
   * Checks `configs` as the whole new set of `level`: only dynamic keys
   * (else Kafka's "Cannot update these configs dynamically: Set(k)"), each
   * value of its key's type, and the resulting broker config valid. The
   * problem, or null.
   */
  validate(level: DynamicConfigLevel, configs: Readonly<Record<string, string>>): string | null {
    const refused = Object.keys(configs).filter((k) => !isDynamicBrokerConfig(k))
    if (refused.length > 0) return `Cannot update these configs dynamically: Set(${refused.join(', ')})`
    try {
      for (const [name, raw] of Object.entries(configs)) BROKER_CONFIG_DEF.parseValue(name, raw)
      this.#build(level, configs)
      return null
    } catch (e) {
      if (isConfigError(e)) return e.message
      throw e
    }
  }

  /** Makes `configs` the set of `level` (already validated) and recomputes the effective config. */
  update(level: DynamicConfigLevel, configs: Readonly<Record<string, string>>): void {
    this.#current = this.#build(level, configs)
    if (level === '') this.#dynamicDefault = Object.freeze({ ...configs })
    else this.#dynamicBroker = Object.freeze({ ...configs })
  }

  #build(level: DynamicConfigLevel, configs: Readonly<Record<string, string>>): KafkaConfig {
    const dynamicDefault = level === '' ? configs : this.#dynamicDefault
    const dynamicBroker = level === '' ? this.#dynamicBroker : configs
    return parseKafkaConfig(this.staticConfig.originals, { ...dynamicDefault, ...dynamicBroker }).config
  }
}
