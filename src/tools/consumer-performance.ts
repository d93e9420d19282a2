/**
 * kafka-consumer-perf-test: Kafka's `ConsumerPerformance` (tools, 3.7-3.9)
 * over Brook's consumer. Joins a group (`--group`, default
 * perf-consumer-<random>), reads `--topic` (or the topics matching
 * `--include`, as Kafka 4 allows) from the earliest offset (`--from-latest`:
 * the latest) until `--messages` records are read or no record came for
 * `--timeout` ms, and prints Kafka's header and one line:
 *
 *   start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
 *   2024-01-01 10:00:00:000, 2024-01-01 10:00:01:234, 1.9073, 1.5456, 20000, 16207.4554, 312, 922, 2.0687, 21691.9740
 *
 * (`%.4f` numbers, `--date-format` a SimpleDateFormat pattern). With
 * `--show-detailed-stats` it prints instead a line per `--reporting-interval`
 * under the header `time, threadId, ...`, as Kafka does, and no summary.
 * Data consumed counts key and value bytes; rebalance time is the time from
 * subscribing (or a revocation) to the assignment.
 *
 * Deviations: `--socket-buffer-size`, `--threads` and `--num-fetch-threads`
 * are accepted and ignored (the last two are ignored by Kafka too, with the
 * same warning). `--print-metrics` prints, in Kafka's metrics table, what
 * this tool counted (records/bytes consumed, total and rate) under Kafka's
 * names: Brook's consumer keeps no metrics registry. Failures print
 * `Error: <reason>` and exit 1 (Kafka prints a stack trace).
 */
import { Consumer, type ConsumerRecord } from '../client/consumer/consumer.js'
import { SYSTEM_TIME, type Time } from '../common/time.js'
import { consumerOptions, readConfigFile, type Properties } from './client-config.js'
import { type ParsedArgs, type ToolSpec, UsageError } from './command-line.js'
import { javaFixed, metricsTable, simpleDateFormat } from './java-format.js'

export const CONSUMER_PERFORMANCE_SPEC: ToolSpec = {
  name: 'kafka-consumer-perf-test',
  summary: 'This tool is used to verify the consumer performance.',
  options: {
    'broker-list': {
      arg: 'String: broker-list',
      description: 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified. The broker list string in the form HOST1:PORT1,HOST2:PORT2.',
    },
    'bootstrap-server': { arg: 'String: server to connect to', description: 'REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to.' },
    topic: { arg: 'String: topic', description: 'REQUIRED (unless --include is given): The topic to consume from.' },
    include: { arg: 'String: Java regex (String)', description: 'Regular expression specifying list of topics to include for consumption.' },
    group: { arg: 'String: gid', description: 'The group id to consume on. (default: perf-consumer-<random number>)' },
    'fetch-size': { arg: 'Integer: size', description: 'The amount of data to fetch in a single request.', default: '1048576' },
    'from-latest': {
      description: 'If the consumer does not already have an established offset to consume from, start with the latest message present in the log rather than the earliest message.',
    },
    'socket-buffer-size': { arg: 'Integer: size', description: 'The size of the tcp RECV size (accepted and ignored by Brook).', default: '2097152' },
    threads: { arg: 'Integer: count', description: 'DEPRECATED AND IGNORED: Number of processing threads.', default: '10' },
    'num-fetch-threads': { arg: 'Integer: count', description: 'DEPRECATED AND IGNORED: Number of fetcher threads.', default: '1' },
    'consumer.config': { arg: 'String: config file', description: 'Consumer config properties file.' },
    'print-metrics': { description: "Print out the metrics (the tool's own counts: Brook's consumer keeps no metrics)." },
    'show-detailed-stats': { description: 'If set, stats are reported for each reporting interval as configured by reporting-interval' },
    timeout: { arg: 'Long: milliseconds', description: 'The maximum allowed time in milliseconds between returned records.', default: '10000' },
    messages: { arg: 'Long: count', description: 'REQUIRED: The number of messages to send or consume' },
    'reporting-interval': { arg: 'Long: interval_ms', description: 'Interval in milliseconds at which to print progress info.', default: '5000' },
    'date-format': { arg: 'String: date format', description: 'The date format to use for formatting the time field. See java.text.SimpleDateFormat for options.', default: 'yyyy-MM-dd HH:mm:ss:SSS' },
    'hide-header': { description: 'If set, skips printing the header for the stats' },
  },
}

/**
 * Kafka declares `--timeout` with an optional value: `--timeout` followed
 * by another option (or nothing) means the default. Drops such a bare
 * `--timeout` so the shared parser, which wants a value, reads the rest.
 */
export function dropBareTimeout(argv: string[]): string[] {
  return argv.filter((a, i) => !(a === '--timeout' && (i + 1 >= argv.length || argv[i + 1]!.startsWith('--'))))
}

const NEW_FIELDS_IN_HEADER = ', rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'
const MB = 1024 * 1024

/** The tool: parses, consumes, prints; resolves with the exit code. */
export async function runConsumerPerformance(args: ParsedArgs, print: (line: string) => void = (l) => void process.stdout.write(`${l}\n`), time: Time = SYSTEM_TIME): Promise<number> {
  if (args.has('threads') || args.has('num-fetch-threads')) print('WARNING: option [threads] and [num-fetch-threads] have been deprecated and will be ignored by the test')
  const bootstrap = args.value('bootstrap-server') ?? args.value('broker-list')
  if (bootstrap === undefined) throw new UsageError('Missing required option(s) [bootstrap-server]')
  if (args.has('topic') && args.has('include')) throw new UsageError('Exactly one of --topic and --include may be given')
  if (!args.has('topic') && !args.has('include')) throw new UsageError('Missing required argument "[topic]"')
  const numMessages = args.int('messages')
  if (numMessages === undefined) throw new UsageError('Missing required argument "[messages]"')
  const recordFetchTimeoutMs = args.int('timeout')!
  const reportingIntervalMs = args.int('reporting-interval')!
  if (reportingIntervalMs <= 0) throw new UsageError('Reporting interval must be greater than 0.')
  const fetchSize = args.int('fetch-size')!
  args.int('socket-buffer-size')
  const showDetailedStats = args.has('show-detailed-stats')
  const dateFormat = simpleDateFormat(args.value('date-format')!)
  let include: RegExp | undefined
  if (args.has('include')) {
    try {
      // Java's Pattern.matcher(topic).matches(): the whole name.
      include = new RegExp(`^(?:${args.required('include')})$`)
    } catch (e) {
      throw new UsageError(`Invalid --include ${args.required('include')}: ${(e as Error).message}`)
    }
  }

  // Kafka puts its own settings over the file's.
  const props: Properties = args.has('consumer.config') ? await readConfigFile('--consumer.config', args.required('consumer.config')) : {}
  props['bootstrap.servers'] = bootstrap
  props['group.id'] = args.value('group') ?? `perf-consumer-${Math.floor(Math.random() * 100_000)}`
  props['max.partition.fetch.bytes'] = String(fetchSize)
  props['auto.offset.reset'] = args.has('from-latest') ? 'latest' : 'earliest'
  props['client.id'] ??= 'perf-consumer-client'

  if (!args.has('hide-header')) {
    if (!showDetailedStats) print(`start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${NEW_FIELDS_IN_HEADER}`)
    else print(`time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${NEW_FIELDS_IN_HEADER}`)
  }

  const startMs = time.nowMs()
  // Kafka's ConsumerPerfRebListener: time from subscribing (or a revocation) to an assignment.
  let joinStartMs = startMs
  let joinTimeMs = 0
  // Kafka's consume loop replaces its per-round counter after each report while the listener keeps
  // adding to the first one, so only the first report shows join time; kept as Kafka has it.
  const firstRound = { ms: 0 }
  let joinTimeMsInSingleRound = firstRound
  const consumer = new Consumer({
    ...consumerOptions(props),
    rebalanceListener: {
      assigned: () => {
        const elapsedMs = time.nowMs() - joinStartMs
        joinTimeMs += elapsedMs
        firstRound.ms += elapsedMs
      },
      revoked: () => {
        joinStartMs = time.nowMs()
      },
    },
  })

  let messagesRead = 0
  let bytesRead = 0
  let endMs: number
  try {
    await consumer.subscribe(include ?? [args.required('topic')])
    let currentTimeMs = time.nowMs()
    let lastReportTimeMs = currentTimeMs
    let lastConsumedTimeMs = currentTimeMs
    let lastMessagesRead = 0
    let lastBytesRead = 0
    while (messagesRead < numMessages && currentTimeMs - lastConsumedTimeMs <= recordFetchTimeoutMs) {
      const records: ConsumerRecord[] = await consumer.poll(100)
      currentTimeMs = time.nowMs()
      if (records.length > 0) lastConsumedTimeMs = currentTimeMs
      for (const record of records) {
        messagesRead += 1
        if (record.key !== null) bytesRead += record.key.length
        if (record.value !== null) bytesRead += record.value.length
        if (currentTimeMs - lastReportTimeMs >= reportingIntervalMs) {
          if (showDetailedStats) {
            print(consumerProgress(bytesRead, lastBytesRead, messagesRead, lastMessagesRead, lastReportTimeMs, currentTimeMs, dateFormat, joinTimeMsInSingleRound.ms))
          }
          joinTimeMsInSingleRound = { ms: 0 }
          lastReportTimeMs = currentTimeMs
          lastMessagesRead = messagesRead
          lastBytesRead = bytesRead
        }
      }
    }
    if (messagesRead < numMessages) {
      print(`WARNING: Exiting before consuming the expected number of messages: timeout (${recordFetchTimeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`)
    }
    endMs = time.nowMs()
  } finally {
    await consumer.close().catch(() => undefined)
  }

  const elapsedSec = (endMs - startMs) / 1000.0
  const fetchTimeInMs = endMs - startMs - joinTimeMs
  if (!showDetailedStats) {
    const totalMbRead = bytesRead / MB
    print(
      [
        dateFormat(startMs),
        dateFormat(endMs),
        javaFixed(totalMbRead, 4),
        javaFixed(totalMbRead / elapsedSec, 4),
        String(messagesRead),
        javaFixed(messagesRead / elapsedSec, 4),
        String(joinTimeMs),
        String(fetchTimeInMs),
        javaFixed(totalMbRead / (fetchTimeInMs / 1000.0), 4),
        javaFixed(messagesRead / (fetchTimeInMs / 1000.0), 4),
      ].join(', '),
    )
  }
  if (args.has('print-metrics')) {
    const tags = `{client-id=${props['client.id']}}`
    for (const line of metricsTable({
      [`consumer-fetch-manager-metrics:records-consumed-total:${tags}`]: messagesRead,
      [`consumer-fetch-manager-metrics:records-consumed-rate:${tags}`]: messagesRead / elapsedSec,
      [`consumer-fetch-manager-metrics:bytes-consumed-total:${tags}`]: bytesRead,
      [`consumer-fetch-manager-metrics:bytes-consumed-rate:${tags}`]: bytesRead / elapsedSec,
    }))
      print(line)
  }
  return 0
}

/** Kafka's printConsumerProgress: one `--show-detailed-stats` line (thread id always 0). */
function consumerProgress(
  bytesRead: number,
  lastBytesRead: number,
  messagesRead: number,
  lastMessagesRead: number,
  startMs: number,
  endMs: number,
  dateFormat: (ms: number) => string,
  joinTimeMsInSingleRound: number,
): string {
  const elapsedMs = endMs - startMs
  const totalMbRead = bytesRead / MB
  const intervalMbRead = (bytesRead - lastBytesRead) / MB
  const intervalMbPerSec = (1000.0 * intervalMbRead) / elapsedMs
  const intervalMessagesPerSec = ((messagesRead - lastMessagesRead) / elapsedMs) * 1000.0
  const fetchTimeMs = endMs - startMs - joinTimeMsInSingleRound
  const fetchMbPerSec = fetchTimeMs <= 0 ? 0.0 : (1000.0 * intervalMbRead) / fetchTimeMs
  const fetchMessagesPerSec = fetchTimeMs <= 0 ? 0.0 : (1000.0 * (messagesRead - lastMessagesRead)) / fetchTimeMs
  return [
    dateFormat(endMs),
    '0',
    javaFixed(totalMbRead, 4),
    javaFixed(intervalMbPerSec, 4),
    String(messagesRead),
    javaFixed(intervalMessagesPerSec, 4),
    String(joinTimeMsInSingleRound),
    String(fetchTimeMs),
    javaFixed(fetchMbPerSec, 4),
    javaFixed(fetchMessagesPerSec, 4),
  ].join(', ')
}
