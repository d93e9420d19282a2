/**
 * What a Fetch response's `records` field holds for one partition, as the
 * application gets it: the records from the fetch position on, with
 * absolute offsets and timestamps; control batches (transaction markers)
 * never shown; with read_committed, the batches of aborted transactions
 * left out; magic 0/1 message sets (Fetch v0-v3 from old brokers) read too.
 */
import type { FetchResponseAbortedTransaction } from '../../protocol/messages/fetch.js'
import { decodeControlRecordKey } from '../../protocol/records/control-record.js'
import { decodeLegacyMessageSet } from '../../protocol/records/legacy-message-set.js'
import { decodeRecordBatch, decodeRecordBatchInto } from '../../protocol/records/record-batch.js'
import { BatchField, MAGIC_V2, scanRecordBatches, type RecordBatchView } from '../../protocol/records/record-batch-header.js'
import { BatchAttributes, ControlRecordType, TimestampType, type RecordHeader } from '../../protocol/records/record.js'

/**
 * One record as the consumer hands it out. A class, not a plain object, for
 * speed: the offset is kept as a number and made a bigint (as the producer's
 * and admin's offsets are) only when read, which saves an allocation per
 * record on the consumer's hot path.
 */
export class ConsumerRecord {
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** The offset as a number (exact below 2^53). */
    readonly offsetNumber: number,
    /** CreateTime, or the broker's LogAppendTime (see timestampType); -1 for magic 0 messages. */
    readonly timestamp: number,
    readonly timestampType: 'CreateTime' | 'LogAppendTime',
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    readonly headers: RecordHeader[],
    /** The partition leader epoch of the record's batch (-1 when unknown). */
    readonly leaderEpoch: number,
  ) {}

  get offset(): bigint {
    return BigInt(this.offsetNumber)
  }
}

/**
 * Appends the records of `records` at or past offset `from` to `out`;
 * resolves with the next offset to fetch (past the last whole batch, so a
 * batch emptied by compaction or made only of markers still moves it on),
 * or null when `stale()` turned true while a batch was being decompressed
 * (a seek or a reassignment meanwhile: the caller drops the answer).
 * `aborted` is the response's aborted-transaction list for read_committed,
 * null for read_uncommitted. A corrupt batch (bad CRC) throws DecodeError.
 */
export async function readFetchedRecords(
  tp: { topic: string; partition: number },
  from: number,
  records: Buffer,
  aborted: FetchResponseAbortedTransaction[] | null,
  out: ConsumerRecord[],
  stale: () => boolean = () => false,
): Promise<number | null> {
  let next = from
  const magic = records.length > BatchField.MAGIC ? records.readInt8(BatchField.MAGIC) : MAGIC_V2
  if (magic < MAGIC_V2) {
    for (const m of decodeLegacyMessageSet(records).messages) {
      if (m.offset < from) continue
      out.push(new ConsumerRecord(tp.topic, tp.partition, m.offset, m.timestamp, m.magic === 1 && m.attributes & 0x08 ? 'LogAppendTime' : 'CreateTime', m.key, m.value, [], -1))
      next = m.offset + 1
    }
    return next
  }
  const transactions = aborted && aborted.length > 0 ? new AbortedTransactions(aborted) : null
  for (const view of scanRecordBatches(records, 0, records.length, true).batches) {
    if (view.nextOffset <= next) continue
    const decoding = appendBatch(tp, next, view, transactions, out)
    if (decoding) await decoding
    if (stale()) return null
    next = view.nextOffset
  }
  return next
}

function appendBatch(tp: { topic: string; partition: number }, from: number, view: RecordBatchView, aborted: AbortedTransactions | null, out: ConsumerRecord[]): void | Promise<void> {
  const attributes = view.attributes
  if (attributes & BatchAttributes.CONTROL) {
    // An end-of-transaction marker: the aborted transaction it closes is over.
    if (aborted) {
      const control = decodeRecordBatch(view.bytes).records[0]
      if (control && decodeControlRecordKey(control.key).type === ControlRecordType.Abort) aborted.end(view.producerId)
    }
    return
  }
  if (aborted && attributes & BatchAttributes.TRANSACTIONAL && aborted.isAborted(view.producerId, view.baseOffset)) return
  const logAppendTime = view.timestampType === TimestampType.LogAppendTime
  const base = view.baseOffset
  const baseTimestamp = view.baseTimestamp
  const maxTimestamp = view.maxTimestamp
  const leaderEpoch = view.partitionLeaderEpoch
  const { topic, partition } = tp
  const timestampType = logAppendTime ? ('LogAppendTime' as const) : ('CreateTime' as const)
  const build = (timestampDelta: number, offsetDelta: number, key: Buffer | null, value: Buffer | null, headers: RecordHeader[]): ConsumerRecord =>
    new ConsumerRecord(topic, partition, base + offsetDelta, logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta, timestampType, key, value, headers, leaderEpoch)
  if (base >= from) return decodeRecordBatchInto(view, build, out)
  // A batch that begins before the fetch position (a compressed batch read partly) is decoded aside and trimmed.
  const aside: ConsumerRecord[] = []
  const trim = () => {
    for (const r of aside) if (r.offsetNumber >= from) out.push(r)
  }
  const decoding = decodeRecordBatchInto(view, build, aside)
  if (decoding) return decoding.then(trim)
  trim()
}

/**
 * read_committed: the aborted transactions a Fetch response lists. A
 * transactional batch is dropped when its producer has an aborted
 * transaction that began at or before it and whose abort marker has not
 * been passed yet (Kafka's Fetcher does the same with a queue by first offset).
 */
class AbortedTransactions {
  readonly #pending: FetchResponseAbortedTransaction[]
  readonly #open = new Set<number>()

  constructor(list: FetchResponseAbortedTransaction[]) {
    this.#pending = [...list].sort((a, b) => Number(a.firstOffset - b.firstOffset))
  }

  isAborted(producerId: number, offset: number): boolean {
    while (this.#pending.length > 0 && Number(this.#pending[0]!.firstOffset) <= offset) this.#open.add(Number(this.#pending.shift()!.producerId))
    return this.#open.has(producerId)
  }

  end(producerId: number): void {
    this.#open.delete(producerId)
  }
}

