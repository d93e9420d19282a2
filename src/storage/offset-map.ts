/**
 * The log cleaner's key -> latest offset map (Kafka's `OffsetMap`, whose
 * implementation `SkimpyOffsetMap` keeps an MD5 of each key in one
 * preallocated buffer of `log.cleaner.dedupe.buffer.size`).
 *
 * Brook keeps the keys themselves instead of a hash of them, so two keys can
 * never be mistaken for one (with a hash, a collision would make the cleaner
 * drop a live record); the memory stays bounded all the same, and no object
 * is allocated per key, so a map of millions of keys costs the garbage
 * collector nothing:
 * - an open-addressing table (linear probing) of `capacity` slots, each a
 *   32-bit hash, the key's position in the arena and the offset: 16 bytes;
 * - an arena holding every key's length (4 bytes) and bytes.
 * Both grow by doubling, and never beyond `memoryBytes` together. The cleaner
 * asks `reserve()` for a batch's worth of keys before putting them; a refusal
 * means the map is full, and it cleans the part of the log mapped so far
 * (Kafka's behaviour when its map fills). Growing is asynchronous, done in
 * slices with yields: rehashing two million slots in one go held the event
 * loop for 35 ms (docs/BENCHMARKS.md).
 */
import { setImmediate as nextTick } from 'node:timers/promises'


/** Slots filled before the table doubles (Kafka's log.cleaner.io.buffer.load.factor is 0.9; probing stays short at 0.75). */
const LOAD_FACTOR = 0.75
const SLOT_BYTES = 16
const INITIAL_SLOTS = 1024
const INITIAL_ARENA_BYTES = 64 * 1024
const KEY_LENGTH_BYTES = 4
/** Slots touched or rehashed, or arena bytes copied, between yields to the event loop. */
const TOUCH_SLICE_SLOTS = 1 << 19
const REHASH_SLICE_SLOTS = 1 << 16
const COPY_SLICE_BYTES = 4 * 1024 * 1024
/** Positions in the arena are int32. */
const MAX_MEMORY_BYTES = 0x7fff_ffff

/** Murmur3's 32-bit finalizer over FNV-1a: fast on short keys, and the low bits (the slot) well mixed. */
function hashKey(key: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i]!, 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) | 0
}

export class OffsetMap {
  readonly memoryBytes: number
  #capacity = 0
  /** Per slot: arena position of the key + 1; 0 = empty. */
  #slotKey = new Int32Array(0)
  #slotHash = new Int32Array(0)
  #slotOffset = new Float64Array(0)
  #arena = Buffer.alloc(0)
  #arenaUsed = 0
  #size = 0
  /** Entries reserve() made room for and put() has not used yet. */
  #reservedEntries = 0
  #reservedBytes = 0
  #latestOffset = -1

  constructor(memoryBytes: number) {
    this.memoryBytes = Math.min(Math.max(memoryBytes, 0), MAX_MEMORY_BYTES)
  }

  /** Distinct keys held. */
  get size(): number {
    return this.#size
  }

  /** The largest offset put, -1 when empty (Kafka's `latestOffset`). */
  get latestOffset(): number {
    return this.#latestOffset
  }

  /** Bytes allocated now (at most memoryBytes). */
  get allocatedBytes(): number {
    return this.#capacity * SLOT_BYTES + this.#arena.length
  }

  /** Empties the map, keeping its memory for the next cleaning (Kafka's `clear`). */
  clear(): void {
    this.#slotKey.fill(0)
    this.#arenaUsed = 0
    this.#size = 0
    this.#reservedEntries = 0
    this.#reservedBytes = 0
    this.#latestOffset = -1
  }

  /**
   * Makes room for `keys` more keys of `keyBytes` bytes in total, as if all
   * were new; false when that would take more than memoryBytes (the map is
   * full: nothing is changed). Each reservation replaces the previous one.
   * Nothing else may use the map until it resolves.
   */
  async reserve(keys: number, keyBytes: number): Promise<boolean> {
    const entries = this.#size + keys
    let capacity = Math.max(this.#capacity, INITIAL_SLOTS)
    while (entries > capacity * LOAD_FACTOR) capacity *= 2
    const arenaNeeded = this.#arenaUsed + keyBytes + keys * KEY_LENGTH_BYTES
    let arenaBytes = Math.max(this.#arena.length, INITIAL_ARENA_BYTES)
    while (arenaBytes < arenaNeeded) arenaBytes *= 2
    // Near the limit, an arena of exactly what is needed will do.
    if (capacity * SLOT_BYTES + arenaBytes > this.memoryBytes) arenaBytes = Math.max(arenaNeeded, this.#arena.length)
    if (capacity * SLOT_BYTES + arenaBytes > this.memoryBytes) return false
    if (capacity !== this.#capacity) await this.#rehash(capacity)
    if (arenaBytes > this.#arena.length) {
      const arena = Buffer.allocUnsafe(arenaBytes)
      for (let at = 0; at < this.#arenaUsed; at += COPY_SLICE_BYTES) {
        this.#arena.copy(arena, at, at, Math.min(at + COPY_SLICE_BYTES, this.#arenaUsed))
        if (at + COPY_SLICE_BYTES < this.#arenaUsed) await nextTick()
      }
      this.#arena = arena
    }
    this.#reservedEntries = keys
    this.#reservedBytes = keyBytes
    return true
  }

  /** Records `offset` as the latest for `key` (Kafka's `put`); within a reservation. */
  put(key: Uint8Array, offset: number): void {
    const hash = hashKey(key)
    const slot = this.#find(key, hash)
    if (this.#slotKey[slot] !== 0) {
      this.#slotOffset[slot] = offset
    } else {
      if (this.#reservedEntries <= 0 || this.#reservedBytes < key.length) throw new Error('OffsetMap.put beyond what reserve() made room for')
      this.#reservedEntries--
      this.#reservedBytes -= key.length
      const at = this.#arenaUsed
      this.#arena.writeUInt32BE(key.length, at)
      this.#arena.set(key, at + KEY_LENGTH_BYTES)
      this.#arenaUsed = at + KEY_LENGTH_BYTES + key.length
      this.#slotKey[slot] = at + 1
      this.#slotHash[slot] = hash
      this.#slotOffset[slot] = offset
      this.#size++
    }
    if (offset > this.#latestOffset) this.#latestOffset = offset
  }

  /** The latest offset put for `key`, or -1 (Kafka's `get`). */
  get(key: Uint8Array): number {
    if (this.#capacity === 0) return -1
    const slot = this.#find(key, hashKey(key))
    return this.#slotKey[slot] === 0 ? -1 : this.#slotOffset[slot]!
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  #find(key: Uint8Array, hash: number): number {
    const mask = this.#capacity - 1
    const arena = this.#arena
    let slot = hash & mask
    for (;;) {
      const ref = this.#slotKey[slot]!
      if (ref === 0) return slot
      if (this.#slotHash[slot] === hash) {
        const at = ref - 1
        const length = arena.readUInt32BE(at)
        if (length === key.length) {
          const start = at + KEY_LENGTH_BYTES
          let i = 0
          while (i < length && arena[start + i] === key[i]) i++
          if (i === length) return slot
        }
      }
      slot = (slot + 1) & mask
    }
  }

  async #rehash(capacity: number): Promise<void> {
    const oldKey = this.#slotKey
    const oldHash = this.#slotHash
    const oldOffset = this.#slotOffset
    const slotKey = new Int32Array(capacity)
    const slotHash = new Int32Array(capacity)
    const slotOffset = new Float64Array(capacity)
    // Fresh arrays are mapped lazily; touch them in slices first, or the
    // rehash's scattered writes take every page fault in its first slice.
    for (let at = 0; at < capacity; at += TOUCH_SLICE_SLOTS) {
      const end = Math.min(at + TOUCH_SLICE_SLOTS, capacity)
      slotKey.fill(0, at, end)
      slotHash.fill(0, at, end)
      slotOffset.fill(0, at, end)
      await nextTick()
    }
    const mask = capacity - 1
    for (let i = 0; i < oldKey.length; i++) {
      const ref = oldKey[i]!
      if (ref !== 0) {
        let slot = oldHash[i]! & mask
        while (slotKey[slot] !== 0) slot = (slot + 1) & mask
        slotKey[slot] = ref
        slotHash[slot] = oldHash[i]!
        slotOffset[slot] = oldOffset[i]!
      }
      if ((i + 1) % REHASH_SLICE_SLOTS === 0) await nextTick()
    }
    this.#capacity = capacity
    this.#slotKey = slotKey
    this.#slotHash = slotHash
    this.#slotOffset = slotOffset
  }
}
