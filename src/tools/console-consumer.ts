/**
 * kafka-console-consumer: prints the records of a topic (or of the topics a
 * pattern matches, or of one partition) on standard output, as Kafka's
 * ConsoleConsumer (org.apache.kafka.tools.consumer, 3.7-3.9) does; each
 * record is formatted by DefaultMessageFormatter (default-message-formatter.ts).
 *
 * What it reads: `--topic` or `--include` (a regular expression that must
 * match a whole topic name, as Java's Pattern.matches; `--whitelist` is the
 * old name) as a member of a consumer group, or `--topic` with `--partition`
 * by manual assignment, starting at `--offset` (earliest, latest, or an
 * offset; default latest, earliest with --from-beginning). Without `--group`
 * the group is `console-consumer-<random>` and, unless enable.auto.commit is
 * set, nothing is committed, as in Kafka; with one, offsets of the records
 * printed (never of records fetched and not printed) are committed every
 * auto.commit.interval.ms and on exit, so the next run with the group
 * continues after them. `--from-beginning` means auto.offset.reset=earliest,
 * used when the group has no committed offset.
 *
 * It ends after `--max-messages` records, after `--timeout-ms` without a
 * record (logging Kafka's "Error processing message, terminating consumer
 * process:" and TimeoutException), when standard output is closed, or on
 * SIGINT/SIGTERM, and then prints `Processed a total of N messages` on
 * stderr and exits 0. A formatter failure (a deserializer's) is logged and
 * skipped with --skip-message-on-error, else it ends the tool with exit 1.
 *
 * Deviations: an error the consumer cannot recover from (e.g. no committed
 * offset with auto.offset.reset=none) is logged as in Kafka but exits 1
 * where Kafka exits 0; SIGINT/SIGTERM exit 0 where Kafka's JVM exits 130/143.
 * --formatter takes only Kafka's DefaultMessageFormatter and
 * NoOpMessageFormatter; --enable-systest-events is refused.
 */
import { randomInt } from 'node:crypto'
import { ConnectionError } from '../client/errors.js'
import { Consumer, type ConsumerRecord } from '../client/consumer/consumer.js'
import { SYSTEM_TIME } from '../common/time.js'
import type { ParsedArgs, ToolSpec } from './command-line.js'
import { UsageError } from './command-line.js'
import { consumerOptions, readConfigFile, type Properties } from './client-config.js'
import { DefaultMessageFormatter, formatterClass } from './default-message-formatter.js'
import { parseKeyValueArgs } from './key-value-args.js'
import { logLine } from './tool-log.js'

const CATEGORY = 'org.apache.kafka.tools.consumer.ConsoleConsumer'

export const CONSOLE_CONSUMER: ToolSpec = {
  name: 'kafka-console-consumer',
  summary: 'This tool helps to read data from Kafka topics and outputs it to standard output.',
  options: {
    'bootstrap-server': { arg: 'String: server to connect to', description: 'REQUIRED: The server(s) to connect to.' },
    'consumer-property': { arg: 'String: consumer_prop', description: 'A mechanism to pass user-defined properties in the form key=value to the consumer.', multiple: true },
    'consumer.config': { arg: 'String: config file', description: 'Consumer config properties file. Note that [consumer-property] takes precedence over this config.' },
    'enable-systest-events': { description: 'Log lifecycle events of the consumer in addition to logging consumed messages. (This is specific for system tests.) (Brook: not supported.)' },
    formatter: { arg: 'String: class', description: 'The name of a class to use for formatting kafka messages for display. (Brook: DefaultMessageFormatter or NoOpMessageFormatter.)', default: 'org.apache.kafka.tools.consumer.DefaultMessageFormatter' },
    'formatter-config': { arg: 'String: config file', description: 'Config properties file to initialize the message formatter. Note that [property] takes precedence over this config.' },
    'from-beginning': { description: 'If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.' },
    group: { arg: 'String: consumer group id', description: 'The consumer group id of the consumer.' },
    include: { arg: 'String: Java regex (String)', description: 'Regular expression specifying list of topics to include for consumption.' },
    'isolation-level': { arg: 'String', description: 'Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommitted to read all messages.', default: 'read_uncommitted' },
    'key-deserializer': { arg: 'String: deserializer for key', description: '' },
    'max-messages': { arg: 'Integer: num_messages', description: 'The maximum number of messages to consume before exiting. If not set, consumption is continual.' },
    offset: { arg: 'String: consume offset', description: "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end", default: 'latest' },
    partition: { arg: 'Integer: partition', description: "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified." },
    property: {
      arg: 'String: prop',
      description:
        "The properties to initialize the message formatter. Default properties include: print.timestamp=true|false print.key=true|false print.offset=true|false print.partition=true|false print.headers=true|false print.value=true|false key.separator=<key.separator> line.separator=<line.separator> headers.separator=<line.separator> null.literal=<null.literal> key.deserializer=<key.deserializer> value.deserializer=<value.deserializer> header.deserializer=<header.deserializer> Users can also pass in customized properties for their formatter; more specifically, users can pass in properties keyed with 'key.deserializer.', 'value.deserializer.' and 'headers.deserializer.' prefixes to configure their deserializers.",
      multiple: true,
    },
    'skip-message-on-error': { description: 'If there is an error when processing a message, skip it instead of halt.' },
    'timeout-ms': { arg: 'Long: timeout_ms', description: 'If specified, exit if no message is available for consumption for the specified interval.' },
    topic: { arg: 'String: topic', description: 'The topic to consume on.' },
    'value-deserializer': { arg: 'String: deserializer for values', description: '' },
    whitelist: { arg: 'String: Java regex (String)', description: 'DEPRECATED, use --include instead; ignored if --include specified. Regular expression specifying list of topics to include for consumption.' },
  },
}

/** Where a --partition consumer starts. */
export type StartOffset = 'earliest' | 'latest' | number

/** What ConsoleConsumerOptions works out from the command line, checked in Kafka's order with Kafka's messages. */
export interface ConsoleConsumerConfig {
  consumerProps: Properties
  topic: string | undefined
  include: string | undefined
  partition: number | undefined
  offset: StartOffset
  maxMessages: number
  timeoutMs: number
  skipMessageOnError: boolean
  formatterArgs: Properties
  formatter: 'default' | 'noop'
}

export async function consoleConsumerConfig(args: ParsedArgs): Promise<ConsoleConsumerConfig> {
  if (args.has('enable-systest-events')) throw new UsageError('--enable-systest-events is not supported by Brook')
  const partition = args.int('partition')
  const maxMessages = args.int('max-messages')
  const timeout = args.int('timeout-ms')
  const topic = args.value('topic')
  const include = args.has('include') ? args.value('include') : args.value('whitelist')
  if ([topic, include].filter((a) => a !== undefined).length !== 1) {
    throw new UsageError(`Exactly one of --include/--topic is required.${args.has('whitelist') ? ' --whitelist is DEPRECATED use --include instead; ignored if --include specified.' : ''}`)
  }
  const fromBeginning = args.has('from-beginning')
  if (partition !== undefined) {
    if (!args.has('topic')) throw new UsageError('The topic is required when partition is specified.')
    if (fromBeginning && args.has('offset')) throw new UsageError('Options from-beginning and offset cannot be specified together.')
  } else if (args.has('offset')) throw new UsageError('The partition is required when offset is specified.')
  const bootstrap = args.required('bootstrap-server')

  const fromFile = args.has('consumer.config') ? await readConfigFile('--consumer.config', args.value('consumer.config')!) : {}
  const extra = parseKeyValueArgs(args.values('consumer-property'))
  const groupIds = [...new Set([args.value('group'), fromFile['group.id'], extra['group.id']].filter((g): g is string => g !== undefined))]
  if (groupIds.length > 1) {
    throw new UsageError(`The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${groupIds.map((g) => `'${g}'`).join(', ')}`)
  }
  if (groupIds.length > 0 && partition !== undefined) throw new UsageError('Options group and partition cannot be specified together.')

  const props: Properties = { ...fromFile, ...extra }
  const reset = props['auto.offset.reset']
  if (reset === undefined) props['auto.offset.reset'] = fromBeginning ? 'earliest' : 'latest'
  else if (fromBeginning && reset !== 'earliest') throw new UsageError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`)
  props['bootstrap.servers'] = bootstrap
  props['client.id'] ??= 'console-consumer'
  if (args.has('isolation-level') || !('isolation.level' in props)) props['isolation.level'] = args.value('isolation-level')!
  if (groupIds.length === 0) {
    props['group.id'] = `console-consumer-${randomInt(100000)}`
    // Kafka: the generated group is not meant to be used again, so its offsets are not committed.
    props['enable.auto.commit'] ??= 'false'
  } else props['group.id'] = groupIds[0]!

  let offset: StartOffset = fromBeginning ? 'earliest' : 'latest'
  if (args.has('offset')) {
    const given = args.value('offset')!
    const lower = given.toLowerCase()
    if (lower === 'earliest' || lower === 'latest') offset = lower
    else if (/^\+?\d+$/.test(given) && Number.isSafeInteger(Number(given))) offset = Number(given)
    else throw new UsageError(`The provided offset value '${given}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`)
  }

  const formatterArgs: Properties = args.has('formatter-config') ? await readConfigFile('--formatter-config', args.value('formatter-config')!) : {}
  if (args.value('key-deserializer')) formatterArgs['key.deserializer'] = args.value('key-deserializer')!
  if (args.value('value-deserializer')) formatterArgs['value.deserializer'] = args.value('value-deserializer')!
  Object.assign(formatterArgs, parseKeyValueArgs(args.values('property')))

  return {
    consumerProps: props,
    topic,
    include,
    partition,
    offset,
    maxMessages: maxMessages ?? -1,
    timeoutMs: timeout !== undefined && timeout >= 0 ? timeout : Infinity,
    skipMessageOnError: args.has('skip-message-on-error'),
    formatterArgs,
    formatter: formatterClass(args.value('formatter')!),
  }
}

/** A Java regex given to --include: it must match the whole topic name (Pattern.matcher(topic).matches()). */
function includePattern(include: string): RegExp {
  try {
    new RegExp(include)
  } catch (e) {
    throw new UsageError(`Invalid --include pattern: ${(e as Error).message}`)
  }
  return new RegExp(`^(?:${include})$`)
}

export async function consoleConsumer(args: ParsedArgs, stdout: NodeJS.WriteStream = process.stdout): Promise<number> {
  const config = await consoleConsumerConfig(args)
  const formatter = config.formatter === 'default' ? new DefaultMessageFormatter(config.formatterArgs) : null
  const pattern = config.include === undefined ? undefined : includePattern(config.include)
  // Connection failures are logged once per message and then retried quietly, as Kafka's NetworkClient warns.
  const warned = new Set<string>()
  const options = consumerOptions(config.consumerProps)
  // --partition comes without --group (Kafka refuses both), so the group is the generated one, which
  // commits nothing. Left out, because Brook's consumer given a groupId joins the group even when
  // assign()ed, and the group's (empty) assignment would replace the partition.
  if (config.partition !== undefined) delete options.groupId
  const consumer = new Consumer({
    ...options,
    autoMark: false,
    onError: (e) => {
      if (!(e instanceof ConnectionError) || warned.has(e.message)) return
      warned.add(e.message)
      logLine('WARN', e.message, 'org.apache.kafka.clients.NetworkClient')
    },
  })

  let stopping = false
  let outputClosed = false
  const stop = () => {
    stopping = true
    // Ends a poll() that is waiting; marked offsets are committed as it closes.
    void consumer.close().catch(() => undefined)
  }
  const onSignal = () => {
    if (stopping) process.exit(130)
    stop()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // A closed stdout (`| head -1`) is Kafka's checkErr case: stop, commit what was printed and print the
  // total. This handler replaces any other (a tool-wide one that would exit at once on EPIPE).
  stdout.removeAllListeners('error')
  stdout.on('error', () => {
    outputClosed = true
    stop()
  })

  let count = 0
  let exitCode = 0
  try {
    if (config.partition !== undefined) {
      const tp = { topic: config.topic!, partition: config.partition }
      consumer.assign([tp])
      if (config.offset === 'earliest') consumer.seekToBeginning([tp])
      else if (config.offset === 'latest') consumer.seekToEnd([tp])
      else consumer.seek(tp, config.offset)
    } else await consumer.subscribe(pattern ?? [config.topic!])

    const limit = config.maxMessages
    while (!stopping && (limit < 0 || count < limit)) {
      const records = await receive(consumer, config.timeoutMs, () => stopping)
      if (records === 'timeout') {
        logLine('ERROR', 'Error processing message, terminating consumer process: ', CATEGORY, 'org.apache.kafka.common.errors.TimeoutException')
        break
      }
      const out: Buffer[] = []
      for (const r of records) {
        if (stopping || (limit >= 0 && count >= limit)) break
        count++
        // Printed or failed, the record counts as consumed (its offset is committed), as in Kafka.
        consumer.markOffset(r)
        try {
          formatter?.format(r, out)
        } catch (e) {
          if (!config.skipMessageOnError) {
            write(stdout, out)
            throw e
          }
          logLine('ERROR', 'Error processing message, skipping this message: ', CATEGORY, e)
        }
      }
      if (!outputClosed && !write(stdout, out)) await new Promise<void>((resolve) => stdout.once('drain', resolve).once('error', () => resolve()))
    }
  } catch (e) {
    if (!stopping) {
      const receiving = !(e instanceof Error && e.name === 'SerializationException')
      logLine('ERROR', receiving ? 'Error processing message, terminating consumer process: ' : 'Unknown error when running consumer: ', CATEGORY, e)
      exitCode = 1
    }
  } finally {
    await consumer.close().catch((e: unknown) => logLine('ERROR', 'Error while closing the consumer: ', CATEGORY, e))
    if (outputClosed) process.stderr.write('Unable to write to standard out, closing consumer.\n')
    process.stderr.write(`Processed a total of ${count} messages\n`)
  }
  // stdout closed by its reader: nothing left to flush (runTool would wait for a drain that never comes).
  if (outputClosed) process.exit(exitCode)
  return exitCode
}

/** Writes the chunks as one; false when the stream asks to wait for 'drain'. */
function write(stdout: NodeJS.WriteStream, chunks: Buffer[]): boolean {
  if (chunks.length === 0) return true
  return stdout.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))
}

/**
 * Kafka's ConsumerWrapper.receive: polls until records come, or 'timeout'
 * once `timeoutMs` passed without any; [] when stopped meanwhile.
 */
async function receive(consumer: Consumer, timeoutMs: number, stopped: () => boolean): Promise<ConsumerRecord[] | 'timeout'> {
  const start = SYSTEM_TIME.hiResMs()
  for (;;) {
    const elapsed = SYSTEM_TIME.hiResMs() - start
    if (elapsed >= timeoutMs) return 'timeout'
    let records: ConsumerRecord[]
    try {
      records = await consumer.poll(Math.min(timeoutMs - elapsed, 60_000))
    } catch (e) {
      if (stopped()) return []
      throw e
    }
    if (records.length > 0 || stopped()) return records
  }
}
