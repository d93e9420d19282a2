/**
 * ListOffsets (API key 2), versions 0-10.
 *
 * Special timestamps: -2 earliest, -1 latest, -3 max timestamp (KIP-734),
 * -4 earliest local (KIP-405; equals earliest without tiered storage), -5
 * latest tiered (KIP-1005; -1 offset without tiered storage); any other value
 * finds the first offset whose timestamp is at least it. Consumers see up to
 * the high watermark (read_committed: the last stable offset). Version 0
 * answers with Kafka's old list of offsets (`maxNumOffsets`, newest first).
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import {
  defaultListOffsetsResponsePartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsResponsePartitionResponse,
} from '../../protocol/messages/list-offsets.js'

const LATEST = -1n
const EARLIEST = -2n
const LATEST_TIERED = -5n
/** KIP-1023 (ListOffsets v9+): the earliest offset not yet in tiered storage; with no tiered storage, none. */
const EARLIEST_PENDING_UPLOAD = -6n

export async function handleListOffsets(broker: BrokerContext, ctx: RequestContext, req: ListOffsetsRequest): Promise<ListOffsetsResponse> {
  const v = ctx.apiVersion
  const topics = await Promise.all(
    req.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitions.map(async (p): Promise<ListOffsetsResponsePartitionResponse> => {
          const out = { ...defaultListOffsetsResponsePartitionResponse(), partitionIndex: p.partitionIndex }
          const tp = { topic: t.name, partition: p.partitionIndex }
          const partition = broker.replicaManager.getPartition(tp)
          if (!partition) return { ...out, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }
          const epochError = partition.checkLeaderEpoch(p.currentLeaderEpoch)
          if (epochError !== ErrorCode.NONE) return { ...out, errorCode: epochError }
          try {
            const log = partition.log
            // Consumers may not see past the high watermark; a follower (replicaId >= 0) may.
            const visibleEnd = req.replicaId >= 0 ? log.logEndOffset : log.highWatermark
            if (v === 0) {
              const offsets = p.timestamp === LATEST ? [visibleEnd, log.logStartOffset] : p.timestamp === EARLIEST ? [log.logStartOffset] : [visibleEnd]
              const unique = [...new Set(offsets)].slice(0, Math.max(0, p.maxNumOffsets))
              return { ...out, oldStyleOffsets: unique.map(BigInt) }
            }
            if (p.timestamp === LATEST) return { ...out, timestamp: -1n, offset: BigInt(visibleEnd), leaderEpoch: v >= 4 ? partition.leaderEpoch : -1 }
            if (p.timestamp === LATEST_TIERED || p.timestamp === EARLIEST_PENDING_UPLOAD) return { ...out, timestamp: -1n, offset: -1n }
            const found = await log.fetchOffsetByTimestamp(Number(p.timestamp))
            if (!found || found.offset >= visibleEnd && p.timestamp !== EARLIEST) return { ...out, timestamp: -1n, offset: -1n }
            return { ...out, timestamp: BigInt(found.timestamp), offset: BigInt(found.offset), leaderEpoch: v >= 4 ? found.leaderEpoch : -1 }
          } catch (e) {
            return { ...out, errorCode: broker.replicaManager.errorCodeFor(e, tp, 'list offsets').errorCode }
          }
        }),
      ),
    })),
  )
  return { throttleTimeMs: 0, topics }
}
