/**
 * bin/kafka-console-producer and bin/kafka-console-consumer against a broker
 * process, as scripts use them: exact output lines in Kafka's formats
 * (LineMessageReader in, DefaultMessageFormatter out), exit codes, and the
 * one-line errors.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Admin } from '../../src/client/admin/admin.js'
import { Producer } from '../../src/client/producer/producer.js'
import { removeDir, REPO, startBrokerProcess, type BrokerProcess } from './broker-process.js'

const PRODUCER = join(REPO, 'bin/kafka-console-producer')
const CONSUMER = join(REPO, 'bin/kafka-console-consumer.sh')

interface Ran {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** Runs a tool to its end (killed after `timeoutMs`), with `input` on stdin. */
function tool(bin: string, args: string[], input = '', timeoutMs = 30_000): Promise<Ran> {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(bin, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: performance.now() - started })
    })
    child.stdin.end(input)
  })
}

let broker: BrokerProcess
let admin: Admin
const bootstrap = () => broker.bootstrap
const produce = (topic: string, input: string, ...extra: string[]) => tool(PRODUCER, ['--bootstrap-server', bootstrap(), '--topic', topic, ...extra], input)
const consume = (topic: string, ...extra: string[]) => tool(CONSUMER, ['--bootstrap-server', bootstrap(), '--topic', topic, ...extra])
const lines = (s: string) => s.split('\n').slice(0, -1)
/** log4j's `[2024-05-01 12:00:00,123] LEVEL ` prefix, as Kafka's tools-log4j.properties writes it. */
const LOG = String.raw`^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] `
const TIMED_OUT = [new RegExp(`${LOG}ERROR Error processing message, terminating consumer process:  \\(org\\.apache\\.kafka\\.tools\\.consumer\\.ConsoleConsumer\\)$`), /^org\.apache\.kafka\.common\.errors\.TimeoutException$/]

function assertLines(actual: string, expected: (string | RegExp)[], what: string): void {
  const got = lines(actual)
  assert.equal(got.length, expected.length, `${what}: ${JSON.stringify(got)}`)
  expected.forEach((e, i) => (typeof e === 'string' ? assert.equal(got[i], e, what) : assert.match(got[i]!, e, what)))
}

before(async () => {
  broker = await startBrokerProcess({ config: { 'group.initial.rebalance.delay.ms': '0' } })
  admin = new Admin({ bootstrapServers: [broker.bootstrap], timeoutMs: 15_000 })
})

after(async () => {
  await admin?.close()
  await broker?.stop()
  if (broker) await removeDir(broker.logDir)
})

test('--help prints the usage table and exits 0; no arguments print it on stderr and exit 1', async () => {
  for (const [bin, summary, flag] of [
    [PRODUCER, 'This tool helps to read data from standard input and publish it to Kafka.', /^--property <String: prop> {15}A mechanism to pass user-defined$/m],
    [CONSUMER, 'This tool helps to read data from Kafka topics and outputs it to standard output.', /^--from-beginning {24}If the consumer does not already have$/m],
  ] as const) {
    const help = await tool(bin, ['--help'])
    assert.equal(help.code, 0)
    assert.equal(lines(help.stdout)[0], summary)
    assert.match(help.stdout, flag)
    const none = await tool(bin, [])
    assert.equal(none.code, 1)
    assert.equal(none.stdout, '')
    assert.equal(lines(none.stderr)[0], summary)
  }
})

test('keys and headers parsed by the producer come back as the consumer prints them with every print.* property', async () => {
  const input = 'h1:v1,h2:v2\tk1\tfirst value\nNULL\tk2\tNULL\nh3:NULL,h4:\tNULL\tthird\tstill value\n'
  const from = Date.now()
  const p = await produce('kh', input, '--property', 'parse.key=true', '--property', 'parse.headers=true', '--property', 'null.marker=NULL')
  const to = Date.now()
  assert.equal(p.code, 0, p.stderr)
  assert.equal(p.stdout, '', 'no prompt when stdin is not a terminal')
  const props = ['print.key', 'print.headers', 'print.partition', 'print.offset', 'print.timestamp'].flatMap((k) => ['--property', `${k}=true`])
  const c = await consume('kh', '--from-beginning', '--max-messages', '3', ...props)
  assert.equal(c.code, 0, c.stderr)
  assert.equal(c.stderr, 'Processed a total of 3 messages\n')
  const got = lines(c.stdout).map((l) => {
    const m = /^CreateTime:(\d+)\t(.*)$/.exec(l)
    assert.ok(m, l)
    assert.ok(Number(m[1]) >= from - 1000 && Number(m[1]) <= to + 1000, `timestamp ${m[1]} is when the producer ran`)
    return m[2]
  })
  assert.deepEqual(got, ['Partition:0\tOffset:0\th1:v1,h2:v2\tk1\tfirst value', 'Partition:0\tOffset:1\tNO_HEADERS\tk2\tnull', 'Partition:0\tOffset:2\th3:null,h4:\tnull\tthird\tstill value'])

  // Other separators on both sides, null.literal, and print.value=false ending the line at the key.
  const c2 = await consume('kh', '--from-beginning', '--max-messages', '3', '--property', 'print.key=true', '--property', 'key.separator= | ', '--property', 'null.literal=<nil>', '--property', 'line.separator=;\n')
  assert.equal(c2.stdout, 'k1 | first value;\nk2 | <nil>;\n<nil> | third\tstill value;\n')
  const c3 = await consume('kh', '--from-beginning', '--max-messages', '3', '--property', 'print.key=true', '--property', 'print.value=false', '--property', 'print.headers=true', '--property', 'headers.separator=|')
  assert.equal(c3.stdout, 'h1:v1|h2:v2\tk1\nNO_HEADERS\tk2\nh3:null|h4:\tnull\n')
})

test('--compression-codec without a value (gzip), --sync and producer properties still deliver every line in order', async () => {
  const p = await produce('codec', 'a\nb\r\nc', '--compression-codec', '--sync', '--producer-property', 'linger.ms=0', '--batch-size', '100')
  assert.equal(p.code, 0, p.stderr)
  const c = await consume('codec', '--from-beginning', '--max-messages', '3')
  assert.equal(c.stdout, 'a\nb\nc\n')
})

test('on a terminal, > is printed before each line is read (and before end of input), as Kafka does with a console', async () => {
  // script(1) runs the producer on a pseudo-terminal: stdin and stdout are both TTYs.
  const child = spawn('/usr/bin/script', ['-qec', `${PRODUCER} --bootstrap-server ${bootstrap()} --topic prompt`, '/dev/null'], { cwd: REPO })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
  child.stdin.write('one\ntwo\n')
  // Ctrl-D: end of input on the terminal.
  setTimeout(() => child.stdin.end('\x04'), 1000)
  assert.equal(await closed, 0)
  assert.equal(out.replace(/one\r\n|two\r\n/g, ''), '>>>', `terminal output ${JSON.stringify(out)}`)
  assert.equal((await consume('prompt', '--from-beginning', '--max-messages', '2')).stdout, 'one\ntwo\n')
})

test('--partition with --offset N, earliest and latest', async () => {
  assert.equal((await produce('offsets', 'r0\nr1\nr2\nr3\nr4\n')).code, 0)
  const at = await consume('offsets', '--partition', '0', '--offset', '3', '--max-messages', '2')
  assert.equal(at.code, 0, at.stderr)
  assert.equal(at.stdout, 'r3\nr4\n')
  assert.equal((await consume('offsets', '--partition', '0', '--offset', 'earliest', '--max-messages', '1')).stdout, 'r0\n')
  assert.equal((await consume('offsets', '--partition', '0', '--from-beginning', '--max-messages', '1')).stdout, 'r0\n')
  const latest = await consume('offsets', '--partition', '0', '--offset', 'latest', '--timeout-ms', '1000')
  assert.equal(latest.stdout, '')
  assert.match(latest.stderr, /Processed a total of 0 messages\n$/)

  // The partition asked for, and no other.
  await admin.createTopics([{ name: 'two', numPartitions: 2, replicationFactor: 1 }])
  const producer = new Producer({ bootstrapServers: [bootstrap()] })
  for (let i = 0; i < 4; i++) await producer.send({ topic: 'two', partition: i % 2, value: `p${i % 2}-${i}` })
  await producer.close()
  assert.equal((await consume('two', '--partition', '1', '--offset', 'earliest', '--max-messages', '2', '--property', 'print.partition=true')).stdout, 'Partition:1\tp1-1\nPartition:1\tp1-3\n')
})

test('--group commits what was printed: the next run with the group continues after it; without --group nothing is committed', async () => {
  assert.equal((await produce('grouped', '1\n2\n3\n4\n5\n')).code, 0)
  const first = await consume('grouped', '--group', 'g1', '--from-beginning', '--max-messages', '2')
  assert.equal(first.stdout, '1\n2\n')
  const second = await consume('grouped', '--group', 'g1', '--from-beginning', '--max-messages', '2')
  assert.equal(second.stdout, '3\n4\n', 'records fetched but not printed were not committed')
  const third = await consume('grouped', '--consumer-property', 'group.id=g1', '--timeout-ms', '1500')
  assert.equal(third.stdout, '5\n')
  assert.deepEqual((await admin.listConsumerGroupOffsets('g1')).map((o) => [o.topic, o.partition, o.offset]), [['grouped', 0, 5n]])

  // Without --group: a generated group, console-consumer-<n>, that commits nothing (Kafka's enable.auto.commit=false).
  const before = new Set((await admin.listGroups()).map((g) => g.groupId))
  const child = spawn(CONSUMER, ['--bootstrap-server', bootstrap(), '--topic', 'grouped', '--from-beginning', '--consumer-property', 'auto.commit.interval.ms=100'], { cwd: REPO })
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
  let printed = ''
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => (printed += d) === '1\n2\n3\n4\n5\n' && resolve()))
  const generated = (await admin.listGroups()).map((g) => g.groupId).filter((g) => !before.has(g))
  assert.equal(generated.length, 1, `new groups: ${generated.join(', ')}`)
  assert.match(generated[0]!, /^console-consumer-\d{1,5}$/)
  await new Promise((r) => setTimeout(r, 500))
  child.kill('SIGINT')
  assert.equal(await closed, 0)
  assert.deepEqual((await admin.listConsumerGroupOffsets(generated[0]!)).filter((o) => o.offset >= 0n), [], 'the generated group committed nothing')
  // With enable.auto.commit=true it commits as a named group does.
  const committing = await consume('grouped', '--from-beginning', '--max-messages', '2', '--consumer-property', 'enable.auto.commit=true')
  assert.equal(committing.stdout, '1\n2\n')
  const latest = (await admin.listGroups()).map((g) => g.groupId).filter((g) => !before.has(g) && g !== generated[0])
  assert.equal(latest.length, 1)
  assert.deepEqual((await admin.listConsumerGroupOffsets(latest[0]!)).map((o) => o.offset), [2n])
})

test("--timeout-ms ends after that long without a record, with Kafka's log lines, and exit 0", async () => {
  assert.equal((await produce('quiet', 'only\n')).code, 0)
  const c = await consume('quiet', '--from-beginning', '--timeout-ms', '1500')
  assert.equal(c.code, 0)
  assert.equal(c.stdout, 'only\n')
  assertLines(c.stderr, [...TIMED_OUT, 'Processed a total of 1 messages'], 'stderr')
  assert.ok(c.ms >= 1500, `waited ${c.ms} ms`)
})

test('--include matches whole topic names (a Java regex), --whitelist is its old name', async () => {
  assert.equal((await produce('inc-a', 'a\n')).code, 0)
  assert.equal((await produce('inc-b', 'b\n')).code, 0)
  assert.equal((await produce('xinc-c', 'c\n')).code, 0)
  const c = await tool(CONSUMER, ['--bootstrap-server', bootstrap(), '--include', 'inc-.*', '--from-beginning', '--max-messages', '2'])
  assert.deepEqual(lines(c.stdout).sort(), ['a', 'b'])
  const w = await tool(CONSUMER, ['--bootstrap-server', bootstrap(), '--whitelist', 'inc-b', '--from-beginning', '--timeout-ms', '1500'])
  assert.equal(w.stdout, 'b\n')
})

test('SIGINT and SIGTERM stop the consumer, which prints the total and exits 0', async () => {
  assert.equal((await produce('signals', 'x\ny\nz\n')).code, 0)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const child = spawn(CONSUMER, ['--bootstrap-server', bootstrap(), '--topic', 'signals', '--from-beginning'], { cwd: REPO })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d) => {
        stdout += d
        if (stdout === 'x\ny\nz\n') resolve()
      }),
    )
    child.kill(signal)
    assert.equal(await closed, 0, signal)
    assert.equal(stderr, 'Processed a total of 3 messages\n', signal)
  }
})

test('a reader whose stdout closes (| head -1) stops with the total', async () => {
  assert.equal((await produce('many', Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n'))).code, 0)
  const child = spawn(CONSUMER, ['--bootstrap-server', bootstrap(), '--topic', 'many', '--from-beginning'], { cwd: REPO })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
  child.stdout.once('data', () => child.stdout.destroy())
  assert.equal(await closed, 0)
  assertLines(stderr, ['Unable to write to standard out, closing consumer.', /^Processed a total of \d+ messages$/], 'stderr')
})

test('a line the reader cannot parse: the lines before it are delivered, then one Error line and exit 1', async () => {
  const p = await produce('bad-line', 'k1\tv1\nno separator\nk3\tv3\n', '--property', 'parse.key=true')
  assert.equal(p.code, 1)
  assert.equal(p.stderr, "Error: No key separator found on line number 2: 'no separator'\n")
  assert.equal((await consume('bad-line', '--from-beginning', '--timeout-ms', '1000', '--property', 'print.key=true')).stdout, 'k1\tv1\n')
  const ignored = await produce('bad-line', 'no separator\n', '--property', 'parse.key=true', '--property', 'ignore.error=true')
  assert.equal(ignored.code, 0)
  assert.equal((await consume('bad-line', '--partition', '0', '--offset', '1', '--max-messages', '1', '--property', 'print.key=true')).stdout, 'null\tno separator\n')
})

test("a record the producer cannot deliver: ErrorLoggingCallback's line, the others delivered, exit 1; with --sync the first failure ends it", async () => {
  const big = 'x'.repeat(300)
  const p = await produce('too-big', `small\n${big}\nafter\n`, '--producer-property', 'max.request.size=200')
  assert.equal(p.code, 1)
  assertLines(
    p.stderr,
    [
      new RegExp(`${LOG}ERROR Error when sending message to topic too-big with key: null, value: 300 bytes with error: \\(org\\.apache\\.kafka\\.clients\\.producer\\.internals\\.ErrorLoggingCallback\\)$`),
      /^MESSAGE_TOO_LARGE: The message is \d+ bytes when serialized which is larger than 200, which is the value of the max\.request\.size configuration\.$/,
    ],
    'stderr',
  )
  assert.equal((await consume('too-big', '--from-beginning', '--max-messages', '2')).stdout, 'small\nafter\n')
  const sync = await produce('too-big', `third\n${big}\nnever\n`, '--producer-property', 'max.request.size=200', '--sync')
  assert.equal(sync.code, 1)
  assertLines(sync.stderr, [/^Error: MESSAGE_TOO_LARGE: The message is \d+ bytes/], 'stderr')
  assert.equal((await consume('too-big', '--partition', '0', '--offset', '2', '--timeout-ms', '1000')).stdout, 'third\n')
})

test("bad options: Kafka's messages, one line, exit 1", async () => {
  const b = () => ['--bootstrap-server', bootstrap()]
  const cases: [string, string[], string][] = [
    [PRODUCER, ['--topic', 't'], 'Missing required option(s) [bootstrap-server]'],
    [PRODUCER, ['--broker-list', bootstrap()], 'Missing required argument "[topic]"'],
    [PRODUCER, ['--bootstrap-server', 'localhost', '--topic', 't'], 'Please provide valid host:port like host1:9091,host2:9092'],
    [PRODUCER, [...b(), '--topic', 't', '--compression-codec', 'brotli'], 'Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd'],
    [PRODUCER, [...b(), '--topic', 't', '--property', 'parse.headers=true', '--property', 'headers.key.separator=,'], 'headers.separator and headers.key.separator may not be equal'],
    [PRODUCER, [...b(), '--topic', 't', '--line-reader', 'com.example.Reader'], 'Brook has no line reader com.example.Reader: only kafka.tools.ConsoleProducer$LineMessageReader (the default)'],
    [PRODUCER, [...b(), '--topic', 't', '--timeout', 'soon'], "Cannot parse argument 'soon' of option timeout"],
    [CONSUMER, ['--topic', 't'], 'Missing required argument "[bootstrap-server]"'],
    [CONSUMER, [...b()], 'Exactly one of --include/--topic is required.'],
    [CONSUMER, [...b(), '--include', 't.*', '--partition', '0'], 'The topic is required when partition is specified.'],
    [CONSUMER, [...b(), '--topic', 't', '--offset', '3'], 'The partition is required when offset is specified.'],
    [CONSUMER, [...b(), '--topic', 't', '--partition', '0', '--offset', '3', '--from-beginning'], 'Options from-beginning and offset cannot be specified together.'],
    [CONSUMER, [...b(), '--topic', 't', '--partition', '0', '--offset', 'first'], "The provided offset value 'first' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long."],
    [CONSUMER, [...b(), '--topic', 't', '--partition', '0', '--group', 'g'], 'Options group and partition cannot be specified together.'],
    [CONSUMER, [...b(), '--topic', 't', '--group', 'a', '--consumer-property', 'group.id=b'], "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b'"],
    [CONSUMER, [...b(), '--topic', 't', '--from-beginning', '--consumer-property', 'auto.offset.reset=latest'], "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option"],
    [CONSUMER, [...b(), '--topic', 't', '--enable-systest-events'], '--enable-systest-events is not supported by Brook'],
    [CONSUMER, [...b(), '--topic', 't', '--max-messages', 'all'], "Cannot parse argument 'all' of option max-messages"],
  ]
  for (const [bin, args, message] of cases) {
    const r = await tool(bin, args, 'x\n')
    assert.equal(r.code, 1, args.join(' '))
    assert.equal(r.stderr, `Error: ${message}\n`, args.join(' '))
    assert.equal(r.stdout, '')
  }
})
