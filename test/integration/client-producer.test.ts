/**
 * Brook's producer against two independent brokers, Brook and librdkafka's
 * mock cluster: keyed records land on the Java client's partitions with
 * contiguous offsets in send order, every codec round-trips (read back by
 * kcat), acks=0 works; and, through a TCP proxy that keeps cutting the
 * connections, an idempotent producer neither duplicates nor reorders.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { keyedPartition } from '../../src/client/producer/partitioner.js'
import { Producer, type Compression } from '../../src/client/producer/producer.js'
import { KafkaProtocolError } from '../../src/client/errors.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { DescribeProducersApi } from '../../src/protocol/messages/index.js'
import { run } from './broker-process.js'
import { startMockCluster, type MockCluster } from './mock-cluster.js'
import { RawClient } from './raw-client.js'

let brook: RunningBroker
let mock: MockCluster

before(async () => {
  brook = await startBroker({ config: { 'num.partitions': '4' } })
  mock = await startMockCluster()
})

after(async () => {
  await mock.stop()
  await brook.close()
})

interface Read {
  key: string
  partition: number
  offset: number
  value: string
}

async function readAll(bootstrap: string, topic: string, expected: number): Promise<Read[]> {
  const out = await run('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-c', String(expected), '-q', '-f', '%k\t%p\t%o\t%s\n'], undefined, 30_000)
  return out
    .split('\n')
    .filter((l) => l !== '') // not trim(): values end in spaces
    .map((l) => {
      const [key, p, o, value] = l.split('\t')
      return { key: key!, partition: Number(p), offset: Number(o), value: value! }
    })
}

for (const target of ['Brook', 'librdkafka mock cluster'] as const) {
  describe(`Producer against ${target}`, { timeout: 60_000 }, () => {
    const bootstrap = () => (target === 'Brook' ? brook.bootstrap : mock.bootstrap)

    test('send() resolves to partition and offset; keys land on murmur2 partitions, offsets contiguous in send order', async () => {
      const topic = `p-keys-${target === 'Brook' ? 'b' : 'm'}`
      const producer = new Producer({ bootstrapServers: [bootstrap()], clientId: 'producer-test' })
      try {
        const sent = await Promise.all(Array.from({ length: 500 }, (_, i) => producer.send({ topic, key: `key-${i % 37}`, value: `value-${i}` }).then((m) => ({ i, ...m }))))
        const n = (await producer.cluster.partitions(topic)).length
        assert.ok(n >= 1)
        const perPartition = new Map<number, bigint[]>()
        for (const s of sent) {
          assert.equal(s.partition, keyedPartition(Buffer.from(`key-${s.i % 37}`), n), `record ${s.i}`)
          perPartition.set(s.partition, [...(perPartition.get(s.partition) ?? []), s.offset])
        }
        // Sends of one partition were written in the order they were made.
        for (const offsets of perPartition.values()) offsets.forEach((o, j) => assert.equal(o, BigInt(j)))
        const read = await readAll(bootstrap(), topic, 500)
        const byValue = new Map(read.map((r) => [r.value, r]))
        for (const s of sent) {
          const r = byValue.get(`value-${s.i}`)!
          assert.deepEqual([r.key, r.partition, BigInt(r.offset)], [`key-${s.i % 37}`, s.partition, s.offset])
        }
      } finally {
        await producer.close()
      }
    })

    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as Compression[]) {
      test(`compression ${compression}: kcat reads back every record`, async () => {
        const topic = `p-${compression}-${target === 'Brook' ? 'b' : 'm'}`
        const producer = new Producer({ bootstrapServers: [bootstrap()], compression, lingerMs: 20 })
        try {
          await Promise.all(Array.from({ length: 100 }, (_, i) => producer.send({ topic, key: `k${i}`, value: `${compression} ${i} `.repeat(10), headers: { h: `v${i}` } })))
        } finally {
          await producer.close()
        }
        const read = await readAll(bootstrap(), topic, 100)
        assert.deepEqual(read.map((r) => r.value).sort(), Array.from({ length: 100 }, (_, i) => `${compression} ${i} `.repeat(10)).sort())
      })
    }

    test('acks=0 resolves with offset -1 and the records arrive', async () => {
      const topic = `p-acks0-${target === 'Brook' ? 'b' : 'm'}`
      const producer = new Producer({ bootstrapServers: [bootstrap()], acks: 0, idempotent: false })
      try {
        const m = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic, value: `v${i}`, partition: 0 })))
        assert.ok(m.every((x) => x.offset === -1n && x.partition === 0))
      } finally {
        await producer.close()
      }
      assert.equal((await readAll(bootstrap(), topic, 20)).length, 20)
    })
  })
}

/** Forwards to a broker and, every `dropEveryMs`, cuts every connection through it. */
async function startDroppingProxy(dropEveryMs: number): Promise<{ port: number; setTarget(port: number): void; drops(): number; stop(): Promise<void> }> {
  let target = 0
  let drops = 0
  const pairs = new Set<[Socket, Socket]>()
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1')
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    client.pipe(upstream).pipe(client)
    const close = () => {
      client.destroy()
      upstream.destroy()
      pairs.delete(pair)
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const timer = setInterval(() => {
    if (pairs.size === 0) return
    drops++
    for (const [a, b] of pairs) {
      a.destroy()
      b.destroy()
    }
    pairs.clear()
  }, dropEveryMs)
  return {
    port: (server.address() as AddressInfo).port,
    setTarget: (p) => (target = p),
    drops: () => drops,
    async stop() {
      clearInterval(timer)
      for (const [a, b] of pairs) {
        a.destroy()
        b.destroy()
      }
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

test('idempotence: connections cut every 150 ms during a long send: nothing duplicated, nothing reordered', { timeout: 120_000 }, async () => {
  const proxy = await startDroppingProxy(150)
  // The broker tells clients to connect through the proxy.
  const broker = await startBroker({ config: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}`, 'num.partitions': '3' } })
  proxy.setTarget(broker.port)
  const producer = new Producer({ bootstrapServers: [`127.0.0.1:${proxy.port}`], clientId: 'idempotence-test', lingerMs: 2, batchSize: 2048, retryBackoffMs: 20, requestTimeoutMs: 2000 })
  const total = 6000
  try {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f']
    const results = []
    // A long send: waves of records, so drops land mid-stream.
    for (let wave = 0; wave < 12; wave++) {
      const sends = []
      for (let i = wave * (total / 12); i < (wave + 1) * (total / 12); i++) sends.push(producer.send({ topic: 'idem', key: keys[i % keys.length]!, value: String(i) }))
      results.push(...(await Promise.all(sends)))
      await new Promise((r) => setTimeout(r, 40))
    }
    assert.equal(results.length, total)
    assert.ok(proxy.drops() >= 3, `connections were cut (${proxy.drops()} times)`)
  } finally {
    await producer.close()
    await proxy.stop()
  }
  const admin = await RawClient.connect(broker.port)
  try {
    // Read directly: the broker advertises the (now stopped) proxy, so a normal client could not.
    const read: Read[] = []
    for (const partition of [0, 1, 2]) {
      for (const r of (await admin.readPartition('idem', partition)).records) read.push({ key: r.key ?? '', partition, offset: Number(r.offset), value: r.value ?? '' })
    }
    assert.equal(read.length, total)
    assert.equal(new Set(read.map((r) => r.value)).size, total, 'no record written twice')
    // Per key (so per partition), values come back in the order they were sent.
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const values = read.filter((r) => r.key === key).map((r) => Number(r.value))
      assert.deepEqual(values, [...values].sort((x, y) => x - y), `order of key ${key}`)
    }
    // Each partition has exactly as many records as were sent to it: nothing beyond the log end either.
    const described = await admin.request(DescribeProducersApi, 0, { topics: [{ name: 'idem', partitionIndexes: [0, 1, 2] }] })
    for (const p of described.topics[0]!.partitions) {
      assert.equal(p.errorCode, ErrorCode.NONE)
      const count = read.filter((r) => r.partition === p.partitionIndex).length
      if (count > 0) assert.deepEqual(p.activeProducers.map((a) => a.lastSequence), [count - 1], `partition ${p.partitionIndex}: one producer, sequences 0..${count - 1}`)
    }
  } finally {
    await admin.close()
    await broker.close()
  }
})

test('options are checked as the Java client checks them', () => {
  assert.throws(() => new Producer({ bootstrapServers: ['127.0.0.1:1'], acks: 1, idempotent: true }), /idempotence needs acks=all/)
  // As in the Java client, idempotence left to its default is simply off with acks=1.
  assert.doesNotThrow(() => new Producer({ bootstrapServers: ['127.0.0.1:1'], acks: 1 }))
  assert.throws(() => new Producer({ bootstrapServers: ['127.0.0.1:1'], maxInFlight: 6 }), /max\.in\.flight/)
  assert.doesNotThrow(() => new Producer({ bootstrapServers: ['127.0.0.1:1'], maxInFlight: 6, idempotent: false }))
  assert.throws(() => new Producer({ bootstrapServers: ['nonsense'] }), /bad bootstrap server/)
})


test('a topic name the broker refuses fails the send at once with its error (INVALID_TOPIC_EXCEPTION), not after max.block.ms', async () => {
  const producer = new Producer({ bootstrapServers: [brook.bootstrap], maxBlockMs: 60_000 })
  try {
    // Before, the metadata's refusal was read as "unknown topic" and retried until max.block.ms (then a different error).
    await assert.rejects(producer.send({ topic: 'bad topic!', value: 'x' }), (e: unknown) => e instanceof KafkaProtocolError && e.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION && !e.retriable)
  } finally {
    await producer.close()
  }
})
