/**
 * Produce (API key 0), versions 0-11.
 *
 * Checks acks, resolves each topic and partition, and hands the records to
 * the ReplicaManager, which appends them opaquely (v2) or converts legacy
 * message sets (Produce v0-v2 carry magic 0/1) in the LogValidator. With
 * acks=0 the client expects no response: the handler returns null.
 *
 * Deviations: transactional produce arrives with the transaction issue; with
 * acks=0 Kafka closes the connection after an error so the client refreshes
 * its metadata, Brook just drops the error (as clients see with acks=0 anyway).
 */
import type { BrokerContext } from '../broker-context.js'
import { CLOSE_CONNECTION, type RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { defaultProduceResponsePartitionProduceResponse, type ProduceRequest, type ProduceResponse, type ProduceResponsePartitionProduceResponse } from '../../protocol/messages/produce.js'
import { CompressionType } from '../../protocol/records/record.js'
import { isInternalTopic } from '../../common/topic-partition.js'

/** Kafka's AdminUtils.ADMIN_CLIENT_ID: the one client id allowed to write internal topics. */
const ADMIN_CLIENT_ID = '__admin_client'
/** Offset of the attributes' low byte in a v2 batch: the codec is its low 3 bits. */
const V2_ATTRIBUTES_LOW_BYTE = 22
const V2_MAGIC_OFFSET = 16

export async function handleProduce(broker: BrokerContext, ctx: RequestContext, req: ProduceRequest): Promise<ProduceResponse | null | typeof CLOSE_CONNECTION> {
  const v = ctx.apiVersion
  const acks = req.acks
  const entries: { topic: number; partition: number; tp: { topic: string; partition: number }; records: Buffer }[] = []
  const responses: ProduceResponse['responses'] = req.topicData.map((t) => ({ name: t.name, partitionResponses: [] as ProduceResponsePartitionProduceResponse[] }))

  const partitionResponse = (index: number, errorCode: number, errorMessage: string | null = null): ProduceResponsePartitionProduceResponse => ({
    ...defaultProduceResponsePartitionProduceResponse(),
    index,
    errorCode,
    baseOffset: -1n,
    errorMessage,
  })

  req.topicData.forEach((t, ti) => {
    for (const p of t.partitionData) {
      const out = responses[ti]!.partitionResponses
      if (acks !== 0 && acks !== 1 && acks !== -1) {
        out.push(partitionResponse(p.index, ErrorCode.INVALID_REQUIRED_ACKS))
        continue
      }
      const topic = broker.metadata.topic(t.name)
      if (!topic || p.index < 0 || p.index >= topic.partitions) {
        out.push(partitionResponse(p.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
        continue
      }
      // Only the coordinators write their topics (Kafka's "Cannot append to internal topic").
      if (isInternalTopic(t.name) && ctx.clientId !== ADMIN_CLIENT_ID) {
        out.push(partitionResponse(p.index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${t.name}`))
        continue
      }
      const records = p.records
      if (records === null || records.length === 0) {
        out.push(partitionResponse(p.index, ErrorCode.INVALID_RECORD, 'Produce request carries no records'))
        continue
      }
      // KIP-110: zstd only from Produce v7, so older clients can never receive what they cannot read.
      if (v < 7 && records.length > V2_ATTRIBUTES_LOW_BYTE && records[V2_MAGIC_OFFSET] === 2 && (records[V2_ATTRIBUTES_LOW_BYTE]! & 0x07) === CompressionType.Zstd) {
        out.push(partitionResponse(p.index, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE))
        continue
      }
      out.push(partitionResponse(p.index, ErrorCode.NONE))
      entries.push({ topic: ti, partition: out.length - 1, tp: { topic: t.name, partition: p.index }, records })
    }
  })

  const results = await broker.replicaManager.appendRecords(acks, entries.map((e) => ({ tp: e.tp, records: e.records })))
  results.forEach((r, i) => {
    const e = entries[i]!
    const out = responses[e.topic]!.partitionResponses[e.partition]!
    out.errorCode = r.errorCode
    out.errorMessage = r.errorMessage
    if (r.info) {
      out.baseOffset = BigInt(r.info.firstOffset)
      out.logAppendTimeMs = BigInt(r.info.logAppendTimeMs)
      out.logStartOffset = BigInt(r.info.logStartOffset)
    }
  })

  // Kafka closes an acks=0 connection after an error, the only way such a client learns of it.
  if (acks === 0) return results.some((r) => r.errorCode !== ErrorCode.NONE) ? CLOSE_CONNECTION : null
  return { throttleTimeMs: 0, responses, nodeEndpoints: [] }
}
