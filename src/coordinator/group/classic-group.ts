/**
 * One consumer group under the classic group protocol (Kafka's
 * `ClassicGroup` / `GroupMetadata`): its members, state, generation and the
 * protocol chosen for the generation, plus its committed offsets. Pure state:
 * no timers, no I/O. The GroupCoordinator drives the transitions.
 *
 * States (Kafka's names, shown by DescribeGroups and ListGroups):
 *
 *   Empty --join--> PreparingRebalance --all joined--> CompletingRebalance
 *     ^                 ^      |                              | leader's SyncGroup
 *     |                 |      +--no member left--> Empty     v
 *     +--last leaves----+------------member change------- Stable
 *   any --group deleted / offsets expired--> Dead
 */
import type { TopicPartition } from '../../common/topic-partition.js'
import { subscribedTopics } from './consumer-protocol.js'

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Empty', 'Stable', 'CompletingRebalance'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
}

export interface Protocol {
  name: string
  metadata: Buffer
}

/** What a JoinGroup waiting for the rebalance to complete is answered with. */
export interface JoinResult {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  memberId: string
  /** Only the leader gets the members (with their metadata for the chosen protocol). */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[]
}

export interface SyncResult {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

/** A JoinGroup answer carrying only an error (and the member id, which MEMBER_ID_REQUIRED hands out). */
export function joinError(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] }
}

/** A SyncGroup answer carrying only an error. */
export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
}

export class MemberMetadata {
  assignment: Buffer = Buffer.alloc(0)
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  awaitingJoin: ((r: JoinResult) => void) | undefined
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  awaitingSync: ((r: SyncResult) => void) | undefined
  /** True from joining until the member's first join completes (Kafka's `isNew`). */
  isNew = false
  /** The member's session deadline timer (owned by the coordinator). */
  heartbeatTimer: NodeJS.Timeout | undefined

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: Protocol[],
  ) {}

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== undefined
  }

  /**
   * Answers the member's waiting JoinGroup and SyncGroup, if any, with an
   * error. The group's count of members awaiting join is the caller's to keep.
   */
  failWaiting(errorCode: number): void {
    const join = this.awaitingJoin
    const sync = this.awaitingSync
    this.awaitingJoin = undefined
    this.awaitingSync = undefined
    join?.(joinError(errorCode, this.memberId))
    sync?.(syncError(errorCode))
  }

  /** The member's metadata for a protocol; empty if it does not support it (never throws: answers must go out). */
  metadataFor(protocol: string): Buffer {
    return this.protocols.find((x) => x.name === protocol)?.metadata ?? Buffer.alloc(0)
  }

  /** Same protocols with the same metadata, in the same order (a rejoin that changes nothing). */
  matches(protocols: readonly Protocol[]): boolean {
    return protocols.length === this.protocols.length && protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
  }
}

export interface CommittedOffset {
  offset: bigint
  leaderEpoch: number
  metadata: string
  commitTimestampMs: number
  /** From OffsetCommit v1-v4's retention; -1 when the group's rules decide. */
  expireTimestampMs: number
}

export class ClassicGroup {
  #state: GroupState = 'Empty'
  /** When the group entered its current state (GroupMetadataValue.currentStateTimestamp). */
  currentStateTimestampMs: number
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  readonly members = new Map<string, MemberMetadata>()
  /** Member ids handed out by a MEMBER_ID_REQUIRED answer, not yet joined (KIP-394). */
  readonly pendingMembers = new Set<string>()
  /** group.instance.id -> member id (KIP-345 static membership). */
  readonly staticMembers = new Map<string, string>()
  /** Members that have not yet answered SyncGroup in this generation (Kafka's pendingSyncMembers). */
  readonly pendingSync = new Set<string>()
  readonly offsets = new Map<string, { tp: TopicPartition; committed: CommittedOffset }>()
  /**
   * OffsetCommits being written to __consumer_offsets. Kafka's hasOffsets counts
   * them: without that, an expiry pass that runs while a group's first commit
   * is on its way to disk sees an Empty group with no offsets and removes it.
   */
  pendingOffsetCommits = 0
  /** Members waiting in JoinGroup; the rebalance completes when every member waits. */
  numMembersAwaitingJoin = 0
  /** True while a new group's first rebalance waits group.initial.rebalance.delay.ms. */
  newMemberAdded = false

  constructor(
    readonly groupId: string,
    nowMs: number,
  ) {
    this.currentStateTimestampMs = nowMs
  }

  get state(): GroupState {
    return this.#state
  }

  is(state: GroupState): boolean {
    return this.#state === state
  }

  transitionTo(state: GroupState, nowMs: number): void {
    if (!VALID_PREVIOUS[state].includes(this.#state)) {
      throw new Error(`Group ${this.groupId} should be in one of ${VALID_PREVIOUS[state].join(', ')} before moving to ${state}, but is ${this.#state}`)
    }
    this.#state = state
    this.currentStateTimestampMs = nowMs
  }

  /** Restores the state read from __consumer_offsets (no transition checks). */
  restoreState(state: GroupState, timestampMs: number): void {
    this.#state = state
    this.currentStateTimestampMs = timestampMs
  }

  has(memberId: string): boolean {
    return this.members.has(memberId)
  }

  add(member: MemberMetadata, onJoin?: (r: JoinResult) => void): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    if (this.leaderId === null) this.leaderId = member.memberId
    this.members.set(member.memberId, member)
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    if (onJoin) {
      member.awaitingJoin = onJoin
      this.numMembersAwaitingJoin++
    }
    this.pendingMembers.delete(member.memberId)
  }

  remove(memberId: string): MemberMetadata | undefined {
    const member = this.members.get(memberId)
    if (!member) return undefined
    this.members.delete(memberId)
    if (member.isAwaitingJoin) this.numMembersAwaitingJoin--
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) this.staticMembers.delete(member.groupInstanceId)
    this.pendingSync.delete(memberId)
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null
    return member
  }

  /**
   * Moves a static member to a new member id (a restarted instance re-joining),
   * keeping its place. The old member must no longer be awaiting join.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): MemberMetadata {
    const old = this.members.get(oldMemberId)
    if (!old) throw new Error(`static member ${groupInstanceId} has no member ${oldMemberId}`)
    const replacement = new MemberMetadata(newMemberId, groupInstanceId, old.clientId, old.clientHost, old.rebalanceTimeoutMs, old.sessionTimeoutMs, old.protocolType, old.protocols)
    replacement.assignment = old.assignment
    this.members.delete(oldMemberId)
    this.members.set(newMemberId, replacement)
    this.staticMembers.set(groupInstanceId, newMemberId)
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId
    if (this.pendingSync.delete(oldMemberId)) this.pendingSync.add(newMemberId)
    return replacement
  }

  staticMemberId(groupInstanceId: string | null): string | undefined {
    return groupInstanceId === null ? undefined : this.staticMembers.get(groupInstanceId)
  }

  get allMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0
  }

  /** The longest rebalance timeout of the members: how long a rebalance waits for rejoins. */
  get rebalanceTimeoutMs(): number {
    let max = 0
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }

  /**
   * Protocols every member supports; a joining member must support at least
   * one of them (else INCONSISTENT_GROUP_PROTOCOL).
   */
  supportsProtocols(protocolType: string, protocols: readonly Protocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0
    if (protocolType !== this.protocolType) return false
    const candidates = this.#candidateProtocols()
    return protocols.some((p) => candidates.has(p.name))
  }

  #candidateProtocols(): Set<string> {
    let common: Set<string> | undefined
    for (const m of this.members.values()) {
      const names = new Set(m.protocols.map((p) => p.name))
      common = common === undefined ? names : new Set([...common].filter((n) => names.has(n)))
    }
    return common ?? new Set()
  }

  /**
   * Kafka's selectProtocol: each member votes for the first protocol in its
   * own preference order that every member supports; most votes wins (ties:
   * the first candidate reached).
   */
  selectProtocol(): string {
    const candidates = this.#candidateProtocols()
    if (candidates.size === 0) throw new Error(`no protocol is supported by every member of group ${this.groupId}`)
    const votes = new Map<string, number>()
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name))!.name
      votes.set(choice, (votes.get(choice) ?? 0) + 1)
    }
    let best = ''
    let bestVotes = -1
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name
        bestVotes = n
      }
    }
    return best
  }

  /** Starts the next generation (Kafka's initNextGeneration). */
  initNextGeneration(nowMs: number): void {
    this.generationId++
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol()
      this.transitionTo('CompletingRebalance', nowMs)
      this.pendingSync.clear()
      for (const id of this.members.keys()) this.pendingSync.add(id)
    } else {
      this.protocolName = null
      this.transitionTo('Empty', nowMs)
    }
  }

  /** The JoinGroup answer for a member of the current generation. */
  joinResultFor(memberId: string, errorCode: number): JoinResult {
    const isLeader = this.leaderId === memberId
    return {
      errorCode,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      memberId,
      members: isLeader && this.protocolName !== null ? [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(this.protocolName!) })) : [],
    }
  }

  offsetKey(tp: TopicPartition): string {
    return `${tp.topic}\u0000${tp.partition}`
  }

  /**
   * The topics a "consumer" group's members subscribe to (from their protocol
   * metadata): OffsetDelete refuses them and offset expiry keeps them. An
   * unreadable subscription counts as every topic the group has offsets for,
   * so nothing in use is lost.
   */
  subscribedTopics(): Set<string> {
    const topics = new Set<string>()
    for (const m of this.members.values()) {
      const metadata = this.protocolName !== null ? m.metadataFor(this.protocolName) : m.protocols[0]?.metadata
      const parsed = metadata ? subscribedTopics(metadata) : null
      if (parsed === null) for (const { tp } of this.offsets.values()) topics.add(tp.topic)
      else for (const t of parsed) topics.add(t)
    }
    return topics
  }

  committed(tp: TopicPartition): CommittedOffset | undefined {
    return this.offsets.get(this.offsetKey(tp))?.committed
  }

  setOffset(tp: TopicPartition, committed: CommittedOffset): void {
    this.offsets.set(this.offsetKey(tp), { tp, committed })
  }

  deleteOffset(tp: TopicPartition): boolean {
    return this.offsets.delete(this.offsetKey(tp))
  }
}
