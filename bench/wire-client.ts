/**
 * A minimal Kafka client for benchmarks: one TCP connection, Brook's protocol
 * layer for the bytes, requests pipelined and answered in order (Kafka answers
 * each connection's requests in the order they were sent). Nothing else: no
 * metadata refresh, retries or partitioner, so the broker, not the client, is
 * what gets measured.
 *
 * Bodies that are sent many times (a Produce request with a 1 MB batch) are
 * encoded once with `encodeBody()` and sent with `sendEncoded()`, which writes
 * a fresh 20-odd-byte header and the shared body as one vectored write.
 */
import { connect, type Socket } from 'node:net'
import {
  ApiVersionsApi,
  CreateTopicsApi,
  ErrorCode,
  MetadataApi,
  Writer,
  decodeResponse,
  defaultApiVersionsRequest,
  defaultCreateTopicsRequest,
  defaultCreateTopicsRequestCreatableTopic,
  defaultMetadataRequest,
  defaultMetadataRequestTopic,
  requestHeaderVersion,
  writeRequestHeader,
  type ApiSpec,
  type ApiVersionsResponse,
} from '../src/protocol/index.js'

const CLIENT_ID = 'brook-bench'

interface Pending {
  apiKey: number
  apiVersion: number
  resolve: (frame: Buffer) => void
  reject: (e: Error) => void
}

/** A request body encoded once, for sending many times. */
export interface EncodedBody {
  apiKey: number
  apiVersion: number
  bytes: Buffer
}

export function encodeBody<Req>(api: ApiSpec<Req, unknown>, apiVersion: number, body: Req): EncodedBody {
  const w = new Writer(1 << 16)
  api.request.write(w, body, apiVersion)
  return { apiKey: api.apiKey, apiVersion, bytes: w.finish() }
}

export class WireConnection {
  readonly #socket: Socket
  readonly #pending: Pending[] = []
  #pendingHead = 0
  #nextCorrelationId = 1
  #chunks: Buffer[] = []
  #buffered = 0
  /** Size of the frame being assembled, size prefix included; -1 until its prefix is in. */
  #need = -1
  #closed: Error | null = null

  private constructor(socket: Socket) {
    this.#socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', (e) => this.#fail(e))
    socket.on('close', () => this.#fail(new Error('connection closed')))
  }

  static open(host: string, port: number): Promise<WireConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port })
      const onError = (e: Error) => reject(e)
      socket.once('error', onError)
      socket.once('connect', () => {
        socket.off('error', onError)
        resolve(new WireConnection(socket))
      })
    })
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.#pending.length - this.#pendingHead
  }

  /** Encodes, sends and decodes one request. */
  async request<Req, Res>(api: ApiSpec<Req, Res>, apiVersion: number, body: Req): Promise<Res> {
    const frame = await this.sendEncoded(encodeBody<Req>(api, apiVersion, body))
    return decodeResponse<Res>(api.apiKey, apiVersion, frame).body
  }

  /** Sends a pre-encoded body under a new correlation id; resolves with the response frame (without its size prefix). */
  sendEncoded(body: EncodedBody): Promise<Buffer> {
    if (this.#closed) return Promise.reject(this.#closed)
    const correlationId = this.#nextCorrelationId++
    const w = new Writer(64)
    w.int32(0)
    writeRequestHeader(
      w,
      { requestApiKey: body.apiKey, requestApiVersion: body.apiVersion, correlationId, clientId: CLIENT_ID },
      requestHeaderVersion(body.apiKey, body.apiVersion),
    )
    w.setInt32At(0, w.length - 4 + body.bytes.length)
    const header = w.finish()
    return new Promise((resolve, reject) => {
      this.#pending.push({ apiKey: body.apiKey, apiVersion: body.apiVersion, resolve, reject })
      this.#socket.cork()
      this.#socket.write(header)
      this.#socket.write(body.bytes)
      this.#socket.uncork()
    })
  }

  close(): void {
    this.#socket.destroy()
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    for (;;) {
      if (this.#need < 0) {
        if (this.#buffered < 4) return
        this.#need = this.#peekInt32() + 4
      }
      if (this.#buffered < this.#need) return
      const frame = this.#take(this.#need).subarray(4)
      this.#need = -1
      this.#dispatch(frame)
    }
  }

  #peekInt32(): number {
    const first = this.#chunks[0]!
    if (first.length >= 4) return first.readInt32BE(0)
    const joined = Buffer.concat(this.#chunks)
    this.#chunks = [joined]
    return joined.readInt32BE(0)
  }

  /** Removes and returns the first n buffered bytes, copying only when they span chunks. */
  #take(n: number): Buffer {
    this.#buffered -= n
    const first = this.#chunks[0]!
    if (first.length === n) {
      this.#chunks.shift()
      return first
    }
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = Buffer.allocUnsafe(n)
    let filled = 0
    while (filled < n) {
      const c = this.#chunks[0]!
      const want = n - filled
      if (c.length <= want) {
        c.copy(out, filled)
        filled += c.length
        this.#chunks.shift()
      } else {
        c.copy(out, filled, 0, want)
        this.#chunks[0] = c.subarray(want)
        filled += want
      }
    }
    return out
  }

  #dispatch(frame: Buffer): void {
    const p = this.#pending[this.#pendingHead]
    if (!p) {
      this.#fail(new Error('response without a request'))
      return
    }
    this.#pending[this.#pendingHead++] = undefined as unknown as Pending
    if (this.#pendingHead > 1024 && this.#pendingHead * 2 > this.#pending.length) {
      this.#pending.splice(0, this.#pendingHead)
      this.#pendingHead = 0
    }
    p.resolve(frame)
  }

  #fail(e: Error): void {
    if (this.#closed) return
    this.#closed = e
    for (let i = this.#pendingHead; i < this.#pending.length; i++) this.#pending[i]!.reject(e)
    this.#pending.length = 0
    this.#pendingHead = 0
    this.#socket.destroy()
  }
}

/** Splits `host:port`. */
export function parseHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':')
  const port = Number(s.slice(i + 1))
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`expected HOST:PORT, got '${s}'`)
  return { host: s.slice(0, i), port }
}

/** ApiVersions v3 round trip; throws unless the broker answers without error. */
export async function apiVersions(conn: WireConnection): Promise<ApiVersionsResponse> {
  const req = { ...defaultApiVersionsRequest(), clientSoftwareName: CLIENT_ID, clientSoftwareVersion: '0.1.0' }
  const res = await conn.request(ApiVersionsApi, 3, req)
  if (res.errorCode !== 0) throw new Error(`ApiVersions failed with error code ${res.errorCode}`)
  return res
}

/**
 * Creates a topic (TOPIC_ALREADY_EXISTS is fine) and waits, boundedly, until
 * Metadata shows a leader for every partition.
 */
export async function createTopic(conn: WireConnection, name: string, partitions: number): Promise<void> {
  const topic = { ...defaultCreateTopicsRequestCreatableTopic(), name, numPartitions: partitions, replicationFactor: 1 }
  const created = await conn.request(CreateTopicsApi, 5, { ...defaultCreateTopicsRequest(), topics: [topic], timeoutMs: 30_000 })
  const code = created.topics[0]?.errorCode ?? -1
  if (code !== 0 && code !== ErrorCode.TOPIC_ALREADY_EXISTS) throw new Error(`CreateTopics ${name} failed with error code ${code}`)
  for (let attempt = 0; attempt < 200; attempt++) {
    const req = { ...defaultMetadataRequest(), topics: [{ ...defaultMetadataRequestTopic(), name }], allowAutoTopicCreation: false }
    const md = await conn.request(MetadataApi, 12, req)
    const t = md.topics[0]
    if (t && t.errorCode === 0 && t.partitions.length === partitions && t.partitions.every((p) => p.errorCode === 0 && p.leaderId >= 0)) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`topic ${name} has no leader after 200 Metadata requests`)
}
