/**
 * bin/kafka-configs against a broker process: a topic's and a broker's
 * configs described (overrides only, and --all) and altered (--add-config
 * with Kafka's bracket syntax, --add-config-file, --delete-config), with the
 * exact lines Kafka 3.7's ConfigCommand prints, and its errors: a failed
 * request as Kafka's two first lines on stderr, a refused option as one
 * `Error:` line, unsupported entity types and --zookeeper as one line.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { rm, writeFile } from 'node:fs/promises'
import { removeDir, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { runTool } from './run-tool.js'

let broker: BrokerProcess

before(async () => {
  broker = await startBrokerProcess()
  const created = await runTool('kafka-topics', ['--bootstrap-server', broker.bootstrap, '--create', '--topic', 'test', '--partitions', '3'])
  assert.equal(created.code, 0, created.stdout)
})

after(async () => {
  await broker.stop()
  await removeDir(broker.logDir)
})

const configs = (...args: string[]) => runTool('kafka-configs.sh', ['--bootstrap-server', broker.bootstrap, ...args])
const ok = (...lines: string[]) => ({ code: 0, stdout: lines.map((l) => `${l}\n`).join(''), stderr: '' })

/** Kafka's lines for a failed request: the command echoed, then the Java exception. */
const requestFailed = (args: string[], exception: string) => ({
  code: 1,
  stdout: '',
  stderr: `Error while executing config command with args '--bootstrap-server ${broker.bootstrap} ${args.join(' ')}'\njava.util.concurrent.ExecutionException: ${exception}\n`,
})

test('a topic without overrides: the header line alone', async () => {
  assert.deepEqual(await configs('--describe', '--topic', 'test'), ok('Dynamic configs for topic test are:'))
  assert.deepEqual(await configs('--describe', '--entity-type', 'topics', '--entity-name', 'test'), ok('Dynamic configs for topic test are:'))
})

test('--alter --add-config (brackets around a list value), then --describe: the overrides with their synonyms, sorted', async () => {
  assert.deepEqual(await configs('--alter', '--topic', 'test', '--add-config', 'retention.ms=1000,cleanup.policy=[compact,delete]'), ok('Completed updating config for topic test.'))
  const overrides = [
    '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}',
    '  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000, DEFAULT_CONFIG:log.retention.hours=168}',
  ]
  assert.deepEqual(await configs('--describe', '--topic', 'test'), ok('Dynamic configs for topic test are:', ...overrides))
  // The same overrides as kafka-topics shows them.
  assert.match((await runTool('kafka-topics', ['--bootstrap-server', broker.bootstrap, '--describe', '--topic', 'test'])).stdout, /\tConfigs: cleanup\.policy=compact,delete,retention\.ms=1000\n/)

  // --all: every topic config, sorted, defaults included.
  const all = await configs('--describe', '--topic', 'test', '--all')
  assert.equal(all.code, 0)
  const lines = all.stdout.trimEnd().split('\n')
  assert.equal(lines[0], 'All configs for topic test are:')
  for (const l of overrides) assert.ok(lines.includes(l), l)
  assert.ok(lines.includes('  segment.bytes=1073741824 sensitive=false synonyms={DEFAULT_CONFIG:log.segment.bytes=1073741824}'))
  const names = lines.slice(1).map((l) => l.trim().split('=')[0]!)
  assert.deepEqual(names, [...names].sort())
})

test('--add-config-file, with --add-config over it in the same form; --entity-type/--entity-name names the topic as --topic does', async () => {
  const file = `${broker.logDir}-add.properties`
  await writeFile(file, 'segment.ms=600000\nmax.message.bytes=2000\n')
  try {
    assert.deepEqual(await configs('--alter', '--entity-type', 'topics', '--entity-name', 'test', '--add-config-file', file), ok('Completed updating config for topic test.'))
  } finally {
    await rm(file, { force: true })
  }
  const described = await configs('--describe', '--topic', 'test')
  assert.deepEqual(described.stdout.split('\n').map((l) => l.split('=')[0]), [
    'Dynamic configs for topic test are:',
    '  cleanup.policy',
    '  max.message.bytes',
    '  retention.ms',
    '  segment.ms',
    '',
  ])
  assert.ok(described.stdout.includes('  segment.ms=600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.ms=600000, DEFAULT_CONFIG:log.roll.hours=168}\n'))
})

test('--delete-config removes overrides; a key without one is refused before anything changes', async () => {
  assert.deepEqual(await configs('--alter', '--topic', 'test', '--delete-config', 'retention.ms,flush.ms'), { code: 1, stdout: '', stderr: 'Error: Invalid config(s): flush.ms\n' })
  assert.deepEqual(await configs('--alter', '--topic', 'test', '--delete-config', 'segment.ms,max.message.bytes', '--delete-config', 'retention.ms'), ok('Completed updating config for topic test.'))
  assert.deepEqual(
    await configs('--describe', '--topic', 'test'),
    ok('Dynamic configs for topic test are:', '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}'),
  )
})

test("a request the broker refuses: Kafka's two lines on stderr, exit 1", async () => {
  const unknownTopic = ['--describe', '--topic', 'nope']
  assert.deepEqual(await configs(...unknownTopic), {
    ...requestFailed(unknownTopic, 'org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.'),
    stdout: 'Dynamic configs for topic nope are:\n',
  })
  const unknownKey = ['--alter', '--topic', 'test', '--add-config', 'foo=1']
  assert.deepEqual(await configs(...unknownKey), requestFailed(unknownKey, 'org.apache.kafka.common.errors.InvalidConfigurationException: Unknown topic config name: foo'))
  const badValue = ['--alter', '--topic', 'test', '--add-config', 'retention.ms=-5']
  assert.deepEqual(await configs(...badValue), requestFailed(badValue, 'org.apache.kafka.common.errors.InvalidConfigurationException: Invalid value -5 for configuration retention.ms: Value must be at least -1'))
})

test('a broker: no dynamic configs set yet; --all lists server.properties and defaults with their synonyms; the defaults entity', async () => {
  assert.deepEqual(await configs('--describe', '--broker', '0'), ok('Dynamic configs for broker 0 are:'))
  assert.deepEqual(await configs('--describe', '--entity-type', 'brokers', '--entity-name', '0'), ok('Dynamic configs for broker 0 are:'))
  assert.deepEqual(await configs('--describe', '--broker-defaults'), ok('Default configs for brokers in the cluster are:'))
  assert.deepEqual(await configs('--describe', '--entity-type', 'brokers', '--entity-default'), ok('Default configs for brokers in the cluster are:'))
  // Without a name: every broker, then the cluster-wide defaults.
  assert.deepEqual(await configs('--describe', '--entity-type', 'brokers'), ok('Dynamic configs for broker 0 are:', 'Default configs for brokers in the cluster are:'))

  const all = await configs('--describe', '--broker', '0', '--all')
  assert.equal(all.code, 0)
  const lines = all.stdout.trimEnd().split('\n')
  assert.equal(lines[0], 'All configs for broker 0 are:')
  for (const line of [
    '  broker.id=0 sensitive=false synonyms={STATIC_BROKER_CONFIG:broker.id=0, DEFAULT_CONFIG:broker.id=-1}',
    '  num.partitions=1 sensitive=false synonyms={STATIC_BROKER_CONFIG:num.partitions=1, DEFAULT_CONFIG:num.partitions=1}',
    '  log.retention.hours=168 sensitive=false synonyms={DEFAULT_CONFIG:log.retention.hours=168}',
  ]) {
    assert.ok(lines.includes(line), line)
  }
  const names = lines.slice(1).map((l) => l.trim().split('=')[0]!)
  assert.deepEqual(names, [...names].sort())
})

test('altering a broker: the cluster default and broker 0 take dynamic keys, described with their synonyms; a static key is refused', async () => {
  assert.deepEqual(
    await configs('--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=3600000'),
    ok('Completed updating default config for brokers in the cluster.'),
  )
  const defaultLine = '  log.retention.ms=3600000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}'
  assert.deepEqual(await configs('--describe', '--entity-type', 'brokers', '--entity-default'), ok('Default configs for brokers in the cluster are:', defaultLine))
  // Broker 0 lists only what is set for it (none yet).
  assert.deepEqual(await configs('--describe', '--entity-type', 'brokers', '--entity-name', '0'), ok('Dynamic configs for broker 0 are:'))

  assert.deepEqual(await configs('--alter', '--entity-type', 'brokers', '--entity-name', '0', '--add-config', 'log.retention.ms=7200000'), ok('Completed updating config for broker 0.'))
  assert.deepEqual(
    await configs('--describe', '--entity-type', 'brokers', '--entity-name', '0'),
    ok(
      'Dynamic configs for broker 0 are:',
      '  log.retention.ms=7200000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=7200000, DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}',
    ),
  )
  assert.deepEqual(await configs('--describe', '--entity-type', 'brokers', '--entity-default'), ok('Default configs for brokers in the cluster are:', defaultLine))

  for (const [entity, name] of [[['--broker', '0'], '0'], [['--entity-type', 'brokers', '--entity-default'], '']] as const) {
    const set = ['--alter', ...entity, '--add-config', 'log.cleaner.threads=2']
    assert.deepEqual(
      await configs(...set),
      requestFailed(
        set,
        `org.apache.kafka.common.errors.InvalidConfigurationException: Invalid config value for resource ConfigResource(type=BROKER, name='${name}'): Cannot update these configs dynamically: Set(log.cleaner.threads)`,
      ),
    )
  }
  assert.deepEqual(await configs('--alter', '--broker', '0', '--delete-config', 'log.cleaner.threads'), { code: 1, stdout: '', stderr: 'Error: Invalid config(s): log.cleaner.threads\n' })

  // Deleted again: both levels empty.
  assert.deepEqual(await configs('--alter', '--broker', '0', '--delete-config', 'log.retention.ms'), ok('Completed updating config for broker 0.'))
  assert.deepEqual(await configs('--alter', '--broker-defaults', '--delete-config', 'log.retention.ms'), ok('Completed updating default config for brokers in the cluster.'))
  assert.deepEqual(await configs('--describe', '--entity-type', 'brokers'), ok('Dynamic configs for broker 0 are:', 'Default configs for brokers in the cluster are:'))
})

test('entity types Brook has no configs for (users, clients, ips, client-metrics), and --zookeeper: one line, exit 1', async () => {
  const unsupported = (type: string) =>
    `Error: Entity type ${type} is not supported by Brook yet (its broker has no client quotas, SCRAM credentials or client metrics): use topics, brokers or broker-loggers\n`
  for (const [args, type] of [
    [['--describe', '--entity-type', 'users'], 'users'],
    [['--describe', '--entity-type', 'clients', '--entity-name', 'app'], 'clients'],
    [['--alter', '--ip', '10.0.0.1', '--add-config', 'connection_creation_rate=5'], 'ips'],
    [['--describe', '--user', 'alice'], 'users'],
    [['--describe', '--entity-type', 'client-metrics'], 'client-metrics'],
  ] as const) {
    assert.deepEqual(await configs(...args), { code: 1, stdout: '', stderr: unsupported(type) }, args.join(' '))
  }
  assert.deepEqual(await runTool('kafka-configs', ['--zookeeper', 'localhost:2181', '--describe', '--entity-type', 'brokers']), {
    code: 1,
    stdout: '',
    stderr: 'Error: --zookeeper is not supported: use --bootstrap-server HOST:PORT to connect to a broker\n',
  })
})

test("mistakes in the options: one \"Error:\" line with Kafka's message, exit 1", async () => {
  const cases: [string[], string][] = [
    [['--topic', 'test'], 'Command must include exactly one action: --describe, --alter'],
    [['--describe', '--topic', 'test', '--add-config', 'a=1'], 'Option "[describe]" can\'t be used with option "[add-config]"'],
    [['--describe', '--entity-type', 'widgets'], 'Invalid entity type widgets, the entity type must be one of topics, clients, users, brokers, ips, broker-loggers, client-metrics with a --bootstrap-server or --bootstrap-controller argument'],
    [['--describe'], 'At least one entity type must be specified'],
    [['--describe', '--entity-type', 'topics', '--topic', 'test'], 'Duplicate entity type(s) specified: topics'],
    [['--describe', '--entity-type', 'topics', '--broker', '0'], "Only 'users' and 'clients' entity types may be specified together"],
    [['--describe', '--entity-name', 'test', '--topic', 'test'], '--entity-{type,name,default} should not be used in conjunction with specific entity flags'],
    [['--describe', '--broker', 'one'], 'The entity name for brokers must be a valid integer broker id, but it is: one'],
    [['--alter', '--entity-type', 'topics', '--add-config', 'a=1'], 'an entity name must be specified with --alter of topics'],
    [['--alter', '--entity-type', 'brokers', '--add-config', 'a=1'], 'an entity-name or default entity must be specified with --alter of users, clients, brokers or ips'],
    [['--alter', '--topic', 'test'], 'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter'],
    [['--alter', '--topic', 'test', '--add-config', 'retention.ms'], 'requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".'],
    [['--alter', '--topic', 'test', '--add-config', 'retention ms=1'], 'Invalid character found for config key: retention ms'],
  ]
  for (const [args, message] of cases) {
    assert.deepEqual(await configs(...args), { code: 1, stdout: '', stderr: `Error: ${message}\n` }, args.join(' '))
  }
  assert.deepEqual(await runTool('kafka-configs', ['--describe', '--topic', 'test']), {
    code: 1,
    stdout: '',
    stderr: 'Error: --bootstrap-server must be specified\n',
  })
})
