/**
 * Network-layer fuzzing (DESIGN.md "Testing"): 10,000+ batches of random and
 * mutated request frames (most of one frame, some of up to 20) over thousands
 * of TCP connections, 8 at a time, against a server
 * whose handlers answer ApiVersions and echo each API's default response.
 *
 * Each batch of frames on a connection is followed by a well-formed
 * ApiVersions "sentinel" request. A batch ends when the sentinel is answered
 * (the connection survived; the next batch reuses it) or the server closes
 * the connection (the client reconnects). If neither happens quickly, the
 * server must be waiting for the rest of a frame whose size prefix claims
 * more than was sent; the client then sends zeros, enough to complete any
 * frame up to socketRequestMaxBytes and then a size prefix of 0, so the
 * server must close. A connection that still is not closed means the server
 * hung, and fails the test.
 *
 * Afterwards: no connection is left open, nothing was logged at error level
 * (a decoder throwing something other than DecodeError, a handler or encoder
 * bug), and a fresh connection is served normally. A crash of the server
 * would crash this process and fail the run.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { memoryLogger } from '../../common/logger.js'
import { ADVERTISED_API_VERSIONS } from '../../protocol/api-versions.js'
import { apiSpec, decodeResponse, encodeRequest } from '../../protocol/frame.js'
import { API_SPECS, ApiVersionsApi, type ApiVersionsResponse } from '../../protocol/messages/index.js'
import { MESSAGE_SCHEMAS } from '../../protocol/messages/schemas.js'
import { buildSample } from '../../protocol/testing/message-samples.js'
import { mutate, randomBytes, randomInt, seededRng, type Rng, withSizePrefix } from '../../protocol/testing/fuzz.js'
import type { RequestHandler } from './request-context.js'
import { SocketServer } from './socket-server.js'

/** Every API's spec by key: these tests serve whichever keys their handlers cover. */
const ALL_APIS = new Map(API_SPECS.map((a) => [a.apiKey, a]))

const SEED = Number(process.env.BROOK_FUZZ_SEED ?? 20261128)
/** Batches to send; the first frame of each always reaches the server's framing and decoding, so at least this many frames are examined. */
const BATCHES = 10_000
const WORKERS = 8
const MAX_REQUEST_BYTES = 64 * 1024
/** APIs whose valid requests are mutated: produce, fetch, list offsets, metadata, offset commit, find coordinator, join group, heartbeat, sync group, SASL handshake, ApiVersions, create topics, init producer id, describe configs. */
const FUZZED_KEYS = [0, 1, 2, 3, 8, 10, 11, 12, 14, 17, 18, 19, 22, 32]

function apiVersionsBody(): ApiVersionsResponse {
  return { ...ApiVersionsApi.response.create(), apiKeys: ADVERTISED_API_VERSIONS.map((r) => ({ apiKey: r.apiKey, minVersion: r.minVersion, maxVersion: r.maxVersion })) }
}

function handlers(): Map<number, RequestHandler> {
  const table = new Map<number, RequestHandler>()
  for (const r of ADVERTISED_API_VERSIONS) {
    const api = apiSpec(r.apiKey)!
    table.set(r.apiKey, async () => (r.apiKey === 18 ? apiVersionsBody() : api.response.create()))
  }
  return table
}

function validFrames(): Buffer[] {
  const frames: Buffer[] = []
  for (const key of FUZZED_KEYS) {
    const api = apiSpec(key)!
    const range = ADVERTISED_API_VERSIONS.find((r) => r.apiKey === key)!
    for (let v = range.minVersion; v <= range.maxVersion; v++) {
      const body = buildSample(MESSAGE_SCHEMAS[api.request.name]!, v, api.request.flexibleMinVersion)
      frames.push(encodeRequest({ apiKey: key, apiVersion: v, correlationId: 1000 + v, clientId: 'fuzz' }, body))
    }
  }
  return frames
}

/** One fuzzed frame: mutations of the whole frame or of its body with a correct prefix, random headers, random bytes. */
function fuzzFrame(rng: Rng, valid: readonly Buffer[]): Buffer {
  const base = valid[randomInt(rng, valid.length)]!
  switch (randomInt(rng, 10)) {
    case 0: case 1: case 2: // mutate everything, size prefix included
      return mutate(rng, base)
    case 3: case 4: case 5: case 6: // mutate the frame after the prefix, then fix the prefix: exercises header and body decoding
      return withSizePrefix(mutate(rng, base.subarray(4)))
    case 7: { // a known api key and a random version, correlation id and body
      const h = Buffer.alloc(8)
      h.writeInt16BE(FUZZED_KEYS[randomInt(rng, FUZZED_KEYS.length)]!, 0)
      h.writeInt16BE(randomInt(rng, 20) - 2, 2)
      h.writeInt32BE(randomInt(rng, 2 ** 31), 4)
      return withSizePrefix(Buffer.concat([h, randomBytes(rng, randomInt(rng, 64))]))
    }
    case 8: // random bytes with a correct prefix
      return withSizePrefix(randomBytes(rng, randomInt(rng, 64)))
    default: // random bytes
      return randomBytes(rng, 1 + randomInt(rng, 32))
  }
}

interface Stats {
  frames: number
  batches: number
  sentinelsAnswered: number
  closedByServer: number
  neededPadding: number
}

/** A client connection that cuts response frames and remembers correlation ids. */
class FuzzClient {
  readonly socket: Socket
  readonly correlationIds: number[] = []
  readonly sentinelResponses = new Map<number, Buffer>()
  closed = false
  #buf: Buffer = Buffer.alloc(0)
  #wake: (() => void) | undefined

  private constructor(socket: Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    socket.on('data', (c: Buffer) => {
      this.#buf = this.#buf.length === 0 ? c : Buffer.concat([this.#buf, c])
      while (this.#buf.length >= 4) {
        const n = this.#buf.readInt32BE(0)
        assert.ok(n >= 4, `response frame size ${n}`)
        if (this.#buf.length < 4 + n) break
        const frame = this.#buf.subarray(4, 4 + n)
        const id = frame.readInt32BE(0)
        this.correlationIds.push(id)
        if (id < 0) this.sentinelResponses.set(id, frame)
        this.#buf = this.#buf.subarray(4 + n)
      }
      this.#wake?.()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closed = true
      this.#wake?.()
    })
  }

  static connect(port: number): Promise<FuzzClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new FuzzClient(s)))
      s.once('error', reject)
    })
  }

  /** Waits until `done()` or the connection closes, at most `ms`. */
  async until(done: () => boolean, ms: number): Promise<void> {
    const deadline = performance.now() + ms
    while (!done() && !this.closed && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve
        setTimeout(resolve, 10)
      })
    }
  }
}

test('socket server survives 10,000+ random and mutated frames over many connections', { timeout: 300_000 }, async () => {
  const logger = memoryLogger({ level: 'info' })
  const server = new SocketServer({ apis: ALL_APIS, handlers: handlers(), logger, socketRequestMaxBytes: MAX_REQUEST_BYTES, closeLingerMs: 2000 })
  const [bound] = await server.start([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }])
  const port = bound!.port
  const valid = validFrames()
  const stats: Stats = { frames: 0, batches: 0, sentinelsAnswered: 0, closedByServer: 0, neededPadding: 0 }
  let nextSentinel = -1 // negative ids never collide with the valid frames' ids

  async function worker(w: number): Promise<void> {
    const rng = seededRng(SEED + w)
    let client: FuzzClient | undefined
    while (stats.batches < BATCHES) {
      client ??= await FuzzClient.connect(port)
      const c = client
      // Mostly one frame per batch, so nearly every frame is examined; a quarter pipeline up to 20.
      const n = randomInt(rng, 4) === 0 ? 1 + randomInt(rng, 20) : 1
      const batch: Buffer[] = []
      for (let i = 0; i < n; i++) batch.push(fuzzFrame(rng, valid))
      stats.frames += n
      stats.batches++
      const sentinel = nextSentinel--
      batch.push(encodeRequest({ apiKey: 18, apiVersion: 3, correlationId: sentinel, clientId: 'sentinel' }, { ...ApiVersionsApi.request.create(), clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }))
      const bytes = Buffer.concat(batch)
      // Sometimes in small pieces, so frames and prefixes straddle reads.
      if (randomInt(rng, 4) === 0) {
        for (let at = 0; at < bytes.length;) {
          const k = 1 + randomInt(rng, 16)
          c.socket.write(bytes.subarray(at, at + k))
          at += k
        }
      } else {
        c.socket.write(bytes)
      }
      await c.until(() => c.sentinelResponses.has(sentinel), 100)
      if (!c.sentinelResponses.has(sentinel) && !c.closed) {
        // The server waits for the rest of a frame: complete it, then send a zero size prefix.
        stats.neededPadding++
        c.socket.write(Buffer.alloc(MAX_REQUEST_BYTES + 8))
        await c.until(() => false, 5000)
        assert.ok(c.closed || c.sentinelResponses.has(sentinel), 'server neither answered nor closed: it hung')
      }
      const resp = c.sentinelResponses.get(sentinel)
      if (resp !== undefined) {
        stats.sentinelsAnswered++
        const { body } = decodeResponse<ApiVersionsResponse>(18, 3, resp)
        assert.equal(body.errorCode, 0)
        assert.ok(body.apiKeys.length > 0)
      }
      if (c.closed || resp === undefined) {
        if (!c.closed) await c.until(() => false, 5000)
        assert.ok(c.closed, 'connection closed')
        stats.closedByServer++
        client = undefined
      }
    }
    client?.socket.destroy()
  }

  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
  const errors = logger.events.filter((e) => e.level === 'error')
  const warns = logger.events.filter((e) => e.level === 'warn')
  console.log(`# network fuzz: ${stats.frames} frames in ${stats.batches} batches, ${stats.sentinelsAnswered} batches survived, ${stats.closedByServer} connections closed by the server, ${stats.neededPadding} needed padding; ${warns.length} warnings, ${errors.length} errors (seed ${SEED})`)
  const reasons = new Map<string, number>()
  for (const e of warns) reasons.set(e.msg, (reasons.get(e.msg) ?? 0) + 1)
  console.log(`# close reasons: ${[...reasons].map(([m, n]) => `${m}: ${n}`).join('; ')}`)

  assert.ok(stats.batches >= BATCHES && stats.frames >= BATCHES)
  assert.deepEqual(errors.map((e) => logger.lines[logger.events.indexOf(e)]), [], 'nothing logged at error level')
  assert.ok(stats.sentinelsAnswered > 0 && stats.closedByServer > 0, 'both outcomes happen')
  // Every connection the fuzzers opened is gone on the server side too.
  const deadline = Date.now() + 10_000
  while (server.metrics.connectionsOpen > 0 && Date.now() < deadline) await sleep(20)
  assert.equal(server.metrics.connectionsOpen, 0, 'no connection left open')

  // A fresh connection is served normally.
  const fresh = await FuzzClient.connect(port)
  fresh.socket.write(encodeRequest({ apiKey: 18, apiVersion: 3, correlationId: -999_999_999, clientId: 'after' }, { ...ApiVersionsApi.request.create(), clientSoftwareName: 'after', clientSoftwareVersion: '1' }))
  await fresh.until(() => fresh.sentinelResponses.has(-999_999_999), 5000)
  const { body } = decodeResponse<ApiVersionsResponse>(18, 3, fresh.sentinelResponses.get(-999_999_999)!)
  assert.equal(body.errorCode, 0)
  assert.deepEqual(body.apiKeys.find((k) => k.apiKey === 18), { apiKey: 18, minVersion: 0, maxVersion: 4 })
  fresh.socket.destroy()
  await server.stop()
})
