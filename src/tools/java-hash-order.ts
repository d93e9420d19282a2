/**
 * The order in which a Java `HashMap<String, ...>` hands back its keys.
 *
 * Kafka's tools print some lists in that order because the Java AdminClient
 * returns them in HashMaps: `kafka-topics --describe` prints topics in the
 * order of `DescribeTopicsResult.allTopicNames()` and each topic's
 * `Configs:` in the order of `Config.entries()`; `kafka-configs --describe`
 * without a name walks `ListTopicsResult.names()`. To print the same lines in
 * the same order, Brook replays the maps' insertions here.
 *
 * A HashMap iterates its buckets in index order (`hash & (capacity - 1)`,
 * where `hash` is `String.hashCode()` with its high half folded into the low,
 * `HashMap.hash`), and a bucket's keys in insertion order. The capacity
 * depends on how the map was made (`new HashMap<>()`, `new HashMap<>(n)`,
 * `new HashMap<>(otherMap)`) and doubles once the size passes 3/4 of it, or
 * when one bucket grows past 8 keys in a table smaller than 64 (HashMap
 * resizes instead of turning the bucket into a tree). A resize keeps each
 * bucket's keys in order. A bucket turned into a tree (9 or more keys with
 * one index in a table of 64 or more) is not modelled: it keeps insertion
 * order here, where Java would put later keys after their tree parent.
 * Source: OpenJDK `java/util/HashMap.java`, as of Java 21.
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

/** `HashMap.hash()`: the hash code with its high 16 bits xor-ed into the low ones. */
function spread(key: string): number {
  const h = javaStringHashCode(key)
  return h ^ (h >>> 16)
}

/** `HashMap.tableSizeFor()`: the least power of two at least `cap` (1 for 0). */
function tableSizeFor(cap: number): number {
  let n = 1
  while (n < cap && n < MAXIMUM_CAPACITY) n *= 2
  return n
}

/** How the map was constructed: `new HashMap<>()`, `new HashMap<>(initialCapacity)`, or `new HashMap<>(m)` with m's size. */
export type JavaHashMapCreation = { kind: 'default' } | { kind: 'capacity'; initialCapacity: number } | { kind: 'copy'; size: number }

/** The iteration order of a HashMap made as `creation` and given `keys` in this order (a key already there keeps its place). */
export function javaHashMapOrder(keys: Iterable<string>, creation: JavaHashMapCreation = { kind: 'default' }): string[] {
  // The constructors only set the threshold; the table is allocated on the first put (HashMap.resize).
  let threshold = 0
  if (creation.kind === 'capacity') threshold = tableSizeFor(creation.initialCapacity)
  // Java 19 and later (JDK-8281631; Kafka's Docker image runs Java 21); before, ceil(size / 0.75) was size / 0.75 + 1.
  else if (creation.kind === 'copy' && creation.size > 0) threshold = tableSizeFor(Math.ceil(creation.size / LOAD_FACTOR))
  let table: string[][] | null = null
  let size = 0

  const resize = () => {
    const oldCapacity = table?.length ?? 0
    const capacity = table !== null ? oldCapacity * 2 : threshold > 0 ? threshold : DEFAULT_CAPACITY
    threshold = Math.floor(capacity * LOAD_FACTOR)
    const next: string[][] = Array.from({ length: capacity }, () => [])
    // Walking the old table in order and appending keeps each bucket's relative order, as HashMap's lo/hi split does.
    for (const bucket of table ?? []) for (const key of bucket) next[spread(key) & (capacity - 1)]!.push(key)
    table = next
  }

  for (const key of keys) {
    if (table === null) resize()
    const bucket = table![spread(key) & (table!.length - 1)]!
    if (bucket.includes(key)) continue
    bucket.push(key)
    if (bucket.length > TREEIFY_THRESHOLD && table!.length < MIN_TREEIFY_CAPACITY) resize()
    if (++size > threshold) resize()
  }
  return (table ?? ([] as string[][])).flat()
}
