import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseArgs, usage, UsageError, type ToolSpec } from './command-line.js'
import { consumerOptions, keyValues, producerOptions } from './client-config.js'

const SPEC: ToolSpec = {
  name: 'kafka-example',
  summary: 'An example tool.',
  options: {
    'bootstrap-server': { arg: 'String: server to connect to', description: 'REQUIRED: The Kafka server to connect to.' },
    config: { arg: 'String: name=value', description: 'A topic configuration override.', multiple: true },
    partitions: { arg: 'Integer: # of partitions', description: 'The number of partitions.' },
    list: { description: 'List all available topics.' },
    'replica-assignment': { arg: 'String: broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , broker_id_for_part2_replica1 : broker_id_for_part2_replica2 , ...', description: 'A list of manual partition-to-broker assignments for the topic being created or altered.' },
  },
}

test("Kafka's option syntax: --name value, --name=value, flags, repeatable options", () => {
  const a = parseArgs(SPEC, ['--bootstrap-server', 'h:9092', '--config=a=1', '--config', 'b=2', '--list', '--partitions', '3'])
  assert.equal(a.value('bootstrap-server'), 'h:9092')
  assert.deepEqual(a.values('config'), ['a=1', 'b=2'])
  assert.ok(a.has('list'))
  assert.equal(a.int('partitions'), 3)
  assert.deepEqual(keyValues('--config', a.values('config')), { a: '1', b: '2' })
})

test('mistakes are UsageErrors naming the problem', () => {
  assert.throws(() => parseArgs(SPEC, ['--bogus']), (e: unknown) => e instanceof UsageError && e.message === 'bogus is not a recognized option')
  assert.throws(() => parseArgs(SPEC, ['--partitions']), /Option partitions requires an argument/)
  assert.throws(() => parseArgs(SPEC, ['stray']), /non-option argument 'stray'/)
  assert.throws(() => parseArgs(SPEC, ['--list=yes']), /does not take an argument/)
  assert.throws(() => parseArgs(SPEC, ['--partitions', 'x']).int('partitions'), /Cannot parse argument 'x' of option partitions/)
  assert.throws(() => parseArgs(SPEC, []).required('bootstrap-server'), /Missing required argument "\[bootstrap-server\]"/)
  assert.throws(() => keyValues('--config', ['novalue']), /expected key=value/)
})

test("--help prints Kafka's Option/Description table, sorted, wrapped, long flags on their own line", () => {
  const text = usage(SPEC)
  const lines = text.split('\n')
  assert.equal(lines[0], 'An example tool.')
  assert.match(lines[1]!, /^Option {34}Description$/)
  assert.match(lines[2]!, /^------ {34}-----------$/)
  assert.ok(lines.every((l) => l.length <= 80 || l.startsWith('--')), 'descriptions wrap at 80 columns')
  const flags = lines.filter((l) => l.startsWith('--')).map((l) => l.split(' ')[0])
  assert.deepEqual(flags, [...flags].sort())
  assert.ok(text.includes('--help'))
})

test('client properties with the Java names become client options; bad values name the key; unknown keys are reported', () => {
  const unknown: string[] = []
  const p = producerOptions({ 'bootstrap.servers': 'a:1,b:2', acks: 'all', 'linger.ms': '7', 'compression.type': 'lz4', 'enable.idempotence': 'false', 'foo.bar': 'x' }, (k) => unknown.push(k))
  assert.deepEqual(p, { bootstrapServers: ['a:1', 'b:2'], acks: 'all', lingerMs: 7, compression: 'lz4', idempotent: false })
  assert.deepEqual(unknown, ['foo.bar'])
  assert.equal(producerOptions({ acks: '0' }).acks, 0)
  assert.throws(() => producerOptions({ 'linger.ms': 'soon' }), /Invalid value soon for configuration linger.ms/)
  const c = consumerOptions({ 'group.id': 'g', 'auto.offset.reset': 'earliest', 'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RoundRobinAssignor', 'isolation.level': 'read_committed' })
  assert.deepEqual(c, { bootstrapServers: [], groupId: 'g', autoOffsetReset: 'earliest', assignors: ['roundrobin'], isolationLevel: 'read_committed' })
  assert.throws(() => consumerOptions({ 'auto.offset.reset': 'oldest' }), /String must be one of: earliest, latest, none/)
})
