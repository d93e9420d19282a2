/**
 * Consumer-group requests over RawClient (Brook's own codecs), for what the
 * tests must read exactly as the broker answers: DescribeGroups (client
 * hosts, member assignments), ListGroups with a states filter (no installed
 * client sends one), OffsetFetch, OffsetDelete and DeleteGroups error codes.
 * Plus the bookkeeping the group tests share: producing numbered records
 * and checking what members consumed against them.
 */
import assert from 'node:assert/strict'
import { Reader } from '../../src/protocol/reader.js'
import { ConsumerProtocolAssignmentSpec } from '../../src/protocol/messages/consumer-protocol-assignment.js'
import {
  DeleteGroupsApi,
  DescribeGroupsApi,
  FindCoordinatorApi,
  HeartbeatApi,
  ListGroupsApi,
  OffsetCommitApi,
  OffsetDeleteApi,
  OffsetFetchApi,
  type DescribeGroupsResponseDescribedGroup,
  type ListGroupsResponseListedGroup,
} from '../../src/protocol/messages/index.js'
import { makeBatch, type RawClient } from './raw-client.js'
import type { ConsumedRecord } from './group-member.js'

/** FindCoordinator v3 for a group; creates __consumer_offsets on first use. Returns the error code. */
export async function findCoordinator(raw: RawClient, groupId: string): Promise<number> {
  const res = await raw.request(FindCoordinatorApi, 3, { ...FindCoordinatorApi.request.create(), key: groupId, keyType: 0 })
  return res.errorCode
}

/** DescribeGroups v5 of one group. */
export async function describeGroup(raw: RawClient, groupId: string): Promise<DescribeGroupsResponseDescribedGroup> {
  const res = await raw.request(DescribeGroupsApi, 5, { ...DescribeGroupsApi.request.create(), groups: [groupId] })
  return res.groups[0]!
}

/** The partitions ("topic-partition") in a member's ConsumerProtocolAssignment, sorted. */
export function decodeAssignment(bytes: Buffer): string[] {
  const r = new Reader(bytes)
  const version = r.int16()
  const a = ConsumerProtocolAssignmentSpec.read(r, Math.min(version, ConsumerProtocolAssignmentSpec.maxVersion))
  return a.assignedPartitions.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`)).sort()
}

/** ListGroups v4 (states filter, KIP-518). */
export async function listGroups(raw: RawClient, statesFilter: string[] = []): Promise<ListGroupsResponseListedGroup[]> {
  const res = await raw.request(ListGroupsApi, 4, { ...ListGroupsApi.request.create(), statesFilter })
  assert.equal(res.errorCode, 0)
  return res.groups
}

/** OffsetFetch v7 of a topic's partitions: partition -> committed offset (-1 when none). */
export async function committedOffsets(raw: RawClient, groupId: string, topic: string, partitions: number): Promise<number[]> {
  const res = await raw.request(OffsetFetchApi, 7, {
    ...OffsetFetchApi.request.create(),
    groupId,
    topics: [{ name: topic, partitionIndexes: Array.from({ length: partitions }, (_, p) => p) }],
  })
  assert.equal(res.errorCode, 0, `OffsetFetch error for ${groupId}`)
  const byPartition = new Map(res.topics[0]!.partitions.map((p) => [p.partitionIndex, Number(p.committedOffset)]))
  return Array.from({ length: partitions }, (_, p) => byPartition.get(p)!)
}

/** Heartbeat v4 (with group.instance.id); returns the error code. */
export async function heartbeat(raw: RawClient, groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): Promise<number> {
  const res = await raw.request(HeartbeatApi, 4, { ...HeartbeatApi.request.create(), groupId, memberId, groupInstanceId, generationId })
  return res.errorCode
}

/** OffsetCommit v8 of one partition as (generation, member id); returns the partition's error code. */
export async function commitOffset(raw: RawClient, c: { groupId: string; generationId: number; memberId: string; topic: string; partition: number; offset: number }): Promise<number> {
  const res = await raw.request(OffsetCommitApi, 8, {
    ...OffsetCommitApi.request.create(),
    groupId: c.groupId,
    generationIdOrMemberEpoch: c.generationId,
    memberId: c.memberId,
    groupInstanceId: null,
    topics: [{ name: c.topic, partitions: [{ partitionIndex: c.partition, committedOffset: BigInt(c.offset), committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }],
  })
  return res.topics[0]!.partitions[0]!.errorCode
}

/** DeleteGroups v2 of one group; returns its error code. */
export async function deleteGroup(raw: RawClient, groupId: string): Promise<number> {
  const res = await raw.request(DeleteGroupsApi, 2, { ...DeleteGroupsApi.request.create(), groupsNames: [groupId] })
  return res.results[0]!.errorCode
}

/** OffsetDelete v0 of some partitions of one topic: the top-level error and each partition's. */
export async function offsetDelete(raw: RawClient, groupId: string, topic: string, partitions: number[]): Promise<{ errorCode: number; partitions: number[] }> {
  const res = await raw.request(OffsetDeleteApi, 0, {
    ...OffsetDeleteApi.request.create(),
    groupId,
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex })) }],
  })
  return { errorCode: res.errorCode, partitions: res.topics[0]?.partitions.map((p) => p.errorCode) ?? [] }
}

/**
 * Produces `count` records to each of partitions 0..n-1 (values
 * `<tag>-p<partition>-<i>`); resolves with each partition's log end offset.
 */
export async function produceRound(raw: RawClient, topic: string, partitions: number, count: number, tag: string): Promise<number[]> {
  const ends: number[] = []
  for (let p = 0; p < partitions; p++) {
    const res = await raw.produce(topic, p, makeBatch(Array.from({ length: count }, (_, i) => ({ key: null, value: `${tag}-p${p}-${i}` }))))
    assert.equal(res.errorCode, 0, `produce to ${topic}-${p}`)
    ends.push(Number(res.baseOffset) + count)
  }
  return ends
}

/** "partition:offset" of a record, its identity within one topic. */
export function recordKey(r: { partition: number; offset: number }): string {
  return `${r.partition}:${r.offset}`
}

/** Every offset [from[p], to[p]) of every partition, as record keys. */
export function expectedKeys(from: readonly number[], to: readonly number[]): string[] {
  return to.flatMap((end, p) => Array.from({ length: end - from[p]! }, (_, i) => `${p}:${from[p]! + i}`))
}

/** How often each record (by key) of `topic` was consumed, across members. */
export function consumedCounts(records: readonly ConsumedRecord[], topic: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const r of records) if (r.topic === topic) counts.set(recordKey(r), (counts.get(recordKey(r)) ?? 0) + 1)
  return counts
}

/** True once every expected record was consumed at least once. */
export function consumedAll(records: readonly ConsumedRecord[], topic: string, expected: readonly string[]): boolean {
  const counts = consumedCounts(records, topic)
  return expected.every((k) => (counts.get(k) ?? 0) > 0)
}

/** Asserts that `records` hold each expected record exactly once and nothing else from `topic`. */
export function assertExactlyOnce(records: readonly ConsumedRecord[], topic: string, expected: readonly string[], what: string): void {
  const counts = consumedCounts(records, topic)
  const missing = expected.filter((k) => !counts.has(k))
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([k]) => k)
  const wanted = new Set(expected)
  const unexpected = [...counts.keys()].filter((k) => !wanted.has(k))
  assert.deepEqual({ missing, duplicated, unexpected }, { missing: [], duplicated: [], unexpected: [] }, what)
}
