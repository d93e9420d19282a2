/**
 * Client-side partition assignment (the "consumer" protocol type of the
 * classic group protocol): each member names the assignors it supports in
 * JoinGroup, the coordinator picks one all members support, and the member
 * it makes leader runs that assignor for the whole group and sends the
 * result in SyncGroup. A group can mix Java, librdkafka and Brook members,
 * and any of them may be leader, so each assignor here gives the assignment
 * its Java namesake would (exactly, for range and roundrobin) and reads the
 * userData the others write.
 *
 * Kafka: ConsumerPartitionAssignor, AbstractPartitionAssignor; librdkafka:
 * rdkafka_assignor.c.
 */
import type { TopicPartition } from '../../../common/topic-partition.js'
import { CooperativeStickyAssignor } from './cooperative-sticky-assignor.js'
import { RangeAssignor } from './range-assignor.js'
import { RoundRobinAssignor } from './round-robin-assignor.js'
import { StickyAssignor } from './sticky-assignor.js'

export type { TopicPartition }

/** One member's subscription as the leader sees it (JoinGroup response, decoded). */
export interface MemberSubscription {
  memberId: string
  groupInstanceId: string | null
  topics: string[]
  userData: Buffer | null
  /** The partitions the member holds as it joins (subscription v1+; empty before, and for eager members, which revoke first). */
  ownedPartitions: TopicPartition[]
  /** The generation of the member's last assignment (subscription v2+); -1 when absent. */
  generationId: number
  rackId: string | null
}

export interface Assignor {
  /** Protocol name in JoinGroup: 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky' (Java's and librdkafka's names) */
  readonly name: string
  /**
   * EAGER: members revoke everything before joining. COOPERATIVE (KIP-429):
   * members keep their partitions through the rebalance and revoke only what
   * the new assignment takes away, so the assignor never gives a member a
   * partition another member still holds.
   */
  readonly rebalanceProtocol: 'EAGER' | 'COOPERATIVE'
  /** userData for this member's subscription, given what it owns now and its last generation (the sticky assignors need it; others return null). */
  userData(owned: TopicPartition[], generation: number): Buffer | null
  /** The leader's assignment: member id -> partitions. partitionsPerTopic holds each subscribed topic's partition count. */
  assign(partitionsPerTopic: Map<string, number>, members: Map<string, MemberSubscription>): Map<string, TopicPartition[]>
}

/** The built-in assignors by protocol name, as `partition.assignment.strategy` names them. */
export const ASSIGNORS: Record<string, () => Assignor> = {
  range: () => new RangeAssignor(),
  roundrobin: () => new RoundRobinAssignor(),
  sticky: () => new StickyAssignor(),
  'cooperative-sticky': () => new CooperativeStickyAssignor(),
}
