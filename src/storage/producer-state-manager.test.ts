import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MockTime } from '../common/time.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { isKafkaError } from '../protocol/kafka-error.js'
import { crc32c } from '../protocol/records/crc32c.js'
import { BatchAttributes, CompressionType, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from '../protocol/records/record.js'
import type { KafkaRecord } from '../protocol/records/record.js'
import { RecordBatchView } from '../protocol/records/record-batch-header.js'
import { encodeRecordBatch } from '../protocol/records/record-batch.js'
import { ProducerStateManager, decrementSequence } from './producer-state-manager.js'
import {
  CorruptSnapshotError,
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  parseProducerSnapshotFileName,
  producerSnapshotFileName,
} from './producer-state-snapshot.js'

const EXPIRATION_MS = 60_000
const MAX_SEQ = 0x7fffffff

function batch(producerId: number, producerEpoch: number, baseSequence: number, count = 1, attributes = 0): RecordBatchView {
  const records: KafkaRecord[] = Array.from({ length: count }, (_, i) => ({
    attributes: 0,
    timestampDelta: i,
    offsetDelta: i,
    key: null,
    value: Buffer.from(`v${i}`),
    headers: [],
  }))
  const buf = encodeRecordBatch({
    baseOffset: 0,
    partitionLeaderEpoch: 0,
    attributes: CompressionType.None | attributes,
    lastOffsetDelta: count - 1,
    baseTimestamp: 1_000,
    maxTimestamp: 1_000 + count - 1,
    producerId,
    producerEpoch,
    baseSequence,
    records,
  })
  return new RecordBatchView(buf, 0)
}

/** A log in miniature: checks and appends like UnifiedLog, returning the offsets a produce would answer with. */
class Appender {
  nextOffset = 0
  constructor(
    readonly psm: ProducerStateManager,
    readonly time: MockTime,
  ) {}

  append(b: RecordBatchView): { firstOffset: number; lastOffset: number; duplicate: boolean } {
    const dup = this.psm.checkSequence(b)
    if (dup !== null) return { firstOffset: dup.firstOffset, lastOffset: dup.lastOffset, duplicate: true }
    const firstOffset = this.nextOffset
    const lastOffset = firstOffset + b.lastOffsetDelta
    this.nextOffset = lastOffset + 1
    this.psm.update(b, firstOffset, lastOffset, this.time.nowMs())
    return { firstOffset, lastOffset, duplicate: false }
  }
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'brook-psm-'))
  try {
    await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function setup(dir = '/nonexistent-brook-dir'): { psm: ProducerStateManager; time: MockTime; log: Appender } {
  const time = new MockTime()
  const psm = new ProducerStateManager(dir, { time, producerIdExpirationMs: EXPIRATION_MS })
  return { psm, time, log: new Appender(psm, time) }
}

function assertKafkaError(fn: () => unknown, errorCode: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isKafkaError(e), String(e))
    assert.equal(e.errorCode, errorCode, e.message)
    return true
  })
}

test('batches without a producer id are not checked, only counted in mapEndOffset', () => {
  const { psm, log } = setup()
  assert.equal(psm.checkSequence(batch(NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE)), null)
  log.append(batch(NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE, 3))
  assert.equal(psm.producerIdCount, 0)
  assert.equal(psm.mapEndOffset, 3)
})

test('a new producer starts at sequence 0 and continues in sequence', () => {
  const { psm, log } = setup()
  assert.deepEqual(log.append(batch(1, 0, 0, 3)), { firstOffset: 0, lastOffset: 2, duplicate: false })
  assert.deepEqual(log.append(batch(1, 0, 3, 2)), { firstOffset: 3, lastOffset: 4, duplicate: false })
  const entry = psm.lastEntry(1)!
  assert.equal(entry.producerEpoch, 0)
  assert.deepEqual(
    entry.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset]),
    [
      [0, 2, 0, 2],
      [3, 4, 3, 4],
    ],
  )
  assert.equal(psm.mapEndOffset, 5)
})

test('a gap in sequence is OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
  const { psm, log } = setup()
  log.append(batch(1, 0, 0, 2))
  assertKafkaError(() => psm.checkSequence(batch(1, 0, 3)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  assertKafkaError(() => psm.checkSequence(batch(1, 0, 1)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
})

test('an unknown producer may start at any sequence (KIP-360, ProducerAppendInfo.checkSequence)', () => {
  const { psm, log } = setup()
  assert.equal(psm.checkSequence(batch(7, 3, 42)), null)
  log.append(batch(7, 3, 42, 2))
  assertKafkaError(() => psm.checkSequence(batch(7, 3, 45)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  assert.equal(psm.checkSequence(batch(7, 3, 44)), null)
})

test('a replay of any of the last 5 batches is a duplicate with its original offsets; older is OUT_OF_ORDER', () => {
  const { psm, log } = setup()
  const appended = []
  for (let i = 0; i < 6; i++) appended.push(log.append(batch(1, 0, i * 2, 2)))
  for (let i = 1; i < 6; i++) {
    const replay = log.append(batch(1, 0, i * 2, 2))
    assert.deepEqual(replay, { ...appended[i]!, duplicate: true })
  }
  assert.equal(log.nextOffset, 12, 'duplicates append nothing')
  // Below the window: Kafka answers OUT_OF_ORDER_SEQUENCE_NUMBER (brokers never send DUPLICATE_SEQUENCE_NUMBER).
  assertKafkaError(() => psm.checkSequence(batch(1, 0, 0, 2)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  // Same first sequence but a different range is not a duplicate.
  assertKafkaError(() => psm.checkSequence(batch(1, 0, 10, 1)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
})

test('an older epoch is fenced with INVALID_PRODUCER_EPOCH; a bumped epoch must restart at 0', () => {
  const { psm, log } = setup()
  log.append(batch(1, 5, 0, 3))
  assertKafkaError(() => psm.checkSequence(batch(1, 4, 3)), ErrorCode.INVALID_PRODUCER_EPOCH)
  assertKafkaError(() => psm.checkSequence(batch(1, 4, 0)), ErrorCode.INVALID_PRODUCER_EPOCH)
  assertKafkaError(() => psm.checkSequence(batch(1, 6, 3)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  assert.equal(psm.checkSequence(batch(1, 6, 0)), null)
  log.append(batch(1, 6, 0, 2))
  const entry = psm.lastEntry(1)!
  assert.equal(entry.producerEpoch, 6)
  assert.equal(entry.batches.length, 1, 'a new epoch forgets the old batches')
  // A replay from the old epoch is fenced, not a duplicate.
  assertKafkaError(() => psm.checkSequence(batch(1, 5, 0, 3)), ErrorCode.INVALID_PRODUCER_EPOCH)
})

test('coordinator appends get the epoch check only; replication gets none', () => {
  const { psm, log } = setup()
  log.append(batch(1, 2, 0, 1))
  assert.equal(psm.checkSequence(batch(1, 2, NO_SEQUENCE), 'coordinator'), null)
  assertKafkaError(() => psm.checkSequence(batch(1, 1, NO_SEQUENCE), 'coordinator'), ErrorCode.INVALID_PRODUCER_EPOCH)
  assert.equal(psm.checkSequence(batch(1, 1, 99), 'replication'), null)
})

test('sequences wrap from 2^31-1 to 0', () => {
  const { psm, log } = setup()
  log.append(batch(1, 0, MAX_SEQ - 2, 3)) // MAX-2 .. MAX
  assert.equal(psm.lastEntry(1)!.batches[0]!.lastSeq, MAX_SEQ)
  assert.equal(psm.checkSequence(batch(1, 0, 0, 2)), null)
  assertKafkaError(() => psm.checkSequence(batch(1, 0, 1)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  log.append(batch(1, 0, 0, 2))
  // A batch that itself wraps: MAX-1, MAX, 0.
  const { psm: psm2, log: log2 } = setup()
  log2.append(batch(2, 0, MAX_SEQ - 4, 3))
  const wrapping = log2.append(batch(2, 0, MAX_SEQ - 1, 3))
  assert.equal(psm2.lastEntry(2)!.batches[1]!.lastSeq, 0)
  assert.equal(psm2.checkSequence(batch(2, 0, 1)), null)
  assert.deepEqual(log2.append(batch(2, 0, MAX_SEQ - 1, 3)), { ...wrapping, duplicate: true })
  assert.equal(decrementSequence(1, 3), MAX_SEQ - 1)
})

test('idle producers expire after producer.id.expiration.ms; open transactions keep them', () => {
  const { psm, time, log } = setup()
  log.append(batch(1, 0, 0))
  log.append(batch(2, 0, 0, 1, BatchAttributes.TRANSACTIONAL))
  time.advance(10_000)
  log.append(batch(3, 0, 0))
  const t0 = time.nowMs() - 10_000
  psm.removeExpiredProducers(t0 + EXPIRATION_MS - 1)
  assert.equal(psm.producerIdCount, 3)
  psm.removeExpiredProducers(t0 + EXPIRATION_MS)
  assert.equal(psm.lastEntry(1), undefined)
  assert.notEqual(psm.lastEntry(2), undefined, 'an open transaction is never expired')
  assert.notEqual(psm.lastEntry(3), undefined)
  // An expired producer is unknown again: any sequence is accepted.
  assert.equal(psm.checkSequence(batch(1, 0, 17)), null)
})

// ---------------------------------------------------------------- snapshots

test('snapshot file names and the byte layout are Kafka\'s', () => {
  assert.equal(producerSnapshotFileName(42), '00000000000000000042.snapshot')
  assert.equal(parseProducerSnapshotFileName('00000000000000000042.snapshot'), 42)
  assert.equal(parseProducerSnapshotFileName('42.snapshot'), null)
  assert.equal(parseProducerSnapshotFileName('00000000000000000042.snapshot.tmp'), null)

  const entry = {
    producerId: 0x1_0000_0002,
    epoch: 3,
    lastSequence: 9,
    lastOffset: 77,
    offsetDelta: 4,
    timestamp: 1_700_000_000_123,
    coordinatorEpoch: -1,
    currentTxnFirstOffset: -1,
  }
  const bytes = encodeProducerSnapshot([entry])
  // version int16 | crc uint32 | count int32 | one 46-byte entry
  assert.equal(bytes.length, 2 + 4 + 4 + 46)
  assert.equal(bytes.readInt16BE(0), 1)
  assert.equal(bytes.readUInt32BE(2), crc32c(bytes, 6))
  assert.equal(bytes.readInt32BE(6), 1)
  assert.equal(bytes.readBigInt64BE(10), 0x1_0000_0002n)
  assert.equal(bytes.readInt16BE(18), 3)
  assert.equal(bytes.readInt32BE(20), 9)
  assert.equal(bytes.readBigInt64BE(24), 77n)
  assert.equal(bytes.readInt32BE(32), 4)
  assert.equal(bytes.readBigInt64BE(36), 1_700_000_000_123n)
  assert.equal(bytes.readInt32BE(44), -1)
  assert.equal(bytes.readBigInt64BE(48), -1n)
  assert.deepEqual(decodeProducerSnapshot(bytes), [entry])

  const corrupt = Buffer.from(bytes)
  corrupt[30]! ^= 1
  assert.throws(() => decodeProducerSnapshot(corrupt), CorruptSnapshotError)
  assert.throws(() => decodeProducerSnapshot(bytes.subarray(0, bytes.length - 1)), CorruptSnapshotError)
  const v2 = Buffer.from(bytes)
  v2.writeInt16BE(2, 0)
  assert.throws(() => decodeProducerSnapshot(v2), CorruptSnapshotError)
})

test('a restart keeps the last batch per producer: its replay is still a duplicate', async () => {
  await withDir(async (dir) => {
    const { psm, time, log } = setup(dir)
    await psm.load(0, 0)
    for (let i = 0; i < 3; i++) log.append(batch(1, 2, i * 2, 2)) // offsets 0-1, 2-3, 4-5
    const last2 = log.append(batch(2, 0, 0, 4)) // offsets 6-9
    await psm.takeSnapshot(log.nextOffset)
    assert.deepEqual(await readdir(dir), ['00000000000000000010.snapshot'])

    const psm2 = new ProducerStateManager(dir, { time, producerIdExpirationMs: EXPIRATION_MS })
    await psm2.load(0, 10)
    assert.equal(psm2.mapEndOffset, 10)
    const entry = psm2.lastEntry(1)!
    assert.equal(entry.producerEpoch, 2)
    assert.deepEqual(entry.batches, [{ firstSeq: 4, lastSeq: 5, firstOffset: 4, lastOffset: 5, timestamp: time.nowMs() }])
    // Kafka keeps only the latest batch in a snapshot: the window is now one batch.
    const log2 = new Appender(psm2, time)
    log2.nextOffset = 10
    assert.deepEqual(log2.append(batch(1, 2, 4, 2)), { firstOffset: 4, lastOffset: 5, duplicate: true })
    assert.deepEqual(log2.append(batch(2, 0, 0, 4)), { ...last2, duplicate: true })
    assertKafkaError(() => psm2.checkSequence(batch(1, 2, 2, 2)), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
    assertKafkaError(() => psm2.checkSequence(batch(1, 1, 6)), ErrorCode.INVALID_PRODUCER_EPOCH)
    assert.deepEqual(log2.append(batch(1, 2, 6, 1)), { firstOffset: 10, lastOffset: 10, duplicate: false })
  })
})

test('load picks the newest snapshot within the log, deletes the rest, and falls back past a corrupt one', async () => {
  await withDir(async (dir) => {
    const { psm, log } = setup(dir)
    await psm.load(0, 0)
    log.append(batch(1, 0, 0)) // offset 0
    await psm.takeSnapshot(1)
    log.append(batch(2, 0, 0)) // offset 1
    await psm.takeSnapshot(2)
    log.append(batch(3, 0, 0)) // offset 2
    await psm.takeSnapshot(3)
    await writeFile(join(dir, '00000000000000000003.snapshot.tmp'), 'torn write')
    assert.deepEqual(psm.snapshotOffsets(), [1, 2, 3])

    // The log was cut back to offset 2 (say, a torn tail): snapshot 3 is ahead of it.
    const time = new MockTime()
    const reloaded = new ProducerStateManager(dir, { time, producerIdExpirationMs: EXPIRATION_MS })
    await reloaded.load(0, 2)
    assert.deepEqual((await readdir(dir)).sort(), ['00000000000000000001.snapshot', '00000000000000000002.snapshot'])
    assert.equal(reloaded.mapEndOffset, 2)
    assert.deepEqual(reloaded.activeProducers().map((p) => p.producerId).sort(), [1, 2])

    // Corrupt the newest: load falls back to the previous one and deletes the bad file.
    const path = join(dir, '00000000000000000002.snapshot')
    const bytes = await readFile(path)
    bytes[bytes.length - 1]! ^= 1
    await writeFile(path, bytes)
    const again = new ProducerStateManager(dir, { time, producerIdExpirationMs: EXPIRATION_MS })
    await again.load(0, 2)
    assert.equal(again.mapEndOffset, 1, 'the log replays from offset 1')
    assert.deepEqual(again.activeProducers().map((p) => p.producerId), [1])
    assert.deepEqual(await readdir(dir), ['00000000000000000001.snapshot'])

    // No usable snapshot: start empty at the log start offset.
    const none = new ProducerStateManager(dir, { time, producerIdExpirationMs: EXPIRATION_MS })
    await none.load(5, 9)
    assert.equal(none.mapEndOffset, 5)
    assert.equal(none.producerIdCount, 0)
    assert.deepEqual(await readdir(dir), [])
  })
})

test('load leaves out expired producers but keeps those whose data is below the log start (KAFKA-7190)', async () => {
  await withDir(async (dir) => {
    const { psm, time, log } = setup(dir)
    await psm.load(0, 0)
    log.append(batch(1, 0, 0)) // offset 0, old
    time.advance(EXPIRATION_MS - 1000)
    log.append(batch(2, 0, 0)) // offset 1, recent
    await psm.takeSnapshot(2)
    time.advance(1000)
    const reloaded = new ProducerStateManager(dir, { time, producerIdExpirationMs: EXPIRATION_MS })
    await reloaded.load(2, 2)
    assert.equal(reloaded.lastEntry(1), undefined, 'expired')
    assert.equal(reloaded.lastEntry(2)!.batches[0]!.lastOffset, 1, 'retained although offset 1 < log start 2')
  })
})

test('takeSnapshot refuses an offset below mapEndOffset; deleteSnapshotsBefore; truncateAndReload', async () => {
  await withDir(async (dir) => {
    const { psm, log } = setup(dir)
    await psm.load(0, 0)
    log.append(batch(1, 0, 0, 5)) // 0-4
    await assert.rejects(psm.takeSnapshot(3), RangeError)
    await psm.takeSnapshot(5)
    await psm.takeSnapshot(5) // no-op
    log.append(batch(1, 0, 5, 5)) // 5-9
    await psm.takeSnapshot(10)
    log.append(batch(1, 0, 10, 5)) // 10-14
    assert.equal(psm.mapEndOffset, 15)

    // The log is truncated to 10 (follower truncation): the state reverts to the snapshot at 10.
    await psm.truncateAndReload(0, 10)
    assert.equal(psm.mapEndOffset, 10)
    assert.equal(psm.lastEntry(1)!.batches.at(-1)!.lastSeq, 9)
    assert.equal(psm.checkSequence(batch(1, 0, 10, 5)), null)

    await psm.deleteSnapshotsBefore(10)
    assert.deepEqual(psm.snapshotOffsets(), [10])
    assert.deepEqual(await readdir(dir), ['00000000000000000010.snapshot'])

    await psm.truncateFullyAndStartAt(20)
    assert.equal(psm.mapEndOffset, 20)
    assert.equal(psm.producerIdCount, 0)
    assert.deepEqual(await readdir(dir), [])
  })
})
