/**
 * Where each admin request goes, and trying again when it did not get
 * through. Kafka's admin requests have four kinds of destination:
 *
 * - any broker (CreateTopics, DescribeConfigs for topics, Metadata): the
 *   broker forwards to the controller where it must;
 * - one named broker (DescribeConfigs for a broker, DescribeLogDirs);
 * - each partition's leader (ListOffsets, DeleteRecords), found from a
 *   Metadata request made for the purpose each round, so a moved leader is
 *   found on the next round;
 * - a group's coordinator (DescribeGroups, OffsetCommit, ...), found with
 *   FindCoordinator by Cluster and forgotten when the broker says it moved.
 *
 * Retries: a call runs until it succeeds, fails in a way another try cannot
 * fix, or its deadline (default.api.timeout.ms, `timeoutMs`) passes; between
 * tries it waits retry.backoff.ms, doubling up to retry.backoff.max.ms (the
 * Java client's exponential back-off, KIP-580). Broken connections refresh
 * Cluster's broker addresses before the next try.
 *
 * Admin Metadata requests never create topics (allowAutoTopicCreation false,
 * as the Java AdminClient sends), which is why leaders are looked up here and
 * not through Cluster.partitions, which auto-creates as a producer does.
 * Before Metadata v4 a request cannot ask that, and a broker that
 * auto-creates will do so for any topic named.
 */
import { topicPartitionKey, type TopicPartition } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { ApiSpec } from '../../protocol/message-spec.js'
import { MetadataApi, defaultMetadataRequestTopic, type MetadataResponse } from '../../protocol/messages/metadata.js'
import type { Cluster } from '../cluster.js'
import { ConnectionError, KafkaClientError, KafkaProtocolError, RequestTimeoutError } from '../errors.js'
import type { BrokerConnection } from '../network/broker-connection.js'
import type { ItemResults } from './item-results.js'

export interface RetryOptions {
  /** default.api.timeout.ms: a whole call, retries included. */
  timeoutMs: number
  /** request.timeout.ms: one attempt's longest wait for an answer. */
  requestTimeoutMs: number
  /** retry.backoff.ms */
  retryBackoffMs: number
  /** retry.backoff.max.ms */
  retryBackoffMaxMs: number
}

/** A partition with its leader, as a round's Metadata request found it. */
export interface LeaderPartition extends TopicPartition {
  leaderEpoch: number
}

/** An attempt started just before the deadline still gets this long (a request cannot be given no time at all). */
const MIN_ATTEMPT_MS = 100

const COORDINATOR_ERRORS = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS])

/** Throws for the codes that mean "ask the group's coordinator again" (retriable; the router finds it anew). */
export function throwIfCoordinatorError(errorCode: number, detail?: string | null): void {
  if (COORDINATOR_ERRORS.has(errorCode)) throw new KafkaProtocolError(errorCode, detail)
}

/** The broker's own wait in a request that has one (CreateTopics timeoutMs, ...): what is left of the call, as an int32. */
export function brokerWaitMs(deadline: number): number {
  return Math.max(0, Math.min(deadline - Date.now(), 0x7fffffff))
}

export class RequestRouter {
  constructor(
    readonly cluster: Cluster,
    readonly options: RetryOptions,
  ) {}

  /** The deadline of a call starting now. */
  deadline(timeoutMs = this.options.timeoutMs): number {
    return Date.now() + timeoutMs
  }

  /**
   * Calls `fn` until it returns, throws something not retriable, or the next
   * try would start past `deadline` (then its last error is thrown).
   * `recover` runs before each new try.
   */
  async retry<T>(deadline: number, fn: () => Promise<T>, recover?: (e: KafkaClientError) => void | Promise<void>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn()
      } catch (e) {
        if (!(e instanceof KafkaClientError) || !e.retriable) throw e
        const backoffMs = Math.min(this.options.retryBackoffMs * 2 ** attempt, this.options.retryBackoffMaxMs)
        if (Date.now() + backoffMs >= deadline) throw e
        // A broker that went away may be back at another address. Not awaited: a refresh that cannot reach
        // anyone would itself take a connection timeout, and Cluster queues later lookups behind it anyway.
        if (e instanceof ConnectionError || e instanceof RequestTimeoutError) this.cluster.refresh().catch(() => undefined)
        await recover?.(e)
        await new Promise((r) => setTimeout(r, backoffMs))
      }
    }
  }

  /** Runs rounds over the pending items of `results` (see ItemResults) until none is left to retry; their values, or AdminError. */
  async rounds<V>(deadline: number, results: ItemResults<V>, round: (pending: string[]) => Promise<void>): Promise<V[]> {
    try {
      await this.retry(deadline, async () => {
        await round(results.beginRound())
        results.endRound()
      })
    } catch (e) {
      results.giveUp(e)
    }
    return results.values()
  }

  /** `fn` on any broker (Cluster tries each it knows, then the bootstrap servers). */
  anyBroker<T>(deadline: number, fn: (c: BrokerConnection) => Promise<T>): Promise<T> {
    return this.retry(deadline, () => this.cluster.anyBroker(fn))
  }

  /** `fn` on the broker with this node id. */
  broker<T>(deadline: number, nodeId: number, fn: (c: BrokerConnection) => Promise<T>): Promise<T> {
    return this.retry(deadline, async () => fn(await this.connection(nodeId)))
  }

  /** The connection to a broker, learning the cluster's brokers first if this one is not known yet. */
  async connection(nodeId: number): Promise<BrokerConnection> {
    if (!this.cluster.brokerIds().includes(nodeId)) await this.cluster.refresh()
    return this.cluster.connection(nodeId)
  }

  /** The node ids of every broker, from fresh metadata. */
  async brokerIds(deadline: number): Promise<number[]> {
    await this.retry(deadline, () => this.cluster.refresh())
    return this.cluster.brokerIds().sort((a, b) => a - b)
  }

  /**
   * `fn` on the coordinator of a group. `fn` throws (with
   * throwIfCoordinatorError) when the answer says the coordinator moved or
   * is loading; the coordinator is then looked up again (except while
   * loading, where it is the right one) and `fn` tried again.
   */
  coordinator<T>(deadline: number, groupId: string, fn: (c: BrokerConnection) => Promise<T>): Promise<T> {
    return this.retry(
      deadline,
      async () => fn(await this.cluster.coordinator(groupId)),
      (e) => {
        if (!(e instanceof KafkaProtocolError && e.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)) this.cluster.forgetCoordinator(groupId)
      },
    )
  }

  /**
   * Sends a request on `c`, waiting for the answer no longer than
   * request.timeout.ms nor past the call's deadline (as the Java AdminClient
   * bounds each attempt), so a broker that never answers cannot hold a call
   * beyond its timeout.
   */
  request<Req, Res>(c: BrokerConnection, deadline: number, api: ApiSpec<Req, Res>, body: Req): Promise<Res> {
    return c.request(api, body, Math.max(MIN_ATTEMPT_MS, Math.min(this.options.requestTimeoutMs, deadline - Date.now())))
  }

  /** A Metadata request on `c` that never creates topics; `null` asks for every topic. */
  metadata(c: BrokerConnection, deadline: number, topics: string[] | null): Promise<MetadataResponse> {
    const v = c.versionFor(MetadataApi)
    // v0 has no null (all topics) and reads an empty list as "all".
    const list = topics === null && v === 0 ? [] : topics
    return this.request(c, deadline, MetadataApi, {
      ...MetadataApi.request.create(),
      topics: list === null ? null : list.map((name) => ({ ...defaultMetadataRequestTopic(), name })),
      // Before v4 the field does not exist and the broker's auto.create.topics.enable decides.
      allowAutoTopicCreation: v < 4,
    })
  }

  /**
   * One round of per-partition requests: looks up the leaders of `pending`
   * and calls `send` once per leader with its partitions. Partitions of
   * unknown topics, missing partitions and leaderless ones are settled in
   * `results` (the last for another round); a leader that cannot be reached
   * sends its partitions round again.
   */
  async toLeaders<V>(deadline: number, results: ItemResults<V>, pending: TopicPartition[], send: (c: BrokerConnection, partitions: LeaderPartition[]) => Promise<void>): Promise<void> {
    const md = await this.cluster.anyBroker((c) => this.metadata(c, deadline, [...new Set(pending.map((tp) => tp.topic))]))
    const topics = new Map(md.topics.map((t) => [t.name, t]))
    const byLeader = new Map<number, LeaderPartition[]>()
    for (const tp of pending) {
      const key = topicPartitionKey(tp)
      const t = topics.get(tp.topic)
      const p = t?.partitions.find((x) => x.partitionIndex === tp.partition)
      if (t && t.errorCode !== ErrorCode.NONE) results.error(key, t.errorCode, `topic ${tp.topic}`)
      else if (!p) results.error(key, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${key} does not exist`)
      else if (p.leaderId < 0) results.error(key, ErrorCode.LEADER_NOT_AVAILABLE, `${key} has no leader`)
      else byLeader.set(p.leaderId, [...(byLeader.get(p.leaderId) ?? []), { ...tp, leaderEpoch: p.leaderEpoch }])
    }
    await Promise.all(
      [...byLeader].map(async ([leader, partitions]) => {
        try {
          await send(await this.connection(leader), partitions)
        } catch (e) {
          if (!(e instanceof KafkaClientError) || !e.retriable) throw e
          for (const tp of partitions) results.retryLater(topicPartitionKey(tp), e)
        }
      }),
    )
  }
}
