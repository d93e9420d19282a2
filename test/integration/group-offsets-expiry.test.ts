/**
 * offsets.retention.minutes: committed offsets of a group nobody uses
 * expire, and the group goes with them; a group with members keeps its
 * offsets of the topics it subscribes to however old, and loses those of a
 * topic it no longer subscribes to (KIP-211). The broker runs in-process on a MockTime clock, so
 * "a week later" is a clock step; the expiry check itself runs on its real
 * interval (offsets.retention.check.interval.ms).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { MockTime } from '../../src/common/time.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { FindCoordinatorApi, JoinGroupApi, ListGroupsApi, OffsetCommitApi, OffsetFetchApi, SyncGroupApi } from '../../src/protocol/messages/index.js'
import { RawClient } from './raw-client.js'
import { encodeSubscription } from '../../src/client/consumer/consumer-protocol.js'

const RETENTION_MINUTES = 10
/** A "consumer" member's subscription to topic t alone (ConsumerProtocolSubscription v0). */
const SUBSCRIBES_T = encodeSubscription({ topics: ['t'], userData: null, ownedPartitions: [], generationId: -1, rackId: null }, 0)
let broker: RunningBroker
let client: RawClient
const time = new MockTime(Date.now())

before(async () => {
  broker = await startBroker({ time, config: { 'offsets.retention.minutes': String(RETENTION_MINUTES), 'offsets.retention.check.interval.ms': '50', 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '2' } })
  client = await RawClient.connect(broker.port)
  assert.equal((await client.createTopic('t', { partitions: 1 })).errorCode, ErrorCode.NONE)
  assert.equal((await client.createTopic('u', { partitions: 1 })).errorCode, ErrorCode.NONE)
  // As clients do: find the coordinator first (this creates __consumer_offsets; until then every group is NOT_COORDINATOR).
  assert.equal((await client.request(FindCoordinatorApi, 3, { ...FindCoordinatorApi.request.create(), key: 'any', keyType: 0 })).errorCode, ErrorCode.NONE)
})

after(async () => {
  await client.close()
  await broker.close()
})

async function committed(groupId: string, topic = 't'): Promise<bigint> {
  const r = await client.request(OffsetFetchApi, 7, { ...OffsetFetchApi.request.create(), groupId, topics: [{ name: topic, partitionIndexes: [0] }] })
  return r.topics[0]!.partitions[0]!.committedOffset
}

async function commit(groupId: string, generation: number, memberId: string, offset: bigint, topic = 't'): Promise<void> {
  const r = await client.request(OffsetCommitApi, 8, {
    ...OffsetCommitApi.request.create(),
    groupId,
    generationIdOrMemberEpoch: generation,
    memberId,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }],
  })
  assert.equal(r.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE)
}

async function groupIds(): Promise<string[]> {
  return (await client.request(ListGroupsApi, 4, { statesFilter: [], typesFilter: [] })).groups.map((g) => g.groupId)
}

async function waitFor(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return
    await sleep(25)
  }
  assert.fail(`timed out waiting for ${what}`)
}

test('offsets of an unused group expire after offsets.retention.minutes and the group is removed; an active group keeps its offsets', async () => {
  await commit('simple', -1, '', 42n)
  // An active member commits too.
  const first = await client.request(JoinGroupApi, 5, { ...JoinGroupApi.request.create(), groupId: 'active', memberId: '', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: SUBSCRIBES_T }] })
  const joined = await client.request(JoinGroupApi, 5, { ...JoinGroupApi.request.create(), groupId: 'active', memberId: first.memberId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: SUBSCRIBES_T }] })
  await client.request(SyncGroupApi, 3, { ...SyncGroupApi.request.create(), groupId: 'active', generationId: joined.generationId, memberId: joined.memberId, assignments: [] })
  await commit('active', joined.generationId, joined.memberId, 7n)
  // A topic it no longer subscribes to (KIP-211): its offset expires while the group is Stable.
  await commit('active', joined.generationId, joined.memberId, 9n, 'u')

  time.advance(RETENTION_MINUTES * 60_000 - 1000)
  await sleep(200) // several expiry checks run: nothing is due yet
  assert.equal(await committed('simple'), 42n)
  assert.equal(await committed('active', 'u'), 9n)

  time.advance(2000)
  await waitFor('the simple group to expire', async () => (await committed('simple')) === -1n)
  await waitFor('the simple group to be removed', async () => !(await groupIds()).includes('simple'))
  assert.equal(await committed('active'), 7n, 'a group with a member keeps the offsets of topics it subscribes to')
  await waitFor("the active group's offset of a topic it does not subscribe to to expire", async () => (await committed('active', 'u')) === -1n)
  assert.ok((await groupIds()).includes('active'))
})
