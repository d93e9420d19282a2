/**
 * bin/kafka-topics against a broker process: create, list, describe (the
 * exact lines Kafka 3.7's tool prints), alter, delete, --if-exists and
 * --if-not-exists, the describe filters, and the errors: Kafka's line on
 * stdout for a failed command, one `Error:` line on stderr for a mistake in
 * the options (--zookeeper among them), exit code 1 for both.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Admin } from '../../src/client/admin/admin.js'
import { removeDir, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { runTool } from './run-tool.js'

let broker: BrokerProcess
let admin: Admin

before(async () => {
  broker = await startBrokerProcess()
  admin = new Admin({ bootstrapServers: [broker.bootstrap] })
})

after(async () => {
  await admin.close()
  await broker.stop()
  await removeDir(broker.logDir)
})

const topics = (...args: string[]) => runTool('kafka-topics.sh', ['--bootstrap-server', broker.bootstrap, ...args])

/** The topic's id as the broker reports it (what --describe prints). */
async function topicId(name: string): Promise<string> {
  const [d] = await admin.describeTopics([name])
  return d!.topicId!
}

/** Kafka's per-partition line. */
const partitionLine = (topic: string, p: number) => `\tTopic: ${topic}\tPartition: ${p}\tLeader: 0\tReplicas: 0\tIsr: 0`

test('--create prints "Created topic <name>."; again it is an error, or nothing with --if-not-exists', async () => {
  assert.deepEqual(await topics('--create', '--topic', 'test', '--partitions', '3', '--config', 'retention.ms=1000'), { code: 0, stdout: 'Created topic test.\n', stderr: '' })
  assert.deepEqual(await topics('--create', '--topic', 'test'), { code: 1, stdout: "Error while executing topic command : Topic 'test' already exists.\n", stderr: '' })
  assert.deepEqual(await topics('--create', '--topic', 'test', '--if-not-exists'), { code: 0, stdout: '', stderr: '' })
  // Without --partitions the broker's num.partitions (1 here) applies; '.' and '_' bring Kafka's warning first.
  const dotted = await topics('--create', '--topic', 'audit.log')
  assert.equal(dotted.code, 0)
  assert.equal(
    dotted.stdout,
    "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\nCreated topic audit.log.\n",
  )
})

test('--describe prints the topic line and one line per partition, tab-separated, as Kafka 3.7', async () => {
  const id = await topicId('test')
  const out = await topics('--describe', '--topic', 'test')
  assert.equal(out.code, 0)
  assert.equal(
    out.stdout,
    [`Topic: test\tTopicId: ${id}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=1000`, partitionLine('test', 0), partitionLine('test', 1), partitionLine('test', 2), ''].join('\n'),
  )
})

test("--describe lists configs and topics in the Java AdminClient's HashMap order, not sorted", async () => {
  await topics('--create', '--topic', 'orders', '--config', 'retention.ms=5000', '--config', 'cleanup.policy=compact')
  for (const t of ['payments', 'users', 'clicks']) assert.equal((await topics('--create', '--topic', t)).code, 0)
  const ids = new Map(await Promise.all(['audit.log', 'clicks', 'orders', 'payments', 'test', 'users'].map(async (t) => [t, await topicId(t)] as const)))
  const out = await topics('--describe', '--exclude-internal')
  const topicLines = out.stdout.split('\n').filter((l) => l.startsWith('Topic: '))
  // The order Kafka's tool prints these six topics in (checked against Java 21's HashMap sizing).
  assert.deepEqual(
    topicLines.map((l) => l.split('\t')[0]),
    ['Topic: clicks', 'Topic: orders', 'Topic: test', 'Topic: audit.log', 'Topic: users', 'Topic: payments'],
  )
  assert.ok(topicLines.includes(`Topic: orders\tTopicId: ${ids.get('orders')}\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=5000`))
  assert.ok(topicLines.includes(`Topic: clicks\tTopicId: ${ids.get('clicks')}\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: `))
  // A regular expression for --topic: a whole-name match, ',' meaning '|'.
  const some = await topics('--describe', '--topic', 'orders,us.*')
  assert.deepEqual(
    some.stdout.split('\n').filter((l) => l.startsWith('Topic: ')).map((l) => l.split('\t')[0]),
    ['Topic: orders', 'Topic: users'],
  )
})

test('--describe filters: --topics-with-overrides, --at-min-isr-partitions, --under-replicated-partitions, --unavailable-partitions', async () => {
  const withOverrides = await topics('--describe', '--topics-with-overrides', '--exclude-internal')
  assert.deepEqual(
    withOverrides.stdout.split('\n').map((l) => l.split('\t')[0]),
    ['Topic: orders', 'Topic: test', ''],
    'only the topic lines of topics with overrides, no partition lines',
  )
  // min.insync.replicas is 1 and every ISR has the one broker: every partition is at its minimum, printed without a topic line.
  assert.deepEqual(await topics('--describe', '--topic', 'test', '--at-min-isr-partitions'), {
    code: 0,
    stdout: [partitionLine('test', 0), partitionLine('test', 1), partitionLine('test', 2), ''].join('\n'),
    stderr: '',
  })
  for (const filter of ['--under-replicated-partitions', '--unavailable-partitions', '--under-min-isr-partitions']) {
    assert.deepEqual(await topics('--describe', '--topic', 'test', filter), { code: 0, stdout: '', stderr: '' }, filter)
  }
})

test('--list: names sorted, one a line; internal topics unless --exclude-internal', async () => {
  // A coordinator lookup makes the broker create __consumer_offsets.
  await admin.listConsumerGroupOffsets('tool-topics-group')
  assert.deepEqual(await topics('--list'), { code: 0, stdout: '__consumer_offsets\naudit.log\nclicks\norders\npayments\ntest\nusers\n', stderr: '' })
  assert.deepEqual(await topics('--list', '--exclude-internal', '--topic', '.*s'), { code: 0, stdout: 'clicks\norders\npayments\nusers\n', stderr: '' })
  // Kafka prints the empty string it joined: one empty line.
  assert.deepEqual(await topics('--list', '--topic', 'nothing-matches'), { code: 0, stdout: '\n', stderr: '' })
})

test('--alter raises the partition count (with or without a replica assignment); lowering it is the broker\'s error', async () => {
  assert.deepEqual(await topics('--alter', '--topic', 'test', '--partitions', '5'), { code: 0, stdout: '', stderr: '' })
  assert.match((await topics('--describe', '--topic', 'test')).stdout, /^Topic: test\tTopicId: \S+\tPartitionCount: 5\t/)
  assert.deepEqual(await topics('--alter', '--topic', 'test', '--partitions', '6', '--replica-assignment', '0,0,0,0,0,0'), { code: 0, stdout: '', stderr: '' })
  assert.equal((await admin.describeTopics(['test']))[0]!.partitions.length, 6)
  assert.deepEqual(await topics('--alter', '--topic', 'test', '--partitions', '2'), {
    code: 1,
    stdout: 'Error while executing topic command : Topic currently has 6 partitions, which is higher than the requested 2.\n',
    stderr: '',
  })
  assert.deepEqual(await topics('--alter', '--topic', 'nope', '--partitions', '2'), { code: 1, stdout: "Error while executing topic command : Topic 'nope' does not exist as expected\n", stderr: '' })
  assert.deepEqual(await topics('--alter', '--topic', 'nope', '--partitions', '2', '--if-exists'), { code: 0, stdout: '', stderr: '' })
})

test('--delete prints nothing; a topic that is not there is an error, or nothing with --if-exists', async () => {
  assert.deepEqual(await topics('--delete', '--topic', 'audit\\.log'), { code: 0, stdout: '', stderr: '' })
  assert.ok(!(await topics('--list')).stdout.split('\n').includes('audit.log'))
  assert.deepEqual(await topics('--delete', '--topic', 'audit.log'), { code: 1, stdout: "Error while executing topic command : Topic 'audit.log' does not exist as expected\n", stderr: '' })
  assert.deepEqual(await topics('--delete', '--topic', 'audit.log', '--if-exists'), { code: 0, stdout: '', stderr: '' })
  assert.deepEqual(await topics('--describe', '--topic', 'audit.log', '--if-exists'), { code: 0, stdout: '', stderr: '' })
})

test("the broker's and the tool's refusals print Kafka's line on stdout and exit 1", async () => {
  const cases: [string[], string][] = [
    [['--describe', '--topic', 'nope'], "Topic 'nope' does not exist as expected"],
    [['--create', '--topic', 'bad', '--config', 'foo=1'], 'Unknown topic config name: foo'],
    [['--create', '--topic', 'bad', '--config', 'retention.ms=soon'], 'Invalid value soon for configuration retention.ms: Not a number of type LONG'],
    [['--create', '--topic', 'bad', '--config', 'retention.ms'], 'requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".'],
    [['--create', '--topic', 'bad', '--partitions', '0'], 'The partitions must be greater than 0'],
    [['--create', '--topic', 'bad', '--replication-factor', '3'], 'Replication factor: 3 larger than available brokers: 1.'],
    [['--create', '--topic', 'bad', '--replica-assignment', '0:0'], 'Partition replica lists may not contain duplicate entries: 0'],
    [['--create', '--topic', 'bad', '--replica-assignment', '0,0:1'], 'Partition 1 has different replication factor: [0, 1]'],
    [['--create', '--topic', 'bad', '--replica-assignment', '0,x'], 'For input string: "x"'],
    [['--list', '--topic', 'te['], 'te[ is an invalid regex.'],
  ]
  for (const [args, message] of cases) {
    assert.deepEqual(await topics(...args), { code: 1, stdout: `Error while executing topic command : ${message}\n`, stderr: '' }, args.join(' '))
  }
})

test('mistakes in the options: one "Error:" line on stderr with Kafka\'s message, exit 1, nothing sent', async () => {
  const cases: [string[], string][] = [
    [['--list', '--describe'], 'Command must include exactly one action: --list, --describe, --create, --alter or --delete'],
    [['--create', '--partitions', '1'], 'Missing required argument "[topic]"'],
    [['--alter', '--topic', 'test'], 'Missing required argument "[partitions]"'],
    [['--alter', '--topic', 'test', '--partitions', '9', '--delete-config', 'retention.ms'], 'Option "[delete-config]" can\'t be used with option "[bootstrap-server]"'],
    [
      ['--alter', '--topic', 'test', '--partitions', '9', '--config', 'retention.ms=1'],
      'Option combination "[[bootstrap-server], [config]]" can\'t be used with option "[alter]" (the kafka-configs CLI supports altering topic configs with a --bootstrap-server option)',
    ],
    [['--create', '--topic', 't', '--if-exists'], 'Option "[if-exists]" can\'t be used with option "[create]"'],
    [['--create', '--topic', 't', '--partitions', '1', '--replica-assignment', '0'], 'Option "[replica-assignment]" can\'t be used with option "[partitions]"'],
    [['--describe', '--if-exists'], '--topic or --topic-id is required to describe a topic'],
    [['--create', '--topic', 't', '--partitions', 'three'], "Cannot parse argument 'three' of option partitions"],
  ]
  for (const [args, message] of cases) {
    assert.deepEqual(await topics(...args), { code: 1, stdout: '', stderr: `Error: ${message}\n` }, args.join(' '))
  }
  assert.deepEqual(await runTool('kafka-topics.sh', ['--list']), { code: 1, stdout: '', stderr: 'Error: --bootstrap-server must be specified\n' })
})

test('--zookeeper: one line saying to use --bootstrap-server, exit 1', async () => {
  assert.deepEqual(await runTool('kafka-topics', ['--zookeeper', 'localhost:2181', '--list']), {
    code: 1,
    stdout: '',
    stderr: "Error: --zookeeper is not supported: use --bootstrap-server HOST:PORT to connect to a broker (Kafka 3.x's kafka-topics has no --zookeeper either)\n",
  })
})

test('--help prints the options and exits 0; no arguments print them on stderr and exit 1', async () => {
  const help = await runTool('kafka-topics', ['--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /^This tool helps to create, delete, describe, or change a topic\.\nOption {34}Description\n/)
  for (const flag of ['--bootstrap-server', '--create', '--if-not-exists', '--topics-with-overrides', '--replica-assignment']) assert.ok(help.stdout.includes(`\n${flag} `), flag)
  const none = await runTool('kafka-topics', [])
  assert.equal(none.code, 1)
  assert.match(none.stderr, /^Create, delete, describe, or change a topic\.\nOption/)
})
