/**
 * The cluster's brokers: DescribeCluster (KIP-700; from any broker, or
 * Metadata's brokers and controller where a broker lacks it, as the Java
 * AdminClient falls back) and DescribeLogDirs (each broker describes its own
 * log dirs, so it is asked of every broker).
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { DescribeClusterApi } from '../../protocol/messages/describe-cluster.js'
import { DescribeLogDirsApi } from '../../protocol/messages/describe-log-dirs.js'
import { KafkaProtocolError } from '../errors.js'
import { negotiateVersion } from '../network/broker-connection.js'
import type { RequestRouter } from './request-router.js'

export interface BrokerNode {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface ClusterDescription {
  /** null before Metadata v2, from a broker without DescribeCluster. */
  clusterId: string | null
  /** The broker named as controller, null when it is not among `brokers` (or unknown). */
  controller: BrokerNode | null
  brokers: BrokerNode[]
}

export interface LogDirDescription {
  /** The directory's absolute path on the broker. */
  path: string
  /** Why the broker cannot describe the dir (KAFKA_STORAGE_ERROR, ...), else null. */
  error: KafkaProtocolError | null
  partitions: ReplicaLogInfo[]
  /**
   * The file system's size and free space (DescribeLogDirs v4+), else null.
   * bigint, like the other byte counts here: Kafka reports Long.MAX_VALUE for
   * file systems too large for a Java long.
   */
  totalBytes: bigint | null
  usableBytes: bigint | null
}

export interface ReplicaLogInfo {
  topic: string
  partition: number
  /** Bytes of the partition's log in this dir. */
  size: bigint
  /** How far the replica is behind the high watermark (0 for a leader). */
  offsetLag: bigint
  /** A replica being moved into this dir (ALTER_REPLICA_LOG_DIRS), not yet in use. */
  isFuture: boolean
}

const DESCRIBE_CLUSTER_BROKERS = 1

export async function describeCluster(r: RequestRouter, deadline: number): Promise<ClusterDescription> {
  const described = await r.anyBroker(deadline, async (c) => {
    if (negotiateVersion(DescribeClusterApi, c.brokerVersions(DescribeClusterApi.apiKey)) === null) {
      const md = await r.metadata(c, deadline, [])
      return { clusterId: md.clusterId, controllerId: md.controllerId, brokers: md.brokers }
    }
    const res = await r.request(c, deadline, DescribeClusterApi, { includeClusterAuthorizedOperations: false, endpointType: DESCRIBE_CLUSTER_BROKERS })
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, res.errorMessage)
    return { clusterId: res.clusterId, controllerId: res.controllerId, brokers: res.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })) }
  })
  const brokers = described.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.nodeId - b.nodeId)
  return { clusterId: described.clusterId, controller: brokers.find((b) => b.nodeId === described.controllerId) ?? null, brokers }
}

/** Each broker's log dirs, by node id (every broker unless `brokerIds` names some). */
export async function describeLogDirs(r: RequestRouter, deadline: number, brokerIds?: number[]): Promise<Map<number, LogDirDescription[]>> {
  const ids = brokerIds ?? (await r.brokerIds(deadline))
  const perBroker = await Promise.all(
    ids.map((id) =>
      r.broker(deadline, id, async (c): Promise<LogDirDescription[]> => {
        const res = await r.request(c, deadline, DescribeLogDirsApi, { topics: null })
        if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, `DescribeLogDirs on broker ${id}`)
        return res.results.map((d) => ({
          path: d.logDir,
          error: d.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(d.errorCode, d.logDir),
          partitions: d.topics.flatMap((t) =>
            t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey })),
          ),
          totalBytes: d.totalBytes < 0n ? null : d.totalBytes,
          usableBytes: d.usableBytes < 0n ? null : d.usableBytes,
        }))
      }),
    ),
  )
  return new Map(ids.map((id, i) => [id, perBroker[i]!]))
}
