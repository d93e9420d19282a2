/**
 * Kafka client properties (what `--command-config`, `--producer.config`,
 * `--producer-property`, `--consumer-property` and friends carry, with the
 * Java client's names) turned into options of Brook's client.
 *
 * Keys Brook's client has no use for (security settings before the security
 * issue, serializer class names, JMX settings) are reported by name, as the
 * Java client logs "The configuration 'x' was supplied but isn't a known
 * config.", and otherwise ignored; a value that does not parse is an error
 * naming the key.
 */
import { readPropertiesFile } from '../common/properties.js'
import type { AdminOptions } from '../client/admin/admin.js'
import type { ClusterOptions } from '../client/cluster.js'
import type { ConsumerOptions } from '../client/consumer/consumer.js'
import type { ProducerOptions } from '../client/producer/producer.js'
import { UsageError } from './command-line.js'

export type Properties = Record<string, string>

/** Reads a properties file given to an option, with a message naming the option and file on failure. */
export async function readConfigFile(option: string, path: string): Promise<Properties> {
  try {
    return await readPropertiesFile(path)
  } catch (e) {
    throw new UsageError(`${option} ${path}: ${(e as Error).message}`)
  }
}

/** `key=value` strings (repeated options) as properties; UsageError for one without `=`. */
export function keyValues(option: string, pairs: string[]): Properties {
  const out: Properties = {}
  for (const p of pairs) {
    const eq = p.indexOf('=')
    if (eq <= 0) throw new UsageError(`Invalid ${option} '${p}': expected key=value`)
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim()
  }
  return out
}

const int = (key: string, v: string): number => {
  const n = Number(v)
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`Invalid value ${v} for configuration ${key}: Not a number of type INT`)
  return n
}
const bool = (key: string, v: string): boolean => {
  const l = v.trim().toLowerCase()
  if (l !== 'true' && l !== 'false') throw new UsageError(`Invalid value ${v} for configuration ${key}: Expected value to be either true or false`)
  return l === 'true'
}
const oneOf = <T extends string>(key: string, v: string, allowed: readonly T[]): T => {
  const l = v.trim().toLowerCase() as T
  if (!allowed.includes(l)) throw new UsageError(`Invalid value ${v} for configuration ${key}: String must be one of: ${allowed.join(', ')}`)
  return l
}

type Setter<O> = (o: O, v: string, key: string) => void

const COMMON: Record<string, Setter<ClusterOptions>> = {
  'bootstrap.servers': (o, v) => void (o.bootstrapServers = v.split(',').map((s) => s.trim()).filter((s) => s !== '')),
  'client.id': (o, v) => void (o.clientId = v),
  'request.timeout.ms': (o, v, k) => void (o.requestTimeoutMs = int(k, v)),
  'metadata.max.age.ms': (o, v, k) => void (o.metadataMaxAgeMs = int(k, v)),
  'reconnect.backoff.ms': (o, v, k) => void (o.reconnectBackoffMs = int(k, v)),
  'reconnect.backoff.max.ms': (o, v, k) => void (o.reconnectBackoffMaxMs = int(k, v)),
}

const PRODUCER: Record<string, Setter<ProducerOptions>> = {
  acks: (o, v, k) => void (o.acks = v === 'all' || v === '-1' ? 'all' : (oneOf(k, v, ['0', '1'] as const) === '0' ? 0 : 1)),
  'linger.ms': (o, v, k) => void (o.lingerMs = int(k, v)),
  'batch.size': (o, v, k) => void (o.batchSize = int(k, v)),
  'compression.type': (o, v, k) => void (o.compression = oneOf(k, v, ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)),
  'enable.idempotence': (o, v, k) => void (o.idempotent = bool(k, v)),
  'delivery.timeout.ms': (o, v, k) => void (o.deliveryTimeoutMs = int(k, v)),
  'retry.backoff.ms': (o, v, k) => void (o.retryBackoffMs = int(k, v)),
  'max.block.ms': (o, v, k) => void (o.maxBlockMs = int(k, v)),
  'max.in.flight.requests.per.connection': (o, v, k) => void (o.maxInFlight = int(k, v)),
  'buffer.memory': (o, v, k) => void (o.bufferMemory = int(k, v)),
  'max.request.size': (o, v, k) => void (o.maxRequestSize = int(k, v)),
}

const ADMIN: Record<string, Setter<AdminOptions>> = {
  'default.api.timeout.ms': (o, v, k) => void (o.timeoutMs = int(k, v)),
  'retry.backoff.ms': (o, v, k) => void (o.retryBackoffMs = int(k, v)),
  'retry.backoff.max.ms': (o, v, k) => void (o.retryBackoffMaxMs = int(k, v)),
}

/** Java assignor class names (and librdkafka's names) to Brook's. */
const ASSIGNOR_NAMES: Record<string, string> = {
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.StickyAssignor': 'sticky',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
}

const CONSUMER: Record<string, Setter<ConsumerOptions>> = {
  'group.id': (o, v) => void (o.groupId = v),
  'group.instance.id': (o, v) => void (o.groupInstanceId = v),
  'session.timeout.ms': (o, v, k) => void (o.sessionTimeoutMs = int(k, v)),
  'heartbeat.interval.ms': (o, v, k) => void (o.heartbeatIntervalMs = int(k, v)),
  'max.poll.interval.ms': (o, v, k) => void (o.rebalanceTimeoutMs = int(k, v)),
  'enable.auto.commit': (o, v, k) => void (o.autoCommit = bool(k, v)),
  'auto.commit.interval.ms': (o, v, k) => void (o.autoCommitIntervalMs = int(k, v)),
  'auto.offset.reset': (o, v, k) => void (o.autoOffsetReset = oneOf(k, v, ['earliest', 'latest', 'none'] as const)),
  'isolation.level': (o, v, k) => void (o.isolationLevel = oneOf(k, v, ['read_uncommitted', 'read_committed'] as const)),
  'fetch.min.bytes': (o, v, k) => void (o.fetchMinBytes = int(k, v)),
  'fetch.max.bytes': (o, v, k) => void (o.fetchMaxBytes = int(k, v)),
  'fetch.max.wait.ms': (o, v, k) => void (o.fetchMaxWaitMs = int(k, v)),
  'max.partition.fetch.bytes': (o, v, k) => void (o.maxPartitionFetchBytes = int(k, v)),
  'max.poll.records': (o, v, k) => void (o.maxPollRecords = int(k, v)),
  'retry.backoff.ms': (o, v, k) => void (o.retryBackoffMs = int(k, v)),
  'client.rack': (o, v) => void (o.rack = v),
  'partition.assignment.strategy': (o, v) =>
    void (o.assignors = v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => ASSIGNOR_NAMES[s] ?? s)),
}

/** Keys a Kafka tool user may set that Brook's client accepts and ignores without a warning (serializers are the tools' own business). */
const IGNORED = new Set(['key.serializer', 'value.serializer', 'key.deserializer', 'value.deserializer', 'security.protocol'])

function apply<O>(props: Properties, setters: Record<string, Setter<O>>[], into: O, onUnknown: (key: string) => void): O {
  for (const [key, value] of Object.entries(props)) {
    const set = setters.map((s) => s[key]).find((f) => f !== undefined)
    if (set) set(into, value, key)
    else if (!IGNORED.has(key)) onUnknown(key)
  }
  return into
}

/** Warns on stderr, as the Java client logs it. */
export const warnUnknown = (key: string): void => void process.stderr.write(`WARN The configuration '${key}' was supplied but isn't a known config.\n`)

export function clusterOptions(props: Properties, onUnknown = warnUnknown): ClusterOptions {
  return apply(props, [COMMON], { bootstrapServers: [] } as ClusterOptions, onUnknown)
}

/** An admin client's options (what `--command-config` carries for kafka-topics, kafka-configs, ...). */
export function adminOptions(props: Properties, onUnknown = warnUnknown): AdminOptions {
  return apply(props, [COMMON as Record<string, Setter<AdminOptions>>, ADMIN], { bootstrapServers: [] } as AdminOptions, onUnknown)
}

export function producerOptions(props: Properties, onUnknown = warnUnknown): ProducerOptions {
  return apply(props, [COMMON as Record<string, Setter<ProducerOptions>>, PRODUCER], { bootstrapServers: [] } as ProducerOptions, onUnknown)
}

export function consumerOptions(props: Properties, onUnknown = warnUnknown): ConsumerOptions {
  return apply(props, [COMMON as Record<string, Setter<ConsumerOptions>>, CONSUMER], { bootstrapServers: [] } as ConsumerOptions, onUnknown)
}
