/**
 * A consumer's membership in its group (Kafka's ConsumerCoordinator): join,
 * sync, heartbeat, leave, and the group's committed offsets.
 *
 * The classic protocol, as the Java client runs it:
 * 1. JoinGroup with one protocol per assignor (its name, and the member's
 *    subscription: topics, owned partitions, generation, assignor userData).
 *    A first join gets MEMBER_ID_REQUIRED and joins again with that id.
 * 2. The member the coordinator names leader runs the chosen assignor over
 *    every member's subscription and the topics' partition counts, and sends
 *    everyone's assignment in its SyncGroup; the others send an empty one.
 * 3. Heartbeats every heartbeat.interval.ms; REBALANCE_IN_PROGRESS in an
 *    answer means "join again".
 *
 * Eager assignors (range, roundrobin, sticky) give up every partition before
 * joining. Cooperative ones (cooperative-sticky) keep theirs, join with them
 * listed as owned, and give up only what the new assignment takes away; the
 * assignor never hands a partition still owned by another member to a new
 * owner, so a member that lost partitions joins once more to let them move.
 *
 * ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID mean the group went on without this
 * member: its partitions are "lost" (someone else may own them already, so
 * nothing is committed for them) and it joins again.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { HeartbeatApi } from '../../protocol/messages/heartbeat.js'
import { JoinGroupApi, type JoinGroupResponse } from '../../protocol/messages/join-group.js'
import { LeaveGroupApi } from '../../protocol/messages/leave-group.js'
import { OffsetCommitApi } from '../../protocol/messages/offset-commit.js'
import { OffsetFetchApi } from '../../protocol/messages/offset-fetch.js'
import { SyncGroupApi } from '../../protocol/messages/sync-group.js'
import type { Cluster } from '../cluster.js'
import { KafkaClientError, KafkaProtocolError } from '../errors.js'
import type { BrokerConnection } from '../network/broker-connection.js'
import type { Assignor, MemberSubscription } from './assignors/assignor.js'
import { SUBSCRIPTION_VERSION, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './consumer-protocol.js'
import { tpKey, type TopicPartition } from './fetcher.js'

export interface ConsumerCoordinatorOptions {
  groupId: string
  groupInstanceId: string | null
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  heartbeatIntervalMs: number
  retryBackoffMs: number
  requestTimeoutMs: number
  assignors: Assignor[]
  /** client.rack, sent in the subscription (v3) for rack-aware assignors. */
  rack: string | null
}

export interface MembershipHooks {
  /** Topic names this member subscribes to now. */
  topics(): string[]
  revoked(tps: TopicPartition[]): Promise<void>
  assigned(tps: TopicPartition[]): Promise<void>
  lost(tps: TopicPartition[]): Promise<void>
  /** A problem the member recovers from by itself (the application may log it). */
  error(e: Error): void
  /** The member cannot go on (fenced static member, group full, no common protocol). */
  fatal(e: Error): void
  /** Milliseconds since the application last asked for records (max.poll.interval.ms is measured against it). */
  sinceLastPoll(): number
}

export interface OffsetToCommit {
  tp: TopicPartition
  offset: number
  leaderEpoch: number
  metadata: string
}

/** Coordinator errors after which it is looked up again. */
const COORDINATOR_MOVED = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE])
const FATAL_JOIN = new Set<number>([ErrorCode.FENCED_INSTANCE_ID, ErrorCode.GROUP_MAX_SIZE_REACHED, ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ErrorCode.INVALID_SESSION_TIMEOUT, ErrorCode.GROUP_AUTHORIZATION_FAILED, ErrorCode.INVALID_GROUP_ID, ErrorCode.UNSUPPORTED_VERSION])

export class ConsumerCoordinator {
  readonly #cluster: Cluster
  readonly #opts: ConsumerCoordinatorOptions
  readonly #hooks: MembershipHooks
  memberId = ''
  generationId = -1
  protocolName: string | null = null
  leaderId = ''
  /** Partitions this member owns now. */
  #owned: TopicPartition[] = []
  #rejoinNeeded = true
  #stopped = false
  #loop: Promise<void> | undefined
  #wakeLoop: (() => void) | undefined
  #heartbeatTimer: NodeJS.Timeout | undefined
  /** The subscription (sorted topics) of the last join, to notice a change. */
  #joinedTopics = ''
  /** Partition counts of the leader's last assignment, to notice added partitions. */
  #assignedCounts = new Map<string, number>()
  /** Resolves when the member is in a stable generation (or stopped). */
  #stableWaiters: (() => void)[] = []
  /** Left the group because the application stopped polling; joins again at its next poll. */
  #leftForPollTimeout = false

  constructor(cluster: Cluster, opts: ConsumerCoordinatorOptions, hooks: MembershipHooks) {
    this.#cluster = cluster
    this.#opts = opts
    this.#hooks = hooks
  }

  get owned(): TopicPartition[] {
    return this.#owned
  }

  get stable(): boolean {
    return !this.#rejoinNeeded && this.generationId >= 0
  }

  get #protocol(): 'EAGER' | 'COOPERATIVE' {
    // Java: cooperative only when every configured assignor supports it.
    return this.#opts.assignors.every((a) => a.rebalanceProtocol === 'COOPERATIVE') ? 'COOPERATIVE' : 'EAGER'
  }

  start(): void {
    this.#loop ??= this.#run()
  }

  /** Asks for a rebalance (the subscription or a topic's partitions changed). */
  requestRejoin(): void {
    this.#rejoinNeeded = true
    this.#wakeLoop?.()
  }

  /** Waits until the member has joined a generation (or the coordinator stopped). */
  whenStable(): Promise<void> {
    if (this.stable || this.#stopped) return Promise.resolve()
    return new Promise((r) => this.#stableWaiters.push(r))
  }

  /**
   * Checks whether what the member subscribes to, or (for the leader) the
   * partition counts it assigned, changed; if so, rebalances.
   */
  async checkSubscription(): Promise<void> {
    if (!this.stable) return
    const topics = [...this.#hooks.topics()].sort().join(',')
    if (topics !== this.#joinedTopics) return this.requestRejoin()
    if (this.leaderId !== this.memberId) return
    for (const [topic, count] of this.#assignedCounts) {
      const now = this.#cluster.cachedPartitions(topic)?.length
      if (now !== undefined && now !== count) return this.requestRejoin()
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (!this.#rejoinNeeded) {
        await new Promise<void>((r) => (this.#wakeLoop = r))
        this.#wakeLoop = undefined
        continue
      }
      try {
        await this.#joinAndSync()
      } catch (e) {
        if (this.#stopped) break
        const err = e as Error
        if (err instanceof KafkaProtocolError && FATAL_JOIN.has(err.errorCode)) {
          this.#stopped = true
          this.#hooks.fatal(err)
          break
        }
        this.#hooks.error(err)
        await sleep(this.#opts.retryBackoffMs)
      }
    }
    for (const w of this.#stableWaiters.splice(0)) w()
  }

  async #coordinator(): Promise<BrokerConnection> {
    return this.#cluster.coordinator(this.#opts.groupId)
  }

  /** Throws a KafkaProtocolError for `code`, first forgetting a coordinator that moved. */
  #throwFor(code: number, what: string): never {
    if (COORDINATOR_MOVED.has(code)) this.#cluster.forgetCoordinator(this.#opts.groupId)
    throw new KafkaProtocolError(code, `${what} (group ${this.#opts.groupId})`)
  }

  async #joinAndSync(): Promise<void> {
    this.#stopHeartbeats()
    const cooperative = this.#protocol === 'COOPERATIVE'
    const topics = [...new Set(this.#hooks.topics())].sort()
    // Eager: every partition goes before joining. Cooperative: only those no longer subscribed to.
    const gone = cooperative ? this.#owned.filter((tp) => !topics.includes(tp.topic)) : this.#owned
    if (gone.length > 0) await this.#giveUp(gone, 'revoked')
    this.#rejoinNeeded = false
    const joined = await this.#join(topics)
    if (this.#rejoinNeeded) return
    const assignments = joined.leader === joined.memberId ? await this.#assign(joined) : []
    const c = await this.#coordinator()
    const sync = await c.request(
      SyncGroupApi,
      { ...SyncGroupApi.request.create(), groupId: this.#opts.groupId, generationId: joined.generationId, memberId: this.memberId, groupInstanceId: this.#opts.groupInstanceId, protocolType: 'consumer', protocolName: joined.protocolName, assignments },
      this.#opts.rebalanceTimeoutMs + this.#opts.requestTimeoutMs,
    )
    if (sync.errorCode !== ErrorCode.NONE) {
      this.#rejoinNeeded = true
      if (sync.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) return
      if (sync.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || sync.errorCode === ErrorCode.ILLEGAL_GENERATION) {
        await this.#lose(sync.errorCode === ErrorCode.UNKNOWN_MEMBER_ID)
        return
      }
      this.#throwFor(sync.errorCode, 'SyncGroup')
    }
    const assigned = sync.assignment.length > 0 ? decodeAssignment(sync.assignment).partitions : []
    this.generationId = joined.generationId
    this.protocolName = joined.protocolName
    this.leaderId = joined.leader
    this.#joinedTopics = topics.join(',')
    const now = new Set(assigned.map(tpKey))
    const had = new Set(this.#owned.map(tpKey))
    const revoked = this.#owned.filter((tp) => !now.has(tpKey(tp)))
    const added = assigned.filter((tp) => !had.has(tpKey(tp)))
    if (revoked.length > 0) {
      await this.#giveUp(revoked, 'revoked')
      // Cooperative: what this member gave up can now go to its new owner, in one more round.
      if (cooperative) this.#rejoinNeeded = true
    }
    this.#owned = assigned
    if (added.length > 0 || !cooperative) await this.#hooks.assigned(added)
    this.#startHeartbeats()
    if (!this.#rejoinNeeded) for (const w of this.#stableWaiters.splice(0)) w()
  }

  async #join(topics: string[]): Promise<JoinGroupResponse> {
    for (;;) {
      const c = await this.#coordinator()
      const protocols = this.#opts.assignors.map((a) => ({
        name: a.name,
        metadata: encodeSubscription({ topics, userData: a.userData(this.#owned, this.generationId), ownedPartitions: this.#owned, generationId: this.generationId, rackId: this.#opts.rack }, SUBSCRIPTION_VERSION),
      }))
      const res = await c.request(
        JoinGroupApi,
        { ...JoinGroupApi.request.create(), groupId: this.#opts.groupId, sessionTimeoutMs: this.#opts.sessionTimeoutMs, rebalanceTimeoutMs: this.#opts.rebalanceTimeoutMs, memberId: this.memberId, groupInstanceId: this.#opts.groupInstanceId, protocolType: 'consumer', protocols, reason: null },
        // The coordinator holds a JoinGroup until every member has joined: up to the rebalance timeout.
        this.#opts.rebalanceTimeoutMs + this.#opts.requestTimeoutMs,
      )
      if (res.errorCode === ErrorCode.NONE) {
        this.memberId = res.memberId
        return res
      }
      if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = res.memberId
        continue
      }
      if (res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = ''
        continue
      }
      if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || res.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
        await sleep(this.#opts.retryBackoffMs)
        continue
      }
      this.#throwFor(res.errorCode, 'JoinGroup')
    }
  }

  /** The leader's part: run the chosen assignor over every member's subscription. */
  async #assign(joined: JoinGroupResponse): Promise<{ memberId: string; assignment: Buffer }[]> {
    const assignor = this.#opts.assignors.find((a) => a.name === joined.protocolName)
    if (!assignor) throw new KafkaClientError(`the group chose assignor ${joined.protocolName}, which this consumer does not have`, false)
    const members = new Map<string, MemberSubscription>()
    const topics = new Set<string>()
    for (const m of joined.members) {
      const s = decodeSubscription(m.metadata)
      members.set(m.memberId, { memberId: m.memberId, groupInstanceId: m.groupInstanceId, ...s })
      for (const t of s.topics) topics.add(t)
    }
    const counts = new Map<string, number>()
    await this.#cluster.refresh([...topics]).catch((e: Error) => this.#hooks.error(e))
    for (const t of topics) {
      const p = this.#cluster.cachedPartitions(t)
      if (p) counts.set(t, p.length)
    }
    this.#assignedCounts = counts
    const result = assignor.assign(counts, members)
    return [...members.keys()].map((memberId) => ({ memberId, assignment: encodeAssignment(result.get(memberId) ?? [], null) }))
  }

  /** Gives partitions up: revoked (commit first, done by the hook) or lost. */
  async #giveUp(tps: TopicPartition[], how: 'revoked' | 'lost'): Promise<void> {
    const gone = new Set(tps.map(tpKey))
    this.#owned = this.#owned.filter((tp) => !gone.has(tpKey(tp)))
    await (how === 'revoked' ? this.#hooks.revoked(tps) : this.#hooks.lost(tps))
  }

  async #lose(resetMemberId: boolean): Promise<void> {
    this.#stopHeartbeats()
    if (resetMemberId) this.memberId = ''
    this.generationId = -1
    this.#rejoinNeeded = true
    if (this.#owned.length > 0) await this.#giveUp(this.#owned, 'lost')
    this.#wakeLoop?.()
  }

  // ---- heartbeats ----

  #startHeartbeats(): void {
    this.#stopHeartbeats()
    const beat = async () => {
      if (this.#stopped || this.#rejoinNeeded) return
      if (this.#hooks.sinceLastPoll() > this.#opts.rebalanceTimeoutMs) return void this.#leaveForPollTimeout()
      try {
        const c = await this.#coordinator()
        const res = await c.request(HeartbeatApi, { groupId: this.#opts.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.#opts.groupInstanceId })
        if (this.#stopped) return
        switch (res.errorCode) {
          case ErrorCode.NONE:
            break
          case ErrorCode.REBALANCE_IN_PROGRESS:
            this.requestRejoin()
            return
          case ErrorCode.ILLEGAL_GENERATION:
          case ErrorCode.UNKNOWN_MEMBER_ID:
            await this.#lose(res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID)
            return
          case ErrorCode.FENCED_INSTANCE_ID:
            this.#stopped = true
            this.#hooks.fatal(new KafkaProtocolError(res.errorCode, `group ${this.#opts.groupId}: another consumer took over group.instance.id ${this.#opts.groupInstanceId}`))
            this.#wakeLoop?.()
            return
          default:
            if (COORDINATOR_MOVED.has(res.errorCode)) this.#cluster.forgetCoordinator(this.#opts.groupId)
            this.#hooks.error(new KafkaProtocolError(res.errorCode, 'Heartbeat'))
        }
      } catch (e) {
        if (this.#stopped) return
        this.#cluster.forgetCoordinator(this.#opts.groupId)
        this.#hooks.error(e as Error)
      }
      if (!this.#stopped && !this.#rejoinNeeded) this.#heartbeatTimer = setTimeout(() => void beat(), this.#opts.heartbeatIntervalMs)
    }
    this.#heartbeatTimer = setTimeout(() => void beat(), this.#opts.heartbeatIntervalMs)
  }

  /**
   * The application has not asked for records within max.poll.interval.ms
   * (the rebalance timeout): as the Java client's heartbeat thread does, the
   * member leaves the group so its partitions go to members that are working,
   * and counts them lost (another member may own them by the time this one
   * looks again). It joins again at the application's next poll
   * (`resumeAfterPollTimeout`). A static member does not send LeaveGroup: the
   * coordinator drops it after its session timeout, as in Kafka.
   */
  async #leaveForPollTimeout(): Promise<void> {
    this.#stopHeartbeats()
    this.#leftForPollTimeout = true
    this.#hooks.error(
      new KafkaClientError(
        `consumer poll timeout has expired: the time between polls was longer than max.poll.interval.ms (${this.#opts.rebalanceTimeoutMs} ms), so the member left group ${this.#opts.groupId}; it joins again at the next poll`,
        true,
      ),
    )
    const memberId = this.memberId
    this.memberId = ''
    this.generationId = -1
    if (this.#owned.length > 0) await this.#giveUp(this.#owned, 'lost').catch((e: Error) => this.#hooks.error(e))
    if (memberId !== '' && this.#opts.groupInstanceId === null) await this.#sendLeaveGroup(memberId, 'consumer poll timeout has expired.')
  }

  async #sendLeaveGroup(memberId: string, reason: string): Promise<void> {
    try {
      const c = await this.#coordinator()
      const batched = c.versionFor(LeaveGroupApi) >= 3
      const res = await c.request(LeaveGroupApi, { ...LeaveGroupApi.request.create(), groupId: this.#opts.groupId, memberId: batched ? '' : memberId, members: batched ? [{ memberId, groupInstanceId: null, reason }] : [] })
      if (res.errorCode !== ErrorCode.NONE && res.errorCode !== ErrorCode.UNKNOWN_MEMBER_ID) this.#hooks.error(new KafkaProtocolError(res.errorCode, 'LeaveGroup'))
    } catch (e) {
      this.#hooks.error(e as Error)
    }
  }

  /** Called at each poll: a member that left for a poll timeout joins again. */
  resumeAfterPollTimeout(): void {
    if (!this.#leftForPollTimeout) return
    this.#leftForPollTimeout = false
    this.requestRejoin()
  }

  #stopHeartbeats(): void {
    clearTimeout(this.#heartbeatTimer)
    this.#heartbeatTimer = undefined
  }

  // ---- offsets ----

  /**
   * Commits offsets for this member's generation (or as a group without
   * members, generation -1, when used with manual assignment). Coordinator
   * moves are retried; REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION and
   * UNKNOWN_MEMBER_ID are not (Java's CommitFailedException): the partitions
   * may belong to someone else by now.
   */
  async commit(offsets: OffsetToCommit[], member = true): Promise<void> {
    if (offsets.length === 0) return
    const topics = new Map<string, OffsetToCommit[]>()
    for (const o of offsets) topics.set(o.tp.topic, [...(topics.get(o.tp.topic) ?? []), o])
    const { code, detail } = await this.#offsetsRequest(ErrorCode.REQUEST_TIMED_OUT, async (c) => {
      const res = await c.request(OffsetCommitApi, {
        ...OffsetCommitApi.request.create(),
        groupId: this.#opts.groupId,
        generationIdOrMemberEpoch: member ? this.generationId : -1,
        memberId: member ? this.memberId : '',
        groupInstanceId: member ? this.#opts.groupInstanceId : null,
        retentionTimeMs: -1n,
        topics: [...topics].map(([name, list]) => ({ name, partitions: list.map((o) => ({ partitionIndex: o.tp.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: o.leaderEpoch, commitTimestamp: -1n, committedMetadata: o.metadata })) })),
      })
      let code: number = ErrorCode.NONE
      let detail = ''
      for (const t of res.topics)
        for (const p of t.partitions)
          if (p.errorCode !== ErrorCode.NONE && code === ErrorCode.NONE) {
            code = p.errorCode
            detail = `${t.name}-${p.partitionIndex}`
          }
      return { code, detail, value: undefined }
    })
    if (code === ErrorCode.NONE) return
    if (code === ErrorCode.ILLEGAL_GENERATION || code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.REBALANCE_IN_PROGRESS) {
      if (code !== ErrorCode.REBALANCE_IN_PROGRESS) this.requestRejoin()
      throw new KafkaProtocolError(code, `commit failed: the group rebalanced and ${detail} may belong to another member now`)
    }
    throw new KafkaProtocolError(code, `OffsetCommit ${detail}`)
  }

  /** The group's committed offsets for these partitions (null: none committed). */
  async committed(tps: TopicPartition[]): Promise<Map<string, { offset: number | null; metadata: string }>> {
    const topics = new Map<string, number[]>()
    for (const tp of tps) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition])
    const { code, value } = await this.#offsetsRequest(ErrorCode.UNSTABLE_OFFSET_COMMIT, async (c) => {
      // requireStable (v7+): wait for offsets still being committed by a transaction.
      // v8 moved to a list of groups; v7 has all this needs, and every broker from Kafka 2.5 to 4.x has it.
      const version = Math.min(7, c.versionFor(OffsetFetchApi))
      const res = await c.send(OffsetFetchApi, version, { ...OffsetFetchApi.request.create(), groupId: this.#opts.groupId, topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })), requireStable: version >= 7 })
      let code = res.errorCode
      const out = new Map<string, { offset: number | null; metadata: string }>()
      for (const t of res.topics)
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE && code === ErrorCode.NONE) code = p.errorCode
          out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { offset: p.committedOffset < 0n ? null : Number(p.committedOffset), metadata: p.metadata ?? '' })
        }
      return { code, detail: '', value: out }
    })
    if (code === ErrorCode.NONE) return value
    throw new KafkaProtocolError(code, `OffsetFetch (group ${this.#opts.groupId})`)
  }

  /**
   * Sends an offsets request to the coordinator until it answers without an
   * error or with one a retry cannot fix, within request.timeout.ms: a broken
   * connection, a moved or loading coordinator, and `alsoRetry` are tried
   * again after retry.backoff.ms. Resolves with the answer's first error code
   * (NONE on success) and what `attempt` read from it.
   */
  async #offsetsRequest<T>(alsoRetry: number, attempt: (c: BrokerConnection) => Promise<{ code: number; detail: string; value: T }>): Promise<{ code: number; detail: string; value: T }> {
    const deadline = Date.now() + this.#opts.requestTimeoutMs
    for (;;) {
      let r: { code: number; detail: string; value: T }
      try {
        r = await attempt(await this.#coordinator())
      } catch (e) {
        if (!(e instanceof KafkaClientError && e.retriable) || Date.now() > deadline) throw e
        this.#cluster.forgetCoordinator(this.#opts.groupId)
        await sleep(this.#opts.retryBackoffMs)
        continue
      }
      const retriable = COORDINATOR_MOVED.has(r.code) || r.code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || r.code === alsoRetry
      if (r.code === ErrorCode.NONE || !retriable || Date.now() >= deadline) return r
      if (COORDINATOR_MOVED.has(r.code)) this.#cluster.forgetCoordinator(this.#opts.groupId)
      await sleep(this.#opts.retryBackoffMs)
    }
  }

  /**
   * Leaves the group: revokes what it owns (the hook commits), then
   * LeaveGroup, except for a static member, which the coordinator keeps
   * until its session times out (Java: static members do not leave on close,
   * so a restart within the session keeps their partitions).
   */
  async stop(): Promise<void> {
    if (this.#stopped && !this.#loop) return
    this.#stopped = true
    this.#stopHeartbeats()
    this.#wakeLoop?.()
    await this.#loop?.catch(() => undefined)
    this.#loop = undefined
    if (this.#owned.length > 0) await this.#giveUp(this.#owned, 'revoked').catch((e: Error) => this.#hooks.error(e))
    if (this.memberId !== '' && this.#opts.groupInstanceId === null) await this.#sendLeaveGroup(this.memberId, 'the consumer is closing')
    this.memberId = ''
    this.generationId = -1
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
