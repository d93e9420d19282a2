/**
 * The group coordinator: Kafka's classic group protocol (JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup) and the group side of offset commits,
 * as Kafka's GroupCoordinator runs them. Handlers translate requests into
 * these calls and the answers back; the GroupMetadataManager keeps state
 * durable in `__consumer_offsets`.
 *
 * A rebalance: a join (or a member's departure) moves the group to
 * PreparingRebalance; it completes when every member has rejoined, or after
 * the longest rebalance timeout (members that did not rejoin are removed),
 * or, for a group that was Empty, after group.initial.rebalance.delay.ms
 * (extended while new members keep arriving, up to the rebalance timeout).
 * Then the generation increases, the protocol is chosen, and the leader
 * receives every member's metadata; its SyncGroup carries the assignment,
 * which is stored, then handed to every member. The coordinator never looks
 * inside assignments, so every client-side assignor works.
 *
 * Timers: each member's session (reset by heartbeats and by join/sync; a
 * member waiting in JoinGroup or SyncGroup is not expired), the join phase,
 * and the sync phase (members that never send SyncGroup within the
 * rebalance timeout are removed, Kafka's pending-sync timeout).
 */
import type { Logger } from '../../common/logger.js'
import type { Time } from '../../common/time.js'
import type { TopicPartition } from '../../common/topic-partition.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ClassicGroup, MemberMetadata, joinError, syncError, type CommittedOffset, type GroupState, type JoinResult, type Protocol, type SyncResult } from './classic-group.js'
import { GroupMetadataManager, type GroupConfig, type OffsetsTopicLog } from './group-metadata-manager.js'

export interface JoinGroupParams {
  groupId: string
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: Protocol[]
  /** JoinGroup v4+: a new member first gets MEMBER_ID_REQUIRED and its id (KIP-394). */
  requireKnownMemberId: boolean
  reason: string | null
}

export interface SyncGroupParams {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  protocolType: string | null
  protocolName: string | null
  assignments: { memberId: string; assignment: Buffer }[]
}

export interface OffsetCommitParams {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  offsets: { tp: TopicPartition; offset: bigint; leaderEpoch: number; metadata: string | null; expireTimestampMs: number }[]
  /** Whether the topic partition exists (UNKNOWN_TOPIC_OR_PARTITION otherwise). */
  partitionExists: (tp: TopicPartition) => boolean
}

export interface GroupSummary {
  groupId: string
  errorCode: number
  state: GroupState
  protocolType: string
  protocolName: string
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[]
}

interface GroupTimers {
  join?: NodeJS.Timeout
  sync?: NodeJS.Timeout
  /** InitialDelayedJoin: time left to extend the initial delay while new members arrive. */
  initialRemainingMs?: number
}

const NO_OFFSET = -1n

export class GroupCoordinator {
  readonly manager: GroupMetadataManager
  readonly #config: GroupConfig
  readonly #time: Time
  readonly #logger: Logger
  readonly #timers = new Map<ClassicGroup, GroupTimers>()
  readonly #pendingTimers = new Map<string, NodeJS.Timeout>()

  constructor(opts: { log: OffsetsTopicLog; config: GroupConfig; time: Time; logger: Logger }) {
    this.#config = opts.config
    this.#time = opts.time
    this.#logger = opts.logger
    this.manager = new GroupMetadataManager(opts.log, opts.config, opts.time, opts.logger.child('GroupMetadataManager'))
  }

  startup(): void {
    // Members read back from the log get a session like any other: one that
    // never returns (it died while the broker was down) is removed when its
    // session times out, instead of holding up every rebalance of its group
    // until its rebalance timeout (Kafka's onGroupLoaded).
    this.manager.startup((group) => {
      for (const member of group.members.values()) this.#scheduleHeartbeat(group, member)
    })
  }

  /**
   * Stops the coordinator: later requests get COORDINATOR_NOT_AVAILABLE, and
   * members waiting in JoinGroup or SyncGroup are answered NOT_COORDINATOR
   * now (Kafka's onGroupUnloaded), so they look for the coordinator again
   * instead of holding the broker's shutdown until their requests time out.
   */
  shutdown(): void {
    this.manager.shutdown()
    for (const t of this.#timers.values()) {
      clearTimeout(t.join)
      clearTimeout(t.sync)
    }
    for (const t of this.#pendingTimers.values()) clearTimeout(t)
    for (const g of this.manager.groups.values()) {
      for (const m of g.members.values()) {
        clearTimeout(m.heartbeatTimer)
        m.failWaiting(ErrorCode.NOT_COORDINATOR)
      }
      g.numMembersAwaitingJoin = 0
    }
  }

  /** FindCoordinator for a group: creates __consumer_offsets on first use. */
  async findCoordinator(groupId: string): Promise<number> {
    if (groupId === '') return ErrorCode.INVALID_REQUEST
    try {
      await this.manager.log.ensureExists()
    } catch (e) {
      this.#logger.warn(`Could not create __consumer_offsets: ${(e as Error).message}`)
      return ErrorCode.COORDINATOR_NOT_AVAILABLE
    }
    // This broker leads every partition of the topic; a partition still loading answers its own requests.
    return ErrorCode.NONE
  }

  #status(groupId: string): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID
    return this.manager.groupStatus(groupId)
  }

  #now(): number {
    return this.#time.nowMs()
  }

  // ---- JoinGroup ----

  joinGroup(p: JoinGroupParams): Promise<JoinResult> {
    return new Promise((resolve) => {
      const fail = (errorCode: number) => resolve(joinError(errorCode, p.memberId))
      const status = this.#status(p.groupId)
      if (status !== ErrorCode.NONE) return fail(status)
      if (p.sessionTimeoutMs < this.#config.groupMinSessionTimeoutMs || p.sessionTimeoutMs > this.#config.groupMaxSessionTimeoutMs) return fail(ErrorCode.INVALID_SESSION_TIMEOUT)
      const isUnknownMember = p.memberId === ''
      let group = this.manager.groups.get(p.groupId)
      if (!group) {
        if (!isUnknownMember) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
        group = this.manager.getOrCreate(p.groupId)
      }
      if (group.is('Dead')) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE)
      const known = group.has(p.memberId) || group.pendingMembers.has(p.memberId) || (p.groupInstanceId !== null && group.staticMembers.has(p.groupInstanceId))
      if (!known && group.members.size + group.pendingMembers.size >= this.#config.groupMaxSize) return fail(ErrorCode.GROUP_MAX_SIZE_REACHED)
      if (!group.supportsProtocols(p.protocolType, p.protocols)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
      if (isUnknownMember) this.#joinUnknownMember(group, p, resolve)
      else this.#joinKnownMember(group, p, resolve, fail)
    })
  }

  #joinUnknownMember(group: ClassicGroup, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    const newMemberId = `${p.clientId}-${crypto.randomUUID()}`
    if (p.groupInstanceId !== null) {
      const oldMemberId = group.staticMemberId(p.groupInstanceId)
      if (oldMemberId !== undefined && group.has(oldMemberId)) return this.#replaceStaticMember(group, oldMemberId, newMemberId, p, respond)
      return this.#addMemberAndRebalance(group, newMemberId, p, respond)
    }
    if (p.requireKnownMemberId) {
      // KIP-394: hand out the id first, so a client that retries its join is not counted twice.
      group.pendingMembers.add(newMemberId)
      this.#schedulePendingExpiry(group, newMemberId, p.sessionTimeoutMs)
      respond(joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId))
      return
    }
    this.#addMemberAndRebalance(group, newMemberId, p, respond)
  }

  #joinKnownMember(group: ClassicGroup, p: JoinGroupParams, respond: (r: JoinResult) => void, fail: (code: number) => void): void {
    if (this.#forgetPending(group, p.memberId)) return this.#addMemberAndRebalance(group, p.memberId, p, respond)
    const fenced = this.#fencingError(group, p.memberId, p.groupInstanceId)
    if (fenced !== ErrorCode.NONE) return fail(fenced)
    const member = group.members.get(p.memberId)
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    switch (group.state) {
      case 'PreparingRebalance':
        return this.#updateMemberAndRebalance(group, member, p, respond)
      case 'CompletingRebalance':
        if (member.matches(p.protocols)) {
          // The member missed the join answer: give it again.
          this.#scheduleHeartbeat(group, member)
          return respond(group.joinResultFor(member.memberId, ErrorCode.NONE))
        }
        return this.#updateMemberAndRebalance(group, member, p, respond)
      case 'Stable':
        if (group.leaderId === member.memberId || !member.matches(p.protocols)) return this.#updateMemberAndRebalance(group, member, p, respond)
        this.#scheduleHeartbeat(group, member)
        return respond(group.joinResultFor(member.memberId, ErrorCode.NONE))
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    }
  }

  /** FENCED_INSTANCE_ID when a static member's instance id now belongs to another member id (KIP-345). */
  #fencingError(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId === null) return ErrorCode.NONE
    const current = group.staticMemberId(groupInstanceId)
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    return current === memberId ? ErrorCode.NONE : ErrorCode.FENCED_INSTANCE_ID
  }

  #addMemberAndRebalance(group: ClassicGroup, memberId: string, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    const member = new MemberMetadata(memberId, p.groupInstanceId, p.clientId, p.clientHost, p.rebalanceTimeoutMs, p.sessionTimeoutMs, p.protocolType, p.protocols)
    member.isNew = true
    // A new group's first rebalance waits for more members (InitialDelayedJoin).
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true
    group.add(member, respond)
    this.#scheduleHeartbeat(group, member)
    this.#maybePrepareRebalance(group, `Adding new member ${memberId} with group instance id ${p.groupInstanceId ?? 'None'}; client reason: ${p.reason ?? 'not provided'}`)
  }

  #updateMemberAndRebalance(group: ClassicGroup, member: MemberMetadata, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    member.protocols = p.protocols
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs
    member.sessionTimeoutMs = p.sessionTimeoutMs
    if (!member.isAwaitingJoin) group.numMembersAwaitingJoin++
    member.awaitingJoin = respond
    this.#scheduleHeartbeat(group, member)
    this.#maybePrepareRebalance(group, `Updating metadata for member ${member.memberId} during ${group.state}; client reason: ${p.reason ?? 'not provided'}`)
  }

  /** A static member rejoining with a new member id (a restarted instance): the old id is fenced. */
  #replaceStaticMember(group: ClassicGroup, oldMemberId: string, newMemberId: string, p: JoinGroupParams, respond: (r: JoinResult) => void): void {
    const old = group.members.get(oldMemberId)!
    clearTimeout(old.heartbeatTimer)
    // The old instance's pending calls learn they are fenced.
    if (old.isAwaitingJoin) group.numMembersAwaitingJoin--
    old.failWaiting(ErrorCode.FENCED_INSTANCE_ID)
    const member = group.replaceStaticMember(p.groupInstanceId!, oldMemberId, newMemberId)
    const unchanged = member.matches(p.protocols)
    member.clientId = p.clientId
    member.clientHost = p.clientHost
    member.sessionTimeoutMs = p.sessionTimeoutMs
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs
    this.#logger.info(`Static member ${p.groupInstanceId} of group ${group.groupId} rejoined with member id ${newMemberId}, replacing ${oldMemberId}`)
    if (group.is('Stable') && unchanged) {
      // Nothing to reassign: persist the new id and hand back the current generation.
      this.#scheduleHeartbeat(group, member)
      void this.manager.storeGroup(group).then((code) => {
        if (code !== ErrorCode.NONE) {
          respond(joinError(code, newMemberId))
          return
        }
        respond(group.joinResultFor(newMemberId, ErrorCode.NONE))
      })
      return
    }
    member.protocols = p.protocols
    this.#updateMemberAndRebalance(group, member, p, respond)
  }

  #maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty')) this.#prepareRebalance(group, reason)
    else if (group.is('PreparingRebalance')) this.#tryCompleteJoin(group)
  }

  #prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.#resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS)
    const timers = this.#timersOf(group)
    clearTimeout(timers.sync)
    timers.sync = undefined
    clearTimeout(timers.join)
    const wasEmpty = group.is('Empty')
    group.transitionTo('PreparingRebalance', this.#now())
    this.#logger.info(`Preparing to rebalance group ${group.groupId} in state PreparingRebalance with old generation ${group.generationId} (reason: ${reason})`)
    if (wasEmpty && this.#config.groupInitialRebalanceDelayMs > 0) {
      const delay = Math.min(this.#config.groupInitialRebalanceDelayMs, group.rebalanceTimeoutMs)
      timers.initialRemainingMs = Math.max(group.rebalanceTimeoutMs - delay, 0)
      group.newMemberAdded = false
      timers.join = this.#timer(delay, () => this.#onInitialJoinDelay(group))
    } else {
      timers.initialRemainingMs = undefined
      timers.join = this.#timer(group.rebalanceTimeoutMs, () => this.#completeJoin(group))
      this.#tryCompleteJoin(group)
    }
  }

  /** InitialDelayedJoin: while new members keep arriving, wait another delay (bounded by the rebalance timeout). */
  #onInitialJoinDelay(group: ClassicGroup): void {
    const timers = this.#timersOf(group)
    const remaining = timers.initialRemainingMs ?? 0
    if (group.newMemberAdded && remaining > 0) {
      group.newMemberAdded = false
      const delay = Math.min(this.#config.groupInitialRebalanceDelayMs, remaining)
      timers.initialRemainingMs = Math.max(remaining - delay, 0)
      timers.join = this.#timer(delay, () => this.#onInitialJoinDelay(group))
      return
    }
    timers.initialRemainingMs = undefined
    this.#completeJoin(group)
  }

  #tryCompleteJoin(group: ClassicGroup): void {
    const timers = this.#timersOf(group)
    if (timers.initialRemainingMs !== undefined) return // the initial delay always runs its course
    if (group.is('PreparingRebalance') && group.allMembersJoined) this.#completeJoin(group)
  }

  #completeJoin(group: ClassicGroup): void {
    const timers = this.#timersOf(group)
    clearTimeout(timers.join)
    timers.join = undefined
    if (!group.is('PreparingRebalance')) return
    // Dynamic members that did not rejoin in time leave; static ones stay until their session ends.
    for (const m of [...group.members.values()]) {
      if (!m.isAwaitingJoin && m.groupInstanceId === null) this.#removeMember(group, m, 'did not rejoin before the rebalance timeout', false)
    }
    for (const id of [...group.pendingMembers]) this.#forgetPending(group, id)
    if (group.leaderId !== null && !group.members.get(group.leaderId)?.isAwaitingJoin) {
      const joined = [...group.members.values()].find((m) => m.isAwaitingJoin)
      if (joined) group.leaderId = joined.memberId
    }
    group.initNextGeneration(this.#now())
    if (group.is('Empty')) {
      this.#logger.info(`Group ${group.groupId} with generation ${group.generationId} is now empty`)
      void this.manager.storeGroup(group).then((code) => {
        if (code !== ErrorCode.NONE) this.#logger.warn(`Failed to write empty metadata for group ${group.groupId}: error ${code}`)
      })
      return
    }
    this.#logger.info(`Stabilized group ${group.groupId} generation ${group.generationId} with ${group.members.size} members (protocol ${group.protocolName})`)
    for (const m of group.members.values()) {
      const respond = m.awaitingJoin
      if (!respond) continue
      m.awaitingJoin = undefined
      m.isNew = false
      respond(group.joinResultFor(m.memberId, ErrorCode.NONE))
      this.#scheduleHeartbeat(group, m)
    }
    group.numMembersAwaitingJoin = 0
    const generation = group.generationId
    timers.sync = this.#timer(group.rebalanceTimeoutMs, () => this.#onSyncTimeout(group, generation))
  }

  /** Members that never sent SyncGroup for this generation are removed (Kafka's pending-sync timeout). */
  #onSyncTimeout(group: ClassicGroup, generation: number): void {
    this.#timersOf(group).sync = undefined
    if (group.generationId !== generation || !(group.is('CompletingRebalance') || group.is('Stable')) || group.pendingSync.size === 0) return
    for (const id of [...group.pendingSync]) {
      const m = group.members.get(id)
      if (m) this.#removeMember(group, m, 'did not sync before the rebalance timeout', false)
    }
    this.#prepareRebalance(group, 'Removing members that did not sync in time')
  }

  #resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = Buffer.alloc(0)
      const respond = m.awaitingSync
      m.awaitingSync = undefined
      respond?.(syncError(errorCode))
    }
  }

  // ---- SyncGroup ----

  syncGroup(p: SyncGroupParams): Promise<SyncResult> {
    return new Promise((resolve) => {
      const fail = (errorCode: number) => resolve(syncError(errorCode))
      const status = this.#status(p.groupId)
      if (status !== ErrorCode.NONE) return fail(status)
      const group = this.manager.groups.get(p.groupId)
      if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
      if (group.is('Dead')) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE)
      const fenced = this.#fencingError(group, p.memberId, p.groupInstanceId)
      if (fenced !== ErrorCode.NONE) return fail(fenced)
      const member = group.members.get(p.memberId)
      if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
      if (p.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION)
      if ((p.protocolType !== null && p.protocolType !== group.protocolType) || (p.protocolName !== null && p.protocolName !== group.protocolName)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
      switch (group.state) {
        case 'Empty':
          return fail(ErrorCode.UNKNOWN_MEMBER_ID)
        case 'PreparingRebalance':
          return fail(ErrorCode.REBALANCE_IN_PROGRESS)
        case 'CompletingRebalance': {
          member.awaitingSync = resolve
          group.pendingSync.delete(member.memberId)
          this.#scheduleHeartbeat(group, member)
          if (group.leaderId === member.memberId) this.#storeLeaderAssignment(group, p.assignments)
          return
        }
        case 'Stable':
          group.pendingSync.delete(member.memberId)
          this.#scheduleHeartbeat(group, member)
          return resolve({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment })
      }
    })
  }

  #storeLeaderAssignment(group: ClassicGroup, assignments: { memberId: string; assignment: Buffer }[]): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]))
    const generation = group.generationId
    for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? Buffer.alloc(0)
    void this.manager.storeGroup(group).then((code) => {
      // Another rebalance may have started while the write was in flight.
      if (!group.is('CompletingRebalance') || group.generationId !== generation) return
      if (code !== ErrorCode.NONE) {
        this.#resetAndPropagateAssignmentError(group, code)
        this.#prepareRebalance(group, `Failed to store the assignment: error ${code}`)
        return
      }
      group.transitionTo('Stable', this.#now())
      for (const m of group.members.values()) {
        const respond = m.awaitingSync
        m.awaitingSync = undefined
        respond?.({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment })
      }
      this.#logger.info(`Assignment received from leader ${group.leaderId} for group ${group.groupId} for generation ${generation}. The group has ${group.members.size} members.`)
    })
  }

  // ---- Heartbeat ----

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const status = this.#status(groupId)
    if (status !== ErrorCode.NONE) return status
    const group = this.manager.groups.get(groupId)
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const fenced = this.#fencingError(group, memberId, groupInstanceId)
    if (fenced !== ErrorCode.NONE) return fenced
    const member = group.members.get(memberId)
    if (!member || group.is('Empty')) return ErrorCode.UNKNOWN_MEMBER_ID
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    this.#scheduleHeartbeat(group, member)
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  #scheduleHeartbeat(group: ClassicGroup, member: MemberMetadata): void {
    clearTimeout(member.heartbeatTimer)
    member.heartbeatTimer = this.#timer(member.sessionTimeoutMs, () => this.#onSessionExpired(group, member))
  }

  #onSessionExpired(group: ClassicGroup, member: MemberMetadata): void {
    member.heartbeatTimer = undefined
    if (group.members.get(member.memberId) !== member) return
    // A member waiting in JoinGroup or SyncGroup is answered by the rebalance, not expired.
    if (member.isAwaitingJoin || member.awaitingSync) return this.#scheduleHeartbeat(group, member)
    this.#logger.info(`Member ${member.memberId} in group ${group.groupId} has failed, removing it from the group (session timeout ${member.sessionTimeoutMs} ms)`)
    this.#removeMember(group, member, 'session timeout')
  }

  #schedulePendingExpiry(group: ClassicGroup, memberId: string, sessionTimeoutMs: number): void {
    this.#pendingTimers.set(
      memberId,
      this.#timer(sessionTimeoutMs, () => {
        if (this.#forgetPending(group, memberId) && group.is('PreparingRebalance')) this.#tryCompleteJoin(group)
      }),
    )
  }

  /** Drops a member id handed out with MEMBER_ID_REQUIRED, and its expiry; true if it was pending. */
  #forgetPending(group: ClassicGroup, memberId: string): boolean {
    clearTimeout(this.#pendingTimers.get(memberId))
    this.#pendingTimers.delete(memberId)
    return group.pendingMembers.delete(memberId)
  }

  // ---- LeaveGroup ----

  /** Returns a top-level error and one per leaving member (v3+ batches members; older versions send one). */
  leaveGroup(groupId: string, leaving: { memberId: string; groupInstanceId: string | null }[]): { errorCode: number; members: { memberId: string; groupInstanceId: string | null; errorCode: number }[] } {
    const status = this.#status(groupId)
    if (status !== ErrorCode.NONE) return { errorCode: status, members: [] }
    const group = this.manager.groups.get(groupId)
    if (!group) return { errorCode: ErrorCode.NONE, members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) }
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] }
    const members = leaving.map((l) => {
      const memberId = l.memberId === '' && l.groupInstanceId !== null ? (group.staticMemberId(l.groupInstanceId) ?? '') : l.memberId
      if (this.#forgetPending(group, memberId)) {
        if (group.is('PreparingRebalance')) this.#tryCompleteJoin(group)
        return { ...l, errorCode: ErrorCode.NONE }
      }
      const fenced = this.#fencingError(group, memberId, l.groupInstanceId)
      if (fenced !== ErrorCode.NONE) return { ...l, errorCode: fenced }
      const member = group.members.get(memberId)
      if (!member) return { ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
      this.#logger.info(`Member ${memberId} has left group ${groupId} through explicit LeaveGroup`)
      this.#removeMember(group, member, 'the consumer is leaving the group')
      return { ...l, errorCode: ErrorCode.NONE }
    })
    return { errorCode: ErrorCode.NONE, members }
  }

  /** Kafka's removeMemberAndUpdateGroup. */
  #removeMember(group: ClassicGroup, member: MemberMetadata, reason: string, rebalance = true): void {
    clearTimeout(member.heartbeatTimer)
    member.heartbeatTimer = undefined
    group.remove(member.memberId) // counts it out of the members awaiting join
    member.failWaiting(ErrorCode.UNKNOWN_MEMBER_ID)
    if (!rebalance) return
    if (group.is('Stable') || group.is('CompletingRebalance')) this.#prepareRebalance(group, `removing member ${member.memberId} (${reason})`)
    else if (group.is('PreparingRebalance')) this.#tryCompleteJoin(group)
  }

  // ---- offsets ----

  async commitOffsets(p: OffsetCommitParams): Promise<Map<TopicPartition, number>> {
    const all = (code: number) => new Map(p.offsets.map((o) => [o.tp, code]))
    const status = this.#status(p.groupId)
    if (status !== ErrorCode.NONE) return all(status)
    let group = this.manager.groups.get(p.groupId)
    if (!group) {
      // A group not managed by the coordinator (manual assignment) may commit with generation -1.
      if (p.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION)
      group = this.manager.getOrCreate(p.groupId)
    }
    if (group.is('Dead')) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    if (p.groupInstanceId !== null) {
      const fenced = this.#fencingError(group, p.memberId, p.groupInstanceId)
      if (fenced !== ErrorCode.NONE) return all(fenced)
    }
    // Kafka's validateOffsetCommit: a commit that names a member or a generation
    // must come from a current member of the current generation; an anonymous
    // one (generation -1, no member id: manual assignment) only goes into an
    // Empty group, so it cannot overwrite what a live member commits.
    const anonymous = p.generationId < 0 && p.memberId === '' && p.groupInstanceId === null
    if (anonymous) {
      if (!group.is('Empty')) return all(ErrorCode.UNKNOWN_MEMBER_ID)
    } else {
      const member = group.members.get(p.memberId)
      if (!member) return all(ErrorCode.UNKNOWN_MEMBER_ID)
      if (p.generationId !== group.generationId) return all(ErrorCode.ILLEGAL_GENERATION)
      if (group.is('CompletingRebalance')) return all(ErrorCode.REBALANCE_IN_PROGRESS)
      this.#scheduleHeartbeat(group, member)
    }
    const now = this.#now()
    const result = new Map<TopicPartition, number>()
    const valid: { tp: TopicPartition; committed: CommittedOffset }[] = []
    for (const o of p.offsets) {
      const metadata = o.metadata ?? ''
      if (Buffer.byteLength(metadata) > this.#config.offsetMetadataMaxBytes) result.set(o.tp, ErrorCode.OFFSET_METADATA_TOO_LARGE)
      else if (!p.partitionExists(o.tp)) result.set(o.tp, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      else valid.push({ tp: o.tp, committed: { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata, commitTimestampMs: now, expireTimestampMs: o.expireTimestampMs } })
    }
    const code = await this.manager.storeOffsets(group, valid)
    for (const v of valid) result.set(v.tp, code)
    return result
  }

  /** OffsetFetch for one group: `topics` null means every committed offset. */
  fetchOffsets(groupId: string, topics: { name: string; partitions: number[] }[] | null): { errorCode: number; offsets: { tp: TopicPartition; offset: bigint; leaderEpoch: number; metadata: string | null }[] } {
    const status = this.#status(groupId)
    if (status !== ErrorCode.NONE) return { errorCode: status, offsets: [] }
    const group = this.manager.groups.get(groupId)
    if (topics === null) {
      const offsets = group ? [...group.offsets.values()].map(({ tp, committed }) => ({ tp, offset: committed.offset, leaderEpoch: committed.leaderEpoch, metadata: committed.metadata })) : []
      return { errorCode: ErrorCode.NONE, offsets }
    }
    const offsets = topics.flatMap((t) =>
      t.partitions.map((partition) => {
        const tp = { topic: t.name, partition }
        const c = group?.committed(tp)
        return c ? { tp, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata } : { tp, offset: NO_OFFSET, leaderEpoch: -1, metadata: '' }
      }),
    )
    return { errorCode: ErrorCode.NONE, offsets }
  }

  /** OffsetDelete: refused per partition while an active consumer group subscribes to the topic. */
  async deleteOffsets(groupId: string, tps: TopicPartition[]): Promise<{ errorCode: number; partitions: Map<TopicPartition, number> }> {
    const status = this.#status(groupId)
    if (status !== ErrorCode.NONE) return { errorCode: status, partitions: new Map() }
    const group = this.manager.groups.get(groupId)
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: new Map() }
    const partitions = new Map<TopicPartition, number>()
    let subscribed: Set<string> | undefined
    if (!group.is('Empty')) {
      if (group.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions }
      subscribed = group.subscribedTopics()
    }
    const deletable: TopicPartition[] = []
    for (const tp of tps) {
      if (subscribed?.has(tp.topic)) partitions.set(tp, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC)
      else {
        partitions.set(tp, ErrorCode.NONE)
        if (group.committed(tp)) deletable.push(tp)
      }
    }
    const code = await this.manager.deleteOffsets(group, deletable, false)
    if (code !== ErrorCode.NONE) return { errorCode: code, partitions: new Map() }
    return { errorCode: ErrorCode.NONE, partitions }
  }

  // ---- admin ----

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): { errorCode: number; groups: { groupId: string; protocolType: string; state: GroupState }[] } {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()))
    const types = new Set(typesFilter.map((s) => s.toLowerCase()))
    const groups = [...this.manager.groups.values()]
      .filter((g) => !g.is('Dead') && this.manager.groupStatus(g.groupId) === ErrorCode.NONE)
      .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
      .filter(() => types.size === 0 || types.has('classic'))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }))
    return { errorCode: ErrorCode.NONE, groups }
  }

  describeGroup(groupId: string): GroupSummary {
    const status = this.#status(groupId)
    const empty: GroupSummary = { groupId, errorCode: status, state: 'Dead', protocolType: '', protocolName: '', members: [] }
    if (status !== ErrorCode.NONE) return empty
    const group = this.manager.groups.get(groupId)
    if (!group) return { ...empty, errorCode: ErrorCode.NONE }
    const stable = group.is('Stable')
    return {
      groupId,
      errorCode: ErrorCode.NONE,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable && group.protocolName !== null ? m.metadataFor(group.protocolName) : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    }
  }

  /** DeleteGroups for one group: only an Empty group can go; its offsets and metadata get tombstones. */
  async deleteGroup(groupId: string): Promise<number> {
    const status = this.#status(groupId)
    if (status !== ErrorCode.NONE) return status
    const group = this.manager.groups.get(groupId)
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP
    const code = await this.manager.deleteOffsets(group, [...group.offsets.values()].map((o) => o.tp), true)
    if (code !== ErrorCode.NONE) return code
    if (group.is('Empty')) group.transitionTo('Dead', this.#now())
    this.#timers.delete(group)
    this.#logger.info(`Group ${groupId} deleted`)
    return ErrorCode.NONE
  }

  // ---- helpers ----

  #timersOf(group: ClassicGroup): GroupTimers {
    let t = this.#timers.get(group)
    if (!t) {
      t = {}
      this.#timers.set(group, t)
    }
    return t
  }

  #timer(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(fn, Math.max(0, ms))
    t.unref()
    return t
  }
}
