/**
 * The orders assignors sort by. They must be the ones the Java client and
 * librdkafka use, or a Brook leader would hand out different assignments for
 * the same group than they do (harmless for correctness, but range's
 * co-partitioning and static members' stable assignments depend on it).
 */
import type { TopicPartition } from '../../../common/topic-partition.js'

/**
 * Java's String.compareTo: by UTF-16 code unit, which is what `<` on strings
 * does. localeCompare would differ (case folding, accents). librdkafka
 * compares bytes (strcmp); the two agree on ASCII, which topic names are and
 * member ids (client.id plus a UUID) are in practice.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** By topic, then partition number. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition
}

/**
 * Java's AbstractPartitionAssignor.MemberInfo order (range and roundrobin,
 * KIP-345): static members first, by group.instance.id, then dynamic members
 * by member id. A static member keeps its instance id across restarts while
 * its member id changes, so its place in the order, and with it its
 * partitions, stay the same.
 *
 * librdkafka's rd_kafka_group_member_cmp compares instance ids only when both
 * members have one and member ids otherwise; the two orders agree for groups
 * of only static or only dynamic members. Java's is used because it is a
 * total order (librdkafka's is not transitive in a mixed group).
 */
export function compareMembers(a: { memberId: string; groupInstanceId: string | null }, b: { memberId: string; groupInstanceId: string | null }): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return compareStrings(a.groupInstanceId, b.groupInstanceId) || compareStrings(a.memberId, b.memberId)
  if (a.groupInstanceId !== null) return -1
  if (b.groupInstanceId !== null) return 1
  return compareStrings(a.memberId, b.memberId)
}
