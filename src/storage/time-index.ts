/**
 * Kafka's `TimeIndex`: 12-byte entries (timestamp int64, relative offset
 * int32), each saying "up to this offset, the largest timestamp is T". Entries
 * are added only when the timestamp grows, so both columns increase and a
 * binary search on the timestamp finds where to start scanning for
 * ListOffsets by time. Persistence and lazy loading: see AbstractIndex in
 * offset-index.ts.
 */
import { readInt64Number, writeInt64Number } from '../protocol/records/record-batch-header.js'
import { NO_TIMESTAMP } from '../protocol/records/record.js'
import { AbstractIndex, CorruptIndexError } from './offset-index.js'

export interface TimestampOffset {
  timestamp: number
  offset: number
}

export class TimeIndex extends AbstractIndex {
  static readonly ENTRY_SIZE = 12

  private constructor(path: string, baseOffset: number, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, TimeIndex.ENTRY_SIZE)
  }

  static create(path: string, baseOffset: number, maxIndexSize: number): TimeIndex {
    const index = new TimeIndex(path, baseOffset, maxIndexSize)
    index.initEmpty()
    return index
  }

  /** Opens an existing file lazily and sanity-checks it; throws CorruptIndexError or ENOENT. */
  static async open(path: string, baseOffset: number, maxIndexSize: number): Promise<TimeIndex> {
    const index = new TimeIndex(path, baseOffset, maxIndexSize)
    await index.openExisting()
    index.checkEntries()
    return index
  }

  /**
   * Kafka's `TimeIndex.isFull`: one slot stays free for the entry a segment
   * adds when it stops being active (its largest timestamp), which skips the
   * fullness check.
   */
  override get isFull(): boolean {
    return this.entries >= this.maxEntries - 1
  }

  /** The last entry, or (NO_TIMESTAMP, baseOffset) when empty (Kafka's `lastEntry`). */
  get lastEntry(): TimestampOffset {
    if (this.entries === 0) return { timestamp: NO_TIMESTAMP, offset: this.baseOffset }
    return this.entry(this.entries - 1)
  }

  entry(i: number): TimestampOffset {
    const { buf, pos } = this.entryAt(i)
    return { timestamp: readInt64Number(buf, pos), offset: this.baseOffset + buf.readInt32BE(pos + 8) }
  }

  /**
   * Adds (timestamp, offset) if the timestamp is larger than the last one
   * (Kafka's `maybeAppend`). Offsets must not go back, timestamps must not
   * shrink: either means a bug in the caller.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull) throw new Error(`time index ${this.path} is full (${this.maxEntries} entries)`)
    const last = this.lastEntry
    if (this.entries > 0 && offset < last.offset) {
      throw new RangeError(`offset ${offset} is below the last time index offset ${last.offset} in ${this.path}`)
    }
    if (this.entries > 0 && timestamp < last.timestamp) {
      throw new RangeError(`timestamp ${timestamp} is below the last time index timestamp ${last.timestamp} in ${this.path}`)
    }
    if (timestamp <= last.timestamp) return
    const relative = offset - this.baseOffset
    if (!Number.isInteger(relative) || relative < 0 || relative > 0x7fffffff) {
      throw new RangeError(`offset ${offset} cannot be relative to base offset ${this.baseOffset}`)
    }
    const { buf, pos } = this.appendSlot()
    writeInt64Number(buf, pos, timestamp, 'timestamp')
    buf.writeInt32BE(relative, pos + 8)
    this.commitAppend()
  }

  /**
   * The entry with the largest timestamp <= target, or (NO_TIMESTAMP,
   * baseOffset) when there is none (Kafka's `lookup`). Needs `load()`.
   */
  lookup(targetTimestamp: number): TimestampOffset {
    const slot = this.largestLowerBoundSlot(targetTimestamp, (b, p) => readInt64Number(b, p))
    if (slot < 0) return { timestamp: NO_TIMESTAMP, offset: this.baseOffset }
    return this.entry(slot)
  }

  /** Removes entries for offsets >= `offset` (Kafka's `truncateTo`). Needs `load()`. */
  truncateTo(offset: number): void {
    let n = this.entries
    // Entries are few per segment and truncation is rare; a backward walk is simplest.
    while (n > 0 && this.entry(n - 1).offset >= offset) n--
    this.truncateToEntries(n)
  }

  protected checkEntries(): void {
    if (this.entries === 0) return
    const last = this.lastEntry
    if (last.offset < this.baseOffset) {
      throw new CorruptIndexError(`Corrupt time index ${this.path}: last offset ${last.offset} is below the base offset ${this.baseOffset}`)
    }
    if (!this.isLoaded) return
    let prev: TimestampOffset = { timestamp: -Infinity, offset: -1 }
    for (let i = 0; i < this.entries; i++) {
      const e = this.entry(i)
      if (e.timestamp <= prev.timestamp || e.offset < prev.offset) {
        throw new CorruptIndexError(`Corrupt time index ${this.path}: entry ${i} (${e.timestamp}, ${e.offset}) does not increase`)
      }
      prev = e
    }
  }
}
