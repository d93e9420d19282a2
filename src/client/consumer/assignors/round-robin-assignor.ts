/**
 * "roundrobin" (Kafka's RoundRobinAssignor, librdkafka's
 * rdkafka_roundrobin_assignor.c): every partition of every subscribed topic,
 * by topic name then partition, dealt to the members in member order (static
 * members first, see compareMembers) in turn; a member not subscribed to a
 * partition's topic is skipped and keeps its place for the next. With equal
 * subscriptions the counts differ by at most one; with unequal ones they may
 * not (Java's class comment gives an example).
 */
import type { Assignor, MemberSubscription, TopicPartition } from './assignor.js'
import { compareMembers, compareStrings } from './ordering.js'

export class RoundRobinAssignor implements Assignor {
  readonly name = 'roundrobin'
  readonly rebalanceProtocol = 'EAGER'

  userData(_owned: TopicPartition[], _generation: number): Buffer | null {
    return null
  }

  assign(partitionsPerTopic: Map<string, number>, members: Map<string, MemberSubscription>): Map<string, TopicPartition[]> {
    const assignment = new Map<string, TopicPartition[]>()
    const ring: { list: TopicPartition[]; topics: Set<string> }[] = []
    const allTopics = new Set<string>()
    const sorted = [...members].map(([memberId, m]) => ({ ...m, memberId })).sort(compareMembers)
    for (const m of sorted) {
      const list: TopicPartition[] = []
      assignment.set(m.memberId, list)
      ring.push({ list, topics: new Set(m.topics) })
      for (const t of m.topics) allTopics.add(t)
    }
    // Java's CircularIterator: `next` is the member the next partition is
    // offered to first; it only moves past the member that takes one, or
    // past members that cannot.
    let next = 0
    for (const topic of [...allTopics].sort(compareStrings)) {
      const count = partitionsPerTopic.get(topic) ?? 0
      for (let partition = 0; partition < count; partition++) {
        // Terminates: some member subscribes to every topic in allTopics.
        while (!ring[next]!.topics.has(topic)) next = (next + 1) % ring.length
        ring[next]!.list.push({ topic, partition })
        next = (next + 1) % ring.length
      }
    }
    return assignment
  }
}
