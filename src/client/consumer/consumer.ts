/**
 * The consumer: records of subscribed topics (as a member of a consumer
 * group) or of chosen partitions (manual assignment), read with
 * `for await (const record of consumer)` or in batches with `poll()`.
 *
 * Offsets: the consumer commits "marked" offsets, the next offset to read per
 * partition, as sarama's MarkOffset does. With `autoMark` (the default) a
 * record counts as processed once the application asks for the next one
 * (the iterator's next step, or the next poll()), which is the Java client's
 * rule for what auto-commit may commit; with `autoMark: false` only
 * `markOffset()` marks. With `autoCommit` (the default) marks are committed
 * every auto.commit.interval.ms, before partitions are revoked in a
 * rebalance, and on close; `commit()` commits them at once, `commit(offsets)`
 * commits exactly what it is given.
 *
 * Rebalances are reported to the `rebalanceListener` (assigned, revoked,
 * lost, awaited: a revoked callback can commit its own offsets before the
 * partitions move). Errors the consumer recovers from by itself (a moved
 * coordinator, a broken connection) go to `onError`; errors it cannot
 * recover from make `poll()` and the iterator throw.
 */
import { KafkaClientError } from '../errors.js'
import { Cluster, type ClusterOptions } from '../cluster.js'
import { ASSIGNORS, type Assignor } from './assignors/assignor.js'
import { ConsumerCoordinator, type OffsetToCommit } from './consumer-coordinator.js'
import { Fetcher, tpKey, ConsumerRecord, type IsolationLevel, type OffsetResetPolicy, type TopicPartition } from './fetcher.js'

export { ConsumerRecord } from './fetcher.js'
export type { TopicPartition, IsolationLevel, OffsetResetPolicy } from './fetcher.js'

export interface RebalanceListener {
  /** Partitions this member now owns (all of them after an eager rebalance, the added ones after a cooperative one). */
  assigned?(partitions: TopicPartition[]): void | Promise<void>
  /** Partitions taken away in a rebalance; marked offsets are committed just before (with autoCommit). */
  revoked?(partitions: TopicPartition[]): void | Promise<void>
  /** Partitions lost without a rebalance (the member was dropped from the group): they may have a new owner, nothing is committed. */
  lost?(partitions: TopicPartition[]): void | Promise<void>
}

export interface ConsumerOptions extends ClusterOptions {
  /** group.id: needed for subscribe() and for commits. */
  groupId?: string
  /** group.instance.id: static membership. */
  groupInstanceId?: string
  /** session.timeout.ms (default 45000). */
  sessionTimeoutMs?: number
  /** heartbeat.interval.ms (default 3000). */
  heartbeatIntervalMs?: number
  /**
   * max.poll.interval.ms (default 300000): sent as the rebalance timeout, and
   * a member whose application does not ask for records that long leaves the
   * group (its partitions count as lost) and joins again at the next poll.
   */
  rebalanceTimeoutMs?: number
  /** partition.assignment.strategy, by name: 'range', 'roundrobin', 'sticky', 'cooperative-sticky', or Assignor objects (default ['range', 'cooperative-sticky'], the Java client's). */
  assignors?: (string | Assignor)[]
  /** enable.auto.commit (default true). */
  autoCommit?: boolean
  /** auto.commit.interval.ms (default 5000). */
  autoCommitIntervalMs?: number
  /** Mark each record processed when the next one is asked for (default true). */
  autoMark?: boolean
  /** auto.offset.reset (default 'latest'). */
  autoOffsetReset?: OffsetResetPolicy
  /** isolation.level (default 'read_uncommitted'). */
  isolationLevel?: IsolationLevel
  /** fetch.min.bytes (default 1). */
  fetchMinBytes?: number
  /** fetch.max.bytes (default 52428800). */
  fetchMaxBytes?: number
  /** fetch.max.wait.ms (default 500). */
  fetchMaxWaitMs?: number
  /** max.partition.fetch.bytes (default 1048576). */
  maxPartitionFetchBytes?: number
  /** max.poll.records: the most poll() returns (default 500). */
  maxPollRecords?: number
  /** retry.backoff.ms (default 100). */
  retryBackoffMs?: number
  /** client.rack */
  rack?: string
  rebalanceListener?: RebalanceListener
  /** Errors the consumer recovers from by itself. */
  onError?: (e: Error) => void
}

type Subscription = { kind: 'none' } | { kind: 'topics'; topics: string[] } | { kind: 'pattern'; pattern: RegExp; topics: string[] } | { kind: 'manual' }

export class Consumer implements AsyncIterable<ConsumerRecord> {
  readonly cluster: Cluster
  readonly #fetcher: Fetcher
  readonly #coordinator: ConsumerCoordinator | null
  readonly #groupId: string | null
  readonly #autoCommit: boolean
  readonly #autoMark: boolean
  readonly #autoCommitIntervalMs: number
  readonly #maxPollRecords: number
  readonly #metadataMaxAgeMs: number
  readonly #listener: RebalanceListener
  readonly #onError: (e: Error) => void
  #subscription: Subscription = { kind: 'none' }
  /** Next offset to commit per partition, and whether it changed since the last commit. */
  readonly #marks = new Map<string, { o: OffsetToCommit; dirty: boolean }>()
  /** Records handed out and not yet marked (autoMark marks them on the next step). */
  #handedOut: ConsumerRecord[] = []
  #fatal: Error | null = null
  #closed = false
  #closing: Promise<void> | undefined
  /** When the application last asked for records (poll(), the iterator): max.poll.interval.ms runs from here. */
  #lastPollMs = Date.now()
  #autoCommitTimer: NodeJS.Timeout | undefined
  #metadataTimer: NodeJS.Timeout | undefined

  constructor(opts: ConsumerOptions) {
    this.cluster = new Cluster({ clientId: 'brook-consumer', ...opts })
    this.#groupId = opts.groupId ?? null
    this.#autoCommit = (opts.autoCommit ?? true) && this.#groupId !== null
    this.#autoMark = opts.autoMark ?? true
    this.#autoCommitIntervalMs = opts.autoCommitIntervalMs ?? 5000
    this.#maxPollRecords = opts.maxPollRecords ?? 500
    this.#metadataMaxAgeMs = opts.metadataMaxAgeMs ?? 300_000
    this.#listener = opts.rebalanceListener ?? {}
    this.#onError = opts.onError ?? (() => undefined)
    const retryBackoffMs = opts.retryBackoffMs ?? 100
    const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000
    const assignors = (opts.assignors ?? ['range', 'cooperative-sticky']).map((a) => {
      if (typeof a !== 'string') return a
      const make = ASSIGNORS[a]
      if (!make) throw new KafkaClientError(`unknown assignor "${a}" (known: ${Object.keys(ASSIGNORS).join(', ')})`, false)
      return make()
    })
    if (assignors.length === 0) throw new KafkaClientError('assignors is empty', false)
    this.#fetcher = new Fetcher(this.cluster, {
      fetchMinBytes: opts.fetchMinBytes ?? 1,
      fetchMaxBytes: opts.fetchMaxBytes ?? 52_428_800,
      fetchMaxWaitMs: opts.fetchMaxWaitMs ?? 500,
      maxPartitionFetchBytes: opts.maxPartitionFetchBytes ?? 1_048_576,
      isolationLevel: opts.isolationLevel ?? 'read_uncommitted',
      autoOffsetReset: opts.autoOffsetReset ?? 'latest',
      retryBackoffMs,
      committedOffsets: (tps) => this.#committedPositions(tps),
      onError: (e) => this.#onError(e),
    })
    this.#coordinator =
      this.#groupId === null
        ? null
        : new ConsumerCoordinator(
            this.cluster,
            {
              groupId: this.#groupId,
              groupInstanceId: opts.groupInstanceId ?? null,
              sessionTimeoutMs: opts.sessionTimeoutMs ?? 45_000,
              rebalanceTimeoutMs: opts.rebalanceTimeoutMs ?? 300_000,
              heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 3000,
              retryBackoffMs,
              requestTimeoutMs,
              assignors,
              rack: opts.rack ?? null,
            },
            {
              topics: () => (this.#subscription.kind === 'topics' || this.#subscription.kind === 'pattern' ? this.#subscription.topics : []),
              revoked: (tps) => this.#onRevoked(tps),
              assigned: (tps) => this.#onAssigned(tps),
              lost: (tps) => this.#onLost(tps),
              error: (e) => this.#onError(e),
              fatal: (e) => {
                this.#fatal = e
                this.#fetcher.wake()
              },
              sinceLastPoll: () => Date.now() - this.#lastPollMs,
            },
          )
  }

  // ---- what to read ----

  /** Joins the group for these topics, or every topic matching a pattern (checked every metadata.max.age.ms). */
  async subscribe(topics: string[] | RegExp): Promise<void> {
    if (!this.#coordinator) throw new KafkaClientError('subscribe() needs a groupId; use assign() without one', false)
    if (this.#subscription.kind === 'manual') throw new KafkaClientError('this consumer uses assign(); it cannot also subscribe', false)
    this.#checkOpen()
    if (topics instanceof RegExp) {
      this.#subscription = { kind: 'pattern', pattern: topics, topics: [] }
      await this.#matchPattern()
    } else {
      if (topics.length === 0) throw new KafkaClientError('subscribe() needs at least one topic', false)
      this.#subscription = { kind: 'topics', topics: [...new Set(topics)] }
      await this.cluster.refresh(this.#subscription.topics).catch((e: Error) => this.#onError(e))
    }
    // Before start(): a rejoin asked for while the first JoinGroup is on its way would join twice.
    this.#coordinator.requestRejoin()
    this.#start()
  }

  /** Reads these partitions without a group (commits, if a groupId is set, are made as a group without members). */
  assign(partitions: TopicPartition[]): void {
    if (this.#subscription.kind === 'topics' || this.#subscription.kind === 'pattern') throw new KafkaClientError('this consumer subscribes to topics; it cannot also assign()', false)
    this.#checkOpen()
    this.#subscription = { kind: 'manual' }
    this.#fetcher.assign(partitions)
    this.#start()
  }

  /** The partitions this consumer reads now. */
  assignment(): TopicPartition[] {
    return this.#fetcher.assignment()
  }

  #start(): void {
    this.#fetcher.start()
    // Manual assignment uses the group only for commits (generation -1): it never joins.
    if (this.#subscription.kind !== 'manual') this.#coordinator?.start()
    if (this.#autoCommit && !this.#autoCommitTimer) {
      this.#autoCommitTimer = setInterval(() => {
        if (this.#coordinator?.stable || this.#subscription.kind === 'manual') this.#commitMarks().catch((e: Error) => this.#onError(e))
      }, this.#autoCommitIntervalMs)
      this.#autoCommitTimer.unref()
    }
    // Partition counts and (for a pattern) matching topics change: look every metadata.max.age.ms.
    this.#metadataTimer ??= setInterval(() => void this.#checkMetadata(), this.#metadataMaxAgeMs)
    this.#metadataTimer.unref()
  }

  async #checkMetadata(): Promise<void> {
    try {
      if (this.#subscription.kind === 'pattern') await this.#matchPattern()
      else if (this.#subscription.kind === 'topics') await this.cluster.refresh(this.#subscription.topics)
      await this.#coordinator?.checkSubscription()
    } catch (e) {
      this.#onError(e as Error)
    }
  }

  async #matchPattern(): Promise<void> {
    if (this.#subscription.kind !== 'pattern') return
    const names = await this.cluster.allTopics()
    const pattern = this.#subscription.pattern
    this.#subscription.topics = names.filter((t) => !t.startsWith('__') && pattern.test(t)).sort()
  }

  // ---- reading ----

  /**
   * Up to max.poll.records records (waiting up to `timeoutMs` for the
   * first). With autoMark, the records the previous poll() returned count as
   * processed now.
   */
  async poll(timeoutMs = 1000): Promise<ConsumerRecord[]> {
    if (this.#autoMark) this.#markHandedOut()
    const records = await this.#take(this.#maxPollRecords, timeoutMs)
    this.#handedOut = records
    return records
  }

  async #take(max: number, timeoutMs: number): Promise<ConsumerRecord[]> {
    this.#checkOpen()
    if (this.#subscription.kind === 'none') throw new KafkaClientError('poll() before subscribe() or assign()', false)
    this.#lastPollMs = Date.now()
    this.#coordinator?.resumeAfterPollTimeout()
    const records = await this.#fetcher.take(max, timeoutMs, () => this.#closed || this.#fatal !== null)
    if (this.#fatal) throw this.#fatal
    return records
  }

  /**
   * Records one by one until close(); with autoMark, each counts as processed
   * when the next is asked for or the loop ends. Leaving the loop early
   * (break, an exception) puts the records fetched and not yet seen back: the
   * next read starts there.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<ConsumerRecord> {
    if (this.#autoMark) this.#markHandedOut()
    while (!this.#closed) {
      const batch = await this.#take(this.#maxPollRecords, 1000)
      let i = 0
      try {
        for (; i < batch.length; i++) {
          yield batch[i]!
          if (this.#autoMark) this.markOffset(batch[i]!)
        }
      } finally {
        // Left early: the record the loop stopped at was seen (and, with autoMark, counts as processed); the rest go back.
        if (i < batch.length) {
          if (this.#autoMark) this.markOffset(batch[i]!)
          if (!this.#closed) this.#rewind(batch.slice(i + 1))
        }
      }
    }
  }

  /** Seeks each partition back to the first of these records (handed out, never seen). */
  #rewind(unseen: ConsumerRecord[]): void {
    const first = new Map<string, ConsumerRecord>()
    for (const r of unseen) if (!first.has(tpKey(r))) first.set(tpKey(r), r)
    for (const r of first.values()) if (this.#fetcher.position(r) !== null) this.#fetcher.seek(r, Number(r.offset))
  }

  #markHandedOut(): void {
    const records = this.#handedOut
    this.#handedOut = []
    // A partition's records come in offset order, in one run: marking the last of each run is enough.
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!
      const next = records[i + 1]
      if (next === undefined || next.partition !== r.partition || next.topic !== r.topic) this.markOffset(r)
    }
  }

  // ---- positions ----

  /** The next offset to read from a partition (null until known). */
  position(tp: TopicPartition): number | null {
    return this.#fetcher.position(tp)
  }

  seek(tp: TopicPartition, offset: number | bigint): void {
    this.#fetcher.seek(tp, Number(offset))
  }

  seekToBeginning(tps: TopicPartition[] = this.assignment()): void {
    this.#fetcher.seekTo(tps, 'earliest')
  }

  seekToEnd(tps: TopicPartition[] = this.assignment()): void {
    this.#fetcher.seekTo(tps, 'latest')
  }

  pause(tps: TopicPartition[]): void {
    this.#fetcher.pause(tps)
  }

  resume(tps: TopicPartition[]): void {
    this.#fetcher.resume(tps)
  }

  paused(): TopicPartition[] {
    return this.#fetcher.paused()
  }

  /** The last high watermark seen for a partition, for lag (-1 before the first fetch). */
  highWatermark(tp: TopicPartition): number {
    return this.#fetcher.highWatermark(tp)
  }

  // ---- offsets ----

  /** Marks a record processed: its offset + 1 is what the next commit stores (sarama's MarkOffset). Never moves a mark back. */
  markOffset(record: Pick<ConsumerRecord, 'topic' | 'partition' | 'offset'> & { leaderEpoch?: number }, metadata = ''): void {
    const tp = { topic: record.topic, partition: record.partition }
    const k = tpKey(tp)
    const offset = (record instanceof ConsumerRecord ? record.offsetNumber : Number(record.offset)) + 1
    const m = this.#marks.get(k)
    if (m && m.o.offset >= offset) return
    this.#marks.set(k, { o: { tp, offset, leaderEpoch: record.leaderEpoch ?? -1, metadata }, dirty: true })
  }

  /**
   * Commits marked offsets that changed (no argument), or exactly the given
   * offsets (the next offset to read per partition). Resolves once stored.
   */
  async commit(offsets?: { topic: string; partition: number; offset: number | bigint; metadata?: string }[]): Promise<void> {
    if (!this.#coordinator) throw new KafkaClientError('commit() needs a groupId', false)
    if (offsets) {
      await this.#coordinator.commit(
        offsets.map((o) => ({ tp: { topic: o.topic, partition: o.partition }, offset: Number(o.offset), leaderEpoch: -1, metadata: o.metadata ?? '' })),
        this.#commitsAsMember,
      )
      return
    }
    // With autoMark, what the last poll() returned counts as processed once the application commits (Java's commitSync()).
    if (this.#autoMark) this.#markHandedOut()
    await this.#commitMarks()
  }

  /** Manual assignment commits as a group without members (generation -1); a subscriber as its member. */
  get #commitsAsMember(): boolean {
    return this.#subscription.kind !== 'manual'
  }

  /** Commits the marks that changed (the auto-commit timer's part: it must not mark a batch still being processed). */
  async #commitMarks(): Promise<void> {
    if (!this.#coordinator) return
    const dirty = [...this.#marks.values()].filter((m) => m.dirty)
    if (dirty.length === 0) return
    for (const m of dirty) m.dirty = false
    try {
      await this.#coordinator.commit(
        dirty.map((m) => m.o),
        this.#commitsAsMember,
      )
    } catch (e) {
      for (const m of dirty) if (this.#marks.get(tpKey(m.o.tp)) === m) m.dirty = true
      throw e
    }
  }

  /** The group's committed offsets (the next offset to read; null when none). */
  async committed(tps: TopicPartition[]): Promise<Map<string, number | null>> {
    if (!this.#coordinator) throw new KafkaClientError('committed() needs a groupId', false)
    const got = await this.#coordinator.committed(tps)
    return new Map([...got].map(([k, v]) => [k, v.offset]))
  }

  /** Where a newly assigned partition starts: its committed offset (with a group), else auto.offset.reset. */
  async #committedPositions(tps: TopicPartition[]): Promise<Map<string, number | null>> {
    if (!this.#coordinator) return new Map()
    return this.committed(tps)
  }

  // ---- rebalances ----

  async #onAssigned(tps: TopicPartition[]): Promise<void> {
    this.#fetcher.assign(this.#coordinator!.owned)
    await this.#callListener('assigned', tps)
  }

  async #onRevoked(tps: TopicPartition[]): Promise<void> {
    if (this.#autoMark) this.#markHandedOut()
    if (this.#autoCommit) await this.#commitPartitions(tps).catch((e: Error) => this.#onError(e))
    await this.#callListener('revoked', tps)
    this.#dropPartitions(tps)
  }

  async #onLost(tps: TopicPartition[]): Promise<void> {
    this.#handedOut = []
    await this.#callListener('lost', tps)
    this.#dropPartitions(tps)
  }

  async #commitPartitions(tps: TopicPartition[]): Promise<void> {
    const keys = new Set(tps.map(tpKey))
    const dirty = [...this.#marks.entries()].filter(([k, m]) => keys.has(k) && m.dirty).map(([, m]) => m)
    if (dirty.length === 0) return
    for (const m of dirty) m.dirty = false
    await this.#coordinator!.commit(dirty.map((m) => m.o))
  }

  #dropPartitions(tps: TopicPartition[]): void {
    const gone = new Set(tps.map(tpKey))
    for (const k of gone) this.#marks.delete(k)
    this.#fetcher.assign(this.#fetcher.assignment().filter((tp) => !gone.has(tpKey(tp))))
  }

  async #callListener(kind: keyof RebalanceListener, tps: TopicPartition[]): Promise<void> {
    try {
      await this.#listener[kind]?.(tps)
    } catch (e) {
      // Java logs and carries on: a listener's failure must not wedge the group.
      this.#onError(e as Error)
    }
  }

  // ---- closing ----

  #checkOpen(): void {
    if (this.#closed) throw new KafkaClientError('the consumer is closed', false)
    if (this.#fatal) throw this.#fatal
  }

  /** Stops reading, commits marked offsets (autoCommit), leaves the group, closes the connections. */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#autoCommitTimer)
    clearInterval(this.#metadataTimer)
    this.#fetcher.stop()
    if (this.#autoMark) this.#markHandedOut()
    try {
      if (this.#coordinator) {
        await this.#coordinator.stop()
        if (this.#autoCommit && this.#subscription.kind === 'manual') await this.commit().catch((e: Error) => this.#onError(e))
      }
    } finally {
      await this.cluster.close()
    }
  }
}
