/**
 * The producer's asynchronous style, its bounded buffer and its serializers,
 * against Brook and librdkafka's mock cluster: produce() reports every record
 * to its callback (or the options' onDelivery), in offset order per
 * partition; JSON values and both header forms arrive as kcat reads them; a
 * record too large is refused at once through the callback (send(): a
 * rejection), never as an unhandled rejection. Back-pressure, through a TCP
 * proxy that stops forwarding (Brook only: the mock cluster's brokers
 * advertise their own addresses, so a proxy cannot be put in their way):
 * with buffer.memory full, produce() and send() wait, fail after max.block.ms
 * with BufferExhaustedError, and once the proxy forwards again everything
 * accepted is delivered.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { BufferExhaustedError, SerializationError } from '../../src/client/producer/errors.js'
import { Producer } from '../../src/client/producer/producer.js'
import type { RecordMetadata } from '../../src/client/producer/producer-record.js'
import { serializers } from '../../src/client/producer/serializers.js'
import { KafkaProtocolError } from '../../src/client/errors.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { run } from './broker-process.js'
import { startMockCluster, type MockCluster } from './mock-cluster.js'

let brook: RunningBroker
let mock: MockCluster
const unhandled: unknown[] = []
const onUnhandled = (e: unknown) => unhandled.push(e)

before(async () => {
  process.on('unhandledRejection', onUnhandled)
  brook = await startBroker({ config: { 'num.partitions': '3' } })
  mock = await startMockCluster()
})

after(async () => {
  process.off('unhandledRejection', onUnhandled)
  await mock.stop()
  await brook.close()
  assert.deepEqual(unhandled, [], 'no unhandled rejections')
})

/** kcat's view of a topic, one line per record in `format`. */
async function kcat(bootstrap: string, topic: string, count: number, format: string): Promise<string[]> {
  const out = await run('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-c', String(count), '-q', '-f', `${format}\n`], undefined, 30_000)
  return out.split('\n').filter((l) => l !== '')
}

for (const target of ['Brook', 'librdkafka mock cluster'] as const) {
  describe(`produce() against ${target}`, { timeout: 60_000 }, () => {
    const bootstrap = () => (target === 'Brook' ? brook.bootstrap : mock.bootstrap)
    const suffix = target === 'Brook' ? 'b' : 'm'

    test('await produce() in a loop: one report per record, in offset order per partition, to the callback or the options onDelivery', async () => {
      const topic = `async-order-${suffix}`
      const fromOption: [Error | null, RecordMetadata][] = []
      const producer = new Producer({ bootstrapServers: [bootstrap()], lingerMs: 2, batchSize: 1024, onDelivery: (e, m) => fromOption.push([e, m]) })
      const reports: { i: number; error: Error | null; metadata: RecordMetadata; value: string }[] = []
      try {
        for (let i = 0; i < 600; i++) {
          const record = { topic, key: `k${i % 7}`, value: `v${i}` }
          if (i % 2 === 0) await producer.produce(record, (error, metadata, r) => reports.push({ i, error, metadata, value: String(r.value) }))
          else await producer.produce(record)
        }
        await producer.flush()
      } finally {
        await producer.close()
      }
      assert.equal(reports.length, 300)
      assert.equal(fromOption.length, 300)
      assert.ok(reports.every((r) => r.error === null && r.value === `v${r.i}` && r.metadata.topic === topic))
      assert.ok(fromOption.every(([e]) => e === null))
      // Both sinks together: per partition, reports arrive with offsets 0, 1, 2, ... in order.
      const all = [...reports.map((r) => r.metadata), ...fromOption.map(([, m]) => m)]
      const perPartition = new Map<number, bigint[]>()
      for (const m of all) perPartition.set(m.partition, [...(perPartition.get(m.partition) ?? []), m.offset])
      for (const [p, offsets] of perPartition) assert.deepEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)), offsets.map((_, j) => BigInt(j)), `partition ${p}`)
      const inOrder = new Map<number, bigint>()
      for (const r of reports) {
        // Within one sink the order is the order the callbacks ran.
        assert.ok((inOrder.get(r.metadata.partition) ?? -1n) < r.metadata.offset, `record ${r.i} reported out of order`)
        inOrder.set(r.metadata.partition, r.metadata.offset)
      }
      const read = await kcat(bootstrap(), topic, 600, '%p %o %s')
      const where = new Map(read.map((l) => [l.split(' ')[2]!, l.split(' ').slice(0, 2).join(' ')]))
      for (const r of reports) assert.equal(where.get(r.value), `${r.metadata.partition} ${r.metadata.offset}`)
    })

    test('serializers: a JSON value and a string key read back by kcat as JSON.stringify wrote them; both header forms; null stays a tombstone', async () => {
      const topic = `async-json-${suffix}`
      const producer = new Producer({ bootstrapServers: [bootstrap()], keySerializer: serializers.string, valueSerializer: serializers.json })
      const values = [{ id: 1, name: 'ä ö', tags: ['x', 'y'] }, [1, 2, 3], 'plain', 42, { nested: { deep: null } }]
      try {
        const sent = await Promise.all(values.map((value, i) => producer.send({ topic, key: `key-${i}`, value, partition: 0, headers: i % 2 === 0 ? { a: `1-${i}`, b: Buffer.from('2') } : [{ key: 'a', value: `1-${i}` }, { key: 'a', value: 'again' }] })))
        assert.deepEqual(sent.map((m) => m.offset), [0n, 1n, 2n, 3n, 4n])
        await producer.send({ topic, key: 'gone', value: null, partition: 0 })
      } finally {
        await producer.close()
      }
      const read = await kcat(bootstrap(), topic, 6, '%k|%s|%S|%h')
      assert.deepEqual(read.slice(0, 5), values.map((v, i) => `key-${i}|${JSON.stringify(v)}|${Buffer.byteLength(JSON.stringify(v))}|${i % 2 === 0 ? `a=1-${i},b=2` : `a=1-${i},a=again`}`))
      // kcat prints a null value's size as -1.
      assert.equal(read[5], 'gone||-1|')
    })

    test('a record too large is refused at once: produce() reports MESSAGE_TOO_LARGE to the callback, send() rejects; neither leaves an unhandled rejection', async () => {
      const topic = `async-large-${suffix}`
      const producer = new Producer({ bootstrapServers: [bootstrap()], maxRequestSize: 10_000, bufferMemory: 50_000 })
      try {
        let report: [Error | null, RecordMetadata] | undefined
        const started = Date.now()
        await producer.produce({ topic, value: Buffer.alloc(20_000), partition: 1 }, (e, m) => (report = [e, m]))
        assert.ok(report, 'reported before produce() resolved')
        assert.ok(Date.now() - started < 1000, 'at once: no metadata wait, no broker')
        const [error, metadata] = report
        assert.ok(error instanceof KafkaProtocolError)
        assert.equal(error.errorCode, ErrorCode.MESSAGE_TOO_LARGE)
        assert.match(error.message, /larger than 10000, which is the value of the max\.request\.size configuration/)
        assert.deepEqual(metadata, { topic, partition: 1, offset: -1n, timestamp: -1 })
        // Larger than buffer.memory though below max.request.size: the other message.
        const big = new Producer({ bootstrapServers: [bootstrap()], bufferMemory: 1000 })
        await assert.rejects(big.send({ topic, value: Buffer.alloc(2000) }), (e: Error) => e instanceof KafkaProtocolError && /buffer\.memory/.test(e.message))
        await big.close()
        // A serializer's failure is the record's, too.
        const json = new Producer({ bootstrapServers: [bootstrap()], valueSerializer: serializers.json })
        let serializationError = null as Error | null
        await json.produce({ topic, value: { big: 1n } }, (e) => (serializationError = e))
        assert.ok(serializationError instanceof SerializationError, String(serializationError))
        await json.close()
        // The producer still works afterwards; the refusals did not count as outstanding.
        const m = await producer.send({ topic, value: 'fits' })
        assert.equal(m.topic, topic)
      } finally {
        await producer.close()
      }
      assert.throws(() => producer.produce({ topic, value: 'x' }), /needs somewhere to report/)
    })
  })
}

/** A TCP proxy that can stop forwarding (holding the bytes) and start again. */
async function startPausingProxy() {
  let target = 0
  let paused = false
  const held: [Socket, Buffer][] = []
  const sockets = new Set<Socket>()
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (d: Buffer) => {
      if (paused) held.push([to, d])
      else to.write(d)
    })
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1')
    sockets.add(client).add(upstream)
    forward(client, upstream)
    forward(upstream, client)
    const close = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return {
    port: (server.address() as AddressInfo).port,
    setTarget: (port: number) => (target = port),
    pause: () => (paused = true),
    resume: () => {
      paused = false
      for (const [to, d] of held.splice(0)) to.write(d)
    },
    async stop() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

test('back-pressure: with buffer.memory full, produce() and send() wait, fail after max.block.ms; once the broker answers, everything accepted is delivered', { timeout: 60_000 }, async () => {
  const proxy = await startPausingProxy()
  // The broker tells clients to connect through the proxy.
  const proxied = await startBroker({ config: { 'num.partitions': '1', 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` } })
  proxy.setTarget(proxied.port)
  const bootstrap = `127.0.0.1:${proxy.port}`
  const topic = 'backpressure'
  const maxBlockMs = 1500
  const delivered: string[] = []
  const failed: [string, Error][] = []
  const producer = new Producer({
    bootstrapServers: [bootstrap],
    bufferMemory: 4096,
    maxBlockMs,
    lingerMs: 1,
    onDelivery: (error, _m, r) => (error ? failed.push([String(r.value), error]) : delivered.push(String(r.value))),
  })
  try {
    await producer.send({ topic, value: 'warm-up' }) // connection, metadata and producer id before the pause
    proxy.pause()
    const value = (i: number) => `${String(i).padStart(4, '0')}${'x'.repeat(96)}`
    // Fill the buffer: each produce() returns at once until one does not fit.
    let accepted = 0
    const settledWithin = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))])
    let blocked: Promise<void> | undefined
    for (let i = 0; i < 100 && !blocked; i++) {
      const p = producer.produce({ topic, value: value(i) })
      if (await settledWithin(p, 200)) accepted++
      else blocked = p
    }
    assert.ok(blocked, 'produce() waits once buffer.memory is full')
    assert.ok(accepted > 10 && accepted < 40, `about 4096 / 120 records fit (${accepted})`)
    const t0 = Date.now()
    await blocked
    assert.ok(Date.now() - t0 >= maxBlockMs - 300, `waited until max.block.ms (${Date.now() - t0} ms after the first 200)`)
    assert.equal(failed.length, 1)
    const [failedValue, error] = failed[0]!
    assert.equal(failedValue, value(accepted))
    assert.ok(error instanceof BufferExhaustedError && error.retriable, String(error))
    assert.match(error.message, /Failed to allocate \d+ bytes within the configured max blocking time 1500 ms/)
    // send() waits the same way and rejects with the same error.
    const t1 = Date.now()
    await assert.rejects(producer.send({ topic, value: 'send-blocked' }), BufferExhaustedError)
    assert.ok(Date.now() - t1 >= maxBlockMs - 100)
    // A record waiting when the broker comes back goes through.
    const late = producer.produce({ topic, value: 'late' })
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(await settledWithin(late, 0), false, 'still waiting for room')
    proxy.resume()
    await late
    await producer.flush()
    assert.equal(failed.length, 1)
    assert.deepEqual(delivered, [...Array.from({ length: accepted }, (_, i) => value(i)), 'late'])
    const read = await kcat(bootstrap, topic, accepted + 2, '%o %s')
    assert.deepEqual(
      read.map((l) => l.split(' ')[1]),
      ['warm-up', ...delivered],
    )
  } finally {
    proxy.resume()
    await producer.close()
    await proxy.stop()
    await proxied.close()
  }
})
