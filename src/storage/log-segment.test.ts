import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MockTime } from '../common/time.js'
import { encodeRecordBatch } from '../protocol/records/record-batch.js'
import { LogSegment, filenamePrefixFromOffset } from './log-segment.js'

const CONFIG = { indexIntervalBytes: 200, segmentIndexBytes: 4096 }

/** A batch already carrying its offsets, as the log writes it. */
function batchAt(baseOffset: number, count: number, ts: number): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ attributes: 0, timestampDelta: i, offsetDelta: i, key: null, value: Buffer.alloc(40, i), headers: [] }))
  return encodeRecordBatch({
    baseOffset, partitionLeaderEpoch: 0, attributes: 0, lastOffsetDelta: count - 1, baseTimestamp: ts, maxTimestamp: ts + count - 1,
    producerId: -1, producerEpoch: -1, baseSequence: -1, records,
  })
}

async function filled(dir: string, time: MockTime): Promise<{ segment: LogSegment; positions: number[] }> {
  const segment = await LogSegment.create(dir, 1000, CONFIG, time)
  const positions: number[] = []
  for (let i = 0; i < 20; i++) {
    positions.push(segment.size)
    await segment.append(1000 + i * 3 + 2, batchAt(1000 + i * 3, 3, 5000 + i * 10))
  }
  return { segment, positions }
}

test('file names are 20-digit base offsets', () => {
  assert.equal(filenamePrefixFromOffset(0), '00000000000000000000')
  assert.equal(filenamePrefixFromOffset(1234), '00000000000000001234')
})

test('append indexes every index.interval.bytes; translateOffset and read find every offset', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-seg-'))
  const time = new MockTime()
  const { segment, positions } = await filled(dir, time)
  assert.ok(segment.offsetIndex.entries >= 3 && segment.offsetIndex.entries < 20, `entries ${segment.offsetIndex.entries}`)
  for (let o = 1000; o < 1060; o++) {
    const h = await segment.translateOffset(o)
    assert.equal(h?.baseOffset, 1000 + Math.floor((o - 1000) / 3) * 3)
    assert.equal(h?.position, positions[Math.floor((o - 1000) / 3)])
  }
  assert.equal(await segment.translateOffset(1060), null)
  assert.equal(await segment.read(1060, 1000, Infinity, true), null)
  const r = await segment.read(1004, positions[3]! - positions[1]!, Infinity, false)
  assert.equal(r?.firstEntryOffset, 1003)
  assert.equal(r?.records.length, positions[3]! - positions[1]!)
  assert.equal(segment.maxTimestampSoFar, 5000 + 19 * 10 + 2)
  assert.equal(segment.offsetOfMaxTimestampSoFar, 1059)
  assert.deepEqual(await segment.findOffsetByTimestamp(5101, 0), { timestamp: 5101, offset: 1031, leaderEpoch: 0 })
  await segment.close()
  await rm(dir, { recursive: true })
})

test('reopen reads next offset and indexes from disk; recover rebuilds the same indexes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-seg-'))
  const time = new MockTime()
  const { segment } = await filled(dir, time)
  await segment.flush()
  const entries = Array.from({ length: segment.offsetIndex.entries }, (_, i) => segment.offsetIndex.entry(i))
  await segment.close()
  assert.deepEqual((await readdir(dir)).sort(), ['00000000000000001000.index', '00000000000000001000.log', '00000000000000001000.timeindex'])
  const reopened = await LogSegment.open(dir, 1000, CONFIG, time)
  assert.equal(reopened.needsRecovery, false)
  assert.equal(await reopened.readNextOffset(), 1060)
  assert.equal(reopened.maxTimestampSoFar, 5192)
  assert.equal(await reopened.recover(), 0)
  assert.deepEqual(Array.from({ length: reopened.offsetIndex.entries }, (_, i) => reopened.offsetIndex.entry(i)), entries)
  await reopened.close()
  await rm(dir, { recursive: true })
})

test('truncateTo cuts at the batch holding the offset and trims the indexes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-seg-'))
  const time = new MockTime()
  const { segment, positions } = await filled(dir, time)
  const before = segment.size
  assert.equal(await segment.truncateTo(1030), before - positions[10]!)
  assert.equal(segment.size, positions[10])
  assert.equal(await segment.readNextOffset(), 1030)
  assert.ok(segment.offsetIndex.lastOffset < 1030)
  assert.equal(segment.maxTimestampSoFar, 5000 + 9 * 10 + 2)
  await segment.append(1032, batchAt(1030, 3, 9000))
  assert.equal(await segment.readNextOffset(), 1033)
  await segment.close()
  assert.equal((await stat(join(dir, '00000000000000001000.log'))).size, positions[10]! + batchAt(1030, 3, 9000).length)
  await rm(dir, { recursive: true })
})

test('a missing index marks the segment for recovery; recovery cuts a torn tail', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'brook-seg-'))
  const time = new MockTime()
  const { segment, positions } = await filled(dir, time)
  await segment.close()
  await rm(join(dir, '00000000000000001000.index'))
  await truncate(join(dir, '00000000000000001000.log'), positions[19]! + 30)
  const reopened = await LogSegment.open(dir, 1000, CONFIG, time)
  assert.equal(reopened.needsRecovery, true)
  assert.equal(await reopened.recover(), 30)
  assert.equal(await reopened.readNextOffset(), 1057)
  assert.equal(reopened.size, positions[19])
  await reopened.close()
  await rm(dir, { recursive: true })
})
