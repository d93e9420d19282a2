/**
 * What a client knows about the cluster: the brokers, each topic's partitions
 * and their leaders, from Metadata requests; and one connection per broker,
 * opened on first use and opened again (with back-off) after it breaks.
 *
 * Metadata is fetched from any broker that answers (bootstrap servers first),
 * refreshed when a caller reports a stale leader or an unknown topic
 * (`refresh`), and at least every metadata.max.age.ms.
 */
import { ErrorCode } from '../protocol/error-codes.js'
import { FindCoordinatorApi } from '../protocol/messages/find-coordinator.js'
import { MetadataApi, defaultMetadataRequestTopic, type MetadataResponse } from '../protocol/messages/metadata.js'
import { ConnectionError, KafkaClientError, KafkaProtocolError } from './errors.js'
import { BrokerConnection, type BrokerConnectionOptions } from './network/broker-connection.js'

export interface ClusterOptions {
  /** bootstrap.servers: `host:port` strings. */
  bootstrapServers: string[]
  clientId?: string
  requestTimeoutMs?: number
  /** metadata.max.age.ms (default 300000). */
  metadataMaxAgeMs?: number
  /** reconnect.backoff.ms / reconnect.backoff.max.ms (defaults 50 / 1000). */
  reconnectBackoffMs?: number
  reconnectBackoffMaxMs?: number
  tls?: BrokerConnectionOptions['tls']
  authenticate?: BrokerConnectionOptions['authenticate']
}

export interface PartitionInfo {
  partition: number
  leader: number
  leaderEpoch: number
}

interface BrokerSlot {
  host: string
  port: number
  connection?: Promise<BrokerConnection>
  failures: number
  nextAttemptAt: number
}

export function parseHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':')
  const port = Number(s.slice(i + 1))
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new KafkaClientError(`bad bootstrap server "${s}": expected host:port`, false)
  return { host: s.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port }
}

export class Cluster {
  readonly #opts: Required<Omit<ClusterOptions, 'tls' | 'authenticate'>> & Pick<ClusterOptions, 'tls' | 'authenticate'>
  readonly #brokers = new Map<number, BrokerSlot>()
  readonly #bootstrapSlots: BrokerSlot[]
  #topics = new Map<string, PartitionInfo[]>()
  /** The error each topic the last metadata refused came with. */
  #topicErrors = new Map<string, number>()
  #fetchedAtMs = 0
  #refreshing: Promise<void> = Promise.resolve()
  #closed = false
  /** Coordinator node per `<keyType>:<key>`, from FindCoordinator. */
  readonly #coordinatorIds = new Map<string, Promise<number>>()
  /** Connections to coordinators, apart from the ones that produce and fetch (see coordinator()). */
  readonly #coordinatorSlots = new Map<number, BrokerSlot>()

  constructor(opts: ClusterOptions) {
    if (opts.bootstrapServers.every((s) => s.trim() === '')) throw new KafkaClientError('bootstrap.servers is empty', false)
    this.#opts = {
      clientId: 'brook-client',
      requestTimeoutMs: 30_000,
      metadataMaxAgeMs: 300_000,
      reconnectBackoffMs: 50,
      reconnectBackoffMaxMs: 1000,
      ...opts,
    }
    // Entries may themselves be comma-separated lists, as bootstrap.servers is written in a properties file.
    this.#bootstrapSlots = opts.bootstrapServers
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => ({ ...parseHostPort(s), failures: 0, nextAttemptAt: 0 }))
  }

  get clientId(): string {
    return this.#opts.clientId
  }

  /** The partitions of a topic if known and fresh, without waiting (the producer's fast path). */
  cachedPartitions(topic: string): PartitionInfo[] | undefined {
    return Date.now() - this.#fetchedAtMs > this.#opts.metadataMaxAgeMs ? undefined : this.#topics.get(topic)
  }

  /** The partitions of a topic (fetching metadata if unknown or stale); creates it where the broker auto-creates. */
  async partitions(topic: string): Promise<PartitionInfo[]> {
    if (!this.#topics.has(topic) || Date.now() - this.#fetchedAtMs > this.#opts.metadataMaxAgeMs) await this.refresh([topic])
    const p = this.#topics.get(topic)
    if (p) return p
    // The broker's own word for it when it gave one (INVALID_TOPIC_EXCEPTION is final; UNKNOWN_TOPIC_OR_PARTITION is retriable).
    const code = this.#topicErrors.get(topic) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    throw new KafkaProtocolError(code, `topic ${topic}: ${code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? 'not known to the cluster' : 'refused by the broker'}`)
  }

  /** Fetches metadata for these topics and those already known; one request at a time. */
  refresh(topics: string[] = []): Promise<void> {
    const run = this.#refreshing.then(() => this.#fetchMetadata([...new Set([...this.#topics.keys(), ...topics])]))
    this.#refreshing = run.catch(() => undefined)
    return run
  }

  async #fetchMetadata(topics: string[]): Promise<void> {
    const md: MetadataResponse = await this.#anyBroker((c) =>
      c.request(MetadataApi, { ...MetadataApi.request.create(), topics: topics.map((name) => ({ ...defaultMetadataRequestTopic(), name })), allowAutoTopicCreation: true }),
    )
    this.#apply(md)
  }

  #apply(md: MetadataResponse): void {
    for (const b of md.brokers) {
      const slot = this.#brokers.get(b.nodeId)
      if (!slot || slot.host !== b.host || slot.port !== b.port) this.#brokers.set(b.nodeId, { host: b.host, port: b.port, failures: 0, nextAttemptAt: 0 })
    }
    const next = new Map(this.#topics)
    for (const t of md.topics) {
      if (t.name === null) continue
      if (t.errorCode === ErrorCode.NONE) {
        next.set(
          t.name,
          t.partitions.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch })).sort((a, b) => a.partition - b.partition),
        )
      } else if (t.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE) {
        next.delete(t.name)
      }
      if (t.errorCode === ErrorCode.NONE) this.#topicErrors.delete(t.name)
      else this.#topicErrors.set(t.name, t.errorCode)
    }
    this.#topics = next
    this.#fetchedAtMs = Date.now()
  }

  /** Every topic's name, from a Metadata request for all topics (pattern subscriptions); their partitions are kept too. */
  async allTopics(): Promise<string[]> {
    const md: MetadataResponse = await this.#anyBroker((c) => c.request(MetadataApi, { ...MetadataApi.request.create(), topics: null, allowAutoTopicCreation: false }))
    this.#apply(md)
    return md.topics.filter((t) => t.errorCode === ErrorCode.NONE && t.name !== null).map((t) => t.name!)
  }

  /** Runs `fn` on the first broker that can be reached: known brokers, then the bootstrap servers. */
  anyBroker<T>(fn: (c: BrokerConnection) => Promise<T>): Promise<T> {
    return this.#anyBroker(fn)
  }

  async #anyBroker<T>(fn: (c: BrokerConnection) => Promise<T>): Promise<T> {
    let last: unknown
    for (const slot of [...this.#brokers.values(), ...this.#bootstrapSlots]) {
      try {
        return await fn(await this.#connect(slot))
      } catch (e) {
        last = e
        if (!(e instanceof KafkaClientError) || !e.retriable) throw e
      }
    }
    throw last instanceof Error ? last : new ConnectionError('no broker could be reached')
  }

  /** Node ids of the brokers in the last metadata. */
  brokerIds(): number[] {
    return [...this.#brokers.keys()]
  }

  /**
   * The connection to the coordinator of a group (keyType 0) or a
   * transactional id (1), found with FindCoordinator and remembered until
   * `forgetCoordinator`. It is a connection of its own, as in the Java
   * client: a broker answers one connection's requests in order, so a
   * JoinGroup it holds for a whole rebalance would otherwise stall every
   * fetch to that broker. Throws a retriable KafkaProtocolError
   * (COORDINATOR_NOT_AVAILABLE, ...) while there is none.
   */
  async coordinator(key: string, keyType: 0 | 1 = 0): Promise<BrokerConnection> {
    const id = `${keyType}:${key}`
    let nodeId = this.#coordinatorIds.get(id)
    if (!nodeId) {
      nodeId = this.#findCoordinator(key, keyType)
      this.#coordinatorIds.set(id, nodeId)
      nodeId.catch(() => {
        if (this.#coordinatorIds.get(id) === nodeId) this.#coordinatorIds.delete(id)
      })
    }
    const slot = this.#coordinatorSlots.get(await nodeId)
    if (!slot) throw new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `coordinator ${await nodeId} has no address`)
    return this.#connect(slot)
  }

  /** The coordinator moved or went away (NOT_COORDINATOR, a broken connection): look it up again next time. */
  forgetCoordinator(key: string, keyType: 0 | 1 = 0): void {
    this.#coordinatorIds.delete(`${keyType}:${key}`)
  }

  async #findCoordinator(key: string, keyType: 0 | 1): Promise<number> {
    const found = await this.#anyBroker(async (c) => {
      const batched = c.versionFor(FindCoordinatorApi) >= 4
      const res = await c.request(FindCoordinatorApi, { ...FindCoordinatorApi.request.create(), key: batched ? '' : key, keyType, coordinatorKeys: batched ? [key] : [] })
      return batched ? res.coordinators[0] ?? { ...res, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE } : res
    })
    if (found.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(found.errorCode, found.errorMessage)
    const slot = this.#coordinatorSlots.get(found.nodeId)
    if (!slot || slot.host !== found.host || slot.port !== found.port) this.#coordinatorSlots.set(found.nodeId, { host: found.host, port: found.port, failures: 0, nextAttemptAt: 0 })
    return found.nodeId
  }

  /** The connection to a broker by node id. */
  connection(nodeId: number): Promise<BrokerConnection> {
    const slot = this.#brokers.get(nodeId)
    if (!slot) return Promise.reject(new KafkaProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `broker ${nodeId} is not in the metadata`))
    return this.#connect(slot)
  }

  #connect(slot: BrokerSlot): Promise<BrokerConnection> {
    if (this.#closed) return Promise.reject(new ConnectionError('the client is closed'))
    if (slot.connection) return slot.connection
    const wait = Math.max(0, slot.nextAttemptAt - Date.now())
    const attempt = (async () => {
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      const c = await BrokerConnection.connect({ host: slot.host, port: slot.port, clientId: this.#opts.clientId, requestTimeoutMs: this.#opts.requestTimeoutMs, tls: this.#opts.tls, authenticate: this.#opts.authenticate })
      slot.failures = 0
      c.onClose(() => {
        if (slot.connection === attempt) slot.connection = undefined
      })
      return c
    })()
    slot.connection = attempt
    attempt.catch(() => {
      // Exponential back-off between attempts (reconnect.backoff.ms doubling up to reconnect.backoff.max.ms).
      slot.failures++
      slot.nextAttemptAt = Date.now() + Math.min(this.#opts.reconnectBackoffMs * 2 ** (slot.failures - 1), this.#opts.reconnectBackoffMaxMs)
      if (slot.connection === attempt) slot.connection = undefined
    })
    return attempt
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const slot of [...this.#brokers.values(), ...this.#bootstrapSlots, ...this.#coordinatorSlots.values()]) {
      const c = slot.connection
      slot.connection = undefined
      if (c) await c.then((x) => x.close(), () => undefined)
    }
  }
}
