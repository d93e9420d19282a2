/**
 * A full disk (issue 3, "Bad input"): the broker's log dir is on a 2 MiB
 * tmpfs mounted for the test, with a filler file taking part of it. Produce
 * with acks=1 until the broker answers KAFKA_STORAGE_ERROR; then:
 * - the affected partition keeps answering KAFKA_STORAGE_ERROR to produce,
 *   and a produce to another partition on the same disk gets it too (or
 *   succeeds, if it still fits), never another code;
 * - reads keep working: every acknowledged record reads back at its offset
 *   (raw Fetch and kcat with CRC checks), and so does the other topic;
 * - after the filler is deleted and the broker restarted, every acknowledged
 *   record is intact, every segment file on disk is whole valid batches (no
 *   torn or corrupt bytes), and produce works again at the log end.
 *
 * Mounting needs root on Linux; elsewhere this test is skipped with that reason.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { RawClient, makeBatch, type StoredRecord } from './raw-client.js'
import { assertSegmentsWhole, pollUntil, run, startBrokerProcess, type BrokerProcess } from './broker-process.js'

const CAN_MOUNT = process.platform === 'linux' && process.getuid?.() === 0
const FILLER_BYTES = 384 * 1024
const RECORDS_PER_BATCH = 8
const VALUE_BYTES = 2000
/** 2 MiB / (8 x 2 KB) is about 130 batches; the bound only stops a broker that never reports the full disk. */
const MAX_BATCHES = 400

function assertAckedIntact(records: StoredRecord[], acked: StoredRecord[]): void {
  assert.deepEqual(records.map((r) => r.offset), records.map((_, i) => BigInt(i)), 'offsets contiguous from 0')
  for (const a of acked) assert.deepEqual(records[Number(a.offset)], a, `acknowledged offset ${a.offset}`)
}

describe('a full disk', () => {
  let mountDir: string | undefined
  let mounted = false
  let broker: BrokerProcess | undefined
  let client: RawClient | undefined

  after(async () => {
    await client?.close()
    if (broker) await broker.stop()
    if (mounted) await run('umount', [mountDir!])
    if (mountDir) await rmdir(mountDir).catch(() => rm(mountDir!, { recursive: true, force: true }))
  })

  test('KAFKA_STORAGE_ERROR on produce, reads keep working, nothing acknowledged is lost', { skip: CAN_MOUNT ? false : 'mounting a tmpfs needs root on Linux' }, async (t) => {
    mountDir = await mkdtemp(join(tmpdir(), 'brook-full-disk-'))
    await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountDir])
    mounted = true
    const logDir = join(mountDir, 'logs')
    const filler = join(mountDir, 'filler')
    broker = await startBrokerProcess({ logDir })
    client = await RawClient.connect(broker.port)

    assert.equal((await client.createTopic('other')).errorCode, ErrorCode.NONE)
    assert.equal((await client.produce('other', 0, makeBatch([{ key: 'o1', value: 'kept-1' }, { key: 'o2', value: 'kept-2' }]))).errorCode, ErrorCode.NONE)
    const otherBefore = await client.readPartition('other', 0)
    assert.equal((await client.createTopic('full')).errorCode, ErrorCode.NONE)
    await writeFile(filler, Buffer.alloc(FILLER_BYTES, 0x61))

    // Fill the disk through produce, remembering exactly what was acknowledged.
    const acked: StoredRecord[] = []
    let failure: number | undefined
    for (let i = 0; i < MAX_BATCHES && failure === undefined; i++) {
      const records = Array.from({ length: RECORDS_PER_BATCH }, (_, j) => ({ key: `k${i}-${j}`, value: `v${i}-${j}-${'z'.repeat(VALUE_BYTES)}` }))
      const res = await client.produce('full', 0, makeBatch(records))
      if (res.errorCode !== ErrorCode.NONE) {
        failure = res.errorCode
        break
      }
      records.forEach((r, j) => acked.push({ offset: res.baseOffset + BigInt(j), key: r.key, value: r.value }))
    }
    assert.equal(failure, ErrorCode.KAFKA_STORAGE_ERROR, 'a full disk is KAFKA_STORAGE_ERROR')
    assert.ok(acked.length > 0, 'some batches fitted before the disk filled')
    // The log line travels through the broker's stdout, not the socket: wait for it (bounded).
    const logged = await pollUntil('the broker to log the disk error', 40, 250, async () => broker!.output().split('\n').find((l) => /ENOSPC/.test(l)))
    t.diagnostic(`disk full after ${acked.length} acknowledged records: ${logged.slice(0, 300)}`)

    // The partition keeps refusing writes; another partition on the disk gets the same code or still fits.
    assert.equal((await client.produce('full', 0, makeBatch([{ key: 'x', value: 'small' }]))).errorCode, ErrorCode.KAFKA_STORAGE_ERROR)
    const other = await client.produce('other', 0, makeBatch([{ key: 'o3', value: 'z'.repeat(VALUE_BYTES * RECORDS_PER_BATCH) }]))
    assert.ok([ErrorCode.NONE, ErrorCode.KAFKA_STORAGE_ERROR].includes(other.errorCode as 0 | 56), `other partition: ${other.errorCode}`)

    // Reads keep working: everything acknowledged, in order, from the raw protocol and from kcat with CRC checks.
    const whileFull = await client.readPartition('full', 0)
    assert.equal(whileFull.highWatermark, BigInt(acked.length))
    assertAckedIntact(whileFull.records, acked)
    const viaKcat = await run('kcat', ['-b', broker.bootstrap, '-C', '-t', 'full', '-p', '0', '-o', 'beginning', '-e', '-q', '-X', 'check.crcs=true', '-f', '%o %k\n'])
    assert.equal(viaKcat, acked.map((a) => `${a.offset} ${a.key}\n`).join(''))
    const otherNow = await client.readPartition('other', 0)
    assert.deepEqual(otherNow.records.slice(0, otherBefore.records.length), otherBefore.records)

    // Free the space, restart on the same dir: nothing acknowledged is lost, no segment is corrupt.
    await rm(filler)
    await client.close()
    assert.equal(await broker.stop(), 0, 'clean shutdown once there is space again')
    await assertSegmentsWhole(logDir, 'full', 0)
    await assertSegmentsWhole(logDir, 'other', 0)
    broker = await startBrokerProcess({ logDir })
    client = await RawClient.connect(broker.port)
    const afterRestart = await client.readPartition('full', 0)
    assertAckedIntact(afterRestart.records, acked)
    assert.deepEqual((await client.readPartition('other', 0)).records.slice(0, otherBefore.records.length), otherBefore.records)

    // And it takes writes again, at the log end.
    const again = await client.produce('full', 0, makeBatch([{ key: 'after', value: 'space-freed' }]))
    assert.equal(again.errorCode, ErrorCode.NONE)
    assert.equal(again.baseOffset, afterRestart.highWatermark)
    await assertSegmentsWhole(logDir, 'full', 0)
  })
})
