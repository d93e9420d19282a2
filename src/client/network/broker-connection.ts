/**
 * One TCP connection from the client to one broker: length-framed requests,
 * pipelined (many in flight; Kafka answers a connection's requests in the
 * order they were sent, and responses are matched by correlation id), each
 * with a deadline, and the API versions to use negotiated once with
 * ApiVersions, so the same client speaks to Kafka 0.10 through 4.x and to
 * Brook.
 *
 * Negotiation: ApiVersions v3 first (it carries the client's name); a broker
 * too old for it answers UNSUPPORTED_VERSION (with its own range, KIP-511),
 * and the request is sent again at the version it has, or v0. For each
 * request the highest version both sides know is used.
 *
 * A request that times out closes the connection (the Java client's
 * behaviour: a late answer would arrive out of step); every request still in
 * flight then fails with a retriable ConnectionError, and the owner opens a
 * new connection (with back-off) when it needs one.
 */
import { connect as tcpConnect, type Socket } from 'node:net'
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls'
import { DecodeError } from '../../protocol/codec-error.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { decodeResponseWith, encodeRequestWith } from '../../protocol/frame-core.js'
import type { ApiSpec } from '../../protocol/message-spec.js'
import { ApiVersionsApi, type ApiVersionsResponse } from '../../protocol/messages/api-versions.js'
import { ConnectionError, KafkaProtocolError, RequestTimeoutError, UnsupportedVersionError } from '../errors.js'

export interface BrokerConnectionOptions {
  host: string
  port: number
  /** client.id in every request header. */
  clientId: string
  /** request.timeout.ms (Java client default 30000). */
  requestTimeoutMs?: number
  /** socket.connection.setup.timeout.ms (default 10000). */
  connectTimeoutMs?: number
  /** TLS options: the connection is made with node:tls (the hook the security issue builds on). */
  tls?: TlsOptions
  /** Called once the connection is up and before ApiVersions: SASL authentication plugs in here. */
  authenticate?: (connection: BrokerConnection) => Promise<void>
}

export interface VersionRange {
  minVersion: number
  maxVersion: number
}

interface InFlight {
  apiKey: number
  apiVersion: number
  resolve: (frame: Buffer) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

const CLIENT_SOFTWARE_NAME = 'brook-client'
const CLIENT_SOFTWARE_VERSION = '0.1.0'
const MAX_RESPONSE_BYTES = 1024 * 1024 * 1024

/** The highest version both the client's codecs and the broker accept, or null. */
export function negotiateVersion(ours: VersionRange, theirs: VersionRange | undefined): number | null {
  if (theirs === undefined) return null
  const max = Math.min(ours.maxVersion, theirs.maxVersion)
  return max >= Math.max(ours.minVersion, theirs.minVersion) ? max : null
}

export class BrokerConnection {
  readonly #socket: Socket
  readonly #opts: Required<Pick<BrokerConnectionOptions, 'requestTimeoutMs' | 'clientId'>>
  readonly #inFlight = new Map<number, InFlight>()
  #nextCorrelationId = 1
  #chunks: Buffer[] = []
  #buffered = 0
  #closedError: Error | undefined
  #versions = new Map<number, VersionRange>()
  readonly #closeListeners: ((e: Error) => void)[] = []

  private constructor(socket: Socket, opts: BrokerConnectionOptions) {
    this.#socket = socket
    this.#opts = { requestTimeoutMs: opts.requestTimeoutMs ?? 30_000, clientId: opts.clientId }
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', (e) => this.#fail(new ConnectionError(`connection to ${opts.host}:${opts.port} failed: ${e.message}`, { cause: e })))
    socket.on('close', () => this.#fail(new ConnectionError(`connection to ${opts.host}:${opts.port} closed`)))
  }

  /** Connects, authenticates if asked, and negotiates API versions. */
  static async connect(opts: BrokerConnectionOptions): Promise<BrokerConnection> {
    const timeoutMs = opts.connectTimeoutMs ?? 10_000
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = opts.tls ? tlsConnect({ ...opts.tls, host: opts.host, port: opts.port }) : tcpConnect({ host: opts.host, port: opts.port })
      const timer = setTimeout(() => {
        s.destroy()
        reject(new ConnectionError(`connection to ${opts.host}:${opts.port} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      s.once(opts.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer)
        s.removeAllListeners('error')
        resolve(s)
      })
      s.once('error', (e) => {
        clearTimeout(timer)
        reject(new ConnectionError(`cannot connect to ${opts.host}:${opts.port}: ${e.message}`, { cause: e }))
      })
    })
    const connection = new BrokerConnection(socket, opts)
    try {
      if (opts.authenticate) await opts.authenticate(connection)
      await connection.#negotiate()
    } catch (e) {
      connection.close()
      throw e
    }
    return connection
  }

  async #negotiate(): Promise<void> {
    const frame = await this.#sendFrame(ApiVersionsApi, 3, { ...ApiVersionsApi.request.create(), clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION })
    let res: ApiVersionsResponse
    try {
      res = decodeResponseWith(ApiVersionsApi, 3, frame).body
    } catch (e) {
      if (!(e instanceof DecodeError) || frame.length < 6) throw e
      // A broker that does not know v3 answers UNSUPPORTED_VERSION in a layout of its own choosing
      // (Kafka: v0's, KIP-511; librdkafka's mock: neither). Only the leading error code is
      // dependable, so read that and ask again at v0, as librdkafka does.
      const errorCode = frame.readInt16BE(4)
      if (errorCode !== ErrorCode.UNSUPPORTED_VERSION) throw e
      res = { ...ApiVersionsApi.response.create(), errorCode }
    }
    if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      // Ask again at the newest version it says it has (the Java client's retry), else v0.
      const theirs = res.apiKeys.find((k) => k.apiKey === ApiVersionsApi.apiKey)
      const version = Math.min(theirs?.maxVersion ?? 0, 3)
      res = await this.send(ApiVersionsApi, version, version >= 3 ? { ...ApiVersionsApi.request.create(), clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION } : ApiVersionsApi.request.create())
    }
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'ApiVersions failed')
    this.#versions = new Map(res.apiKeys.map((k) => [k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion }]))
  }

  /** The broker's version range for an API (undefined: it does not serve it). */
  brokerVersions(apiKey: number): VersionRange | undefined {
    return this.#versions.get(apiKey)
  }

  /** The version `request` will use for an API; throws UnsupportedVersionError when there is none. */
  versionFor(api: ApiSpec<unknown, unknown>): number {
    const v = negotiateVersion(api, this.#versions.get(api.apiKey))
    if (v === null) {
      const theirs = this.#versions.get(api.apiKey)
      throw new UnsupportedVersionError(`the broker ${theirs ? `supports ${api.name} versions ${theirs.minVersion}-${theirs.maxVersion}` : `does not support ${api.name}`}; this client speaks ${api.minVersion}-${api.maxVersion}`)
    }
    return v
  }

  /**
   * Sends a request at the negotiated version; resolves with the decoded
   * response. `timeoutMs` replaces request.timeout.ms for requests the broker
   * may rightly hold longer (a JoinGroup waits up to the rebalance timeout, a
   * Fetch up to its max wait).
   */
  request<Req, Res>(api: ApiSpec<Req, Res>, body: Req, timeoutMs?: number): Promise<Res> {
    const version = this.versionFor(api as ApiSpec<unknown, unknown>)
    if (timeoutMs === undefined) return this.send(api, version, body)
    return this.#sendFrame(api, version, body, timeoutMs).then((response) => decodeResponseWith(api as ApiSpec<unknown, Res>, version, response).body)
  }

  /**
   * Sends a request at an explicit version. With `expectResponse` false
   * (Produce with acks=0) it resolves once written, with undefined.
   */
  send<Req, Res>(api: ApiSpec<Req, Res>, apiVersion: number, body: Req, expectResponse?: true): Promise<Res>
  send<Req, Res>(api: ApiSpec<Req, Res>, apiVersion: number, body: Req, expectResponse: false): Promise<undefined>
  send<Req, Res>(api: ApiSpec<Req, Res>, apiVersion: number, body: Req, expectResponse = true): Promise<Res | undefined> {
    if (this.#closedError) return Promise.reject(this.#closedError)
    if (!expectResponse) {
      const { frame } = this.#encode(api, apiVersion, body)
      return new Promise((resolve, reject) => this.#socket.write(frame, (e) => (e ? reject(new ConnectionError(`write failed: ${e.message}`, { cause: e })) : resolve(undefined))))
    }
    return this.#sendFrame(api, apiVersion, body).then((response) => decodeResponseWith(api as ApiSpec<unknown, Res>, apiVersion, response).body)
  }

  #encode<Req, Res>(api: ApiSpec<Req, Res>, apiVersion: number, body: Req): { frame: Buffer; correlationId: number } {
    const correlationId = this.#nextCorrelationId
    this.#nextCorrelationId = (this.#nextCorrelationId + 1) & 0x7fffffff || 1
    return { frame: encodeRequestWith(api as ApiSpec<unknown, unknown>, { apiKey: api.apiKey, apiVersion, correlationId, clientId: this.#opts.clientId }, body), correlationId }
  }

  /** Sends a request and resolves with its response frame (after the size prefix), undecoded. */
  #sendFrame<Req, Res>(api: ApiSpec<Req, Res>, apiVersion: number, body: Req, timeoutMs = this.#opts.requestTimeoutMs): Promise<Buffer> {
    if (this.#closedError) return Promise.reject(this.#closedError)
    const { frame, correlationId } = this.#encode(api, apiVersion, body)
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#inFlight.delete(correlationId)
        reject(new RequestTimeoutError(`${api.name} request (correlation id ${correlationId}) timed out after ${timeoutMs} ms`))
        // A late answer would arrive out of step with the rest: start over on a new connection.
        this.#fail(new ConnectionError('connection closed after a request timed out'))
      }, timeoutMs)
      timer.unref()
      this.#inFlight.set(correlationId, { apiKey: api.apiKey, apiVersion, resolve, reject, timer })
      this.#socket.write(frame)
    })
  }

  get inFlight(): number {
    return this.#inFlight.size
  }

  get closed(): boolean {
    return this.#closedError !== undefined
  }

  /** Called once, when the connection closes for any reason. */
  onClose(listener: (e: Error) => void): void {
    if (this.#closedError) listener(this.#closedError)
    else this.#closeListeners.push(listener)
  }

  close(): void {
    this.#fail(new ConnectionError('connection closed by the client'))
  }

  #fail(e: Error): void {
    if (this.#closedError) return
    this.#closedError = e
    this.#socket.destroy()
    for (const f of this.#inFlight.values()) {
      clearTimeout(f.timer)
      f.reject(e)
    }
    this.#inFlight.clear()
    for (const l of this.#closeListeners) l(e)
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    while (this.#buffered >= 4) {
      const head = this.#chunks[0]!.length >= 4 ? this.#chunks[0]! : Buffer.concat(this.#chunks)
      const size = head.readInt32BE(0)
      if (size < 4 || size > MAX_RESPONSE_BYTES) return this.#fail(new ConnectionError(`bad response size ${size}`))
      if (this.#buffered < 4 + size) return
      const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks)
      const frame = all.subarray(4, 4 + size)
      const rest = all.subarray(4 + size)
      this.#chunks = rest.length > 0 ? [rest] : []
      this.#buffered = rest.length
      const correlationId = frame.readInt32BE(0)
      const pending = this.#inFlight.get(correlationId)
      if (!pending) return this.#fail(new ConnectionError(`response for unknown correlation id ${correlationId}`))
      this.#inFlight.delete(correlationId)
      clearTimeout(pending.timer)
      pending.resolve(frame)
    }
  }
}

