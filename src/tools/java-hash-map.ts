/**
 * The order in which a Java `HashMap` (or `HashSet`) hands back its keys.
 *
 * Kafka's tools print some lists in that order because they, or the Java
 * AdminClient under them, keep them in HashMaps: `kafka-topics --describe`
 * prints topics in the order of `DescribeTopicsResult.allTopicNames()` and
 * each topic's `Configs:` in the order of `Config.entries()`;
 * `kafka-configs --describe` without a name walks `ListTopicsResult.names()`;
 * LogDirsCommand prints HashMaps as JSON; DeleteRecordsCommand prints one
 * line per entry of one. To print the same lines in the same order, Brook
 * replays the maps' insertions here, with the keys' Java `hashCode()`s.
 *
 * A HashMap iterates its buckets in index order (`hash & (capacity - 1)`,
 * where `hash` is the key's `hashCode()` with its high half folded into the
 * low, `HashMap.hash`), and a bucket's keys in insertion order. The capacity
 * depends on how the map was made (`new HashMap<>()`, `new HashMap<>(n)`,
 * `new HashMap<>(otherMap)`) and doubles once the size passes 3/4 of it, or
 * when one bucket grows past 8 keys in a table smaller than 64 (HashMap
 * resizes instead of turning the bucket into a tree). A resize keeps each
 * bucket's keys in order. A bucket turned into a tree (9 or more keys with
 * one index in a table of 64 or more) is not modelled: it keeps insertion
 * order here, where Java would put later keys after their tree parent; no
 * tool output comes near that. Source: OpenJDK `java/util/HashMap.java`, as
 * of Java 21.
 */

const DEFAULT_CAPACITY = 16
const LOAD_FACTOR = 0.75
const TREEIFY_THRESHOLD = 8
const MIN_TREEIFY_CAPACITY = 64
const MAXIMUM_CAPACITY = 1 << 30

/** Java's `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's `TopicPartition.hashCode()`: 31 * (31 + partition) + topic.hashCode(). */
export function topicPartitionHashCode(topic: string, partition: number): number {
  return (Math.imul(31, (31 + partition) | 0) + javaStringHashCode(topic)) | 0
}

/** `Integer.hashCode()`: the value itself. */
export const javaIntegerHashCode = (n: number): number => n | 0

/** `HashMap.tableSizeFor()`: the least power of two at least `cap` (1 for 0). */
function tableSizeFor(cap: number): number {
  let n = 1
  while (n < cap && n < MAXIMUM_CAPACITY) n *= 2
  return n
}

/** How the map was constructed: `new HashMap<>()`, `new HashMap<>(initialCapacity)`, or `new HashMap<>(m)` with m's size. */
export type JavaHashMapCreation = { kind: 'default' } | { kind: 'capacity'; initialCapacity: number } | { kind: 'copy'; size: number }

/**
 * The iteration order of a HashMap made as `creation` and given `keys` in
 * this order, each key hashed by `hashCode` (its Java `hashCode()`). A key
 * already there (`===`, which is Java's `equals` for strings and numbers)
 * keeps its place.
 */
export function javaHashMapOrder<K>(keys: Iterable<K>, hashCode: (key: K) => number, creation: JavaHashMapCreation = { kind: 'default' }): K[] {
  // The constructors only set the threshold; the table is allocated on the first put (HashMap.resize).
  let threshold = 0
  if (creation.kind === 'capacity') threshold = tableSizeFor(creation.initialCapacity)
  // Java 19 and later (JDK-8281631; Kafka's Docker image runs Java 21); before, ceil(size / 0.75) was size / 0.75 + 1.
  else if (creation.kind === 'copy' && creation.size > 0) threshold = tableSizeFor(Math.ceil(creation.size / LOAD_FACTOR))
  type Entry = { key: K; hash: number }
  // No buckets until the first put.
  let table: Entry[][] = []
  let size = 0

  const resize = (): Entry[][] => {
    const capacity = table.length > 0 ? table.length * 2 : threshold > 0 ? threshold : DEFAULT_CAPACITY
    threshold = Math.floor(capacity * LOAD_FACTOR)
    const next: Entry[][] = Array.from({ length: capacity }, () => [])
    // Walking the old table in order and appending keeps each bucket's relative order, as HashMap's lo/hi split does.
    for (const bucket of table) for (const e of bucket) next[e.hash & (capacity - 1)]!.push(e)
    return (table = next)
  }

  for (const key of keys) {
    const h = hashCode(key)
    // HashMap.hash(): the high 16 bits xor-ed into the low ones.
    const hash = h ^ (h >>> 16)
    const t = table.length > 0 ? table : resize()
    const bucket = t[hash & (t.length - 1)]!
    if (bucket.some((e) => e.key === key)) continue
    bucket.push({ key, hash })
    if (bucket.length > TREEIFY_THRESHOLD && t.length < MIN_TREEIFY_CAPACITY) resize()
    if (++size > threshold) resize()
  }
  return table.flatMap((bucket) => bucket.map((e) => e.key))
}
