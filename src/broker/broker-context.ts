/**
 * What request handlers may use: the broker's parts and the settings that
 * shape answers. Handlers get this and a request; they never touch sockets or
 * files directly (DESIGN.md layers).
 */
import type { Logger } from '../common/logger.js'
import type { Time } from '../common/time.js'
import type { MetadataStore } from '../cluster/metadata-store.js'
import type { LogManager } from '../storage/log-manager.js'
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js'
import type { ProducerIdManager } from './producer-id-manager.js'
import type { ReplicaManager } from './replica-manager.js'
import type { TopicManager } from './topic-manager.js'
import type { DescribedConfig } from './config/kafka-config.js'
import type { DynamicBrokerConfig } from './config/dynamic-broker-config.js'

export interface AdvertisedListener {
  /** Listener name, e.g. PLAINTEXT. */
  name: string
  host: string
  port: number
}

export interface BrokerSettings {
  brokerId: number
  rack: string | null
  autoCreateTopicsEnable: boolean
  deleteTopicEnable: boolean
  /** log.message.downconversion.enable: Fetch v0-v3 may get converted batches. */
  readonly messageDownconversionEnable: boolean
  /** log.dirs as configured (DescribeLogDirs lists each, also those without partitions). */
  logDirs: readonly string[]
  /** transaction.max.timeout.ms: InitProducerId refuses longer transaction timeouts. */
  transactionMaxTimeoutMs: number
}

export interface BrokerContext {
  readonly settings: BrokerSettings
  readonly clusterId: string
  /** The listeners clients are told to connect to, by listener name. */
  readonly advertisedListeners: readonly AdvertisedListener[]
  readonly metadata: MetadataStore
  readonly topics: TopicManager
  readonly replicaManager: ReplicaManager
  readonly logManager: LogManager
  /** Consumer groups and their committed offsets (`__consumer_offsets`). */
  readonly groupCoordinator: GroupCoordinator
  /** Producer ids for InitProducerId, unique across restarts. */
  readonly producerIds: ProducerIdManager
  readonly logger: Logger
  readonly time: Time
  /** Dynamic broker configs (cluster default and this broker's) and the effective broker config. */
  readonly dynamicConfig: DynamicBrokerConfig
  /** Every topic config with its effective value and source, given the topic's overrides. */
  describeTopicConfigs(overrides: Readonly<Record<string, string>>): DescribedConfig[]
  /** Every broker config with its value and source. */
  describeBrokerConfigs(): DescribedConfig[]
  /** Checks a topic's whole set of config overrides (as CreateTopics and AlterConfigs do); the problem, or null. */
  validateTopicConfigs(overrides: Readonly<Record<string, string>>): string | null
}
