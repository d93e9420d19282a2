/**
 * What the log cleaner does to one batch (Kafka's `MemoryRecords.filterTo`
 * with the cleaner's `RecordFilter`): decide per record whether it stays,
 * then write the batch back as Kafka would.
 *
 * - Every record stays and no delete horizon is due: the original bytes,
 *   untouched (no re-encoding, same CRC).
 * - Some records stay: the batch is rebuilt with only them, keeping its base
 *   offset, last offset delta (so the last sequence of an idempotent
 *   producer is preserved), partition leader epoch, producer id and epoch,
 *   base sequence, timestamp type, transactional bit and compression codec
 *   (`buildRetainedRecordsInto` with `overrideLastOffset`). The surviving
 *   records keep their offset deltas, so offsets keep increasing with gaps.
 * - No record stays (or the batch was already empty): the batch is dropped,
 *   unless it holds the last offset of a producer the log still tracks; then
 *   an empty batch with the same
 *   header fields is kept (`BatchRetention.RETAIN_EMPTY`,
 *   `DefaultRecordBatch.writeEmptyHeader`), so the producer's sequence and
 *   epoch survive a restart that rebuilds producer state from the log.
 * - Control batches (transaction markers) stay as they are; Brook has no
 *   transactions yet, so none can be discarded.
 *
 * Tombstones (null values) follow KIP-534: the first time a batch holding
 * one is cleaned, the batch gets the DELETE_HORIZON attribute and its
 * baseTimestamp becomes the delete horizon, now + delete.retention.ms
 * (timestamp deltas are rewritten relative to it, so every record keeps its
 * timestamp). A later cleaning at or after the horizon drops the tombstone.
 */
import { decodeRecordBatchAsync, encodeRecordBatch, encodeRecordBatchAsync } from '../protocol/records/record-batch.js'
import type { RecordBatchView } from '../protocol/records/record-batch-header.js'
import { BatchAttributes, NO_TIMESTAMP } from '../protocol/records/record.js'
import type { KafkaRecord, RecordBatch } from '../protocol/records/record.js'

/**
 * delete.retention.ms beyond this (about 8,900 years; Long.MAX_VALUE in
 * practice) means tombstones are kept for good: no horizon is written,
 * since timestamp deltas of that size would not fit a safe integer.
 */
const MAX_DELETE_RETENTION_MS = 2 ** 48

/** The cleaner's decisions (Kafka's `RecordFilter` as LogCleaner implements it). */
export interface RecordFilter {
  /** The cleaning's clock: tombstones whose horizon is at or before it go. */
  readonly currentTimeMs: number
  /** delete.retention.ms: how far ahead a new delete horizon is set. */
  readonly deleteRetentionMs: number
  /** Whether `record`, at `offset`, survives (the batch tells whether it has a delete horizon). */
  shouldRetainRecord(batch: RecordBatchView, record: KafkaRecord, offset: number): boolean
  /** Whether an emptied batch is kept as an empty batch (the last batch of an active producer). */
  retainEmptyBatch(batch: RecordBatchView): boolean
}

export interface FilteredBatch {
  /** What to write: the original batch, a rebuilt one, an empty one; null when dropped. */
  bytes: Buffer | null
  recordsRead: number
  recordsRetained: number
  /** The delete horizon of the written batch when it still holds a tombstone, else NO_TIMESTAMP. */
  tombstoneHorizonMs: number
}

/** The delete horizon a tombstone's batch carries, if any (KIP-534). */
export function deleteHorizonMs(batch: RecordBatchView): number {
  return batch.hasDeleteHorizon ? batch.baseTimestamp : NO_TIMESTAMP
}

/** Filters one batch; see the file comment. */
export async function filterBatch(batch: RecordBatchView, filter: RecordFilter): Promise<FilteredBatch> {
  if (batch.isControl) return { bytes: batch.bytes, recordsRead: 0, recordsRetained: 0, tombstoneHorizonMs: NO_TIMESTAMP }
  const decoded = await decodeRecordBatchAsync(batch.bytes)
  const retained: KafkaRecord[] = []
  let containsTombstones = false
  for (const record of decoded.records) {
    if (!filter.shouldRetainRecord(batch, record, decoded.baseOffset + record.offsetDelta)) continue
    retained.push(record)
    if (record.value === null) containsTombstones = true
  }
  const recordsRead = decoded.records.length
  const result = (bytes: Buffer | null, horizon: number): FilteredBatch => ({
    bytes, recordsRead, recordsRetained: retained.length, tombstoneHorizonMs: containsTombstones ? horizon : NO_TIMESTAMP,
  })
  if (retained.length === 0) {
    // An already empty batch is written again only while it still ends its producer's history.
    const keep = filter.retainEmptyBatch(batch)
    return result(keep ? (recordsRead === 0 ? batch.bytes : emptyBatch(decoded)) : null, NO_TIMESTAMP)
  }
  const existingHorizon = deleteHorizonMs(batch)
  const setHorizon = containsTombstones && existingHorizon === NO_TIMESTAMP && filter.deleteRetentionMs < MAX_DELETE_RETENTION_MS
  if (retained.length === recordsRead && !setHorizon) return result(batch.bytes, existingHorizon)
  const horizon = setHorizon ? filter.currentTimeMs + filter.deleteRetentionMs : existingHorizon
  return result(await rebuild(decoded, retained, horizon), horizon)
}

/** The batch with only `retained`, header fields kept (Kafka's `buildRetainedRecordsInto`). */
function rebuild(batch: RecordBatch, retained: KafkaRecord[], horizonMs: number): Promise<Buffer> {
  const logAppendTime = (batch.attributes & BatchAttributes.TIMESTAMP_TYPE) !== 0
  // A record's stored timestamp; under LogAppendTime readers use the batch's maxTimestamp instead.
  const stored = (r: KafkaRecord) => batch.baseTimestamp + r.timestampDelta
  const baseTimestamp = horizonMs !== NO_TIMESTAMP ? horizonMs : stored(retained[0]!)
  let maxTimestamp = NO_TIMESTAMP
  for (const r of retained) maxTimestamp = Math.max(maxTimestamp, stored(r))
  if (logAppendTime) maxTimestamp = batch.maxTimestamp
  const kept = BatchAttributes.COMPRESSION_MASK | BatchAttributes.TIMESTAMP_TYPE | BatchAttributes.TRANSACTIONAL
  return encodeRecordBatchAsync({
    ...batch,
    attributes: (batch.attributes & kept) | (horizonMs !== NO_TIMESTAMP ? BatchAttributes.DELETE_HORIZON : 0),
    baseTimestamp,
    maxTimestamp,
    records: retained.map((r) => ({ ...r, timestampDelta: stored(r) - baseTimestamp })),
  })
}

/** An empty batch with the original's header (Kafka's `writeEmptyHeader`: no codec, both timestamps the max). */
function emptyBatch(batch: RecordBatch): Buffer {
  return encodeRecordBatch({
    ...batch,
    attributes: batch.attributes & (BatchAttributes.TIMESTAMP_TYPE | BatchAttributes.TRANSACTIONAL),
    baseTimestamp: batch.maxTimestamp,
    records: [],
  })
}
