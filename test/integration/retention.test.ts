/**
 * Retention (issue 3, acceptance): a topic with retention.ms 2000 and
 * 1 KiB segments, on a broker that checks retention every 500 ms, loses its
 * old segments on schedule whether or not anyone read them: ListOffsets
 * earliest moves forward, the old `.log` files leave the disk, a consumer
 * asking for a deleted offset gets OFFSET_OUT_OF_RANGE (kcat with
 * auto.offset.reset=error, and a raw Fetch), the broker logs the deletion,
 * and the log start and end offsets survive a restart, so produce continues
 * where it was.
 *
 * Records stamped now expire; records stamped ten minutes ahead follow them
 * and do not, so the log settles in a known state (every segment holding only
 * expired records gone, the rest kept) rather than racing the next check.
 * Polls are bounded (60 x 500 ms); nothing asserts how long anything took.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { makeBatch } from './raw-client.js'
import { brokerFixture } from './broker-fixture.js'
import { SEGMENT_FILE_NAME, partitionFiles, pollUntil, run } from './broker-process.js'

const TOPIC = 'short-lived'
const RECORDS = 200

function offsetOf(kcatQueryOutput: string): number {
  const m = /\[0\] offset (-?\d+)/.exec(kcatQueryOutput)
  assert.ok(m, `kcat -Q output: ${kcatQueryOutput}`)
  return Number(m[1])
}

describe('retention by time deletes whole old segments on schedule', () => {
  const fx = brokerFixture({ 'log.retention.check.interval.ms': '500' })

  test('earliest offset moves forward, old files go, deleted offsets are OFFSET_OUT_OF_RANGE', async () => {
    const created = await fx.client.createTopic(TOPIC, { configs: { 'retention.ms': '2000', 'segment.bytes': '1024', 'file.delete.delay.ms': '100' } })
    assert.equal(created.errorCode, ErrorCode.NONE)

    // Wave 1, stamped now by kcat: expires 2 s after it is written. One record
    // per batch (linger.ms=0, batch.num.messages=1) so the 1 KiB segments roll many times.
    const wave1 = Array.from({ length: RECORDS }, (_, i) => `r-${String(i).padStart(4, '0')}-${'x'.repeat(60)}`)
    await run('kcat', ['-b', fx.broker.bootstrap, '-P', '-t', TOPIC, '-p', '0', '-X', 'linger.ms=0', '-X', 'batch.num.messages=1'], wave1.join('\n') + '\n')
    // Wave 2, stamped 10 minutes ahead: it and the segments holding it outlive the test,
    // so the log settles in a known state instead of emptying completely.
    const future = Date.now() + 10 * 60_000
    const wave2 = Array.from({ length: 20 }, (_, i) => `keep-${i}`)
    for (const v of wave2) assert.equal((await fx.client.produce(TOPIC, 0, makeBatch([{ key: null, value: v }], future))).errorCode, ErrorCode.NONE)
    const all = [...wave1, ...wave2]
    assert.equal(offsetOf(await run('kcat', ['-b', fx.broker.bootstrap, '-Q', '-t', `${TOPIC}:0:-1`])), all.length)

    // Nobody consumed anything; retention still removes every segment holding
    // only wave 1. The first segment kept is the one holding offset RECORDS.
    const logStart = await pollUntil('retention to delete the expired segments', 60, 500, async () => {
      const files = await partitionFiles(fx.broker.logDir, TOPIC, 0)
      if (files.some((f) => f.endsWith('.deleted'))) return undefined
      const bases = files.filter((f) => f.endsWith('.log')).map((f) => Number(f.slice(0, 20)))
      const kept = Math.max(...bases.filter((b) => b <= RECORDS))
      if (kept === 0 || bases.some((b) => b < kept)) return undefined
      const earliest = offsetOf(await run('kcat', ['-b', fx.broker.bootstrap, '-Q', '-t', `${TOPIC}:0:-2`]))
      return earliest === kept ? earliest : undefined
    })
    assert.ok(logStart > 0 && logStart <= RECORDS, `ListOffsets earliest moved forward to ${logStart}`)
    const files = await partitionFiles(fx.broker.logDir, TOPIC, 0)
    assert.ok(!files.includes('00000000000000000000.log'), `first segment gone: ${files.join(',')}`)
    for (const f of files) assert.ok(SEGMENT_FILE_NAME.test(f) || f === 'leader-epoch-checkpoint' || f === 'partition.metadata', `unexpected file ${f}`)
    // The broker logged the deletion (its stdout may trail the socket: bounded wait).
    await pollUntil('the broker to log the segment deletion', 40, 250, async () => (/Deleting segments 0[\d,]* \(retention\.ms\)/.test(fx.broker.output()) ? true : undefined))

    // A consumer asking for a deleted offset: OFFSET_OUT_OF_RANGE, from kcat and on the wire.
    for (const offset of [0, logStart - 1]) {
      await assert.rejects(
        run('kcat', ['-b', fx.broker.bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', String(offset), '-e', '-X', 'auto.offset.reset=error'], undefined, 20_000),
        /Offset out of range/,
        `offset ${offset}`,
      )
      const fetched = await fx.client.fetch(TOPIC, 0, BigInt(offset))
      assert.equal(fetched.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
      assert.equal(fetched.logStartOffset, BigInt(logStart))
    }
    const first = await run('kcat', ['-b', fx.broker.bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', String(logStart), '-c', '1', '-e', '-q', '-f', '%o %s\n', '-X', 'auto.offset.reset=error'])
    assert.equal(first, `${logStart} ${all[logStart]}\n`)

    // What is left reads from the log start, and the log end did not move.
    const assertLeft = async () => {
      const left = await fx.client.readPartition(TOPIC, 0)
      assert.equal(left.logStartOffset, BigInt(logStart))
      assert.deepEqual(left.records.map((r) => [r.offset, r.value]), all.slice(logStart).map((v, i) => [BigInt(logStart + i), v]))
    }
    await assertLeft()

    // The log start offset survives a restart (log-start-offset checkpoint, and the files are gone anyway).
    await fx.restart()
    await assertLeft()
    await run('kcat', ['-b', fx.broker.bootstrap, '-P', '-t', TOPIC, '-p', '0'], 'fresh\n')
    const tail = await run('kcat', ['-b', fx.broker.bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', '-1', '-e', '-q', '-f', '%o %s\n'])
    assert.equal(tail, `${all.length} fresh\n`)
  })
})
