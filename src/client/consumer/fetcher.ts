/**
 * The consumer's fetcher: for every assigned partition a position (the next
 * offset handed to the application) and a fetch position (the next offset to
 * ask the broker for), and the records fetched in between.
 *
 * One Fetch at a time per leader broker, for that broker's fetchable
 * partitions: assigned, not paused, with a known position and fewer than
 * `max.partition.fetch.bytes` bytes waiting to be handed out. So while the
 * application works through one response the next is already on its way,
 * which is what keeps a single partition's throughput up; a slow application
 * stops the fetching instead of filling memory.
 *
 * Every seek, reset or reassignment bumps the partition's epoch: a response
 * that was in flight at the time is dropped for that partition.
 *
 * Fetch v4 to v12 (topics by name; v12 is answered by every broker from
 * Kafka 2.1 to 4.x), falling back to v0-v3 (magic 0/1 message sets) for
 * older brokers; sessionless (no KIP-227 incremental sessions).
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { FetchApi, type FetchResponse, type FetchResponseAbortedTransaction } from '../../protocol/messages/fetch.js'
import { ListOffsetsApi } from '../../protocol/messages/list-offsets.js'
import type { Cluster } from '../cluster.js'
import { KafkaClientError, KafkaProtocolError } from '../errors.js'
import type { BrokerConnection } from '../network/broker-connection.js'
import { readFetchedRecords, type ConsumerRecord } from './fetched-records.js'

export { ConsumerRecord } from './fetched-records.js'

export interface TopicPartition {
  topic: string
  partition: number
}

export type OffsetResetPolicy = 'earliest' | 'latest' | 'none'
export type IsolationLevel = 'read_uncommitted' | 'read_committed'

export interface FetcherOptions {
  fetchMinBytes: number
  fetchMaxBytes: number
  fetchMaxWaitMs: number
  maxPartitionFetchBytes: number
  isolationLevel: IsolationLevel
  autoOffsetReset: OffsetResetPolicy
  retryBackoffMs: number
  /** Where a partition without a position starts: its committed offset, or null (then auto.offset.reset). */
  committedOffsets: (tps: TopicPartition[]) => Promise<Map<string, number | null>>
  /** Errors the fetcher recovers from, for the application to see. */
  onError: (e: Error) => void
}

interface PartitionState {
  readonly tp: TopicPartition
  /** Next offset handed out; null until the committed offset or the reset policy gives one. */
  position: number | null
  /** Next offset to fetch. */
  fetchPosition: number
  /** Records fetched and not yet handed out, from `next`. */
  buffer: ConsumerRecord[]
  next: number
  bufferedBytes: number
  paused: boolean
  /** Bumped by seek, reset and reassignment: answers to older fetches are dropped. */
  epoch: number
  /** The high watermark in the last Fetch answer (-1 before one): lag is highWatermark - position. */
  highWatermark: number
  /** A position lookup (committed offset or reset) is running. */
  resolving: boolean
  /** Set when auto.offset.reset is 'none' and there is nothing to start from. */
  error: Error | null
}

export const tpKey = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`

/** Fetch versions with topics by name (v13 switched to topic ids). */
const MAX_FETCH_VERSION = 12
/** Errors after which the partition's leader is looked up again. */
const REFRESH_METADATA = new Set<number>([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.KAFKA_STORAGE_ERROR, ErrorCode.OFFSET_NOT_AVAILABLE, ErrorCode.REPLICA_NOT_AVAILABLE])

export class Fetcher {
  readonly #cluster: Cluster
  readonly #opts: FetcherOptions
  readonly #partitions = new Map<string, PartitionState>()
  /** Leader node ids with a Fetch on the wire. */
  readonly #fetching = new Set<number>()
  #waiters: (() => void)[] = []
  #running = false
  #backoffTimer: NodeJS.Timeout | undefined
  /** Where handing out resumes, so every partition gets its turn. */
  #cursor = 0

  constructor(cluster: Cluster, opts: FetcherOptions) {
    this.#cluster = cluster
    this.#opts = opts
  }

  // ---- assignment ----

  /** Replaces the assigned partitions; kept ones keep their position and buffered records. */
  assign(tps: TopicPartition[]): void {
    const keep = new Set(tps.map(tpKey))
    for (const [k, s] of this.#partitions) {
      if (!keep.has(k)) {
        s.epoch++
        this.#partitions.delete(k)
      }
    }
    for (const tp of tps) {
      const k = tpKey(tp)
      if (!this.#partitions.has(k)) this.#partitions.set(k, newState(tp))
    }
    this.#pump()
  }

  assignment(): TopicPartition[] {
    return [...this.#partitions.values()].map((s) => s.tp)
  }

  /** The next offset to be handed out, or null while unknown. */
  position(tp: TopicPartition): number | null {
    return this.#partitions.get(tpKey(tp))?.position ?? null
  }

  seek(tp: TopicPartition, offset: number): void {
    const s = this.#state(tp)
    this.#setPosition(s, offset)
    this.#pump()
  }

  /** Seeks to the earliest or latest offset (Java's seekToBeginning / seekToEnd). */
  seekTo(tps: TopicPartition[], where: 'earliest' | 'latest'): void {
    for (const tp of tps) {
      const s = this.#state(tp)
      s.epoch++
      s.position = null
      this.#clearBuffer(s)
      void this.#reset([s], where)
    }
  }

  pause(tps: TopicPartition[]): void {
    for (const tp of tps) this.#state(tp).paused = true
  }

  resume(tps: TopicPartition[]): void {
    for (const tp of tps) this.#state(tp).paused = false
    this.#pump()
    this.wake()
  }

  paused(): TopicPartition[] {
    return [...this.#partitions.values()].filter((s) => s.paused).map((s) => s.tp)
  }

  #state(tp: TopicPartition): PartitionState {
    const s = this.#partitions.get(tpKey(tp))
    if (!s) throw new KafkaClientError(`${tp.topic}-${tp.partition} is not assigned to this consumer`, false)
    return s
  }

  #setPosition(s: PartitionState, offset: number): void {
    s.epoch++
    s.position = offset
    s.fetchPosition = offset
    s.error = null
    this.#clearBuffer(s)
  }

  #clearBuffer(s: PartitionState): void {
    s.buffer = []
    s.next = 0
    s.bufferedBytes = 0
  }

  // ---- handing records out ----

  /**
   * Up to `max` records, taken partition by partition in turn; waits up to
   * `timeoutMs` for the first one (or until `wake()`). A partition's error
   * (auto.offset.reset=none with nothing to start from) is thrown.
   */
  async take(max: number, timeoutMs: number, isStopped: () => boolean): Promise<ConsumerRecord[]> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const out = this.#takeBuffered(max)
      if (out.length > 0 || isStopped()) return out
      const left = deadline - Date.now()
      if (left <= 0) return out
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left)
        function done() {
          clearTimeout(timer)
          resolve()
        }
        this.#waiters.push(done)
      })
    }
  }

  #takeBuffered(max: number): ConsumerRecord[] {
    const states = [...this.#partitions.values()]
    const out: ConsumerRecord[] = []
    for (let i = 0; i < states.length && out.length < max; i++) {
      const s = states[(this.#cursor + i) % states.length]!
      if (s.error) {
        const e = s.error
        s.error = null
        throw e
      }
      if (s.paused || s.next >= s.buffer.length) continue
      const n = Math.min(max - out.length, s.buffer.length - s.next)
      for (let j = 0; j < n; j++) out.push(s.buffer[s.next + j]!)
      s.next += n
      const last = out[out.length - 1]!
      s.position = last.offsetNumber + 1
      // Approximate: bytes leave the budget in proportion to records handed out.
      if (s.next >= s.buffer.length) this.#clearBuffer(s)
      else s.bufferedBytes = Math.floor((s.bufferedBytes * (s.buffer.length - s.next)) / (s.buffer.length - s.next + n))
      this.#cursor = (this.#cursor + i + 1) % states.length
    }
    if (out.length > 0) this.#pump()
    return out
  }

  /** Ends a `take` that is waiting (close, a rebalance, a new assignment). */
  wake(): void {
    const w = this.#waiters
    this.#waiters = []
    for (const f of w) f()
  }

  // ---- fetching ----

  start(): void {
    this.#running = true
    this.#pump()
  }

  stop(): void {
    this.#running = false
    clearTimeout(this.#backoffTimer)
    this.wake()
  }

  /** Starts a Fetch to every leader that has fetchable partitions and none on the wire. */
  #pump(): void {
    if (!this.#running) return
    const byLeader = new Map<number, PartitionState[]>()
    const unresolved: PartitionState[] = []
    for (const s of this.#partitions.values()) {
      if (s.position === null) {
        if (!s.resolving && !s.error) unresolved.push(s)
        continue
      }
      if (s.paused || s.bufferedBytes >= this.#opts.maxPartitionFetchBytes || s.error) continue
      const leader = this.#cluster.cachedPartitions(s.tp.topic)?.[s.tp.partition]?.leader
      if (leader === undefined || leader < 0) {
        this.#refreshSoon([s.tp.topic])
        continue
      }
      if (this.#fetching.has(leader)) continue
      let list = byLeader.get(leader)
      if (!list) byLeader.set(leader, (list = []))
      list.push(s)
    }
    if (unresolved.length > 0) void this.#resolvePositions(unresolved)
    for (const [leader, states] of byLeader) {
      this.#fetching.add(leader)
      void this.#fetch(leader, states).finally(() => {
        this.#fetching.delete(leader)
        this.#pump()
      })
    }
  }

  #refreshSoon(topics: string[]): void {
    if (this.#backoffTimer) return
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined
      this.#cluster.refresh(topics).then(
        () => this.#pump(),
        (e: Error) => {
          this.#opts.onError(e)
          this.#refreshSoon(topics)
        },
      )
    }, this.#opts.retryBackoffMs)
  }

  async #fetch(leader: number, states: PartitionState[]): Promise<void> {
    const sent = states.map((s) => ({ s, epoch: s.epoch, offset: s.fetchPosition }))
    let res: FetchResponse
    let connection: BrokerConnection
    let version: number
    try {
      connection = await this.#cluster.connection(leader)
      const theirs = connection.brokerVersions(FetchApi.apiKey)
      version = Math.min(MAX_FETCH_VERSION, theirs?.maxVersion ?? 0)
      const topics = new Map<string, { partition: number; currentLeaderEpoch: number; fetchOffset: bigint; lastFetchedEpoch: number; logStartOffset: bigint; partitionMaxBytes: number; replicaDirectoryId: string }[]>()
      for (const { s, offset } of sent) {
        let parts = topics.get(s.tp.topic)
        if (!parts) topics.set(s.tp.topic, (parts = []))
        parts.push({ partition: s.tp.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: this.#opts.maxPartitionFetchBytes, replicaDirectoryId: ZERO_UUID })
      }
      res = await connection.send(
        FetchApi,
        version,
        {
          ...FetchApi.request.create(),
          replicaId: -1,
          maxWaitMs: this.#opts.fetchMaxWaitMs,
          minBytes: this.#opts.fetchMinBytes,
          maxBytes: this.#opts.fetchMaxBytes,
          isolationLevel: this.#opts.isolationLevel === 'read_committed' ? 1 : 0,
          topics: [...topics].map(([topic, partitions]) => ({ topic, topicId: ZERO_UUID, partitions })),
        },
      )
    } catch (e) {
      if (!this.#running) return
      this.#opts.onError(e as Error)
      await this.#cluster.refresh(states.map((s) => s.tp.topic)).catch(() => undefined)
      await sleep(this.#opts.retryBackoffMs)
      return
    }
    if (res.errorCode !== ErrorCode.NONE) {
      this.#opts.onError(new KafkaProtocolError(res.errorCode, 'Fetch'))
      await sleep(this.#opts.retryBackoffMs)
      return
    }
    const refresh: string[] = []
    let delivered = false
    for (const t of res.responses) {
      for (const p of t.partitions) {
        const entry = sent.find((x) => x.s.tp.topic === t.topic && x.s.tp.partition === p.partitionIndex)
        if (!entry || entry.s.epoch !== entry.epoch || this.#partitions.get(tpKey(entry.s.tp)) !== entry.s) continue
        const s = entry.s
        if (p.errorCode === ErrorCode.NONE) {
          s.highWatermark = Number(p.highWatermark)
          if (p.records && p.records.length > 0) {
            try {
              delivered = (await this.#append(s, entry.epoch, p.records, p.abortedTransactions)) || delivered
            } catch (e) {
              // A corrupt batch (bad CRC): Kafka's consumer raises it to the application and stays put.
              s.error = e instanceof Error ? e : new Error(String(e))
              delivered = true
            }
          }
        } else if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          s.epoch++
          s.position = null
          this.#clearBuffer(s)
          if (this.#opts.autoOffsetReset === 'none') {
            s.error = new KafkaProtocolError(p.errorCode, `${s.tp.topic}-${s.tp.partition} offset ${entry.offset} is out of range and auto.offset.reset is none`)
            delivered = true
          } else void this.#reset([s], this.#opts.autoOffsetReset)
        } else if (REFRESH_METADATA.has(p.errorCode)) {
          refresh.push(s.tp.topic)
        } else {
          this.#opts.onError(new KafkaProtocolError(p.errorCode, `fetching ${s.tp.topic}-${s.tp.partition}`))
        }
      }
    }
    if (delivered) this.wake()
    if (refresh.length > 0) this.#refreshSoon(refresh)
  }

  /** Decodes a partition's records past its fetch position into its buffer. */
  async #append(s: PartitionState, epoch: number, records: Buffer, aborted: FetchResponseAbortedTransaction[] | null): Promise<boolean> {
    const before = s.buffer.length
    const next = await readFetchedRecords(s.tp, s.fetchPosition, records, this.#opts.isolationLevel === 'read_committed' ? aborted : null, s.buffer, () => s.epoch !== epoch)
    if (next === null) return false
    s.fetchPosition = next
    for (let i = before; i < s.buffer.length; i++) s.bufferedBytes += (s.buffer[i]!.value?.length ?? 0) + (s.buffer[i]!.key?.length ?? 0) + 40
    return s.buffer.length > before
  }

  // ---- positions ----

  async #resolvePositions(states: PartitionState[]): Promise<void> {
    for (const s of states) s.resolving = true
    const epochs = states.map((s) => s.epoch)
    let committed: Map<string, number | null>
    try {
      committed = await this.#opts.committedOffsets(states.map((s) => s.tp))
    } catch (e) {
      return this.#lookupFailed(states, e as Error)
    }
    const reset: PartitionState[] = []
    states.forEach((s, i) => {
      s.resolving = false
      if (s.epoch !== epochs[i] || s.position !== null) return
      const offset = committed.get(tpKey(s.tp)) ?? null
      if (offset !== null && offset >= 0) this.#setPosition(s, offset)
      else reset.push(s)
    })
    if (reset.length > 0) {
      if (this.#opts.autoOffsetReset === 'none') {
        for (const s of reset) s.error = new KafkaClientError(`no committed offset for ${s.tp.topic}-${s.tp.partition} and auto.offset.reset is none`, false)
        this.wake()
      } else await this.#reset(reset, this.#opts.autoOffsetReset)
    }
    this.#pump()
  }

  /** Sets positions to the earliest or latest offset (ListOffsets to each leader). */
  async #reset(states: PartitionState[], where: 'earliest' | 'latest'): Promise<void> {
    for (const s of states) s.resolving = true
    const epochs = new Map(states.map((s) => [s, s.epoch]))
    try {
      const offsets = await this.listOffsets(states.map((s) => s.tp), where === 'earliest' ? -2n : -1n)
      for (const s of states) {
        s.resolving = false
        const o = offsets.get(tpKey(s.tp))
        if (o !== undefined && s.epoch === epochs.get(s) && s.position === null) this.#setPosition(s, o)
      }
    } catch (e) {
      return this.#lookupFailed(states, e as Error)
    }
    this.#pump()
  }

  /** A committed-offset or ListOffsets lookup failed: report it, and after retry.backoff.ms the partitions are looked up again. */
  async #lookupFailed(states: PartitionState[], e: Error): Promise<void> {
    for (const s of states) s.resolving = false
    if (!this.#running) return
    this.#opts.onError(e)
    await sleep(this.#opts.retryBackoffMs)
    this.#pump()
  }

  /** ListOffsets (timestamp -2 earliest, -1 latest, or a time) for partitions, grouped by leader. */
  async listOffsets(tps: TopicPartition[], timestamp: bigint): Promise<Map<string, number>> {
    const byLeader = new Map<number, TopicPartition[]>()
    for (const tp of tps) {
      const leader = (await this.#cluster.partitions(tp.topic))[tp.partition]?.leader
      if (leader === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${tp.topic}-${tp.partition}`)
      let list = byLeader.get(leader)
      if (!list) byLeader.set(leader, (list = []))
      list.push(tp)
    }
    const out = new Map<string, number>()
    await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        const c = await this.#cluster.connection(leader)
        const topics = new Map<string, number[]>()
        for (const tp of list) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition])
        // v3 has all the consumer needs (isolation level from v2), and every broker from Kafka 0.11 to 4.x
        // answers it; librdkafka's mock cluster (2.0.2) writes a stray int32 after each partition from v4 on.
        const res = await c.send(ListOffsetsApi, Math.min(3, c.versionFor(ListOffsetsApi)), {
          ...ListOffsetsApi.request.create(),
          replicaId: -1,
          isolationLevel: this.#opts.isolationLevel === 'read_committed' ? 1 : 0,
          topics: [...topics].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) })),
        })
        for (const t of res.topics) {
          for (const p of t.partitions) {
            if (p.errorCode !== ErrorCode.NONE) {
              if (REFRESH_METADATA.has(p.errorCode)) void this.#cluster.refresh([t.name]).catch(() => undefined)
              throw new KafkaProtocolError(p.errorCode, `ListOffsets ${t.name}-${p.partitionIndex}`)
            }
            // v0 answers with a list of offsets instead of one.
            const offset = p.oldStyleOffsets.length > 0 ? p.oldStyleOffsets[0]! : p.offset
            out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), Number(offset))
          }
        }
      }),
    )
    return out
  }

  /** The last high watermark seen for a partition (-1 before the first fetch): lag = highWatermark - position. */
  highWatermark(tp: TopicPartition): number {
    return this.#partitions.get(tpKey(tp))?.highWatermark ?? -1
  }
}

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

function newState(tp: TopicPartition): PartitionState {
  return { tp, position: null, fetchPosition: 0, buffer: [], next: 0, bufferedBytes: 0, paused: false, epoch: 0, highWatermark: -1, resolving: false, error: null }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
