/**
 * Fetch (API key 1), versions 0-17.
 *
 * Resolves topics by name (v0-12) or id (v13+), reads through the
 * ReplicaManager (a long poll up to maxWaitMs until minBytes arrive), and
 * returns file bytes as they are. Fetch v0-v3 clients cannot read magic 2:
 * their batches are converted to message format v0 (Fetch v0-1) or v1
 * (Fetch v2-3), as Kafka does when log.message.downconversion.enable is on.
 * `replica_id` >= 0 (a follower) reads up to the log end offset instead of
 * the high watermark.
 *
 * Deviation: no incremental fetch sessions (KIP-227). Every response carries
 * session id 0, which tells clients to keep sending full fetch requests;
 * Kafka does the same when its session cache is full.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { defaultFetchResponsePartitionData, type FetchRequest, type FetchResponse, type FetchResponseFetchableTopicResponse } from '../../protocol/messages/fetch.js'
import { decodeRecordBatches } from '../../protocol/records/record-batch.js'
import { recordBatchesToLegacyMessageSet } from '../../protocol/records/message-format-conversion.js'
import { ZERO_UUID } from '../../protocol/uuid.js'
import type { FetchPartitionRequest } from '../replica-manager.js'
import { toSafeNumber } from '../../common/to-safe-number.js'

/**
 * Kafka answers every partition, errors included, with MemoryRecords.EMPTY,
 * never null records: librdkafka rejects a null record set ("invalid
 * MessageSetSize -1") as a protocol parse failure and retries the fetch in a
 * tight loop instead of seeing the partition's error (OFFSET_OUT_OF_RANGE...).
 */
const NO_RECORDS = Buffer.alloc(0)
const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE_OFFSET = BigInt(Number.MIN_SAFE_INTEGER)

export async function handleFetch(broker: BrokerContext, ctx: RequestContext, req: FetchRequest): Promise<FetchResponse> {
  const v = ctx.apiVersion
  const byId = v >= 13
  const replicaId = v >= 15 ? req.replicaState.replicaId : req.replicaId
  const responses: FetchResponseFetchableTopicResponse[] = []
  const wanted: { out: ReturnType<typeof defaultFetchResponsePartitionData>; req: FetchPartitionRequest }[] = []

  for (const t of req.topics) {
    const meta = byId ? broker.metadata.topicById(t.topicId) : broker.metadata.topic(t.topic)
    const topicOut: FetchResponseFetchableTopicResponse = { topic: byId ? '' : t.topic, topicId: byId ? t.topicId : ZERO_UUID, partitions: [] }
    responses.push(topicOut)
    for (const p of t.partitions) {
      const out = { ...defaultFetchResponsePartitionData(), partitionIndex: p.partition, abortedTransactions: v >= 4 ? [] : null, records: NO_RECORDS }
      topicOut.partitions.push(out)
      if (!meta) {
        out.errorCode = byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        continue
      }
      if (p.partition < 0 || p.partition >= meta.partitions) {
        out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        continue
      }
      // No log holds an offset beyond ±2^53, so such a fetch offset is out of range for
      // this partition (as Kafka answers any offset outside the log); letting
      // toSafeNumber throw would fail the whole request as UNKNOWN_SERVER_ERROR.
      if (p.fetchOffset > MAX_SAFE_OFFSET || p.fetchOffset < MIN_SAFE_OFFSET) {
        out.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE
        continue
      }
      wanted.push({
        out,
        req: {
          tp: { topic: meta.name, partition: p.partition },
          fetchOffset: toSafeNumber(p.fetchOffset, 'fetch_offset'),
          partitionMaxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch,
        },
      })
    }
  }

  const results = await broker.replicaManager.fetchMessages({
    replicaId,
    maxWaitMs: req.maxWaitMs,
    minBytes: req.minBytes,
    // Fetch v0-2 has no response limit; Kafka uses Int.MaxValue.
    maxBytes: v >= 3 ? req.maxBytes : 0x7fffffff,
    isolationLevel: v >= 4 ? req.isolationLevel : 0,
    partitions: wanted.map((w) => w.req),
  })

  results.forEach((r, i) => {
    const out = wanted[i]!.out
    out.errorCode = r.errorCode
    out.highWatermark = BigInt(r.highWatermark)
    out.lastStableOffset = BigInt(r.lastStableOffset)
    out.logStartOffset = BigInt(r.logStartOffset)
    out.records = r.records ?? NO_RECORDS
    if (v <= 3 && r.records && r.records.length > 0) {
      if (!broker.settings.messageDownconversionEnable) {
        out.errorCode = ErrorCode.UNSUPPORTED_VERSION
        out.records = NO_RECORDS
      } else {
        out.records = downConvert(r.records, v <= 1 ? 0 : 1, wanted[i]!.req.fetchOffset)
      }
    }
  })

  return { ...emptyFetchResponse(), responses }
}

/** Kafka's down-conversion for old consumers: whole v2 batches to a v0/v1 message set. */
function downConvert(records: Buffer, magic: 0 | 1, fetchOffset: number): Buffer {
  const { batches } = decodeRecordBatches(records)
  return recordBatchesToLegacyMessageSet(batches, magic, { firstOffset: fetchOffset })
}

function emptyFetchResponse(): FetchResponse {
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [], nodeEndpoints: [] }
}
