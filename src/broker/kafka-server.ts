/**
 * KafkaServer (Kafka's kafka.server.KafkaServer): builds a broker from its
 * config, in dependency order, and takes it down in reverse.
 *
 * Start-up: log dirs and meta.properties -> MetadataStore -> LogManager (opens
 * and, after an unclean shutdown, recovers every log) -> ReplicaManager and
 * TopicManager (serve every partition) -> SocketServer (accepts clients last,
 * so no request sees a half-loaded broker). Shutdown: stop accepting, finish
 * in-flight requests, complete waiting fetches, close logs, write checkpoints
 * and the clean-shutdown marker.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger, RootLogger } from '../common/logger.js'
import { parseProperties, stringifyProperties } from '../common/properties.js'
import { SYSTEM_TIME, type Time } from '../common/time.js'
import { writeFileAtomically } from '../common/atomic-file.js'
import { MetadataStore } from '../cluster/metadata-store.js'
import { crc32cImplementation } from '../protocol/records/crc32c.js'
import { LogManager } from '../storage/log-manager.js'
import type { BrokerContext } from './broker-context.js'
import { describeBrokerConfigs, type KafkaConfig } from './config/kafka-config.js'
import { buildLogConfig, describeTopicConfigs, validateTopicConfigs } from './config/topic-config.js'
import { DynamicBrokerConfig, isDynamicBrokerConfig } from './config/dynamic-broker-config.js'
import { createKafkaApis } from './kafka-apis.js'
import { ProducerIdManager } from './producer-id-manager.js'
import { SocketServer } from './network/socket-server.js'
import type { BoundListener } from './network/request-context.js'
import { ReplicaManager } from './replica-manager.js'
import { TopicManager } from './topic-manager.js'
import { BrokerOffsetsTopicLog } from './offsets-topic-log.js'
import { GroupCoordinator } from '../coordinator/group/group-coordinator.js'

export interface KafkaServerOptions {
  logger: RootLogger | Logger
  time?: Time
}

const META_PROPERTIES = 'meta.properties'

/**
 * meta.properties ties a log dir to a cluster and a broker (Kafka's
 * MetaProperties, ZooKeeper-era version 0). A dir from another broker or
 * cluster is refused rather than mixed in.
 */
async function checkMetaProperties(dir: string, brokerId: number, clusterId: string | undefined): Promise<string | undefined> {
  const path = join(dir, META_PROPERTIES)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return undefined
  }
  const props = parseProperties(text)
  const storedBroker = props['broker.id'] ?? props['node.id']
  if (storedBroker !== undefined && Number(storedBroker) !== brokerId) {
    throw new Error(`Stored broker.id ${storedBroker} in ${path} doesn't match configured broker.id ${brokerId}; is this log dir another broker's?`)
  }
  const stored = props['cluster.id']
  if (stored && clusterId && stored !== clusterId) {
    throw new Error(`The cluster.id ${stored} in ${path} doesn't match the cluster id ${clusterId} of the other log dirs`)
  }
  return stored
}

export class KafkaServer {
  readonly config: KafkaConfig
  readonly #logger: Logger
  readonly #time: Time
  #socketServer: SocketServer | undefined
  #logManager: LogManager | undefined
  #replicaManager: ReplicaManager | undefined
  #groupCoordinator: GroupCoordinator | undefined
  #bound: BoundListener[] = []
  #shutdown: Promise<void> | undefined

  constructor(config: KafkaConfig, opts: KafkaServerOptions) {
    this.config = config
    this.#logger = opts.logger
    this.#time = opts.time ?? SYSTEM_TIME
  }

  /** The listeners as bound (real ports, also where port 0 was configured). */
  get boundListeners(): readonly BoundListener[] {
    return this.#bound
  }

  async startup(): Promise<void> {
    const c = this.config
    const logger = this.#logger
    if (!c.singleNode) throw new Error('zookeeper.connect is set, but cluster mode is not available yet; remove it to run a single-node broker')

    // Listeners bind first and hold what they accept until the end of start-up,
    // as Kafka starts its acceptors before loading logs: the bound port is known
    // (advertised port 0 follows it) and clients can connect while logs load.
    this.#socketServer = new SocketServer({ socketRequestMaxBytes: c.socketRequestMaxBytes, logger, time: this.#time })
    this.#bound = await this.#socketServer.start(c.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port })))

    let clusterId: string | undefined
    for (const dir of c.logDirs) {
      await mkdir(dir, { recursive: true })
      clusterId = (await checkMetaProperties(dir, c.brokerId, clusterId)) ?? clusterId
    }
    const metadata = await MetadataStore.open(c.logDirs[0]!, clusterId)
    for (const dir of c.logDirs) {
      await writeFileAtomically(join(dir, META_PROPERTIES), stringifyProperties({ version: '0', 'broker.id': String(c.brokerId), 'cluster.id': metadata.clusterId }))
    }

    // Topic configs read the effective broker config, so a dynamic broker config change reaches them.
    const dynamicConfig = new DynamicBrokerConfig(
      c,
      { dynamicDefault: metadata.brokerConfigs(''), dynamicBroker: metadata.brokerConfigs(String(c.brokerId)) },
      logger.child('DynamicBrokerConfig'),
    )
    const logConfigFor = (overrides: Readonly<Record<string, string>>) => buildLogConfig(dynamicConfig.current, overrides)
    this.#logManager = await LogManager.startup(
      {
        logDirs: c.logDirs,
        time: this.#time,
        logger: logger.child('LogManager'),
        retentionCheckIntervalMs: c.logRetentionCheckIntervalMs,
        flushCheckIntervalMs: c.logFlushSchedulerIntervalMs,
        recoveryPointCheckpointIntervalMs: c.logFlushOffsetCheckpointIntervalMs,
        logStartOffsetCheckpointIntervalMs: c.logFlushStartOffsetCheckpointIntervalMs,
        producerIdExpirationMs: c.producerIdExpirationMs,
        cleaner: { enable: c.logCleanerEnable, backoffMs: c.logCleanerBackoffMs, dedupeBufferSize: c.logCleanerDedupeBufferSize },
      },
      (tp) => {
        const t = metadata.topic(tp.topic)
        return t && tp.partition < t.partitions ? logConfigFor(t.configs) : undefined
      },
    )
    this.#replicaManager = new ReplicaManager({ brokerId: c.brokerId, logger: logger.child('ReplicaManager'), time: this.#time })
    const topics = new TopicManager({
      brokerId: c.brokerId,
      defaultNumPartitions: c.numPartitions,
      defaultReplicationFactor: c.defaultReplicationFactor,
      liveBrokerCount: () => 1,
      metadata,
      logManager: this.#logManager,
      replicaManager: this.#replicaManager,
      logConfigFor,
      validateConfigs: (configs) => validateTopicConfigs(configs, dynamicConfig.current)?.message ?? null,
      logger: logger.child('TopicManager'),
    })
    await topics.loadAll()

    const offsetsTopic = new BrokerOffsetsTopicLog(
      { numPartitions: c.offsetsTopicNumPartitions, replicationFactor: c.offsetsTopicReplicationFactor, segmentBytes: c.offsetsTopicSegmentBytes, liveBrokerCount: () => 1 },
      metadata,
      topics,
      this.#replicaManager,
      this.#time,
      logger.child('GroupCoordinator'),
    )
    this.#groupCoordinator = new GroupCoordinator({
      log: offsetsTopic,
      config: {
        offsetsTopicNumPartitions: c.offsetsTopicNumPartitions,
        offsetsRetentionMs: c.offsetsRetentionMinutes * 60_000,
        offsetsRetentionCheckIntervalMs: c.offsetsRetentionCheckIntervalMs,
        offsetMetadataMaxBytes: c.offsetMetadataMaxBytes,
        groupMinSessionTimeoutMs: c.groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs: c.groupMaxSessionTimeoutMs,
        groupInitialRebalanceDelayMs: c.groupInitialRebalanceDelayMs,
        groupMaxSize: c.groupMaxSize,
      },
      time: this.#time,
      logger: logger.child('GroupCoordinator'),
    })
    // Loads __consumer_offsets in the background: its groups answer COORDINATOR_LOAD_IN_PROGRESS meanwhile.
    this.#groupCoordinator.startup()

    // Advertised ports of 0 follow the bound port of the listener with the same name.
    const advertised = () =>
      c.advertisedListeners.map((l) => ({ name: l.name, host: l.host, port: l.port === 0 ? (this.#bound.find((b) => b.name === l.name)?.port ?? 0) : l.port }))
    let advertisedCache: ReturnType<typeof advertised> | undefined
    const broker: BrokerContext = {
      settings: {
        brokerId: c.brokerId,
        rack: c.brokerRack ?? null,
        autoCreateTopicsEnable: c.autoCreateTopicsEnable,
        deleteTopicEnable: c.deleteTopicEnable,
        // Dynamic (a topic config default), so read at each use.
        get messageDownconversionEnable() {
          return dynamicConfig.current.logMessageDownconversionEnable
        },
        logDirs: c.logDirs,
        transactionMaxTimeoutMs: c.transactionMaxTimeoutMs,
      },
      clusterId: metadata.clusterId,
      get advertisedListeners() {
        return (advertisedCache ??= advertised())
      },
      metadata,
      topics,
      replicaManager: this.#replicaManager,
      logManager: this.#logManager,
      groupCoordinator: this.#groupCoordinator,
      producerIds: new ProducerIdManager(metadata),
      logger: logger.child('KafkaApis'),
      time: this.#time,
      dynamicConfig,
      describeTopicConfigs: (overrides) => describeTopicConfigs(dynamicConfig.current, overrides, dynamicConfig.layers),
      describeBrokerConfigs: () => describeBrokerConfigs(dynamicConfig.current, dynamicConfig.layers, isDynamicBrokerConfig),
      validateTopicConfigs: (overrides) => validateTopicConfigs(overrides, dynamicConfig.current)?.message ?? null,
    }
    const apis = createKafkaApis(broker)
    this.#socketServer.enableRequestProcessing({
      handlers: apis.handlers,
      apis: apis.apis,
      supported: (key, version) => apis.supported.some((s) => s.apiKey === key && version >= s.minVersion && version <= s.maxVersion),
      apiVersions: () => apis.supported,
    })
    const serving = this.#bound.map((b) => `${b.name}://${b.host || '0.0.0.0'}:${b.port}`).join(', ')
    const adv = broker.advertisedListeners.map((l) => `${l.name}://${l.host}:${l.port}`).join(', ')
    logger.info(`Brook broker ${c.brokerId} serving ${serving} (advertised ${adv}), log dirs ${c.logDirs.join(', ')}, mode single-node, cluster id ${metadata.clusterId}`)
    if (crc32cImplementation() === 'javascript') {
      logger.warn('CRC-32C runs in JavaScript because the native addon (build/Release/brook_crc32c.node) was not built: every produce costs several times more to check. Run npm install with python3, make and a C compiler.')
    }
  }

  /** Clean shutdown; safe to call more than once. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      this.#logger.info('Shutting down')
      // The coordinator first: it answers the JoinGroup and SyncGroup requests
      // parked for a rebalance, which the socket server would otherwise wait
      // for until its shutdown timeout (a rebalance can wait minutes).
      this.#groupCoordinator?.shutdown()
      await this.#socketServer?.stop()
      this.#replicaManager?.shutdown()
      await this.#logManager?.shutdown()
      this.#logger.info('Shut down cleanly')
    })()
    return this.#shutdown
  }
}
