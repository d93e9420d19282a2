/**
 * Topic lifecycle on this broker: create (with validation as Kafka's
 * CreateTopics does it), add partitions, delete, and auto-create on Metadata.
 * It keeps three things consistent: the MetadataStore (what exists), the
 * LogManager (the partition dirs) and the ReplicaManager (what is served).
 *
 * Serialized: all changes go through one queue, so a create racing a delete
 * of the same topic cannot leave a log without metadata or the reverse.
 */
import type { Logger } from '../common/logger.js'
import { topicNameError, type TopicPartition } from '../common/topic-partition.js'
import type { MetadataStore, TopicMetadata } from '../cluster/metadata-store.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'
import type { LogConfig } from '../storage/log-config.js'
import type { LogManager } from '../storage/log-manager.js'
import { Partition } from './partition.js'
import type { ReplicaManager } from './replica-manager.js'

export interface CreateTopicRequest {
  name: string
  /** -1: the broker's num.partitions. */
  numPartitions: number
  /** -1: the broker's default.replication.factor. */
  replicationFactor: number
  configs: Record<string, string>
}

export interface TopicManagerOptions {
  brokerId: number
  defaultNumPartitions: number
  defaultReplicationFactor: number
  /** Live brokers; a replication factor above this is INVALID_REPLICATION_FACTOR. */
  liveBrokerCount: () => number
  metadata: MetadataStore
  logManager: LogManager
  replicaManager: ReplicaManager
  logConfigFor: (topicOverrides: Record<string, string>) => LogConfig
  /** Returns an error message for invalid topic configs (unknown key, bad value), else null. */
  validateConfigs: (configs: Record<string, string>) => string | null
  logger: Logger
}

/**
 * Kafka's ReplicationControlManager.MAX_PARTITIONS_PER_BATCH: one request may
 * not create more partitions than this (POLICY_VIOLATION). Without a cap, a
 * request for 2^31 partitions keeps the broker creating log dirs for ever.
 */
export const MAX_PARTITIONS_PER_REQUEST = 10_000

/** Kafka refuses names that collide once '.' and '_' are treated alike (metrics names). */
function collisionKey(name: string): string {
  return name.replaceAll('.', '_')
}

export class TopicManager {
  readonly #o: TopicManagerOptions
  #queue: Promise<unknown> = Promise.resolve()

  constructor(opts: TopicManagerOptions) {
    this.#o = opts
  }

  /** num.partitions: what a create with numPartitions -1 gets. */
  get defaultNumPartitions(): number {
    return this.#o.defaultNumPartitions
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn)
    this.#queue = run.catch(() => undefined)
    return run
  }

  /** Opens the partitions of every topic the metadata knows (start-up). */
  async loadAll(): Promise<void> {
    for (const t of this.#o.metadata.topics()) await this.#servePartitions(t, 0)
  }

  async #servePartitions(t: TopicMetadata, from: number): Promise<void> {
    const config = this.#o.logConfigFor(t.configs)
    for (let p = from; p < t.partitions; p++) {
      const tp: TopicPartition = { topic: t.name, partition: p }
      const log = await this.#o.logManager.getOrCreateLog(tp, config, t.topicId)
      if (!this.#o.replicaManager.getPartition(tp)) {
        this.#o.replicaManager.addPartition(new Partition({ topicPartition: tp, topicId: t.topicId, log, brokerId: this.#o.brokerId }))
      }
    }
  }

  /** Checks a create request as Kafka does; throws KafkaError with the code CreateTopics answers. */
  validateCreate(req: CreateTopicRequest): { numPartitions: number; replicationFactor: number } {
    const nameError = topicNameError(req.name)
    if (nameError) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, { errorMessage: nameError })
    if (this.#o.metadata.topic(req.name)) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, { errorMessage: `Topic '${req.name}' already exists.` })
    const clash = this.#o.metadata.topics().find((t) => collisionKey(t.name) === collisionKey(req.name))
    if (clash) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, { errorMessage: `Topic '${req.name}' collides with existing topic: ${clash.name}` })
    const numPartitions = req.numPartitions === -1 ? this.#o.defaultNumPartitions : req.numPartitions
    const replicationFactor = req.replicationFactor === -1 ? this.#o.defaultReplicationFactor : req.replicationFactor
    if (numPartitions <= 0) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, { errorMessage: 'Number of partitions must be larger than 0.' })
    if (replicationFactor <= 0) throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, { errorMessage: 'Replication factor must be larger than 0.' })
    if (replicationFactor > this.#o.liveBrokerCount()) {
      throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, {
        errorMessage: `Replication factor: ${replicationFactor} larger than available brokers: ${this.#o.liveBrokerCount()}.`,
      })
    }
    const configError = this.#o.validateConfigs(req.configs)
    if (configError) throw new KafkaError(ErrorCode.INVALID_CONFIG, { errorMessage: configError })
    return { numPartitions, replicationFactor }
  }

  createTopic(req: CreateTopicRequest, validateOnly = false): Promise<TopicMetadata | null> {
    return this.#serial(async () => {
      const { numPartitions, replicationFactor } = this.validateCreate(req)
      if (validateOnly) return null
      const t = await this.#o.metadata.createTopic({ name: req.name, partitions: numPartitions, replicationFactor, configs: req.configs, isInternal: req.name.startsWith('__') })
      await this.#servePartitions(t, 0)
      this.#o.logger.info(`Created topic ${t.name} with ${t.partitions} partition(s), topic id ${t.topicId}`)
      return t
    })
  }

  /** Metadata with auto.create.topics.enable: num.partitions and default.replication.factor, no configs. */
  autoCreate(name: string): Promise<TopicMetadata | null> {
    return this.createTopic({ name, numPartitions: -1, replicationFactor: -1, configs: {} }).catch((e) => {
      // Another request may have created it meanwhile: that is success.
      if (this.#o.metadata.topic(name)) return this.#o.metadata.topic(name)!
      throw e
    })
  }

  createPartitions(name: string, totalCount: number, validateOnly = false): Promise<void> {
    return this.#serial(async () => {
      const t = this.#o.metadata.topic(name)
      if (!t) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { errorMessage: `The topic '${name}' does not exist.` })
      if (totalCount < t.partitions) {
        throw new KafkaError(ErrorCode.INVALID_PARTITIONS, { errorMessage: `Topic currently has ${t.partitions} partitions, which is higher than the requested ${totalCount}.` })
      }
      if (totalCount === t.partitions) {
        throw new KafkaError(ErrorCode.INVALID_PARTITIONS, { errorMessage: `Topic already has ${t.partitions} partitions.` })
      }
      if (totalCount - t.partitions > MAX_PARTITIONS_PER_REQUEST) {
        throw new KafkaError(ErrorCode.POLICY_VIOLATION, { errorMessage: 'Excessively large number of partitions per request.' })
      }
      if (validateOnly) return
      const updated = await this.#o.metadata.setPartitionCount(name, totalCount)
      await this.#servePartitions(updated, t.partitions)
      this.#o.logger.info(`Increased partitions of ${name} from ${t.partitions} to ${totalCount}`)
    })
  }

  deleteTopic(name: string): Promise<TopicMetadata> {
    return this.#serial(async () => {
      const t = this.#o.metadata.topic(name)
      if (!t) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { errorMessage: `The topic '${name}' does not exist.` })
      // Forget it first, so no request finds a half-deleted topic; then remove the logs.
      await this.#o.metadata.deleteTopic(name)
      for (let p = 0; p < t.partitions; p++) {
        const tp = { topic: name, partition: p }
        this.#o.replicaManager.removePartition(tp)
        await this.#o.logManager.deleteLog(tp)
      }
      this.#o.logger.info(`Deleted topic ${name}`)
      return t
    })
  }

  /**
   * Replaces a topic's config overrides and applies them to its live logs.
   * `next` may be a function of the current overrides: it then runs inside the
   * queue, so two concurrent IncrementalAlterConfigs on one topic cannot lose
   * each other's change.
   */
  setTopicConfigs(name: string, next: Record<string, string> | ((current: Readonly<Record<string, string>>) => Record<string, string>)): Promise<void> {
    return this.#serial(async () => {
      const current = this.#o.metadata.topic(name)
      if (!current) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { errorMessage: `The topic '${name}' does not exist.` })
      const configs = typeof next === 'function' ? next(current.configs) : next
      const configError = this.#o.validateConfigs(configs)
      if (configError) throw new KafkaError(ErrorCode.INVALID_CONFIG, { errorMessage: configError })
      const t = await this.#o.metadata.setTopicConfigs(name, configs)
      const config = this.#o.logConfigFor(t.configs)
      for (let p = 0; p < t.partitions; p++) this.#o.replicaManager.getPartition({ topic: name, partition: p })?.log.updateConfig(config)
    })
  }

  /**
   * Runs `change` (a dynamic broker config write) in this queue, then gives
   * every topic's live logs their config built again, as Kafka's
   * LogManager.reconfigureDefaultLogConfig does: topics without their own
   * override take the new broker values at once. In the queue so a topic
   * config change cannot apply a log config built from the old broker values
   * after this one.
   */
  reconfigureDefaultLogConfig(change: () => Promise<void>): Promise<void> {
    return this.#serial(async () => {
      await change()
      for (const t of this.#o.metadata.topics()) {
        const config = this.#o.logConfigFor(t.configs)
        for (let p = 0; p < t.partitions; p++) this.#o.replicaManager.getPartition({ topic: t.name, partition: p })?.log.updateConfig(config)
      }
    })
  }
}
