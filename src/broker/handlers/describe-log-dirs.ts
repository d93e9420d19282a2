/**
 * DescribeLogDirs (API key 35), versions 0-4.
 *
 * One result per configured log dir (absolute path), as Kafka's
 * ReplicaManager.describeLogDirs: the requested partitions whose logs live
 * there (all of them when `topics` is null) with their size in bytes,
 * offsetLag 0 (a leader is never behind itself; Kafka's max(HW - LEO, 0))
 * and isFutureKey false (no ALTER_REPLICA_LOG_DIRS moves yet). As in Kafka,
 * a topic with logs in a dir is listed even when none of its requested
 * partitions is there. v4 adds the file system's total and usable bytes
 * (fs.statfs, like Java's FileStore); a dir that cannot be read is
 * KAFKA_STORAGE_ERROR.
 */
import { statfs } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import { topicPartitionKey } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { defaultDescribeLogDirsResponseResult, type DescribeLogDirsRequest, type DescribeLogDirsResponse, type DescribeLogDirsResponseResult, type DescribeLogDirsResponseTopic } from '../../protocol/messages/describe-log-dirs.js'

/** Kafka's adjustForLargeFileSystems: Java reports > 2^63 bytes as negative, then Long.MaxValue. */
const LONG_MAX = (1n << 63n) - 1n

export async function handleDescribeLogDirs(broker: BrokerContext, ctx: RequestContext, req: DescribeLogDirsRequest): Promise<DescribeLogDirsResponse> {
  const wanted = req.topics === null ? null : new Set(req.topics.flatMap((t) => t.partitions.map((p) => topicPartitionKey({ topic: t.topic, partition: p }))))
  const logs = broker.logManager.allLogs()
  const results = await Promise.all(
    broker.settings.logDirs.map(async (dir): Promise<DescribeLogDirsResponseResult> => {
      const logDir = resolve(dir)
      const result = { ...defaultDescribeLogDirsResponseResult(), logDir }
      try {
        // Also for v0-v3, whose answers lack the sizes: a dir that cannot be stat'ed is offline.
        const fs = await statfs(logDir, { bigint: true })
        result.totalBytes = clamp(fs.blocks * fs.bsize)
        result.usableBytes = clamp(fs.bavail * fs.bsize)
      } catch (e) {
        broker.logger.warn(`DescribeLogDirs cannot stat ${logDir}`, { error: e })
        return { ...result, errorCode: ErrorCode.KAFKA_STORAGE_ERROR }
      }
      const byTopic = new Map<string, DescribeLogDirsResponseTopic>()
      for (const { tp, dir: d, log } of logs) {
        if (resolve(d) !== logDir) continue
        let topic = byTopic.get(tp.topic)
        if (!topic) byTopic.set(tp.topic, (topic = { name: tp.topic, partitions: [] }))
        if (wanted && !wanted.has(topicPartitionKey(tp))) continue
        topic.partitions.push({ partitionIndex: tp.partition, partitionSize: BigInt(log.size), offsetLag: 0n, isFutureKey: false })
      }
      return { ...result, topics: [...byTopic.values()] }
    }),
  )
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results }
}

function clamp(bytes: bigint): bigint {
  return bytes > LONG_MAX || bytes < 0n ? LONG_MAX : bytes
}
