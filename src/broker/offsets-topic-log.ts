/**
 * `__consumer_offsets` as the group coordinator sees it (OffsetsTopicLog):
 * created on the first FindCoordinator, appended to as the leader with
 * origin "coordinator", read back whole at start-up.
 *
 * The topic is compacted (only the latest commit per group and partition,
 * and the latest metadata per group, matter), with
 * offsets.topic.num.partitions partitions and offsets.topic.segment.bytes
 * segments, as Kafka creates it. Its replication factor is
 * offsets.topic.replication.factor capped at the live brokers, with a
 * warning: Kafka (default 3) would refuse to create it on one broker and
 * every consumer group would fail with COORDINATOR_NOT_AVAILABLE, which is
 * not what anyone running a single Brook broker wants.
 */
import type { Logger } from '../common/logger.js'
import type { Time } from '../common/time.js'
import type { MetadataStore } from '../cluster/metadata-store.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { isKafkaError } from '../protocol/kafka-error.js'
import { BatchAttributes, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from '../protocol/records/record.js'
import { decodeRecordBatchesAsync, encodeRecordBatch } from '../protocol/records/record-batch.js'
import type { OffsetsTopicLog } from '../coordinator/group/group-metadata-manager.js'
import type { ReplicaManager } from './replica-manager.js'
import type { TopicManager } from './topic-manager.js'

export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets'

/** Bytes read per step while loading a partition. */
const LOAD_CHUNK_BYTES = 1024 * 1024

export interface OffsetsTopicSettings {
  numPartitions: number
  replicationFactor: number
  segmentBytes: number
  liveBrokerCount: () => number
}

export class BrokerOffsetsTopicLog implements OffsetsTopicLog {
  #creating: Promise<number> | undefined

  constructor(
    readonly settings: OffsetsTopicSettings,
    readonly metadata: MetadataStore,
    readonly topics: TopicManager,
    readonly replicaManager: ReplicaManager,
    readonly time: Time,
    readonly logger: Logger,
  ) {}

  partitionCount(): number | null {
    return this.metadata.topic(GROUP_METADATA_TOPIC_NAME)?.partitions ?? null
  }

  ensureExists(): Promise<number> {
    const existing = this.partitionCount()
    if (existing !== null) return Promise.resolve(existing)
    this.#creating ??= this.#create().finally(() => {
      this.#creating = undefined
    })
    return this.#creating
  }

  async #create(): Promise<number> {
    const live = this.settings.liveBrokerCount()
    const replicationFactor = Math.min(this.settings.replicationFactor, live)
    if (replicationFactor < this.settings.replicationFactor) {
      this.logger.warn(`Creating ${GROUP_METADATA_TOPIC_NAME} with replication factor ${replicationFactor}: offsets.topic.replication.factor is ${this.settings.replicationFactor} but only ${live} broker(s) are alive`)
    }
    try {
      await this.topics.createTopic({
        name: GROUP_METADATA_TOPIC_NAME,
        numPartitions: this.settings.numPartitions,
        replicationFactor,
        configs: { 'cleanup.policy': 'compact', 'compression.type': 'producer', 'segment.bytes': String(this.settings.segmentBytes) },
      })
    } catch (e) {
      // Created meanwhile by another request: fine.
      if (!(isKafkaError(e) && e.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS)) throw e
    }
    return this.partitionCount() ?? this.settings.numPartitions
  }

  async append(partition: number, records: { key: Buffer; value: Buffer | null }[]): Promise<number> {
    const now = this.time.nowMs()
    const batch = encodeRecordBatch({
      baseOffset: 0,
      partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
      attributes: 0,
      lastOffsetDelta: records.length - 1,
      baseTimestamp: now,
      maxTimestamp: now,
      producerId: NO_PRODUCER_ID,
      producerEpoch: NO_PRODUCER_EPOCH,
      baseSequence: NO_SEQUENCE,
      records: records.map((r, i) => ({ attributes: 0, timestampDelta: 0, offsetDelta: i, key: r.key, value: r.value, headers: [] })),
    })
    const [result] = await this.replicaManager.appendRecords(-1, [{ tp: { topic: GROUP_METADATA_TOPIC_NAME, partition }, records: batch }], 'coordinator')
    return result!.errorCode
  }

  async readAll(partition: number, onRecord: (key: Buffer | null, value: Buffer | null, offset: number) => void): Promise<void> {
    const p = this.replicaManager.getPartition({ topic: GROUP_METADATA_TOPIC_NAME, partition })
    if (!p) return
    const log = p.log
    let offset = log.logStartOffset
    while (offset < log.logEndOffset) {
      const info = await log.read(offset, LOAD_CHUNK_BYTES, log.logEndOffset, true)
      if (info.records.length === 0) break
      const { batches } = await decodeRecordBatchesAsync(info.records)
      if (batches.length === 0) break
      for (const b of batches) {
        const last = b.baseOffset + b.lastOffsetDelta
        if (last < offset) continue
        if ((b.attributes & BatchAttributes.CONTROL) === 0) {
          for (const r of b.records) {
            const o = b.baseOffset + r.offsetDelta
            if (o >= offset) onRecord(r.key, r.value, o)
          }
        }
        offset = last + 1
      }
    }
  }
}
