/**
 * The group coordinator's wire behaviour, request by request, with exact
 * versions and the error codes Kafka gives: a broker started in-process with
 * startBroker() and spoken to over TCP with Brook's own codecs (RawClient).
 * Real clients driving whole groups are in consumer-groups*.test.ts.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import {
  DeleteGroupsApi,
  DescribeGroupsApi,
  FindCoordinatorApi,
  HeartbeatApi,
  JoinGroupApi,
  LeaveGroupApi,
  ListGroupsApi,
  OffsetCommitApi,
  OffsetDeleteApi,
  OffsetFetchApi,
  SyncGroupApi,
  type JoinGroupResponse,
} from '../../src/protocol/messages/index.js'
import { makeBatch, RawClient } from './raw-client.js'

let broker: RunningBroker
let client: RawClient

before(async () => {
  broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000', 'offsets.topic.num.partitions': '4', 'num.partitions': '2' } })
  client = await RawClient.connect(broker.port)
  // Topics the commits below refer to.
  for (const topic of ['t1', 't2']) assert.equal((await client.createTopic(topic, { partitions: 2 })).errorCode, ErrorCode.NONE)
  // As clients do: find the coordinator first (this creates __consumer_offsets; until then every group is NOT_COORDINATOR).
  assert.equal((await client.request(FindCoordinatorApi, 3, { ...FindCoordinatorApi.request.create(), key: 'any', keyType: 0 })).errorCode, ErrorCode.NONE)
})

after(async () => {
  await client.close()
  await broker.close()
})

const PROTOCOL = { name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 1, 0, 2, 0x74, 0x31, 0xff, 0xff, 0xff, 0xff]) } // v0 subscription to "t1"

function join(groupId: string, memberId: string, opts: { version?: number; instanceId?: string | null; sessionTimeoutMs?: number; protocolType?: string; c?: RawClient } = {}): Promise<JoinGroupResponse> {
  return (opts.c ?? client).request(JoinGroupApi, opts.version ?? 5, {
    ...JoinGroupApi.request.create(),
    groupId,
    memberId,
    groupInstanceId: opts.instanceId ?? null,
    sessionTimeoutMs: opts.sessionTimeoutMs ?? 10_000,
    rebalanceTimeoutMs: 10_000,
    protocolType: opts.protocolType ?? 'consumer',
    protocols: [PROTOCOL],
  })
}

/** A dynamic member through KIP-394's two-step join, then the leader's sync: a Stable one-member group. */
async function stableGroup(groupId: string): Promise<{ memberId: string; generationId: number }> {
  const first = await join(groupId, '')
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
  const joined = await join(groupId, first.memberId)
  assert.equal(joined.errorCode, ErrorCode.NONE)
  const sync = await client.request(SyncGroupApi, 3, { ...SyncGroupApi.request.create(), groupId, generationId: joined.generationId, memberId: joined.memberId, assignments: [{ memberId: joined.memberId, assignment: Buffer.from('A') }] })
  assert.equal(sync.errorCode, ErrorCode.NONE)
  return { memberId: joined.memberId, generationId: joined.generationId }
}

describe('group coordinator over the wire', { timeout: 60_000 }, () => {
  test('FindCoordinator names this broker, one key (v3) or a batch (v4+); bad keys are INVALID_REQUEST', async () => {
    const v3 = await client.request(FindCoordinatorApi, 3, { ...FindCoordinatorApi.request.create(), key: 'g-find', keyType: 0 })
    assert.deepEqual([v3.errorCode, v3.nodeId, v3.host, v3.port], [ErrorCode.NONE, 0, '127.0.0.1', broker.port])
    const v4 = await client.request(FindCoordinatorApi, 4, { ...FindCoordinatorApi.request.create(), keyType: 0, coordinatorKeys: ['a', 'b', ''] })
    assert.deepEqual(
      v4.coordinators.map((c) => [c.key, c.errorCode, c.port]),
      [['a', ErrorCode.NONE, broker.port], ['b', ErrorCode.NONE, broker.port], ['', ErrorCode.INVALID_REQUEST, -1]],
    )
    const badType = await client.request(FindCoordinatorApi, 4, { ...FindCoordinatorApi.request.create(), keyType: 7, coordinatorKeys: ['a'] })
    assert.equal(badType.coordinators[0]!.errorCode, ErrorCode.INVALID_REQUEST)
  })

  test('a new member gets MEMBER_ID_REQUIRED, then leads generation 1; sync hands out the assignment; DescribeGroups shows it', async () => {
    const first = await join('g-basic', '')
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    assert.match(first.memberId, /^.+-[0-9a-f-]{36}$/)
    const joined = await join('g-basic', first.memberId)
    assert.equal(joined.errorCode, ErrorCode.NONE)
    assert.equal(joined.generationId, 1)
    assert.equal(joined.leader, first.memberId)
    assert.equal(joined.protocolName, 'range')
    assert.deepEqual(joined.members.map((m) => [m.memberId, Buffer.from(m.metadata).equals(PROTOCOL.metadata)]), [[first.memberId, true]])
    const sync = await client.request(SyncGroupApi, 5, { ...SyncGroupApi.request.create(), groupId: 'g-basic', generationId: 1, memberId: first.memberId, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: first.memberId, assignment: Buffer.from('assigned') }] })
    assert.deepEqual([sync.errorCode, Buffer.from(sync.assignment).toString(), sync.protocolName], [ErrorCode.NONE, 'assigned', 'range'])
    const hb = await client.request(HeartbeatApi, 4, { groupId: 'g-basic', generationId: 1, memberId: first.memberId, groupInstanceId: null })
    assert.equal(hb.errorCode, ErrorCode.NONE)
    const described = await client.request(DescribeGroupsApi, 5, { groups: ['g-basic', 'no-such-group'], includeAuthorizedOperations: false })
    const [g, missing] = described.groups
    assert.deepEqual([g!.errorCode, g!.groupState, g!.protocolType, g!.protocolData], [ErrorCode.NONE, 'Stable', 'consumer', 'range'])
    assert.equal(g!.members[0]!.clientHost, '/127.0.0.1')
    assert.equal(Buffer.from(g!.members[0]!.memberAssignment).toString(), 'assigned')
    assert.deepEqual([missing!.errorCode, missing!.groupState], [ErrorCode.NONE, 'Dead'])
  })

  test('errors: session timeout out of range, protocol type mismatch, unknown member, stale generation', async () => {
    assert.equal((await join('g-err', '', { sessionTimeoutMs: 10 })).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT)
    const { memberId } = await stableGroup('g-err')
    assert.equal((await join('g-err', '', { protocolType: 'connect' })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    assert.equal((await join('g-err', 'who-is-this')).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await join('g-never-seen', 'who-is-this')).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    const hb = (generationId: number, id = memberId) => client.request(HeartbeatApi, 4, { groupId: 'g-err', generationId, memberId: id, groupInstanceId: null })
    assert.equal((await hb(99)).errorCode, ErrorCode.ILLEGAL_GENERATION)
    assert.equal((await hb(1, 'nobody')).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    const sync = await client.request(SyncGroupApi, 3, { ...SyncGroupApi.request.create(), groupId: 'g-err', generationId: 7, memberId })
    assert.equal(sync.errorCode, ErrorCode.ILLEGAL_GENERATION)
  })

  test('a second member triggers a rebalance: the first learns it from its heartbeat, both join generation 2', async () => {
    const a = await stableGroup('g-two')
    const second = await RawClient.connect(broker.port)
    try {
      const bFirst = await join('g-two', '', { c: second })
      const bJoin = join('g-two', bFirst.memberId, { c: second }) // waits for the rebalance
      const hb = await client.request(HeartbeatApi, 4, { groupId: 'g-two', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null })
      assert.equal(hb.errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
      const aJoin = await join('g-two', a.memberId)
      const b = await bJoin
      assert.deepEqual([aJoin.errorCode, b.errorCode, aJoin.generationId, b.generationId], [ErrorCode.NONE, ErrorCode.NONE, 2, 2])
      assert.equal(aJoin.leader, a.memberId, 'the first member stays leader')
      assert.equal(aJoin.members.length, 2)
      assert.equal(b.members.length, 0, 'only the leader gets the members')
      // The follower's sync waits for the leader's.
      const bSync = second.request(SyncGroupApi, 3, { ...SyncGroupApi.request.create(), groupId: 'g-two', generationId: 2, memberId: b.memberId })
      const aSync = await client.request(SyncGroupApi, 3, {
        ...SyncGroupApi.request.create(),
        groupId: 'g-two',
        generationId: 2,
        memberId: a.memberId,
        assignments: [
          { memberId: a.memberId, assignment: Buffer.from('for-a') },
          { memberId: b.memberId, assignment: Buffer.from('for-b') },
        ],
      })
      assert.equal(Buffer.from(aSync.assignment).toString(), 'for-a')
      assert.equal(Buffer.from((await bSync).assignment).toString(), 'for-b')
      // LeaveGroup v3+ by member id; an unknown member gets its own error.
      const left = await second.request(LeaveGroupApi, 3, { ...LeaveGroupApi.request.create(), groupId: 'g-two', members: [{ memberId: b.memberId, groupInstanceId: null, reason: null }, { memberId: 'ghost', groupInstanceId: null, reason: null }] })
      assert.deepEqual(left.members.map((m) => m.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID])
      const after = await client.request(HeartbeatApi, 4, { groupId: 'g-two', generationId: 2, memberId: a.memberId, groupInstanceId: null })
      assert.equal(after.errorCode, ErrorCode.REBALANCE_IN_PROGRESS, 'a departure starts a rebalance')
    } finally {
      await second.close()
    }
  })

  test('static membership: a restarted instance takes over its member id; the old one is fenced', async () => {
    const first = await join('g-static', '', { instanceId: 'instance-1' })
    assert.equal(first.errorCode, ErrorCode.NONE, 'static members skip MEMBER_ID_REQUIRED')
    await client.request(SyncGroupApi, 3, { ...SyncGroupApi.request.create(), groupId: 'g-static', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'instance-1', assignments: [{ memberId: first.memberId, assignment: Buffer.from('mine') }] })
    const again = await join('g-static', '', { instanceId: 'instance-1' })
    assert.equal(again.errorCode, ErrorCode.NONE)
    assert.notEqual(again.memberId, first.memberId)
    assert.equal(again.generationId, first.generationId, 'no rebalance for a rejoin that changes nothing')
    const stale = await client.request(HeartbeatApi, 4, { groupId: 'g-static', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'instance-1' })
    assert.equal(stale.errorCode, ErrorCode.FENCED_INSTANCE_ID)
    const fresh = await client.request(SyncGroupApi, 3, { ...SyncGroupApi.request.create(), groupId: 'g-static', generationId: again.generationId, memberId: again.memberId, groupInstanceId: 'instance-1' })
    assert.equal(Buffer.from(fresh.assignment).toString(), 'mine', 'the new member id keeps the assignment')
  })

  test('offsets: a group without members commits with generation -1; fetch one, several groups (v8), all; errors per partition', async () => {
    const commit = (groupId: string, partitions: { topic: string; partition: number; offset: bigint; metadata?: string }[], generation = -1, version = 8) =>
      client.request(OffsetCommitApi, version, {
        ...OffsetCommitApi.request.create(),
        groupId,
        generationIdOrMemberEpoch: generation,
        memberId: '',
        topics: [...new Set(partitions.map((p) => p.topic))].map((name) => ({
          name,
          partitions: partitions.filter((p) => p.topic === name).map((p) => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: p.metadata ?? 'm' })),
        })),
      })
    const ok = await commit('g-offsets', [{ topic: 't1', partition: 0, offset: 5n }, { topic: 't1', partition: 1, offset: 7n }])
    assert.deepEqual(ok.topics[0]!.partitions.map((p) => p.errorCode), [ErrorCode.NONE, ErrorCode.NONE])
    const errors = await commit('g-offsets', [{ topic: 't1', partition: 0, offset: 9n, metadata: 'x'.repeat(5000) }, { topic: 'no-such-topic', partition: 0, offset: 1n }])
    assert.deepEqual(errors.topics.map((t) => t.partitions[0]!.errorCode), [ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    const stale = await commit('g-unknown-generation', [{ topic: 't1', partition: 0, offset: 1n }], 3)
    assert.equal(stale.topics[0]!.partitions[0]!.errorCode, ErrorCode.ILLEGAL_GENERATION)
    await commit('g-offsets-2', [{ topic: 't2', partition: 0, offset: 3n }])

    const v1 = await client.request(OffsetFetchApi, 1, { ...OffsetFetchApi.request.create(), groupId: 'g-offsets', topics: [{ name: 't1', partitionIndexes: [0, 1] }, { name: 't2', partitionIndexes: [0] }] })
    assert.deepEqual(v1.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset, p.metadata])), [['t1', 0, 5n, 'm'], ['t1', 1, 7n, 'm'], ['t2', 0, -1n, '']])
    const v8 = await client.request(OffsetFetchApi, 8, { ...OffsetFetchApi.request.create(), groups: [{ groupId: 'g-offsets', memberId: null, memberEpoch: -1, topics: null }, { groupId: 'g-offsets-2', memberId: null, memberEpoch: -1, topics: null }], requireStable: true })
    assert.deepEqual(v8.groups.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}@${p.committedOffset}`)).sort()]), [
      ['g-offsets', ErrorCode.NONE, ['t1-0@5', 't1-1@7']],
      ['g-offsets-2', ErrorCode.NONE, ['t2-0@3']],
    ])
  })

  test('ListGroups filters by state; DeleteGroups refuses a group with members and removes an empty one with its offsets; OffsetDelete', async () => {
    const { memberId } = await stableGroup('g-admin')
    await client.request(OffsetCommitApi, 8, { ...OffsetCommitApi.request.create(), groupId: 'g-admin', generationIdOrMemberEpoch: 1, memberId, topics: [{ name: 't1', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }] })
    const stable = await client.request(ListGroupsApi, 4, { statesFilter: ['Stable'], typesFilter: [] })
    assert.ok(stable.groups.some((g) => g.groupId === 'g-admin' && g.groupState === 'Stable'))
    assert.ok(stable.groups.every((g) => g.groupState === 'Stable'))
    const busy = await client.request(DeleteGroupsApi, 2, { groupsNames: ['g-admin', 'g-nobody'] })
    assert.deepEqual(busy.results.map((r) => r.errorCode), [ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND])
    // The member subscribes to t1 (see PROTOCOL): its offsets stay; t2's could go.
    const inUse = await client.request(OffsetDeleteApi, 0, { groupId: 'g-admin', topics: [{ name: 't1', partitions: [{ partitionIndex: 0 }] }, { name: 't2', partitions: [{ partitionIndex: 0 }] }] })
    assert.deepEqual(inUse.topics.map((t) => t.partitions[0]!.errorCode), [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.NONE])
    await client.request(LeaveGroupApi, 1, { ...LeaveGroupApi.request.create(), groupId: 'g-admin', memberId })
    const empty = await client.request(ListGroupsApi, 4, { statesFilter: ['Empty'], typesFilter: [] })
    assert.ok(empty.groups.some((g) => g.groupId === 'g-admin'))
    const deleted = await client.request(DeleteGroupsApi, 2, { groupsNames: ['g-admin'] })
    assert.equal(deleted.results[0]!.errorCode, ErrorCode.NONE)
    const fetched = await client.request(OffsetFetchApi, 7, { ...OffsetFetchApi.request.create(), groupId: 'g-admin', topics: [{ name: 't1', partitionIndexes: [0] }] })
    assert.equal(fetched.topics[0]!.partitions[0]!.committedOffset, -1n, 'offsets went with the group')
    const again = await client.request(DeleteGroupsApi, 2, { groupsNames: ['g-admin'] })
    assert.equal(again.results[0]!.errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
  })

  test('clients cannot write __consumer_offsets', async () => {
    const r = await client.produce('__consumer_offsets', 0, makeBatch([{ key: 'k', value: 'v' }]))
    assert.equal(r.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
  })
})
