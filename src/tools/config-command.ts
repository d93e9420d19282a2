/**
 * kafka-configs: describe and alter the configs of topics, brokers and
 * broker loggers, as Kafka 3.7's ConfigCommand
 * (core/src/main/scala/kafka/admin/ConfigCommand.scala) does with
 * --bootstrap-server, through Brook's admin client.
 *
 * Same options, checks and output:
 * - `--describe`: `Dynamic configs for topic t are:` (`All configs ...` with
 *   --all; `Default configs for brokers in the cluster are:` for the broker
 *   defaults), then per config, sorted by name,
 *   `  name=value sensitive=false synonyms={SOURCE:name=value, ...}`.
 *   Without --all only the entity's own overrides are listed (source
 *   DYNAMIC_TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG or
 *   DYNAMIC_DEFAULT_BROKER_CONFIG). Without a name, every topic (in the
 *   order of the Java AdminClient's HashMap) or every broker and then the
 *   defaults.
 * - `--alter`: `--add-config k1=v1,k2=[v2,v3]` (brackets group a list
 *   value), `--add-config-file`, `--delete-config k1,k2`; deleting a key
 *   that has no override is refused first ("Invalid config(s): k"). Then
 *   `Completed updating config for topic t.` (or `broker 0`, or
 *   `Completed updating default config for brokers in the cluster.`).
 * Errors: the ones Kafka raises as IllegalArgumentException or
 * InvalidConfigurationException (a bad option combination, an unknown key to
 * delete) are one line, `Error: <Kafka's message>`, on stderr, like every
 * Brook tool's; a failed request prints Kafka's two first lines on stderr,
 * `Error while executing config command with args '<args>'` and the Java
 * exception (`java.util.concurrent.ExecutionException:
 * org.apache.kafka.common.errors.UnknownTopicOrPartitionException: ...`),
 * without the stack trace. Exit code 1 either way.
 *
 * Deviations: broker configs are changed with IncrementalAlterConfigs, where
 * Kafka 3.7's tool re-sends the broker's whole dynamic config set with the
 * legacy AlterConfigs (the same change: the broker applies either to that
 * level's dynamic set, and refuses a static key with the same message). Entity types users, clients, ips
 * and client-metrics (quotas, SCRAM credentials, client metrics) are refused
 * with one line until Brook's broker has them; `--zookeeper` likewise, until
 * Brook has a cluster mode.
 */
import { Admin } from '../client/admin/admin.js'
import type { ConfigAlteration, ConfigEntry, ConfigResourceType, ConfigSource } from '../client/admin/configs.js'
import { KafkaClientError } from '../client/errors.js'
import { adminOptions, readConfigFile } from './client-config.js'
import { UsageError, type ParsedArgs, type ToolSpec } from './command-line.js'
import { javaHashMapOrder, javaStringHashCode } from './java-hash-map.js'
import { javaParseInt, javaSplit } from './java-strings.js'
import { clientExceptionString } from './kafka-exceptions.js'

export const CONFIGS_SPEC: ToolSpec = {
  name: 'kafka-configs',
  summary: 'This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip or client-metrics',
  options: {
    'bootstrap-server': { arg: 'String: server to connect to', description: 'The Kafka servers to connect to.' },
    'command-config': {
      arg: 'String: command config property file',
      description: 'Property file containing configs to be passed to Admin Client. This is used only with --bootstrap-server option for describing and altering broker configs.',
    },
    alter: { description: 'Alter the configuration for the entity.' },
    describe: { description: 'List configs for the given entity.' },
    all: { description: 'List all configs for the given topic, broker, or broker-logger entity (includes static configuration when the entity type is brokers)' },
    'entity-type': { arg: 'String', multiple: true, description: 'Type of entity (topics/clients/users/brokers/broker-loggers/ips/client-metrics)' },
    'entity-name': { arg: 'String', multiple: true, description: 'Name of entity (topic name/client id/user principal name/broker id/ip/client metrics)' },
    'entity-default': { multiple: true, description: 'Default entity name for clients/users/brokers/ips (applies to corresponding entity type in command line)' },
    'add-config': {
      arg: 'String',
      description:
        "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'. Every topic and broker config Brook knows is in docs/CONFIG.md.",
    },
    'add-config-file': { arg: 'String', description: 'Path to a properties file with configs to add. See add-config for a list of valid configurations.' },
    'delete-config': { arg: 'String', multiple: true, description: "config keys to remove 'k1,k2'" },
    force: { description: 'Suppress console prompts' },
    topic: { arg: 'String', description: "The topic's name." },
    client: { arg: 'String', description: "The client's ID." },
    'client-defaults': { description: 'The config defaults for all clients.' },
    user: { arg: 'String', description: "The user's principal name." },
    'user-defaults': { description: 'The config defaults for all users.' },
    broker: { arg: 'String', description: "The broker's ID." },
    'broker-defaults': { description: 'The config defaults for all brokers.' },
    'broker-logger': { arg: 'String', description: "The broker's ID for its logger config." },
    'ip-defaults': { description: 'The config defaults for all IPs.' },
    ip: { arg: 'String', description: 'The IP address.' },
    zookeeper: { arg: 'String: urls', description: 'Not supported: use --bootstrap-server.' },
  },
}

/** Kafka's ConfigType.all, then the two types only a broker connection handles, in ConfigCommand's order. */
const BROKER_SUPPORTED_TYPES = ['topics', 'clients', 'users', 'brokers', 'ips', 'broker-loggers', 'client-metrics']
const BROOK_TYPES: Record<string, ConfigResourceType> = { topics: 'topic', brokers: 'broker', 'broker-loggers': 'broker-logger' }

/** The shorthand flags and their entity types (ConfigCommandOptions.entityFlags, entityDefaultsFlags). */
const ENTITY_FLAGS: [string, string][] = [
  ['topic', 'topics'],
  ['client', 'clients'],
  ['user', 'users'],
  ['broker', 'brokers'],
  ['broker-logger', 'broker-loggers'],
  ['ip', 'ips'],
]
const DEFAULTS_FLAGS: [string, string][] = [
  ['client-defaults', 'clients'],
  ['user-defaults', 'users'],
  ['broker-defaults', 'brokers'],
  ['ip-defaults', 'ips'],
]

/** The entity types named, in Kafka's order: --entity-type values, then the shorthand flags. */
function entityTypes(args: ParsedArgs): string[] {
  return [...args.values('entity-type'), ...[...ENTITY_FLAGS, ...DEFAULTS_FLAGS].filter(([flag]) => args.has(flag)).map(([, type]) => type)]
}

/** The entity names, "" for a default entity. (Kafka keeps --entity-name and --entity-default in command-line order; that order only matters for a user and a client together, which Brook refuses.) */
function entityNames(args: ParsedArgs): string[] {
  return [
    ...args.values('entity-name'),
    ...args.values('entity-default').map(() => ''),
    ...ENTITY_FLAGS.filter(([flag]) => args.has(flag)).map(([flag]) => args.value(flag)!),
    ...DEFAULTS_FLAGS.filter(([flag]) => args.has(flag)).map(() => ''),
  ]
}

/** ConfigCommandOptions.checkArgs, in its order (but for --bootstrap-server, below); throws UsageError with Kafka's message. */
export function checkConfigArgs(args: ParsedArgs): void {
  if (args.has('zookeeper')) throw new UsageError('--zookeeper is not supported: use --bootstrap-server HOST:PORT to connect to a broker')
  if (['alter', 'describe'].filter((a) => args.has(a)).length !== 1) throw new UsageError('Command must include exactly one action: --describe, --alter')
  if (args.has('describe')) {
    const clash = ['alter', 'add-config', 'delete-config'].find((o) => args.has(o))
    if (clash) throw new UsageError(`Option "[describe]" can't be used with option "[${clash}]"`)
  }
  const types = entityTypes(args)
  const duplicates = types.filter((t, i) => types.indexOf(t) !== i)
  if (duplicates.length > 0) throw new UsageError(`Duplicate entity type(s) specified: ${duplicates.join(',')}`)
  // Kafka checks the types against the ones its ZooKeeper path handles when --bootstrap-server is missing, and says
  // so ("... with a --zookeeper argument"); Brook has no ZooKeeper path, so a missing --bootstrap-server is said first.
  if (!args.has('bootstrap-server')) throw new UsageError('--bootstrap-server must be specified')
  for (const t of types) {
    if (!BROKER_SUPPORTED_TYPES.includes(t)) {
      throw new UsageError(`Invalid entity type ${t}, the entity type must be one of ${BROKER_SUPPORTED_TYPES.join(', ')} with a --bootstrap-server or --bootstrap-controller argument`)
    }
  }
  if (types.length === 0) throw new UsageError('At least one entity type must be specified')
  if (types.length > 1 && !(types.length === 2 && types.includes('users') && types.includes('clients'))) {
    throw new UsageError("Only 'users' and 'clients' entity types may be specified together")
  }
  if ((args.has('entity-name') || args.has('entity-type') || args.has('entity-default')) && [...ENTITY_FLAGS, ...DEFAULTS_FLAGS].some(([flag]) => args.has(flag))) {
    throw new UsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags')
  }

  const names = entityNames(args)
  const hasEntityName = names.some((n) => n !== '')
  const hasEntityDefault = names.some((n) => n === '')
  if (hasEntityName && (types.includes('brokers') || types.includes('broker-loggers'))) {
    for (const id of ['entity-name', 'broker', 'broker-logger'].filter((o) => args.has(o)).map((o) => args.value(o)!)) {
      try {
        javaParseInt(id)
      } catch {
        throw new UsageError(`The entity name for ${types[0]} must be a valid integer broker id, but it is: ${id}`)
      }
    }
  }
  if (args.has('describe') && types.includes('broker-loggers') && !hasEntityName) throw new UsageError(`an entity name must be specified with --describe of ${types.join(',')}`)
  if (args.has('alter')) {
    if (types.some((t) => ['users', 'clients', 'brokers', 'ips'].includes(t))) {
      if (!hasEntityName && !hasEntityDefault) throw new UsageError('an entity-name or default entity must be specified with --alter of users, clients, brokers or ips')
    } else if (!hasEntityName) throw new UsageError(`an entity name must be specified with --alter of ${types.join(',')}`)
    if (args.has('add-config') && args.has('add-config-file')) throw new UsageError('Only one of --add-config or --add-config-file must be specified')
    if (!args.has('add-config') && !args.has('add-config-file') && !args.has('delete-config')) {
      throw new UsageError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter')
    }
  }
}

/** Where a command's lines go (stdout, or stderr for kafka-configs' failures), one line per call. */
type Print = (line: string) => void

/** A failure Kafka reports as the Java exception itself, not inside an ExecutionException (thrown before any request). */
class ClientSideException extends Error {
  constructor(readonly javaClass: string, message: string) {
    super(message)
  }
}

/** Runs the command; the exit code. `argv` is what Kafka echoes in its error line. */
export async function runConfigCommand(args: ParsedArgs, argv: string[], print: Print, printError: Print): Promise<number> {
  checkConfigArgs(args)
  const types = entityTypes(args)
  const names = entityNames(args)
  if (args.has('alter') && types.length !== names.length) throw new UsageError('An entity name must be specified for every entity type')
  const type = types[0]!
  const resourceType = BROOK_TYPES[type]
  if (resourceType === undefined) {
    throw new UsageError(`Entity type ${type} is not supported by Brook yet (its broker has no client quotas, SCRAM credentials or client metrics): use topics, brokers or broker-loggers`)
  }
  const props = args.has('command-config') ? await readConfigFile('--command-config', args.required('command-config')) : {}
  const admin = new Admin({ ...adminOptions(props), bootstrapServers: args.required('bootstrap-server').split(',').map((s) => s.trim()) })
  try {
    if (args.has('alter')) await alterConfig(admin, args, type, resourceType, names[0]!, print)
    else await describeConfig(admin, type, resourceType, names[0], args.has('all'), print)
    return 0
  } catch (e) {
    if (!(e instanceof KafkaClientError || e instanceof ClientSideException)) throw e
    printError(`Error while executing config command with args '${argv.join(' ')}'`)
    printError(e instanceof ClientSideException ? `${e.javaClass}: ${e.message}` : `java.util.concurrent.ExecutionException: ${clientExceptionString(e)}`)
    return 1
  } finally {
    await admin.close()
  }
}

async function describeConfig(admin: Admin, type: string, resourceType: ConfigResourceType, name: string | undefined, all: boolean, print: Print): Promise<void> {
  let entities: string[]
  if (name !== undefined) entities = [name]
  // ListTopicsResult.names(): the keys of a default HashMap.
  else if (resourceType === 'topic') entities = javaHashMapOrder(await admin.listTopics({ includeInternal: true }), javaStringHashCode)
  else entities = [...(await admin.describeCluster()).brokers.map((b) => String(b.nodeId)), '']
  for (const entity of entities) {
    print(entity === '' ? `Default configs for ${type} in the cluster are:` : `${all ? 'All' : 'Dynamic'} configs for ${type.slice(0, -1)} ${entity} are:`)
    for (const e of await resourceConfig(admin, type, resourceType, entity, true, all)) {
      const synonyms = e.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(', ')
      print(`  ${e.name}=${e.value} sensitive=${e.sensitive} synonyms={${synonyms}}`)
    }
  }
}

/** ConfigCommand.getResourceConfig: the entity's configs sorted by name, only its own overrides unless `all`. */
async function resourceConfig(admin: Admin, type: string, resourceType: ConfigResourceType, name: string, includeSynonyms: boolean, all: boolean): Promise<ConfigEntry[]> {
  let dynamicSource: ConfigSource | undefined
  if (resourceType === 'topic') {
    if (name !== '') validateTopicName(name)
    dynamicSource = 'DYNAMIC_TOPIC_CONFIG'
  } else if (resourceType === 'broker') {
    if (name !== '') validateBrokerId(type, name)
    dynamicSource = name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG'
  } else if (name !== '') validateBrokerId(type, name)
  const [described] = await admin.describeConfigs([{ type: resourceType, name }], { includeSynonyms, timeoutMs: 30_000 })
  return described!.entries.filter((e) => all || dynamicSource === undefined || e.source === dynamicSource).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function validateBrokerId(type: string, name: string): void {
  try {
    javaParseInt(name)
  } catch {
    throw new UsageError(`The entity name for ${type} must be a valid integer broker id, found: ${name}`)
  }
}

/** The client's Topic.validate, which Kafka runs before describing a topic's configs. */
function validateTopicName(name: string): void {
  let reason: string | undefined
  if (name === '.') reason = "'.' is not allowed"
  else if (name === '..') reason = "'..' is not allowed"
  else if (name.length > 249) reason = `the length of '${name}' is longer than the max allowed length 249`
  else if (!/^[a-zA-Z0-9._-]+$/.test(name)) reason = `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`
  if (reason !== undefined) throw new ClientSideException('org.apache.kafka.common.errors.InvalidTopicException', `Topic name is invalid: ${reason}`)
}

async function alterConfig(admin: Admin, args: ParsedArgs, type: string, resourceType: ConfigResourceType, name: string, print: Print): Promise<void> {
  const toAdd = await configsToBeAdded(args, print)
  const toDelete = args.values('delete-config').flatMap((v) => v.split(',')).map((k) => k.trim())
  if (resourceType === 'broker-logger') {
    const loggers = new Set((await resourceConfig(admin, type, resourceType, name, true, false)).map((e) => e.name))
    const unknown = [...toDelete, ...Object.keys(toAdd)].filter((k) => !loggers.has(k))
    if (unknown.length > 0) throw new UsageError(`Invalid broker logger(s): ${unknown.join(',')}`)
  } else {
    const current = new Set((await resourceConfig(admin, type, resourceType, name, false, false)).map((e) => e.name))
    const missing = toDelete.filter((k) => !current.has(k))
    if (missing.length > 0) throw new UsageError(`Invalid config(s): ${missing.join(',')}`)
  }
  const ops: ConfigAlteration['ops'] = [...Object.entries(toAdd).map(([k, value]) => ({ name: k, value, op: 'set' as const })), ...toDelete.map((k) => ({ name: k, op: 'delete' as const }))]
  await admin.incrementalAlterConfigs([{ type: resourceType, name, ops }], { timeoutMs: 30_000 })
  print(name !== '' ? `Completed updating config for ${type.slice(0, -1)} ${name}.` : `Completed updating default config for ${type} in the cluster.`)
}

/** ConfigCommand.parseConfigsToBeAdded: --add-config-file, then --add-config over it; keys checked, `[...]` unwrapped. */
async function configsToBeAdded(args: ParsedArgs, print: Print): Promise<Record<string, string>> {
  const props: Record<string, string> = args.has('add-config-file') ? await readConfigFile('--add-config-file', args.required('add-config-file')) : {}
  const text = args.value('add-config')
  if (text !== undefined) Object.assign(props, parseAddConfig(text))
  if ('message.format.version' in props) {
    print(
      `WARNING: The configuration message.format.version=${props['message.format.version']} is specified. ` +
        'This configuration will be ignored if the version is newer than the inter.broker.protocol.version specified in the broker or ' +
        'if the inter.broker.protocol.version is 3.0 or newer. This configuration is deprecated and it will be removed in Apache Kafka 4.0.',
    )
  }
  for (const key of Object.keys(props)) {
    if (!/^[a-zA-Z0-9._-]*$/.test(key)) throw new UsageError(`Invalid character found for config key: ${key}`)
  }
  return props
}

/** A comma not inside [...]: it is followed by no ']' before the next '[' or the end. */
const OUTSIDE_BRACKETS = '(?=[^\\]]*(?:\\[|$))'

/** `k1=v1,k2=[v2,v3]` as { k1: 'v1', k2: 'v2,v3' }: Kafka's split on commas and '=' outside brackets, brackets then dropped. */
export function parseAddConfig(text: string): Record<string, string> {
  const pairs = javaSplit(text, new RegExp(`,${OUTSIDE_BRACKETS}`)).map((kv) => kv.split(new RegExp(`\\s*=\\s*${OUTSIDE_BRACKETS}`)))
  if (!pairs.every((p) => p.length === 2)) throw new UsageError('requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".')
  return Object.fromEntries(pairs.map(([k, v]) => [k!.trim(), v!.replace(/\[?\]?/g, '').trim()]))
}
