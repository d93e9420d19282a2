/**
 * Which partition a record goes to (the producer's `partitioner`).
 *
 * The default, for a record with a key, is the Java client's: murmur2 of the
 * key bytes, made positive, modulo the partition count
 * (`Utils.toPositive(Utils.murmur2(key)) % numPartitions`). librdkafka's
 * `murmur2_random` partitioner is the same for keyed records, so a key lands
 * on the same partition whichever of these clients produced it. Records
 * without a key go to a sticky partition that changes when a batch is sent
 * (KIP-480), or by one of the simpler strategies.
 */

export type Partitioner = 'default' | 'random' | 'round-robin' | ((key: Buffer | null, numPartitions: number, topic: string) => number)

/** A producer's choice of partition for records without an explicit one, with the state per topic its strategy keeps. */
export class PartitionChooser {
  readonly #sticky = new Map<string, number>()
  readonly #roundRobin = new Map<string, number>()

  constructor(readonly partitioner: Partitioner) {}

  choose(topic: string, key: Buffer | null, n: number): number {
    const p = this.partitioner
    if (typeof p === 'function') return p(key, n, topic)
    if (p === 'random') return Math.floor(Math.random() * n)
    if (p === 'round-robin') {
      const next = ((this.#roundRobin.get(topic) ?? -1) + 1) % n
      this.#roundRobin.set(topic, next)
      return next
    }
    if (key !== null) return keyedPartition(key, n)
    // KIP-480: records without a key stick to one partition until its batch goes.
    let sticky = this.#sticky.get(topic)
    if (sticky === undefined || sticky >= n) {
      sticky = Math.floor(Math.random() * n)
      this.#sticky.set(topic, sticky)
    }
    return sticky
  }

  /** A batch of `partition` was cut: the sticky partition of keyless records moves on (KIP-480's onNewBatch). */
  onNewBatch(topic: string, partition: number): void {
    if (this.#sticky.get(topic) === partition) this.#sticky.delete(topic)
  }
}

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** Kafka's Utils.murmur2 (MurmurHash2, 32-bit, seed 0x9747b28c), as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  // The tail of 1-3 bytes (Java's fall-through switch, written out).
  const tail = length & 3
  if (tail === 3) h ^= data[whole + 2]! << 16
  if (tail >= 2) h ^= data[whole + 1]! << 8
  if (tail >= 1) {
    h ^= data[whole]!
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's Utils.toPositive: drops the sign bit (not Math.abs, so MIN_VALUE maps to 0). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The Java client's and librdkafka murmur2_random's partition for a keyed record. */
export function keyedPartition(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions
}
