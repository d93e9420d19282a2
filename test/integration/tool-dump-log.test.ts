/**
 * bin/kafka-dump-log on a partition directory a broker process wrote and
 * then left (clean shutdown): known records (keys, headers, a tombstone, an
 * idempotent batch and a gzip batch), the .log with and without deep
 * iteration, the .index and .timeindex, __consumer_offsets with the offsets
 * decoder, and damaged copies (a flipped byte, a torn tail, an index entry
 * pointing at the wrong batch). Expected numbers (positions, sizes, CRCs,
 * producer id) come from reading the segment with Brook's batch scanner, so
 * each line is checked against the bytes on disk.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Admin } from '../../src/client/admin/admin.js'
import { Producer } from '../../src/client/producer/producer.js'
import { scanRecordBatches, type RecordBatchView } from '../../src/protocol/records/record-batch-header.js'
import { removeDir, REPO, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { runCommand, type ToolResult } from './run-tool.js'

const DUMP = join(REPO, 'bin/kafka-dump-log.sh')
const SEGMENT = '00000000000000000000'
const T0 = 1_700_000_000_000

function exec(args: string[]): Promise<ToolResult> {
  return runCommand(DUMP, args)
}

async function dump(...args: string[]): Promise<string[]> {
  const r = await exec(args)
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stderr, '', 'nothing reported on stderr')
  return r.stdout.trimEnd().split('\n')
}

let broker: BrokerProcess
let dir: string
let log: string
let batches: RecordBatchView[]
let scratch: string

before(async () => {
  broker = await startBrokerProcess({ config: { 'log.index.interval.bytes': '0', 'offsets.topic.num.partitions': '1', 'group.initial.rebalance.delay.ms': '0' } })
  const bootstrap = [broker.bootstrap]
  // Batch 1: idempotent (producer id, sequences), keys, headers, a record without a key.
  const idempotent = new Producer({ bootstrapServers: bootstrap })
  await Promise.all([
    idempotent.send({ topic: 'dump', partition: 0, key: 'k0', value: 'hello', timestamp: T0 }),
    idempotent.send({ topic: 'dump', partition: 0, key: 'k1', value: 'world', timestamp: T0 + 1, headers: { h1: 'a', h2: 'b' } }),
    idempotent.send({ topic: 'dump', partition: 0, key: null, value: '!', timestamp: T0 + 2 }),
  ])
  await idempotent.close()
  // Batch 2: gzip, not idempotent, a tombstone.
  const gzip = new Producer({ bootstrapServers: bootstrap, compression: 'gzip', idempotent: false, acks: 1 })
  await Promise.all([gzip.send({ topic: 'dump', partition: 0, key: 'x', value: null, timestamp: T0 + 10 }), gzip.send({ topic: 'dump', partition: 0, key: 'y', value: 'zipped', timestamp: T0 + 11 })])
  await gzip.close()
  const admin = new Admin({ bootstrapServers: bootstrap })
  await admin.alterConsumerGroupOffsets('dumper', [{ topic: 'dump', partition: 0, offset: 3n, metadata: 'm' }])
  await admin.close()
  assert.equal(await broker.stop(), 0, 'clean shutdown: indexes written')
  dir = join(broker.logDir, 'dump-0')
  log = join(dir, `${SEGMENT}.log`)
  batches = scanRecordBatches(await readFile(log)).batches
  assert.equal(batches.length, 2, 'two batches, as sent')
  scratch = await mkdtemp(join(tmpdir(), 'brook-dump-'))
})

after(async () => {
  if (broker) {
    await broker.stop()
    await removeDir(broker.logDir)
  }
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

/** The batch line Kafka prints, from the batch's bytes as Brook's scanner reads them. */
function batchLine(b: RecordBatchView, fields: { count: number; sequences: [number, number]; codec: string; valid?: boolean }): string {
  return (
    `baseOffset: ${b.baseOffset} lastOffset: ${b.lastOffset} count: ${fields.count} baseSequence: ${fields.sequences[0]} lastSequence: ${fields.sequences[1]} ` +
    `producerId: ${b.producerId} producerEpoch: ${b.producerEpoch} partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty ` +
    `position: ${b.offset} CreateTime: ${b.maxTimestamp} size: ${b.sizeInBytes} magic: 2 compresscodec: ${fields.codec} crc: ${b.crc} isvalid: ${fields.valid ?? true}`
  )
}

test('--help exits 0; a missing file and an unsupported decoder class are one-line errors, exit 1', async () => {
  const help = await exec(['--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /^--files <String: file1, file2, \.\.\.> +REQUIRED: The comma separated list of$/m)
  const missing = await exec(['--files', '/nonexistent/00000000000000000000.log'])
  assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, 'Dumping /nonexistent/00000000000000000000.log\nLog starting offset: 0\n', 'Error: /nonexistent/00000000000000000000.log (No such file or directory)\n'])
  const decoder = await exec(['--files', log, '--value-decoder-class', 'com.example.AvroDecoder'])
  assert.equal(decoder.code, 1)
  assert.match(decoder.stderr, /^Error: --value-decoder-class com\.example\.AvroDecoder is not supported[^\n]*\n$/)
  const noFiles = await exec(['--deep-iteration'])
  assert.deepEqual([noFiles.code, noFiles.stderr], [1, 'Error: Missing required argument "[files]"\n'])
})

test('the .log, shallow: one line per batch with its offsets, sequences, position, size, CRC and codec', async () => {
  const [b1, b2] = batches as [RecordBatchView, RecordBatchView]
  assert.ok(b1.producerId >= 0 && b2.producerId === -1, 'batch 1 idempotent, batch 2 not')
  assert.deepEqual(await dump('--files', log), [
    `Dumping ${log}`,
    'Log starting offset: 0',
    batchLine(b1, { count: 3, sequences: [0, 2], codec: 'none' }),
    batchLine(b2, { count: 2, sequences: [-1, -1], codec: 'gzip' }),
  ])
  assert.equal(b2.offset, b1.sizeInBytes, 'the second batch starts where the first ends')
})

test('--deep-iteration --print-data-log: every record with timestamp, sizes, sequence, header keys, key and payload', async () => {
  const [b1, b2] = batches as [RecordBatchView, RecordBatchView]
  const records = [
    `| offset: 0 CreateTime: ${T0} keySize: 2 valueSize: 5 sequence: 0 headerKeys: [] key: k0 payload: hello`,
    `| offset: 1 CreateTime: ${T0 + 1} keySize: 2 valueSize: 5 sequence: 1 headerKeys: [h1,h2] key: k1 payload: world`,
    `| offset: 2 CreateTime: ${T0 + 2} keySize: -1 valueSize: 1 sequence: 2 headerKeys: [] payload: !`,
    `| offset: 3 CreateTime: ${T0 + 10} keySize: 1 valueSize: -1 sequence: -1 headerKeys: [] key: x`,
    `| offset: 4 CreateTime: ${T0 + 11} keySize: 1 valueSize: 6 sequence: -1 headerKeys: [] key: y payload: zipped`,
  ]
  const head = [`Dumping ${log}`, 'Log starting offset: 0']
  const b1Line = batchLine(b1, { count: 3, sequences: [0, 2], codec: 'none' })
  const b2Line = batchLine(b2, { count: 2, sequences: [-1, -1], codec: 'gzip' })
  assert.deepEqual(await dump('--files', log, '--deep-iteration', '--print-data-log'), [...head, b1Line, ...records.slice(0, 3), b2Line, ...records.slice(3)])
  // --print-data-log alone implies deep iteration; --deep-iteration alone prints no keys or payloads.
  assert.deepEqual(await dump('--print-data-log', '--files', log), [...head, b1Line, ...records.slice(0, 3), b2Line, ...records.slice(3)])
  const bare = records.map((r) => r.replace(/ key: .*$| payload: .*$/, ''))
  assert.deepEqual(await dump('--deep-iteration', '--files', log), [...head, b1Line, ...bare.slice(0, 3), b2Line, ...bare.slice(3)])
  // --skip-record-metadata keeps only key and payload, with Kafka's spacing for a record without a key.
  const skipped = await dump('--files', log, '--print-data-log', '--skip-record-metadata')
  assert.deepEqual(skipped.filter((l) => !l.startsWith('baseOffset')).slice(2), ['| key: k0 payload: hello', '| key: k1 payload: world', ' payload: !', '| key: x', '| key: y payload: zipped'])
})

test('the .index and .timeindex: entries pointing at the batches, verified clean', async () => {
  const index = join(dir, `${SEGMENT}.index`)
  const timeIndex = join(dir, `${SEGMENT}.timeindex`)
  const indexBytes = await readFile(index)
  const timeIndexBytes = await readFile(timeIndex)
  assert.ok(indexBytes.length >= 8 && timeIndexBytes.length >= 12, 'log.index.interval.bytes=0 indexed the second batch')
  const [b1, b2] = batches as [RecordBatchView, RecordBatchView]
  const lines = await dump('--files', `${index},${timeIndex}`)
  assert.deepEqual(lines, [
    `Dumping ${index}`,
    ...Array.from({ length: indexBytes.length / 8 }, () => `offset: ${b2.lastOffset} position: ${b1.sizeInBytes}`),
    `Dumping ${timeIndex}`,
    ...Array.from({ length: timeIndexBytes.length / 12 }, () => `timestamp: ${T0 + 11} offset: ${b2.lastOffset}`),
  ])
  // The checks Kafka runs: nothing printed but the file names, nothing reported.
  assert.deepEqual(await dump('--files', `${index},${timeIndex}`, '--verify-index-only'), [`Dumping ${index}`, `Dumping ${timeIndex}`])
  assert.deepEqual(await dump('--files', `${index},${timeIndex}`, '--index-sanity-check'), [`Dumping ${index}`, `${index} passed sanity check.`, `Dumping ${timeIndex}`, `${timeIndex} passed sanity check.`])
})

test('a corrupted copy: isvalid false with the stored CRC, the damaged payload shown, a torn tail and a wrong index entry reported', async () => {
  const [b1, b2] = batches as [RecordBatchView, RecordBatchView]
  const bytes = await readFile(log)
  const at = bytes.indexOf('hello')
  assert.ok(at > b1.offset && at < b1.end, 'the first value is stored uncompressed in batch 1')
  bytes[at] = 'j'.charCodeAt(0)
  const copy = join(scratch, `${SEGMENT}.log`)
  await writeFile(copy, Buffer.concat([bytes, Buffer.from([0, 0, 0, 0, 0])]))
  const lines = await dump('--files', copy, '--print-data-log')
  assert.equal(lines[2], batchLine(b1, { count: 3, sequences: [0, 2], codec: 'none', valid: false }), 'same stored CRC, no longer valid')
  assert.equal(lines[3], `| offset: 0 CreateTime: ${T0} keySize: 2 valueSize: 5 sequence: 0 headerKeys: [] key: k0 payload: jello`)
  assert.equal(lines[6], batchLine(b2, { count: 2, sequences: [-1, -1], codec: 'gzip' }))
  assert.equal(lines[lines.length - 1], `Found 5 invalid bytes at the end of ${SEGMENT}.log`)

  // An index entry that names the first batch's position for the second batch's offset.
  const badIndex = Buffer.alloc(8)
  badIndex.writeInt32BE(b2.lastOffset, 0)
  badIndex.writeInt32BE(0, 4)
  await writeFile(join(scratch, `${SEGMENT}.index`), badIndex)
  const r = await exec(['--files', join(scratch, `${SEGMENT}.index`)])
  assert.equal(r.code, 0)
  assert.equal(r.stdout, `Dumping ${join(scratch, `${SEGMENT}.index`)}\noffset: ${b2.lastOffset} position: 0\n`)
  assert.equal(r.stderr, `Mismatches in :${join(scratch, `${SEGMENT}.index`)}\n  Index offset: ${b2.lastOffset}, log offset: ${b1.lastOffset}\n`)

  // Only the unknown file is skipped, on stderr.
  await copyFile(log, join(scratch, 'notes.txt'))
  const unknown = await exec(['--files', join(scratch, 'notes.txt')])
  assert.deepEqual([unknown.code, unknown.stdout, unknown.stderr], [0, `Dumping ${join(scratch, 'notes.txt')}\n`, `Ignoring unknown file ${join(scratch, 'notes.txt')}\n`])
})

test('__consumer_offsets with --offsets-decoder: the committed offset as Kafka 3.8+ prints it', async () => {
  const offsetsLog = join(broker.logDir, '__consumer_offsets-0', `${SEGMENT}.log`)
  const lines = await dump('--files', offsetsLog, '--offsets-decoder')
  const commit = lines.find((l) => l.includes('"type":"1"'))
  assert.ok(commit, lines.join('\n'))
  assert.match(
    commit,
    /^\| offset: \d+ CreateTime: \d+ keySize: 20 valueSize: \d+ sequence: -1 headerKeys: \[\] key: \{"type":"1","data":\{"group":"dumper","topic":"dump","partition":0\}\} payload: \{"version":"3","data":\{"offset":3,"leaderEpoch":-1,"metadata":"m","commitTimestamp":\d+\}\}$/,
  )
})
