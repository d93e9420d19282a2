/**
 * kafka-producer-perf-test: Kafka's `ProducerPerformance` (tools, 3.7-3.9)
 * over Brook's producer. Sends `--num-records` records of random uppercase
 * letters (`--record-size`), of payloads read from a file
 * (`--payload-file`, split at `--payload-delimiter`) or of increasing
 * integers (`--payload-monotonic`), at most `--throughput` records a second
 * (-1: as fast as it goes), and prints Kafka's lines:
 *
 *   every 5 s:  N records sent, X records/sec (Y MB/sec), Z ms avg latency, W ms max latency.
 *   at the end: N records sent, X records/sec (Y MB/sec), Z ms avg latency, W ms max latency,
 *               P ms 50th, P ms 95th, P ms 99th, P ms 99.9th.
 *
 * with Kafka's number formats (`%.1f` in the progress line, `%f` and `%.2f`
 * in the summary). A record's latency runs from just before `produce()` to
 * its delivery callback, in whole milliseconds, as Kafka's `PerfCallback`
 * measures it; only delivered records count.
 *
 * Producer settings come from `--producer.config` then `--producer-props
 * k=v ...` (several values after one flag, as Kafka's argparse `nargs='+'`),
 * with the Java property names (client-config.ts); client.id defaults to
 * perf-producer-client.
 *
 * Deviations from Kafka: transactions (`--transactional-id`,
 * `--transaction-duration-ms`, a transactional.id property) are refused
 * with a one-line error, as Brook has no transactions yet. `--print-metrics`
 * prints, in Kafka's metrics table, the counts this tool measured under
 * Kafka's names (record-send-total/-rate, record-error-total/-rate): Brook's
 * producer keeps no metrics registry. When a record fails, Kafka prints the
 * exception and carries on; this tool prints the error once, stops sending,
 * prints the summary of what was delivered and exits 1 with
 * `Error: <n> records failed, <m> of <total> delivered: <first error>`. A `k=v` value may contain `=`
 * (Kafka refuses it).
 */
import { randomFillSync } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Producer } from '../client/producer/producer.js'
import { SYSTEM_TIME, type Time } from '../common/time.js'
import { keyValues, producerOptions, readConfigFile, type Properties } from './client-config.js'
import { type ParsedArgs, type ToolSpec, UsageError } from './command-line.js'
import { javaDefaultFixed, javaFixed, metricsTable } from './java-format.js'
import { ThroughputThrottler } from './throughput-throttler.js'

const PAYLOAD_ONE_OF = 'Note that you must provide exactly one of --record-size or --payload-file or --payload-monotonic.'

export const PRODUCER_PERFORMANCE_SPEC: ToolSpec = {
  name: 'kafka-producer-perf-test',
  summary:
    'This tool is used to verify the producer performance. Either --record-size, --payload-file or --payload-monotonic must be given, and either --producer-props or --producer.config. Transactions are not supported by Brook yet.',
  options: {
    topic: { arg: 'TOPIC', description: 'produce messages to this topic' },
    'num-records': { arg: 'NUM-RECORDS', description: 'number of messages to produce' },
    'record-size': { arg: 'RECORD-SIZE', description: `message size in bytes. ${PAYLOAD_ONE_OF}` },
    'payload-file': {
      arg: 'PAYLOAD-FILE',
      description: `file to read the message payloads from. This works only for UTF-8 encoded text files. Payloads will be read from this file and a payload will be randomly selected when sending messages. ${PAYLOAD_ONE_OF}`,
    },
    'payload-monotonic': { description: `payload is monotonically increasing integer. ${PAYLOAD_ONE_OF}` },
    'payload-delimiter': {
      arg: 'PAYLOAD-DELIMITER',
      description: 'provides delimiter to be used when --payload-file is provided. Defaults to new line. Note that this parameter will be ignored if --payload-file is not provided.',
      default: '\\n',
    },
    throughput: { arg: 'THROUGHPUT', description: 'throttle maximum message throughput to *approximately* THROUGHPUT messages/sec. Set this to -1 to disable throttling.' },
    'producer-props': {
      arg: 'PROP-NAME=PROP-VALUE',
      description: 'kafka producer related configuration properties like bootstrap.servers,client.id etc. These configs take precedence over those passed via --producer.config. Several may follow one --producer-props.',
      multiple: true,
    },
    'producer.config': { arg: 'CONFIG-FILE', description: 'producer config properties file.' },
    'print-metrics': { description: "print out metrics at the end of the test (the tool's own counts: Brook's producer keeps no metrics)." },
    'transactional-id': { arg: 'TRANSACTIONAL-ID', description: 'Not supported: Brook has no transactions yet.' },
    'transaction-duration-ms': { arg: 'TRANSACTION-DURATION', description: 'Not supported: Brook has no transactions yet.' },
  },
}

/**
 * Rewrites argparse's `--producer-props a=1 b=2` (every following argument
 * up to the next option) into one `--producer-props` per value, the form the
 * shared parser reads.
 */
export function expandProducerProps(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a !== '--producer-props') {
      out.push(a)
      continue
    }
    let n = 0
    // argparse stops at the next option; a negative number is a value.
    while (i + 1 < argv.length && !/^-(?!\d)/.test(argv[i + 1]!)) {
      out.push(a, argv[++i]!)
      n++
    }
    if (n === 0) throw new UsageError('argument --producer-props: expected at least one argument')
  }
  return out
}

/**
 * Kafka's `ProducerPerformance.Stats`: totals, a latency sample (at most
 * 500,000 latencies, every `sampling`-th record) for the percentiles, and a
 * window printed every `reportingIntervalMs` from the delivery callbacks.
 */
export class ProducerPerfStats {
  readonly #time: Time
  readonly #print: (line: string) => void
  readonly #start: number
  readonly #latencies: Int32Array
  readonly #sampling: number
  readonly #reportingIntervalMs: number
  #iteration = 0
  #index = 0
  #count = 0
  #bytes = 0
  #maxLatency = 0
  #totalLatency = 0
  #windowCount = 0
  #windowMaxLatency = 0
  #windowTotalLatency = 0
  #windowBytes = 0
  #windowStart: number

  constructor(numRecords: number, reportingIntervalMs: number, print: (line: string) => void, time: Time = SYSTEM_TIME) {
    this.#time = time
    this.#print = print
    this.#start = this.#windowStart = time.nowMs()
    this.#sampling = Math.trunc(numRecords / Math.min(numRecords, 500_000))
    this.#latencies = new Int32Array(Math.trunc(numRecords / this.#sampling) + 1)
    this.#reportingIntervalMs = reportingIntervalMs
  }

  get count(): number {
    return this.#count
  }

  record(latencyMs: number, bytes: number, nowMs: number): void {
    this.#count++
    this.#bytes += bytes
    this.#totalLatency += latencyMs
    this.#maxLatency = Math.max(this.#maxLatency, latencyMs)
    this.#windowCount++
    this.#windowBytes += bytes
    this.#windowTotalLatency += latencyMs
    this.#windowMaxLatency = Math.max(this.#windowMaxLatency, latencyMs)
    if (this.#iteration % this.#sampling === 0 && this.#index < this.#latencies.length) this.#latencies[this.#index++] = latencyMs
    if (nowMs - this.#windowStart >= this.#reportingIntervalMs) {
      this.printWindow()
      this.#newWindow()
    }
    this.#iteration++
  }

  printWindow(): void {
    const elapsed = this.#time.nowMs() - this.#windowStart
    const recsPerSec = (1000.0 * this.#windowCount) / elapsed
    const mbPerSec = (1000.0 * this.#windowBytes) / elapsed / (1024.0 * 1024.0)
    this.#print(
      `${this.#windowCount} records sent, ${javaFixed(recsPerSec, 1)} records/sec (${javaFixed(mbPerSec, 2)} MB/sec), ` +
        `${javaFixed(this.#windowTotalLatency / this.#windowCount, 1)} ms avg latency, ${javaFixed(this.#windowMaxLatency, 1)} ms max latency.`,
    )
  }

  #newWindow(): void {
    this.#windowStart = this.#time.nowMs()
    this.#windowCount = 0
    this.#windowMaxLatency = 0
    this.#windowTotalLatency = 0
    this.#windowBytes = 0
  }

  printTotal(): void {
    const elapsed = this.#time.nowMs() - this.#start
    const recsPerSec = (1000.0 * this.#count) / elapsed
    const mbPerSec = (1000.0 * this.#bytes) / elapsed / (1024.0 * 1024.0)
    const [p50, p95, p99, p999] = percentiles(this.#latencies, this.#index, [0.5, 0.95, 0.99, 0.999])
    this.#print(
      `${this.#count} records sent, ${javaDefaultFixed(recsPerSec)} records/sec (${javaFixed(mbPerSec, 2)} MB/sec), ` +
        `${javaFixed(this.#totalLatency / this.#count, 2)} ms avg latency, ${javaFixed(this.#maxLatency, 2)} ms max latency, ` +
        `${p50} ms 50th, ${p95} ms 95th, ${p99} ms 99th, ${p999} ms 99.9th.`,
    )
  }
}

/** Kafka's `Stats.percentiles`: sorts the first `count` samples and picks `latencies[(int) (p * count)]`. */
export function percentiles(latencies: Int32Array, count: number, ps: number[]): number[] {
  const size = Math.min(count, latencies.length)
  const sorted = latencies.subarray(0, size).sort()
  return ps.map((p) => (size === 0 ? 0 : sorted[Math.trunc(p * size)]!))
}

/** Where record values come from: Kafka's `generateRandomPayload`. */
type PayloadSource = (i: number) => Buffer

/** Uppercase letters A-Z, fresh for every record (Kafka: `random.nextInt(26) + 65` per byte). */
function randomLetters(recordSize: number): PayloadSource {
  const LETTER = new Uint8Array(256)
  for (let b = 0; b < 256; b++) LETTER[b] = 65 + (b % 26)
  // Random bytes come in blocks and each is used once, so records stay as incompressible as Kafka's.
  const block = Buffer.alloc(Math.max(65536, recordSize))
  let used = block.length
  return () => {
    const payload = Buffer.allocUnsafe(recordSize)
    let filled = 0
    while (filled < recordSize) {
      if (used === block.length) {
        randomFillSync(block)
        used = 0
      }
      const n = Math.min(recordSize - filled, block.length - used)
      for (let j = 0; j < n; j++) payload[filled + j] = LETTER[block[used + j]!]!
      filled += n
      used += n
    }
    return payload
  }
}

/**
 * Kafka's `readPayloadFile`: the file's tokens as `java.util.Scanner` cuts
 * them with the delimiter as its pattern (a regular expression): an empty
 * token between two delimiters counts, none after a final one.
 */
async function readPayloadFile(path: string, delimiter: string, print: (line: string) => void): Promise<Buffer[]> {
  print(`Reading payloads from: ${resolve(path)}`)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError('File does not exist or empty file provided.')
    throw e
  }
  if (text.length === 0) throw new UsageError('File does not exist or empty file provided.')
  let pattern: RegExp
  try {
    pattern = new RegExp(delimiter, 'u')
  } catch (e) {
    throw new UsageError(`Invalid --payload-delimiter ${delimiter}: ${(e as Error).message}`)
  }
  const tokens = text.split(pattern)
  if (tokens[tokens.length - 1] === '') tokens.pop()
  const payloads = tokens.map((p) => Buffer.from(p, 'utf8'))
  print(`Number of messages read: ${payloads.length}`)
  return payloads
}

function parseNumber(args: ParsedArgs, name: string, integer: boolean): number | undefined {
  const v = args.value(name)
  if (v === undefined) return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) {
    throw new UsageError(`argument --${name}: could not convert '${v}' to ${integer ? 'Long' : 'Double'}`)
  }
  return n
}

/** The tool: parses, produces, prints; resolves with the exit code. */
export async function runProducerPerformance(args: ParsedArgs, print: (line: string) => void = (l) => void process.stdout.write(`${l}\n`), time: Time = SYSTEM_TIME): Promise<number> {
  for (const name of ['topic', 'num-records', 'throughput']) {
    if (!args.has(name)) throw new UsageError(`argument --${name} is required`)
  }
  const payloadOptions = ['record-size', 'payload-file', 'payload-monotonic'].filter((o) => args.has(o))
  if (payloadOptions.length === 0) throw new UsageError('one of the arguments --record-size --payload-file --payload-monotonic is required')
  if (payloadOptions.length > 1) throw new UsageError(`argument --${payloadOptions[1]}: not allowed with argument --${payloadOptions[0]}`)
  const topic = args.required('topic')
  const numRecords = parseNumber(args, 'num-records', true)!
  const throughput = parseNumber(args, 'throughput', false)!
  const recordSize = parseNumber(args, 'record-size', true)
  if (numRecords <= 0) throw new UsageError('--num-records should be greater than zero')
  if (recordSize !== undefined && recordSize <= 0) throw new UsageError('--record-size should be greater than zero')
  if (!args.has('producer-props') && !args.has('producer.config')) throw new UsageError('Either --producer-props or --producer.config must be specified.')

  const props: Properties = {
    ...(args.has('producer.config') ? await readConfigFile('--producer.config', args.required('producer.config')) : {}),
    ...keyValues('--producer-props', args.values('producer-props')),
  }
  if (args.has('transactional-id') || args.has('transaction-duration-ms') || props['transactional.id'] !== undefined) {
    throw new UsageError('Transactions are not supported by Brook yet (--transactional-id, --transaction-duration-ms, transactional.id)')
  }
  props['client.id'] ??= 'perf-producer-client'
  if (!props['bootstrap.servers']) throw new UsageError('Missing required configuration "bootstrap.servers" which has no default value.')

  // Kafka's default escapes the newline so that --help can print it.
  const delimiter = args.value('payload-delimiter') === '\\n' ? '\n' : args.value('payload-delimiter')!
  let payloadOf: PayloadSource
  if (args.has('payload-file')) {
    const payloads = await readPayloadFile(args.required('payload-file'), delimiter, print)
    if (payloads.length === 0) throw new UsageError('File does not exist or empty file provided.')
    payloadOf = () => payloads[Math.floor(Math.random() * payloads.length)]!
  } else if (recordSize !== undefined) payloadOf = randomLetters(recordSize)
  else payloadOf = (i) => Buffer.from(String(i))

  const producer = new Producer(producerOptions(props))
  const stats = new ProducerPerfStats(numRecords, 5000, print, time)
  const throttler = new ThroughputThrottler(throughput, time.nowMs())
  const startMs = time.nowMs()
  let failed = 0
  let firstError: Error | null = null
  let closed = false
  try {
    for (let i = 0; i < numRecords && firstError === null; i++) {
      const payload = payloadOf(i)
      const sendStartMs = time.nowMs()
      await producer.produce({ topic, value: payload }, (error) => {
        const now = time.nowMs()
        if (error === null) return stats.record(now - sendStartMs, payload.length, now)
        failed++
        if (firstError === null) {
          firstError = error
          process.stderr.write(`${error.name}: ${error.message}\n`)
        }
      })
      if (throttler.shouldThrottle(i, sendStartMs)) await throttler.throttle()
    }
    if (!args.has('print-metrics')) {
      await producer.close()
      closed = true
      stats.printTotal()
    } else {
      await producer.flush()
      stats.printTotal()
      const elapsedSec = (time.nowMs() - startMs) / 1000
      const tags = `{client-id=${props['client.id']}}`
      for (const line of metricsTable({
        [`producer-metrics:record-send-total:${tags}`]: stats.count,
        [`producer-metrics:record-send-rate:${tags}`]: stats.count / elapsedSec,
        [`producer-metrics:record-error-total:${tags}`]: failed,
        [`producer-metrics:record-error-rate:${tags}`]: failed / elapsedSec,
      }))
        print(line)
      await producer.close()
      closed = true
    }
  } finally {
    if (!closed) await producer.close().catch(() => undefined)
  }
  const error = firstError as Error | null
  if (error !== null) throw new UsageError(`${failed} records failed, ${stats.count} of ${numRecords} delivered: ${error.message}`)
  return 0
}
