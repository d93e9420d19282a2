/**
 * GroupMetadataManager races the wire tests cannot pin down: an expiry pass
 * that runs while a commit is still being written. The log here is an
 * in-memory OffsetsTopicLog whose appends complete when the test says so.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MockTime } from '../../common/time.js'
import { silentLogger } from '../../common/logger.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { GroupMetadataManager, type GroupConfig, type OffsetsTopicLog } from './group-metadata-manager.js'

class GatedLog implements OffsetsTopicLog {
  readonly written: { partition: number; records: { key: Buffer; value: Buffer | null }[] }[] = []
  readonly #held: (() => void)[] = []

  partitionCount(): number {
    return 1
  }
  ensureExists(): Promise<number> {
    return Promise.resolve(1)
  }
  append(partition: number, records: { key: Buffer; value: Buffer | null }[]): Promise<number> {
    return new Promise((resolve) =>
      this.#held.push(() => {
        this.written.push({ partition, records })
        resolve(ErrorCode.NONE)
      }),
    )
  }
  readAll(): Promise<void> {
    return Promise.resolve()
  }
  /** Completes every append made so far. */
  release(): void {
    for (const done of this.#held.splice(0)) done()
  }
  heldCount(): number {
    return this.#held.length
  }
}

const CONFIG: GroupConfig = {
  offsetsTopicNumPartitions: 1,
  offsetsRetentionMs: 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 0,
  groupMaxSize: 100,
}

test('an expiry pass while the first commit of a new group is being written keeps the group and its offset', async () => {
  const log = new GatedLog()
  const time = new MockTime()
  const manager = new GroupMetadataManager(log, CONFIG, time, silentLogger)
  const group = manager.getOrCreate('g')
  const tp = { topic: 't', partition: 0 }
  const commit = manager.storeOffsets(group, [{ tp, committed: { offset: 42n, leaderEpoch: -1, metadata: '', commitTimestampMs: time.nowMs(), expireTimestampMs: -1 } }])
  assert.equal(log.heldCount(), 1)

  // The group is Empty and has no stored offset yet: without counting the
  // pending commit, this pass would tombstone it.
  assert.equal(await manager.expireOffsets(), 0)
  assert.equal(log.heldCount(), 1, 'the expiry pass wrote nothing')

  log.release()
  assert.equal(await commit, ErrorCode.NONE)
  assert.equal(manager.groups.get('g'), group)
  assert.equal(group.committed(tp)?.offset, 42n)
  assert.ok(!group.is('Dead'))

  // Once stored, the offset expires on its own schedule, and the group with it.
  time.advance(CONFIG.offsetsRetentionMs)
  const expiry = manager.expireOffsets()
  while (log.heldCount() === 0) await new Promise(setImmediate)
  log.release()
  assert.equal(await expiry, 1)
  assert.equal(manager.groups.get('g'), undefined)
})
