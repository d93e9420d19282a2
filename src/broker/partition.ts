/**
 * One partition on this broker (Kafka's kafka.cluster.Partition): its log,
 * its leader epoch and the ISR, and the rules for the high watermark.
 *
 * Single-node mode runs the same code as a cluster would, with this broker as
 * the only replica: the ISR is {this broker}, so the high watermark follows the
 * log end offset right after each append. The two stay distinct values
 * (DESIGN.md principle 4) so replication can slot in: followers' fetch
 * positions will feed `maybeIncrementLeaderHW` and ISR changes.
 */
import type { TopicPartition } from '../common/topic-partition.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'
import type { Uuid } from '../protocol/uuid.js'
import type { LogConfig } from '../storage/log-config.js'
import type { AppendOrigin } from '../storage/log-validator.js'
import type { LogAppendInfo, UnifiedLog } from '../storage/unified-log.js'

export class Partition {
  readonly topicPartition: TopicPartition
  readonly topicId: Uuid
  readonly log: UnifiedLog
  readonly brokerId: number
  leaderEpoch: number
  /** In-sync replicas by broker id; here only the leader itself. */
  readonly isr: number[]
  readonly replicas: number[]

  constructor(opts: { topicPartition: TopicPartition; topicId: Uuid; log: UnifiedLog; brokerId: number; leaderEpoch?: number }) {
    this.topicPartition = opts.topicPartition
    this.topicId = opts.topicId
    this.log = opts.log
    this.brokerId = opts.brokerId
    this.leaderEpoch = opts.leaderEpoch ?? 0
    this.isr = [opts.brokerId]
    this.replicas = [opts.brokerId]
    // Kafka's Partition.makeLeader: "we may need to increment high watermark
    // since ISR could be down to 1". Without this, after a crash the high
    // watermark stays at its last checkpoint (or the log start) and consumers
    // cannot see acknowledged records until the next produce moves it.
    this.maybeIncrementLeaderHW()
  }

  get leaderId(): number {
    return this.brokerId
  }

  get highWatermark(): number {
    return this.log.highWatermark
  }

  get config(): LogConfig {
    return this.log.config
  }

  /**
   * Kafka's appendRecordsToLeader: with acks=all the ISR must be at least
   * min.insync.replicas (NOT_ENOUGH_REPLICAS otherwise, checked before
   * writing); then append and move the high watermark.
   */
  async appendRecordsToLeader(records: Buffer, requiredAcks: number, origin: AppendOrigin = 'client'): Promise<LogAppendInfo> {
    if (requiredAcks === -1 && this.isr.length < this.log.config.minInsyncReplicas) {
      throw new KafkaError(ErrorCode.NOT_ENOUGH_REPLICAS, {
        errorMessage: `The size of the current ISR ${this.isr.length} is insufficient to satisfy the min.isr requirement of ${this.log.config.minInsyncReplicas} for partition ${this.topicPartition.topic}-${this.topicPartition.partition}`,
      })
    }
    const info = await this.log.appendAsLeader(records, this.leaderEpoch, origin)
    this.maybeIncrementLeaderHW()
    return info
  }

  /** The high watermark is the smallest log end offset in the ISR: here, the leader's own. */
  maybeIncrementLeaderHW(): boolean {
    const leo = this.log.logEndOffset
    if (leo > this.log.highWatermark) {
      this.log.updateHighWatermark(leo)
      return true
    }
    return false
  }

  /** KIP-320: a client's current leader epoch older than ours is FENCED_LEADER_EPOCH, newer is UNKNOWN_LEADER_EPOCH. */
  checkLeaderEpoch(currentLeaderEpoch: number): number {
    if (currentLeaderEpoch === -1 || currentLeaderEpoch === this.leaderEpoch) return ErrorCode.NONE
    return currentLeaderEpoch < this.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH
  }
}
