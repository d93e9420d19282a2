/**
 * Helpers for the assignor tests: building groups, checking assignments, and
 * a seeded random generator for the property tests.
 */
import assert from 'node:assert/strict'
import type { MemberSubscription, TopicPartition } from './assignor.js'
import { seededRng } from '../../../protocol/testing/fuzz.js'

export function tp(topic: string, partition: number): TopicPartition {
  return { topic, partition }
}

/** Partitions as sorted `topic-partition` keys, for comparisons that ignore order. */
export function keys(list: readonly TopicPartition[]): string[] {
  return list.map((x) => `${x.topic}-${x.partition}`).sort()
}

export function subscription(topics: string[], more: Partial<MemberSubscription> = {}): Omit<MemberSubscription, 'memberId'> {
  return { groupInstanceId: null, topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null, ...more }
}

/** A group from member id -> subscription. */
export function group(members: Record<string, Omit<MemberSubscription, 'memberId'>>): Map<string, MemberSubscription> {
  return new Map(Object.entries(members).map(([memberId, s]) => [memberId, { ...s, memberId }]))
}

export function topics(counts: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(counts))
}

/** Every member present; every partition of a subscribed topic assigned exactly once, to a subscriber. */
export function assertValid(
  partitionsPerTopic: Map<string, number>,
  members: Map<string, MemberSubscription>,
  assignment: Map<string, TopicPartition[]>,
  opts: { complete?: boolean } = {},
): void {
  assert.deepEqual([...assignment.keys()].sort(), [...members.keys()].sort(), 'one entry per member')
  const seen = new Map<string, string>()
  for (const [memberId, list] of assignment) {
    for (const x of list) {
      const key = `${x.topic}-${x.partition}`
      assert.ok(members.get(memberId)!.topics.includes(x.topic), `${key} assigned to ${memberId}, which does not subscribe to ${x.topic}`)
      const count = partitionsPerTopic.get(x.topic)
      assert.ok(count !== undefined && x.partition >= 0 && x.partition < count, `${key} does not exist`)
      assert.ok(!seen.has(key), `${key} assigned to both ${seen.get(key)} and ${memberId}`)
      seen.set(key, memberId)
    }
  }
  if (opts.complete === false) return
  const subscribed = new Set([...members.values()].flatMap((m) => m.topics))
  for (const [topic, count] of partitionsPerTopic) {
    if (!subscribed.has(topic)) continue
    for (let p = 0; p < count; p++) assert.ok(seen.has(`${topic}-${p}`), `${topic}-${p} is not assigned`)
  }
}

/** Largest minus smallest number of partitions per member. */
export function spread(assignment: Map<string, TopicPartition[]>): number {
  const sizes = [...assignment.values()].map((l) => l.length)
  return Math.max(...sizes) - Math.min(...sizes)
}

/** A seeded generator (the fuzzers' mulberry32), so a failing random case can be replayed. */
export const seededRandom = seededRng
