import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm, stat, truncate, open, writeFile, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MockTime } from '../common/time.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { isKafkaError } from '../protocol/kafka-error.js'
import { decodeRecordBatches, encodeRecordBatch } from '../protocol/records/record-batch.js'
import { scanRecordBatches } from '../protocol/records/record-batch-header.js'
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js'
import { UnifiedLog, type UnifiedLogOptions } from './unified-log.js'

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'brook-log-'))
}

/** A produced batch: baseOffset 0 as a client sends it, `count` records with timestamps from `ts`. */
function batch(count: number, ts: number, opts: { valueSize?: number; producerId?: number; producerEpoch?: number; baseSequence?: number; tsStep?: number } = {}): Buffer {
  const records = []
  const step = opts.tsStep ?? 0
  for (let i = 0; i < count; i++) {
    records.push({ attributes: 0, timestampDelta: i * step, offsetDelta: i, key: null, value: Buffer.alloc(opts.valueSize ?? 10, i), headers: [] })
  }
  return encodeRecordBatch({
    baseOffset: 0, partitionLeaderEpoch: -1, attributes: 0, lastOffsetDelta: count - 1, baseTimestamp: ts, maxTimestamp: ts + (count - 1) * step,
    producerId: opts.producerId ?? -1, producerEpoch: opts.producerEpoch ?? -1, baseSequence: opts.baseSequence ?? -1, records,
  })
}

function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides }
}

function options(time: MockTime, overrides: Partial<UnifiedLogOptions> = {}): UnifiedLogOptions {
  return { time, recoveryPoint: 0, logStartOffset: 0, producerIdExpirationMs: 86_400_000, hadCleanShutdown: false, ...overrides }
}

async function expectKafkaError(p: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => isKafkaError(e) && e.errorCode === code)
}

function offsetsIn(records: Buffer): number[] {
  return decodeRecordBatches(records).batches.flatMap((b) => b.records.map((r) => b.baseOffset + r.offsetDelta))
}

test('append and read round trip: offsets, epoch, raw bytes', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const log = await UnifiedLog.open(dir, config(), options(time))
  const a = await log.appendAsLeader(batch(3, time.nowMs()), 5)
  const b = await log.appendAsLeader(batch(2, time.nowMs()), 5)
  assert.deepEqual([a.firstOffset, a.lastOffset, b.firstOffset, b.lastOffset], [0, 2, 3, 4])
  assert.equal(a.recordCount, 3)
  assert.equal(a.duplicate, false)
  assert.equal(log.logEndOffset, 5)
  log.updateHighWatermark(5)
  const r = await log.read(0, 1 << 20, log.highWatermark, false)
  assert.deepEqual(offsetsIn(r.records), [0, 1, 2, 3, 4])
  assert.equal(r.firstEntryOffset, 0)
  const decoded = decodeRecordBatches(r.records).batches
  assert.deepEqual(decoded.map((d) => d.partitionLeaderEpoch), [5, 5])
  assert.equal(log.endOffsetForEpoch(5).endOffset, 5)
  await log.close()
  await rm(dir, { recursive: true })
})

test('concurrent appends get distinct increasing offsets', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const log = await UnifiedLog.open(dir, config({ segmentBytes: 2000 }), options(time))
  const infos = await Promise.all(Array.from({ length: 50 }, (_, i) => log.appendAsLeader(batch(1 + (i % 3), time.nowMs()), 0)))
  const ranges = infos.map((i) => [i.firstOffset, i.lastOffset] as const)
  for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]![0], ranges[i - 1]![1] + 1)
  assert.equal(log.logEndOffset, ranges[ranges.length - 1]![1] + 1)
  assert.ok(log.segmentCount > 1)
  await log.close()
  await rm(dir, { recursive: true })
})

test('roll by size, and reads at every offset of a multi-segment log find the right batch', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const cfg = config({ segmentBytes: 1024, indexIntervalBytes: 100 })
  const log = await UnifiedLog.open(dir, cfg, options(time))
  for (let i = 0; i < 60; i++) await log.appendAsLeader(batch(1 + (i % 4), time.nowMs(), { valueSize: 20 }), 1)
  const leo = log.logEndOffset
  log.updateHighWatermark(leo)
  assert.ok(log.segmentCount >= 5, `segments: ${log.segmentCount}`)
  for (const s of log.segmentBaseOffsets()) assert.ok(s < leo)
  const check = async (l: UnifiedLog) => {
    for (let o = 0; o < leo; o++) {
      const r = await l.read(o, 1, leo, true)
      const first = scanRecordBatches(r.records).batches[0]!
      assert.ok(first.baseOffset <= o && o <= first.lastOffset, `offset ${o} in [${first.baseOffset}, ${first.lastOffset}]`)
      assert.equal(r.firstEntryOffset, first.baseOffset)
    }
  }
  await check(log)
  await log.close()
  // Reopen after a clean close: everything, including the LEO, is still there.
  const reopened = await UnifiedLog.open(dir, cfg, options(time, { hadCleanShutdown: true, recoveryPoint: leo }))
  assert.equal(reopened.logEndOffset, leo)
  reopened.updateHighWatermark(leo)
  await check(reopened)
  const all = await reopened.read(0, 1 << 20, leo, false)
  assert.deepEqual(offsetsIn(all.records).slice(0, 3), [0, 1, 2])
  await reopened.close()
  await rm(dir, { recursive: true })
})

test('roll by segment.ms counts from the first batch timestamp', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const log = await UnifiedLog.open(dir, config({ segmentMs: 1000 }), options(time))
  await log.appendAsLeader(batch(1, time.nowMs()), 0)
  time.advance(500)
  await log.appendAsLeader(batch(1, time.nowMs()), 0)
  assert.equal(log.segmentCount, 1)
  time.advance(600)
  await log.appendAsLeader(batch(1, time.nowMs()), 0)
  assert.equal(log.segmentCount, 2)
  assert.equal(log.activeSegmentBaseOffset, 2)
  await log.close()
  await rm(dir, { recursive: true })
})

test('roll when the index is full', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  // 3 offset index entries (24 bytes); the time index (12-byte entries) keeps one slot free, so it holds 1.
  const log = await UnifiedLog.open(dir, config({ segmentIndexBytes: 24, indexIntervalBytes: 1 }), options(time))
  for (let i = 0; i < 10; i++) {
    time.advance(1)
    await log.appendAsLeader(batch(1, time.nowMs()), 0)
  }
  assert.ok(log.segmentCount >= 4, `segments: ${log.segmentCount}`)
  log.updateHighWatermark(log.logEndOffset)
  for (let o = 0; o < 10; o++) assert.deepEqual(offsetsIn((await log.read(o, 1, 10, true)).records), [o])
  await log.close()
  await rm(dir, { recursive: true })
})

test('OFFSET_OUT_OF_RANGE below the start and above the end; empty read at the end', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const log = await UnifiedLog.open(dir, config(), options(time, { logStartOffset: 0 }))
  await log.appendAsLeader(batch(5, time.nowMs()), 0)
  log.updateHighWatermark(5)
  await expectKafkaError(log.read(6, 1000, 5, false), ErrorCode.OFFSET_OUT_OF_RANGE)
  await expectKafkaError(log.read(-1, 1000, 5, false), ErrorCode.OFFSET_OUT_OF_RANGE)
  assert.equal((await log.read(5, 1000, 5, false)).records.length, 0)
  await log.appendAsLeader(batch(5, time.nowMs()), 0)
  log.updateHighWatermark(10)
  assert.equal(await log.maybeIncrementLogStartOffset(7), true)
  await expectKafkaError(log.read(6, 1000, 10, false), ErrorCode.OFFSET_OUT_OF_RANGE)
  // The batch holding offset 7 starts at 5: it is returned whole.
  const r = await log.read(7, 1000, 10, false)
  assert.equal(r.firstEntryOffset, 5)
  await log.close()
  await rm(dir, { recursive: true })
})

test('read stops at maxOffset (the high watermark) and honours maxBytes / minOneMessage', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const log = await UnifiedLog.open(dir, config(), options(time))
  const sizes: number[] = []
  for (let i = 0; i < 4; i++) {
    const b = batch(2, time.nowMs(), { valueSize: 100 })
    sizes.push(b.length)
    await log.appendAsLeader(b, 0)
  }
  log.updateHighWatermark(4)
  assert.equal(log.highWatermark, 4)
  assert.deepEqual(offsetsIn((await log.read(0, 1 << 20, log.highWatermark, false)).records), [0, 1, 2, 3])
  assert.equal((await log.read(4, 1 << 20, log.highWatermark, false)).records.length, 0)
  assert.equal(log.updateHighWatermark(100), 8, 'never above the LEO')
  // maxBytes: only whole batches.
  assert.equal((await log.read(0, sizes[0]! + sizes[1]! - 1, 8, false)).records.length, sizes[0])
  assert.equal((await log.read(0, 10, 8, false)).records.length, 0)
  const one = await log.read(0, 10, 8, true)
  assert.equal(one.records.length, sizes[0])
  await log.close()
  await rm(dir, { recursive: true })
})

test('recovery cuts a torn tail at every byte of the last batch', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const cfg = config({ indexIntervalBytes: 64 })
  const log = await UnifiedLog.open(dir, cfg, options(time))
  for (let i = 0; i < 5; i++) await log.appendAsLeader(batch(3, time.nowMs()), 0)
  const last = batch(4, time.nowMs(), { valueSize: 30 })
  await log.appendAsLeader(last, 0)
  await log.close()
  const logFile = join(dir, '00000000000000000000.log')
  const full = await readFile(logFile)
  const lastStart = full.length - last.length
  for (let cut = lastStart; cut < full.length; cut++) {
    await writeFile(logFile, full.subarray(0, cut))
    const l = await UnifiedLog.open(dir, cfg, options(time, { recoveryPoint: 0, hadCleanShutdown: false }))
    assert.equal(l.logEndOffset, 15, `cut at ${cut}`)
    assert.equal((await stat(logFile)).size, lastStart)
    l.updateHighWatermark(15)
    assert.deepEqual(offsetsIn((await l.read(12, 1 << 20, 15, false)).records), [12, 13, 14])
    // Appending after recovery continues at the recovered end.
    const info = await l.appendAsLeader(batch(1, time.nowMs()), 0)
    assert.equal(info.firstOffset, 15)
    await l.close()
  }
  await rm(dir, { recursive: true })
})

test('a corrupted byte in the middle of the active segment truncates from that batch on', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const log = await UnifiedLog.open(dir, config(), options(time))
  const sizes: number[] = []
  for (let i = 0; i < 6; i++) {
    const b = batch(2, time.nowMs())
    sizes.push(b.length)
    await log.appendAsLeader(b, 0)
  }
  await log.close()
  const logFile = join(dir, '00000000000000000000.log')
  const fh = await open(logFile, 'r+')
  const at = sizes[0]! + sizes[1]! + sizes[2]! + 70 // inside the records of the 4th batch
  const byte = Buffer.alloc(1)
  await fh.read(byte, 0, 1, at)
  byte[0] = byte[0]! ^ 0xff
  await fh.write(byte, 0, 1, at)
  await fh.close()
  const l = await UnifiedLog.open(dir, config(), options(time, { hadCleanShutdown: false }))
  assert.equal(l.logEndOffset, 6)
  assert.equal((await stat(logFile)).size, sizes[0]! + sizes[1]! + sizes[2]!)
  await l.close()
  await rm(dir, { recursive: true })
})

test('unclean shutdown: lost index files are rebuilt and segments after a cut one are deleted', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const cfg = config({ segmentBytes: 600, indexIntervalBytes: 50 })
  const log = await UnifiedLog.open(dir, cfg, options(time))
  for (let i = 0; i < 20; i++) await log.appendAsLeader(batch(2, time.nowMs()), 0)
  const bases = log.segmentBaseOffsets()
  await log.close()
  assert.ok(bases.length >= 3)
  for (const f of await readdir(dir)) if (f.endsWith('.index') || f.endsWith('.timeindex')) await rm(join(dir, f))
  // Cut the second segment in its middle: it and everything after it past the cut go.
  const second = join(dir, `${String(bases[1]).padStart(20, '0')}.log`)
  await truncate(second, (await stat(second)).size - 5)
  const l = await UnifiedLog.open(dir, cfg, options(time, { hadCleanShutdown: false, recoveryPoint: 0 }))
  assert.equal(l.segmentCount, 2)
  l.updateHighWatermark(l.logEndOffset)
  for (let o = 0; o < l.logEndOffset; o++) assert.ok(offsetsIn((await l.read(o, 1, l.logEndOffset, true)).records).includes(o))
  await l.close()
  await rm(dir, { recursive: true })
})

test('retention by time, by size and by log start offset deletes whole segments', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const cfg = config({ segmentBytes: 500, retentionMs: 10_000, fileDeleteDelayMs: 0 })
  const log = await UnifiedLog.open(dir, cfg, options(time))
  for (let i = 0; i < 12; i++) await log.appendAsLeader(batch(2, time.nowMs(), { valueSize: 50 }), 0)
  time.advance(5_000)
  for (let i = 0; i < 12; i++) await log.appendAsLeader(batch(2, time.nowMs(), { valueSize: 50 }), 0)
  const segments = log.segmentCount
  assert.ok(segments >= 6)
  // Nothing above the high watermark is deleted.
  assert.equal(await log.deleteOldSegments(), 0)
  log.updateHighWatermark(log.logEndOffset)
  assert.equal(await log.deleteOldSegments(), 0, 'nothing has expired yet')

  // By log start offset (DeleteRecords): segments wholly below it.
  await log.maybeIncrementLogStartOffset(5)
  const firstTwo = log.segmentBaseOffsets().slice(0, 2)
  const byStart = await log.deleteOldSegments()
  assert.ok(byStart >= 1)
  assert.equal(log.logStartOffset, 5, 'the start stays inside the first remaining segment')
  assert.ok(!log.segmentBaseOffsets().includes(firstTwo[0]!))

  // By time: the older half expires.
  time.advance(6_000)
  const beforeTime = log.segmentCount
  const byTime = await log.deleteOldSegments()
  assert.ok(byTime >= 1 && byTime < beforeTime, `deleted ${byTime} of ${beforeTime}`)
  assert.equal(log.logStartOffset, log.segmentBaseOffsets()[0])

  // By size.
  log.updateConfig(config({ ...cfg, retentionMs: -1, retentionBytes: 1000 }))
  await log.deleteOldSegments()
  assert.ok(log.size <= 1000 + 500, `size ${log.size}`)
  assert.equal(log.logStartOffset, log.segmentBaseOffsets()[0])
  await expectKafkaError(log.read(0, 100, log.logEndOffset, false), ErrorCode.OFFSET_OUT_OF_RANGE)

  // Everything expired: the active segment is rolled and deleted too.
  log.updateConfig(cfg)
  time.advance(100_000)
  await log.deleteOldSegments()
  assert.equal(log.segmentCount, 1)
  assert.equal(log.logStartOffset, log.logEndOffset)
  assert.equal(log.activeSegmentBaseOffset, log.logEndOffset)
  await new Promise((r) => setTimeout(r, 20))
  const files = await readdir(dir)
  assert.ok(!files.some((f) => f.endsWith('.deleted')), files.join(' '))
  await log.close()
  await rm(dir, { recursive: true })
})

test('fetchOffsetByTimestamp: earliest, latest, max timestamp and by time', async () => {
  const dir = await tempDir()
  const time = new MockTime(1_000_000)
  const log = await UnifiedLog.open(dir, config({ segmentBytes: 400, indexIntervalBytes: 1 }), options(time))
  // Timestamps 1000, 1010, ... per record; the largest is in the middle.
  for (let i = 0; i < 10; i++) await log.appendAsLeader(batch(3, 1000 + i * 30, { tsStep: 10 }), 2)
  await log.appendAsLeader(batch(3, 9000, { tsStep: 1 }), 3) // offsets 30-32: max timestamp 9002 at 32
  await log.appendAsLeader(batch(2, 2000), 3) // offsets 33-34
  assert.ok(log.segmentCount > 1)
  assert.deepEqual(await log.fetchOffsetByTimestamp(-2), { timestamp: -1, offset: 0, leaderEpoch: 2 })
  assert.deepEqual(await log.fetchOffsetByTimestamp(-4), { timestamp: -1, offset: 0, leaderEpoch: 2 })
  assert.deepEqual(await log.fetchOffsetByTimestamp(-1), { timestamp: -1, offset: 35, leaderEpoch: 3 })
  assert.deepEqual(await log.fetchOffsetByTimestamp(-3), { timestamp: 9002, offset: 32, leaderEpoch: 3 })
  for (let o = 0; o < 30; o++) {
    const ts = 1000 + Math.floor(o / 3) * 30 + (o % 3) * 10
    assert.deepEqual(await log.fetchOffsetByTimestamp(ts), { timestamp: ts, offset: o, leaderEpoch: 2 }, `ts ${ts}`)
    assert.deepEqual(await log.fetchOffsetByTimestamp(ts - 1), { timestamp: ts, offset: o, leaderEpoch: 2 }, `ts ${ts - 1}`)
  }
  assert.deepEqual(await log.fetchOffsetByTimestamp(5000), { timestamp: 9000, offset: 30, leaderEpoch: 3 })
  assert.equal(await log.fetchOffsetByTimestamp(10_000), null)
  // A time before 1970 (negative, not one of the sentinels) finds the first record, as in Kafka.
  assert.deepEqual(await log.fetchOffsetByTimestamp(-631_152_000_000), { timestamp: 1000, offset: 0, leaderEpoch: 2 })
  await log.close()
  await rm(dir, { recursive: true })
})

test('idempotent duplicate returns the original offsets and appends nothing', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const log = await UnifiedLog.open(dir, config(), options(time))
  const first = await log.appendAsLeader(batch(3, time.nowMs(), { producerId: 7, producerEpoch: 0, baseSequence: 0 }), 0)
  await log.appendAsLeader(batch(1, time.nowMs()), 0)
  const dup = await log.appendAsLeader(batch(3, time.nowMs(), { producerId: 7, producerEpoch: 0, baseSequence: 0 }), 0)
  assert.equal(dup.duplicate, true)
  assert.deepEqual([dup.firstOffset, dup.lastOffset], [first.firstOffset, first.lastOffset])
  assert.equal(log.logEndOffset, 4)
  await expectKafkaError(log.appendAsLeader(batch(1, time.nowMs(), { producerId: 7, producerEpoch: 0, baseSequence: 5 }), 0), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  await log.close()
  // Producer state survives a restart (snapshot at close).
  const l = await UnifiedLog.open(dir, config(), options(time, { hadCleanShutdown: true, recoveryPoint: 4 }))
  const again = await l.appendAsLeader(batch(3, time.nowMs(), { producerId: 7, producerEpoch: 0, baseSequence: 0 }), 0)
  assert.equal(again.duplicate, true)
  assert.equal((await l.appendAsLeader(batch(1, time.nowMs(), { producerId: 7, producerEpoch: 0, baseSequence: 3 }), 0)).firstOffset, 4)
  await l.close()
  await rm(dir, { recursive: true })
})

test('truncateTo, epoch cache, follower append, and flush moving the recovery point', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const cfg = config({ segmentBytes: 400 })
  const log = await UnifiedLog.open(dir, cfg, options(time))
  for (let i = 0; i < 10; i++) await log.appendAsLeader(batch(2, time.nowMs()), i < 5 ? 1 : 4)
  assert.deepEqual(log.leaderEpochCache.entries, [{ epoch: 1, startOffset: 0 }, { epoch: 4, startOffset: 10 }])
  assert.deepEqual(log.endOffsetForEpoch(1), { epoch: 1, endOffset: 10 })
  assert.deepEqual(log.endOffsetForEpoch(3), { epoch: 1, endOffset: 10 })
  assert.deepEqual(log.endOffsetForEpoch(4), { epoch: 4, endOffset: 20 })
  assert.deepEqual(log.endOffsetForEpoch(5), { epoch: -1, endOffset: -1 })
  log.updateHighWatermark(20)
  assert.equal(await log.truncateTo(8), true)
  assert.equal(log.logEndOffset, 8)
  assert.equal(log.highWatermark, 8)
  assert.deepEqual(log.leaderEpochCache.entries, [{ epoch: 1, startOffset: 0 }])
  log.updateHighWatermark(8)
  assert.deepEqual(offsetsIn((await log.read(0, 1 << 20, 8, false)).records), [0, 1, 2, 3, 4, 5, 6, 7])
  // A follower appends the leader's batches with their offsets and epochs.
  const leaderBatch = batch(2, time.nowMs())
  leaderBatch.writeBigInt64BE(8n, 0)
  leaderBatch.writeInt32BE(6, 12)
  const info = await log.appendAsFollower(leaderBatch)
  assert.deepEqual([info.firstOffset, info.lastOffset], [8, 9])
  assert.equal(log.latestEpoch, 6)
  await log.flush()
  assert.equal(log.recoveryPoint, 10)
  await log.close()
  const l = await UnifiedLog.open(dir, cfg, options(time, { hadCleanShutdown: false, recoveryPoint: 10 }))
  assert.equal(l.logEndOffset, 10)
  assert.deepEqual(l.leaderEpochCache.entries, [{ epoch: 1, startOffset: 0 }, { epoch: 6, startOffset: 8 }])
  await l.close()
  await rm(dir, { recursive: true })
})

test('leftover .deleted and .cleaned files are removed at open', async () => {
  const dir = await tempDir()
  const time = new MockTime()
  const log = await UnifiedLog.open(dir, config(), options(time))
  await log.appendAsLeader(batch(1, time.nowMs()), 0)
  await log.close()
  await writeFile(join(dir, '00000000000000000100.log.deleted'), 'x')
  await writeFile(join(dir, '00000000000000000100.log.cleaned'), 'x')
  await writeFile(join(dir, '00000000000000000200.index'), '')
  const l = await UnifiedLog.open(dir, config(), options(time, { hadCleanShutdown: true, recoveryPoint: 1 }))
  const files = (await readdir(dir)).filter((f) => /^\d{20}\./.test(f))
  assert.deepEqual(files.filter((f) => !f.endsWith('.snapshot')).sort(), ['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex'])
  assert.equal(l.logEndOffset, 1)
  await l.delete()
  await assert.rejects(stat(dir))
})
