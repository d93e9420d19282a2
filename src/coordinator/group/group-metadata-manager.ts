/**
 * The groups this broker coordinates and their committed offsets, kept in
 * memory and made durable in `__consumer_offsets` (Kafka's
 * GroupMetadataManager): writes group metadata and offset commits as
 * records, acknowledges only once they are appended, loads every partition
 * back at start-up, and expires offsets of groups nobody uses.
 *
 * The topic itself is reached through `OffsetsTopicLog` (implemented by the
 * broker), so this layer never touches storage internals (DESIGN.md layers).
 */
import type { Logger } from '../../common/logger.js'
import type { Time } from '../../common/time.js'
import type { TopicPartition } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { GroupMetadataValue } from '../../protocol/messages/group-coordinator/group-metadata-value.js'
import { ClassicGroup, MemberMetadata, type CommittedOffset } from './classic-group.js'
import { decodeOffsetsTopicRecord, groupMetadataKey, groupMetadataValue, offsetCommitKey, offsetCommitValue, partitionForGroup } from './offsets-topic-records.js'

/** The broker side of `__consumer_offsets`: create it, append to a partition, read a partition back. */
export interface OffsetsTopicLog {
  /** The topic's partition count, or null while it does not exist. */
  partitionCount(): number | null
  /** Creates the topic if missing; resolves with its partition count. */
  ensureExists(): Promise<number>
  /** Appends records (keys and values as Kafka writes them) as one batch, waiting until stored; resolves with an error code (NONE on success). */
  append(partition: number, records: { key: Buffer; value: Buffer | null }[]): Promise<number>
  /** Every record of the partition from the log start, in offset order. */
  readAll(partition: number, onRecord: (key: Buffer | null, value: Buffer | null, offset: number) => void): Promise<void>
}

export interface GroupConfig {
  /** offsets.topic.num.partitions: used to create the topic; a group's partition uses the topic's actual count. */
  offsetsTopicNumPartitions: number
  /** offsets.retention.minutes, in ms. */
  offsetsRetentionMs: number
  /** offsets.retention.check.interval.ms */
  offsetsRetentionCheckIntervalMs: number
  /** offset.metadata.max.bytes */
  offsetMetadataMaxBytes: number
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  groupMinSessionTimeoutMs: number
  groupMaxSessionTimeoutMs: number
  /** group.initial.rebalance.delay.ms */
  groupInitialRebalanceDelayMs: number
  /** group.max.size */
  groupMaxSize: number
}

/**
 * Kafka's error mapping for a failed write of group metadata or offsets
 * (GroupMetadataManager.storeGroup / storeOffsets).
 */
export function coordinatorWriteError(code: number, forOffsets: boolean): number {
  switch (code) {
    case ErrorCode.NONE:
      return ErrorCode.NONE
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return forOffsets ? ErrorCode.INVALID_COMMIT_OFFSET_SIZE : ErrorCode.UNKNOWN_SERVER_ERROR
    default:
      return forOffsets ? code : ErrorCode.UNKNOWN_SERVER_ERROR
  }
}

export class GroupMetadataManager {
  readonly groups = new Map<string, ClassicGroup>()
  /** Partitions of __consumer_offsets being loaded: their groups answer COORDINATOR_LOAD_IN_PROGRESS. */
  readonly #loading = new Set<number>()
  #expiryTimer: NodeJS.Timeout | undefined
  #shuttingDown = false

  constructor(
    readonly log: OffsetsTopicLog,
    readonly config: GroupConfig,
    readonly time: Time,
    readonly logger: Logger,
  ) {}

  /**
   * Loads every partition of an existing topic and starts the offset-expiry
   * schedule. `onGroupLoaded` runs for each group read back (Kafka's
   * GroupCoordinator.onGroupLoaded), before its partition stops answering
   * COORDINATOR_LOAD_IN_PROGRESS.
   */
  startup(onGroupLoaded: (group: ClassicGroup) => void = () => {}): void {
    const n = this.log.partitionCount()
    if (n !== null) for (let p = 0; p < n; p++) void this.loadPartition(p, onGroupLoaded)
    this.#expiryTimer = setInterval(() => void this.expireOffsets(), this.config.offsetsRetentionCheckIntervalMs)
    this.#expiryTimer.unref()
  }

  shutdown(): void {
    this.#shuttingDown = true
    clearInterval(this.#expiryTimer)
  }

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.log.partitionCount() ?? this.config.offsetsTopicNumPartitions)
  }

  /** NONE, COORDINATOR_LOAD_IN_PROGRESS while the group's partition loads, NOT_COORDINATOR before the topic exists. */
  groupStatus(groupId: string): number {
    if (this.#shuttingDown) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (this.log.partitionCount() === null) return ErrorCode.NOT_COORDINATOR
    if (this.#loading.has(this.partitionFor(groupId))) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
    return ErrorCode.NONE
  }

  getOrCreate(groupId: string): ClassicGroup {
    let g = this.groups.get(groupId)
    if (!g) {
      g = new ClassicGroup(groupId, this.time.nowMs())
      this.groups.set(groupId, g)
    }
    return g
  }

  // ---- writes ----

  /** Writes the group's metadata (members with their subscriptions and assignments); resolves with a JoinGroup/SyncGroup error code. */
  async storeGroup(group: ClassicGroup): Promise<number> {
    const protocol = group.protocolName
    const value = groupMetadataValue({
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.currentStateTimestampMs),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol !== null ? m.metadataFor(protocol) : Buffer.alloc(0),
        assignment: m.assignment,
      })),
    })
    const code = await this.log.append(this.partitionFor(group.groupId), [{ key: groupMetadataKey(group.groupId), value }])
    return coordinatorWriteError(code, false)
  }

  /** Writes offset commits as one batch; on success they are visible to OffsetFetch. Resolves with the error code for every partition. */
  async storeOffsets(group: ClassicGroup, offsets: { tp: TopicPartition; committed: CommittedOffset }[]): Promise<number> {
    if (offsets.length === 0) return ErrorCode.NONE
    const records = offsets.map(({ tp, committed }) => ({
      key: offsetCommitKey(group.groupId, tp.topic, tp.partition),
      value: offsetCommitValue({
        offset: committed.offset,
        leaderEpoch: committed.leaderEpoch,
        metadata: committed.metadata,
        commitTimestamp: BigInt(committed.commitTimestampMs),
        expireTimestamp: BigInt(committed.expireTimestampMs),
      }),
    }))
    group.pendingOffsetCommits++
    try {
      const code = coordinatorWriteError(await this.log.append(this.partitionFor(group.groupId), records), true)
      if (code === ErrorCode.NONE) for (const o of offsets) group.setOffset(o.tp, o.committed)
      return code
    } finally {
      group.pendingOffsetCommits--
    }
  }

  /** Tombstones for the given offsets (and the group itself when `removeGroup`); applied to the cache once written. */
  async deleteOffsets(group: ClassicGroup, tps: TopicPartition[], removeGroup: boolean): Promise<number> {
    const records: { key: Buffer; value: Buffer | null }[] = tps.map((tp) => ({ key: offsetCommitKey(group.groupId, tp.topic, tp.partition), value: null }))
    if (removeGroup) records.push({ key: groupMetadataKey(group.groupId), value: null })
    if (records.length === 0) return ErrorCode.NONE
    const code = coordinatorWriteError(await this.log.append(this.partitionFor(group.groupId), records), false)
    if (code !== ErrorCode.NONE) return code
    for (const tp of tps) group.deleteOffset(tp)
    if (removeGroup && this.groups.get(group.groupId) === group) this.groups.delete(group.groupId)
    return code
  }

  // ---- loading ----

  /** Replays one partition of __consumer_offsets into the cache (Kafka's loadGroupsAndOffsets). */
  async loadPartition(partition: number, onGroupLoaded: (group: ClassicGroup) => void = () => {}): Promise<void> {
    if (this.#loading.has(partition)) return
    this.#loading.add(partition)
    const started = this.time.hiResMs()
    const offsets = new Map<string, Map<string, { tp: TopicPartition; committed: CommittedOffset }>>()
    const groupValues = new Map<string, ReturnType<typeof decodeOffsetsTopicRecord> & { type: 'group' }>()
    const removedGroups = new Set<string>()
    let records = 0
    try {
      await this.log.readAll(partition, (key, value) => {
        records++
        let r
        try {
          r = decodeOffsetsTopicRecord(key, value)
        } catch (e) {
          this.logger.warn(`Skipping an unreadable record in __consumer_offsets-${partition}: ${(e as Error).message}`)
          return
        }
        if (r.type === 'offset') {
          const byTp = offsets.get(r.group) ?? new Map()
          offsets.set(r.group, byTp)
          const k = `${r.topic}\u0000${r.partition}`
          if (r.value === null) byTp.delete(k)
          else {
            byTp.set(k, {
              tp: { topic: r.topic, partition: r.partition },
              committed: {
                offset: r.value.offset,
                leaderEpoch: r.value.leaderEpoch,
                metadata: r.value.metadata,
                commitTimestampMs: Number(r.value.commitTimestamp),
                expireTimestampMs: Number(r.value.expireTimestamp),
              },
            })
          }
        } else if (r.type === 'group') {
          if (r.value === null) {
            groupValues.delete(r.group)
            removedGroups.add(r.group)
          } else {
            groupValues.set(r.group, r)
            removedGroups.delete(r.group)
          }
        }
      })
      for (const groupId of new Set([...offsets.keys(), ...groupValues.keys()])) {
        const byTp = offsets.get(groupId)
        const meta = groupValues.get(groupId)?.value
        if (!meta && (!byTp || byTp.size === 0)) continue
        onGroupLoaded(this.#restoreGroup(groupId, meta ?? null, byTp ? [...byTp.values()] : []))
      }
      for (const groupId of removedGroups) if (!groupValues.has(groupId) && !(offsets.get(groupId)?.size)) this.groups.delete(groupId)
      if (records > 0) {
        this.logger.info(`Finished loading offsets and group metadata from __consumer_offsets-${partition} in ${Math.round(this.time.hiResMs() - started)} ms (${records} records)`)
      }
    } catch (e) {
      this.logger.error(`Loading __consumer_offsets-${partition} failed: ${(e as Error).message}`, { error: e as Error })
    } finally {
      this.#loading.delete(partition)
    }
  }

  #restoreGroup(groupId: string, meta: GroupMetadataValue | null, offsets: { tp: TopicPartition; committed: CommittedOffset }[]): ClassicGroup {
    const group = new ClassicGroup(groupId, this.time.nowMs())
    if (meta) {
      group.generationId = meta.generation
      group.protocolType = meta.protocolType === '' ? null : meta.protocolType
      group.protocolName = meta.protocol
      for (const m of meta.members) {
        const member = new MemberMetadata(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeout, m.sessionTimeout, meta.protocolType, meta.protocol === null ? [] : [{ name: meta.protocol, metadata: m.subscription }])
        member.assignment = m.assignment
        group.add(member)
      }
      group.leaderId = meta.leader
      group.restoreState(meta.members.length === 0 ? 'Empty' : 'Stable', Number(meta.currentStateTimestamp) >= 0 ? Number(meta.currentStateTimestamp) : this.time.nowMs())
    }
    for (const o of offsets) group.setOffset(o.tp, o.committed)
    this.groups.set(groupId, group)
    return group
  }

  // ---- expiry ----

  /**
   * Kafka's cleanupGroupMetadata: removes offsets past offsets.retention.minutes
   * (an explicit expire timestamp from OffsetCommit v1-v4 wins). A group with
   * a protocol keeps the offsets of topics its members subscribe to while it
   * has members, and they expire the retention time after it became Empty; a
   * Stable consumer group's offsets of topics nobody subscribes to any more
   * expire the retention time after their commit (KIP-211); a group used only
   * for commits expires each offset the retention time after its commit. A
   * group left Empty with no offsets is removed (tombstone).
   */
  async expireOffsets(): Promise<number> {
    const now = this.time.nowMs()
    const retention = this.config.offsetsRetentionMs
    let removed = 0
    for (const group of [...this.groups.values()]) {
      // Kafka's removeExpiredOffsets: an Empty group's offsets, a commit-only group's, and a Stable consumer
      // group's offsets of topics no member subscribes to any more (each by its commit time).
      const stableConsumer = group.is('Stable') && group.protocolType === 'consumer'
      // A commit on its way to disk keeps the group (Kafka: Empty && !hasOffsets).
      if (this.groupStatus(group.groupId) !== ErrorCode.NONE || !(group.is('Empty') || stableConsumer) || group.pendingOffsetCommits > 0) continue
      const subscribed = stableConsumer ? group.subscribedTopics() : undefined
      const expired: TopicPartition[] = []
      for (const { tp, committed } of group.offsets.values()) {
        if (subscribed?.has(tp.topic)) continue
        const base = group.protocolType === null || stableConsumer ? committed.commitTimestampMs : group.currentStateTimestampMs
        const expiresAt = committed.expireTimestampMs >= 0 ? committed.expireTimestampMs : base + retention
        if (expiresAt <= now) expired.push(tp)
      }
      if (expired.length === 0 && (group.offsets.size > 0 || stableConsumer)) continue
      // Nothing left: an Empty group goes too (also one that never committed); a Stable one stays.
      const dead = !stableConsumer && expired.length === group.offsets.size
      const code = await this.deleteOffsets(group, expired, dead)
      if (code !== ErrorCode.NONE) {
        this.logger.warn(`Could not expire offsets of group ${group.groupId}: error ${code}`)
        continue
      }
      removed += expired.length
      if (dead && group.is('Empty')) group.transitionTo('Dead', now)
    }
    if (removed > 0) this.logger.info(`Removed ${removed} expired offsets`)
    return removed
  }
}
