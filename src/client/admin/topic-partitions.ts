/** Helpers for lists of partitions, as requests group them (by topic) and answers order them. */
import type { TopicPartition } from '../../common/topic-partition.js'

/** The items grouped by topic, in first-seen order: requests carry topics, each with its partitions. */
export function byTopic<T extends TopicPartition>(items: readonly T[]): Map<string, T[]> {
  const topics = new Map<string, T[]>()
  for (const x of items) topics.set(x.topic, [...(topics.get(x.topic) ?? []), x])
  return topics
}

/** Orders by topic name, then partition. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1
}
