/**
 * "cooperative-sticky" (Kafka's CooperativeStickyAssignor, KIP-429;
 * librdkafka's rdkafka_sticky_assignor.c, its only sticky assignor): the
 * sticky assignment, less every partition that changes hands. Members keep
 * their partitions while they rejoin, so a partition moving from A to B is
 * left out of B's assignment this round; A's assignment omits it too, A
 * revokes it and rejoins (a member that revoked something always does), and
 * that follow-up rebalance gives it to B. Java's adjustAssignment.
 *
 * Where each member's previous ownership comes from:
 * - subscription v2+ with a generation (Java 3.4+, librdkafka 2.2+, Brook):
 *   ownedPartitions and generationId, userData ignored.
 * - older subscriptions: ownedPartitions (v1) with the generation from
 *   userData, which comes in two layouts:
 *   - Java's CooperativeStickyAssignor: exactly an int32 generation.
 *   - librdkafka before 2.2: StickyAssignorUserData v1 (previous assignment
 *     then generation; see sticky-assignor.ts), the same layout as eager
 *     sticky. Java's leader misreads this one (the topic count as the
 *     generation); Brook tells them apart by length, since that layout is
 *     never 4 bytes long (8 at the least).
 *   librdkafka's leader ignores userData and takes the generation from v2+
 *   subscriptions only (-1 otherwise).
 *
 * Brook writes Java's layout: the only one an older Java leader (2.4-3.3,
 * which reads subscriptions as v1 at most) reads right.
 */
import { AbstractStickyAssignor, type MemberData } from './abstract-sticky-assignor.js'
import type { MemberSubscription, TopicPartition } from './assignor.js'
import { decodeStickyUserData } from './sticky-assignor.js'

export class CooperativeStickyAssignor extends AbstractStickyAssignor {
  readonly name = 'cooperative-sticky'
  readonly rebalanceProtocol = 'COOPERATIVE'

  /** The generation as an int32, always (Java writes -1 before the first assignment too). */
  userData(_owned: TopicPartition[], generation: number): Buffer | null {
    const b = Buffer.alloc(4)
    b.writeInt32BE(generation)
    return b
  }

  memberData(s: MemberSubscription): MemberData {
    if (s.generationId >= 0) return { partitions: s.ownedPartitions, generation: s.generationId }
    return { partitions: s.ownedPartitions, generation: userDataGeneration(s.userData) }
  }

  override assign(partitionsPerTopic: Map<string, number>, members: Map<string, MemberSubscription>): Map<string, TopicPartition[]> {
    const { assignment, transferring } = this.stickyAssignment(partitionsPerTopic, members)
    for (const [memberId, list] of assignment) {
      const withheld = transferring.get(memberId)!
      if (withheld.size > 0) assignment.set(memberId, list.filter((tp) => !withheld.has(tp)))
    }
    return assignment
  }
}

function userDataGeneration(userData: Buffer | null): number {
  if (userData === null) return -1
  if (userData.length === 4) return userData.readInt32BE(0)
  return decodeStickyUserData(userData)?.generation ?? -1
}
