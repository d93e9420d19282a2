/**
 * Per-partition state of idempotent and transactional producers (KIP-98):
 * Kafka's `ProducerStateManager`, with the checks of `ProducerAppendInfo`
 * and the bookkeeping of `ProducerStateEntry`.
 *
 * For each producer id: its epoch, the metadata of its last 5 batches
 * (`NUM_BATCHES_TO_RETAIN`, which is why producers allow at most 5 requests
 * in flight), the last append time and the first offset of its open
 * transaction (kept for transactions; nothing sets it to a value but a
 * transactional batch yet).
 *
 * Contract with UnifiedLog (all calls for one partition go through the log's
 * serial append queue, STYLE.md §5; none of the state changes interleave
 * with an `await` except in the async file methods, which serialise among
 * themselves):
 * - append as leader: `checkSequence(batch, origin)`; a returned metadata is
 *   a duplicate: answer with its offsets and append nothing; null: append,
 *   then `update(batch, firstOffset, lastOffset, appendTimeMs)`.
 * - append as follower: `update()` only (no checks, as Kafka's REPLICATION origin).
 * - `update()` also moves `mapEndOffset` past the batch; for batches without
 *   a producer id it does only that, so the log may call it for every batch.
 *   Appends the log does not report must be followed by
 *   `updateMapEndOffset(logEndOffset)`.
 * - on segment roll and at clean shutdown: `takeSnapshot(logEndOffset)`.
 * - at start-up: `load(logStartOffset, logEndOffset)`, then replay every
 *   batch in [mapEndOffset, logEndOffset) through `update()` (with
 *   appendTimeMs = the batch's maxTimestamp, the best record of when it was
 *   appended), then `takeSnapshot(logEndOffset)` (Kafka's
 *   `UnifiedLog.rebuildProducerState`). Same after a truncation, with
 *   `truncateAndReload()`.
 * - when the log start offset moves: `deleteSnapshotsBefore(...)`,
 *   `onLogStartOffsetIncremented(...)`; periodically
 *   `removeExpiredProducers(nowMs)` (Kafka: every
 *   `producer.id.expiration.check.interval.ms`, 10 minutes).
 *
 * Deviations from Kafka:
 * - The timestamp kept per producer and batch is `appendTimeMs` (the
 *   broker's clock), not the batch's maxTimestamp; expiration therefore does
 *   not depend on producers' clocks or on old CreateTime timestamps. With
 *   LogAppendTime the two are the same.
 * - load()/truncateAndReload() keep a snapshot AT the log start offset
 *   (Kafka deletes snapshots <= logStartOffset); the state it holds is valid
 *   there.
 * - Transactions are not handled yet: no verification guard, no
 *   coordinator epoch check, no ongoing/unreplicated transaction index.
 */
import type { Time } from '../common/time.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { KafkaError } from '../protocol/kafka-error.js'
import type { RecordBatchView } from '../protocol/records/record-batch-header.js'
import { NO_PRODUCER_EPOCH, NO_SEQUENCE } from '../protocol/records/record.js'
import type { AppendOrigin } from './log-validator.js'
import {
  CorruptSnapshotError,
  deleteProducerSnapshot,
  encodeProducerSnapshot,
  listProducerSnapshots,
  readProducerSnapshot,
  writeProducerSnapshot,
} from './producer-state-snapshot.js'
import type { ProducerSnapshotEntry } from './producer-state-snapshot.js'

/** Batches remembered per producer for duplicate detection (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`). */
export const NUM_BATCHES_TO_RETAIN = 5

export interface BatchMetadata {
  firstSeq: number
  lastSeq: number
  firstOffset: number
  lastOffset: number
  timestamp: number
}

/** What is known about one producer id (Kafka's `ProducerStateEntry`), read-only to callers. */
export interface ProducerStateEntry {
  readonly producerId: number
  readonly producerEpoch: number
  readonly coordinatorEpoch: number
  readonly lastTimestamp: number
  /** First offset of the open transaction; -1 when none. */
  readonly currentTxnFirstOffset: number
  /** Up to NUM_BATCHES_TO_RETAIN batches, oldest first. */
  readonly batches: readonly BatchMetadata[]
}

interface MutableEntry {
  producerId: number
  producerEpoch: number
  coordinatorEpoch: number
  lastTimestamp: number
  currentTxnFirstOffset: number
  batches: BatchMetadata[]
}

export interface ProducerStateManagerOptions {
  time: Time
  /** producer.id.expiration.ms (Kafka default 86400000, one day). */
  producerIdExpirationMs: number
}

const INT32_WRAP = 0x80000000

/** `DefaultRecordBatch.decrementSequence`: sequences wrap from 2^31-1 to 0. */
export function decrementSequence(sequence: number, decrement: number): number {
  return sequence < decrement ? sequence - decrement + INT32_WRAP : sequence - decrement
}

/** `ProducerAppendInfo.inSequence`: next follows last, 0 following 2^31-1. */
function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_WRAP - 1)
}

function lastSeqOf(entry: MutableEntry): number {
  return entry.batches.length === 0 ? NO_SEQUENCE : entry.batches[entry.batches.length - 1]!.lastSeq
}

function outOfOrder(message: string): KafkaError {
  return new KafkaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, { errorMessage: message })
}

export class ProducerStateManager {
  readonly dir: string
  readonly #time: Time
  readonly #producerIdExpirationMs: number
  readonly #producers = new Map<number, MutableEntry>()
  /** Offsets of the snapshot files on disk, ascending. */
  #snapshots: number[] = []
  #mapEndOffset = 0
  #lastSnapOffset = 0
  /** Serialises file operations, so snapshots are written and deleted in call order. */
  #io: Promise<unknown> = Promise.resolve()

  constructor(dir: string, opts: ProducerStateManagerOptions) {
    this.dir = dir
    this.#time = opts.time
    this.#producerIdExpirationMs = opts.producerIdExpirationMs
  }

  /** The offset up to which (exclusive) the state reflects the log (Kafka's `mapEndOffset`). */
  get mapEndOffset(): number {
    return this.#mapEndOffset
  }

  /** Number of producer ids held. */
  get producerIdCount(): number {
    return this.#producers.size
  }

  /** Offset of the newest snapshot on disk, or undefined. */
  get latestSnapshotOffset(): number | undefined {
    return this.#snapshots.length > 0 ? this.#snapshots[this.#snapshots.length - 1] : undefined
  }

  /** Offsets of the snapshot files, ascending. */
  snapshotOffsets(): readonly number[] {
    return [...this.#snapshots]
  }

  /** The producer's state, if it is known (a copy). */
  lastEntry(producerId: number): ProducerStateEntry | undefined {
    const e = this.#producers.get(producerId)
    return e === undefined ? undefined : copyEntry(e)
  }

  /** Every known producer (copies), e.g. for DescribeProducers. */
  activeProducers(): ProducerStateEntry[] {
    return [...this.#producers.values()].map(copyEntry)
  }

  /**
   * Checks a batch about to be appended as leader, before offsets are
   * assigned. Returns null when it may be appended (also for batches without
   * a producer id and for `replication`), or the metadata of the cached batch
   * it duplicates (the caller answers with those offsets and appends
   * nothing). Throws KafkaError:
   * - INVALID_PRODUCER_EPOCH: epoch below the known one
   *   (`ProducerAppendInfo.checkProducerEpoch`; since Kafka 2.7 it is
   *   InvalidProducerEpoch, not ProducerFenced, for produce);
   * - OUT_OF_ORDER_SEQUENCE_NUMBER (`checkSequence`, client origin only): a
   *   bumped epoch not starting at sequence 0, or a sequence that does not
   *   follow the last one. A replay older than the 5 cached batches is also
   *   OUT_OF_ORDER_SEQUENCE_NUMBER: current brokers never answer
   *   DUPLICATE_SEQUENCE_NUMBER.
   * An unknown producer id (or one whose state expired) may start at any
   * sequence (KIP-360; Kafka accepts when it has no epoch for the producer).
   * `coordinator` appends get the epoch check only, as in Kafka.
   */
  checkSequence(batch: RecordBatchView, origin: AppendOrigin = 'client'): BatchMetadata | null {
    const producerId = batch.producerId
    if (producerId < 0 || origin === 'replication') return null
    const entry = this.#producers.get(producerId)
    const epoch = batch.producerEpoch
    const firstSeq = batch.baseSequence

    // UnifiedLog.analyzeAndValidateProducerState: duplicates first, client only.
    if (origin === 'client' && entry !== undefined && entry.producerEpoch === epoch) {
      const lastSeq = batch.lastSequence
      const duplicate = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq)
      if (duplicate !== undefined) return { ...duplicate }
    }

    const currentEpoch = entry?.producerEpoch ?? NO_PRODUCER_EPOCH
    if (epoch < currentEpoch) {
      throw new KafkaError(ErrorCode.INVALID_PRODUCER_EPOCH, {
        errorMessage: `epoch ${epoch} of producer ${producerId} is smaller than the last seen epoch ${currentEpoch}`,
      })
    }
    if (origin !== 'client') return null

    if (epoch !== currentEpoch) {
      // A new epoch restarts sequences at 0; a producer we know nothing about may start anywhere.
      if (firstSeq !== 0 && currentEpoch !== NO_PRODUCER_EPOCH) {
        throw outOfOrder(`producer ${producerId}: new epoch ${epoch} (was ${currentEpoch}) must start at sequence 0, not ${firstSeq}`)
      }
    } else if (currentEpoch !== NO_PRODUCER_EPOCH) {
      const lastSeq = lastSeqOf(entry!)
      if (!inSequence(lastSeq, firstSeq)) {
        throw outOfOrder(`producer ${producerId}: sequence ${firstSeq} does not follow the last sequence ${lastSeq}`)
      }
    }
    return null
  }

  /**
   * Records an appended batch (after checkSequence, or unchecked for a
   * follower or during recovery) and moves mapEndOffset to lastOffset + 1.
   * A new epoch clears the cached batches; the last 5 are kept.
   */
  update(batch: RecordBatchView, firstOffset: number, lastOffset: number, appendTimeMs: number): void {
    if (lastOffset + 1 > this.#mapEndOffset) this.#mapEndOffset = lastOffset + 1
    const producerId = batch.producerId
    if (producerId < 0) return
    let entry = this.#producers.get(producerId)
    if (entry === undefined) {
      entry = emptyEntry(producerId)
      this.#producers.set(producerId, entry)
    }
    const epoch = batch.producerEpoch
    if (entry.producerEpoch !== epoch) {
      // ProducerStateEntry.maybeUpdateProducerEpoch
      entry.producerEpoch = epoch
      entry.batches = []
    }
    entry.lastTimestamp = appendTimeMs
    if (batch.isControl) {
      // An end-transaction marker (ProducerAppendInfo.appendEndTxnMarker):
      // closes the transaction, keeps the cached batches. The coordinator
      // epoch check comes with transactions.
      entry.currentTxnFirstOffset = -1
      return
    }
    entry.batches.push({ firstSeq: batch.baseSequence, lastSeq: batch.lastSequence, firstOffset, lastOffset, timestamp: appendTimeMs })
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift()
    if (batch.isTransactional && entry.currentTxnFirstOffset < 0) entry.currentTxnFirstOffset = firstOffset
  }

  /** Declares the state valid up to `offset` (exclusive) without a batch (Kafka's `updateMapEndOffset`). */
  updateMapEndOffset(offset: number): void {
    this.#mapEndOffset = offset
  }

  /**
   * Drops producers idle for producerIdExpirationMs or more, unless they
   * have an open transaction (`ProducerStateManager.removeExpiredProducers`).
   */
  removeExpiredProducers(nowMs: number): void {
    for (const [producerId, entry] of this.#producers) {
      if (this.#isExpired(nowMs, entry)) this.#producers.delete(producerId)
    }
  }

  /**
   * Writes the current state as `<offset>.snapshot`. `offset` must not be
   * below mapEndOffset: the caller vouches that no producer batch lies
   * between (the log passes its log end offset); mapEndOffset moves to it.
   * Nothing is written when the latest snapshot is already at this offset.
   * The state is serialised before the first await, so later updates do not
   * leak into it.
   */
  takeSnapshot(offset: number): Promise<void> {
    if (offset < this.#mapEndOffset) {
      return Promise.reject(new RangeError(`snapshot offset ${offset} is below the producer state's end offset ${this.#mapEndOffset}`))
    }
    this.#mapEndOffset = offset
    if (offset === this.#lastSnapOffset && this.#snapshots.includes(offset)) return Promise.resolve()
    const bytes = encodeProducerSnapshot([...this.#producers.values()].map(toSnapshotEntry))
    this.#lastSnapOffset = offset
    return this.#serial(async () => {
      await writeProducerSnapshot(this.dir, offset, bytes)
      if (!this.#snapshots.includes(offset)) {
        this.#snapshots.push(offset)
        this.#snapshots.sort((a, b) => a - b)
      }
    })
  }

  /**
   * Start-up: forgets the in-memory state and loads the newest usable
   * snapshot in [logStartOffset, logEndOffset], deleting those outside that
   * range and any that are corrupt (Kafka's `truncateAndReload` +
   * `loadFromSnapshot`). Producers expired by now are left out; producers
   * whose last batch lies below logStartOffset are kept (KIP-360,
   * KAFKA-7190: state outlives the data, until expiration). Afterwards
   * mapEndOffset is the snapshot's offset, or logStartOffset without one;
   * the log replays from there (see the file comment).
   */
  load(logStartOffset: number, logEndOffset: number): Promise<void> {
    return this.#serial(async () => {
      this.#snapshots = await listProducerSnapshots(this.dir)
      await this.#deleteOutOfRange(logStartOffset, logEndOffset)
      await this.#loadFromSnapshot(logStartOffset)
    })
  }

  /**
   * After the log was truncated (or its start moved): deletes snapshots
   * outside [logStartOffset, logEndOffset]; if the state went past
   * logEndOffset, reloads it from the newest remaining snapshot, and the log
   * replays up to logEndOffset (Kafka's `truncateAndReload`).
   */
  truncateAndReload(logStartOffset: number, logEndOffset: number): Promise<void> {
    return this.#serial(async () => {
      await this.#deleteOutOfRange(logStartOffset, logEndOffset)
      if (logEndOffset !== this.#mapEndOffset) {
        await this.#loadFromSnapshot(logStartOffset)
      } else {
        this.#onLogStartOffsetIncremented(logStartOffset)
      }
    })
  }

  /** Forgets everything and deletes every snapshot; the state starts empty at `offset` (Kafka's `truncateFullyAndStartAt`). */
  truncateFullyAndStartAt(offset: number): Promise<void> {
    this.#producers.clear()
    this.#mapEndOffset = offset
    this.#lastSnapOffset = 0
    return this.#serial(async () => {
      for (const snapshot of [...this.#snapshots]) await this.#deleteSnapshot(snapshot)
    })
  }

  /** The log start offset moved: the state now covers at least from there (Kafka's `onLogStartOffsetIncremented`). */
  onLogStartOffsetIncremented(logStartOffset: number): void {
    this.#onLogStartOffsetIncremented(logStartOffset)
  }

  /** Deletes the snapshot files below `offset` (Kafka's `deleteSnapshotsBefore`), e.g. with the segments they belonged to. */
  deleteSnapshotsBefore(offset: number): Promise<void> {
    return this.#serial(async () => {
      for (const snapshot of this.#snapshots.filter((s) => s < offset)) await this.#deleteSnapshot(snapshot)
    })
  }

  /**
   * Deletes the snapshot at exactly `offset`, if there is one (Kafka's
   * `removeAndMarkSnapshotForDeletion`): the log cleaner merged away the
   * segment it was taken at, and without this every roll of a compacted log
   * would leave a snapshot file behind for good.
   */
  deleteSnapshot(offset: number): Promise<void> {
    return this.#serial(async () => {
      if (this.#snapshots.includes(offset)) await this.#deleteSnapshot(offset)
    })
  }

  #onLogStartOffsetIncremented(logStartOffset: number): void {
    if (this.#mapEndOffset < logStartOffset) this.#mapEndOffset = logStartOffset
    this.#lastSnapOffset = this.latestSnapshotOffset ?? logStartOffset
  }

  async #deleteOutOfRange(logStartOffset: number, logEndOffset: number): Promise<void> {
    for (const snapshot of this.#snapshots.filter((s) => s > logEndOffset || s < logStartOffset)) await this.#deleteSnapshot(snapshot)
  }

  async #loadFromSnapshot(logStartOffset: number): Promise<void> {
    this.#producers.clear()
    for (;;) {
      const offset = this.latestSnapshotOffset
      if (offset === undefined) {
        this.#mapEndOffset = logStartOffset
        this.#lastSnapOffset = logStartOffset
        return
      }
      let entries: ProducerSnapshotEntry[]
      try {
        entries = await readProducerSnapshot(this.dir, offset)
      } catch (e) {
        if (!(e instanceof CorruptSnapshotError) && (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
        // Kafka logs a warning and falls back to the previous snapshot.
        await this.#deleteSnapshot(offset)
        continue
      }
      const nowMs = this.#time.nowMs()
      for (const s of entries) {
        const entry = fromSnapshotEntry(s)
        if (!this.#isExpired(nowMs, entry)) this.#producers.set(entry.producerId, entry)
      }
      this.#mapEndOffset = offset
      this.#lastSnapOffset = offset
      return
    }
  }

  async #deleteSnapshot(offset: number): Promise<void> {
    this.#snapshots = this.#snapshots.filter((s) => s !== offset)
    await deleteProducerSnapshot(this.dir, offset)
  }

  /** ProducerStateManager.isProducerExpired */
  #isExpired(nowMs: number, entry: MutableEntry): boolean {
    return entry.currentTxnFirstOffset < 0 && nowMs - entry.lastTimestamp >= this.#producerIdExpirationMs
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#io.then(fn, fn)
    this.#io = run.catch(() => undefined)
    return run
  }
}

function emptyEntry(producerId: number): MutableEntry {
  return { producerId, producerEpoch: NO_PRODUCER_EPOCH, coordinatorEpoch: -1, lastTimestamp: -1, currentTxnFirstOffset: -1, batches: [] }
}

function copyEntry(e: MutableEntry): ProducerStateEntry {
  return { ...e, batches: e.batches.map((b) => ({ ...b })) }
}

/** Kafka's writeSnapshot: the last batch only. */
function toSnapshotEntry(e: MutableEntry): ProducerSnapshotEntry {
  const last = e.batches[e.batches.length - 1]
  return {
    producerId: e.producerId,
    epoch: e.producerEpoch,
    lastSequence: last?.lastSeq ?? NO_SEQUENCE,
    lastOffset: last?.lastOffset ?? -1,
    offsetDelta: last === undefined ? 0 : last.lastOffset - last.firstOffset,
    timestamp: e.lastTimestamp,
    coordinatorEpoch: e.coordinatorEpoch,
    currentTxnFirstOffset: e.currentTxnFirstOffset,
  }
}

/** Kafka's readSnapshot: the one batch is rebuilt from lastSequence, lastOffset and offsetDelta. */
function fromSnapshotEntry(s: ProducerSnapshotEntry): MutableEntry {
  const entry: MutableEntry = {
    producerId: s.producerId,
    producerEpoch: s.epoch,
    coordinatorEpoch: s.coordinatorEpoch,
    lastTimestamp: s.timestamp,
    currentTxnFirstOffset: s.currentTxnFirstOffset >= 0 ? s.currentTxnFirstOffset : -1,
    batches: [],
  }
  if (s.lastOffset >= 0) {
    entry.batches.push({
      firstSeq: s.lastSequence < 0 ? NO_SEQUENCE : decrementSequence(s.lastSequence, s.offsetDelta),
      lastSeq: s.lastSequence,
      firstOffset: s.lastOffset - s.offsetDelta,
      lastOffset: s.lastOffset,
      timestamp: s.timestamp,
    })
  }
  return entry
}
