/**
 * Sparse indexes of a log segment, in Kafka's on-disk format so operators'
 * tools (kafka-dump-log) read them:
 * - `OffsetIndex` (Kafka's `OffsetIndex`): 8-byte entries, relative offset
 *   int32 and file position int32, big-endian;
 * - `TimeIndex` (time-index.ts): 12-byte entries, timestamp int64 and relative
 *   offset int32.
 *
 * `AbstractIndex` (Kafka's `AbstractIndex`) holds what they share. Kafka
 * memory-maps a preallocated file; Node has no mmap, so the entries live in a
 * Buffer in file layout (so a flush writes bytes as they are) that grows by
 * doubling up to `maxIndexSize`, and the file holds exactly the entries
 * (nothing preallocated, so nothing to trim at close). Entries reach the file
 * on `flush()`, which the segment calls after it fsyncs the log, so data is
 * on disk before the index that points to it (DESIGN.md principle 3). An
 * index that is behind its log after a crash is rebuilt from the log: every
 * segment past the recovery point is recovered at start-up.
 *
 * Like Kafka's `LazyIndex`, an index opened from disk reads only its size and
 * last entry (the sanity check, and what a segment needs to know its largest
 * timestamp); the entries are read on first use.
 */
import { open, rename, rm, stat } from 'node:fs/promises'
import { constants, writeSync } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'

/** An index file that cannot be right (Kafka's `CorruptIndexException`); the segment is rebuilt from its log. */
export class CorruptIndexError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CorruptIndexError'
  }
}

const INITIAL_CAPACITY_ENTRIES = 64

export abstract class AbstractIndex {
  #path: string
  readonly baseOffset: number
  readonly entrySize: number
  readonly maxEntries: number
  /** Entries in file layout; null until loaded from the file. */
  #buf: Buffer | null = null
  #loading: Promise<void> | null = null
  #entries = 0
  /** The last entry while the rest is not loaded. */
  #lastEntry: Buffer | null = null
  /** Entries [0, #persisted) are in the file exactly as in memory. */
  #persisted = 0
  /** Entries the file holds (more than #entries after a truncation not yet flushed). */
  #fileEntries = 0
  /** Whether the file exists (an empty index still gets its file at the first flush, as in Kafka). */
  #onDisk = false
  #flushing: Promise<void> = Promise.resolve()

  protected constructor(path: string, baseOffset: number, maxIndexSize: number, entrySize: number) {
    this.#path = path
    this.baseOffset = baseOffset
    this.entrySize = entrySize
    this.maxEntries = Math.floor(maxIndexSize / entrySize)
    if (this.maxEntries < 2) throw new RangeError(`index size ${maxIndexSize} holds fewer than 2 entries`)
  }

  get path(): string {
    return this.#path
  }

  get entries(): number {
    return this.#entries
  }

  get isFull(): boolean {
    return this.#entries >= this.maxEntries
  }

  get isLoaded(): boolean {
    return this.#buf !== null
  }

  /** Bytes the entries take (the file size once flushed). */
  get sizeInBytes(): number {
    return this.#entries * this.entrySize
  }

  /** A new, empty index (the file is created at the first flush). */
  protected initEmpty(): void {
    this.#buf = Buffer.alloc(INITIAL_CAPACITY_ENTRIES * this.entrySize)
    this.#entries = 0
    this.#lastEntry = null
  }

  /**
   * Opens an existing file without reading its entries: checks the size is a
   * whole number of entries and keeps the last entry. Throws
   * CorruptIndexError, or the fs error (ENOENT when the file is missing).
   */
  protected async openExisting(): Promise<void> {
    const st = await stat(this.#path)
    if (st.size % this.entrySize !== 0) {
      throw new CorruptIndexError(`Index file ${this.#path} is corrupt: its size ${st.size} is not a multiple of ${this.entrySize}`)
    }
    const n = st.size / this.entrySize
    this.#onDisk = true
    this.#entries = this.#fileEntries = this.#persisted = n
    this.#buf = null
    this.#lastEntry = null
    if (n > 0) {
      const fh = await open(this.#path, 'r')
      try {
        const last = Buffer.alloc(this.entrySize)
        await readFully(fh, last, (n - 1) * this.entrySize)
        this.#lastEntry = last
      } finally {
        await fh.close()
      }
    }
  }

  /** Reads the entries into memory if they are not there yet (shared by concurrent callers). */
  async load(): Promise<void> {
    if (this.#buf !== null) return
    this.#loading ??= (async () => {
      const buf = Buffer.alloc(Math.max(INITIAL_CAPACITY_ENTRIES, this.#entries) * this.entrySize)
      if (this.#entries > 0) {
        const fh = await open(this.#path, 'r')
        try {
          await readFully(fh, buf.subarray(0, this.#entries * this.entrySize), 0)
        } finally {
          await fh.close()
        }
      }
      this.#buf = buf
      this.#lastEntry = null
      this.#loading = null
      this.checkEntries()
    })()
    return this.#loading
  }

  /** Kafka's `sanityCheck` plus a full order check once loaded; throws CorruptIndexError. */
  protected abstract checkEntries(): void

  /** The buffer and byte position of entry `i`; only the last entry is available before `load()`. */
  protected entryAt(i: number): { buf: Buffer; pos: number } {
    if (i < 0 || i >= this.#entries) throw new RangeError(`index entry ${i} of ${this.#entries}`)
    if (this.#buf !== null) return { buf: this.#buf, pos: i * this.entrySize }
    if (i === this.#entries - 1 && this.#lastEntry !== null) return { buf: this.#lastEntry, pos: 0 }
    throw new Error(`index ${this.#path} is not loaded`)
  }

  /** Room for one more entry, writable at the returned position. Caller checks fullness. */
  protected appendSlot(): { buf: Buffer; pos: number } {
    const buf = this.#loaded()
    const pos = this.#entries * this.entrySize
    if (pos + this.entrySize > buf.length) {
      const bigger = Buffer.alloc(Math.max(buf.length * 2, pos + this.entrySize))
      buf.copy(bigger, 0, 0, pos)
      this.#buf = bigger
    }
    return { buf: this.#buf!, pos }
  }

  protected commitAppend(): void {
    this.#entries++
  }

  /**
   * Binary search: the largest slot whose key (read by `keyAt`) is <= target,
   * or -1 when every key is larger (Kafka's `largestLowerBoundSlotFor`).
   */
  protected largestLowerBoundSlot(target: number, keyAt: (buf: Buffer, pos: number) => number): number {
    const buf = this.#loaded()
    let lo = 0
    let hi = this.#entries - 1
    if (hi < 0 || keyAt(buf, 0) > target) return -1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (keyAt(buf, mid * this.entrySize) <= target) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Keeps only the first `n` entries. */
  protected truncateToEntries(n: number): void {
    if (n >= this.#entries) return
    this.#loaded()
    this.#entries = n
    if (this.#persisted > n) this.#persisted = n
  }

  /** Removes every entry (before a rebuild from the log). */
  reset(): void {
    if (this.#buf === null) this.initEmpty()
    this.#entries = 0
    this.#persisted = 0
    this.#lastEntry = null
  }

  /** Writes entries not yet in the file, cuts the file to the entries, fsyncs. Concurrent calls run one after another. */
  flush(): Promise<void> {
    const run = this.#flushing.then(() => this.#flush())
    this.#flushing = run.catch(() => undefined)
    return run
  }

  async #flush(): Promise<void> {
    if (this.#onDisk && this.#persisted === this.#entries && this.#fileEntries === this.#entries) return
    const buf = this.#loaded()
    const fh = await open(this.#path, constants.O_RDWR | constants.O_CREAT, 0o644)
    try {
      const from = this.#persisted * this.entrySize
      const to = this.#entries * this.entrySize
      if (to > from) await writeFully(fh, buf.subarray(from, to), from)
      if (this.#fileEntries > this.#entries) await fh.truncate(to)
      await fh.sync()
      this.#persisted = this.#fileEntries = to / this.entrySize
      this.#onDisk = true
    } finally {
      await fh.close()
    }
  }

  /** Renames the file (to `.deleted`, `.swap`...); a file never flushed has nothing to rename. */
  async renameTo(path: string): Promise<void> {
    try {
      await rename(this.#path, path)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    this.#path = path
  }

  async deleteFile(): Promise<void> {
    await rm(this.#path, { force: true })
    this.#fileEntries = this.#persisted = 0
    this.#onDisk = false
  }

  #loaded(): Buffer {
    if (this.#buf === null) throw new Error(`index ${this.#path} is not loaded`)
    return this.#buf
  }
}

export interface OffsetPosition {
  offset: number
  position: number
}

/** Kafka's `OffsetIndex`: (relative offset int32, position int32) entries. */
export class OffsetIndex extends AbstractIndex {
  static readonly ENTRY_SIZE = 8

  private constructor(path: string, baseOffset: number, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, OffsetIndex.ENTRY_SIZE)
  }

  static create(path: string, baseOffset: number, maxIndexSize: number): OffsetIndex {
    const index = new OffsetIndex(path, baseOffset, maxIndexSize)
    index.initEmpty()
    return index
  }

  /** Opens an existing file lazily and sanity-checks it; throws CorruptIndexError or ENOENT. */
  static async open(path: string, baseOffset: number, maxIndexSize: number): Promise<OffsetIndex> {
    const index = new OffsetIndex(path, baseOffset, maxIndexSize)
    await index.openExisting()
    index.checkEntries()
    return index
  }

  /** The last indexed offset, or the base offset when empty (Kafka's `lastOffset`). */
  get lastOffset(): number {
    if (this.entries === 0) return this.baseOffset
    const { buf, pos } = this.entryAt(this.entries - 1)
    return this.baseOffset + buf.readInt32BE(pos)
  }

  /**
   * Adds an entry: the batch at `position` ends at `offset`. Offsets must
   * increase (Kafka throws `InvalidOffsetException`).
   */
  append(offset: number, position: number): void {
    if (this.isFull) throw new Error(`offset index ${this.path} is full (${this.maxEntries} entries)`)
    const relative = offset - this.baseOffset
    if (!Number.isInteger(relative) || relative < 0 || relative > 0x7fffffff) {
      throw new RangeError(`offset ${offset} cannot be relative to base offset ${this.baseOffset}`)
    }
    if (this.entries > 0 && offset <= this.lastOffset) {
      throw new RangeError(`offset ${offset} is not larger than the last indexed offset ${this.lastOffset} in ${this.path}`)
    }
    const { buf, pos } = this.appendSlot()
    buf.writeInt32BE(relative, pos)
    buf.writeInt32BE(position, pos + 4)
    this.commitAppend()
  }

  /**
   * The entry with the largest offset <= target, or (baseOffset, 0) when there
   * is none (Kafka's `lookup`). Needs `load()`.
   */
  lookup(targetOffset: number): OffsetPosition {
    const slot = this.largestLowerBoundSlot(targetOffset - this.baseOffset, (b, p) => b.readInt32BE(p))
    if (slot < 0) return { offset: this.baseOffset, position: 0 }
    return this.entry(slot)
  }

  entry(i: number): OffsetPosition {
    const { buf, pos } = this.entryAt(i)
    return { offset: this.baseOffset + buf.readInt32BE(pos), position: buf.readInt32BE(pos + 4) }
  }

  /** Removes entries for offsets >= `offset` (Kafka's `truncateTo`). Needs `load()`. */
  truncateTo(offset: number): void {
    const slot = this.largestLowerBoundSlot(offset - this.baseOffset, (b, p) => b.readInt32BE(p))
    if (slot < 0) return this.truncateToEntries(0)
    const at = this.entry(slot)
    this.truncateToEntries(at.offset === offset ? slot : slot + 1)
  }

  protected checkEntries(): void {
    if (this.entries === 0) return
    if (this.lastOffset < this.baseOffset) {
      throw new CorruptIndexError(`Corrupt index ${this.path}: last offset ${this.lastOffset} is below the base offset ${this.baseOffset}`)
    }
    if (!this.isLoaded) return
    let prevOffset = -1
    let prevPosition = -1
    for (let i = 0; i < this.entries; i++) {
      const { offset, position } = this.entry(i)
      if (offset <= prevOffset || position <= prevPosition) {
        throw new CorruptIndexError(`Corrupt index ${this.path}: entry ${i} (${offset}, ${position}) does not increase`)
      }
      prevOffset = offset
      prevPosition = position
    }
  }
}

/** Reads exactly `buf.length` bytes at `position`; throws on a short file. */
export async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done)
    if (bytesRead === 0) throw new Error(`unexpected end of file at ${position + done}`)
    done += bytesRead
  }
}

/** Reads up to `buf.length` bytes at `position`; returns how many (fewer only at end of file). */
export async function readAtMost(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let done = 0
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}

/** Writes all of `buf` at `position` (a write may be partial). */
export async function writeFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done)
    done += bytesWritten
  }
}

/** Writes all of `buf` at `position` to the file descriptor, blocking; see LogSegment.append for why. */
export function writeFullySync(fd: number, buf: Buffer, position: number): void {
  let done = 0
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, position + done)
}
