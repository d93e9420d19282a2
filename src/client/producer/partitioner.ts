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
