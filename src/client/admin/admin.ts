/**
 * Brook's admin client, modelled on the Java AdminClient: topics, configs,
 * consumer groups and their offsets, partition offsets, records and log dirs.
 * Each method is one call with a deadline (`timeoutMs`, default 30000 ms)
 * within which retriable failures are tried again: a moved leader or
 * coordinator, a broken connection, a coordinator still loading.
 *
 * Routing (request-router.ts): topic and config requests go to any broker
 * (broker configs to that broker), ListOffsets and DeleteRecords to each
 * partition's leader, group requests to the group's coordinator, ListGroups
 * and DescribeLogDirs to every broker.
 *
 * Errors: items the broker refuses make the call throw one AdminError (a
 * KafkaProtocolError with the first failure's code) listing each failed item
 * with its own error; unlisted items succeeded. Whole-call failures (no broker
 * reachable in time, an API the broker lacks: UnsupportedVersionError) throw
 * their KafkaClientError. See admin-error.ts.
 *
 * Offsets are bigint, as on the wire; timestamps are milliseconds as numbers.
 */
import type { TopicPartition } from '../../common/topic-partition.js'
import { Cluster, type ClusterOptions } from '../cluster.js'
import { describeCluster, describeLogDirs, type ClusterDescription, type LogDirDescription } from './brokers.js'
import { describeConfigs, incrementalAlterConfigs, type ConfigAlteration, type ConfigResource, type ConfigResourceDescription, type DescribeConfigsOptions } from './configs.js'
import {
  alterConsumerGroupOffsets,
  deleteConsumerGroupOffsets,
  listConsumerGroupOffsets,
  resetConsumerGroupOffsets,
  type CommittedOffset,
  type OffsetToCommit,
  type PlannedOffset,
  type ResetTarget,
} from './group-offsets.js'
import { deleteGroups, describeGroups, listGroups, type GroupDescription, type ListedGroup } from './groups.js'
import { deleteRecords, listOffsets, type DeletedRecords, type ListedOffset, type ListOffsetsOptions, type OffsetSpec, type RecordsToDelete } from './partition-offsets.js'
import { RequestRouter } from './request-router.js'
import { createPartitions, createTopics, deleteTopics, describeTopics, listTopics, type CreatedTopic, type CreateTopicsOptions, type NewPartitions, type NewTopic, type TopicDescription } from './topics.js'

export interface AdminOptions extends ClusterOptions {
  /** default.api.timeout.ms: how long one call may take, retries included (default 30000). */
  timeoutMs?: number
  /** retry.backoff.ms: the first wait before trying again (default 100), doubling each time. */
  retryBackoffMs?: number
  /** retry.backoff.max.ms: the longest wait between tries (default 1000). */
  retryBackoffMaxMs?: number
}

/** Every call takes `timeoutMs` to replace the client's default for that call. */
export interface CallOptions {
  timeoutMs?: number
}

/** An admin client with connections of its own (`cluster`). Every method is async: bad arguments reject the promise, never throw. */
export class Admin {
  readonly cluster: Cluster
  readonly #router: RequestRouter

  constructor(opts: AdminOptions) {
    this.cluster = new Cluster(opts)
    this.#router = new RequestRouter(this.cluster, { timeoutMs: opts.timeoutMs ?? 30_000, requestTimeoutMs: opts.requestTimeoutMs ?? 30_000, retryBackoffMs: opts.retryBackoffMs ?? 100, retryBackoffMaxMs: opts.retryBackoffMaxMs ?? 1000 })
  }

  #deadline(opts: CallOptions | undefined): number {
    return this.#router.deadline(opts?.timeoutMs)
  }

  // Topics

  /** Creates topics (or, with validateOnly, checks that they could be); resolves to what was created, in order. */
  async createTopics(topics: NewTopic[], opts?: CreateTopicsOptions): Promise<CreatedTopic[]> {
    return createTopics(this.#router, this.#deadline(opts), topics, opts?.validateOnly ?? false)
  }

  async deleteTopics(names: string[], opts?: CallOptions): Promise<void> {
    return deleteTopics(this.#router, this.#deadline(opts), names)
  }

  /** Topic names, sorted; internal topics (__consumer_offsets, ...) only with includeInternal. */
  async listTopics(opts?: { includeInternal?: boolean } & CallOptions): Promise<string[]> {
    return listTopics(this.#router, this.#deadline(opts), opts?.includeInternal ?? false)
  }

  /** Partitions, leaders and replicas of each topic, in order; an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION (it is not created). */
  async describeTopics(names: string[], opts?: CallOptions): Promise<TopicDescription[]> {
    return describeTopics(this.#router, this.#deadline(opts), names)
  }

  /** Raises topics' partition counts. */
  async createPartitions(topics: NewPartitions[], opts?: CreateTopicsOptions): Promise<void> {
    return createPartitions(this.#router, this.#deadline(opts), topics, opts?.validateOnly ?? false)
  }

  // Configs

  /** Each resource's configs (only `keys` when given), in order. */
  async describeConfigs(resources: (ConfigResource & { keys?: string[] })[], opts?: DescribeConfigsOptions): Promise<ConfigResourceDescription[]> {
    return describeConfigs(this.#router, this.#deadline(opts), resources, opts)
  }

  /** Sets, deletes, appends to or subtracts from config overrides (KIP-339). */
  async incrementalAlterConfigs(alterations: ConfigAlteration[], opts?: { validateOnly?: boolean } & CallOptions): Promise<void> {
    return incrementalAlterConfigs(this.#router, this.#deadline(opts), alterations, opts?.validateOnly ?? false)
  }

  // Consumer groups

  /** Every broker's groups, sorted by id; `states` keeps only groups in those states (ListGroups v4+). */
  async listGroups(opts?: { states?: string[] } & CallOptions): Promise<ListedGroup[]> {
    return listGroups(this.#router, this.#deadline(opts), opts?.states ?? [])
  }

  /** State, protocol and members (with their decoded assignments) of each group, in order. */
  async describeGroups(groupIds: string[], opts?: CallOptions): Promise<GroupDescription[]> {
    return describeGroups(this.#router, this.#deadline(opts), groupIds)
  }

  /** Deletes groups and their offsets; a group with members fails with NON_EMPTY_GROUP. */
  async deleteGroups(groupIds: string[], opts?: CallOptions): Promise<void> {
    return deleteGroups(this.#router, this.#deadline(opts), groupIds)
  }

  // Offsets

  /** The offset matching each partition's spec, asked of each partition's leader. */
  async listOffsets(requests: (TopicPartition & { spec: OffsetSpec })[], opts?: ListOffsetsOptions): Promise<ListedOffset[]> {
    return listOffsets(this.#router, this.#deadline(opts), requests, opts?.isolationLevel)
  }

  /** The group's committed offsets: of `partitions` (offset -1 where none), or of every partition it has committed. */
  async listConsumerGroupOffsets(groupId: string, partitions?: TopicPartition[], opts?: CallOptions): Promise<CommittedOffset[]> {
    return listConsumerGroupOffsets(this.#router, this.#deadline(opts), groupId, partitions)
  }

  /** Commits offsets for a group with no members (UNKNOWN_MEMBER_ID otherwise). */
  async alterConsumerGroupOffsets(groupId: string, offsets: OffsetToCommit[], opts?: CallOptions): Promise<void> {
    return alterConsumerGroupOffsets(this.#router, this.#deadline(opts), groupId, offsets)
  }

  /** Deletes the group's offsets of these partitions (GROUP_SUBSCRIBED_TO_TOPIC while a member reads the topic). */
  async deleteConsumerGroupOffsets(groupId: string, partitions: TopicPartition[], opts?: CallOptions): Promise<void> {
    return deleteConsumerGroupOffsets(this.#router, this.#deadline(opts), groupId, partitions)
  }

  /**
   * Moves a group's offsets as `kafka-consumer-groups --reset-offsets` does:
   * for every partition of each topic named (or each partition named), the
   * offset `to` asks for, clamped to the log's [earliest, latest]; commits
   * them unless dryRun, and resolves to them either way.
   */
  async resetConsumerGroupOffsets(groupId: string, targets: (string | TopicPartition)[], to: ResetTarget, opts?: { dryRun?: boolean } & CallOptions): Promise<PlannedOffset[]> {
    return resetConsumerGroupOffsets(this.#router, this.#deadline(opts), groupId, targets, to, opts?.dryRun ?? false)
  }

  // Cluster and logs

  async describeCluster(opts?: CallOptions): Promise<ClusterDescription> {
    return describeCluster(this.#router, this.#deadline(opts))
  }

  /** Deletes records before each offset (-1: the high watermark); resolves to the new low watermarks. */
  async deleteRecords(requests: RecordsToDelete[], opts?: CallOptions): Promise<DeletedRecords[]> {
    return deleteRecords(this.#router, this.#deadline(opts), requests)
  }

  /** Each broker's log dirs and the partitions in them, by node id (every broker by default). */
  async describeLogDirs(brokerIds?: number[], opts?: CallOptions): Promise<Map<number, LogDirDescription[]>> {
    return describeLogDirs(this.#router, this.#deadline(opts), brokerIds)
  }

  async close(): Promise<void> {
    return this.cluster.close()
  }
}
