/**
 * Consumer throughput of Brook's client against kafkajs and
 * @platformatic/kafka (issue 5), side by side in one run against one broker
 * process. Not a test.
 *
 *   node dist/bench/client-consumer.bench.js [--records 500000] [--size 100] [--runs 3] [--partitions 1]
 *
 * One topic is filled once with `--records` records of `--size` bytes
 * (Brook's producer, batches of 16 KiB, uncompressed). Then each client, as
 * a member of a fresh consumer group with auto.offset.reset=earliest, reads
 * them all, each in its idiomatic high-throughput way: Brook's `poll()`
 * batches, kafkajs `eachBatch`, @platformatic/kafka's stream. Records/s from
 * the first record received to the last (group join excluded); the median
 * of `--runs`, the clients taking turns.
 *
 * `raw-fetch` is the ceiling the broker sets: Fetch requests one after the
 * other on one connection (max.partition.fetch.bytes 1 MiB, as the clients
 * use), each asking from where the last ended, nothing decoded.
 *
 * A librdkafka binding takes part when one is built: BROOK_BENCH_RDKAFKA=<dir
 * of an installed node-rdkafka> (not a dependency of Brook).
 */
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { Kafka, logLevel } from 'kafkajs'
import { Consumer as PlatformaticConsumer, MessagesStreamModes } from '@platformatic/kafka'
import { Consumer } from '../src/client/consumer/consumer.js'
import { Producer } from '../src/client/producer/producer.js'
import { BrokerConnection } from '../src/client/network/broker-connection.js'
import { FetchApi } from '../src/protocol/messages/fetch.js'
import { scanRecordBatches } from '../src/protocol/records/record-batch-header.js'
import { startBrokerProcess } from './broker-process.js'

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '500000' },
    size: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    partitions: { type: 'string', default: '1' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (args.help) {
  console.log('usage: node dist/bench/client-consumer.bench.js [--records 500000] [--size 100] [--runs 3] [--partitions 1] [--only brook,raw-fetch,kafkajs,platformatic,node-rdkafka]')
  process.exit(0)
}
const N = Number(args.records)
const SIZE = Number(args.size)
const PARTITIONS = Number(args.partitions)

/** Reads N records as group `group`; resolves with the ms from the first record to the last. */
type Client = (bootstrap: string, topic: string, group: string) => Promise<number>

const clients: Record<string, Client> = {
  brook: async (bootstrap, topic, group) => {
    const c = new Consumer({ bootstrapServers: [bootstrap], groupId: group, autoOffsetReset: 'earliest', clientId: 'bench-brook' })
    await c.subscribe([topic])
    let n = 0
    let first = 0
    while (n < N) {
      const batch = await c.poll(1000)
      if (batch.length > 0 && first === 0) first = performance.now()
      n += batch.length
    }
    const ms = performance.now() - first
    await c.close()
    return ms
  },
  kafkajs: async (bootstrap, topic, group) => {
    const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-kafkajs', logLevel: logLevel.NOTHING })
    const c = kafka.consumer({ groupId: group, maxBytesPerPartition: 1_048_576 })
    await c.connect()
    await c.subscribe({ topic, fromBeginning: true })
    let n = 0
    let first = 0
    const ms = await new Promise<number>((resolve) => {
      void c.run({
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          if (first === 0) first = performance.now()
          n += batch.messages.length
          if (n >= N) resolve(performance.now() - first)
        },
      })
    })
    await c.disconnect()
    return ms
  },
  'raw-fetch': (bootstrap, topic) => rawFetch(bootstrap, topic),
  platformatic: async (bootstrap, topic, group) => {
    const c = new PlatformaticConsumer({ groupId: group, clientId: 'bench-platformatic', bootstrapBrokers: [bootstrap], maxBytesPerPartition: 1_048_576 })
    const stream = await c.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: true })
    let n = 0
    let first = 0
    for await (const _ of stream) {
      if (first === 0) first = performance.now()
      if (++n >= N) break
    }
    const ms = performance.now() - first
    await stream.close()
    await c.close()
    return ms
  },
}

/** Partition 0 read with bare Fetch requests: what the broker can serve to one fetcher that decodes nothing. */
async function rawFetch(bootstrap: string, topic: string): Promise<number> {
  const [host, port] = bootstrap.split(':')
  const c = await BrokerConnection.connect({ host: host!, port: Number(port), clientId: 'bench-raw' })
  const zero = '00000000-0000-0000-0000-000000000000'
  const target = N / PARTITIONS
  let offset = 0
  let n = 0
  const start = performance.now()
  while (n < target) {
    const res = await c.send(FetchApi, 12, {
      ...FetchApi.request.create(),
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52_428_800,
      topics: [{ topic, topicId: zero, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1_048_576, replicaDirectoryId: zero }] }],
    })
    const records = res.responses[0]!.partitions[0]!.records
    if (!records) continue
    for (const b of scanRecordBatches(records, 0, records.length, true).batches) {
      n += b.recordsCount
      offset = b.nextOffset
    }
  }
  const ms = performance.now() - start
  c.close()
  return (ms * N) / n
}

/** node-rdkafka, if BROOK_BENCH_RDKAFKA names an installed copy: batches of consume(10000). */
const rdkafka = process.env.BROOK_BENCH_RDKAFKA ? createRequire(import.meta.url)(process.env.BROOK_BENCH_RDKAFKA) : undefined
if (rdkafka) {
  clients['node-rdkafka'] = async (bootstrap, topic, group) => {
    const c = new rdkafka.KafkaConsumer({ 'group.id': group, 'metadata.broker.list': bootstrap, 'enable.auto.commit': true }, { 'auto.offset.reset': 'earliest' })
    await new Promise((resolve, reject) => c.connect({}, (e: Error | null) => (e ? reject(e) : resolve(undefined))))
    c.subscribe([topic])
    let n = 0
    let first = 0
    const ms = await new Promise<number>((resolve, reject) => {
      const loop = () =>
        c.consume(10_000, (e: Error | null, messages: unknown[]) => {
          if (e) return reject(e)
          if (messages.length > 0 && first === 0) first = performance.now()
          n += messages.length
          if (n >= N) resolve(performance.now() - first)
          else setImmediate(loop)
        })
      loop()
    })
    await new Promise((resolve) => c.disconnect(resolve))
    return ms
  }
}

const broker = await startBrokerProcess({ overrides: [`num.partitions=${PARTITIONS}`, 'group.initial.rebalance.delay.ms=0'] })
const bootstrap = `${broker.host}:${broker.port}`
try {
  const topic = 'bench-consume'
  const producer = new Producer({ bootstrapServers: [bootstrap], lingerMs: 5 })
  const value = Buffer.alloc(SIZE, 'x')
  for (let i = 0; i < N; i += 10_000) await Promise.all(Array.from({ length: Math.min(10_000, N - i) }, () => producer.send({ topic, value })))
  await producer.close()
  const names = args.only ? args.only.split(',') : Object.keys(clients)
  const results: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  for (let run = 0; run < Number(args.runs); run++) {
    for (const name of names) {
      const ms = await clients[name]!(bootstrap, topic, `bench-${name}-${run}`)
      results[name]!.push(N / (ms / 1000))
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  console.log(`consume ${N} records of ${SIZE} B from ${PARTITIONS} partition(s), records/s (median of ${args.runs}; all runs):`)
  const brook = median(results.brook ?? [NaN])
  for (const name of names) {
    const m = median(results[name]!)
    console.log(`  ${name.padEnd(13)} ${Math.round(m).toLocaleString('en-US').padStart(11)}  ${name === 'brook' ? '' : `(brook ${(brook / m).toFixed(2)}x)`}  [${results[name]!.map((x) => Math.round(x)).join(', ')}]`)
    console.log(`RESULT bench=client-consumer client=${name} size=${SIZE} partitions=${PARTITIONS} records=${N} per_s=${Math.round(m)}`)
  }
} finally {
  await broker.stop()
}
