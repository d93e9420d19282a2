/**
 * kafka-topics: create, list, describe, alter (add partitions to) and
 * delete topics, as Kafka 3.7's TopicCommand (tools/.../TopicCommand.java)
 * does, through Brook's admin client.
 *
 * Same options, checks and messages. Mistakes in how the tool is called
 * (Kafka's printUsageAndExit and the options' IllegalArgumentExceptions) are
 * one line, `Error: <Kafka's message>`, on stderr, exit 1, like every Brook
 * tool. A failure while running the command prints Kafka's line on stdout,
 * where Kafka prints it: `Error while executing topic command : <message>`,
 * exit 1 (Kafka also logs the stack trace on stderr; Brook does not).
 *
 * Output, byte for byte as Kafka's:
 * - `--create`: `Created topic <name>.` (after Kafka's WARNING line for a
 *   name with '.' or '_'); with `--if-not-exists`, nothing when it exists.
 * - `--list`: the names, sorted, one a line (one empty line when there are
 *   none, as Kafka's println of an empty string).
 * - `--describe`: per topic `Topic: t\tTopicId: id\tPartitionCount: n\t
 *   ReplicationFactor: r\tConfigs: k=v,...`, then per partition
 *   `\tTopic: t\tPartition: p\tLeader: l\tReplicas: a,b\tIsr: a,b`. Kafka 3.7's
 *   layout: Kafka 3.9 adds `\tElr: N/A\tLastKnownElr: N/A` to each partition
 *   line, fields of KRaft's eligible leader replicas (KIP-966) that only a
 *   KRaft controller fills in. `Configs` lists every config whose source is
 *   not DEFAULT_CONFIG (the topic's overrides, and values server.properties
 *   sets for the topic's broker synonyms, as Kafka shows them). Topics, and
 *   each topic's configs, come in the order the Java AdminClient's HashMaps
 *   hand them to Kafka's tool (java-hash-map.ts), not sorted.
 * - `--alter` and `--delete`: nothing.
 * `--topic` is a regular expression for everything but `--create` (Kafka's
 * TopicFilter.IncludeList: whole-name match, ',' for '|').
 *
 * Not supported: `--topic-id` and `--partition-size-limit-per-response`
 * (3.9), `--bootstrap-controller`. `--zookeeper` (removed in Kafka 3.0) is a
 * one-line error pointing at `--bootstrap-server` until Brook has a cluster
 * mode to talk to.
 */
import { Admin } from '../client/admin/admin.js'
import type { ConfigEntry } from '../client/admin/configs.js'
import { KafkaProtocolError } from '../client/errors.js'
import { isInternalTopic } from '../common/topic-partition.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ZERO_UUID } from '../protocol/uuid.js'
import { adminOptions, readConfigFile } from './client-config.js'
import { UsageError, type ParsedArgs, type ToolSpec } from './command-line.js'
import { javaHashMapOrder, javaStringHashCode } from './java-hash-map.js'
import { javaListString, javaParseInt, javaSplit } from './java-strings.js'

const CONFIGS_CLI_HINT = ' (the kafka-configs CLI supports altering topic configs with a --bootstrap-server option)'

export const TOPICS_SPEC: ToolSpec = {
  name: 'kafka-topics',
  summary: 'This tool helps to create, delete, describe, or change a topic.',
  options: {
    'bootstrap-server': { arg: 'String: server to connect to', description: 'REQUIRED: The Kafka server to connect to.' },
    'command-config': {
      arg: 'String: command config property file',
      description: 'Property file containing configs to be passed to Admin Client. This is used only with --bootstrap-server option for describing and altering broker configs.',
    },
    list: { description: 'List all available topics.' },
    create: { description: 'Create a new topic.' },
    delete: { description: 'Delete a topic' },
    alter: { description: `Alter the number of partitions and replica assignment. Update the configuration of an existing topic via --alter is no longer supported here${CONFIGS_CLI_HINT}.` },
    describe: { description: 'List details for the given topics.' },
    topic: {
      arg: 'String: topic',
      description:
        'The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option. Put topic name in double quotes and use the \'\\\' prefix to escape regular expression symbols; e.g. "test\\.topic".',
    },
    config: {
      arg: 'String: name=value',
      multiple: true,
      description: `A topic configuration override for the topic being created (every topic config Brook knows is in docs/CONFIG.md). It is supported only in combination with --create if --bootstrap-server option is used${CONFIGS_CLI_HINT}.`,
    },
    'delete-config': {
      arg: 'String: name',
      multiple: true,
      description: 'A topic configuration override to be removed for an existing topic (see the list of configurations under the --config option). Not supported with the --bootstrap-server option.',
    },
    partitions: {
      arg: 'Integer: # of partitions',
      description:
        'The number of partitions for the topic being created or altered (WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected). If not supplied for create, defaults to the cluster default.',
    },
    'replication-factor': { arg: 'Integer: replication factor', description: 'The replication factor for each partition in the topic being created. If not supplied, defaults to the cluster default.' },
    'replica-assignment': {
      arg: 'String: broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , broker_id_for_part2_replica1 : broker_id_for_part2_replica2 , ...',
      description: 'A list of manual partition-to-broker assignments for the topic being created or altered.',
    },
    'under-replicated-partitions': { description: 'if set when describing topics, only show under replicated partitions' },
    'unavailable-partitions': { description: 'if set when describing topics, only show partitions whose leader is not available' },
    'under-min-isr-partitions': { description: 'if set when describing topics, only show partitions whose isr count is less than the configured minimum.' },
    'at-min-isr-partitions': { description: 'if set when describing topics, only show partitions whose isr count is equal to the configured minimum.' },
    'topics-with-overrides': { description: 'if set when describing topics, only show topics that have overridden configs' },
    'if-exists': { description: 'if set when altering or deleting or describing topics, the action will only execute if the topic exists.' },
    'if-not-exists': { description: 'if set when creating topics, the action will only execute if the topic does not already exist.' },
    'exclude-internal': { description: 'exclude internal topics when running list or describe command. The internal topics will be listed by default' },
    zookeeper: { arg: 'String: hosts', description: 'Not supported (Kafka 3.0 removed it): use --bootstrap-server.' },
  },
}

const ACTIONS = ['create', 'list', 'alter', 'describe', 'delete'] as const
const REPORTS = ['under-replicated-partitions', 'under-min-isr-partitions', 'at-min-isr-partitions', 'unavailable-partitions'] as const

/** joptsimple's name for an option in messages: `[name]`. */
const spec = (name: string) => `[${name}]`

/**
 * Kafka's TopicCommandOptions.checkArgs: exactly one action, the required
 * options, and the options each action does not take. Throws UsageError with
 * Kafka's message.
 */
export function checkTopicArgs(args: ParsedArgs): void {
  // joptsimple converts values while parsing, before any check.
  args.int('partitions')
  args.int('replication-factor')
  if (args.has('zookeeper')) {
    throw new UsageError("--zookeeper is not supported: use --bootstrap-server HOST:PORT to connect to a broker (Kafka 3.x's kafka-topics has no --zookeeper either)")
  }
  if (ACTIONS.filter((a) => args.has(a)).length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete')

  // checkRequiredArgs
  if (!args.has('bootstrap-server')) throw new UsageError('--bootstrap-server must be specified')
  if (args.has('describe') && args.has('if-exists') && !args.has('topic')) throw new UsageError('--topic or --topic-id is required to describe a topic')
  if (!args.has('list') && !args.has('describe')) args.required('topic')
  if (args.has('alter')) {
    if (args.has('config')) {
      throw new UsageError(`Option combination "[${spec('bootstrap-server')}, ${spec('config')}]" can't be used with option "${spec('alter')}"${CONFIGS_CLI_HINT}`)
    }
    args.required('partitions')
  }

  // checkInvalidArgs: an option, then the options it cannot be used with (the actions other than those that take it).
  const otherActions = (...allowed: string[]) => ACTIONS.filter((a) => !allowed.includes(a))
  const invalid = (used: string, others: readonly string[]) => {
    if (!args.has(used)) return
    const clash = others.find((o) => args.has(o))
    if (clash !== undefined) throw new UsageError(`Option "${spec(used)}" can't be used with option "${spec(clash)}"`)
  }
  invalid('config', otherActions('alter', 'create'))
  invalid('delete-config', [...otherActions('alter'), 'bootstrap-server'])
  invalid('partitions', otherActions('alter', 'create'))
  invalid('replication-factor', otherActions('create'))
  invalid('replica-assignment', otherActions('alter', 'create'))
  if (args.has('create')) invalid('replica-assignment', ['partitions', 'replication-factor'])
  for (const report of REPORTS) invalid(report, [...otherActions('describe', report), 'topics-with-overrides'])
  invalid('topics-with-overrides', [...otherActions('describe'), ...REPORTS])
  invalid('if-exists', otherActions('alter', 'delete', 'describe'))
  invalid('if-not-exists', otherActions('create'))
  invalid('exclude-internal', otherActions('list', 'describe'))
}

/** Where a command's lines go (stdout, or stderr for kafka-configs' failures), one line per call. */
type Print = (line: string) => void

/** Runs the command (after checkTopicArgs); the exit code. */
export async function runTopicCommand(args: ParsedArgs, print: Print): Promise<number> {
  checkTopicArgs(args)
  const props = args.has('command-config') ? await readConfigFile('--command-config', args.required('command-config')) : {}
  const admin = new Admin({ ...adminOptions(props), bootstrapServers: args.required('bootstrap-server').split(',').map((s) => s.trim()) })
  try {
    if (args.has('create')) await createTopic(admin, args, print)
    else if (args.has('alter')) await alterTopic(admin, args)
    else if (args.has('list')) await listTopics(admin, args, print)
    else if (args.has('describe')) await describeTopic(admin, args, print)
    else await deleteTopic(admin, args)
    return 0
  } catch (e) {
    print(`Error while executing topic command : ${errorMessage(e)}`)
    return 1
  } finally {
    await admin.close()
  }
}

/** What Java's `e.getMessage()` says for the failure. */
function errorMessage(e: unknown): string {
  if (e instanceof KafkaProtocolError) return e.detail
  return e instanceof Error ? e.message : String(e)
}

/** A topic to create or alter, as the options give it (Kafka's CommandTopicPartition). */
interface CommandTopic {
  name: string
  partitions: number | undefined
  replicationFactor: number | undefined
  /** Replicas by partition, in partition order; empty when not given. */
  replicaAssignment: number[][]
  configs: Record<string, string>
}

function commandTopic(args: ParsedArgs): CommandTopic {
  const assignment = args.value('replica-assignment')
  return {
    name: args.required('topic'),
    partitions: args.int('partitions'),
    replicationFactor: args.int('replication-factor'),
    replicaAssignment: assignment ? parseReplicaAssignment(assignment) : [],
    configs: parseTopicConfigs(args.values('config')),
  }
}

/** `0:1,1:2`: partition 0 on brokers 0 and 1, partition 1 on 1 and 2 (TopicCommand.parseReplicaAssignment). */
export function parseReplicaAssignment(text: string): number[][] {
  const partitions: number[][] = []
  for (const [i, part] of javaSplit(text, ',').entries()) {
    const brokers = javaSplit(part, ':').map((b) => javaParseInt(b.trim()))
    const duplicates = [...new Set(brokers.filter((b, j) => brokers.indexOf(b) !== j))].sort((a, b) => a - b)
    if (duplicates.length > 0) throw new Error(`Partition replica lists may not contain duplicate entries: ${duplicates.join(',')}`)
    partitions.push(brokers)
    if (brokers.length !== partitions[0]!.length) throw new Error(`Partition ${i} has different replication factor: ${javaListString(brokers)}`)
  }
  return partitions
}

/** `--config k=v` values (TopicCommand.parseTopicConfigsToBeAdded); the broker validates names and values. */
export function parseTopicConfigs(values: string[]): Record<string, string> {
  const pairs = values.map((s) => javaSplit(s, /\s*=\s*/))
  if (!pairs.every((p) => p.length === 2)) throw new Error('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".')
  return Object.fromEntries(pairs.map(([k, v]) => [k!.trim(), v!.trim()]))
}

async function createTopic(admin: Admin, args: ParsedArgs, print: Print): Promise<void> {
  const topic = commandTopic(args)
  if ('message.format.version' in topic.configs) {
    // Kafka 3.7 prints this Java string as written: its ${...} are not interpolated.
    print(
      'WARNING: The configuration ${TopicConfig.MESSAGE_FORMAT_VERSION_CONFIG}=${props.getProperty(TopicConfig.MESSAGE_FORMAT_VERSION_CONFIG)} is specified. ' +
        'This configuration will be ignored if the version is newer than the inter.broker.protocol.version specified in the broker or ' +
        'if the inter.broker.protocol.version is 3.0 or newer. This configuration is deprecated and it will be removed in Apache Kafka 4.0.',
    )
  }
  if (topic.name.includes('_') || topic.name.includes('.')) {
    print("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.")
  }
  if (topic.replicationFactor !== undefined && (topic.replicationFactor > 32767 || topic.replicationFactor < 1)) throw new Error('The replication factor must be between 1 and 32767 inclusive')
  if (topic.partitions !== undefined && topic.partitions < 1) throw new Error('The partitions must be greater than 0')
  try {
    await admin.createTopics([
      topic.replicaAssignment.length > 0
        ? { name: topic.name, replicaAssignment: topic.replicaAssignment, configs: topic.configs }
        : { name: topic.name, numPartitions: topic.partitions, replicationFactor: topic.replicationFactor, configs: topic.configs },
    ])
    print(`Created topic ${topic.name}.`)
  } catch (e) {
    if (!(e instanceof KafkaProtocolError && e.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && args.has('if-not-exists'))) throw e
  }
}

async function listTopics(admin: Admin, args: ParsedArgs, print: Print): Promise<void> {
  print((await getTopics(admin, args)).join('\n'))
}

async function alterTopic(admin: Admin, args: ParsedArgs): Promise<void> {
  const topic = commandTopic(args)
  const topics = await getTopics(admin, args)
  ensureTopicExists(topics, args)
  if (topics.length === 0) return
  // The assignment names every partition; the new ones are those past each topic's current count.
  const current = topic.replicaAssignment.length > 0 ? new Map((await admin.describeTopics(topics)).map((d) => [d.name, d.partitions.length])) : new Map<string, number>()
  await admin.createPartitions(
    topics.map((name) => ({
      topic: name,
      count: topic.partitions!,
      assignments: topic.replicaAssignment.length > 0 ? topic.replicaAssignment.slice(current.get(name)) : undefined,
    })),
  )
}

async function deleteTopic(admin: Admin, args: ParsedArgs): Promise<void> {
  const topics = await getTopics(admin, args)
  ensureTopicExists(topics, args)
  if (topics.length > 0) await admin.deleteTopics(topics)
}

async function describeTopic(admin: Admin, args: ParsedArgs, print: Print): Promise<void> {
  const topics = await getTopics(admin, args)
  ensureTopicExists(topics, args)
  const descriptions = new Map(topics.length > 0 ? (await admin.describeTopics(topics)).map((d) => [d.name, d]) : [])
  const configs = new Map(
    descriptions.size > 0 ? (await admin.describeConfigs([...descriptions.keys()].map((name) => ({ type: 'topic' as const, name })))).map((c) => [c.name, javaConfigOrder(c.entries)]) : [],
  )
  const liveBrokers = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId))

  const reports = REPORTS.filter((r) => args.has(r))
  const withOverrides = args.has('topics-with-overrides')
  for (const name of describeTopicsOrder(topics)) {
    const d = descriptions.get(name)!
    const entries = configs.get(name) ?? []
    const overrides = entries.filter((e) => !e.isDefault)
    if (reports.length === 0 && (!withOverrides || overrides.length > 0)) {
      const id = d.topicId !== null && d.topicId !== ZERO_UUID ? `\tTopicId: ${d.topicId}` : ''
      const configText = overrides.map((e) => `${e.name}=${e.value}`).join(',')
      print(`Topic: ${name}${id}\tPartitionCount: ${d.partitions.length}\tReplicationFactor: ${d.partitions[0]?.replicas.length ?? 0}\tConfigs: ${configText}`)
    }
    if (withOverrides) continue
    const minIsr = Number.parseInt(entries.find((e) => e.name === 'min.insync.replicas')?.value ?? '1', 10)
    for (const p of d.partitions) {
      const hasLeader = p.leader >= 0
      const shown =
        reports.length === 0 ||
        (args.has('under-replicated-partitions') && p.replicas.length - p.isr.length > 0) ||
        (args.has('unavailable-partitions') && (!hasLeader || !liveBrokers.has(p.leader))) ||
        (args.has('under-min-isr-partitions') && (!hasLeader || p.isr.length < minIsr)) ||
        (args.has('at-min-isr-partitions') && p.isr.length === minIsr)
      if (shown) print(`\tTopic: ${name}\tPartition: ${p.partition}\tLeader: ${hasLeader ? p.leader : 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`)
    }
  }
}

/**
 * The order of `DescribeTopicsResult.allTopicNames()`: the AdminClient puts
 * the names (sorted, from getTopics) in a HashMap sized for them, returns a
 * copy of it, and `all()` fills another sized one from the copy.
 */
function describeTopicsOrder(sortedNames: string[]): string[] {
  const n = sortedNames.length
  const futures = javaHashMapOrder(sortedNames, javaStringHashCode, { kind: 'capacity', initialCapacity: n })
  const copy = javaHashMapOrder(futures, javaStringHashCode, { kind: 'copy', size: n })
  return javaHashMapOrder(copy, javaStringHashCode, { kind: 'capacity', initialCapacity: n })
}

/** A topic's configs in the order of `Config.entries()`: a default HashMap filled in the broker's order. */
function javaConfigOrder(entries: ConfigEntry[]): ConfigEntry[] {
  const byName = new Map(entries.map((e) => [e.name, e]))
  return javaHashMapOrder(entries.map((e) => e.name), javaStringHashCode).map((name) => byName.get(name)!)
}

/** The topics the command applies to, sorted: every topic (internal ones unless --exclude-internal), or those --topic matches. */
async function getTopics(admin: Admin, args: ParsedArgs): Promise<string[]> {
  const excludeInternal = args.has('exclude-internal')
  const all = await admin.listTopics({ includeInternal: !excludeInternal })
  const filter = args.value('topic')
  if (filter === undefined) return all.filter((t) => !(isInternalTopic(t) && excludeInternal))
  const pattern = includeList(filter)
  return all.filter((t) => pattern.test(t) && !(isInternalTopic(t) && excludeInternal))
}

/** Kafka's TopicFilter.IncludeList: ',' means '|', spaces and surrounding quotes dropped, the whole name must match. */
export function includeList(raw: string): RegExp {
  const regex = raw.trim().replaceAll(',', '|').replaceAll(' ', '').replace(/^["']+/, '').replace(/["']+$/, '')
  try {
    return new RegExp(`^(?:${regex})$`)
  } catch {
    throw new Error(`${regex} is an invalid regex.`)
  }
}

/** Without --if-exists, a --topic that matches nothing is an error. */
function ensureTopicExists(found: string[], args: ParsedArgs): void {
  const requested = args.value('topic')
  if (requested !== undefined && requested !== '' && !args.has('if-exists') && found.length === 0) {
    throw new Error(`Topic '${requested}' does not exist as expected`)
  }
}
