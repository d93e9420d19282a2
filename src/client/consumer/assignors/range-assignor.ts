/**
 * "range" (Kafka's RangeAssignor, librdkafka's rdkafka_range_assignor.c), the
 * Java consumer's default before 3.0 and still first in its default list.
 * Per topic: the members subscribed to it in member order (static members
 * first, see compareMembers), partitions in order, each member a contiguous
 * range of floor(n/m) partitions and the first n % m members one more.
 * Members with the same subscription therefore get the same partition
 * numbers of every topic with the same partition count (co-partitioning,
 * which joins in Kafka Streams rely on).
 *
 * Not done: KIP-881 rack-aware matching (partitionsPerTopic carries no
 * replica racks); Java falls back to this same plain assignment when racks
 * are unknown.
 */
import type { Assignor, MemberSubscription, TopicPartition } from './assignor.js'
import { compareMembers, compareStrings } from './ordering.js'

export class RangeAssignor implements Assignor {
  readonly name = 'range'
  readonly rebalanceProtocol = 'EAGER'

  userData(_owned: TopicPartition[], _generation: number): Buffer | null {
    return null
  }

  assign(partitionsPerTopic: Map<string, number>, members: Map<string, MemberSubscription>): Map<string, TopicPartition[]> {
    const assignment = new Map<string, TopicPartition[]>()
    const subscribers = new Map<string, MemberSubscription[]>()
    for (const [memberId, m] of members) {
      assignment.set(memberId, [])
      for (const topic of new Set(m.topics)) {
        let list = subscribers.get(topic)
        if (list === undefined) subscribers.set(topic, (list = []))
        list.push({ ...m, memberId })
      }
    }
    // Topics in name order only so each member's list comes out sorted.
    for (const topic of [...subscribers.keys()].sort(compareStrings)) {
      const count = partitionsPerTopic.get(topic)
      if (count === undefined || count <= 0) continue
      const consumers = subscribers.get(topic)!.sort(compareMembers)
      const perConsumer = Math.floor(count / consumers.length)
      const withExtra = count % consumers.length
      for (let i = 0; i < consumers.length; i++) {
        const start = perConsumer * i + Math.min(i, withExtra)
        const length = perConsumer + (i < withExtra ? 1 : 0)
        const list = assignment.get(consumers[i]!.memberId)!
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p })
      }
    }
    return assignment
  }
}
