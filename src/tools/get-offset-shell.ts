/**
 * kafka-get-offsets: Kafka's GetOffsetShell (tools/.../GetOffsetShell.java,
 * 3.7-3.9). Lists the topics (internal ones too, unless
 * --exclude-internal-topics), keeps the partitions the filters allow, asks
 * each partition's leader for the offset at --time, and prints
 * `topic:partition:offset`, one per line.
 *
 * As Kafka: lines are sorted by the string `topic-partition` (Kafka keeps them
 * in a TreeMap ordered by TopicPartition.toString(), so `t-10` comes before
 * `t-2`); a partition with no offset for the time (no record at or after the
 * timestamp, an empty partition's max-timestamp) prints nothing; a partition
 * whose lookup fails prints `Skip getting offsets for topic-partition t-0 due
 * to error: ...` on stderr and the others are still printed.
 *
 * Filters, as Kafka's: `--topic` is a regular expression matched against the
 * whole name (commas mean "or"); `--partitions` a comma-separated list of
 * ids; `--topic-partitions` a comma-separated list of `regex:partitions`
 * rules, the partitions a number, `N-M` (M excluded), `N-` or `-M`.
 *
 * Deviations: `-4`/`earliest-local` is `earliest` and `-5`/`latest-tiered`
 * prints nothing (Brook has no tiered storage, where Kafka's broker answers
 * the same); the regular expressions are JavaScript's, which agree with
 * Java's on everything a topic name can hold.
 */
import { AdminError } from '../client/admin/admin-error.js'
import type { Admin } from '../client/admin/admin.js'
import type { ListedOffset, OffsetSpec } from '../client/admin/partition-offsets.js'
import type { TopicPartition } from '../common/topic-partition.js'
import { type ParsedArgs, type ToolSpec, UsageError, usage } from './command-line.js'
import { kafkaExceptionString } from './kafka-exceptions.js'
import { createToolAdmin, validateBootstrapServer } from './tool-admin.js'

const TIME_CHOICES = '-1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered'

export const GET_OFFSET_SHELL: ToolSpec = {
  name: 'kafka-get-offsets',
  summary: 'An interactive shell for getting topic-partition offsets.',
  options: {
    'bootstrap-server': { arg: 'String: HOST1:PORT1,...,HOST3:PORT3', description: 'REQUIRED. The server(s) to connect to in the form HOST1:PORT1,HOST2:PORT2.' },
    'broker-list': { arg: 'String: HOST1:PORT1,...,HOST3:PORT3', description: 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified. The server(s) to connect to in the form HOST1:PORT1,HOST2:PORT2.' },
    'command-config': { arg: 'String: config file', description: 'Property file containing configs to be passed to Admin Client.' },
    'exclude-internal-topics': { description: 'By default, internal topics are included. If specified, internal topics are excluded.' },
    partitions: { arg: 'String: partition ids', description: 'Comma separated list of partition ids to get the offsets for. If not present, all partitions of the authorized topics are queried. Cannot be used if --topic-partitions is present.' },
    time: { arg: `String: <timestamp> / ${TIME_CHOICES}`, description: 'timestamp of the offsets before that. [Note: No offset is returned, if the timestamp greater than recently committed record timestamp is given.]', default: 'latest' },
    topic: { arg: 'String: topic', description: 'The topic to get the offsets for. It also accepts a regular expression. If not present, all authorized topics are queried. Cannot be used if --topic-partitions is present.' },
    'topic-partitions': {
      arg: 'String: topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3',
      description:
        "Comma separated list of topic-partition patterns to get the offsets for, with the format of '([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?'. The first group is an optional regex for the topic name, if omitted, it matches any topic name. The section after ':' describes a 'partition' pattern, which can be: a number, a range in the format of 'NUMBER-NUMBER' (lower inclusive, upper exclusive), an inclusive lower bound in the format of 'NUMBER-', an exclusive upper bound in the format of '-NUMBER' or may be omitted to accept all partitions.",
    },
  },
}

/** What --time asks for; `none` is latest-tiered, which has no offset without tiered storage. */
export type TimeSpec = OffsetSpec | 'none'

/** Kafka's parseOffsetSpec. */
export function parseTime(value: string): TimeSpec {
  const named = new Map<string, TimeSpec>([['latest', 'latest'], ['earliest', 'earliest'], ['max-timestamp', 'max-timestamp'], ['earliest-local', 'earliest'], ['latest-tiered', 'none']])
  const byName = named.get(value)
  if (byName) return byName
  // Long.parseLong: an optional sign and digits, within a signed 64-bit integer.
  if (!/^[+-]?\d+$/.test(value) || BigInt(value) > 2n ** 63n - 1n || BigInt(value) < -(2n ** 63n)) {
    throw new UsageError(`Malformed time argument ${value}. Please use ${TIME_CHOICES}, or a specified long format timestamp`)
  }
  // ListOffsetsRequest's special timestamps.
  const special = new Map<bigint, TimeSpec>([[-1n, 'latest'], [-2n, 'earliest'], [-3n, 'max-timestamp'], [-4n, 'earliest'], [-5n, 'none']])
  const n = BigInt(value)
  const bySpecial = special.get(n)
  if (bySpecial) return bySpecial
  // Beyond 2^53 no record's timestamp is near: clamping keeps the answer and the number exact.
  const max = BigInt(Number.MAX_SAFE_INTEGER)
  return { timestamp: Number(n > max ? max : n < -max ? -max : n) }
}

/** Decides which topics and partitions to ask about (Kafka's TopicPartitionFilter). */
export interface TopicPartitionFilter {
  isTopicAllowed(topic: string): boolean
  isTopicPartitionAllowed(tp: TopicPartition): boolean
}

/** Kafka's TopicFilter.IncludeList: commas become alternatives, spaces and surrounding quotes go; the whole name must match. */
export function includeList(rawRegex: string): (topic: string) => boolean {
  const regex = rawRegex.trim().replaceAll(',', '|').replaceAll(' ', '').replace(/^["']+/, '').replace(/["']+$/, '')
  let re: RegExp
  try {
    re = new RegExp(`^(?:${regex})$`)
  } catch {
    throw new UsageError(`${regex} is an invalid regex.`)
  }
  return (topic) => re.test(topic)
}

/** --topic and --partitions. */
export function topicAndPartitionsFilter(topic: string | undefined, partitions: string | undefined): TopicPartitionFilter {
  const topicAllowed = includeList(topic ?? '.*')
  const ids = new Set<number>()
  // Java's String.split drops trailing empty strings; an empty option means every partition.
  const items = (partitions ?? '').split(',')
  while (items.length > 0 && items[items.length - 1] === '') items.pop()
  for (const s of items) {
    const n = Number(s)
    if (!/^[+-]?\d+$/.test(s) || n > 2147483647 || n < -2147483648) throw new UsageError(`--partitions expects a comma separated list of numeric partition ids, but received: ${partitions}`)
    ids.add(n)
  }
  return {
    isTopicAllowed: topicAllowed,
    isTopicPartitionAllowed: (tp) => topicAllowed(tp.topic) && (ids.size === 0 || ids.has(tp.partition)),
  }
}

const TOPIC_PARTITION_PATTERN = /^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$/

/** --topic-partitions: any rule allowing a partition allows it. */
export function topicPartitionsFilter(rules: string): TopicPartitionFilter {
  const parsed = rules.split(',').map((rule) => {
    const m = TOPIC_PARTITION_PATTERN.exec(rule)
    if (!m) throw new UsageError(`Invalid rule specification: ${rule}`)
    const group = (i: number) => (m[i] === undefined || m[i] === '' ? undefined : m[i])
    const topicAllowed = includeList(group(1) ?? '.*')
    const exact = group(2)
    const lower = Number(group(3) ?? 0)
    const upper = group(4) === undefined ? Infinity : Number(group(4))
    const partitionAllowed = exact !== undefined ? (p: number) => p === Number(exact) : (p: number) => p >= lower && p < upper
    return { topicAllowed, partitionAllowed }
  })
  return {
    isTopicAllowed: (topic) => parsed.some((r) => r.topicAllowed(topic)),
    isTopicPartitionAllowed: (tp) => parsed.some((r) => r.topicAllowed(tp.topic) && r.partitionAllowed(tp.partition)),
  }
}

/** The partitions of the listed topics that the filter allows. */
async function listPartitions(admin: Admin, filter: TopicPartitionFilter, excludeInternalTopics: boolean): Promise<TopicPartition[]> {
  const topics = (await admin.listTopics({ includeInternal: !excludeInternalTopics })).filter((t) => filter.isTopicAllowed(t))
  if (topics.length === 0) return []
  const described = await admin.describeTopics(topics)
  return described.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition }))).filter((tp) => filter.isTopicPartitionAllowed(tp))
}

/**
 * Each partition's offset for `spec`. A partition the broker refuses is
 * reported on stderr and left out, as Kafka skips it; the rest are asked again.
 */
async function fetchOffsets(admin: Admin, partitions: TopicPartition[], spec: OffsetSpec): Promise<ListedOffset[]> {
  let pending = partitions
  for (;;) {
    try {
      return await admin.listOffsets(pending.map((tp) => ({ ...tp, spec })))
    } catch (e) {
      if (!(e instanceof AdminError)) throw e
      const failed = new Set(e.failures.map((f) => f.item))
      for (const f of e.failures) process.stderr.write(`Skip getting offsets for topic-partition ${f.item} due to error: ${kafkaExceptionString(f.error.errorCode)}\n`)
      pending = pending.filter((tp) => !failed.has(`${tp.topic}-${tp.partition}`))
      if (pending.length === 0) return []
    }
  }
}

export async function getOffsetShell(args: ParsedArgs): Promise<number> {
  if (args.given.size === 0) {
    process.stderr.write(usage(GET_OFFSET_SHELL))
    return 1
  }
  const bootstrap = args.value('bootstrap-server') ?? args.value('broker-list')
  if (bootstrap === undefined) throw new UsageError('Missing required argument "[bootstrap-server]"')
  validateBootstrapServer(bootstrap)
  if (args.has('topic-partitions') && (args.has('topic') || args.has('partitions'))) throw new UsageError('--topic-partitions cannot be used with --topic or --partitions')
  const spec = parseTime(args.value('time')!)
  const filter = args.has('topic-partitions') ? topicPartitionsFilter(args.value('topic-partitions')!) : topicAndPartitionsFilter(args.value('topic'), args.value('partitions'))

  const admin = await createToolAdmin(bootstrap, args.value('command-config'), 'GetOffsetShell')
  try {
    const partitions = await listPartitions(admin, filter, args.has('exclude-internal-topics'))
    if (partitions.length === 0) throw new UsageError('Could not match any topic-partitions with the specified filters')
    const offsets = spec === 'none' ? [] : await fetchOffsets(admin, partitions, spec)
    const lines = offsets
      .filter((o) => o.offset !== -1n)
      .map((o) => ({ key: `${o.topic}-${o.partition}`, line: `${o.topic}:${o.partition}:${o.offset}` }))
      // Java's String.compareTo compares UTF-16 code units, as < does.
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    process.stdout.write(lines.map((l) => `${l.line}\n`).join(''))
    return 0
  } finally {
    await admin.close()
  }
}
