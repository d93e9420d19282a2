/**
 * The log cleaner against crashes and concurrent use: the directory copied
 * at every step of a cleaning (as a crash would leave it) reopens with
 * either the old segments or the new one; appends, reads and readers of
 * old segments carry on during a cleaning; shutdown and log deletion abort
 * a pass cleanly; LogManager runs the cleaner and keeps its checkpoint.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cp, mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryLogger } from '../common/logger.js'
import { MockTime } from '../common/time.js'
import { decodeRecordBatches } from '../protocol/records/record-batch.js'
import type { CleanerStep } from './cleaner.js'
import { CLEANER_OFFSET_CHECKPOINT } from './log-cleaner-manager.js'
import { CLEAN_SHUTDOWN_FILE, LogManager } from './log-manager.js'
import { readOffsetCheckpoint } from './offset-checkpoint-file.js'
import { UnifiedLog } from './unified-log.js'
import {
  T0, append, compactConfig, latestByKey, leftoverFiles, newCleaner, openCompactedLog, readRecords,
  type KV,
} from './testing/compacted-log.js'

function updates(from: number, count: number, keys: number, valueBytes = 20): KV[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % keys}`, value: `v${from + i}-${'x'.repeat(valueBytes)}` }))
}

async function reopen(dir: string, cfg = compactConfig({ segmentBytes: 1024 * 1024 })): Promise<UnifiedLog> {
  const log = await UnifiedLog.open(dir, cfg, { time: new MockTime(T0), recoveryPoint: 0, logStartOffset: 0, producerIdExpirationMs: 86_400_000, hadCleanShutdown: false })
  log.updateHighWatermark(log.logEndOffset)
  return log
}

async function pollUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  assert.fail(`gave up waiting for ${what}`)
}

test('a crash at any step of a cleaning leaves the old segments or the cleaned one in service, never a half-written segment', async () => {
  // .deleted files stay while the directory is copied.
  const f = await openCompactedLog(compactConfig({ segmentBytes: 1024 * 1024, fileDeleteDelayMs: 60_000 }))
  // Six small segments (rolled by hand) that merge into one cleaned segment.
  for (let s = 0; s < 6; s++) {
    for (let i = 0; i < 60; i += 10) await append(f.log, updates(s * 60 + i, 10, 20), T0)
    await f.log.roll()
  }
  const before = await readRecords(f.log)
  const crashes = await mkdtemp(join(tmpdir(), 'brook-crash-'))
  const copies: { step: CleanerStep; dir: string; files: string[] }[] = []
  const { cleaner } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time, {
    afterStep: async (step, dir) => {
      const to = join(crashes, `${copies.length}-${step}`)
      await cp(dir, to, { recursive: true })
      copies.push({ step, dir: to, files: (await readdir(to)).filter((n) => /\.log/.test(n)).sort() })
    },
  })
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  const after = await readRecords(f.log)
  assert.ok(after.length < before.length)
  assert.deepEqual(copies.map((c) => c.step), [
    'writing-cleaned', 'cleaned-flushed', 'renamed-to-swap',
    ...Array.from({ length: 6 }, () => 'old-segment-deleted' as const), 'swapped-in',
  ])
  // The intermediate states are the ones the loader knows (log-segments.ts loadLog).
  const zero = '00000000000000000000.log'
  assert.ok(copies[0]!.files.includes(`${zero}.cleaned`) && copies[0]!.files.includes(zero))
  assert.ok(copies[2]!.files.includes(`${zero}.swap`) && copies[2]!.files.includes(zero))
  assert.ok(copies[3]!.files.includes(`${zero}.deleted`) && copies[3]!.files.includes(`${zero}.swap`))
  assert.equal(copies[8]!.files.filter((n) => n.endsWith('.deleted')).length, 6)
  assert.ok(copies[9]!.files.includes(zero) && !copies[9]!.files.some((n) => n.endsWith('.swap')))

  // A half-written cleaned segment too.
  const torn = join(crashes, 'torn-cleaned')
  await cp(copies[0]!.dir, torn, { recursive: true })
  const cleanedLog = join(torn, `${zero}.cleaned`)
  await truncate(cleanedLog, Math.floor((await stat(cleanedLog)).size / 2))
  const states = [{ step: 'torn', dir: torn }, ...copies]

  for (const { step, dir } of states) {
    const log = await reopen(dir)
    const expected = step === 'torn' || step === 'writing-cleaned' || step === 'cleaned-flushed' ? before : after
    assert.deepEqual(await readRecords(log), expected, `state after ${step}`)
    assert.equal(log.segmentCount, expected === before ? 7 : 2, `segments after ${step}: ${log.segmentBaseOffsets().join(',')}`)
    assert.deepEqual(await leftoverFiles(dir), [], `no .cleaned/.swap/.deleted files left after ${step}`)
    // And the recovered log is a working one.
    const info = await append(log, [{ key: 'k0', value: 'after the crash' }], T0)
    assert.equal(info.firstOffset, before[before.length - 1]!.offset + 1)
    await log.close()
  }
  await f.log.close()
  await rm(f.root, { recursive: true })
  await rm(crashes, { recursive: true })
})

test('appends and reads go on while a log is cleaned; the swap waits its turn in the log\'s serial queue', async () => {
  const f = await openCompactedLog(compactConfig({ segmentBytes: 256 * 1024 }))
  for (let i = 0; i < 30_000; i += 100) await append(f.log, updates(i, 100, 1000, 100), T0)
  await f.log.roll()
  const written: KV[] = []
  let swapped = false
  let appendQueuedDuringSwap: Promise<void> | null = null
  const { cleaner } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time, {
    afterStep: async (step) => {
      if (step === 'writing-cleaned' && written.length === 0) {
        // The cleaner is paused half-way: the log serves an append and a read of it meanwhile.
        const record = { key: 'during', value: 'cleaning' }
        const info = await append(f.log, [record], T0)
        const read = await f.log.read(info.firstOffset, 1 << 20, f.log.highWatermark, true)
        assert.equal(decodeRecordBatches(read.records).batches[0]!.records[0]!.value!.toString(), 'cleaning')
        written.push(record)
      }
      if (step === 'renamed-to-swap' && appendQueuedDuringSwap === null) {
        // Inside the log's queue: an append started now completes only after the swap.
        const record = { key: 'during', value: 'swap' }
        written.push(record)
        appendQueuedDuringSwap = append(f.log, [record], T0).then(() => assert.ok(swapped, 'the append completed after the swap'))
      }
      if (step === 'swapped-in') swapped = true
    },
  })
  const expected = latestByKey(await readRecords(f.log))
  let ticks = 0
  let ticking = true
  const tick = () => {
    if (!ticking) return
    ticks++
    setImmediate(tick)
  }
  setImmediate(tick)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  ticking = false
  await appendQueuedDuringSwap
  assert.equal(written.length, 2)
  // The event loop kept turning: at least once per MiB the cleaner read and wrote.
  assert.ok(ticks >= 6, `${ticks} turns of the event loop during the cleaning`)

  const after = await readRecords(f.log)
  for (let i = 1; i < after.length; i++) assert.ok(after[i]!.offset > after[i - 1]!.offset)
  const latest = latestByKey(after)
  assert.equal(latest.get('during')!.value, 'swap')
  latest.delete('during')
  assert.deepEqual(latest, expected)
  await f.log.close()
  await rm(f.root, { recursive: true })
})

test('a reader holding a replaced segment keeps reading it until file.delete.delay.ms, then its files go', async () => {
  const f = await openCompactedLog(compactConfig({ segmentBytes: 2048, fileDeleteDelayMs: 300 }))
  for (let i = 0; i < 300; i += 10) await append(f.log, updates(i, 10, 10), T0)
  await f.log.roll()
  const old = f.log.logSegments(0, 1)[0]!
  const oldBytes = (await old.read(0, 1 << 20, Infinity, true))!.records
  const { cleaner } = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time)
  assert.equal(await cleaner.cleanFilthiestLog(), true)
  assert.notEqual(f.log.logSegments(0, 1)[0], old, 'the log reads the cleaned segment now')
  assert.deepEqual((await old.read(0, 1 << 20, Infinity, true))!.records, oldBytes, 'the old segment still reads')
  assert.ok((await leftoverFiles(f.dir)).some((n) => n.endsWith('.log.deleted')))
  await pollUntil('the .deleted files to go', async () => (await leftoverFiles(f.dir)).length === 0)
  await f.log.close()
  await rm(f.root, { recursive: true })
})

test('shutdown and log deletion abort a running cleaning: no .cleaned files left, the log as it was, no checkpoint moved', async () => {
  for (const how of ['shutdown', 'delete'] as const) {
    const f = await openCompactedLog(compactConfig({ segmentBytes: 2048 }))
    for (let i = 0; i < 300; i += 10) await append(f.log, updates(i, 10, 10), T0)
    await f.log.roll()
    const before = await readRecords(f.log)
    let stopping: Promise<void> | null = null
    const fixture = await newCleaner(f.root, [{ tp: f.tp, logDir: f.root, log: f.log }], f.time, {
      afterStep: async (step) => {
        if (step === 'writing-cleaned' && stopping === null) {
          // Not awaited: it waits for this very pass to stop.
          stopping = how === 'shutdown' ? fixture.cleaner.shutdown() : fixture.cleaner.abortAndForget(f.tp, f.root)
        }
      },
    })
    assert.equal(await fixture.cleaner.cleanFilthiestLog(), true)
    await stopping
    assert.deepEqual(await leftoverFiles(f.dir), [], how)
    assert.deepEqual(await readRecords(f.log), before, how)
    assert.equal(fixture.cleaner.manager.checkpoint(f.root, f.tp), undefined, how)
    const reason = how === 'shutdown' ? 'the log cleaner is shutting down' : 'the log is being deleted'
    assert.ok(fixture.logger.lines.some((l) => l.includes(`Cleaning of log compacted-0 stopped: Cleaning aborted: ${reason}`)), fixture.logger.lines.join('\n'))
    if (how === 'shutdown') assert.equal(await fixture.cleaner.cleanFilthiestLog(), false, 'a stopped cleaner cleans nothing')
    await f.log.close()
    await rm(f.root, { recursive: true })
  }
})

test('LogManager runs the cleaner (log.cleaner.backoff.ms), keeps its checkpoint across a restart, and stops it at shutdown', async () => {
  const root = await mkdtemp(join(tmpdir(), 'brook-lm-cleaner-'))
  const time = new MockTime(T0)
  const tp = { topic: 'offsets', partition: 0 }
  const cfg = compactConfig({ segmentBytes: 2048 })
  const options = (enable: boolean) => ({
    logDirs: [root], time, logger: memoryLogger({ level: 'info' }),
    retentionCheckIntervalMs: 1e9, flushCheckIntervalMs: 1e9, recoveryPointCheckpointIntervalMs: 1e9, logStartOffsetCheckpointIntervalMs: 1e9,
    producerIdExpirationMs: 86_400_000, cleaner: { enable, backoffMs: 10, dedupeBufferSize: 1 << 20 },
  })
  const lm = await LogManager.startup(options(true), () => cfg)
  const log = await lm.getOrCreateLog(tp, cfg, 'AAAAAAAAAAAAAAAAAAAAAA')
  for (let i = 0; i < 500; i += 10) await append(log, updates(i, 10, 3), T0)
  await log.roll()
  const end = log.activeSegmentBaseOffset
  const checkpointFile = join(root, CLEANER_OFFSET_CHECKPOINT)
  await pollUntil('the cleaner to clean the log', async () => (await readOffsetCheckpoint(checkpointFile)).get('offsets-0') === end)
  assert.equal(latestByKey(await readRecords(log)).size, 3)
  assert.ok((await readRecords(log)).length <= 4)
  await lm.shutdown()
  assert.ok((await readdir(root)).includes(CLEAN_SHUTDOWN_FILE))

  const restarted = await LogManager.startup(options(true), () => cfg)
  assert.equal(restarted.cleaner!.manager.checkpoint(root, tp), end)
  // Deleting the log forgets its checkpoint.
  await restarted.deleteLog(tp)
  assert.equal((await readOffsetCheckpoint(checkpointFile)).get('offsets-0'), undefined)
  await restarted.shutdown()
  const disabled = await LogManager.startup(options(false), () => cfg)
  assert.equal(disabled.cleaner, undefined, 'log.cleaner.enable=false: no cleaner')
  await disabled.shutdown()
  await rm(root, { recursive: true })
})
