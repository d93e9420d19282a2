/**
 * group.initial.rebalance.delay.ms: the first rebalance of an empty group
 * waits for more members, so members that arrive together share generation 1
 * instead of rebalancing once per arrival. Compared with a delay of 0, where
 * the first member completes alone and the second forces generation 2.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startBroker } from '../../src/broker/start-broker.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { FindCoordinatorApi, JoinGroupApi, type JoinGroupResponse } from '../../src/protocol/messages/index.js'
import { RawClient } from './raw-client.js'

async function twoMembersJoin(delayMs: number): Promise<{ first: JoinGroupResponse; second: JoinGroupResponse }> {
  const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': String(delayMs), 'offsets.topic.num.partitions': '1' } })
  const a = await RawClient.connect(broker.port)
  const b = await RawClient.connect(broker.port)
  try {
    await a.request(FindCoordinatorApi, 3, { ...FindCoordinatorApi.request.create(), key: 'g', keyType: 0 })
    const body = (memberId: string) => ({ ...JoinGroupApi.request.create(), groupId: 'g', memberId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] })
    // v3: no MEMBER_ID_REQUIRED step, each JoinGroup joins at once.
    const firstJoin = a.request(JoinGroupApi, 3, body(''))
    // The second member arrives once the first has been answered (delay 0) or is still waiting (delay > 0).
    const raced = await Promise.race([firstJoin, new Promise<null>((r) => setTimeout(() => r(null), 100))])
    const secondJoin = b.request(JoinGroupApi, 3, body(''))
    let first = raced ?? (await firstJoin)
    let second = await Promise.race([secondJoin, new Promise<null>((r) => setTimeout(() => r(null), 200))])
    if (second === null) {
      // The group rebalances for the newcomer: the first member must rejoin.
      first = await a.request(JoinGroupApi, 3, body(first.memberId))
      second = await secondJoin
    }
    return { first, second }
  } finally {
    await a.close()
    await b.close()
    await broker.close()
  }
}

test('members arriving within group.initial.rebalance.delay.ms share the first generation', { timeout: 30_000 }, async () => {
  const delayed = await twoMembersJoin(3000) // Kafka's default
  assert.deepEqual([delayed.first.errorCode, delayed.second.errorCode], [ErrorCode.NONE, ErrorCode.NONE])
  assert.deepEqual([delayed.first.generationId, delayed.second.generationId], [1, 1], 'one rebalance for both')
  assert.equal(delayed.first.members.length + delayed.second.members.length, 2, 'the leader sees both members')

  const immediate = await twoMembersJoin(0)
  assert.equal(immediate.second.generationId, 2, 'without the delay the second member forces another rebalance')
})
