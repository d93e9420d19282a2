/**
 * The "consumer" protocol type's two payloads, Kafka's ConsumerProtocol: the
 * subscription a member puts in JoinGroup's protocol metadata and the
 * assignment the leader hands out through SyncGroup. Both are an int16
 * version followed by a ConsumerProtocolSubscription/-Assignment struct
 * (generated codecs, versions 0-3, never flexible).
 *
 * Versions (ConsumerProtocolSubscription.json): v1 adds ownedPartitions
 * (KIP-429), v2 generationId (KIP-792), v3 rackId (KIP-881). A reader meets
 * every version in a mixed group: Java sends its highest (v1 from 2.4, v2
 * from 3.4, v3 from 3.5), librdkafka v1 from 1.4 and v3 from 2.2. A newer
 * version than ours is read with our highest layout, as Java's
 * checkSubscriptionVersion does: versions may only append fields.
 */
import { DecodeError, EncodeError } from '../../protocol/codec-error.js'
import { ConsumerProtocolAssignmentSpec, type ConsumerProtocolAssignmentTopicPartition } from '../../protocol/messages/consumer-protocol-assignment.js'
import { ConsumerProtocolSubscriptionSpec, type ConsumerProtocolSubscriptionTopicPartition } from '../../protocol/messages/consumer-protocol-subscription.js'
import { Reader } from '../../protocol/reader.js'
import { Writer } from '../../protocol/writer.js'
import type { TopicPartition } from '../../common/topic-partition.js'
import type { MemberSubscription } from './assignors/assignor.js'
import { compareStrings, compareTopicPartitions } from './assignors/ordering.js'

/**
 * The subscription version Brook sends, whatever the assignor: what Java 3.5+
 * and librdkafka 2.2+ send, so any leader that copes with those copes with
 * us. v2's generationId matters to a Java leader: CooperativeStickyAssignor
 * takes ownedPartitions with it as they are, and otherwise digs the generation
 * out of userData; the sticky assignors compare it between claimants.
 */
export const SUBSCRIPTION_VERSION = 3

/**
 * The assignment version Brook sends. Every version has the same layout;
 * v0 is what librdkafka writes and what no reader can refuse (Java writes
 * its highest, 3).
 */
export const ASSIGNMENT_VERSION = 0

/** A subscription as read from JoinGroup metadata (a MemberSubscription without the member's ids). */
export type ConsumerSubscription = Omit<MemberSubscription, 'memberId' | 'groupInstanceId'>

/**
 * ConsumerProtocolSubscription at `version` (0-3), version prefix included.
 * Fields the version lacks are dropped (all are `ignorable` in the spec).
 * Topics and owned partitions are written sorted, as Java does, so the same
 * subscription always gives the same bytes.
 */
export function encodeSubscription(
  s: { topics: string[]; userData: Buffer | null; ownedPartitions: TopicPartition[]; generationId: number; rackId: string | null },
  version: number,
): Buffer {
  checkVersion('subscription', version, ConsumerProtocolSubscriptionSpec)
  const w = new Writer()
  w.int16(version)
  ConsumerProtocolSubscriptionSpec.write(
    w,
    {
      topics: [...s.topics].sort(compareStrings),
      userData: s.userData,
      ownedPartitions: groupByTopic([...s.ownedPartitions].sort(compareTopicPartitions)),
      generationId: s.generationId,
      rackId: s.rackId,
    },
    version,
  )
  return w.finish()
}

/**
 * Reads a subscription of any version (DecodeError for a negative version or
 * bytes that do not hold one). Absent fields get their defaults: no owned
 * partitions, generation -1, rack null. A negative generation reads as -1 and
 * an empty rack as null, as Java's Subscription treats them. userData is a
 * view into `b`, not a copy.
 */
export function decodeSubscription(b: Buffer): ConsumerSubscription {
  const r = new Reader(b)
  const version = r.int16()
  if (version < ConsumerProtocolSubscriptionSpec.minVersion) throw new DecodeError(`unsupported subscription version ${version}`, 0)
  const m = ConsumerProtocolSubscriptionSpec.read(r, Math.min(version, ConsumerProtocolSubscriptionSpec.maxVersion))
  return {
    topics: m.topics,
    userData: m.userData,
    ownedPartitions: flatten(m.ownedPartitions),
    generationId: m.generationId < 0 ? -1 : m.generationId,
    rackId: m.rackId === null || m.rackId === '' ? null : m.rackId,
  }
}

/**
 * ConsumerProtocolAssignment, version prefix included. Partitions are grouped
 * by topic in the order the topics first appear (Java's serializeAssignment).
 */
export function encodeAssignment(partitions: TopicPartition[], userData: Buffer | null, version: number = ASSIGNMENT_VERSION): Buffer {
  checkVersion('assignment', version, ConsumerProtocolAssignmentSpec)
  const w = new Writer()
  w.int16(version)
  ConsumerProtocolAssignmentSpec.write(w, { assignedPartitions: groupByTopic(partitions), userData }, version)
  return w.finish()
}

/**
 * Reads an assignment of any version. Empty bytes are an empty assignment:
 * the coordinator sends that to a member the leader left out, and Kafka's
 * group coordinator answers some SyncGroups with it.
 */
export function decodeAssignment(b: Buffer): { partitions: TopicPartition[]; userData: Buffer | null } {
  if (b.length === 0) return { partitions: [], userData: null }
  const r = new Reader(b)
  const version = r.int16()
  if (version < ConsumerProtocolAssignmentSpec.minVersion) throw new DecodeError(`unsupported assignment version ${version}`, 0)
  const m = ConsumerProtocolAssignmentSpec.read(r, Math.min(version, ConsumerProtocolAssignmentSpec.maxVersion))
  return { partitions: flatten(m.assignedPartitions), userData: m.userData }
}

function checkVersion(what: string, version: number, spec: { minVersion: number; maxVersion: number }): void {
  if (!Number.isInteger(version) || version < spec.minVersion || version > spec.maxVersion) {
    throw new EncodeError(`${what} version ${version} is outside ${spec.minVersion}-${spec.maxVersion}`)
  }
}

type TopicPartitions = ConsumerProtocolSubscriptionTopicPartition & ConsumerProtocolAssignmentTopicPartition

function groupByTopic(partitions: readonly TopicPartition[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>()
  for (const tp of partitions) {
    let list = byTopic.get(tp.topic)
    if (list === undefined) byTopic.set(tp.topic, (list = []))
    list.push(tp.partition)
  }
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps }))
}

function flatten(topics: readonly TopicPartitions[]): TopicPartition[] {
  return topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })))
}
