import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseArgs, UsageError } from './command-line.js'
import { checkTopicArgs, includeList, parseReplicaAssignment, parseTopicConfigs, TOPICS_SPEC } from './topic-command.js'
import { javaParseInt, javaSplit } from './java-strings.js'

test("--replica-assignment as TopicCommand.parseReplicaAssignment reads it", () => {
  assert.deepEqual(parseReplicaAssignment('0:1, 1:2 ,2:0'), [
    [0, 1],
    [1, 2],
    [2, 0],
  ])
  // Java's split drops trailing empty strings.
  assert.deepEqual(parseReplicaAssignment('3,'), [[3]])
  assert.throws(() => parseReplicaAssignment('0:1:0'), { message: 'Partition replica lists may not contain duplicate entries: 0' })
  assert.throws(() => parseReplicaAssignment('0:1,2'), { message: 'Partition 1 has different replication factor: [2]' })
  assert.throws(() => parseReplicaAssignment('0,,1'), { message: 'For input string: ""' })
})

test('--config key=value pairs: spaces around "=" allowed, exactly one "=" required', () => {
  assert.deepEqual(parseTopicConfigs(['retention.ms = 1000', 'cleanup.policy=compact']), { 'retention.ms': '1000', 'cleanup.policy': 'compact' })
  for (const bad of ['retention.ms', 'a=b=c', 'a=']) {
    assert.throws(() => parseTopicConfigs([bad]), /^Error: requirement failed: Invalid topic config/, bad)
  }
})

test('--topic as a TopicFilter.IncludeList: whole names, commas for |, quotes and spaces dropped', () => {
  const t = (raw: string, name: string) => includeList(raw).test(name)
  assert.ok(t('test', 'test'))
  assert.ok(!t('test', 'test2'), 'the whole name must match')
  assert.ok(t('orders, users', 'users'))
  assert.ok(t('"te.*"', 'test'))
  assert.ok(!t('test\\.topic', 'testXtopic'))
  assert.throws(() => includeList('a('), { message: 'a( is an invalid regex.' })
})

test('option checks in Kafka order, with its messages', () => {
  const check = (...argv: string[]) => checkTopicArgs(parseArgs(TOPICS_SPEC, argv))
  const refused = (message: string, ...argv: string[]) => assert.throws(() => check(...argv), (e: unknown) => e instanceof UsageError && e.message === message, argv.join(' '))
  check('--bootstrap-server', 'b:1', '--create', '--topic', 't')
  check('--bootstrap-server', 'b:1', '--describe', '--under-replicated-partitions', '--unavailable-partitions')
  refused('Command must include exactly one action: --list, --describe, --create, --alter or --delete', '--bootstrap-server', 'b:1')
  refused('--bootstrap-server must be specified', '--list')
  refused('Option "[config]" can\'t be used with option "[list]"', '--bootstrap-server', 'b:1', '--list', '--config', 'a=1')
  refused('Option "[replication-factor]" can\'t be used with option "[alter]"', '--bootstrap-server', 'b:1', '--alter', '--topic', 't', '--partitions', '2', '--replication-factor', '1')
  refused('Option "[under-replicated-partitions]" can\'t be used with option "[topics-with-overrides]"', '--bootstrap-server', 'b:1', '--describe', '--under-replicated-partitions', '--topics-with-overrides')
  refused('Option "[exclude-internal]" can\'t be used with option "[delete]"', '--bootstrap-server', 'b:1', '--delete', '--topic', 't', '--exclude-internal')
  refused('Option "[if-not-exists]" can\'t be used with option "[describe]"', '--bootstrap-server', 'b:1', '--describe', '--if-not-exists')
})

test("Java's split and parseInt, as Kafka's parsing relies on them", () => {
  assert.deepEqual(javaSplit('', ','), [''])
  assert.deepEqual(javaSplit('a,,', ','), ['a'])
  assert.deepEqual(javaSplit(',a', ','), ['', 'a'])
  assert.equal(javaParseInt('+7'), 7)
  assert.throws(() => javaParseInt('2147483648'), { message: 'For input string: "2147483648"' })
})
