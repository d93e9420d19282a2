/**
 * "sticky" (Kafka's StickyAssignor, KIP-54), eager: members revoke everything
 * before they join, so their subscriptions carry no ownedPartitions and what
 * each owned travels in userData instead, in the StickyAssignorUserData
 * schema (StickyAssignor.java; librdkafka writes the same bytes from its
 * cooperative-sticky assignor):
 *
 *   v1: previous_assignment [topic: int16 string, partitions: [int32]], generation int32
 *   v0: previous_assignment only (clients before Kafka 2.3)
 *
 * The version is not written: a reader tries v1 and falls back to v0 when
 * the generation is missing. Arrays are int32 counts.
 *
 * librdkafka has no eager "sticky" (only range, roundrobin and
 * cooperative-sticky), so this protocol's groups are Java and Brook members.
 */
import { DecodeError } from '../../../protocol/codec-error.js'
import { Reader } from '../../../protocol/reader.js'
import { Writer } from '../../../protocol/writer.js'
import { AbstractStickyAssignor, type MemberData } from './abstract-sticky-assignor.js'
import type { MemberSubscription, TopicPartition } from './assignor.js'
import { compareTopicPartitions } from './ordering.js'

export class StickyAssignor extends AbstractStickyAssignor {
  readonly name = 'sticky'
  readonly rebalanceProtocol = 'EAGER'

  /** Null before the member's first assignment, as Java's subscriptionUserData. */
  userData(owned: TopicPartition[], generation: number): Buffer | null {
    if (generation < 0 && owned.length === 0) return null
    return encodeStickyUserData(owned, generation)
  }

  /**
   * userData when there is any: Java's StickyAssignor reads nothing else, and
   * its tests pin that userData wins over ownedPartitions when they disagree.
   * Without userData, the subscription's own fields (v1+/v2+).
   */
  memberData(s: MemberSubscription): MemberData {
    if (s.userData !== null && s.userData.length > 0) {
      const d = decodeStickyUserData(s.userData)
      // Unreadable userData counts as owning nothing (Java does the same).
      return d === null ? { partitions: [], generation: -1 } : { partitions: d.partitions, generation: d.generation ?? -1 }
    }
    return { partitions: s.ownedPartitions, generation: s.generationId }
  }
}

/** StickyAssignorUserData v1: the partitions grouped by topic (sorted), then the generation. */
export function encodeStickyUserData(partitions: readonly TopicPartition[], generation: number): Buffer {
  const byTopic = new Map<string, number[]>()
  for (const tp of [...partitions].sort(compareTopicPartitions)) {
    let list = byTopic.get(tp.topic)
    if (list === undefined) byTopic.set(tp.topic, (list = []))
    list.push(tp.partition)
  }
  const w = new Writer()
  w.int32(byTopic.size)
  for (const [topic, ps] of byTopic) {
    w.string(topic, false)
    w.int32(ps.length)
    for (const p of ps) w.int32(p)
  }
  w.int32(generation)
  return w.finish()
}

/**
 * StickyAssignorUserData v1, or v0 (generation null) when the bytes end after
 * the partitions; null when even those cannot be read. Trailing bytes are
 * ignored, as Java's Schema.read ignores them.
 */
export function decodeStickyUserData(b: Buffer): { partitions: TopicPartition[]; generation: number | null } | null {
  const r = new Reader(b)
  const partitions: TopicPartition[] = []
  try {
    const topics = r.int32()
    if (topics < 0 || topics > r.remaining) return null
    for (let i = 0; i < topics; i++) {
      const topic = r.string(false)
      const count = r.int32()
      if (count < 0 || count > r.remaining) return null
      for (let j = 0; j < count; j++) partitions.push({ topic, partition: r.int32() })
    }
  } catch (e) {
    if (e instanceof DecodeError) return null
    throw e
  }
  return { partitions, generation: r.remaining >= 4 ? r.int32() : null }
}
