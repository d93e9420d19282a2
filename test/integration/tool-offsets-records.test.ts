/**
 * bin/kafka-get-offsets and bin/kafka-delete-records against a broker
 * process, as a user's script runs them: exact output lines (Kafka's
 * `topic:partition:offset`, and DeleteRecordsCommand's report), exit codes,
 * the one-line errors, --help.
 *
 * The data: `orders` with 3 partitions, partition 0 holding five records
 * stamped 1000..1004, partition 1 three stamped 2000..2002, partition 2
 * none; `clicks` with 11 empty partitions (enough for Kafka's string order,
 * clicks-10 before clicks-2); and __consumer_offsets, made by a group commit.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Admin } from '../../src/client/admin/admin.js'
import { Producer } from '../../src/client/producer/producer.js'
import { removeDir, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { lines, runTool } from './run-tool.js'

let broker: BrokerProcess

before(async () => {
  broker = await startBrokerProcess({ config: { 'offsets.topic.num.partitions': '1', 'group.initial.rebalance.delay.ms': '0' } })
  const admin = new Admin({ bootstrapServers: [broker.bootstrap] })
  try {
    await admin.createTopics([
      { name: 'orders', numPartitions: 3, replicationFactor: 1 },
      { name: 'clicks', numPartitions: 11, replicationFactor: 1 },
    ])
    const producer = new Producer({ bootstrapServers: [broker.bootstrap], lingerMs: 0 })
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'orders', partition: 0, key: `k${i}`, value: `order ${i}`, timestamp: 1000 + i })
    for (let i = 0; i < 3; i++) await producer.send({ topic: 'orders', partition: 1, key: `k${i}`, value: `order ${i}`, timestamp: 2000 + i })
    await producer.close()
    // Creates __consumer_offsets (one partition) with one record.
    await admin.alterConsumerGroupOffsets('billing', [{ topic: 'orders', partition: 0, offset: 2n }])
  } finally {
    await admin.close()
  }
})

after(async () => {
  await broker.stop()
  await removeDir(broker.logDir)
})

async function offsets(...args: string[]): Promise<string[]> {
  const r = await runTool('kafka-get-offsets', ['--bootstrap-server', broker.bootstrap, ...args])
  assert.equal(r.stderr, '', `no errors from ${args.join(' ')}`)
  assert.equal(r.code, 0)
  return lines(r.stdout)
}

test('kafka-get-offsets: latest, earliest, a timestamp and max-timestamp, one line per partition that has an offset', async () => {
  assert.deepEqual(await offsets('--topic', 'orders'), ['orders:0:5', 'orders:1:3', 'orders:2:0'])
  assert.deepEqual(await offsets('--topic', 'orders', '--time', '-1'), ['orders:0:5', 'orders:1:3', 'orders:2:0'])
  assert.deepEqual(await offsets('--topic', 'orders', '--time', 'earliest'), ['orders:0:0', 'orders:1:0', 'orders:2:0'])
  assert.deepEqual(await offsets('--topic', 'orders', '--time', '-2'), ['orders:0:0', 'orders:1:0', 'orders:2:0'])
  // The first record stamped at or after the time; partitions with none print nothing.
  assert.deepEqual(await offsets('--topic', 'orders', '--time', '1002'), ['orders:0:2', 'orders:1:0'])
  assert.deepEqual(await offsets('--topic', 'orders', '--time', '1500'), ['orders:1:0'])
  assert.deepEqual(await offsets('--topic', 'orders', '--time', '3000'), [])
  // The record with the largest timestamp (KIP-734); an empty partition has none.
  assert.deepEqual(await offsets('--topic', 'orders', '--time', 'max-timestamp'), ['orders:0:4', 'orders:1:2'])
  assert.deepEqual(await offsets('--topic', 'orders', '--time', '-3'), ['orders:0:4', 'orders:1:2'])
  // Without tiered storage the local log start is the log start, and nothing is tiered.
  assert.deepEqual(await offsets('--topic', 'orders', '--time', 'earliest-local'), ['orders:0:0', 'orders:1:0', 'orders:2:0'])
  assert.deepEqual(await offsets('--topic', 'orders', '--time', 'latest-tiered'), [])
})

test("kafka-get-offsets: filters, Kafka's string order of topic-partitions, internal topics", async () => {
  const clicks = ['0', '1', '10', '2', '3', '4', '5', '6', '7', '8', '9'].map((p) => `clicks:${p}:0`)
  assert.deepEqual(await offsets('--topic', 'clicks'), clicks)
  // --topic is a regular expression over the whole name, commas meaning "or".
  assert.deepEqual(await offsets('--topic', 'ord.*,clicks', '--partitions', '0,2'), ['clicks:0:0', 'clicks:2:0', 'orders:0:5', 'orders:2:0'])
  const prefix = await runTool('kafka-get-offsets', ['--bootstrap-server', broker.bootstrap, '--topic', 'ord'])
  assert.deepEqual([prefix.code, prefix.stderr], [1, 'Error: Could not match any topic-partitions with the specified filters\n'], 'the whole name must match')
  // Ranges exclude their upper bound; a rule without a topic matches every topic.
  assert.deepEqual(await offsets('--topic-partitions', 'orders:1-3,clicks:10', '--time', 'earliest'), ['clicks:10:0', 'orders:1:0', 'orders:2:0'])
  assert.deepEqual(await offsets('--topic-partitions', 'orders:-1,clicks:9-'), ['clicks:10:0', 'clicks:9:0', 'orders:0:5'])
  assert.deepEqual(await offsets('--topic-partitions', ':10'), ['clicks:10:0'])
  // Internal topics are included unless excluded; __ sorts first.
  const all = await offsets()
  assert.equal(all.length, 1 + 11 + 3)
  assert.match(all[0]!, /^__consumer_offsets:0:[1-9]\d*$/)
  assert.deepEqual(all.slice(1), [...clicks, 'orders:0:5', 'orders:1:3', 'orders:2:0'])
  assert.deepEqual(await offsets('--exclude-internal-topics'), [...clicks, 'orders:0:5', 'orders:1:3', 'orders:2:0'])
  // --broker-list: the deprecated name of --bootstrap-server.
  const old = await runTool('kafka-get-offsets', ['--broker-list', broker.bootstrap, '--topic', 'orders', '--partitions', '1'])
  assert.deepEqual([old.code, old.stdout], [0, 'orders:1:3\n'])
})

test('kafka-get-offsets: mistakes are one line on stderr and exit 1; --help exits 0', async () => {
  const cases: [string[], string][] = [
    [['--time', 'yesterday'], 'Error: Malformed time argument yesterday. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp'],
    [['--topic', 'nope'], 'Error: Could not match any topic-partitions with the specified filters'],
    [['--topic-partitions', 'orders:0', '--topic', 'orders'], 'Error: --topic-partitions cannot be used with --topic or --partitions'],
    [['--partitions', '0-2'], 'Error: --partitions expects a comma separated list of numeric partition ids, but received: 0-2'],
    [['--topic', 'or[ders'], 'Error: or[ders is an invalid regex.'],
  ]
  for (const [args, message] of cases) {
    const r = await runTool('kafka-get-offsets', ['--bootstrap-server', broker.bootstrap, ...args])
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `${message}\n`], args.join(' '))
  }
  const noServer = await runTool('kafka-get-offsets', ['--topic', 'orders'])
  assert.deepEqual([noServer.code, noServer.stderr], [1, 'Error: Missing required argument "[bootstrap-server]"\n'])
  const badServer = await runTool('kafka-get-offsets', ['--bootstrap-server', 'localhost'])
  assert.deepEqual([badServer.code, badServer.stderr], [1, 'Error: Please provide valid host:port like host1:9091,host2:9092\n'])
  // No arguments at all: the usage on stderr and exit 1, as Kafka's printUsageAndExit.
  const none = await runTool('kafka-get-offsets', [])
  assert.deepEqual([none.code, none.stdout, lines(none.stderr)[0]], [1, '', 'An interactive shell for getting topic-partition offsets.'])
  const help = await runTool('kafka-get-offsets', ['--help'])
  assert.equal(help.code, 0)
  assert.equal(lines(help.stdout)[0], 'An interactive shell for getting topic-partition offsets.')
  assert.match(help.stdout, /^--topic-partitions <String: topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3>$/m)
})

test('kafka-delete-records: low watermarks and errors per partition in Kafka\'s order; earliest offsets move', async () => {
  const file = join(broker.logDir, '..', `${broker.logDir.split('/').pop()}-delete.json`)
  await writeFile(
    file,
    JSON.stringify({
      partitions: [
        { topic: 'orders', partition: 0, offset: 3 },
        { topic: 'orders', partition: 1, offset: -1 },
        { topic: 'orders', partition: 2, offset: 5 },
        { topic: 'clicks', partition: 3, offset: 1 },
        { topic: 'clicks', partition: 10, offset: 0 },
      ],
      version: 1,
    }),
  )
  const r = await runTool('kafka-delete-records', ['--bootstrap-server', broker.bootstrap, '--offset-json-file', file])
  assert.equal(r.stderr, '')
  assert.equal(r.code, 0)
  const outOfRange = 'error: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.'
  // The order a Java HashMap of these TopicPartitions iterates in, as Kafka prints them.
  assert.deepEqual(lines(r.stdout), [
    'Executing records delete operation',
    'Records delete operation completed:',
    'partition: clicks-10\tlow_watermark: 0',
    'partition: orders-0\tlow_watermark: 3',
    'partition: orders-1\tlow_watermark: 3',
    `partition: orders-2\t${outOfRange}`,
    `partition: clicks-3\t${outOfRange}`,
  ])
  assert.deepEqual(await offsets('--topic', 'orders', '--time', 'earliest'), ['orders:0:3', 'orders:1:3', 'orders:2:0'])
  assert.deepEqual(await offsets('--topic', 'orders'), ['orders:0:5', 'orders:1:3', 'orders:2:0'])
  // Deleted records are not found by time any more: the first left in partition 0 is offset 3; partition 1 has none.
  assert.deepEqual(await offsets('--topic', 'orders', '--time', '1000'), ['orders:0:3'])

  await writeFile(file, '{"partitions":[{"topic":"orders","partition":0,"offset":4},{"topic":"orders","partition":0,"offset":5}]}')
  const dup = await runTool('kafka-delete-records', ['--bootstrap-server', broker.bootstrap, '--offset-json-file', file])
  assert.deepEqual([dup.code, dup.stdout, dup.stderr], [1, '', 'Error: Offset json file contains duplicate topic partitions: orders-0\n'])
  await writeFile(file, '{"partitions":[{"topic":"orders","partition":0,"offset":4}],"version":2}')
  const version = await runTool('kafka-delete-records', ['--bootstrap-server', broker.bootstrap, '--offset-json-file', file])
  assert.deepEqual([version.code, version.stderr], [1, 'Error: Not supported version field value 2\n'])
  await writeFile(file, '{"partitions":[{"topic":"orders","offset":4}]}')
  const field = await runTool('kafka-delete-records', ['--bootstrap-server', broker.bootstrap, '--offset-json-file', file])
  assert.deepEqual([field.code, field.stderr], [1, 'Error: No such field exists: `partition`\n'])
  await writeFile(file, 'partitions: orders-0')
  const notJson = await runTool('kafka-delete-records', ['--bootstrap-server', broker.bootstrap, '--offset-json-file', file])
  assert.deepEqual([notJson.code, notJson.stderr], [1, 'Error: The input string is not a valid JSON\n'])
  assert.deepEqual(await offsets('--topic', 'orders', '--time', 'earliest'), ['orders:0:3', 'orders:1:3', 'orders:2:0'], 'nothing deleted by the failed runs')
  await rm(file, { force: true })

  const missing = await runTool('kafka-delete-records', ['--bootstrap-server', broker.bootstrap])
  assert.deepEqual([missing.code, missing.stderr], [1, 'Error: Missing required argument "[offset-json-file]"\n'])
  const help = await runTool('kafka-delete-records', ['--help'])
  assert.equal(help.code, 0)
  assert.equal(lines(help.stdout)[0], 'This tool helps to delete records of the given partitions down to the specified offset.')
})
