/**
 * SocketServer over real TCP on 127.0.0.1: listeners and ports, hooks and
 * counters, graceful and forced stop, option validation.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, createServer, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { memoryLogger } from '../../common/logger.js'
import { encodeRequest } from '../../protocol/frame.js'
import { API_SPECS, ApiVersionsApi, type ApiVersionsResponse } from '../../protocol/messages/index.js'
import type { ConnectionInfo, RequestHandler } from './request-context.js'
import { SocketServer } from './socket-server.js'

/** Every API's spec by key: these tests serve whichever keys their handlers cover. */
const ALL_APIS = new Map(API_SPECS.map((a) => [a.apiKey, a]))

// ---- helpers ----

/** Connects, collects response frames (without size prefix). */
function client(port: number): Promise<{ socket: Socket; frames: Buffer[]; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const frames: Buffer[] = []
    let buf = Buffer.alloc(0)
    const socket = connect({ host: '127.0.0.1', port }, () => resolve({ socket, frames, closed }))
    const closed = new Promise<void>((r) => socket.on('close', () => r()))
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c])
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        frames.push(buf.subarray(4, 4 + buf.readInt32BE(0)))
        buf = buf.subarray(4 + buf.readInt32BE(0))
      }
    })
    socket.once('error', reject)
    socket.on('error', () => {})
  })
}

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(5)
  }
}

function apiVersionsRequest(correlationId: number): Buffer {
  return encodeRequest({ apiKey: 18, apiVersion: 3, correlationId, clientId: 'c' }, { ...ApiVersionsApi.request.create(), clientSoftwareName: 'test', clientSoftwareVersion: '1' })
}

const apiVersions: RequestHandler = async (): Promise<ApiVersionsResponse> => ApiVersionsApi.response.create()

// ---- tests ----

describe('SocketServer', { timeout: 60_000 }, () => {
  test('binds several listeners on ephemeral ports and reports them; each request knows its listener', async () => {
    const listenersSeen: string[] = []
    const handler: RequestHandler = async (ctx) => {
      listenersSeen.push(ctx.listenerName)
      return ApiVersionsApi.response.create()
    }
    const server = new SocketServer({ apis: ALL_APIS, handlers: new Map([[18, handler]]), logger: memoryLogger() })
    const bound = await server.start([
      { name: 'PLAINTEXT', host: '127.0.0.1', port: 0 },
      { name: 'INTERNAL', host: '127.0.0.1', port: 0 },
    ])
    try {
      assert.equal(bound.length, 2)
      assert.deepEqual(bound.map((b) => b.name), ['PLAINTEXT', 'INTERNAL'])
      assert.ok(bound.every((b) => b.port > 0))
      assert.notEqual(bound[0]!.port, bound[1]!.port)
      assert.deepEqual(server.listeners, bound)
      for (const b of bound) {
        const c = await client(b.port)
        c.socket.write(apiVersionsRequest(1))
        await waitFor(() => c.frames.length === 1)
        c.socket.destroy()
      }
      assert.deepEqual(listenersSeen, ['PLAINTEXT', 'INTERNAL'])
    } finally {
      await server.stop()
    }
  })

  test('without handlers it binds and accepts but reads nothing until enableRequestProcessing, then answers in order', async () => {
    const server = new SocketServer({ logger: memoryLogger() })
    const [b] = await server.start([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }])
    try {
      const early = await client(b!.port) // accepted while "logs load"
      early.socket.write(Buffer.concat([apiVersionsRequest(1), apiVersionsRequest(2)]))
      const gaveUp = await client(b!.port)
      gaveUp.socket.destroy()
      await gaveUp.closed
      // Give the server every chance to (wrongly) answer before it is enabled.
      await sleep(100)
      assert.equal(early.frames.length, 0, 'no answer before request processing is enabled')
      assert.equal(server.metrics.connectionsAccepted, 0)
      server.enableRequestProcessing({ apis: ALL_APIS, handlers: new Map([[18, apiVersions]]) })
      await waitFor(() => early.frames.length === 2)
      assert.deepEqual(early.frames.map((f) => f.readInt32BE(0)), [1, 2], 'correlation ids in request order')
      assert.equal(server.metrics.connectionsAccepted, 1, 'the connection that gave up is dropped')
      assert.throws(() => server.enableRequestProcessing({ apis: ALL_APIS, handlers: new Map() }), /already enabled/)
      early.socket.destroy()
    } finally {
      await server.stop()
    }
  })

  test('stop() closes connections that were held before request processing was enabled', async () => {
    const server = new SocketServer({ logger: memoryLogger() })
    const [b] = await server.start([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }])
    const held = await client(b!.port)
    await sleep(50) // let the server accept it
    await server.stop()
    await held.closed
    assert.equal(held.frames.length, 0)
  })

  test('hooks and counters', async () => {
    const opened: ConnectionInfo[] = []
    const closedInfos: ConnectionInfo[] = []
    const server = new SocketServer({
      apis: ALL_APIS,
      handlers: new Map([[18, apiVersions]]),
      logger: memoryLogger(),
      onConnection: (i) => void opened.push(i),
      onDisconnect: (i) => void closedInfos.push(i),
    })
    const [b] = await server.start([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }])
    try {
      const c = await client(b!.port)
      c.socket.write(Buffer.concat([apiVersionsRequest(1), apiVersionsRequest(2)]))
      await waitFor(() => c.frames.length === 2)
      assert.equal(opened.length, 1)
      assert.equal(opened[0]!.clientAddress, '127.0.0.1')
      assert.equal(opened[0]!.clientPort, c.socket.localPort)
      assert.equal(opened[0]!.listenerName, 'PLAINTEXT')
      const m = server.metrics
      assert.equal(m.connectionsOpen, 1)
      assert.equal(m.connectionsAccepted, 1)
      assert.equal(m.requestsByApiKey[18], 2)
      assert.equal(m.responsesSent, 2)
      assert.ok(m.bytesReceived > 0 && m.bytesSent > 0)
      c.socket.destroy()
      await waitFor(() => closedInfos.length === 1)
      assert.equal(closedInfos[0]!.connectionId, opened[0]!.connectionId)
      assert.equal(server.metrics.connectionsOpen, 0)
    } finally {
      await server.stop()
    }
  })

  test('a throwing hook is logged and the connection still works', async () => {
    const logger = memoryLogger()
    const entries = logger.events
    const server = new SocketServer({ apis: ALL_APIS, handlers: new Map([[18, apiVersions]]), logger, onConnection: () => { throw new Error('hook bug') } })
    const [b] = await server.start([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }])
    try {
      const c = await client(b!.port)
      c.socket.write(apiVersionsRequest(1))
      await waitFor(() => c.frames.length === 1)
      assert.ok(entries.some((e) => e.level === 'error' && e.msg.includes('onConnection')))
      c.socket.destroy()
    } finally {
      await server.stop()
    }
  })

  test('stop() lets the in-flight requests finish and answers them, drops queued ones, then closes and refuses new connections', async () => {
    let started!: () => void
    const inFlight = new Promise<void>((r) => { started = r })
    let handled = 0
    const slow: RequestHandler = async () => {
      handled++
      started()
      await sleep(100)
      return ApiVersionsApi.response.create()
    }
    const server = new SocketServer({ apis: ALL_APIS, handlers: new Map([[18, slow]]), logger: memoryLogger() })
    const [b] = await server.start([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }])
    const c = await client(b!.port)
    // Ten pipelined requests: eight start at once (the per-connection limit), two wait in the queue.
    c.socket.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => apiVersionsRequest(i + 1))))
    await inFlight
    await waitFor(() => handled === 8)
    const t0 = Date.now()
    await server.stop()
    assert.ok(Date.now() - t0 >= 50, 'stop waited for the in-flight requests')
    await c.closed
    assert.deepEqual(c.frames.map((f) => f.readInt32BE(0)), [1, 2, 3, 4, 5, 6, 7, 8], 'in-flight requests answered in order')
    assert.equal(handled, 8, 'queued requests dropped')
    await assert.rejects(client(b!.port))
    assert.equal(server.metrics.connectionsOpen, 0)
  })

  test('stop() destroys connections whose request outlives shutdownTimeoutMs', async () => {
    const logger = memoryLogger()
    const entries = logger.events
    const stuck: RequestHandler = () => new Promise(() => {})
    const server = new SocketServer({ apis: ALL_APIS, handlers: new Map([[18, stuck]]), logger, shutdownTimeoutMs: 100 })
    const [b] = await server.start([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }])
    const c = await client(b!.port)
    c.socket.write(apiVersionsRequest(1))
    await waitFor(() => server.connections()[0]?.requestInFlight === true)
    await server.stop()
    await c.closed
    assert.equal(c.frames.length, 0)
    assert.ok(entries.some((e) => e.level === 'warn' && e.msg.includes('timed out')))
  })

  test('stop() is idempotent and works with idle connections', async () => {
    const server = new SocketServer({ apis: ALL_APIS, handlers: new Map([[18, apiVersions]]), logger: memoryLogger() })
    const [b] = await server.start([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }])
    const c = await client(b!.port)
    await waitFor(() => server.metrics.connectionsOpen === 1)
    await Promise.all([server.stop(), server.stop()])
    await c.closed
  })

  test('a port in use fails start() and releases listeners already bound', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const taken = (blocker.address() as { port: number }).port
    try {
      const server = new SocketServer({ apis: ALL_APIS, handlers: new Map(), logger: memoryLogger() })
      await assert.rejects(server.start([
        { name: 'A', host: '127.0.0.1', port: 0 },
        { name: 'B', host: '127.0.0.1', port: taken },
      ]), /EADDRINUSE/)
      assert.deepEqual(server.listeners, [])
      await server.stop()
    } finally {
      await new Promise((r) => blocker.close(r))
    }
  })

  test('options are validated, naming the key', () => {
    const logger = memoryLogger()
    assert.throws(() => new SocketServer({ apis: ALL_APIS, handlers: new Map(), logger, socketRequestMaxBytes: 0 }), /socket\.request\.max\.bytes/)
    assert.throws(() => new SocketServer({ apis: ALL_APIS, handlers: new Map(), logger, maxInFlightBytesPerConnection: 1.5 }), /maxInFlightBytesPerConnection/)
    assert.throws(() => new SocketServer({ apis: ALL_APIS, handlers: new Map(), logger, shutdownTimeoutMs: -1 }), /shutdownTimeoutMs/)
  })
})
