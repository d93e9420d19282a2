/**
 * Log compaction on a real broker process, driven by kcat (librdkafka):
 * 100,000 updates of 1,000 keys (lz4-compressed batches), then tombstones
 * for 100 of them, on a topic with cleanup.policy=compact, 64 KiB segments
 * and segment.ms 2 s, on a broker whose cleaner backs off 200 ms.
 *
 * After the data has left the active segment (records are produced until a
 * roll by segment.ms moves it out), the cleaner must leave at most one
 * record per key outside the active segment, the latest value of every
 * live key, offsets strictly increasing, and the tombstones; once
 * delete.retention.ms has passed the tombstones must go; and the log must
 * read the same after a clean restart.
 *
 * Every wait is a bounded poll; what is asserted never depends on how fast
 * the machine is: the tombstones must be present when read before
 * delete.retention.ms has passed since they were produced (their delete
 * horizon can only be later), and when they are seen gone, that much time
 * must have passed.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { makeBatch } from './raw-client.js'
import { brokerFixture } from './broker-fixture.js'
import { assertSegmentsWhole, partitionFiles, pollUntil, run } from './broker-process.js'

const TOPIC = 'compacted-updates'
const KEYS = 1000
const UPDATES = 100_000
const TOMBSTONES = 100
const DELETE_RETENTION_MS = 10_000
const BROKER_CONFIG = { 'log.cleaner.backoff.ms': '200' }

interface Consumed {
  offset: number
  key: string
  /** null for a tombstone. */
  value: string | null
}

const key = (i: number) => `k${String(i).padStart(4, '0')}`

/** Everything in the partition from the beginning, as kcat (a librdkafka consumer) reads it. */
async function consumeAll(bootstrap: string): Promise<Consumed[]> {
  const out = await run('kcat', ['-b', bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\t%k\t%S\t%s\n'], undefined, 60_000)
  return out.split('\n').filter((l) => l !== '').map((line) => {
    const [offset, k, size, value] = line.split('\t')
    return { offset: Number(offset), key: k!, value: size === '-1' ? null : value! }
  })
}

/** Base offset of the active segment: the largest `.log` file's. */
async function activeSegmentBase(logDir: string): Promise<number> {
  const bases = (await partitionFiles(logDir, TOPIC, 0)).filter((f) => f.endsWith('.log')).map((f) => Number(f.slice(0, 20)))
  return Math.max(...bases)
}

function duplicateKeysBelow(records: readonly Consumed[], end: number): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const r of records) {
    if (r.offset >= end) continue
    if (seen.has(r.key)) dup.add(r.key)
    seen.add(r.key)
  }
  return [...dup]
}

describe('log compaction on a real broker', () => {
  const fx = brokerFixture(BROKER_CONFIG)

  test('keeps the latest value per key, keeps tombstones for delete.retention.ms, then drops them; survives a restart', async (t) => {
    const created = await fx.client.createTopic(TOPIC, {
      configs: {
        'cleanup.policy': 'compact', 'segment.bytes': String(64 * 1024), 'segment.ms': '2000',
        'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': String(DELETE_RETENTION_MS), 'file.delete.delay.ms': '1000',
      },
    })
    assert.equal(created.errorCode, ErrorCode.NONE)

    // A record without a key is refused as Kafka refuses it, and nothing is appended.
    const keyless = await fx.client.produce(TOPIC, 0, makeBatch([{ key: null, value: 'no key' }]))
    assert.equal(keyless.errorCode, ErrorCode.INVALID_RECORD)
    assert.match(keyless.errorMessage ?? '', /Compacted topic cannot accept message without key in topic partition compacted-updates-0\./)
    assert.equal((await fx.client.listOffset(TOPIC, 0, -1n)).offset, 0n)

    // 100,000 updates over 1,000 keys; value = update number, so the latest is known.
    const latest = new Map<string, string>()
    const lines: string[] = []
    for (let i = 0; i < UPDATES; i++) {
      const k = key(i % KEYS)
      latest.set(k, `v${i}`)
      lines.push(`${k}:v${i}`)
    }
    const produce = (input: string, extra: string[] = []) =>
      run('kcat', ['-b', fx.broker.bootstrap, '-P', '-t', TOPIC, '-p', '0', '-K:', '-X', 'batch.size=16384', ...extra], input, 120_000)
    await produce(lines.join('\n') + '\n', ['-z', 'lz4'])
    // Tombstones (null values, kcat -Z) for 100 keys.
    const tombstonesProducedAt = Date.now()
    await produce(Array.from({ length: TOMBSTONES }, (_, i) => `${key(i)}:`).join('\n') + '\n', ['-Z'])
    const lastTombstone = UPDATES + TOMBSTONES - 1
    assert.equal((await fx.client.listOffset(TOPIC, 0, -1n)).offset, BigInt(lastTombstone + 1))
    const live = [...latest].filter(([k]) => Number(k.slice(1)) >= TOMBSTONES)

    // Produce until a roll by segment.ms moves everything above out of the active segment.
    let rolls = 0
    await pollUntil('the active segment to roll past the tombstones', 60, 500, async () => {
      await produce(`roll:${rolls++}\n`)
      return (await activeSegmentBase(fx.broker.logDir)) > lastTombstone ? true : undefined
    })

    // Compacted: one record per key outside the active segment, every live key's latest value, the tombstones.
    const liveKept = (records: readonly Consumed[]) => {
      const seen = new Map(records.map((r) => [r.key, r.value]))
      return live.every(([k, v]) => seen.get(k) === v)
    }
    let firstRead: { records: Consumed[]; startedAt: number } | undefined
    await pollUntil('the cleaner to compact the log', 240, 500, async () => {
      const startedAt = Date.now()
      const active = await activeSegmentBase(fx.broker.logDir)
      const records = await consumeAll(fx.broker.bootstrap)
      if (duplicateKeysBelow(records, active).length > 0 || !liveKept(records)) return undefined
      firstRead = { records, startedAt }
      return true
    })
    const { records, startedAt } = firstRead!
    for (let i = 1; i < records.length; i++) assert.ok(records[i]!.offset > records[i - 1]!.offset, `offsets increase at ${records[i]!.offset}`)
    assert.ok(records.length < KEYS + rolls + 1, `${records.length} records left of ${UPDATES + TOMBSTONES + rolls}`)
    const tombstones = records.filter((r) => r.value === null)
    if (startedAt < tombstonesProducedAt + DELETE_RETENTION_MS) {
      // Read before delete.retention.ms had passed: the tombstones must all be there, at the end of each key's history.
      assert.deepEqual(tombstones.map((r) => r.key).sort(), Array.from({ length: TOMBSTONES }, (_, i) => key(i)))
      for (const tomb of tombstones) assert.equal(records.filter((r) => r.key === tomb.key).at(-1), tomb, `${tomb.key}: the tombstone is the last record`)
    } else {
      t.diagnostic(`compacted state first read ${startedAt - tombstonesProducedAt} ms after the tombstones: too late to see them`)
    }
    await pollUntil('the broker to log the cleaning', 40, 250, async () => (/Cleaned log compacted-updates-0: .* size reduction/.test(fx.broker.output()) ? true : undefined))
    for (const line of fx.broker.output().split('\n').filter((l) => l.includes('Cleaned log'))) t.diagnostic(line)

    // After delete.retention.ms the tombstones go, and nothing else does.
    let cleanedRead: Consumed[] = []
    await pollUntil('the tombstones to go', 240, 500, async () => {
      const now = Date.now()
      const rs = await consumeAll(fx.broker.bootstrap)
      if (rs.some((r) => r.value === null || Number(r.key.slice(1)) < TOMBSTONES)) return undefined
      assert.ok(now >= tombstonesProducedAt + DELETE_RETENTION_MS, 'tombstones were kept for delete.retention.ms')
      cleanedRead = rs
      return true
    })
    assert.ok(liveKept(cleanedRead))
    assert.deepEqual(duplicateKeysBelow(cleanedRead, await activeSegmentBase(fx.broker.logDir)), [])
    assert.deepEqual(cleanedRead.filter((r) => r.key !== 'roll').map((r) => [r.key, r.value]).sort(), live.sort())
    // A few small segments remain, merged by the cleaner, not the ~40 that were rolled.
    const segments = (await partitionFiles(fx.broker.logDir, TOPIC, 0)).filter((f) => f.endsWith('.log'))
    assert.ok(segments.length <= 3, `segments: ${segments.join(', ')}`)

    // A clean restart reads the same.
    await fx.restart(() => assertSegmentsWhole(fx.broker.logDir, TOPIC, 0))
    assert.deepEqual(await consumeAll(fx.broker.bootstrap), cleanedRead)
    const raw = await fx.client.readPartition(TOPIC, 0)
    assert.deepEqual(raw.records.map((r) => [Number(r.offset), r.key, r.value]), cleanedRead.map((r) => [r.offset, r.key, r.value]))
  })
})
