/**
 * Producer throughput of Brook's client against kafkajs and
 * @platformatic/kafka (issue 5), side by side in one run against one broker
 * process. Not a test.
 *
 *   node dist/bench/client-producer.bench.js [--records 200000] [--size 100] [--runs 3] [--window 5000] [--rate 5000] [--seconds 5]
 *
 * Each client sends the same records to its own fresh one-partition topic
 * with acks=all, each in its idiomatic high-throughput way: Brook's
 * `send()` per record with up to `--window` sends outstanding (it batches by
 * itself, linger.ms 5, batch.size 16384, idempotent), and Brook's
 * asynchronous `produce()` per record, awaited (held back only by
 * buffer.memory), with a delivery callback; kafkajs and
 * @platformatic/kafka get arrays of `--window` records per call. Records/s
 * from the first send to the last acknowledgement; the median of `--runs`,
 * the clients taking turns.
 *
 * Then send latency: each client sends one record at a time, `--rate`
 * records per second for `--seconds` (not waiting for earlier sends), and
 * the time from the send call to its acknowledgement (acks=all) is recorded;
 * p50 and p99 over all records of the run are printed.
 *
 * A librdkafka binding takes part when one is built: BROOK_BENCH_RDKAFKA=<dir
 * of an installed node-rdkafka> (docs/BENCHMARKS.md says how it was built
 * here; it is not a dependency of Brook).
 */
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { Kafka, logLevel } from 'kafkajs'
import { Producer as PlatformaticProducer, ProduceAcks, stringSerializers } from '@platformatic/kafka'
import { Producer } from '../src/client/producer/producer.js'
import { startBrokerProcess } from './broker-process.js'

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    size: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    window: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '5' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (args.help) {
  console.log('usage: node dist/bench/client-producer.bench.js [--records 200000] [--size 100] [--runs 3] [--window 5000] [--rate 5000] [--seconds 5]')
  process.exit(0)
}
const N = Number(args.records)
const SIZE = Number(args.size)
const WINDOW = Number(args.window)
const value = 'x'.repeat(SIZE)

type Client = (bootstrap: string, topic: string) => Promise<void>

const clients: Record<string, Client> = {
  brook: async (bootstrap, topic) => {
    const p = new Producer({ bootstrapServers: [bootstrap], clientId: 'bench-brook' })
    await p.cluster.partitions(topic)
    for (let i = 0; i < N; i += WINDOW) {
      const sends = []
      for (let j = i; j < Math.min(N, i + WINDOW); j++) sends.push(p.send({ topic, value, partition: 0 }))
      await Promise.all(sends)
    }
    await p.close()
  },
  'brook-produce': async (bootstrap, topic) => {
    let failed = 0
    const p = new Producer({ bootstrapServers: [bootstrap], clientId: 'bench-brook', onDelivery: (e) => void (e && failed++) })
    await p.cluster.partitions(topic)
    for (let i = 0; i < N; i++) await p.produce({ topic, value, partition: 0 })
    await p.close()
    if (failed > 0) throw new Error(`${failed} records failed`)
  },
  kafkajs: async (bootstrap, topic) => {
    const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-kafkajs', logLevel: logLevel.NOTHING })
    const p = kafka.producer({ allowAutoTopicCreation: true })
    await p.connect()
    for (let i = 0; i < N; i += WINDOW) {
      const messages = Array.from({ length: Math.min(WINDOW, N - i) }, () => ({ value, partition: 0 }))
      await p.send({ topic, acks: -1, messages })
    }
    await p.disconnect()
  },
  platformatic: async (bootstrap, topic) => {
    const p = new PlatformaticProducer({ clientId: 'bench-platformatic', bootstrapBrokers: [bootstrap], serializers: stringSerializers, autocreateTopics: true })
    for (let i = 0; i < N; i += WINDOW) {
      const messages = Array.from({ length: Math.min(WINDOW, N - i) }, () => ({ topic, value, partition: 0 }))
      await p.send({ messages, acks: ProduceAcks.ALL })
    }
    await p.close()
  },
}

/** Opens a producer and returns a function sending one record (resolving on acknowledgement) and a closer. */
type OneAtATime = (bootstrap: string, topic: string) => Promise<{ send: () => Promise<unknown>; close: () => Promise<void> }>

const oneAtATime: Record<string, OneAtATime> = {
  brook: async (bootstrap, topic) => {
    const p = new Producer({ bootstrapServers: [bootstrap], clientId: 'bench-brook' })
    await p.send({ topic, value, partition: 0 })
    return { send: () => p.send({ topic, value, partition: 0 }), close: () => p.close() }
  },
  kafkajs: async (bootstrap, topic) => {
    const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-kafkajs', logLevel: logLevel.NOTHING })
    const p = kafka.producer({ allowAutoTopicCreation: true })
    await p.connect()
    await p.send({ topic, acks: -1, messages: [{ value, partition: 0 }] })
    return { send: () => p.send({ topic, acks: -1, messages: [{ value, partition: 0 }] }), close: () => p.disconnect() }
  },
  platformatic: async (bootstrap, topic) => {
    const p = new PlatformaticProducer({ clientId: 'bench-platformatic', bootstrapBrokers: [bootstrap], serializers: stringSerializers, autocreateTopics: true })
    await p.send({ messages: [{ topic, value, partition: 0 }], acks: ProduceAcks.ALL })
    return { send: () => p.send({ messages: [{ topic, value, partition: 0 }], acks: ProduceAcks.ALL }), close: () => p.close() }
  },
}

/** Sends at `rate` records/s for `seconds`, one send per record; resolves with every latency in ms. */
async function latencies(open: OneAtATime, bootstrap: string, topic: string, rate: number, seconds: number): Promise<number[]> {
  const { send, close } = await open(bootstrap, topic)
  const out: number[] = []
  const pending: Promise<unknown>[] = []
  const start = performance.now()
  let sent = 0
  const total = rate * seconds
  while (sent < total) {
    // Catch up with the schedule every millisecond, as a steady source would.
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate))
    for (; sent < due; sent++) {
      const t = performance.now()
      pending.push(send().then(() => out.push(performance.now() - t)))
    }
    await new Promise((r) => setTimeout(r, 1))
  }
  await Promise.all(pending)
  await close()
  return out
}

/** node-rdkafka, if BROOK_BENCH_RDKAFKA names an installed copy. */
const rdkafka: any = process.env.BROOK_BENCH_RDKAFKA ? createRequire(import.meta.url)(process.env.BROOK_BENCH_RDKAFKA) : undefined
if (rdkafka) {
  clients['node-rdkafka'] = async (bootstrap, topic) => {
    const p = new rdkafka.Producer({ 'bootstrap.servers': bootstrap, acks: 'all', dr_cb: true, 'linger.ms': 5, 'queue.buffering.max.messages': 1_000_000 })
    await new Promise((resolve, reject) => p.connect({}, (e: Error | null) => (e ? reject(e) : resolve(undefined))))
    p.setPollInterval(1)
    let delivered = 0
    const done = new Promise<void>((resolve) =>
      p.on('delivery-report', () => {
        if (++delivered === N) resolve()
      }),
    )
    const buf = Buffer.from(value)
    for (let i = 0; i < N; i++) {
      for (;;) {
        try {
          p.produce(topic, 0, buf)
          break
        } catch {
          await new Promise((r) => setTimeout(r, 1)) // queue full: let deliveries drain
        }
      }
    }
    await done
    await new Promise((resolve) => p.disconnect(resolve))
  }
  oneAtATime['node-rdkafka'] = async (bootstrap, topic) => {
    const p = new rdkafka.Producer({ 'bootstrap.servers': bootstrap, acks: 'all', dr_cb: true, 'linger.ms': 5 })
    await new Promise((resolve, reject) => p.connect({}, (e: Error | null) => (e ? reject(e) : resolve(undefined))))
    p.setPollInterval(1)
    const waiting = new Map<number, () => void>()
    let next = 0
    p.on('delivery-report', (_e: Error | null, report: { opaque: number }) => {
      waiting.get(report.opaque)?.()
      waiting.delete(report.opaque)
    })
    const buf = Buffer.from(value)
    return {
      send: () =>
        new Promise<void>((resolve) => {
          const id = next++
          waiting.set(id, resolve)
          p.produce(topic, 0, buf, null, Date.now(), id)
        }),
      close: () => new Promise<void>((resolve) => p.disconnect(() => resolve())),
    }
  }
}

const broker = await startBrokerProcess({ overrides: ['num.partitions=1'] })
const bootstrap = `${broker.host}:${broker.port}`
try {
  const rates: Record<string, number[]> = {}
  for (let run = 0; run < Number(args.runs); run++) {
    const order = Object.keys(clients)
    for (let k = 0; k < run % order.length; k++) order.push(order.shift()!)
    for (const name of order) {
      const t0 = performance.now()
      await clients[name]!(bootstrap, `bench-${name}-${run}`)
      ;(rates[name] ??= []).push(N / ((performance.now() - t0) / 1000))
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const brookSend = median(rates.brook!)
  const brookProduce = median(rates['brook-produce']!)
  for (const [name, xs] of Object.entries(rates)) {
    const m = median(xs)
    console.log(`${name.padEnd(13)} ${Math.round(m).toLocaleString('en-US').padStart(11)} records/s (${((m * SIZE) / 1e6).toFixed(1)} MB/s)  runs ${xs.map((x) => Math.round(x)).join(' ')}${name.startsWith('brook') ? '' : `  brook send/${name} ${(brookSend / m).toFixed(2)}x, brook produce/${name} ${(brookProduce / m).toFixed(2)}x`}`)
    console.log(`RESULT bench=client-producer client=${name} size=${SIZE} records=${N} per_s=${Math.round(m)}`)
  }
  const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!
  for (const [name, open] of Object.entries(oneAtATime)) {
    const xs = (await latencies(open, bootstrap, `bench-latency-${name}`, Number(args.rate), Number(args.seconds))).sort((a, b) => a - b)
    console.log(`${name.padEnd(13)} send latency at ${args.rate}/s, one record per send: p50 ${pct(xs, 50).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms (${xs.length} records)`)
    console.log(`RESULT bench=client-producer-latency client=${name} size=${SIZE} rate=${args.rate} p50_ms=${pct(xs, 50).toFixed(2)} p99_ms=${pct(xs, 99).toFixed(2)}`)
  }
} finally {
  await broker.stop()
}
