import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MockTime } from '../common/time.js'
import { encodeControlBatch } from '../protocol/records/control-record.js'
import { BatchAttributes, CompressionType, ControlRecordType } from '../protocol/records/record.js'
import { CLEANER_OFFSET_CHECKPOINT } from './log-cleaner-manager.js'
import { readOffsetCheckpoint } from './offset-checkpoint-file.js'
import { UnifiedLog } from './unified-log.js'
import {
  T0, append, compactConfig, latestByKey, newCleaner, openCompactedLog, readBatches, readRecords,
  type KV, type StoredRecord,
} from './testing/compacted-log.js'

function updates(from: number, count: number, keys: number, valueBytes = 20): KV[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % keys}`, value: `v${from + i}-${'x'.repeat(valueBytes)}` }))
}

/** Keys appearing more than once among records below `end`. */
function duplicateKeys(records: readonly StoredRecord[], end: number): string[] {
  const seen = new Set<string | null>()
  const dup: string[] = []
  for (const r of records) {
    if (r.offset >= end) continue
    if (seen.has(r.key)) dup.push(String(r.key))
    seen.add(r.key)
  }
  return dup
}

function assertIncreasing(records: readonly StoredRecord[]): void {
  for (let i = 1; i < records.length; i++) assert.ok(records[i]!.offset > records[i - 1]!.offset, `offset ${records[i]!.offset} after ${records[i - 1]!.offset}`)
}

test('cleaning keeps the latest record of every key below the active segment, with their offsets; the active segment is untouched', async () => {
  const f = await openCompactedLog(compactConfig({ segmentBytes: 4096 }))
  for (let i = 0; i < 1000; i += 10) await append(f.log, updates(i, 10, 25), T0 + i)
  const before = await readRecords(f.log)
  const activeBase = f.log.activeSegmentBaseOffset
  const activeBefore = before.filter((r) => r.offset >= activeBase)
  assert.ok(f.log.segmentCount > 5, `${f.log.segmentCount} segments`)
  const { cleaner, logger } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time)

  assert.equal(await cleaner.cleanFilthiestLog(), true)
  const after = await readRecords(f.log)
  assert.deepEqual(duplicateKeys(after, activeBase), [], 'at most one record per key outside the active segment')
  assertIncreasing(after)
  // Every surviving record is an original one, at its original offset, with its timestamp.
  const original = new Map(before.map((r) => [r.offset, r]))
  for (const r of after) assert.deepEqual(r, original.get(r.offset))
  assert.deepEqual(latestByKey(after), latestByKey(before), 'a reader of the whole log ends with the same value per key')
  assert.deepEqual(after.filter((r) => r.offset >= activeBase), activeBefore, 'active segment as it was')
  assert.equal(f.log.activeSegmentBaseOffset, activeBase)
  assert.ok(after.length < before.length / 4, `${after.length} of ${before.length} records left`)
  assert.equal(f.log.logEndOffset, 1000)

  // The checkpoint (Kafka's format) records the first dirty offset: the active segment's base.
  const checkpoint = await readOffsetCheckpoint(join(f.root, CLEANER_OFFSET_CHECKPOINT))
  assert.deepEqual([...checkpoint], [['compacted-0', activeBase]])
  assert.ok(logger.lines.some((l) => /INFO Cleaned log compacted-0: [\d.]+ MB in [\d.]+ s .*% size reduction/.test(l)), logger.lines.join('\n'))
  // Nothing dirty any more: nothing to do.
  assert.equal(await cleaner.cleanFilthiestLog(), false)
  await f.log.close()
  await rm(f.root, { recursive: true })
})

test('small adjacent segments are merged into one cleaned segment, so a log compacted again and again stays small', async () => {
  // One key updated 20,000 times (like a consumer group committing to __consumer_offsets), 1 KiB segments.
  const f = await openCompactedLog(compactConfig({ segmentBytes: 1024 }))
  const { cleaner } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time)
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 2000; i += 20) await append(f.log, updates(round * 2000 + i, 20, 1, 10), T0)
    const segmentsWritten = f.log.segmentCount
    await f.log.roll()
    assert.equal(await cleaner.cleanFilthiestLog(), true)
    // ~40 segments rolled per round; all of them shrink to one record, merged into one segment (+ the active one).
    assert.ok(segmentsWritten > 30, `round ${round}: ${segmentsWritten} segments written`)
    assert.equal(f.log.segmentCount, 2, `round ${round}: ${f.log.segmentBaseOffsets().join(',')}`)
    assert.ok(f.log.size < 200, `round ${round}: ${f.log.size} bytes`)
  }
  const records = await readRecords(f.log)
  assert.deepEqual(records.map((r) => r.value), [`v19999-${'x'.repeat(10)}`], 'only the latest value is left')
  await f.log.close()
  await rm(f.root, { recursive: true })
})

test('tombstones stay until delete.retention.ms after their first cleaning (KIP-534 delete horizon), then go', async () => {
  const retention = 60_000
  const f = await openCompactedLog(compactConfig({ deleteRetentionMs: retention }))
  await append(f.log, [{ key: 'a', value: 'a1' }, { key: 'b', value: 'b1' }, { key: 'c', value: 'c1' }], T0)
  await append(f.log, [{ key: 'b', value: null }, { key: 'a', value: 'a2' }], T0 + 5)
  await f.log.roll()
  const { cleaner } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time)
  f.time.advance(1000)
  const cleanedAt = f.time.nowMs()
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  const kept = await readRecords(f.log)
  assert.deepEqual(kept.map((r) => [r.offset, r.key, r.value, r.timestamp]), [[2, 'c', 'c1', T0 + 2], [3, 'b', null, T0 + 5], [4, 'a', 'a2', T0 + 6]])
  const tombstoneBatch = (await readBatches(f.log)).find((b) => b.records.some((r) => r.value === null))!
  assert.ok(tombstoneBatch.attributes & BatchAttributes.DELETE_HORIZON, 'the batch carries a delete horizon')
  assert.equal(tombstoneBatch.baseTimestamp, cleanedAt + retention, 'horizon = cleaning time + delete.retention.ms')

  // Before the horizon: nothing to clean, the tombstone stays.
  f.time.advance(retention - 1)
  assert.equal(await cleaner.cleanFilthiestLog(), false)
  assert.ok((await readRecords(f.log)).some((r) => r.key === 'b'))
  // At the horizon: the log is cleaned although nothing new is dirty, and the tombstone goes.
  f.time.advance(1)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.deepEqual((await readRecords(f.log)).map((r) => [r.offset, r.key, r.value]), [[2, 'c', 'c1'], [4, 'a', 'a2']])
  assert.equal(await cleaner.cleanFilthiestLog(), false, 'no tombstone left to wait for')
  await f.log.close()
  await rm(f.root, { recursive: true })
})

test('after a restart the delete horizon is read back from the batch headers, and expired tombstones still go', async () => {
  const f = await openCompactedLog(compactConfig({ deleteRetentionMs: 5000 }))
  await append(f.log, [{ key: 'a', value: 'a1' }, { key: 'b', value: 'b1' }], T0)
  await append(f.log, [{ key: 'b', value: null }], T0 + 1)
  await f.log.roll()
  const logs = [{ tp: f.tp, logDir: f.root, log: f.log }]
  assert.equal(await (await newCleaner(f.root, logs, f.time)).cleaner.cleanFilthiestLog(), true)
  assert.equal((await readRecords(f.log)).length, 2)
  // A new cleaner knows nothing of the last pass but its checkpoint.
  const { cleaner } = await newCleaner(f.root, logs, f.time)
  assert.equal(await cleaner.cleanFilthiestLog(), false, 'horizon not reached')
  f.time.advance(5000)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.deepEqual((await readRecords(f.log)).map((r) => r.key), ['a'])
  await f.log.close()
  await rm(f.root, { recursive: true })
})

test('a cleaned batch keeps its header (base offset, last offset, producer, sequence, codec, epoch); emptied batches go unless they end an active producer', async () => {
  const f = await openCompactedLog(compactConfig())
  const gzip = CompressionType.Gzip
  // Producer 7: a compressed batch partly superseded, then the batch superseding it.
  await append(f.log, [{ key: 'x1', value: 'old' }, { key: 'x2', value: 'old' }, { key: 'x3', value: 'kept' }], T0, { producerId: 7, producerEpoch: 3, baseSequence: 0, compression: gzip })
  await append(f.log, [{ key: 'x1', value: 'new' }, { key: 'x2', value: 'new' }], T0 + 10, { producerId: 7, producerEpoch: 3, baseSequence: 3, compression: gzip })
  // Producer 8: its first batch is wholly superseded by its second: dropped.
  await append(f.log, [{ key: 'y', value: 'y1' }], T0 + 20, { producerId: 8, baseSequence: 0 })
  await append(f.log, [{ key: 'y', value: 'y2' }], T0 + 21, { producerId: 8, baseSequence: 1 })
  // Producer 9: its only (last) batch is superseded by a non-idempotent one: kept, empty.
  await append(f.log, [{ key: 'z', value: 'z1' }, { key: 'w', value: 'w1' }], T0 + 30, { producerId: 9, producerEpoch: 2, baseSequence: 41 })
  await append(f.log, [{ key: 'z', value: 'z2' }, { key: 'w', value: 'w2' }], T0 + 40)
  await f.log.roll()
  const before = await readBatches(f.log)
  const { cleaner } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  const after = await readBatches(f.log)

  assert.deepEqual(after.map((b) => [b.baseOffset, b.baseOffset + b.lastOffsetDelta, b.records.length, b.producerId]), [
    [0, 2, 1, 7], // x3 only, last offset 2 kept
    [3, 4, 2, 7], // untouched
    [6, 6, 1, 8], // y2; y1's batch (offset 5) dropped
    [7, 8, 0, 9], // emptied, kept: producer 9's last batch
    [9, 10, 2, -1],
  ])
  const [x, , , empty] = after
  assert.equal(x!.attributes & BatchAttributes.COMPRESSION_MASK, gzip, 'codec kept')
  assert.deepEqual([x!.producerEpoch, x!.baseSequence, x!.partitionLeaderEpoch], [3, 0, 0])
  assert.deepEqual(x!.records.map((r) => [r.offsetDelta, r.key?.toString(), r.value?.toString()]), [[2, 'x3', 'kept']])
  assert.equal(x!.baseTimestamp + x!.records[0]!.timestampDelta, T0 + 2, 'record timestamp kept')
  assert.deepEqual([empty!.producerEpoch, empty!.baseSequence, empty!.lastOffsetDelta], [2, 41, 1])
  assert.deepEqual(after[1], before[1], 'a batch with nothing to remove is kept as it was')

  // The empty batch carries producer 9's sequence through a restart that rebuilds producer state from the log.
  await f.log.close()
  for (const name of await readdir(f.dir)) if (name.endsWith('.snapshot')) await rm(join(f.dir, name))
  const reopened = await UnifiedLog.open(f.dir, f.log.config, { time: f.time, recoveryPoint: 0, logStartOffset: 0, producerIdExpirationMs: 86_400_000, hadCleanShutdown: false })
  const p9 = reopened.producerStateManager.lastEntry(9)!
  assert.deepEqual([p9.producerEpoch, p9.batches.at(-1)!.lastSeq, p9.batches.at(-1)!.lastOffset], [2, 42, 8])
  assert.equal(reopened.producerStateManager.lastEntry(8)!.batches.at(-1)!.lastSeq, 1)
  // Once producer 9 has written again, its empty batch no longer ends its history and goes.
  await append(reopened, [{ key: 'v', value: 'v1' }], T0 + 50, { producerId: 9, producerEpoch: 2, baseSequence: 43 })
  await append(reopened, [{ key: 'x3', value: 'newer' }], T0 + 60)
  await reopened.roll()
  assert.equal(await (await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: reopened }], f.time)).cleaner.cleanFilthiestLog(), true)
  assert.deepEqual((await readBatches(reopened)).map((b) => [b.baseOffset, b.records.length, b.producerId]), [[3, 2, 7], [6, 1, 8], [9, 2, -1], [11, 1, 9], [12, 1, -1]])
  await reopened.close()
  await rm(f.root, { recursive: true })
})

test('control batches are kept as they are; keyless records (from before the topic was compacted) are removed', async () => {
  const f = await openCompactedLog(compactConfig({ cleanupPolicy: ['delete'] }))
  await append(f.log, [{ key: null, value: 'no key' }, { key: 'a', value: 'a1' }], T0)
  const marker = encodeControlBatch({ type: ControlRecordType.Commit, coordinatorEpoch: 5, producerId: 11, producerEpoch: 1, timestampMs: T0 + 1 })
  await f.log.appendAsLeader(marker, 0, 'coordinator')
  await append(f.log, [{ key: 'a', value: 'a2' }], T0 + 2)
  f.log.updateHighWatermark(f.log.logEndOffset)
  await f.log.roll()
  f.log.updateConfig(compactConfig())
  const controlBefore = (await readBatches(f.log)).find((b) => b.attributes & BatchAttributes.CONTROL)!
  const { cleaner } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  const after = await readBatches(f.log)
  assert.deepEqual(after.map((b) => b.baseOffset), [2, 3])
  assert.deepEqual(after[0], controlBefore, 'the control batch, untouched')
  assert.deepEqual((await readRecords(f.log)).filter((r) => !(r.offset === 2)).map((r) => r.value), ['a2'])
  await f.log.close()
  await rm(f.root, { recursive: true })
})

test('eligibility: min.cleanable.dirty.ratio, the dirtiest log first, max.compaction.lag.ms, min.compaction.lag.ms and the high watermark', async () => {
  const time = new MockTime(T0)
  const a = await openCompactedLog(compactConfig({ minCleanableDirtyRatio: 0.5 }), { topic: 'a', time })
  const b = await openCompactedLog(compactConfig({ minCleanableDirtyRatio: 0.5 }), { root: a.root, topic: 'b', time })
  const logs = [{ tp: a.tp, logDir: a.root, log: a.log }, { tp: b.tp, logDir: b.root, log: b.log }]
  const { cleaner } = await newCleaner(a.root, logs, time)
  const checkpoint = (tp: { topic: string; partition: number }) => cleaner.manager.checkpoint(a.root, tp)
  const dirty = async (l: typeof a, records: number) => {
    for (let i = 0; i < records; i += 10) await append(l.log, updates(i, Math.min(10, records - i), 5), time.nowMs())
    await l.log.roll()
  }
  await dirty(a, 200)
  await dirty(b, 200)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.equal(await cleaner.cleanFilthiestLog(), false, 'both clean')
  // b gets three times a's new data: its dirty ratio is higher, it goes first.
  await dirty(a, 100)
  await dirty(b, 300)
  const aDirty = checkpoint(a.tp)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.equal(checkpoint(b.tp), b.log.activeSegmentBaseOffset, 'the dirtier log was cleaned first')
  assert.equal(checkpoint(a.tp), aDirty)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.equal(checkpoint(a.tp), a.log.activeSegmentBaseOffset)
  // A little dirt, below min.cleanable.dirty.ratio 0.5: not due...
  await dirty(a, 1)
  assert.equal(await cleaner.cleanFilthiestLog(), false)
  // ...until it is older than max.compaction.lag.ms.
  a.log.updateConfig(compactConfig({ minCleanableDirtyRatio: 0.5, maxCompactionLagMs: 60_000 }))
  time.advance(59_000)
  assert.equal(await cleaner.cleanFilthiestLog(), false)
  time.advance(2000)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.equal(checkpoint(a.tp), a.log.activeSegmentBaseOffset)

  // min.compaction.lag.ms: segments with records younger than the lag stay dirty.
  const c = await openCompactedLog(compactConfig({ minCompactionLagMs: 10_000 }), { root: a.root, topic: 'c', time })
  logs.splice(0, 2, { tp: c.tp, logDir: c.root, log: c.log })
  await append(c.log, updates(0, 10, 5), time.nowMs() - 20_000)
  await c.log.roll()
  const youngBase = c.log.activeSegmentBaseOffset
  await append(c.log, updates(10, 10, 5), time.nowMs() - 5000)
  await c.log.roll()
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.equal(checkpoint(c.tp), youngBase, 'cleaned up to the young segment')
  assert.equal(await cleaner.cleanFilthiestLog(), false, 'the young segment is not due yet')
  time.advance(10_000)
  // The high watermark bounds it too: nothing past the segment holding it.
  c.log.updateHighWatermark(youngBase + 3)
  assert.equal(await cleaner.cleanFilthiestLog(), false)
  c.log.updateHighWatermark(c.log.logEndOffset)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.equal(checkpoint(c.tp), c.log.activeSegmentBaseOffset)
  for (const l of [a, b, c]) await l.log.close()
  await rm(a.root, { recursive: true })
})

test('a dedupe buffer too small for the dirty section cleans a prefix; the next passes continue from the checkpoint', async () => {
  const f = await openCompactedLog(compactConfig({ segmentBytes: 8192 }))
  // 1,500 distinct keys, each written twice.
  for (let i = 0; i < 3000; i += 50) await append(f.log, updates(i, 50, 1500, 4), T0)
  await f.log.roll()
  const end = f.log.activeSegmentBaseOffset
  const before = await readRecords(f.log)
  // 16 KiB of slots and about 4 KiB of keys: a few hundred keys per pass.
  const { cleaner } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time, { dedupeBufferSize: 20 * 1024 })
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  const firstPass = cleaner.manager.checkpoint(f.root, f.tp)!
  assert.ok(firstPass > 0 && firstPass < end, `first pass ends at ${firstPass}, before ${end}`)
  let passes = 1
  while (cleaner.manager.checkpoint(f.root, f.tp)! < end) {
    assert.equal(await cleaner.cleanFilthiestLog(), true)
    assert.ok(++passes < 50)
  }
  assert.ok(passes >= 3, `${passes} passes`)
  const after = await readRecords(f.log)
  assert.deepEqual(duplicateKeys(after, end), [])
  assert.deepEqual(latestByKey(after), latestByKey(before))
  await f.log.close()
  await rm(f.root, { recursive: true })
})

test('cleanup.policy=compact never deletes by retention; compact,delete does both, and the cleaner follows the moved log start', async () => {
  const f = await openCompactedLog(compactConfig({ segmentBytes: 1024, retentionMs: 1000, retentionBytes: 100 }))
  for (let i = 0; i < 200; i += 10) await append(f.log, updates(i, 10, 100), T0)
  await f.log.roll()
  f.time.advance(10_000)
  assert.equal(await f.log.deleteOldSegments(), 0, 'compact alone: nothing deleted')
  const { cleaner } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  const checkpointed = cleaner.manager.checkpoint(f.root, f.tp)!

  f.log.updateConfig(compactConfig({ segmentBytes: 1024, retentionMs: 1000, cleanupPolicy: ['compact', 'delete'] }))
  for (let i = 0; i < 100; i += 10) await append(f.log, updates(i, 10, 100), f.time.nowMs())
  await f.log.roll()
  assert.ok((await f.log.deleteOldSegments()) > 0, 'compact,delete: old segments deleted by retention.ms')
  assert.ok(f.log.logStartOffset >= checkpointed)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.equal(cleaner.manager.checkpoint(f.root, f.tp), f.log.activeSegmentBaseOffset)
  assert.deepEqual(duplicateKeys(await readRecords(f.log), f.log.activeSegmentBaseOffset), [])
  await f.log.close()
  await rm(f.root, { recursive: true })
})

test('the cleaner checkpoint survives a restart: a new cleaner maps only what is dirty since', async () => {
  const f = await openCompactedLog(compactConfig())
  for (let i = 0; i < 300; i += 10) await append(f.log, updates(i, 10, 10), T0)
  await f.log.roll()
  const logs = [{ tp: f.tp, logDir: f.root, log: f.log }]
  await (await newCleaner(f.root, logs, f.time)).cleaner.cleanFilthiestLog()
  const firstEnd = f.log.activeSegmentBaseOffset
  for (let i = 0; i < 50; i += 10) await append(f.log, updates(i, 10, 10), T0)
  await f.log.roll()
  const { cleaner, logger } = await newCleaner(f.root, logs, f.time)
  assert.equal(cleaner.manager.checkpoint(f.root, f.tp), firstEnd)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.ok(logger.lines.some((l) => l.includes(`dirty offsets ${firstEnd}-${f.log.activeSegmentBaseOffset} mapped`)), logger.lines.join('\n'))
  // An unreadable checkpoint file is ignored with a warning: everything is dirty again.
  await writeFile(join(f.root, CLEANER_OFFSET_CHECKPOINT), '0\n1\ngarbage\n')
  const fresh = await newCleaner(f.root, logs, f.time)
  assert.equal(fresh.cleaner.manager.checkpoint(f.root, f.tp), undefined)
  assert.ok(fresh.logger.lines.some((l) => /WARN Ignoring .*cleaner-offset-checkpoint: .*Malformed/.test(l)), fresh.logger.lines.join('\n'))
  // A checkpoint beyond the log end (data lost in a crash) starts over from the log start.
  await cleaner.manager.updateCheckpoint(f.root, f.tp, f.log.logEndOffset + 100)
  for (let i = 0; i < 10; i += 10) await append(f.log, updates(i, 10, 10), T0)
  await f.log.roll()
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.ok(logger.lines.some((l) => l.includes(`dirty offsets 0-${f.log.activeSegmentBaseOffset} mapped`)), logger.lines.join('\n'))
  await f.log.close()
  await rm(f.root, { recursive: true })
})
