/**
 * bin/kafka-producer-perf-test and bin/kafka-consumer-perf-test against a
 * broker process, as a benchmark script runs them: the lines Kafka prints,
 * in Kafka's number formats (scripts cut them at ", " and spaces), the
 * records really written and read, throttling, and one-line failures.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { Admin } from '../../src/client/admin/admin.js'
import { removeDir, REPO, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { runCommand, type ToolResult } from './run-tool.js'

const PRODUCER = join(REPO, 'bin/kafka-producer-perf-test')
const CONSUMER = join(REPO, 'bin/kafka-consumer-perf-test.sh')

function exec(cmd: string, args: string[], timeoutMs = 60_000): Promise<ToolResult> {
  return runCommand(cmd, args, { timeoutMs })
}

// Kafka's formats: ProducerPerformance.Stats printWindow / printTotal, ConsumerPerformance's printf.
const N = String.raw`\d+`
const F1 = String.raw`\d+\.\d`
const F2 = String.raw`\d+\.\d{2}`
const F4 = String.raw`\d+\.\d{4}`
const F6 = String.raw`\d+\.\d{6}`
const WINDOW = new RegExp(`^(${N}) records sent, (${F1}) records/sec \\((${F2}) MB/sec\\), ${F1} ms avg latency, ${F1} ms max latency\\.$`)
const SUMMARY = new RegExp(
  `^(${N}) records sent, (${F6}) records/sec \\((${F2}) MB/sec\\), (${F2}) ms avg latency, (${F2}) ms max latency, (${N}) ms 50th, (${N}) ms 95th, (${N}) ms 99th, (${N}) ms 99\\.9th\\.$`,
)
const DATE = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3}`
const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'
const DATA = new RegExp(`^(${DATE}), (${DATE}), (${F4}), ${F4}, (${N}), ${F4}, (${N}), (${N}), ${F4}, ${F4}$`)

let broker: BrokerProcess
let admin: Admin

before(async () => {
  broker = await startBrokerProcess({ config: { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '1' } })
  admin = new Admin({ bootstrapServers: [broker.bootstrap] })
})

after(async () => {
  await admin?.close()
  await broker?.stop()
  if (broker) await removeDir(broker.logDir)
})

async function endOffsets(topic: string): Promise<[bigint, bigint]> {
  const [earliest] = await admin.listOffsets([{ topic, partition: 0, spec: 'earliest' }])
  const [latest] = await admin.listOffsets([{ topic, partition: 0, spec: 'latest' }])
  return [earliest!.offset, latest!.offset]
}

test('--help lists the options and exits 0 (and the producer tool with no argument at all, as Kafka)', async () => {
  for (const [bin, option] of [
    [PRODUCER, '--producer-props <PROP-NAME=PROP-VALUE>'],
    [CONSUMER, '--bootstrap-server <String: server to'],
  ] as const) {
    const help = await exec(bin, ['--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /^Option {34}Description$/m)
    assert.ok(help.stdout.includes(option), `${bin} --help shows ${option}`)
  }
  const none = await exec(PRODUCER, [])
  assert.equal(none.code, 0)
  assert.match(none.stdout, /--throughput <THROUGHPUT>/)
})

test('producer-perf-test, unthrottled: the summary line in Kafka\'s format, and the topic holds every record', async () => {
  const r = await exec(PRODUCER, ['--topic', 'perf', '--num-records', '20000', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${broker.bootstrap}`, 'acks=all'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stderr, '')
  const lines = r.stdout.trimEnd().split('\n')
  const m = SUMMARY.exec(lines[lines.length - 1]!)
  assert.ok(m, `summary line in Kafka's format: ${lines[lines.length - 1]}`)
  assert.equal(m[1], '20000')
  const [, , recsPerSec, mbPerSec, avg, max, p50, p95, p99, p999] = m.map(Number)
  assert.ok(recsPerSec! > 0 && mbPerSec! >= 0)
  assert.ok(avg! <= max!, 'average latency at most the maximum')
  assert.ok(p50! <= p95! && p95! <= p99! && p99! <= p999! && p999! <= max!, 'percentiles ordered and at most the maximum')
  for (const line of lines.slice(0, -1)) assert.match(line, WINDOW, 'anything before the summary is a progress line')
  assert.deepEqual(await endOffsets('perf'), [0n, 20000n])
})

test('producer-perf-test --throughput 2000: progress lines every 5 s and a rate held near the target', async () => {
  const r = await exec(PRODUCER, ['--topic', 'perf-slow', '--num-records', '12000', '--record-size', '100', '--throughput', '2000', '--producer-props', `bootstrap.servers=${broker.bootstrap}`])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trimEnd().split('\n')
  const windows = lines.slice(0, -1).map((l) => WINDOW.exec(l))
  assert.ok(windows.length >= 1, `at least one progress line in a run of about 6 s:\n${r.stdout}`)
  for (const w of windows) {
    assert.ok(w, `progress line in Kafka's format: ${lines.join('\n')}`)
    assert.ok(Number(w[2]) < 2200, `window rate ${w[2]} held near 2000/s`)
  }
  const m = SUMMARY.exec(lines[lines.length - 1]!)
  assert.ok(m, `summary line: ${lines[lines.length - 1]}`)
  assert.equal(m[1], '12000')
  assert.ok(Number(m[2]) < 2200 && Number(m[2]) > 1000, `overall rate ${m[2]} near the 2000/s target`)
  assert.deepEqual(await endOffsets('perf-slow'), [0n, 12000n])
})

test("consumer-perf-test reads them back: Kafka's header and one data line, 20000 messages of 100 bytes", async () => {
  const r = await exec(CONSUMER, ['--bootstrap-server', broker.bootstrap, '--topic', 'perf', '--messages', '20000', '--group', 'perf-reader'])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trimEnd().split('\n')
  assert.equal(lines.length, 2, r.stdout)
  assert.equal(lines[0], HEADER)
  const m = DATA.exec(lines[1]!)
  assert.ok(m, `data line in Kafka's format: ${lines[1]}`)
  assert.equal(m[3], '1.9073', '20000 x 100 bytes in MB, %.4f')
  assert.equal(m[4], '20000')
  const [rebalanceMs, fetchMs] = [Number(m[5]), Number(m[6])]
  const toMs = (d: string) => new Date(`${d.slice(0, 10)}T${d.slice(11, 19)}.${d.slice(20)}`).getTime()
  assert.equal(toMs(m[2]!) - toMs(m[1]!), rebalanceMs + fetchMs, 'rebalance + fetch time is the elapsed time between the two dates')
})

test('consumer-perf-test options: --include, --hide-header and --date-format, --show-detailed-stats, --timeout with Kafka\'s warning', async () => {
  // --include (a regex, as Kafka 4 allows) instead of --topic; the deprecated --broker-list instead of --bootstrap-server.
  const plain = await exec(CONSUMER, ['--broker-list', broker.bootstrap, '--include', 'perf-s.*', '--messages', '12000', '--hide-header', '--date-format', "yyyy'-y'"])
  assert.equal(plain.code, 0, plain.stderr)
  assert.match(plain.stdout, /^\d{4}-y, \d{4}-y, 1\.1444, [\d.]+, 12000, [\d.]+, \d+, \d+, [\d.]+, [\d.]+\n$/)

  const detailed = await exec(CONSUMER, ['--bootstrap-server', broker.bootstrap, '--topic', 'perf', '--messages', '30000', '--timeout', '1500', '--show-detailed-stats', '--reporting-interval', '1'])
  assert.equal(detailed.code, 0, detailed.stderr)
  const lines = detailed.stdout.trimEnd().split('\n')
  assert.equal(lines[0], 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec')
  assert.equal(lines[lines.length - 1], 'WARNING: Exiting before consuming the expected number of messages: timeout (1500 ms) exceeded. You can use the --timeout option to increase the timeout.')
  const progress = lines.slice(1, -1)
  assert.ok(progress.length >= 1, detailed.stdout)
  const PROGRESS = new RegExp(`^${DATE}, 0, ${F4}, ${F4}, (${N}), ${F4}, ${N}, -?${N}, ${F4}, ${F4}$`)
  const counts = progress.map((l) => Number(PROGRESS.exec(l)?.[1] ?? NaN))
  assert.ok(counts.every((c, i) => c > 0 && c <= 20000 && (i === 0 || c > counts[i - 1]!)), `progress lines count up to at most 20000: ${progress.join('\n')}`)
})

test('failures: one line on stderr and exit 1', async () => {
  const noTopic = await exec(PRODUCER, ['--num-records', '10', '--record-size', '10', '--throughput', '-1', '--producer-props', `bootstrap.servers=${broker.bootstrap}`])
  assert.deepEqual([noTopic.code, noTopic.stderr], [1, 'Error: argument --topic is required\n'])
  const noProps = await exec(PRODUCER, ['--topic', 't', '--num-records', '10', '--record-size', '10', '--throughput', '-1'])
  assert.deepEqual([noProps.code, noProps.stderr], [1, 'Error: Either --producer-props or --producer.config must be specified.\n'])
  const txn = await exec(PRODUCER, ['--topic', 't', '--num-records', '10', '--record-size', '10', '--throughput', '-1', '--transaction-duration-ms', '100', '--producer-props', `bootstrap.servers=${broker.bootstrap}`])
  assert.equal(txn.code, 1)
  assert.match(txn.stderr, /^Error: Transactions are not supported by Brook yet[^\n]*\n$/)
  const noMessages = await exec(CONSUMER, ['--bootstrap-server', broker.bootstrap, '--topic', 'perf'])
  assert.deepEqual([noMessages.code, noMessages.stderr], [1, 'Error: Missing required argument "[messages]"\n'])
  // Nothing listens on port 1: every record fails; the summary counts none delivered, the last line says why.
  const down = await exec(PRODUCER, ['--topic', 't', '--num-records', '10', '--record-size', '10', '--throughput', '-1', '--producer-props', 'bootstrap.servers=127.0.0.1:1', 'max.block.ms=500'])
  assert.equal(down.code, 1)
  assert.match(down.stdout, /^0 records sent, /)
  assert.match(down.stderr.trimEnd().split('\n').pop()!, /^Error: \d+ records failed, 0 of 10 delivered: .*ECONNREFUSED/)
})
