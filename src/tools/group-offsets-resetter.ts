/**
 * `kafka-consumer-groups --reset-offsets`: where each partition of a group
 * moves, as Kafka's ConsumerGroupCommand (3.7, `prepareOffsetsToReset`)
 * computes it, and the two ways the plan is shown (the NEW-OFFSET table and
 * the `--export` CSV that `--from-file` reads back).
 *
 * Kafka's rules kept here: only --to-offset, --shift-by and --from-file are
 * clamped to the log's [earliest, latest] (with a warning); --to-datetime and
 * --by-duration take the first offset at or after the time, or the log end
 * where there is none ("Warn: Partition p from topic t is empty. Falling back
 * to latest known offset."); --to-current keeps committed offsets and moves
 * partitions without one to the log end; --shift-by needs a committed offset.
 *
 * Brook's Admin has resetConsumerGroupOffsets, but it clamps every target and
 * knows nothing of --to-current or plans from a file, so the tool computes the
 * plan from the Admin's primitives (listOffsets, listConsumerGroupOffsets).
 */
import type { Admin } from '../client/admin/admin.js'
import { AdminError } from '../client/admin/admin-error.js'
import type { OffsetSpec } from '../client/admin/partition-offsets.js'
import { SYSTEM_TIME, type Time } from '../common/time.js'
import { topicPartitionKey, type TopicPartition } from '../common/topic-partition.js'
import { UsageError } from './command-line.js'

export interface PlannedOffset extends TopicPartition {
  offset: bigint
}

/** What --reset-offsets was asked to do (exactly one of Kafka's scenarios). */
export type ResetScenario =
  | { kind: 'to-offset'; offset: bigint }
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'shift-by'; shiftBy: bigint }
  /** --to-datetime, already parsed to epoch milliseconds. */
  | { kind: 'to-datetime'; timestamp: number }
  /** --by-duration: the time is `now - durationMs`, taken when the plan is made. */
  | { kind: 'by-duration'; durationMs: number }
  /** --from-file: each group's offsets, read from the CSV. */
  | { kind: 'from-file'; plan: Map<string, PlannedOffset[]> }

/** Where messages other than the plan go (stderr); `error` also makes the command exit 1. */
export interface ResetOutput {
  warn(line: string): void
  error(message: string): void
}

export function comparePlanned(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
}

/**
 * Each partition's offset for `spec` (ListOffsets at its leader); a partition
 * the broker cannot answer for (its topic deleted, no leader) is left out,
 * which callers show as Kafka shows an unknown offset.
 */
export async function logOffsets(admin: Admin, tps: TopicPartition[], spec: OffsetSpec, timeoutMs: number): Promise<Map<string, bigint>> {
  const unique = [...new Map(tps.map((tp) => [topicPartitionKey(tp), tp])).values()]
  const out = new Map<string, bigint>()
  let ask = unique
  // One more round without the partitions that failed, so they do not hide the others' answers.
  for (let round = 0; round < 2 && ask.length > 0; round++) {
    try {
      for (const o of await admin.listOffsets(ask.map((tp) => ({ ...tp, spec })), { timeoutMs })) out.set(topicPartitionKey(o), o.offset)
      return out
    } catch (e) {
      if (!(e instanceof AdminError)) throw e
      const failed = new Set(e.failures.map((f) => f.item))
      ask = ask.filter((tp) => !failed.has(topicPartitionKey(tp)))
    }
  }
  return out
}

/** A group's committed offsets by `topic-partition` key (partitions with none are absent). */
export async function committedOffsets(admin: Admin, groupId: string, timeoutMs: number): Promise<Map<string, { tp: TopicPartition; offset: bigint }>> {
  const committed = await admin.listConsumerGroupOffsets(groupId, undefined, { timeoutMs })
  return new Map(committed.filter((c) => c.offset >= 0n).map((c) => [topicPartitionKey(c), { tp: { topic: c.topic, partition: c.partition }, offset: c.offset }]))
}

export class GroupOffsetsResetter {
  constructor(
    readonly admin: Admin,
    readonly timeoutMs: number,
    readonly output: ResetOutput,
    /** The clock for --by-duration. */
    readonly time: Time = SYSTEM_TIME,
  ) {}

  /** The new offset of each partition of `partitions` (or, for --from-file, of the group's plan), sorted. */
  async prepareOffsetsToReset(groupId: string, partitions: TopicPartition[], scenario: ResetScenario): Promise<PlannedOffset[]> {
    const planned = await this.#prepare(groupId, partitions, scenario)
    return planned.sort(comparePlanned)
  }

  async #prepare(groupId: string, partitions: TopicPartition[], s: ResetScenario): Promise<PlannedOffset[]> {
    switch (s.kind) {
      case 'to-offset':
        return this.#checkOffsetsRange(partitions.map((tp) => ({ ...tp, offset: s.offset })))
      case 'to-earliest':
        return this.#atLogOffset(partitions, 'earliest', 'Error getting starting offset of topic partition')
      case 'to-latest':
        return this.#atLogOffset(partitions, 'latest', 'Error getting ending offset of topic partition')
      case 'shift-by': {
        const committed = await committedOffsets(this.admin, groupId, this.timeoutMs)
        return this.#checkOffsetsRange(
          partitions.map((tp) => {
            const current = committed.get(topicPartitionKey(tp))
            if (!current) throw new UsageError(`Cannot shift offset for partition ${topicPartitionKey(tp)} since there is no current committed offset`)
            return { ...tp, offset: current.offset + s.shiftBy }
          }),
        )
      }
      case 'to-datetime':
        return this.#atTimestamp(partitions, s.timestamp)
      case 'by-duration':
        return this.#atTimestamp(partitions, this.time.nowMs() - s.durationMs)
      case 'from-file': {
        const plan = s.plan.get(groupId)
        if (!plan) {
          this.output.error(`No reset plan for group ${groupId} found`)
          return []
        }
        return this.#checkOffsetsRange(plan.map((p) => ({ ...p })))
      }
      case 'to-current': {
        const committed = await committedOffsets(this.admin, groupId, this.timeoutMs)
        const withCommit = partitions.filter((tp) => committed.has(topicPartitionKey(tp)))
        const without = partitions.filter((tp) => !committed.has(topicPartitionKey(tp)))
        const atEnd = await this.#atLogOffset(without, 'latest', 'Error getting ending offset of topic partition')
        return [...withCommit.map((tp) => ({ ...tp, offset: committed.get(topicPartitionKey(tp))!.offset })), ...atEnd]
      }
    }
  }

  async #atLogOffset(partitions: TopicPartition[], spec: 'earliest' | 'latest', missing: string): Promise<PlannedOffset[]> {
    if (partitions.length === 0) return []
    const offsets = await logOffsets(this.admin, partitions, spec, this.timeoutMs)
    return partitions.map((tp) => {
      const offset = offsets.get(topicPartitionKey(tp))
      if (offset === undefined) throw new UsageError(`${missing}: ${topicPartitionKey(tp)}`)
      return { ...tp, offset }
    })
  }

  /** As ConsumerGroupCommand.getLogTimestampOffsets: the first offset at or after the time, else the log end. */
  async #atTimestamp(partitions: TopicPartition[], timestamp: number): Promise<PlannedOffset[]> {
    if (partitions.length === 0) return []
    const found = await logOffsets(this.admin, partitions, { timestamp }, this.timeoutMs)
    const none = partitions.filter((tp) => found.get(topicPartitionKey(tp)) === -1n)
    // Kafka prints this on stdout, where it would break an --export; Brook puts it on stderr.
    for (const tp of none) this.output.warn(`\nWarn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.`)
    const ends = await logOffsets(this.admin, none, 'latest', this.timeoutMs)
    return partitions.map((tp) => {
      const key = topicPartitionKey(tp)
      const offset = found.get(key) === -1n ? ends.get(key) : found.get(key)
      if (offset === undefined) throw new UsageError(`Error getting offset by timestamp of topic partition: ${topicPartitionKey(tp)}`)
      return { ...tp, offset }
    })
  }

  /** Clamps requested offsets to [log start, log end], warning as Kafka logs it. */
  async #checkOffsetsRange(requested: PlannedOffset[]): Promise<PlannedOffset[]> {
    if (requested.length === 0) return []
    const [starts, ends] = await Promise.all([logOffsets(this.admin, requested, 'earliest', this.timeoutMs), logOffsets(this.admin, requested, 'latest', this.timeoutMs)])
    return requested.map((r) => {
      const key = topicPartitionKey(r)
      const end = ends.get(key)
      const start = starts.get(key)
      if (end === undefined) throw new UsageError(`Unexpected non-existing offset value for topic partition ${topicPartitionKey(r)}`)
      if (r.offset > end) {
        this.output.warn(`WARN New offset (${r.offset}) is higher than latest offset for topic partition ${topicPartitionKey(r)}. Value will be set to ${end}`)
        return { ...r, offset: end }
      }
      if (start !== undefined && r.offset < start) {
        this.output.warn(`WARN New offset (${r.offset}) is lower than earliest offset for topic partition ${topicPartitionKey(r)}. Value will be set to ${start}`)
        return { ...r, offset: start }
      }
      return r
    })
  }
}

// Output

/** Kafka's `%-Ns`. */
const pad = (v: string | number | bigint, width: number): string => String(v).padEnd(width)

/** ConsumerGroupCommand.printOffsetsToReset: a blank line, then `GROUP TOPIC PARTITION NEW-OFFSET` and a row per partition. */
export function formatOffsetsToReset(plans: [string, PlannedOffset[]][]): string {
  const row = (g: string, t: string, p: string | number, o: string | bigint) => `${pad(g, 30)} ${pad(t, 30)} ${pad(p, 10)} ${pad(o, 15)}\n`
  if (plans.length === 0) return ''
  let out = `\n${row('GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET')}`
  for (const [group, offsets] of plans) for (const o of offsets) out += row(group, o.topic, o.partition, o.offset)
  return out
}

/** A CSV field, quoted as Jackson's CSV writer quotes (separator, quote, line break or surrounding space). */
function csvField(v: string): string {
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v
}

/**
 * `--export`: `topic,partition,offset` lines for one group (one --group
 * given), else `group,topic,partition,offset`. The tool prints this with a
 * line break after it, as Kafka's println does.
 */
export function exportOffsetsToCsv(plans: [string, PlannedOffset[]][], singleGroup: boolean): string {
  let out = ''
  for (const [group, offsets] of plans) {
    for (const o of offsets) out += `${singleGroup ? '' : `${csvField(group)},`}${csvField(o.topic)},${o.partition},${o.offset}\n`
  }
  return out
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (line[i] === '"') {
      i++
      for (;;) {
        const q = line.indexOf('"', i)
        if (q < 0) throw new UsageError(`Unterminated quoted value in CSV line '${line}'`)
        field += line.slice(i, q)
        i = q + 1
        if (line[i] === '"') {
          field += '"'
          i++
        } else break
      }
    } else {
      const comma = line.indexOf(',', i)
      field = line.slice(i, comma < 0 ? line.length : comma)
      i = comma < 0 ? line.length : comma
    }
    fields.push(field)
    if (i >= line.length) return fields
    if (line[i] !== ',') throw new UsageError(`Unexpected character after a quoted value in CSV line '${line}'`)
    i++
  }
}

const wholeNumber = (v: string): boolean => /^-?\d+$/.test(v.trim())

/**
 * `--from-file`: reads a plan written by `--export`. With one --group and
 * three-column lines (`topic,partition,offset`) every line is that group's;
 * otherwise lines are `group,topic,partition,offset`, as Kafka decides it.
 */
export function parseResetPlan(csv: string, singleGroup: string | undefined): Map<string, PlannedOffset[]> {
  const lines = csv.split('\n').map((l) => l.replace(/\r$/, ''))
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const rows = lines.filter((l) => l.trim() !== '').map(splitCsvLine)
  const first = rows[0]
  const oldFormat = first !== undefined && first.length === 3 && wholeNumber(first[1]!) && wholeNumber(first[2]!)
  const plan = new Map<string, Map<string, PlannedOffset>>()
  for (const [n, fields] of rows.entries()) {
    const withGroup = !(singleGroup !== undefined && oldFormat)
    const [group, topic, partition, offset] = withGroup ? fields : [singleGroup!, ...fields]
    if (fields.length !== (withGroup ? 4 : 3) || !wholeNumber(partition!) || !wholeNumber(offset!)) {
      throw new UsageError(`Invalid line ${n + 1} in the reset plan: '${lines[n]}' (expected ${withGroup ? 'group,topic,partition,offset' : 'topic,partition,offset'})`)
    }
    const entries = plan.get(group!) ?? new Map<string, PlannedOffset>()
    const tp = { topic: topic!, partition: Number(partition) }
    entries.set(topicPartitionKey(tp), { ...tp, offset: BigInt(offset!.trim()) })
    plan.set(group!, entries)
  }
  return new Map([...plan].map(([g, entries]) => [g, [...entries.values()]]))
}

// Times

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * Kafka's Utils.getDateTime: `yyyy-MM-ddTHH:mm:ss.SSS` with an optional zone
 * (`Z`, `±HH`, `±HHmm`, `±HH:mm`; UTC when absent), parsed strictly (no
 * 31st of April); epoch milliseconds.
 */
export function parseDateTime(text: string): number {
  const [date, time] = text.split('T')
  if (time === undefined) throw new UsageError("Error parsing timestamp. It does not contain a 'T' according to ISO8601 format")
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date!)
  const t = /^(\d{1,2}):(\d{1,2}):(\d{1,2})\.(\d{1,3})(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(time)
  const unparseable = new UsageError(`Unparseable date: "${text}"`)
  if (!m || !t) throw unparseable
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const [hour, minute, second, ms] = [Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4])]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) throw unparseable
  let offsetMinutes = 0
  const zone = t[5]
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    const hh = Number(digits.slice(0, 2))
    const mm = digits.length > 2 ? Number(digits.slice(2)) : 0
    if (hh > 23 || mm > 59) throw unparseable
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm)
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000
}

/** java.time.Duration.parse (`PnDTnHnMn.nS`, each part signed, the whole optionally negated); milliseconds. */
export function parseDuration(text: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:(T)(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?)(\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(text)
  const bad = new UsageError('Text cannot be parsed to a Duration')
  if (!m) throw bad
  const [, sign, days, tee, hours, minutes, secondsSign, seconds, fraction] = m
  if (days === undefined && tee === undefined) throw bad
  if (tee !== undefined && hours === undefined && minutes === undefined && seconds === undefined) throw bad
  const secondsMs = seconds === undefined ? 0 : (secondsSign === '-' ? -1 : 1) * (Number(seconds) * 1000 + Number((fraction ?? '').padEnd(3, '0').slice(0, 3)))
  const ms = Number(days ?? 0) * 86_400_000 + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + secondsMs
  return sign === '-' ? -ms : ms
}
