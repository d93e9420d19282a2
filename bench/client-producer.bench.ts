/**
 * Producer throughput of Brook's client against kafkajs and
 * @platformatic/kafka (issue 5), side by side in one run against one broker
 * process. Not a test.
 *
 *   node dist/bench/client-producer.bench.js [--records 200000] [--size 100] [--runs 3] [--window 5000]
 *
 * Each client sends the same records to its own fresh one-partition topic
 * with acks=all, each in its idiomatic high-throughput way: Brook's
 * `send()` per record with up to `--window` sends outstanding (it batches by
 * itself, linger.ms 5, batch.size 16384, idempotent); kafkajs and
 * @platformatic/kafka get arrays of `--window` records per call. Records/s
 * from the first send to the last acknowledgement; the median of `--runs`,
 * the clients taking turns.
 */
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
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (args.help) {
  console.log('usage: node dist/bench/client-producer.bench.js [--records 200000] [--size 100] [--runs 3] [--window 5000]')
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
  const brook = median(rates.brook!)
  for (const [name, xs] of Object.entries(rates)) {
    const m = median(xs)
    console.log(`${name.padEnd(13)} ${Math.round(m).toLocaleString('en-US').padStart(11)} records/s (${((m * SIZE) / 1e6).toFixed(1)} MB/s)  runs ${xs.map((x) => Math.round(x)).join(' ')}${name === 'brook' ? '' : `  brook/${name} ${(brook / m).toFixed(2)}x`}`)
    console.log(`RESULT bench=client-producer client=${name} size=${SIZE} records=${N} per_s=${Math.round(m)}`)
  }
} finally {
  await broker.stop()
}
