/** A topic and partition, Kafka's TopicPartition; `toString()` is Kafka's `topic-partition` form. */
export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

/** `topic-0`: the directory name of a partition's log and the key used in maps. */
export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`
}

/** Parses a `<topic>-<partition>` directory name; null if it is not one. */
export function parseTopicPartitionDir(name: string): TopicPartition | null {
  const dash = name.lastIndexOf('-')
  if (dash <= 0) return null
  const partition = Number(name.slice(dash + 1))
  if (!Number.isInteger(partition) || partition < 0 || String(partition) !== name.slice(dash + 1)) return null
  return { topic: name.slice(0, dash), partition }
}

/** Kafka's topic name rules (Topic.validate): 1-249 chars of [a-zA-Z0-9._-], not "." or "..". */
export function topicNameError(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty'
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > 249) return `Topic name is illegal, it can't be longer than 249 characters, topic name: ${name}`
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  return null
}

/** Kafka's Topic.isInternal: the coordinators' topics, which clients may read but not write or trim. */
export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state'
}
