/**
 * A group survives a broker restart: its generation, members and offsets are
 * read back from __consumer_offsets; members that never come back expire
 * after their session timeout (their sessions restart with the broker), so
 * the group can then be deleted.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startBroker } from '../../src/broker/start-broker.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { DeleteGroupsApi, DescribeGroupsApi, FindCoordinatorApi, JoinGroupApi, OffsetCommitApi, OffsetFetchApi, SyncGroupApi } from '../../src/protocol/messages/index.js'
import { RawClient } from './raw-client.js'

const CONFIG = { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500', 'offsets.topic.num.partitions': '3' }

test('generation, members and offsets come back after a restart; a member that never returns expires', { timeout: 60_000 }, async () => {
  const logDir = await mkdtemp(join(tmpdir(), 'brook-group-restart-'))
  try {
    let broker = await startBroker({ logDir, config: CONFIG })
    let client = await RawClient.connect(broker.port)
    assert.equal((await client.createTopic('t', { partitions: 1 })).errorCode, ErrorCode.NONE)
    await client.request(FindCoordinatorApi, 3, { ...FindCoordinatorApi.request.create(), key: 'g', keyType: 0 })
    const body = (memberId: string) => ({ ...JoinGroupApi.request.create(), groupId: 'g', memberId, sessionTimeoutMs: 1500, rebalanceTimeoutMs: 5000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('sub') }] })
    const first = await client.request(JoinGroupApi, 6, body(''))
    const joined = await client.request(JoinGroupApi, 6, body(first.memberId))
    await client.request(SyncGroupApi, 4, { ...SyncGroupApi.request.create(), groupId: 'g', generationId: joined.generationId, memberId: joined.memberId, assignments: [{ memberId: joined.memberId, assignment: Buffer.from('asg') }] })
    const committed = await client.request(OffsetCommitApi, 8, {
      ...OffsetCommitApi.request.create(),
      groupId: 'g',
      generationIdOrMemberEpoch: joined.generationId,
      memberId: joined.memberId,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1234n, committedLeaderEpoch: 3, commitTimestamp: -1n, committedMetadata: 'meta' }] }],
    })
    assert.equal(committed.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE)
    await client.close()
    await broker.close()

    broker = await startBroker({ logDir, config: CONFIG })
    client = await RawClient.connect(broker.port)
    try {
      const describe = async () => (await client.request(DescribeGroupsApi, 5, { groups: ['g'], includeAuthorizedOperations: false })).groups[0]!
      let g = await describe()
      for (let i = 0; i < 100 && g.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS; i++) {
        await sleep(20)
        g = await describe()
      }
      assert.deepEqual([g.errorCode, g.groupState, g.protocolData, g.members.map((m) => m.memberId)], [ErrorCode.NONE, 'Stable', 'range', [joined.memberId]])
      assert.equal(Buffer.from(g.members[0]!.memberAssignment).toString(), 'asg')
      const fetched = await client.request(OffsetFetchApi, 7, { ...OffsetFetchApi.request.create(), groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] })
      const p = fetched.topics[0]!.partitions[0]!
      assert.deepEqual([p.committedOffset, p.committedLeaderEpoch, p.metadata], [1234n, 3, 'meta'])
      // The member is gone: its restored session runs out and the group empties.
      for (let i = 0; i < 200 && g.groupState !== 'Empty'; i++) {
        await sleep(50)
        g = await describe()
      }
      assert.equal(g.groupState, 'Empty')
      const deleted = await client.request(DeleteGroupsApi, 2, { groupsNames: ['g'] })
      assert.equal(deleted.results[0]!.errorCode, ErrorCode.NONE)
    } finally {
      await client.close()
      await broker.close()
    }
  } finally {
    await rm(logDir, { recursive: true, force: true })
  }
})
