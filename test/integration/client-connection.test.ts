/**
 * The client's BrokerConnection against two independent brokers, Brook (in
 * process, real TCP) and librdkafka's mock cluster: API versions negotiated
 * from ApiVersions, requests pipelined and matched to their answers, and the
 * failures a caller must be able to tell apart (typed, with `retriable`).
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { startBroker, type RunningBroker } from '../../src/broker/start-broker.js'
import { Cluster } from '../../src/client/cluster.js'
import { BrokerConnection, negotiateVersion } from '../../src/client/network/broker-connection.js'
import { ConnectionError, KafkaClientError, RequestTimeoutError, UnsupportedVersionError } from '../../src/client/errors.js'
import { ApiVersionsApi, MetadataApi, ProduceApi } from '../../src/protocol/messages/index.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { startMockCluster, type MockCluster } from './mock-cluster.js'

let brook: RunningBroker
let mock: MockCluster

before(async () => {
  brook = await startBroker()
  mock = await startMockCluster()
})

after(async () => {
  await mock.stop()
  await brook.close()
})

test('negotiateVersion takes the highest version both sides know, or none', () => {
  assert.equal(negotiateVersion({ minVersion: 0, maxVersion: 12 }, { minVersion: 1, maxVersion: 9 }), 9)
  assert.equal(negotiateVersion({ minVersion: 3, maxVersion: 5 }, { minVersion: 0, maxVersion: 2 }), null)
  assert.equal(negotiateVersion({ minVersion: 0, maxVersion: 5 }, undefined), null)
})

for (const target of ['Brook', 'librdkafka mock cluster'] as const) {
  describe(`BrokerConnection against ${target}`, { timeout: 30_000 }, () => {
    const address = () => (target === 'Brook' ? { host: brook.host, port: brook.port } : mock.brokers[0]!)

    test('negotiates versions from ApiVersions and uses the highest both know', async () => {
      const c = await BrokerConnection.connect({ ...address(), clientId: 'conn-test' })
      try {
        const theirs = c.brokerVersions(MetadataApi.apiKey)
        assert.ok(theirs, 'the broker advertises Metadata')
        const v = c.versionFor(MetadataApi)
        assert.equal(v, Math.min(MetadataApi.maxVersion, theirs.maxVersion))
        const md = await c.request(MetadataApi, { ...MetadataApi.request.create(), topics: [] })
        assert.ok(md.brokers.length >= 1)
        if (target === 'librdkafka mock cluster') assert.equal(md.brokers.length, 3, 'the mock cluster has three brokers')
        else assert.deepEqual(md.brokers.map((b) => b.port), [brook.port])
      } finally {
        c.close()
      }
    })

    test('pipelines 200 requests on one connection and matches every answer', async () => {
      const c = await BrokerConnection.connect({ ...address(), clientId: 'conn-test' })
      try {
        const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? c.request(ApiVersionsApi, { ...ApiVersionsApi.request.create(), clientSoftwareName: 'x', clientSoftwareVersion: '1' }).then((r) => r.errorCode) : c.request(MetadataApi, { ...MetadataApi.request.create(), topics: [] }).then((r) => r.brokers.length))))
        assert.equal(answers.length, 200)
        answers.forEach((a, i) => (i % 2 === 0 ? assert.equal(a, ErrorCode.NONE) : assert.ok(a >= 1)))
        assert.equal(c.inFlight, 0)
      } finally {
        c.close()
      }
    })

    test('Cluster.coordinator finds a group coordinator (FindCoordinator at the version the broker has) on a connection apart from the data connection', async () => {
      const cluster = new Cluster({ bootstrapServers: [`${address().host}:${address().port}`], clientId: 'conn-test' })
      try {
        await cluster.refresh()
        let coordinator: BrokerConnection | undefined
        // Brook creates __consumer_offsets on the first FindCoordinator and may answer COORDINATOR_NOT_AVAILABLE meanwhile.
        for (let i = 0; i < 50 && !coordinator; i++) {
          try {
            coordinator = await cluster.coordinator('conn-test-group')
          } catch (e) {
            if (!(e instanceof KafkaClientError && e.retriable)) throw e
            await new Promise((r) => setTimeout(r, 100))
          }
        }
        assert.ok(coordinator, 'a coordinator was found')
        assert.equal(await cluster.coordinator('conn-test-group'), coordinator, 'remembered')
        const ids = cluster.brokerIds()
        assert.ok(ids.length >= 1)
        const data = await Promise.all(ids.map((id) => cluster.connection(id)))
        assert.ok(!data.includes(coordinator), 'the coordinator connection is its own')
        cluster.forgetCoordinator('conn-test-group')
        assert.equal(await cluster.coordinator('conn-test-group'), coordinator, 'found again, same node, same connection')
      } finally {
        await cluster.close()
      }
    })
  })
}

test('an API the broker does not serve is UnsupportedVersionError, not a hang', async () => {
  const c = await BrokerConnection.connect({ host: brook.host, port: brook.port, clientId: 'conn-test' })
  try {
    const theirs = c.brokerVersions(ProduceApi.apiKey)!
    // Pretend the client only knew versions the broker does not accept.
    const tooNew = { ...ProduceApi, minVersion: theirs.maxVersion + 1, maxVersion: theirs.maxVersion + 2 }
    assert.throws(() => c.versionFor(tooNew), (e: unknown) => e instanceof UnsupportedVersionError && !e.retriable)
  } finally {
    c.close()
  }
})

describe('failures are typed and say whether a retry helps', { timeout: 30_000 }, () => {
  let silent: Server
  const held: Socket[] = []
  before(async () => {
    // Accepts and reads, never answers: a broker that hangs.
    silent = createServer((s) => {
      held.push(s)
      s.resume()
    })
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()))
  })
  after(async () => {
    for (const s of held) s.destroy()
    await new Promise<void>((r) => silent.close(() => r()))
  })

  test('no answer within request.timeout.ms: RequestTimeoutError (retriable)', async () => {
    const port = (silent.address() as AddressInfo).port
    await assert.rejects(BrokerConnection.connect({ host: '127.0.0.1', port, clientId: 'conn-test', requestTimeoutMs: 300 }), (e: unknown) => e instanceof RequestTimeoutError && e.retriable)
  })

  test('nobody listening: ConnectionError (retriable)', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port
        s.close(() => resolve(p))
      })
    })
    await assert.rejects(BrokerConnection.connect({ host: '127.0.0.1', port, clientId: 'conn-test' }), (e: unknown) => e instanceof ConnectionError && e instanceof KafkaClientError && e.retriable)
  })

  test('requests in flight when the connection closes fail with ConnectionError; later ones at once', async () => {
    const c = await BrokerConnection.connect({ host: brook.host, port: brook.port, clientId: 'conn-test' })
    const pending = c.request(MetadataApi, { ...MetadataApi.request.create(), topics: [] })
    c.close()
    await assert.rejects(pending, ConnectionError)
    await assert.rejects(c.request(MetadataApi, { ...MetadataApi.request.create(), topics: [] }), ConnectionError)
    assert.equal(c.closed, true)
  })
})
