/**
 * The leader-epoch cache (Kafka's `LeaderEpochFileCache`, KIP-101/KIP-279):
 * for each leader epoch, the first offset written in it, persisted to the
 * partition's `leader-epoch-checkpoint`:
 *
 * ```
 * 0          version
 * 2          count
 * 0 0        epoch startOffset
 * 3 1200
 * ```
 *
 * A follower asks the leader for the end offset of its latest epoch
 * (OffsetForLeaderEpoch) and truncates to it, which is what makes truncation
 * after a leader change safe (DESIGN.md principle 4).
 *
 * Changes are applied in memory synchronously (so callers can make them
 * between awaits, STYLE.md §5) and every change returns the promise of its
 * checkpoint write; writes are chained so the file always ends up with the
 * newest state.
 */
import { join } from 'node:path'
import { readCheckpointFile, writeCheckpointFile, type CheckpointEntryFormat } from './offset-checkpoint-file.js'

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint'
/** Kafka's `LeaderEpochFileCache.UNDEFINED_EPOCH` / `UNDEFINED_EPOCH_OFFSET`. */
export const UNDEFINED_EPOCH = -1
export const UNDEFINED_EPOCH_OFFSET = -1

export interface EpochEntry {
  readonly epoch: number
  readonly startOffset: number
}

export interface EpochEndOffset {
  epoch: number
  endOffset: number
}

const CHECKPOINT_VERSION = 0
const epochLineFormat: CheckpointEntryFormat<EpochEntry> = {
  toLine: (e) => `${e.epoch} ${e.startOffset}`,
  fromLine(line) {
    const parts = line.split(' ')
    if (parts.length !== 2) return null
    const epoch = Number(parts[0])
    const startOffset = Number(parts[1])
    if (!Number.isInteger(epoch) || epoch < 0 || !Number.isSafeInteger(startOffset) || startOffset < 0) return null
    return { epoch, startOffset }
  },
}

export class LeaderEpochCache {
  readonly path: string
  /** Sorted by epoch and by startOffset (both strictly increasing). */
  #entries: EpochEntry[]
  #writing: Promise<void> = Promise.resolve()

  private constructor(path: string, entries: EpochEntry[]) {
    this.path = path
    this.#entries = entries
  }

  /** Loads `<dir>/leader-epoch-checkpoint` (empty when the file does not exist). */
  static async load(dir: string): Promise<LeaderEpochCache> {
    const path = join(dir, LEADER_EPOCH_CHECKPOINT_FILE)
    const entries = await readCheckpointFile(path, CHECKPOINT_VERSION, epochLineFormat)
    const cache = new LeaderEpochCache(path, [])
    // Re-assign one by one so a file with non-monotonic entries is repaired the way Kafka's assign() would.
    for (const e of entries) cache.#assignInMemory(e.epoch, e.startOffset)
    return cache
  }

  get entries(): readonly EpochEntry[] {
    return this.#entries
  }

  get latestEntry(): EpochEntry | undefined {
    return this.#entries[this.#entries.length - 1]
  }

  get latestEpoch(): number {
    return this.latestEntry?.epoch ?? UNDEFINED_EPOCH
  }

  get earliestEntry(): EpochEntry | undefined {
    return this.#entries[0]
  }

  /**
   * Records that `epoch` starts at `startOffset`. Returns whether the cache
   * changed, and the checkpoint write's promise. As Kafka's `assign`: nothing
   * changes for the latest epoch at a later offset; entries with an epoch >=
   * `epoch` or a start offset >= `startOffset` are removed first, keeping the
   * cache monotonic in both.
   */
  assign(epoch: number, startOffset: number): { changed: boolean; written: Promise<void> } {
    if (!this.#assignInMemory(epoch, startOffset)) return { changed: false, written: Promise.resolve() }
    return { changed: true, written: this.#persist() }
  }

  #assignInMemory(epoch: number, startOffset: number): boolean {
    if (!Number.isInteger(epoch) || epoch < 0 || !Number.isSafeInteger(startOffset) || startOffset < 0) {
      throw new RangeError(`invalid leader epoch entry (${epoch}, ${startOffset})`)
    }
    const latest = this.latestEntry
    if (latest && latest.epoch === epoch && latest.startOffset <= startOffset) return false
    this.#entries = this.#entries.filter((e) => e.epoch < epoch && e.startOffset < startOffset)
    this.#entries.push({ epoch, startOffset })
    return true
  }

  /**
   * OffsetForLeaderEpoch (Kafka's `endOffsetFor`): the largest epoch <= the
   * requested one and the start offset of the epoch after it, or the log end
   * offset when the requested epoch is the latest. UNDEFINED (-1, -1) for an
   * undefined or unknown newer epoch. When the requested epoch is older than
   * every cached one (the log start moved past it), the requested epoch with
   * the first cached start offset.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    const undefinedResult = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET }
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedResult
    const latest = this.latestEntry
    if (latest && latest.epoch === requestedEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset }
    const higherIndex = this.#entries.findIndex((e) => e.epoch > requestedEpoch)
    if (higherIndex < 0) return undefinedResult
    const higher = this.#entries[higherIndex]!
    if (higherIndex === 0) return { epoch: requestedEpoch, endOffset: higher.startOffset }
    return { epoch: this.#entries[higherIndex - 1]!.epoch, endOffset: higher.startOffset }
  }

  /** The epoch that `offset` was written in, or undefined (Kafka's `epochForOffset`). */
  epochForOffset(offset: number): number | undefined {
    let previous: number | undefined
    for (const e of this.#entries) {
      if (e.startOffset === offset) return e.epoch
      if (e.startOffset > offset) return previous
      previous = e.epoch
    }
    return previous
  }

  /** The newest epoch before `epoch`, or undefined (Kafka's `previousEpoch`). */
  previousEpoch(epoch: number): number | undefined {
    let previous: number | undefined
    for (const e of this.#entries) {
      if (e.epoch >= epoch) break
      previous = e.epoch
    }
    return previous
  }

  /**
   * Removes entries starting at or after `endOffset`: the log was truncated to
   * it (Kafka's `truncateFromEnd`).
   */
  truncateFromEnd(endOffset: number): Promise<void> {
    const latest = this.latestEntry
    if (endOffset < 0 || !latest || latest.startOffset < endOffset) return this.#writing
    this.#entries = this.#entries.filter((e) => e.startOffset < endOffset)
    return this.#persist()
  }

  /**
   * The log start moved to `startOffset`: entries wholly before it go, and the
   * newest entry starting at or before it is kept but moved to start there
   * (Kafka's `truncateFromStart`), so its epoch still covers the new start.
   */
  truncateFromStart(startOffset: number): Promise<void> {
    const removed = this.#entries.filter((e) => e.startOffset <= startOffset)
    if (removed.length === 0) return this.#writing
    const last = removed[removed.length - 1]!
    if (removed.length === 1 && last.startOffset === startOffset) return this.#writing
    this.#entries = [{ epoch: last.epoch, startOffset }, ...this.#entries.filter((e) => e.startOffset > startOffset)]
    return this.#persist()
  }

  /** Removes every entry (a replica deleting its log's contents). */
  clear(): Promise<void> {
    this.#entries = []
    return this.#persist()
  }

  /** Resolves once every change made so far is on disk. */
  flush(): Promise<void> {
    return this.#writing
  }

  #persist(): Promise<void> {
    // Each write writes the state current when it runs, so chaining keeps the file at the newest state.
    const next = this.#writing.catch(() => undefined).then(() => writeCheckpointFile(this.path, CHECKPOINT_VERSION, this.#entries, epochLineFormat))
    this.#writing = next
    return next
  }
}
