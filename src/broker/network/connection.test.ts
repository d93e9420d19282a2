/**
 * Connection behaviour over real TCP on 127.0.0.1: framing, ordering,
 * acks=0, the ways a connection gets closed, and back-pressure in both
 * directions. Clients are plain `node:net` sockets that speak the framing.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { memoryLogger, type LogEvent, type MemoryLogger } from '../../common/logger.js'
import { ADVERTISED_API_VERSIONS } from '../../protocol/api-versions.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { decodeRequestHeader, decodeResponse, encodeRequest } from '../../protocol/frame.js'
import { API_SPECS, ApiVersionsApi, DescribeClusterApi, MetadataApi, ProduceApi, type ApiVersionsResponse, type DescribeClusterResponse, type ProduceRequest } from '../../protocol/messages/index.js'
import { CLOSE_CONNECTION, type RequestContext, type RequestHandler } from './request-context.js'
import { SocketServer, type SocketServerOptions } from './socket-server.js'

/** Every API's spec by key: these tests serve whichever keys their handlers cover. */
const ALL_APIS = new Map(API_SPECS.map((a) => [a.apiKey, a]))

// ---- helpers ----

/** A raw Kafka-framing client: collects response frames (without size prefix) in order. */
class TestClient {
  readonly socket: Socket
  readonly frames: Buffer[] = []
  readonly closed: Promise<void>
  #buf = Buffer.alloc(0)
  #wake: (() => void) | undefined
  #isClosed = false

  private constructor(socket: Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    socket.on('data', (c: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, c])
      while (this.#buf.length >= 4 && this.#buf.length >= 4 + this.#buf.readInt32BE(0)) {
        const n = this.#buf.readInt32BE(0)
        this.frames.push(this.#buf.subarray(4, 4 + n))
        this.#buf = this.#buf.subarray(4 + n)
      }
      this.#wake?.()
    })
    socket.on('error', () => {})
    this.closed = new Promise((resolve) => socket.on('close', () => {
      this.#isClosed = true
      this.#wake?.()
      resolve()
    }))
  }

  static connect(port: number): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new TestClient(s)))
      s.once('error', reject)
    })
  }

  get isClosed(): boolean {
    return this.#isClosed
  }

  write(b: Buffer): void {
    this.socket.write(b)
  }

  /** Waits until `n` frames have arrived; rejects if the connection closes first or after `timeoutMs`. */
  async waitFrames(n: number, timeoutMs = 5000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs
    while (this.frames.length < n) {
      if (this.#isClosed) throw new Error(`connection closed after ${this.frames.length} of ${n} frames`)
      if (Date.now() > deadline) throw new Error(`timed out after ${this.frames.length} of ${n} frames`)
      await new Promise<void>((resolve) => {
        this.#wake = resolve
        setTimeout(resolve, 50)
      })
    }
    return this.frames.slice(0, n)
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    await Promise.race([this.closed, sleep(timeoutMs, undefined, { ref: false }).then(() => { throw new Error('connection did not close') })])
  }

  close(): void {
    this.socket.destroy()
  }
}

function apiVersionsBody(): ApiVersionsResponse {
  return { ...ApiVersionsApi.response.create(), apiKeys: ADVERTISED_API_VERSIONS.map((r) => ({ apiKey: r.apiKey, minVersion: r.minVersion, maxVersion: r.maxVersion })) }
}

const apiVersionsHandler: RequestHandler = async () => apiVersionsBody()

function apiVersionsRequest(correlationId: number, version = 3, clientSoftwareName = 'test'): Buffer {
  return encodeRequest({ apiKey: 18, apiVersion: version, correlationId, clientId: 'c' }, { ...ApiVersionsApi.request.create(), clientSoftwareName, clientSoftwareVersion: '1' })
}

function produceRequest(correlationId: number, acks: number): Buffer {
  const body: ProduceRequest = { ...ProduceApi.request.create(), acks, timeoutMs: 1000 }
  return encodeRequest({ apiKey: 0, apiVersion: 9, correlationId, clientId: 'p' }, body)
}

function correlationIdOf(frame: Buffer): number {
  return frame.readInt32BE(0)
}

async function startServer(opts: Partial<SocketServerOptions> & { handlers: Map<number, RequestHandler> }): Promise<{ server: SocketServer; port: number; entries: readonly LogEvent[]; logger: MemoryLogger }> {
  const logger = memoryLogger()
  const entries = logger.events
  const server = new SocketServer({ logger, closeLingerMs: 1000, apis: ALL_APIS, ...opts })
  const [bound] = await server.start([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }])
  return { server, port: bound!.port, entries, logger }
}

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(10)
  }
}

// ---- tests ----

describe('Connection', { timeout: 60_000 }, () => {
  test('cuts frames sent one byte at a time, and frames coalesced into one write', async () => {
    const { server, port } = await startServer({ handlers: new Map([[18, apiVersionsHandler]]) })
    try {
      const c = await TestClient.connect(port)
      const bytes = Buffer.concat([apiVersionsRequest(1), apiVersionsRequest(2)])
      for (const b of bytes) {
        c.write(Buffer.from([b]))
        await sleep(1) // separate segments, so the size prefix is split across reads
      }
      const two = await c.waitFrames(2)
      assert.deepEqual(two.map(correlationIdOf), [1, 2])
      const { body } = decodeResponse<ApiVersionsResponse>(18, 3, two[0]!)
      assert.equal(body.errorCode, 0)
      assert.ok(body.apiKeys.some((k) => k.apiKey === 18))

      c.write(Buffer.concat(Array.from({ length: 50 }, (_, i) => apiVersionsRequest(100 + i))))
      const all = await c.waitFrames(52)
      assert.deepEqual(all.slice(2).map(correlationIdOf), Array.from({ length: 50 }, (_, i) => 100 + i))
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('pipelined requests start in order, at most 8 at a time, and are answered in order, whatever the handler delays', async () => {
    let inFlight = 0
    let maxInFlight = 0
    const seen: number[] = []
    const handler: RequestHandler = async (ctx) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      seen.push(ctx.correlationId)
      await sleep(Math.floor(Math.random() * 5))
      inFlight--
      return apiVersionsBody()
    }
    const { server, port } = await startServer({ handlers: new Map([[18, handler]]) })
    try {
      const c = await TestClient.connect(port)
      const N = 200
      c.write(Buffer.concat(Array.from({ length: N }, (_, i) => apiVersionsRequest(i))))
      const frames = await c.waitFrames(N, 20_000)
      const expected = Array.from({ length: N }, (_, i) => i)
      assert.deepEqual(frames.map(correlationIdOf), expected)
      assert.deepEqual(seen, expected)
      assert.ok(maxInFlight > 1 && maxInFlight <= 8, `handlers of one connection overlap, at most 8 (saw ${maxInFlight})`)
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('requests on different connections run concurrently', async () => {
    let inFlight = 0
    let maxInFlight = 0
    const handler: RequestHandler = async () => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await sleep(30)
      inFlight--
      return apiVersionsBody()
    }
    const { server, port } = await startServer({ handlers: new Map([[18, handler]]) })
    try {
      const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(port)))
      for (const c of clients) c.write(apiVersionsRequest(1))
      await Promise.all(clients.map((c) => c.waitFrames(1)))
      assert.equal(maxInFlight, 3)
      for (const c of clients) c.close()
    } finally {
      await server.stop()
    }
  })

  test('acks=0: a null response sends nothing, later responses still come in order', async () => {
    const produce: RequestHandler = async (_ctx, body) => {
      if ((body as ProduceRequest).acks === 0) return null
      return ProduceApi.response.create()
    }
    const { server, port } = await startServer({ handlers: new Map([[0, produce], [18, apiVersionsHandler]]) })
    try {
      const c = await TestClient.connect(port)
      c.write(Buffer.concat([produceRequest(1, 1), produceRequest(2, 0), apiVersionsRequest(3), produceRequest(4, 0), produceRequest(5, -1), produceRequest(6, 0)]))
      const frames = await c.waitFrames(3)
      assert.deepEqual(frames.map(correlationIdOf), [1, 3, 5])
      await sleep(50)
      assert.equal(c.frames.length, 3)
      assert.equal(c.isClosed, false)
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('CLOSE_CONNECTION from a handler closes after flushing earlier responses', async () => {
    const produce: RequestHandler = async (_ctx, body) => ((body as ProduceRequest).acks === 0 ? CLOSE_CONNECTION : ProduceApi.response.create())
    const { server, port } = await startServer({ handlers: new Map([[0, produce]]) })
    try {
      const c = await TestClient.connect(port)
      c.write(Buffer.concat([produceRequest(1, 1), produceRequest(2, 0), produceRequest(3, 1)]))
      await c.waitClosed()
      assert.deepEqual(c.frames.map(correlationIdOf), [1])
    } finally {
      await server.stop()
    }
  })

  for (const size of [2000, 0, -1]) {
    test(`a size prefix of ${size} closes that connection only, with a log line naming the client`, async () => {
      const { server, port, entries } = await startServer({ handlers: new Map([[18, apiVersionsHandler]]), socketRequestMaxBytes: 1024 })
      try {
        const bad = await TestClient.connect(port)
        const good = await TestClient.connect(port)
        const badPort = bad.socket.localPort
        const prefix = Buffer.alloc(4)
        prefix.writeInt32BE(size)
        bad.write(Buffer.concat([apiVersionsRequest(1), prefix, Buffer.alloc(100)]))
        await bad.waitClosed()
        assert.deepEqual(bad.frames.map(correlationIdOf), [1], 'the request before the bad frame is answered')
        const line = entries.find((e) => e.level === 'warn' && e.msg.includes('invalid request size'))
        assert.ok(line, 'warn line')
        assert.equal(line.fields?.size, size)
        assert.equal(line.fields?.clientAddress, '127.0.0.1')
        assert.equal(line.fields?.clientPort, badPort)
        good.write(apiVersionsRequest(7))
        assert.deepEqual((await good.waitFrames(1)).map(correlationIdOf), [7])
        good.close()
        assert.equal(server.metrics.connectionsClosedForError, 1)
      } finally {
        await server.stop()
      }
    })
  }

  test('a frame of exactly socketRequestMaxBytes is accepted', async () => {
    const frame = apiVersionsRequest(5, 3, 'x'.repeat(900))
    const { server, port } = await startServer({ handlers: new Map([[18, apiVersionsHandler]]), socketRequestMaxBytes: frame.length - 4 })
    try {
      const c = await TestClient.connect(port)
      c.write(frame)
      assert.deepEqual((await c.waitFrames(1)).map(correlationIdOf), [5])
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('an unknown api key, or one without a handler, closes the connection', async () => {
    const { server, port, entries } = await startServer({ handlers: new Map([[18, apiVersionsHandler]]) })
    try {
      const unknown = await TestClient.connect(port)
      const header = Buffer.alloc(4 + 10)
      header.writeInt32BE(10, 0)
      header.writeInt16BE(9999, 4) // api key
      header.writeInt16BE(0, 6) // version
      header.writeInt32BE(42, 8) // correlation id
      header.writeInt16BE(-1, 12) // null client id
      unknown.write(header)
      await unknown.waitClosed()
      assert.equal(unknown.frames.length, 0)
      assert.ok(entries.some((e) => e.level === 'warn' && e.fields?.apiKey === 9999))

      const noHandler = await TestClient.connect(port)
      noHandler.write(encodeRequest({ apiKey: 3, apiVersion: 12, correlationId: 1, clientId: null }, MetadataApi.request.create()))
      await noHandler.waitClosed()
      assert.equal(noHandler.frames.length, 0)
    } finally {
      await server.stop()
    }
  })

  test('ApiVersions v99 gets a v0 UNSUPPORTED_VERSION response with the ApiVersions range, and the connection stays open', async () => {
    const { server, port } = await startServer({ handlers: new Map([[18, apiVersionsHandler]]) })
    try {
      const c = await TestClient.connect(port)
      // A v99 request: header v2 (flexible, as for any version past the newest), body the client's newest shape.
      const frame = apiVersionsRequest(77, 4)
      frame.writeInt16BE(99, 6)
      c.write(frame)
      const [resp] = await c.waitFrames(1)
      const { correlationId, body } = decodeResponse<ApiVersionsResponse>(18, 0, resp!)
      assert.equal(correlationId, 77)
      assert.equal(body.errorCode, ErrorCode.UNSUPPORTED_VERSION)
      assert.deepEqual(body.apiKeys.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion })), [{ apiKey: 18, minVersion: 0, maxVersion: 4 }])
      assert.equal(resp!.length, 4 + 2 + 4 + 6, 'v0 layout: correlation id, error code, one-entry array')

      c.write(apiVersionsRequest(78, 3))
      const frames = await c.waitFrames(2)
      assert.equal(decodeResponse<ApiVersionsResponse>(18, 3, frames[1]!).body.errorCode, 0)
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('ApiVersions outside a narrowed supported range gets the narrowed range', async () => {
    const { server, port } = await startServer({
      handlers: new Map([[18, apiVersionsHandler]]),
      supported: (k, v) => k === 18 && v <= 2,
      apiVersions: () => [{ apiKey: 18, minVersion: 0, maxVersion: 2 }],
    })
    try {
      const c = await TestClient.connect(port)
      c.write(apiVersionsRequest(1, 3))
      const { body } = decodeResponse<ApiVersionsResponse>(18, 0, (await c.waitFrames(1))[0]!)
      assert.equal(body.errorCode, ErrorCode.UNSUPPORTED_VERSION)
      assert.equal(body.apiKeys[0]!.maxVersion, 2)
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('a version the codecs know but the broker does not serve gets UNSUPPORTED_VERSION where the response has an error code', async () => {
    const describeCluster: RequestHandler = async () => DescribeClusterApi.response.create()
    const { server, port } = await startServer({ handlers: new Map([[60, describeCluster]]), supported: (k, v) => k === 60 && v >= 1 })
    try {
      const c = await TestClient.connect(port)
      c.write(encodeRequest({ apiKey: 60, apiVersion: 0, correlationId: 9, clientId: null }, DescribeClusterApi.request.create()))
      const { correlationId, body } = decodeResponse<DescribeClusterResponse>(60, 0, (await c.waitFrames(1))[0]!)
      assert.deepEqual([correlationId, body.errorCode], [9, ErrorCode.UNSUPPORTED_VERSION])
      c.write(encodeRequest({ apiKey: 60, apiVersion: 1, correlationId: 10, clientId: null }, DescribeClusterApi.request.create()))
      assert.equal(decodeResponse<DescribeClusterResponse>(60, 1, (await c.waitFrames(2))[1]!).body.errorCode, ErrorCode.NONE, 'the connection stays usable')
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('an unsupported version of an API without a top-level error code closes the connection (as Kafka does)', async () => {
    const metadata: RequestHandler = async () => MetadataApi.response.create()
    const { server, port, entries } = await startServer({ handlers: new Map([[3, metadata]]), supported: (k, v) => k === 3 && v >= 4 })
    try {
      const c = await TestClient.connect(port)
      c.write(encodeRequest({ apiKey: 3, apiVersion: 1, correlationId: 1, clientId: null }, MetadataApi.request.create()))
      await c.waitClosed()
      assert.equal(c.frames.length, 0)
      assert.ok(entries.some((e) => e.msg.includes('unsupported api version') && e.fields?.apiVersion === 1))
    } finally {
      await server.stop()
    }
  })

  test('a body that does not parse closes the connection with a warn line naming client, api and version', async () => {
    const { server, port, entries } = await startServer({ handlers: new Map([[18, apiVersionsHandler]]) })
    try {
      const c = await TestClient.connect(port)
      const good = apiVersionsRequest(1)
      const bad = Buffer.from(apiVersionsRequest(2))
      bad[4 + decodeRequestHeader(bad.subarray(4)).bodyOffset] = 0x7f // clientSoftwareName's compact length now claims 126 bytes
      const trailing = Buffer.concat([apiVersionsRequest(3), Buffer.from([1, 2, 3])])
      trailing.writeInt32BE(trailing.length - 4, 0)
      c.write(Buffer.concat([good, bad]))
      await c.waitClosed()
      assert.deepEqual(c.frames.map(correlationIdOf), [1])
      const line = entries.find((e) => e.level === 'warn' && e.msg.includes('does not parse'))
      assert.ok(line)
      assert.equal(line.fields?.clientAddress, '127.0.0.1')
      assert.equal(line.fields?.apiName, 'ApiVersions')
      assert.equal(line.fields?.apiVersion, 3)

      const c2 = await TestClient.connect(port)
      c2.write(trailing)
      await c2.waitClosed()
      assert.equal(c2.frames.length, 0, 'trailing bytes are a malformed body too')
    } finally {
      await server.stop()
    }
  })

  test('a failing handler: UNKNOWN_SERVER_ERROR where the response has a top-level errorCode, else the connection closes', async () => {
    const boom: RequestHandler = async () => {
      throw new Error('boom')
    }
    const { server, port, entries, logger } = await startServer({ handlers: new Map([[18, boom], [3, boom]]) })
    try {
      const c = await TestClient.connect(port)
      c.write(apiVersionsRequest(1))
      const { body } = decodeResponse<ApiVersionsResponse>(18, 3, (await c.waitFrames(1))[0]!)
      assert.equal(body.errorCode, ErrorCode.UNKNOWN_SERVER_ERROR)
      const err = entries.find((e) => e.level === 'error')
      assert.ok(err)
      assert.match(String((err.fields?.error as Error).stack), /boom/)
      assert.ok(logger.lines.some((l) => l.includes('Error: boom') && l.includes('\n    at ')), 'stack printed')

      c.write(encodeRequest({ apiKey: 3, apiVersion: 12, correlationId: 2, clientId: null }, MetadataApi.request.create()))
      await c.waitClosed()
      assert.equal(c.frames.length, 1)
    } finally {
      await server.stop()
    }
  })

  test('a response that does not encode is treated like a failing handler', async () => {
    const bad: RequestHandler = async () => ({ ...apiVersionsBody(), apiKeys: 5 })
    const { server, port, entries } = await startServer({ handlers: new Map([[18, bad]]) })
    try {
      const c = await TestClient.connect(port)
      c.write(apiVersionsRequest(1))
      const { body } = decodeResponse<ApiVersionsResponse>(18, 3, (await c.waitFrames(1))[0]!)
      assert.equal(body.errorCode, ErrorCode.UNKNOWN_SERVER_ERROR)
      assert.ok(entries.some((e) => e.level === 'error'))
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('back-pressure: a client pipelining past the limit while the handler is slow gets paused; all is answered in the end', async () => {
    const LIMIT = 64 * 1024
    let release!: () => void
    const gate = new Promise<void>((resolve) => { release = resolve })
    const handler: RequestHandler = async () => {
      await gate
      return apiVersionsBody()
    }
    const { server, port } = await startServer({ handlers: new Map([[18, handler]]), maxInFlightBytesPerConnection: LIMIT })
    try {
      const c = await TestClient.connect(port)
      const N = 2000
      const frames = Array.from({ length: N }, (_, i) => apiVersionsRequest(i, 3, 'n'.repeat(1000)))
      const total = frames.reduce((s, f) => s + f.length, 0)
      c.write(Buffer.concat(frames))
      await waitFor(() => server.connections()[0]?.readPaused === true)
      let maxQueued = 0
      for (let i = 0; i < 20; i++) {
        const st = server.connections()[0]!
        maxQueued = Math.max(maxQueued, st.queuedRequestBytes + st.partialFrameBytes)
        await sleep(10)
      }
      // One read can add up to a socket chunk (64 KiB) past the limit before the pause takes effect.
      assert.ok(maxQueued <= LIMIT + 65536 + 2048, `queued ${maxQueued}`)
      assert.ok(maxQueued < total / 4, 'most of the pipeline stayed in the kernel or the client')
      release()
      const got = await c.waitFrames(N, 30_000)
      assert.deepEqual(got.map(correlationIdOf), Array.from({ length: N }, (_, i) => i))
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('a client that never reads does not make the server buffer responses without bound', async () => {
    // ~60 KB per response, 600 requests: far more than loopback socket buffers hold.
    const big: ApiVersionsResponse = { ...ApiVersionsApi.response.create(), apiKeys: Array.from({ length: 10_000 }, (_, i) => ({ apiKey: i, minVersion: 0, maxVersion: 1 })) }
    const handler: RequestHandler = async () => big
    const LIMIT = 64 * 1024
    const { server, port } = await startServer({ handlers: new Map([[18, handler]]), maxInFlightBytesPerConnection: LIMIT })
    try {
      const c = await TestClient.connect(port)
      c.socket.pause() // never read
      const N = 600
      c.write(Buffer.concat(Array.from({ length: N }, (_, i) => apiVersionsRequest(i))))
      let maxWritable = 0
      let lastSent = -1
      let stableFor = 0
      while (stableFor < 20) {
        const st = server.connections()[0]
        if (st) maxWritable = Math.max(maxWritable, st.writableLength)
        const sent = server.metrics.responsesSent
        stableFor = sent === lastSent ? stableFor + 1 : 0
        lastSent = sent
        await sleep(10)
      }
      assert.ok(lastSent < N, `server stalled after ${lastSent} responses`)
      const responseSize = 70_000
      assert.ok(maxWritable <= 16384 + 2 * responseSize, `server-side writableLength reached ${maxWritable}`)
      c.socket.resume()
      const got = await c.waitFrames(N, 30_000)
      assert.deepEqual(got.map(correlationIdOf), Array.from({ length: N }, (_, i) => i))
      c.close()
    } finally {
      await server.stop()
    }
  })

  test('the request context carries the header, connection and listener', async () => {
    let ctx: RequestContext | undefined
    const handler: RequestHandler = async (c) => {
      ctx = c
      return apiVersionsBody()
    }
    const { server, port } = await startServer({ handlers: new Map([[18, handler]]) })
    try {
      const c = await TestClient.connect(port)
      const frame = encodeRequest({ apiKey: 18, apiVersion: 2, correlationId: 9, clientId: null }, ApiVersionsApi.request.create())
      c.write(frame)
      await c.waitFrames(1)
      assert.ok(ctx)
      assert.equal(ctx.apiKey, 18)
      assert.equal(ctx.apiVersion, 2)
      assert.equal(ctx.correlationId, 9)
      assert.equal(ctx.clientId, '', 'a null client id becomes ""')
      assert.equal(ctx.headerVersion, 1)
      assert.equal(ctx.clientAddress, '127.0.0.1')
      assert.equal(ctx.listenerName, 'PLAINTEXT')
      assert.equal(ctx.requestSize, frame.length - 4)
      assert.match(ctx.connectionId, new RegExp(`^127\\.0\\.0\\.1:${port}-127\\.0\\.0\\.1:${c.socket.localPort}-\\d+$`))
      c.close()
    } finally {
      await server.stop()
    }
  })
})
