/**
 * kafka-consumer-groups: Kafka's ConsumerGroupCommand over Brook's Admin.
 *
 *   --list [--state [s,...]]                     group ids, or GROUP STATE columns
 *   --describe (--group g)... | --all-groups      [--offsets] (default) | --members [--verbose] | --state
 *   --reset-offsets (--group g)... | --all-groups  scope --topic t[:p,...] / --all-topics, one scenario,
 *                                                 --dry-run (default) | --execute, --export
 *   --delete (--group g)... | --all-groups
 *   --delete-offsets --group g (--topic t[:p,...])...
 *
 * Output follows Kafka 3.7's layout byte for byte (column widths computed
 * from the data, `-` for missing values, a blank line before each table,
 * trailing padding included); Kafka 3.8 and 3.9 lost some line breaks in the
 * port to Java (fixed again in 4.0), and Brook prints the well-formed layout.
 * Rows Kafka prints in hash-map order are sorted (by group, topic, partition).
 *
 * Deviations, all about failures: where Kafka prints "\nError: ..." on stdout
 * and exits 0 (a group that does not exist, a reset refused for an active
 * group, a delete that failed), Brook prints `Error: ...` as one line on
 * stderr and exits 1, after printing whatever succeeded. Errors are
 * reported under Kafka's exception names for the common group errors.
 * The options and their checks are in consumer-group-command-options.ts,
 * the reset plan is computed in group-offsets-resetter.ts.
 */
import { Admin } from '../client/admin/admin.js'
import { AdminError } from '../client/admin/admin-error.js'
import type { GroupDescription } from '../client/admin/groups.js'
import { KafkaClientError, KafkaProtocolError } from '../client/errors.js'
import { topicPartitionKey, type TopicPartition } from '../common/topic-partition.js'
import { ErrorCode, errorInfo } from '../protocol/error-codes.js'
import { FindCoordinatorApi } from '../protocol/messages/find-coordinator.js'
import { readFile } from 'node:fs/promises'
import { clusterOptions, readConfigFile } from './client-config.js'
import { UsageError, type ParsedArgs } from './command-line.js'
import { checkArgs, GROUP_STATES } from './consumer-group-command-options.js'
import { committedOffsets, comparePlanned, exportOffsetsToCsv, formatOffsetsToReset, GroupOffsetsResetter, logOffsets, parseDateTime, parseDuration, parseResetPlan, type PlannedOffset, type ResetScenario } from './group-offsets-resetter.js'
import { kafkaExceptionString } from './kafka-exceptions.js'

/** The common group errors, which the tool reports as Kafka's exceptions; the others keep Brook's message. */
const JAVA_NAMED_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NON_EMPTY_GROUP,
  ErrorCode.GROUP_ID_NOT_FOUND,
  ErrorCode.INVALID_GROUP_ID,
  ErrorCode.GROUP_AUTHORIZATION_FAILED,
  ErrorCode.TOPIC_AUTHORIZATION_FAILED,
  ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.UNKNOWN_MEMBER_ID,
])

/** The class and message of the Java exception Kafka's tool would print for a group error, else Brook's message. */
export function javaError(e: unknown): string {
  if (e instanceof KafkaProtocolError && JAVA_NAMED_ERRORS.has(e.errorCode)) return kafkaExceptionString(e.errorCode)
  return e instanceof Error ? e.message : String(e)
}

/** Java's `%-Ns`. */
const pad = (v: string | number | bigint, width: number): string => String(v).padEnd(width)
const MISSING = '-'

/** One run of the command: the admin client, the call timeout, and whether an error was reported (exit 1). */
class ConsumerGroupService {
  failed = false

  constructor(
    readonly admin: Admin,
    readonly args: ParsedArgs,
    readonly timeoutMs: number,
  ) {}

  out(s: string): void {
    process.stdout.write(s)
  }

  /** Kafka's printError, on stderr and counted as a failure. */
  error(message: string): void {
    this.failed = true
    process.stderr.write(`Error: ${message}\n`)
  }

  warn(line: string): void {
    process.stderr.write(`${line}\n`)
  }

  /** Groups of the consumer protocol (or none: offsets committed without membership), as the Java Admin's listConsumerGroups. */
  async listConsumerGroups(states: string[] = []): Promise<{ groupId: string; state: string }[]> {
    const groups = await this.admin.listGroups({ states, timeoutMs: this.timeoutMs })
    return groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => ({ groupId: g.groupId, state: g.state ?? 'Unknown' }))
  }

  async groupIds(): Promise<string[]> {
    const ids = this.args.has('all-groups') ? (await this.listConsumerGroups()).map((g) => g.groupId) : this.args.values('group')
    return [...new Set(ids)]
  }

  async list(): Promise<void> {
    if (!this.args.has('state')) {
      for (const g of await this.listConsumerGroups()) this.out(`${g.groupId}\n`)
      return
    }
    const filter = this.args.value('state') ?? ''
    const states = filter === '' ? [] : parseStates(filter)
    const groups = await this.listConsumerGroups(states)
    const width = Math.max(15, ...groups.map((g) => g.groupId.length))
    this.out(`${pad('GROUP', width)} STATE\n${groups.map((g) => `${pad(g.groupId, width)} ${g.state}\n`).join('')}`)
  }

  /** A group's description; one the broker does not know is Dead, as DescribeGroups before v6 answers. */
  async describeGroup(groupId: string): Promise<GroupDescription> {
    try {
      const [d] = await this.admin.describeGroups([groupId], { timeoutMs: this.timeoutMs })
      return d!
    } catch (e) {
      if (e instanceof KafkaProtocolError && e.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) return { groupId, state: 'Dead', protocolType: '', protocol: '', members: [] }
      throw e
    }
  }

  async describeGroups(ids: string[]): Promise<GroupDescription[]> {
    const described = await Promise.all(ids.map((g) => this.describeGroup(g)))
    return described.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
  }

  /** Kafka's shouldPrintMemberState: the message for the group's state, and whether it has rows to print. */
  shouldPrintMemberState(group: string, state: string, numRows: number): boolean {
    switch (state) {
      case 'Dead':
        this.error(`Consumer group '${group}' does not exist.`)
        break
      case 'Empty':
        this.warn(`\nConsumer group '${group}' has no active members.`)
        break
      case 'PreparingRebalance':
      case 'CompletingRebalance':
      case 'Assigning':
      case 'Reconciling':
        this.warn(`\nWarning: Consumer group '${group}' is rebalancing.`)
        break
      case 'Stable':
        break
      default:
        throw new KafkaClientError(`Expected a valid consumer group state, but found '${state}'.`, false)
    }
    return state !== 'Dead' && numRows > 0
  }

  async describe(): Promise<void> {
    const groups = await this.describeGroups(await this.groupIds())
    if (this.args.has('members')) return this.#printMembers(groups, this.args.has('verbose'))
    if (this.args.has('state')) return this.#printStates(groups)
    return this.#printOffsets(groups)
  }

  /** The offsets view: a row per assigned partition (members with most partitions first), then committed partitions no member holds. */
  async #printOffsets(groups: GroupDescription[]): Promise<void> {
    for (const g of groups) {
      const rows = g.state === 'Dead' ? [] : await this.#collectGroupOffsets(g)
      if (!this.shouldPrintMemberState(g.groupId, g.state, rows.length)) continue
      const width = (f: (r: OffsetRow) => string) => Math.max(15, ...rows.map((r) => f(r).length))
      const [wg, wt, wc, wh] = [width((r) => r.group), width((r) => r.topic ?? MISSING), width((r) => r.consumerId), width((r) => r.host)]
      const line = (c: (string | number | bigint | undefined)[]) => {
        const [group, topic, partition, offset, end, lag, consumerId, host, clientId] = c.map((v) => (v === undefined ? MISSING : String(v)))
        return `${pad(group!, wg)} ${pad(topic!, wt)} ${pad(partition!, 10)} ${pad(offset!, 15)} ${pad(end!, 15)} ${pad(lag!, 15)} ${pad(consumerId!, wc)} ${pad(host!, wh)} ${clientId}\n`
      }
      let out = `\n${line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'])}`
      for (const r of rows) out += line([r.group, r.topic, r.partition, r.offset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId])
      this.out(out)
    }
  }

  async #collectGroupOffsets(g: GroupDescription): Promise<OffsetRow[]> {
    const committed = await committedOffsets(this.admin, g.groupId, this.timeoutMs)
    // As Kafka's collectConsumerAssignment: a member's partitions by partition number.
    const byPartition = (tps: TopicPartition[]) => [...tps].sort((a, b) => a.partition - b.partition || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
    const members = g.members.filter((m) => m.assignment.length > 0).sort((a, b) => b.assignment.length - a.assignment.length)
    const assigned = new Set(members.flatMap((m) => m.assignment.map(topicPartitionKey)))
    const unassigned = [...committed.values()].map((c) => c.tp).filter((tp) => !assigned.has(topicPartitionKey(tp)))
    const all = [...members.flatMap((m) => m.assignment), ...unassigned]
    const ends = all.length === 0 ? new Map<string, bigint>() : await logOffsets(this.admin, all, 'latest', this.timeoutMs)
    const row = (tp: TopicPartition, consumerId: string, host: string, clientId: string): OffsetRow => {
      const offset = committed.get(topicPartitionKey(tp))?.offset
      const logEndOffset = ends.get(topicPartitionKey(tp))
      const lag = offset !== undefined && logEndOffset !== undefined ? logEndOffset - offset : undefined
      return { group: g.groupId, topic: tp.topic, partition: tp.partition, offset, logEndOffset, lag, consumerId, host, clientId }
    }
    return [
      ...members.flatMap((m) => byPartition(m.assignment).map((tp) => row(tp, m.memberId, m.clientHost, m.clientId))),
      ...byPartition(unassigned).map((tp) => row(tp, MISSING, MISSING, MISSING)),
    ]
  }

  /** The members view: a row per member, with GROUP-INSTANCE-ID when any member is static and ASSIGNMENT with --verbose. */
  #printMembers(groups: GroupDescription[], verbose: boolean): void {
    for (const g of groups) {
      if (!this.shouldPrintMemberState(g.groupId, g.state, g.members.length)) continue
      const width = (min: number, f: (m: GroupDescription['members'][number]) => string) => Math.max(min, ...g.members.map((m) => f(m).length))
      const wg = Math.max(15, g.groupId.length)
      const wc = width(15, (m) => m.memberId)
      const wi = width(17, (m) => m.groupInstanceId ?? '')
      const wh = width(15, (m) => m.clientHost)
      const wl = width(15, (m) => m.clientId)
      const wide = g.members.some((m) => (m.groupInstanceId ?? '') !== '')
      const cols = (group: string, id: string, instance: string, host: string, client: string, n: string | number) =>
        wide ? `${pad(group, wg)} ${pad(id, wc)} ${pad(instance, wi)} ${pad(host, wh)} ${pad(client, wl)} ${pad(n, 15)} ` : `${pad(group, wg)} ${pad(id, wc)} ${pad(host, wh)} ${pad(client, wl)} ${pad(n, 15)} `
      let out = `\n${cols('GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS')}${verbose ? 'ASSIGNMENT' : ''}\n`
      for (const m of g.members) {
        out += cols(g.groupId, m.memberId, m.groupInstanceId ?? '', m.clientHost, m.clientId, m.assignment.length)
        if (verbose) out += formatAssignment(m.assignment)
        out += '\n'
      }
      this.out(out)
    }
  }

  /** The state view: coordinator, assignor, state and member count of each group. */
  async #printStates(groups: GroupDescription[]): Promise<void> {
    for (const g of groups) {
      if (!this.shouldPrintMemberState(g.groupId, g.state, 1)) continue
      const c = await findCoordinator(this.admin, g.groupId)
      const coordinator = `${c.host}:${c.port} (${c.nodeId})`
      const w = Math.max(25, coordinator.length)
      const line = (group: string, coord: string, strategy: string, state: string, members: string | number) => `\n${pad(group, w)} ${pad(coord, 25)} ${pad(strategy, 20)} ${pad(state, 15)} ${members}`
      this.out(`${line('GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS')}${line(g.groupId, coordinator, g.protocol, g.state, g.members.length)}\n`)
    }
  }

  async delete(): Promise<void> {
    const ids = await this.groupIds()
    let failures: { item: string; error: unknown }[] = []
    try {
      await this.admin.deleteGroups(ids, { timeoutMs: this.timeoutMs })
    } catch (e) {
      if (!(e instanceof AdminError)) throw e
      failures = [...e.failures]
    }
    const failed = new Set(failures.map((f) => f.item))
    const deleted = ids.filter((g) => !failed.has(g))
    const quoted = (gs: string[]) => `'${gs.join("', '")}'`
    if (failures.length === 0) return this.out(`Deletion of requested consumer groups (${quoted(deleted)}) was successful.\n`)
    this.error('Deletion of some consumer groups failed:')
    for (const f of failures) this.warn(`* Group '${f.item}' could not be deleted due to: java.util.concurrent.ExecutionException: ${javaError(f.error)}`)
    if (deleted.length > 0) this.out(`\nThese consumer groups were deleted successfully: ${quoted(deleted)}\n`)
  }

  async deleteOffsets(): Promise<void> {
    const groupId = this.args.value('group')!
    const topics = this.args.values('topic')
    const results = new Map<string, { tp: TopicPartition; error: unknown }>()
    const partitions = new Map<string, TopicPartition>()
    for (const t of topics.filter((t) => t.includes(':'))) for (const tp of parseTopicsWithPartitions(t)) partitions.set(topicPartitionKey(tp), tp)
    // The partitions of topics named without any: each topic described on its own, so one unknown topic does not hide the rest.
    await Promise.all(
      [...new Set(topics.filter((t) => !t.includes(':')))].map(async (topic) => {
        try {
          const [d] = await this.admin.describeTopics([topic], { timeoutMs: this.timeoutMs })
          for (const p of d!.partitions) partitions.set(topicPartitionKey({ topic, partition: p.partition }), { topic, partition: p.partition })
        } catch (e) {
          if (!(e instanceof KafkaProtocolError)) throw e
          results.set(`${topic}--1`, { tp: { topic, partition: -1 }, error: e })
        }
      }),
    )
    let topLevel: number = ErrorCode.NONE
    const failures = new Map<string, unknown>()
    if (partitions.size > 0) {
      try {
        await this.admin.deleteConsumerGroupOffsets(groupId, [...partitions.values()], { timeoutMs: this.timeoutMs })
      } catch (e) {
        if (!(e instanceof AdminError)) throw e
        topLevel = e.errorCode
        for (const f of e.failures) failures.set(f.item, f.error)
      }
    }
    for (const [key, tp] of partitions) results.set(key, { tp, error: failures.get(key) })

    switch (topLevel) {
      case ErrorCode.NONE:
        this.out(`Request succeed for deleting offsets with topic ${topics.join(', ')} group ${groupId}\n`)
        break
      case ErrorCode.INVALID_GROUP_ID:
        this.error(`'${groupId}' is not valid.`)
        break
      case ErrorCode.GROUP_ID_NOT_FOUND:
        this.error(`'${groupId}' does not exist.`)
        break
      case ErrorCode.GROUP_AUTHORIZATION_FAILED:
        this.error(`Access to '${groupId}' is not authorized.`)
        break
      case ErrorCode.NON_EMPTY_GROUP:
        this.error(`Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`)
        break
      case ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC:
      case ErrorCode.TOPIC_AUTHORIZATION_FAILED:
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
        this.error('Encounter some partition level error, see the follow-up details:')
        break
      default:
        this.error(`Encounter some unknown error: ${errorInfo(topLevel).name}`)
    }
    // A topic that could not be described fails the command even when the rest succeeded.
    if ([...results.values()].some((r) => r.error !== undefined)) this.failed = true
    const line = (t: string, p: string | number, s: string) => `${pad(t, 30)} ${pad(p, 15)} ${pad(s, 15)}\n`
    // Kafka sorts by topic and partition number concatenated as a string.
    const sorted = [...results.values()].sort((a, b) => {
      const [x, y] = [`${a.tp.topic}${a.tp.partition}`, `${b.tp.topic}${b.tp.partition}`]
      return x < y ? -1 : x > y ? 1 : 0
    })
    this.out(`\n${line('TOPIC', 'PARTITION', 'STATUS')}${sorted.map((r) => line(r.tp.topic, r.tp.partition >= 0 ? r.tp.partition : 'Not Provided', r.error !== undefined ? `Error: ${javaError(r.error)}` : 'Successful')).join('')}`)
  }

  async resetOffsets(scenario: ResetScenario): Promise<void> {
    const ids = (await this.groupIds()).sort()
    const resetter = new GroupOffsetsResetter(this.admin, this.timeoutMs, { warn: (l) => this.warn(l), error: (m) => this.error(m) })
    const dryRun = this.args.has('dry-run') || !this.args.has('execute')
    const plans: [string, PlannedOffset[]][] = []
    for (const g of await this.describeGroups(ids)) {
      if (g.state !== 'Empty' && g.state !== 'Dead') {
        this.error(`Assignments can only be reset if the group '${g.groupId}' is inactive, but the current state is ${g.state}.`)
        plans.push([g.groupId, []])
        continue
      }
      const planned = await resetter.prepareOffsetsToReset(g.groupId, await this.#partitionsToReset(g.groupId), scenario)
      if (!dryRun && planned.length > 0) await this.admin.alterConsumerGroupOffsets(g.groupId, planned, { timeoutMs: this.timeoutMs })
      plans.push([g.groupId, planned])
    }
    if (this.args.has('export')) this.out(`${exportOffsetsToCsv(plans, this.args.values('group').length === 1)}\n`)
    else this.out(formatOffsetsToReset(plans))
  }

  async #partitionsToReset(groupId: string): Promise<TopicPartition[]> {
    if (this.args.has('all-topics')) return [...(await committedOffsets(this.admin, groupId, this.timeoutMs)).values()].map((c) => c.tp).sort(comparePlanned)
    if (!this.args.has('topic')) return [] // --from-file: the plan names the partitions
    const topicArgs = this.args.values('topic')
    const specified = topicArgs.filter((t) => t.includes(':')).flatMap(parseTopicsWithPartitions)
    const whole = [...new Set(topicArgs.filter((t) => !t.includes(':')))]
    const described = whole.length === 0 ? [] : await this.admin.describeTopics(whole, { timeoutMs: this.timeoutMs })
    const all = [...specified, ...described.flatMap((d) => d.partitions.map((p) => ({ topic: d.name, partition: p.partition })))]
    return [...new Map(all.map((tp) => [topicPartitionKey(tp), tp])).values()]
  }
}

interface OffsetRow {
  group: string
  topic: string | undefined
  partition: number | undefined
  offset: bigint | undefined
  logEndOffset: bigint | undefined
  lag: bigint | undefined
  consumerId: string
  host: string
  clientId: string
}

/** `--verbose` ASSIGNMENT: `topic(0,1), other(2)`, topics sorted, `-` for none (Kafka 3.7's printMembers). */
function formatAssignment(tps: TopicPartition[]): string {
  if (tps.length === 0) return MISSING
  const byTopic = new Map<string, number[]>()
  for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
  return [...byTopic]
    .map(([t, ps]) => `${t}(${ps.sort((a, b) => a - b).join(',')})`)
    .sort()
    .join(', ')
}

/** `--state` values for --list, case-insensitive as Kafka 3.8+ reads them. */
function parseStates(input: string): string[] {
  return input.split(',').map((s) => {
    const state = GROUP_STATES.find((x) => x.toLowerCase() === s.trim().toLowerCase())
    if (!state) throw new UsageError(`Invalid state list '${input}'. Valid states are: ${GROUP_STATES.join(', ')}`)
    return state
  })
}

/** `topic:0,1,2` (ConsumerGroupCommand.parseTopicsWithPartitions; Java's split drops trailing empty parts). */
export function parseTopicsWithPartitions(arg: string): TopicPartition[] {
  const javaSplit = (s: string, sep: string) => {
    const parts = s.split(sep)
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
    return parts
  }
  const parts = javaSplit(arg, ':')
  if (parts.length !== 2) throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`)
  return javaSplit(parts[1]!, ',').map((p) => {
    if (!/^[-+]?\d+$/.test(p) || !Number.isSafeInteger(Number(p)) || Math.abs(Number(p)) > 0x7fffffff) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}''`)
    return { topic: parts[0]!, partition: Number(p) }
  })
}

/** The group's coordinator (FindCoordinator), for the state view's COORDINATOR (ID). */
async function findCoordinator(admin: Admin, groupId: string): Promise<{ nodeId: number; host: string; port: number }> {
  return admin.cluster.anyBroker(async (c) => {
    const batched = c.versionFor(FindCoordinatorApi) >= 4
    const res = await c.request(FindCoordinatorApi, { ...FindCoordinatorApi.request.create(), key: batched ? '' : groupId, keyType: 0, coordinatorKeys: batched ? [groupId] : [] })
    const found = batched ? res.coordinators[0] : res
    if (!found) throw new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `no coordinator for ${groupId}`)
    if (found.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(found.errorCode, found.errorMessage)
    return { nodeId: found.nodeId, host: found.host, port: found.port }
  })
}

/** The --reset-offsets scenario, with its value parsed before anything is sent. */
async function resetScenario(a: ParsedArgs): Promise<ResetScenario> {
  if (a.has('to-offset')) return { kind: 'to-offset', offset: BigInt(a.int('to-offset')!) }
  if (a.has('shift-by')) return { kind: 'shift-by', shiftBy: BigInt(a.int('shift-by')!) }
  if (a.has('to-datetime')) return { kind: 'to-datetime', timestamp: parseDateTime(a.value('to-datetime')!) }
  if (a.has('by-duration')) return { kind: 'by-duration', durationMs: parseDuration(a.value('by-duration')!) }
  if (a.has('to-earliest')) return { kind: 'to-earliest' }
  if (a.has('to-latest')) return { kind: 'to-latest' }
  if (a.has('to-current')) return { kind: 'to-current' }
  const path = a.value('from-file')!
  let csv: string
  try {
    csv = await readFile(path, 'utf8')
  } catch (e) {
    throw new UsageError(`${path}: ${(e as Error).message}`)
  }
  const groups = a.values('group')
  return { kind: 'from-file', plan: parseResetPlan(csv, groups.length === 1 ? groups[0] : undefined) }
}

/** Runs the command; its exit code. */
export async function consumerGroupCommand(a: ParsedArgs): Promise<number> {
  checkArgs(a)
  const timeoutMs = a.int('timeout')!
  const scenario = a.has('reset-offsets') ? await resetScenario(a) : undefined
  const props = a.has('command-config') ? await readConfigFile('--command-config', a.value('command-config')!) : {}
  const options = clusterOptions(props)
  options.bootstrapServers = a
    .required('bootstrap-server')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const admin = new Admin({ ...options, timeoutMs })
  const service = new ConsumerGroupService(admin, a, timeoutMs)
  try {
    if (a.has('list')) await service.list()
    else if (a.has('describe')) await service.describe()
    else if (a.has('delete')) await service.delete()
    else if (a.has('reset-offsets')) await service.resetOffsets(scenario!)
    else await service.deleteOffsets()
  } catch (e) {
    if (e instanceof UsageError) throw e
    // Kafka's catch-all: one line naming what went wrong.
    process.stderr.write(`Error: Executing consumer group command failed due to ${javaError(e).split('\n')[0]}\n`)
    return 1
  } finally {
    await admin.close().catch(() => undefined)
  }
  return service.failed ? 1 : 0
}
