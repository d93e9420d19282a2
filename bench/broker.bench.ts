/**
 * Broker benchmark (issue 3). Not a test: run after a build with
 *   node dist/bench/broker.bench.js [options]      (--help lists them)
 * and record the figures in docs/BENCHMARKS.md with the command line.
 *
 * Starts a Brook broker process (the CLI, as users run it) with a temporary
 * log dir, unless --bootstrap points at a running broker, and measures with a
 * small load generator on Brook's protocol layer (bench/wire-client.ts; a
 * general-purpose JS client would be the bottleneck):
 *   produce  records/s and MB/s, per value size and acks, median of --runs
 *   consume  records/s and MB/s from offset 0 of what produce wrote
 *   latency  end-to-end p50/p99/p99.9 at --rate records/s for --seconds
 *   startup  spawn -> first accepted TCP connection, and -> first ApiVersions answer
 *   memory   broker VmRSS idle after start, after the produce runs, after consume
 * Each measurement prints a human line and a `RESULT key=value ...` line
 * (the format of ../shared/tools/kafka-bench/rdperf) for scripts.
 */
import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { residentMemory, startBrokerProcess, type BrokerProcess } from './broker-process.js'
import { runConsume, runLatency, runProduce, type ConsumeResult, type ProduceResult } from './broker-workloads.js'
import { WireConnection, createTopic, parseHostPort } from './wire-client.js'

const USAGE = `usage: node dist/bench/broker.bench.js [options]

Measures a Brook broker: produce and consume throughput, end-to-end latency,
start-up time and resident memory. Without --bootstrap it starts a broker
process (dist/cli/kafka-server-start.cjs) with a temporary log dir.

  --bootstrap HOST:PORT  measure a running broker (skips memory; startup still
                         spawns its own brokers)
  --only LIST            phases, comma-separated (default all):
                         produce,consume,latency,startup,memory
  --records N            records per produce/consume run (default 1000000)
  --size BYTES[,BYTES]   value sizes (default 100,1024)
  --acks LIST            produce acks: 1, all (-1), or both (default 1,all)
  --partitions P         partitions per topic (default 1)
  --runs R               produce/consume runs per case; median reported (default 3)
  --batch-bytes B        produce batch size cap (default 1000000, librdkafka batch.size)
  --batch-records R      produce batch record cap (default 10000, batch.num.messages)
  --in-flight K          produce requests in flight per connection (default 8)
  --fetch-bytes B        consume: per-partition max bytes of a Fetch (default 1048576)
  --rate R               latency: records per second (default 10000)
  --seconds S            latency: duration (default 10)
  --warmup S             latency: first seconds not counted (default 1)
  --latency-size BYTES   latency: value size (default 100)
  --startup-runs N       startup: broker processes spawned (default 5)
  --log-parent DIR       spawned brokers' temporary log dirs go under DIR
                         (default the OS temp dir; e.g. /dev/shm for tmpfs)
  --override KEY=VALUE   extra server.properties line for spawned brokers (repeatable)
  --broker-node-args S   node flags for the spawned broker, space-separated
                         (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
  -h, --help             this text
`

const PHASES = ['produce', 'consume', 'latency', 'startup', 'memory'] as const
type Phase = (typeof PHASES)[number]

interface Options {
  bootstrap: string | null
  phases: Set<Phase>
  records: number
  sizes: number[]
  acks: number[]
  partitions: number
  runs: number
  batchBytes: number
  batchRecords: number
  inFlight: number
  fetchBytes: number
  rate: number
  seconds: number
  warmup: number
  latencySize: number
  startupRuns: number
  overrides: string[]
  logParent: string | undefined
  brokerNodeArgs: string[]
}

function parseArgs(argv: string[]): Options | null {
  const o: Options = {
    bootstrap: null,
    phases: new Set(PHASES),
    records: 1_000_000,
    sizes: [100, 1024],
    acks: [1, -1],
    partitions: 1,
    runs: 3,
    batchBytes: 1_000_000,
    batchRecords: 10_000,
    inFlight: 8,
    fetchBytes: 1 << 20,
    rate: 10_000,
    seconds: 10,
    warmup: 1,
    latencySize: 100,
    startupRuns: 5,
    overrides: [],
    logParent: undefined,
    brokerNodeArgs: [],
  }
  const int = (flag: string, v: string | undefined, min = 1): number => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer >= ${min}, got '${v ?? ''}'`)
    return n
  }
  const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const v = () => argv[++i]
    switch (a) {
      case '-h':
      case '--help':
        return null
      case '--bootstrap':
        o.bootstrap = v() ?? ''
        parseHostPort(o.bootstrap)
        break
      case '--only': {
        const ph = list(v())
        for (const p of ph) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase '${p}'`)
        o.phases = new Set(ph as Phase[])
        break
      }
      case '--records':
        o.records = int(a, v())
        break
      case '--size':
      case '--sizes':
        o.sizes = list(v()).map((s) => int(a, s))
        break
      case '--acks':
        o.acks = list(v()).map((s) => (s === 'all' || s === '-1' ? -1 : s === '1' ? 1 : NaN))
        if (o.acks.some((x) => Number.isNaN(x)) || o.acks.length === 0) throw new Error('--acks takes 1, all or both')
        break
      case '--partitions':
        o.partitions = int(a, v())
        break
      case '--runs':
        o.runs = int(a, v())
        break
      case '--batch-bytes':
        o.batchBytes = int(a, v(), 128)
        break
      case '--batch-records':
        o.batchRecords = int(a, v())
        break
      case '--in-flight':
        o.inFlight = int(a, v())
        break
      case '--fetch-bytes':
        o.fetchBytes = int(a, v(), 1024)
        break
      case '--rate':
        o.rate = int(a, v())
        break
      case '--seconds':
        o.seconds = int(a, v())
        break
      case '--warmup':
        o.warmup = int(a, v(), 0)
        break
      case '--latency-size':
        o.latencySize = int(a, v(), 16)
        break
      case '--startup-runs':
        o.startupRuns = int(a, v())
        break
      case '--override':
        o.overrides.push(v() ?? '')
        if (!o.overrides.at(-1)!.includes('=')) throw new Error('--override takes KEY=VALUE')
        break
      case '--log-parent':
        o.logParent = v()
        if (!o.logParent) throw new Error('--log-parent takes a directory')
        break
      case '--broker-node-args':
        o.brokerNodeArgs = (v() ?? '').split(' ').filter(Boolean)
        break
      default:
        throw new Error(`unknown option '${a}'`)
    }
  }
  if (o.bootstrap) o.phases.delete('memory')
  return o
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const acksName = (acks: number) => (acks === -1 ? 'all' : String(acks))

function result(fields: Record<string, string | number | boolean>): void {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v}`)
  console.log(`RESULT ${parts.join(' ')}`)
}

/** Wall time of `node -e 0` (spawn to exit): the floor under any Node process's start-up. */
function nodeBaselineMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' })
    child.once('error', reject)
    child.once('exit', () => resolve(performance.now() - t0))
  })
}

async function phaseStartup(o: Options): Promise<void> {
  const accept: number[] = []
  const api: number[] = []
  const baseline: number[] = []
  for (let i = 0; i < o.startupRuns; i++) {
    baseline.push(await nodeBaselineMs())
    const b = await startBrokerProcess({ overrides: o.overrides, logParent: o.logParent })
    accept.push(b.acceptMs)
    api.push(b.apiVersionsMs)
    await b.stop()
  }
  console.log(
    `startup: first accepted connection ${fmt(median(accept), 1)} ms, first ApiVersions answer ${fmt(median(api), 1)} ms ` +
      `(median of ${o.startupRuns}; all accept: ${accept.map((x) => fmt(x, 1)).join(' ')}); node -e 0 alone ${fmt(median(baseline), 1)} ms`,
  )
  result({ mode: 'startup', runs: o.startupRuns, accept_ms: median(accept), apiversions_ms: median(api), accept_min_ms: Math.min(...accept), accept_max_ms: Math.max(...accept), node_baseline_ms: median(baseline) })
}

async function memory(b: BrokerProcess | null, when: string): Promise<void> {
  if (!b) return
  const m = await residentMemory(b.pid)
  console.log(`memory ${when}: VmRSS ${fmt(m.rssMiB, 1)} MiB (peak VmHWM ${fmt(m.hwmMiB, 1)} MiB)`)
  result({ mode: 'memory', when, rss_mib: m.rssMiB, hwm_mib: m.hwmMiB })
}

async function main(): Promise<number> {
  let o: Options | null
  try {
    o = parseArgs(process.argv.slice(2))
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (!o) {
    console.log(USAGE)
    return 0
  }

  const needsBroker = o.phases.has('produce') || o.phases.has('consume') || o.phases.has('latency') || o.phases.has('memory')
  let broker: BrokerProcess | null = null
  let host: string
  let port: number
  if (o.bootstrap) {
    ;({ host, port } = parseHostPort(o.bootstrap))
  } else if (needsBroker) {
    broker = await startBrokerProcess({ overrides: o.overrides, nodeArgs: o.brokerNodeArgs, logParent: o.logParent })
    ;({ host, port } = broker)
    console.log(`broker: pid ${broker.pid} on ${host}:${port}, log dir ${broker.logDir} (ready in ${fmt(broker.acceptMs, 1)} ms)`)
  } else {
    host = '127.0.0.1'
    port = 0
  }

  try {
    if (o.phases.has('memory') && broker) {
      await new Promise((r) => setTimeout(r, 1000))
      await memory(broker, 'idle')
    }
    const runId = randomBytes(3).toString('hex')
    // Topics with data, per value size, for the consume phase.
    const filled = new Map<number, string[]>()

    if (o.phases.has('produce') || o.phases.has('consume')) {
      const conn = await WireConnection.open(host, port)
      try {
        const acksList = o.phases.has('produce') ? o.acks : [1]
        for (const size of o.sizes) {
          for (const acks of acksList) {
            const results: ProduceResult[] = []
            for (let run = 0; run < o.runs; run++) {
              const topic = `bench-${runId}-${size}b-acks${acksName(acks)}-p${o.partitions}-r${run}`
              await createTopic(conn, topic, o.partitions)
              const r = await runProduce(conn, { topic, partitions: o.partitions, records: o.records, valueBytes: size, acks, batchBytes: o.batchBytes, batchRecords: o.batchRecords, inFlight: o.inFlight })
              results.push(r)
              if (acks === acksList[0]) filled.set(size, [...(filled.get(size) ?? []), topic])
            }
            if (!o.phases.has('produce')) continue
            const rps = median(results.map((r) => r.recordsPerSecond))
            const mbps = median(results.map((r) => r.mbPerSecond))
            const r0 = results[0]!
            console.log(
              `produce ${size} B acks=${acksName(acks)} partitions=${o.partitions}: ${fmt(rps)} records/s, ${fmt(mbps, 1)} MB/s ` +
                `(median of ${o.runs}: ${results.map((r) => fmt(r.recordsPerSecond)).join(' ')}; ${r0.recordsPerBatch} records = ${fmt(r0.batchBytes / 1024)} KiB per request, ${o.inFlight} in flight)`,
            )
            result({ mode: 'produce', size, acks: acksName(acks), partitions: o.partitions, msgs: o.records, runs: o.runs, msgs_per_s: Math.round(rps), mb_per_s: mbps, records_per_batch: r0.recordsPerBatch, in_flight: o.inFlight })
          }
        }
        if (o.phases.has('memory')) await memory(broker, 'after-produce')

        if (o.phases.has('consume')) {
          for (const size of o.sizes) {
            const results: ConsumeResult[] = []
            for (const topic of filled.get(size) ?? []) {
              results.push(await runConsume(conn, { topic, partitions: o.partitions, records: o.records, valueBytes: size, partitionMaxBytes: o.fetchBytes, maxBytes: 50 << 20, idleMs: 10_000 }))
            }
            const rps = median(results.map((r) => r.recordsPerSecond))
            const mbps = median(results.map((r) => r.mbPerSecond))
            const complete = results.every((r) => r.complete)
            console.log(
              `consume ${size} B partitions=${o.partitions}: ${fmt(rps)} records/s, ${fmt(mbps, 1)} MB/s ` +
                `(median of ${results.length}: ${results.map((r) => fmt(r.recordsPerSecond)).join(' ')}; ${results[0]!.fetches} fetches of <= ${fmt(o.fetchBytes / 1024)} KiB/partition${complete ? '' : '; INCOMPLETE'})`,
            )
            result({ mode: 'consume', size, partitions: o.partitions, msgs: o.records, runs: results.length, msgs_per_s: Math.round(rps), mb_per_s: mbps, complete })
          }
          if (o.phases.has('memory')) await memory(broker, 'after-consume')
        }
      } finally {
        conn.close()
      }
    }

    if (o.phases.has('latency')) {
      const admin = await WireConnection.open(host, port)
      const producer = await WireConnection.open(host, port)
      const consumer = await WireConnection.open(host, port)
      try {
        const topic = `bench-${runId}-latency`
        await createTopic(admin, topic, 1)
        const r = await runLatency(producer, consumer, { topic, rate: o.rate, seconds: o.seconds, warmupSeconds: o.warmup, valueBytes: o.latencySize, acks: 1, maxWaitMs: 500 })
        console.log(
          `latency at ${fmt(o.rate)} records/s for ${o.seconds} s (achieved ${fmt(r.achievedRate)}/s, ${r.samples} samples after ${o.warmup} s warm-up): ` +
            `p50 ${fmt(r.p50Ms, 3)} p90 ${fmt(r.p90Ms, 3)} p99 ${fmt(r.p99Ms, 3)} p99.9 ${fmt(r.p999Ms, 3)} max ${fmt(r.maxMs, 3)} ms; ack p50 ${fmt(r.ackP50Ms, 3)} p99 ${fmt(r.ackP99Ms, 3)} ms; producer max lag ${fmt(r.producerMaxLagMs, 3)} ms`,
        )
        result({ mode: 'latency', rate: o.rate, achieved_rate: Math.round(r.achievedRate), seconds: o.seconds, size: o.latencySize, acks: 1, sent: r.sent, recv: r.received, samples: r.samples, p50_ms: r.p50Ms, p90_ms: r.p90Ms, p99_ms: r.p99Ms, p999_ms: r.p999Ms, max_ms: r.maxMs, ack_p50_ms: r.ackP50Ms, ack_p99_ms: r.ackP99Ms, producer_max_lag_ms: r.producerMaxLagMs })
      } finally {
        admin.close()
        producer.close()
        consumer.close()
      }
    }
  } finally {
    if (broker) await broker.stop()
  }

  if (o.phases.has('startup')) await phaseStartup(o)
  return 0
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
