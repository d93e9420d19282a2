/**
 * Requests about partitions' logs, each sent to the partition's leader (one
 * request per leader per round): ListOffsets (the offset for an earliest,
 * latest, max-timestamp or timestamp spec) and DeleteRecords (moving the log
 * start offset up). A partition whose leader moved (NOT_LEADER_OR_FOLLOWER,
 * FENCED_LEADER_EPOCH, ...) is asked again at the leader the next round's
 * metadata names.
 */
import { toSafeNumber } from '../../common/to-safe-number.js'
import { topicPartitionKey, type TopicPartition } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { DeleteRecordsApi } from '../../protocol/messages/delete-records.js'
import { ListOffsetsApi } from '../../protocol/messages/list-offsets.js'
import { UnsupportedVersionError } from '../errors.js'
import { ItemResults } from './item-results.js'
import { byTopic } from './topic-partitions.js'
import { brokerWaitMs, type LeaderPartition, type RequestRouter } from './request-router.js'

/**
 * earliest: the log start offset; latest: the offset the next record gets
 * (the high watermark, or the last stable offset for read_committed);
 * max-timestamp: the record with the largest timestamp (KIP-734, ListOffsets
 * v7+); `{ timestamp }`: the first record at or after it.
 */
export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | { timestamp: number }

export interface ListOffsetsOptions {
  isolationLevel?: 'read_uncommitted' | 'read_committed'
  timeoutMs?: number
}

export interface ListedOffset extends TopicPartition {
  /** -1 when no record matches a timestamp spec. */
  offset: bigint
  /** The record's timestamp for timestamp specs; -1 for earliest and latest. */
  timestamp: number
  /** -1 when the broker does not say (ListOffsets before v4). */
  leaderEpoch: number
}

export interface RecordsToDelete extends TopicPartition {
  /** Records before this offset are deleted; -1 means up to the high watermark. */
  offset: bigint | number
}

export interface DeletedRecords extends TopicPartition {
  /** The partition's new log start offset. */
  lowWatermark: bigint
}

const SPEC_TIMESTAMPS = { earliest: -2n, latest: -1n, 'max-timestamp': -3n } as const
/** KIP-734: the first ListOffsets version that understands -3. */
const MAX_TIMESTAMP_MIN_VERSION = 7

function keyed<T extends TopicPartition>(items: T[]): Map<string, T> {
  return new Map(items.map((x) => [topicPartitionKey(x), x]))
}

export function listOffsets(r: RequestRouter, deadline: number, requests: (TopicPartition & { spec: OffsetSpec })[], isolationLevel: ListOffsetsOptions['isolationLevel'] = 'read_uncommitted'): Promise<ListedOffset[]> {
  const wanted = keyed(requests)
  const results = new ItemResults<ListedOffset>('listOffsets', requests.map(topicPartitionKey))
  return r.rounds(deadline, results, (pending) =>
    r.toLeaders(deadline, results, pending.map((k) => wanted.get(k)!), async (c, partitions: LeaderPartition[]) => {
      const v = c.versionFor(ListOffsetsApi)
      if (isolationLevel === 'read_committed' && v < 2) throw new UnsupportedVersionError(`read_committed needs ListOffsets v2; the broker has v${v}`)
      const timestampOf = (tp: TopicPartition): bigint => {
        const spec = wanted.get(topicPartitionKey(tp))!.spec
        if (spec === 'max-timestamp' && v < MAX_TIMESTAMP_MIN_VERSION) throw new UnsupportedVersionError(`max-timestamp needs ListOffsets v${MAX_TIMESTAMP_MIN_VERSION}; the broker has v${v}`)
        return typeof spec === 'string' ? SPEC_TIMESTAMPS[spec] : BigInt(spec.timestamp)
      }
      const res = await r.request(c, deadline, ListOffsetsApi, {
        ...ListOffsetsApi.request.create(),
        replicaId: -1,
        isolationLevel: isolationLevel === 'read_committed' ? 1 : 0,
        topics: [...byTopic(partitions)].map(([name, ps]) => ({
          name,
          // The epoch we think is the leader's: a stale one is FENCED_LEADER_EPOCH and the next round looks again.
          partitions: ps.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: p.leaderEpoch, timestamp: timestampOf(p), maxNumOffsets: 1 })),
        })),
        timeoutMs: brokerWaitMs(deadline),
      })
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const key = topicPartitionKey({ topic: t.name, partition: p.partitionIndex })
          if (p.errorCode !== ErrorCode.NONE) results.error(key, p.errorCode, key)
          else {
            // v0 answers with a list of offsets, newest first.
            const offset = v === 0 ? (p.oldStyleOffsets[0] ?? -1n) : p.offset
            results.succeed(key, { topic: t.name, partition: p.partitionIndex, offset, timestamp: toSafeNumber(p.timestamp, 'timestamp'), leaderEpoch: p.leaderEpoch })
          }
        }
      }
    }),
  )
}

export function deleteRecords(r: RequestRouter, deadline: number, requests: RecordsToDelete[]): Promise<DeletedRecords[]> {
  const wanted = keyed(requests)
  const results = new ItemResults<DeletedRecords>('deleteRecords', requests.map(topicPartitionKey))
  return r.rounds(deadline, results, (pending) =>
    r.toLeaders(deadline, results, pending.map((k) => wanted.get(k)!), async (c, partitions) => {
      const res = await r.request(c, deadline, DeleteRecordsApi, {
        topics: [...byTopic(partitions)].map(([name, ps]) => ({
          name,
          partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: BigInt(wanted.get(topicPartitionKey(p))!.offset) })),
        })),
        timeoutMs: brokerWaitMs(deadline),
      })
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const key = topicPartitionKey({ topic: t.name, partition: p.partitionIndex })
          if (p.errorCode !== ErrorCode.NONE) results.error(key, p.errorCode, key)
          else results.succeed(key, { topic: t.name, partition: p.partitionIndex, lowWatermark: p.lowWatermark })
        }
      }
    }),
  )
}
