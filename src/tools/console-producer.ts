/**
 * kafka-console-producer: reads lines from standard input and produces one
 * record per line, as Kafka's ConsoleProducer (kafka.tools, 3.7-3.9) does.
 *
 * Lines are parsed by LineMessageReader (keys, headers, null markers: see
 * line-message-reader.ts). Producer settings are built as Kafka builds them:
 * `--producer.config`, then `--producer-property`, then the tool's own
 * options, each of which overrides a property only when given (its default
 * applies only when no property sets the key), except --compression-codec,
 * which always sets compression.type ('none' when absent), as in Kafka.
 *
 * Without --sync, records are handed to the producer as they are read and a
 * failed one is logged as Kafka's ErrorLoggingCallback logs it ("Error when
 * sending message to topic t with key: null, value: 5 bytes with error:");
 * with --sync each is sent and waited for, and the first failure ends the
 * tool. On end of input the producer is flushed and closed. When standard
 * input and output are both a terminal, `>` is printed before each line is
 * read, as Kafka does when it has a console.
 *
 * Exit codes: 0 when every record was delivered; 1 after a record failed, a
 * line could not be parsed (after the lines before it are delivered), or on
 * a bad option. Kafka only logs a record failed without --sync and exits 0;
 * Brook exits 1 so that scripts notice. SIGINT or SIGTERM stops reading,
 * delivers what was read, and exits as on end of input (Kafka's JVM drops
 * records still lingering); a second one exits at once.
 *
 * Deviations: --message-send-max-retries (retries) is not used: Brook's
 * producer retries until delivery.timeout.ms; --socket-buffer-size is
 * accepted and ignored; --line-reader takes only Kafka's LineMessageReader.
 */
import { Producer, type ProducerOptions } from '../client/producer/producer.js'
import type { DeliveryCallback } from '../client/producer/producer-record.js'
import type { ParsedArgs, ToolSpec } from './command-line.js'
import { UsageError } from './command-line.js'
import { producerOptions, readConfigFile, type Properties } from './client-config.js'
import { parseKeyValueArgs } from './key-value-args.js'
import { LineMessageReader, LineSplitter, type LineRecord } from './line-message-reader.js'
import { logLine } from './tool-log.js'

const LINE_READERS = new Set(['kafka.tools.ConsoleProducer$LineMessageReader', 'org.apache.kafka.tools.LineMessageReader'])

export const CONSOLE_PRODUCER: ToolSpec = {
  name: 'kafka-console-producer',
  summary: 'This tool helps to read data from standard input and publish it to Kafka.',
  options: {
    'batch-size': { arg: 'Integer: size', description: 'Number of messages to send in a single batch if they are not being sent synchronously. please note that this option will be replaced if max-partition-memory-bytes is also set', default: '16384' },
    'bootstrap-server': { arg: 'String: server to connect to', description: 'REQUIRED unless --broker-list(deprecated) is specified. The server(s) to connect to. The broker list string in the form HOST1:PORT1,HOST2:PORT2.' },
    'broker-list': { arg: 'String: broker-list', description: 'DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified.  The broker list string in the form HOST1:PORT1,HOST2:PORT2.' },
    'compression-codec': { arg: 'String: compression-codec', description: "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'.If specified without value, then it defaults to 'gzip'" },
    'line-reader': { arg: 'String: reader_class', description: 'The class name of the class to use for reading lines from standard in. By default each line is read as a separate message. (Brook: only the default.)', default: 'kafka.tools.ConsoleProducer$LineMessageReader' },
    'max-block-ms': { arg: 'Long: max block on send', description: 'The max time that the producer will block for during a send request.', default: '60000' },
    'max-memory-bytes': { arg: 'Long: total memory in bytes', description: 'The total memory used by the producer to buffer records waiting to be sent to the server. This is the option to control `buffer.memory` in producer configs.', default: '33554432' },
    'max-partition-memory-bytes': { arg: 'Integer: memory in bytes per partition', description: 'The buffer size allocated for a partition. When records are received which are smaller than this size the producer will attempt to optimistically group them together until this size is reached. This is the option to control `batch.size` in producer configs.', default: '16384' },
    'message-send-max-retries': { arg: 'Integer', description: 'Brokers can fail receiving the message for multiple reasons, and being unavailable transiently is just one of them. This property specifies the number of retries before the producer give up and drop this message. This is the option to control `retries` in producer configs. (Brook: accepted; its producer retries until delivery.timeout.ms.)', default: '3' },
    'metadata-expiry-ms': { arg: 'Long: metadata expiration interval', description: "The period of time in milliseconds after which we force a refresh of metadata even if we haven't seen any leadership changes. This is the option to control `metadata.max.age.ms` in producer configs.", default: '300000' },
    'producer-property': { arg: 'String: producer_prop', description: 'A mechanism to pass user-defined properties in the form key=value to the producer.', multiple: true },
    'producer.config': { arg: 'String: config file', description: 'Producer config properties file. Note that [producer-property] takes precedence over this config.' },
    property: {
      arg: 'String: prop',
      description:
        'A mechanism to pass user-defined properties in the form key=value to the message reader. This allows custom configuration for a user-defined message reader. Default properties include: parse.key=false parse.headers=false ignore.error=false key.separator=\\t headers.delimiter=\\t headers.separator=, headers.key.separator=: null.marker= When set, any fields (key, value and headers) equal to this will be replaced by null Default parsing pattern when: parse.headers=true and parse.key=true: "h1:v1,h2:v2...\\tkey\\tvalue" parse.key=true: "key\\tvalue" parse.headers=true: "h1:v1,h2:v2...\\tvalue"',
      multiple: true,
    },
    'reader-config': { arg: 'String: config file', description: 'Config properties file for the message reader. Note that [property] takes precedence over this config.' },
    'request-required-acks': { arg: 'String: request required acks', description: 'The required `acks` of the producer requests', default: '-1' },
    'request-timeout-ms': { arg: 'Integer: request timeout ms', description: 'The ack timeout of the producer requests. Value must be non-negative and non-zero.', default: '1500' },
    'retry-backoff-ms': { arg: 'Long', description: 'Before each retry, the producer refreshes the metadata of relevant topics. Since leader election takes a bit of time, this property specifies the amount of time that the producer waits before refreshing the metadata. This is the option to control `retry.backoff.ms` in producer configs.', default: '100' },
    'socket-buffer-size': { arg: 'Integer: size', description: 'The size of the tcp RECV size. This is the option to control `send.buffer.bytes` in producer configs. (Brook: accepted and ignored.)', default: '102400' },
    sync: { description: 'If set message send requests to the brokers are synchronously, one at a time as they arrive.' },
    timeout: { arg: 'Long: timeout_ms', description: 'If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size. The value is given in ms. This is the option to control `linger.ms` in producer configs.', default: '1000' },
    topic: { arg: 'String: topic', description: 'REQUIRED: The topic id to produce messages to.' },
  },
}

/**
 * joptsimple's optional argument for --compression-codec: the next word is
 * its value only if it does not look like an option, so a bare
 * `--compression-codec` (gzip, in Kafka) becomes `--compression-codec=`.
 */
export function withOptionalCodec(argv: string[]): string[] {
  return argv.flatMap((a, i) => (a === '--compression-codec' && (i + 1 >= argv.length || argv[i + 1]!.startsWith('-')) ? ['--compression-codec='] : [a]))
}

/** Kafka's ToolsUtils.validatePortOrDie: every entry must end in `:<port>`. */
export function checkHostPorts(list: string): void {
  if (!list.split(',').every((hp) => /^.*?\[?[0-9a-zA-Z\-%._:]*\]?:[0-9]+$/.test(hp))) throw new UsageError('Please provide valid host:port like host1:9091,host2:9092')
}

/** Kafka's ConsoleProducer.producerProps: the properties the producer is made from. */
export async function producerProps(args: ParsedArgs): Promise<Properties> {
  const props: Properties = args.has('producer.config') ? await readConfigFile('--producer.config', args.value('producer.config')!) : {}
  Object.assign(props, parseKeyValueArgs(args.values('producer-property')))
  props['bootstrap.servers'] = args.value('bootstrap-server') ?? args.value('broker-list')!
  const codec = args.value('compression-codec')
  props['compression.type'] = codec === undefined ? 'none' : codec === '' ? 'gzip' : codec
  props['client.id'] ??= 'console-producer'
  // CommandLineUtils.maybeMergeOptions: a given option wins; its default fills only an unset key.
  const merge = (key: string, option: string) => {
    if (args.has(option) || !(key in props)) props[key] = args.value(option)!
  }
  merge('linger.ms', 'timeout')
  merge('acks', 'request-required-acks')
  merge('request.timeout.ms', 'request-timeout-ms')
  merge('retries', 'message-send-max-retries')
  merge('retry.backoff.ms', 'retry-backoff-ms')
  merge('send.buffer.bytes', 'socket-buffer-size')
  merge('buffer.memory', 'max-memory-bytes')
  merge('batch.size', 'batch-size')
  merge('batch.size', 'max-partition-memory-bytes')
  merge('metadata.max.age.ms', 'metadata-expiry-ms')
  merge('max.block.ms', 'max-block-ms')
  return props
}

/** The reader's properties: --reader-config, then --property, and the topic. */
async function readerProps(args: ParsedArgs): Promise<Properties> {
  const props = args.has('reader-config') ? await readConfigFile('--reader-config', args.value('reader-config')!) : {}
  return { ...props, ...parseKeyValueArgs(args.values('property')) }
}

export interface ConsoleIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; destroy(): void }
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
}

export async function consoleProducer(args: ParsedArgs, io: ConsoleIo = { stdin: process.stdin, stdout: process.stdout }): Promise<number> {
  if (!args.has('bootstrap-server') && !args.has('broker-list')) throw new UsageError('Missing required option(s) [bootstrap-server]')
  const topic = args.required('topic')
  checkHostPorts(args.value('bootstrap-server') ?? args.value('broker-list')!)
  for (const o of ['batch-size', 'max-partition-memory-bytes', 'message-send-max-retries', 'request-timeout-ms', 'socket-buffer-size', 'timeout', 'retry-backoff-ms', 'metadata-expiry-ms', 'max-block-ms', 'max-memory-bytes']) args.int(o)
  if (!LINE_READERS.has(args.value('line-reader')!)) throw new UsageError(`Brook has no line reader ${args.value('line-reader')}: only kafka.tools.ConsoleProducer$LineMessageReader (the default)`)

  const props = await producerProps(args)
  // Java client settings Brook's producer has no counterpart for, set by the tool's defaults: not worth a warning.
  delete props['retries']
  delete props['send.buffer.bytes']
  const options: ProducerOptions = producerOptions(props)
  const reader = new LineMessageReader(topic, await readerProps(args))
  const producer = new Producer(options)

  let failed = 0
  const onDelivery: DeliveryCallback = (error, _metadata, record) => {
    if (error === null) return
    failed++
    const describe = (b: unknown) => (b === null || b === undefined ? 'null' : `${(b as Buffer).length} bytes`)
    logLine('ERROR', `Error when sending message to topic ${record.topic} with key: ${describe(record.key)}, value: ${describe(record.value)} with error:`, 'org.apache.kafka.clients.producer.internals.ErrorLoggingCallback', error)
  }

  const prompt = io.stdin.isTTY === true && io.stdout.isTTY === true
  let stopping = false
  const onSignal = () => {
    if (stopping) process.exit(130)
    stopping = true
    io.stdin.destroy()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const send = async (record: LineRecord) => {
    if (args.has('sync')) await producer.send(record)
    else await producer.produce(record, onDelivery)
    if (prompt) io.stdout.write('>')
  }
  const splitter = new LineSplitter()
  try {
    if (prompt) io.stdout.write('>')
    try {
      for await (const chunk of io.stdin) {
        for (const line of splitter.push(chunk as Buffer)) await send(reader.readRecord(line))
        if (stopping) break
      }
    } catch (e) {
      // Destroying stdin on a signal ends the loop with a premature close: not an error.
      if (!stopping) throw e
    }
    const last = splitter.end()
    if (last !== undefined && !stopping) await send(reader.readRecord(last))
  } finally {
    await producer.close()
  }
  return failed > 0 ? 1 : 0
}
