import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { encodeLegacyMessageSet } from '../protocol/records/legacy-message-set.js'
import { encodeRecordBatch } from '../protocol/records/record-batch.js'
import { CompressionType } from '../protocol/records/record.js'
import { FileLogInputStream, type FileBatch } from './file-log-input-stream.js'

async function withFile(bytes: Buffer, body: (path: string) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'brook-flis-'))
  try {
    const path = join(dir, '00000000000000000000.log')
    await writeFile(path, bytes)
    body(path)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function all(path: string, size: number): { batches: FileBatch[]; end: number } {
  const s = FileLogInputStream.open(path, 0, size)
  const batches: FileBatch[] = []
  for (let b = s.nextBatch(); b !== null; b = s.nextBatch()) batches.push(b)
  s.close()
  return { batches, end: s.position }
}

test('magic 0 and 1 message sets as Kafka sees them: a shallow batch per message or wrapper, deep records with their own CRC', async () => {
  const v0 = encodeLegacyMessageSet([{ offset: 0, magic: 0, attributes: 0, timestamp: -1, key: Buffer.from('a'), value: Buffer.from('v0') }])
  const wrapper = encodeLegacyMessageSet(
    [
      { offset: 1, magic: 1, attributes: 0, timestamp: 1000, key: null, value: Buffer.from('one') },
      { offset: 2, magic: 1, attributes: 0, timestamp: 1005, key: Buffer.from('k'), value: null },
    ],
    { compression: CompressionType.Gzip },
  )
  const v2 = encodeRecordBatch({
    baseOffset: 3,
    partitionLeaderEpoch: 4,
    attributes: 0,
    lastOffsetDelta: 0,
    baseTimestamp: 2000,
    maxTimestamp: 2000,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    records: [{ attributes: 0, timestampDelta: 0, offsetDelta: 0, key: null, value: Buffer.from('x'), headers: [{ key: 'h', value: null }] }],
  })
  const file = Buffer.concat([v0, wrapper, v2, Buffer.from([1, 2, 3])])
  await withFile(file, (path) => {
    const { batches, end } = all(path, file.length)
    assert.equal(end, file.length - 3, 'the 3-byte tail is not a batch')
    const [a, b, c] = batches as [FileBatch, FileBatch, FileBatch]
    assert.deepEqual([a.magic, a.lastOffset, a.timestampType, a.maxTimestamp, a.compression, a.isValid, a.crc], [0, 0n, 'NoTimestampType', -1n, 'none', true, crc32(v0.subarray(16))])
    assert.deepEqual(
      a.records().map((r) => [r.offset, r.timestamp, r.key?.toString(), r.value?.toString(), r.legacy?.isValid]),
      [[0n, -1n, 'a', 'v0', true]],
    )
    assert.deepEqual([b.magic, b.position, b.lastOffset, b.timestampType, b.maxTimestamp, b.compression, b.isValid], [1, v0.length, 2n, 'CreateTime', 1005n, 'gzip', true])
    assert.deepEqual(
      b.records().map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null, r.legacy?.isValid]),
      [
        [1n, 1000n, null, 'one', true],
        [2n, 1005n, 'k', null, true],
      ],
      'inner offsets made absolute (magic 1 stores them relative)',
    )
    assert.deepEqual([c.magic, c.baseOffset, c.lastOffset, c.v2?.partitionLeaderEpoch, c.v2?.count, c.v2?.lastSequence, c.isValid], [2, 3n, 3n, 4, 1, -1, true])
    assert.deepEqual(
      c.records().map((r) => [r.offset, r.timestamp, r.sequence, r.headerKeys]),
      [[3n, 2000n, -1, ['h']]],
    )
  })
})

test("a batch claiming fewer bytes than the smallest message is Kafka's CorruptRecordException", async () => {
  const bad = Buffer.alloc(20)
  bad.writeInt32BE(5, 8)
  await withFile(bad, (path) => {
    const s = FileLogInputStream.open(path, 0, bad.length)
    assert.throws(() => s.nextBatch(), /Found record size 5 smaller than minimum record overhead \(14\) in file .*00000000000000000000\.log\./)
    s.close()
  })
})
