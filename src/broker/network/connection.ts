/**
 * One client connection: cuts the byte stream into request frames, decodes
 * each header and body, hands it to the broker's handler and writes the
 * response (STYLE.md §3, hops 2 and 10).
 *
 * Ordering (Kafka's `Processor` mutes a channel from the moment a request is
 * read until its response is sent): one request per connection is handled at
 * a time, in arrival order, so responses go out in request order and a
 * handler never sees two requests of one connection at once. Unlike Kafka,
 * which stops reading a muted channel, we keep reading and queue the frames
 * that arrive meanwhile, up to `maxInFlightBytesPerConnection` of complete
 * frames; past that the socket is paused until the queue falls to half the
 * limit. One frame is always accepted whatever its size (up to
 * `socketRequestMaxBytes`), so the limit never wedges a connection.
 *
 * Writes: responses are written with `socket.write()`; when it returns false
 * (the socket's buffer is past its high-water mark) no further request is
 * handled until 'drain', so a client that does not read its responses stops
 * being served, its frames fill the queue, and reading pauses: memory per
 * connection stays bounded by the two limits plus one response. Writes within
 * a tick are batched with cork/uncork.
 *
 * What closes a connection (DESIGN.md principle 7: that connection only), and
 * Kafka's counterpart:
 * - a size prefix <= 0 or > socketRequestMaxBytes (`InvalidReceiveException`);
 * - a header that does not parse, or an API key that is unknown or has no
 *   handler (`RequestHeader.parse` / `ApiVersionManager.isApiEnabled` throw
 *   `InvalidRequestException`, `Processor.processChannelException` closes);
 * - a version the broker does not support, except for ApiVersions (same
 *   path in Kafka: `isApiEnabled` checks the version for every API but
 *   ApiVersions);
 * - a body that does not decode or leaves bytes unread (`RequestContext.parseRequest`);
 * - a handler that rejects (a bug) when the response has no top-level
 *   errorCode to carry UNKNOWN_SERVER_ERROR, and a handler that asks for it
 *   with `CLOSE_CONNECTION` (Kafka's acks=0 produce that failed);
 * - the peer closing its side (Kafka closes on EOF; pending responses are dropped).
 * An ApiVersions request with an unsupported version is answered, not closed:
 * a v0 response with UNSUPPORTED_VERSION and the ApiVersions range (KIP-511,
 * `ApiVersionsRequest.getErrorResponse`) so the client can retry lower.
 */
import type { Socket } from 'node:net'
import { setImmediate as nextMacrotask } from 'node:timers/promises'
import type { Logger } from '../../common/logger.js'
import type { Time } from '../../common/time.js'
import { isDecodeError } from '../../protocol/codec-error.js'
import { ErrorCode } from '../../protocol/error-codes.js'
// frame-core and single API modules, not frame.js or messages/index.js: those
// load the codecs of every API, and the broker serves only a few (DESIGN.md).
import { API_VERSIONS_KEY, decodeRequestBody, decodeRequestHeader, encodeResponseWith } from '../../protocol/frame-core.js'
import type { ApiSpec } from '../../protocol/message-spec.js'
import { ApiVersionsApi } from '../../protocol/messages/api-versions.js'
import { CLOSE_CONNECTION, type ConnectionInfo, type RequestContext, type RequestHandler, type SupportedApiVersion } from './request-context.js'

/** What every connection of a server shares; built once by `SocketServer`. */
export interface ConnectionConfig {
  readonly handlers: ReadonlyMap<number, RequestHandler>
  /** The spec (codecs) of each served API, by api key; a key without one is treated as unknown. */
  readonly apis: ReadonlyMap<number, ApiSpec<unknown, unknown>>
  readonly supported: (apiKey: number, apiVersion: number) => boolean
  readonly apiVersions: () => readonly SupportedApiVersion[]
  readonly socketRequestMaxBytes: number
  readonly maxInFlightBytesPerConnection: number
  /** How long a closing connection waits for the peer to take our last bytes before it is destroyed. */
  readonly closeLingerMs: number
  readonly logger: Logger
  readonly time: Time
  readonly counters: NetworkCounters
}

/** Mutable counters shared by a server's connections; `SocketServer.metrics` snapshots them. */
export class NetworkCounters {
  connectionsAccepted = 0
  connectionsClosedForError = 0
  responsesSent = 0
  bytesReceived = 0
  bytesSent = 0
  readonly requestsByApiKey = new Map<number, number>()

  countRequest(apiKey: number): void {
    this.requestsByApiKey.set(apiKey, (this.requestsByApiKey.get(apiKey) ?? 0) + 1)
  }
}

/** A point-in-time view of one connection, for tooling and tests. */
export interface ConnectionState extends ConnectionInfo {
  /** Complete request frames received and waiting behind the one being handled, in bytes. */
  readonly queuedRequestBytes: number
  /** Bytes of a request frame still being received. */
  readonly partialFrameBytes: number
  /** Reading is paused for back-pressure. */
  readonly readPaused: boolean
  /** A request is being handled. */
  readonly requestInFlight: boolean
  /** Bytes written to the socket and not yet handed to the kernel. */
  readonly writableLength: number
}

interface ReceivedFrame {
  readonly frame: Buffer
  readonly receivedAtMs: number
}

/**
 * A bad size prefix, queued behind the frames before it: Kafka would read it
 * only after answering those (the channel is muted meanwhile), so they are
 * answered first and then the connection closes.
 */
interface FramingError {
  readonly invalidSize: number
}

type Received = ReceivedFrame | FramingError

type State =
  /** Reading and handling requests. */
  | 'open'
  /** Server shutdown: the request in flight finishes and is answered; nothing else is read or handled. */
  | 'stopping'
  /** Closing: input discarded, output flushed, then the socket ends. */
  | 'closing'
  /** The socket closed. */
  | 'closed'

/**
 * How many requests of one connection may be in a handler at once. Kafka
 * handles one at a time (it mutes the channel until the response is sent),
 * which its synchronous page-cache writes make cheap; here a produce awaits
 * its write on the thread pool, and with one request at a time the event
 * loop sat idle half the time under a pipelining producer (docs/BENCHMARKS.md).
 * Handlers start in request order and responses go out in request order, so
 * what a client sees is unchanged: a produce is queued on its log before the
 * next request's handler starts.
 */
const MAX_PIPELINED_REQUESTS = 8

/** One request on its way through the connection: a started handler, a ready response, or a close. */
type Step =
  | { kind: 'respond'; ctx: RequestContext; api: ApiSpec<unknown, unknown>; result: Promise<unknown> }
  | { kind: 'write'; bytes: Buffer }
  | { kind: 'close'; reason: string; fields: Record<string, unknown> }

/** Yield to the event loop after this many requests handled back to back, so one connection's burst of quick requests cannot starve the others. */
const REQUESTS_PER_YIELD = 32

export class Connection {
  readonly info: ConnectionInfo
  readonly #socket: Socket
  readonly #cfg: ConnectionConfig
  readonly #onClosed: (c: Connection) => void

  #state: State = 'open'

  // Receive side: chunks of a frame not yet complete, as a list so a frame
  // arriving in many pieces is copied once, when it is complete.
  #chunks: Buffer[] = []
  #chunksHead = 0
  #chunkBytes = 0
  /** Size of the frame being received once its prefix is in, else -1. */
  #frameSize = -1

  // Complete frames waiting to be handled: an array with a head index (shift() is O(n)).
  #queue: (Received | undefined)[] = []
  #queueHead = 0
  #queuedBytes = 0
  #readPaused = false
  /** A framing error was queued: the rest of the input is discarded. */
  #inputDone = false

  #processing = false
  #corked = false
  #needDrain = false
  #lingerTimer: NodeJS.Timeout | undefined
  readonly #closed: Promise<void>
  #resolveClosed!: () => void

  constructor(socket: Socket, info: ConnectionInfo, cfg: ConnectionConfig, onClosed: (c: Connection) => void) {
    this.#socket = socket
    this.info = info
    this.#cfg = cfg
    this.#onClosed = onClosed
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
    socket.setNoDelay(true)
    socket.setKeepAlive(true)
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('end', () => this.#onEnd())
    socket.on('error', (e) => this.#onSocketError(e))
    socket.on('close', () => this.#onSocketClose())
  }

  /** Resolves when the socket has closed. */
  get closed(): Promise<void> {
    return this.#closed
  }

  get state(): ConnectionState {
    return {
      ...this.info,
      queuedRequestBytes: this.#queuedBytes,
      partialFrameBytes: this.#chunkBytes,
      readPaused: this.#readPaused,
      requestInFlight: this.#processing,
      writableLength: this.#socket.writableLength,
    }
  }

  /**
   * Graceful close for server shutdown: the request being handled (if any)
   * finishes and its response is written; queued requests are dropped (the
   * client sees a disconnect and retries them, as after a Kafka broker
   * restart); then the socket ends. Resolves when it has closed.
   */
  shutdown(): Promise<void> {
    if (this.#state === 'open') {
      this.#state = 'stopping'
      this.#dropQueue()
      if (!this.#processing) this.#beginClose()
      // else: #pump's finally calls #beginClose after the in-flight response.
    }
    return this.#closed
  }

  /** Closes at once, dropping whatever is unsent. */
  destroy(): void {
    this.#socket.destroy()
  }

  // ---- receive ------------------------------------------------------------

  #onData(chunk: Buffer): void {
    this.#cfg.counters.bytesReceived += chunk.length
    if (this.#state !== 'open' || this.#inputDone) return // closing, stopping, or past a framing error: discard input
    this.#chunks.push(chunk)
    this.#chunkBytes += chunk.length
    while (true) {
      if (this.#frameSize < 0) {
        if (this.#chunkBytes < 4) break
        const size = this.#take(4).readInt32BE(0)
        if (size <= 0 || size > this.#cfg.socketRequestMaxBytes) {
          // Kafka's NetworkReceive: InvalidReceiveException("Invalid receive (size = ...)").
          this.#queue.push({ invalidSize: size })
          this.#inputDone = true
          this.#chunks = []
          this.#chunksHead = 0
          this.#chunkBytes = 0
          break
        }
        this.#frameSize = size
      }
      if (this.#chunkBytes < this.#frameSize) break
      const frame = this.#take(this.#frameSize)
      this.#frameSize = -1
      this.#queue.push({ frame, receivedAtMs: this.#cfg.time.hiResMs() })
      this.#queuedBytes += frame.length
    }
    if (!this.#readPaused && this.#queuedBytes >= this.#cfg.maxInFlightBytesPerConnection) {
      this.#readPaused = true
      this.#socket.pause()
    }
    void this.#pump()
  }

  /** Removes and returns the first `n` buffered bytes (`n <= #chunkBytes`); copies only when they span chunks. */
  #take(n: number): Buffer {
    this.#chunkBytes -= n
    const first = this.#chunks[this.#chunksHead]!
    if (first.length >= n) {
      const out = first.subarray(0, n)
      if (first.length === n) this.#shiftChunk()
      else this.#chunks[this.#chunksHead] = first.subarray(n)
      return out
    }
    const out = Buffer.allocUnsafe(n)
    let filled = 0
    while (filled < n) {
      const c = this.#chunks[this.#chunksHead]!
      const k = Math.min(c.length, n - filled)
      c.copy(out, filled, 0, k)
      filled += k
      if (k === c.length) this.#shiftChunk()
      else this.#chunks[this.#chunksHead] = c.subarray(k)
    }
    return out
  }

  #shiftChunk(): void {
    this.#chunks[this.#chunksHead++] = undefined as unknown as Buffer
    if (this.#chunksHead === this.#chunks.length) {
      this.#chunks = []
      this.#chunksHead = 0
    } else if (this.#chunksHead >= 1024 && this.#chunksHead * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#chunksHead)
      this.#chunksHead = 0
    }
  }

  #dequeue(): Received | undefined {
    if (this.#queueHead === this.#queue.length) return undefined
    const next = this.#queue[this.#queueHead]!
    this.#queue[this.#queueHead++] = undefined
    if (this.#queueHead === this.#queue.length) {
      this.#queue = []
      this.#queueHead = 0
    } else if (this.#queueHead >= 1024 && this.#queueHead * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead)
      this.#queueHead = 0
    }
    if ('frame' in next) this.#queuedBytes -= next.frame.length
    if (this.#readPaused && this.#state === 'open' && this.#queuedBytes <= this.#cfg.maxInFlightBytesPerConnection / 2) {
      this.#readPaused = false
      this.#socket.resume()
    }
    return next
  }

  #dropQueue(): void {
    this.#queue = []
    this.#queueHead = 0
    this.#queuedBytes = 0
    this.#chunks = []
    this.#chunksHead = 0
    this.#chunkBytes = 0
    this.#frameSize = -1
  }

  // ---- handle -------------------------------------------------------------

  /**
   * Handles queued requests in order, answering in order; at most one pump
   * runs per connection. Up to MAX_PIPELINED_REQUESTS handlers of one
   * connection run at once (see the constant for why); each is started in
   * request order, so a produce is queued on its log before the next one is.
   */
  async #pump(): Promise<void> {
    if (this.#processing) return
    this.#processing = true
    const started: Step[] = []
    try {
      let sinceYield = 0
      let stopReading = false
      while (this.#state === 'open' || (this.#state === 'stopping' && started.length > 0)) {
        while (!stopReading && this.#state === 'open' && started.length < MAX_PIPELINED_REQUESTS) {
          const next = this.#dequeue()
          if (next === undefined) break
          const step: Step =
            'invalidSize' in next
              ? { kind: 'close', reason: 'invalid request size', fields: { size: next.invalidSize, socketRequestMaxBytes: this.#cfg.socketRequestMaxBytes } }
              : this.#begin(next)
          started.push(step)
          // Nothing after a request that closes the connection is handled.
          if (step.kind === 'close') stopReading = true
        }
        const step = started.shift()
        if (step === undefined) break
        if (!(await this.#finish(step))) break
        if (this.#needDrain && this.#state === 'open') await this.#drained()
        if (++sinceYield >= REQUESTS_PER_YIELD) {
          sinceYield = 0
          await nextMacrotask()
        }
      }
    } catch (e) {
      // Only a bug in this file gets here; #begin and #finish catch handler and codec errors.
      this.#cfg.logger.error('unexpected error in connection; closing it', { ...this.#fields(), error: asError(e) })
      this.#cfg.counters.connectionsClosedForError++
      this.#beginClose()
    } finally {
      this.#processing = false
      if (this.#state === 'stopping') this.#beginClose()
    }
  }

  /**
   * Decodes one request frame and starts its handler; does no I/O. What it
   * cannot start (an undecodable frame, an unknown API) becomes a step that
   * #finish carries out in request order.
   */
  #begin({ frame, receivedAtMs }: ReceivedFrame): Step {
    let decoded
    try {
      decoded = decodeRequestHeader(frame)
    } catch (e) {
      if (!isDecodeError(e)) throw e
      return this.#closeStep('request header does not parse', {
        apiKey: frame.length >= 2 ? frame.readInt16BE(0) : undefined,
        requestSize: frame.length,
        error: e.message,
      })
    }
    const { header, headerVersion, bodyOffset } = decoded
    const apiKey = header.requestApiKey
    const apiVersion = header.requestApiVersion
    const api = this.#cfg.apis.get(apiKey)
    const handler = this.#cfg.handlers.get(apiKey)
    if (api === undefined || handler === undefined) {
      return this.#closeStep('unknown or disabled api key', { apiKey, apiVersion, correlationId: header.correlationId, clientId: header.clientId })
    }
    this.#cfg.counters.countRequest(apiKey)

    const inCodecRange = apiVersion >= api.minVersion && apiVersion <= api.maxVersion
    if (!inCodecRange || !this.#cfg.supported(apiKey, apiVersion)) {
      if (apiKey === API_VERSIONS_KEY) {
        // KIP-511 / ApiVersionsRequest.getErrorResponse: answer at v0 (whose
        // header and body every client can read), listing ApiVersions' own
        // range; the body is not parsed (Kafka's RequestContext.parseRequest).
        return { kind: 'write', bytes: encodeResponseWith(ApiVersionsApi, 0, header.correlationId, this.#unsupportedApiVersionsResponse()) }
      }
      // A version the codecs know but the broker does not serve gets UNSUPPORTED_VERSION
      // where the response has a top-level error code (the issue asks for the code; Kafka
      // closes). A version beyond the spec cannot be encoded at all: close, as Kafka does.
      const bytes = inCodecRange ? this.#errorResponse(apiVersion, header.correlationId, api, ErrorCode.UNSUPPORTED_VERSION) : undefined
      if (bytes) {
        this.#cfg.logger.warn('unsupported api version', { ...this.#fields(), apiName: api.name, apiVersion, correlationId: header.correlationId, clientId: header.clientId })
        return { kind: 'write', bytes }
      }
      return this.#closeStep('unsupported api version', { apiKey, apiName: api.name, apiVersion, correlationId: header.correlationId, clientId: header.clientId })
    }

    let body: unknown
    try {
      body = decodeRequestBody(api, frame, bodyOffset, apiVersion)
    } catch (e) {
      if (!isDecodeError(e)) {
        // A decoder must throw only DecodeError; anything else is a codec bug. Still this connection's input only.
        this.#cfg.logger.error('request decoder threw a non-DecodeError', { ...this.#fields(), apiName: api.name, apiVersion, error: asError(e) })
      }
      return this.#closeStep('request body does not parse', {
        apiName: api.name,
        apiVersion,
        correlationId: header.correlationId,
        clientId: header.clientId,
        requestSize: frame.length,
        error: (e as Error)?.message,
      })
    }

    const ctx: RequestContext = {
      apiKey,
      apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId ?? '',
      headerVersion,
      connectionId: this.info.connectionId,
      clientAddress: this.info.clientAddress,
      listenerName: this.info.listenerName,
      receivedAtMs,
      requestSize: frame.length,
    }

    let result: Promise<unknown>
    try {
      result = handler(ctx, body)
    } catch (e) {
      result = Promise.reject(e)
    }
    // Handled by #finish in order; until then a rejection is not unhandled.
    result.catch(() => undefined)
    return { kind: 'respond', ctx, api, result }
  }

  /** Carries out one step in request order: writes its response, or closes. False when the connection is closing. */
  async #finish(step: Step): Promise<boolean> {
    if (step.kind === 'close') return this.#closeForError(step.reason, step.fields)
    if (step.kind === 'write') {
      this.#write(step.bytes)
      return true
    }
    const { ctx, api, result } = step
    const apiVersion = ctx.apiVersion
    let response: unknown
    try {
      response = await result
    } catch (e) {
      return this.#handlerFailed(ctx, api, e)
    }
    if (this.#state !== 'open' && this.#state !== 'stopping') return false // the connection went away meanwhile
    if (response === null) return true // acks=0: no response
    if (response === CLOSE_CONNECTION) {
      this.#cfg.logger.debug('handler asked to close the connection', this.#requestFields(ctx, api))
      this.#beginClose()
      return false
    }
    let bytes: Buffer
    try {
      bytes = encodeResponseWith(api, apiVersion, ctx.correlationId, response)
    } catch (e) {
      return this.#handlerFailed(ctx, api, e)
    }
    this.#write(bytes)
    return true
  }

  #unsupportedApiVersionsResponse(): unknown {
    const own = this.#cfg.apiVersions().find((r) => r.apiKey === API_VERSIONS_KEY)
    return {
      ...ApiVersionsApi.response.create(),
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{
        apiKey: API_VERSIONS_KEY,
        minVersion: own?.minVersion ?? ApiVersionsApi.minVersion,
        maxVersion: own?.maxVersion ?? ApiVersionsApi.maxVersion,
      }],
    }
  }

  /**
   * A handler rejected, or its response did not encode: a bug. Kafka
   * (`RequestHandlerHelper.handleError`) answers with the API's error
   * response, UNKNOWN_SERVER_ERROR in every entry, or closes the connection
   * where the API has none. We cannot fill per-entry errors generically, so:
   * the API's default response with errorCode -1 where it has a top-level
   * errorCode at this version, else close the connection.
   */
  #handlerFailed(ctx: RequestContext, api: ApiSpec<unknown, unknown>, e: unknown): boolean {
    this.#cfg.logger.error('request handler failed', { ...this.#requestFields(ctx, api), error: asError(e) })
    if (this.#state !== 'open' && this.#state !== 'stopping') return false
    const bytes = this.#errorResponse(ctx.apiVersion, ctx.correlationId, api, ErrorCode.UNKNOWN_SERVER_ERROR)
    if (bytes) {
      this.#write(bytes)
      return true
    }
    this.#cfg.counters.connectionsClosedForError++
    this.#beginClose()
    return false
  }

  /**
   * The API's default response with `errorCode` set, encoded, when the
   * response has a top-level error code at this version; undefined otherwise.
   */
  #errorResponse(apiVersion: number, correlationId: number, api: ApiSpec<unknown, unknown>, errorCode: number): Buffer | undefined {
    const fallback = api.response.create() as Record<string, unknown>
    if (typeof fallback.errorCode !== 'number') return undefined
    fallback.errorCode = errorCode
    try {
      // Throws EncodeError where errorCode does not exist at this version.
      return encodeResponseWith(api, apiVersion, correlationId, fallback)
    } catch {
      return undefined
    }
  }

  /** A step that closes the connection when its turn comes (after earlier responses are written). */
  #closeStep(reason: string, fields: Record<string, unknown>): Step {
    return { kind: 'close', reason, fields }
  }

  // ---- send ---------------------------------------------------------------

  /** Writes one response. Writes in one tick are corked together and flushed on the next tick. */
  #write(bytes: Buffer): void {
    if (!this.#socket.writable) return
    if (!this.#corked) {
      this.#corked = true
      this.#socket.cork()
      process.nextTick(() => this.#uncork())
    }
    this.#cfg.counters.responsesSent++
    this.#cfg.counters.bytesSent += bytes.length
    if (!this.#socket.write(bytes)) this.#needDrain = true
  }

  #uncork(): void {
    if (!this.#corked) return
    this.#corked = false
    this.#socket.uncork()
  }

  /** Waits until the socket's buffer drains (or the socket closes). */
  #drained(): Promise<void> {
    this.#uncork() // a corked socket never drains
    return new Promise((resolve) => {
      const done = (): void => {
        this.#socket.off('drain', done)
        this.#socket.off('close', done)
        this.#needDrain = false
        resolve()
      }
      if (!this.#socket.writableNeedDrain || this.#socket.destroyed) {
        done()
        return
      }
      this.#socket.on('drain', done)
      this.#socket.on('close', done)
    })
  }

  // ---- close --------------------------------------------------------------

  #closeForError(reason: string, fields: Record<string, unknown>): false {
    if (this.#state === 'open' || this.#state === 'stopping') {
      this.#cfg.logger.warn(`closing connection: ${reason}`, { ...this.#fields(), ...fields })
      this.#cfg.counters.connectionsClosedForError++
      this.#beginClose()
    }
    return false
  }

  /**
   * Stops handling requests, flushes what was written and ends the socket.
   * Input is read and discarded until the peer closes: closing a socket with
   * unread input makes the kernel send RST, which can destroy responses the
   * peer has not read yet. After closeLingerMs the socket is destroyed anyway.
   */
  #beginClose(): void {
    if (this.#state === 'closing' || this.#state === 'closed') return
    this.#state = 'closing'
    this.#dropQueue()
    if (this.#readPaused) {
      this.#readPaused = false
      this.#socket.resume()
    }
    this.#uncork()
    this.#socket.end()
    this.#lingerTimer = setTimeout(() => this.#socket.destroy(), this.#cfg.closeLingerMs)
    this.#lingerTimer.unref()
  }

  #onEnd(): void {
    // The peer closed its side. Kafka closes the channel on EOF; so do we, after flushing.
    this.#beginClose()
  }

  #onSocketError(e: Error): void {
    // ECONNRESET, EPIPE and the like: the peer went away. 'close' follows.
    this.#cfg.logger.debug('socket error', { ...this.#fields(), error: e.message })
    if (this.#state !== 'closed') this.#state = 'closing'
  }

  #onSocketClose(): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    this.#dropQueue()
    if (this.#lingerTimer !== undefined) clearTimeout(this.#lingerTimer)
    this.#resolveClosed()
    this.#onClosed(this)
  }

  #fields(): Record<string, unknown> {
    return {
      connectionId: this.info.connectionId,
      clientAddress: this.info.clientAddress,
      clientPort: this.info.clientPort,
      listener: this.info.listenerName,
    }
  }

  #requestFields(ctx: RequestContext, api: ApiSpec<unknown, unknown>): Record<string, unknown> {
    return { ...this.#fields(), apiName: api.name, apiVersion: ctx.apiVersion, correlationId: ctx.correlationId, clientId: ctx.clientId }
  }
}

/** The logger prints an Error field with its stack; anything else thrown is wrapped so it prints too. */
function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(`non-Error thrown: ${String(e)}`)
}
