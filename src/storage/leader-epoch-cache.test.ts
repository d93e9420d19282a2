import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LEADER_EPOCH_CHECKPOINT_FILE, LeaderEpochCache } from './leader-epoch-cache.js'

test('assign keeps the cache monotonic and persists it in Kafka\'s format', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-epoch-'))
  const cache = await LeaderEpochCache.load(dir)
  assert.equal(cache.latestEpoch, -1)
  assert.equal(cache.assign(0, 0).changed, true)
  assert.equal(cache.assign(0, 5).changed, false, 'same epoch, later offset: no change')
  await cache.assign(2, 10).written
  await cache.assign(3, 20).written
  assert.equal(await readFile(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), 'utf8'), '0\n3\n0 0\n2 10\n3 20\n')
  // A new epoch at an earlier offset removes the entries it conflicts with.
  await cache.assign(4, 15).written
  assert.deepEqual(cache.entries, [{ epoch: 0, startOffset: 0 }, { epoch: 2, startOffset: 10 }, { epoch: 4, startOffset: 15 }])
  const reloaded = await LeaderEpochCache.load(dir)
  assert.deepEqual(reloaded.entries, cache.entries)
  await rm(dir, { recursive: true })
})

test('endOffsetFor follows OffsetForLeaderEpoch semantics', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-epoch-'))
  const cache = await LeaderEpochCache.load(dir)
  assert.deepEqual(cache.endOffsetFor(0, 100), { epoch: -1, endOffset: -1 }, 'empty cache')
  cache.assign(1, 10)
  cache.assign(3, 30)
  await cache.assign(5, 50).written
  assert.deepEqual(cache.endOffsetFor(-1, 100), { epoch: -1, endOffset: -1 })
  assert.deepEqual(cache.endOffsetFor(5, 100), { epoch: 5, endOffset: 100 }, 'latest epoch: the LEO')
  assert.deepEqual(cache.endOffsetFor(1, 100), { epoch: 1, endOffset: 30 })
  assert.deepEqual(cache.endOffsetFor(2, 100), { epoch: 1, endOffset: 30 }, 'unknown epoch between: the one before')
  assert.deepEqual(cache.endOffsetFor(4, 100), { epoch: 3, endOffset: 50 })
  assert.deepEqual(cache.endOffsetFor(0, 100), { epoch: 0, endOffset: 10 }, 'older than all: the first start offset')
  assert.deepEqual(cache.endOffsetFor(6, 100), { epoch: -1, endOffset: -1 }, 'newer than all')
  assert.equal(cache.epochForOffset(9), undefined)
  assert.equal(cache.epochForOffset(10), 1)
  assert.equal(cache.epochForOffset(49), 3)
  assert.equal(cache.epochForOffset(1000), 5)
  await rm(dir, { recursive: true })
})

test('truncateFromEnd and truncateFromStart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-epoch-'))
  const cache = await LeaderEpochCache.load(dir)
  cache.assign(1, 10)
  cache.assign(3, 30)
  cache.assign(5, 50)
  await cache.truncateFromEnd(50)
  assert.deepEqual(cache.entries, [{ epoch: 1, startOffset: 10 }, { epoch: 3, startOffset: 30 }])
  await cache.truncateFromEnd(60)
  assert.equal(cache.entries.length, 2, 'nothing starts at or after 60')
  await cache.truncateFromStart(35)
  assert.deepEqual(cache.entries, [{ epoch: 3, startOffset: 35 }])
  const reloaded = await LeaderEpochCache.load(dir)
  assert.deepEqual(reloaded.entries, [{ epoch: 3, startOffset: 35 }])
  await rm(dir, { recursive: true })
})

test('a malformed checkpoint is an error, not an empty cache', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-epoch-'))
  await writeFile(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), '0\n2\n1 10\n')
  await assert.rejects(LeaderEpochCache.load(dir), /Malformed checkpoint/)
  await rm(dir, { recursive: true })
})
