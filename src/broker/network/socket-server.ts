/**
 * The broker's listeners: accepts TCP connections and gives each to a
 * `Connection` (STYLE.md §3, hop 1). Kafka's `SocketServer` with its
 * Acceptor/Processor threads collapses here into one `net.Server` per
 * listener on the event loop; per-connection framing, ordering and
 * back-pressure live in `connection.ts`.
 *
 * Accepted sockets get TCP_NODELAY and SO_KEEPALIVE, as Kafka's
 * `Acceptor.configureAcceptedSocketChannel` sets them.
 *
 * Not yet here (Kafka has them): max.connections / per-IP quotas,
 * connections.max.idle.ms, TLS and SASL.
 */
import { createServer, type Server, type Socket } from 'node:net'
import type { Logger } from '../../common/logger.js'
import { SYSTEM_TIME, type Time } from '../../common/time.js'
import { ADVERTISED_API_VERSIONS, advertisedVersions } from '../../protocol/api-versions.js'
import type { ApiSpec } from '../../protocol/message-spec.js'
import { Connection, NetworkCounters, type ConnectionConfig, type ConnectionState } from './connection.js'
import type { BoundListener, ConnectionInfo, ListenerConfig, NetworkMetrics, RequestHandler, SupportedApiVersion } from './request-context.js'

/** socket.request.max.bytes: Kafka's default, 100 MiB. */
export const DEFAULT_SOCKET_REQUEST_MAX_BYTES = 104_857_600

/**
 * Complete request frames a connection may queue behind the one being
 * handled before reading pauses. Kafka reads nothing from a channel with a
 * request in flight; we read ahead so pipelining clients (librdkafka keeps up
 * to 5 produce requests of up to message.max.bytes, ~1 MiB each, in flight)
 * never wait on the socket, and 16 MiB covers that several times over while
 * keeping a thousand busy connections under ~16 GiB in the worst case.
 */
export const DEFAULT_MAX_IN_FLIGHT_BYTES_PER_CONNECTION = 16 * 1024 * 1024

/** How long `stop()` lets in-flight requests finish before destroying connections. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000

/** How long a connection closed for bad input waits for the peer to take our last bytes. */
export const DEFAULT_CLOSE_LINGER_MS = 5_000

/** What the server needs to answer requests; see `SocketServer.enableRequestProcessing`. */
export interface RequestProcessing {
  /** The broker's handler table, by api key. A key without a handler is treated as unknown. */
  handlers: ReadonlyMap<number, RequestHandler>
  /**
   * The spec (codecs) of each served API, by api key, e.g. `ProduceApi` from
   * protocol/messages/produce.js. The server decodes and encodes with these
   * only, so it never loads the codecs of APIs it does not serve; a key
   * without a spec is treated as unknown.
   */
  apis: ReadonlyMap<number, ApiSpec<unknown, unknown>>
  /** Whether a version of an API is served; defaults to the advertised ranges (`advertisedVersions`). */
  supported?: (apiKey: number, apiVersion: number) => boolean
  /** The advertised ranges; the UNSUPPORTED_VERSION answer to ApiVersions takes ApiVersions' own range from it. Default ADVERTISED_API_VERSIONS. */
  apiVersions?: () => readonly SupportedApiVersion[]
}

/**
 * With `handlers` and `apis`, requests are processed from the start. Without
 * them the server binds and accepts but reads nothing until
 * `enableRequestProcessing` (Kafka's order: acceptors first, so the bound
 * port is known and clients can connect while the logs load).
 */
export interface SocketServerOptions extends Partial<RequestProcessing> {
  /** socket.request.max.bytes: larger frames close the connection. Default 104857600. */
  socketRequestMaxBytes?: number
  /** Bytes of complete request frames queued per connection before reading pauses. Default 16 MiB. */
  maxInFlightBytesPerConnection?: number
  /** How long `stop()` waits for in-flight requests. Default 10000. */
  shutdownTimeoutMs?: number
  /** How long a connection being closed waits for the peer before it is destroyed. Default 5000. */
  closeLingerMs?: number
  logger: Logger
  time?: Time
  /** Called for each accepted connection. Must not throw (a throw is logged). */
  onConnection?: (info: ConnectionInfo) => void
  /** Called when a connection has closed, for whatever reason. */
  onDisconnect?: (info: ConnectionInfo) => void
}

function defaultSupported(apiKey: number, apiVersion: number): boolean {
  const range = advertisedVersions(apiKey)
  return range !== undefined && apiVersion >= range.minVersion && apiVersion <= range.maxVersion
}

function positiveInt(name: string, value: number | undefined, dflt: number): number {
  const v = value ?? dflt
  if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`)
  return v
}

export class SocketServer {
  #cfg: ConnectionConfig | undefined
  readonly #network: Omit<ConnectionConfig, keyof RequestProcessing>
  /** Sockets accepted before request processing was enabled, unread. */
  #held: { socket: Socket; listenerName: string }[] = []
  readonly #logger: Logger
  readonly #shutdownTimeoutMs: number
  readonly #onConnectionHook: ((info: ConnectionInfo) => void) | undefined
  readonly #onDisconnectHook: ((info: ConnectionInfo) => void) | undefined
  readonly #counters = new NetworkCounters()
  readonly #connections = new Set<Connection>()
  #servers: Server[] = []
  #bound: BoundListener[] = []
  #nextConnectionIndex = 0
  #started = false
  #stopping: Promise<void> | undefined

  constructor(options: SocketServerOptions) {
    this.#logger = options.logger.child('SocketServer')
    this.#shutdownTimeoutMs = positiveInt('shutdownTimeoutMs', options.shutdownTimeoutMs, DEFAULT_SHUTDOWN_TIMEOUT_MS)
    this.#onConnectionHook = options.onConnection
    this.#onDisconnectHook = options.onDisconnect
    this.#network = {
      socketRequestMaxBytes: positiveInt('socket.request.max.bytes', options.socketRequestMaxBytes, DEFAULT_SOCKET_REQUEST_MAX_BYTES),
      maxInFlightBytesPerConnection: positiveInt('maxInFlightBytesPerConnection', options.maxInFlightBytesPerConnection, DEFAULT_MAX_IN_FLIGHT_BYTES_PER_CONNECTION),
      closeLingerMs: positiveInt('closeLingerMs', options.closeLingerMs, DEFAULT_CLOSE_LINGER_MS),
      logger: this.#logger,
      time: options.time ?? SYSTEM_TIME,
      counters: this.#counters,
    }
    if (options.handlers !== undefined && options.apis !== undefined) this.enableRequestProcessing({ ...options, handlers: options.handlers, apis: options.apis })
  }

  /**
   * Starts answering requests: connections accepted so far are read from now
   * on, in the order they arrived. Call once.
   */
  enableRequestProcessing(processing: RequestProcessing): void {
    if (this.#cfg !== undefined) throw new Error('request processing is already enabled')
    this.#cfg = {
      ...this.#network,
      handlers: processing.handlers,
      apis: processing.apis,
      supported: processing.supported ?? defaultSupported,
      apiVersions: processing.apiVersions ?? (() => ADVERTISED_API_VERSIONS),
    }
    const held = this.#held
    this.#held = []
    for (const { socket, listenerName } of held) {
      socket.removeAllListeners('error')
      if (socket.destroyed) continue // the client gave up while we were starting
      this.#onConnection(socket, listenerName)
    }
  }

  /**
   * Binds every listener (port 0 picks an ephemeral port) and starts
   * accepting. If one fails to bind, those already bound are closed and the
   * error is rethrown. Call once.
   */
  async start(listeners: readonly ListenerConfig[]): Promise<BoundListener[]> {
    if (this.#started) throw new Error('SocketServer.start() may be called only once')
    this.#started = true
    const names = new Set<string>()
    for (const l of listeners) {
      if (names.has(l.name)) throw new Error(`listener name ${l.name} is used twice`)
      names.add(l.name)
    }
    try {
      for (const l of listeners) {
        const server = createServer({ allowHalfOpen: false, noDelay: true, keepAlive: true }, (socket) => this.#onConnection(socket, l.name))
        this.#servers.push(server)
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject)
          server.listen({ host: l.host, port: l.port }, () => {
            server.off('error', reject)
            resolve()
          })
        })
        server.on('error', (e) => this.#logger.error('listener error', { listener: l.name, error: e.message }))
        const address = server.address()
        const port = typeof address === 'object' && address !== null ? address.port : l.port
        this.#bound.push({ name: l.name, host: l.host, port })
        this.#logger.info('listening', { listener: l.name, host: l.host, port })
      }
    } catch (e) {
      await this.#closeServers()
      this.#bound = []
      throw e
    }
    return this.#bound.map((b) => ({ ...b }))
  }

  /** The listeners as bound by `start()`. */
  get listeners(): readonly BoundListener[] {
    return this.#bound.map((b) => ({ ...b }))
  }

  /**
   * Stops accepting, lets each connection finish and answer the request it is
   * handling, then closes it; connections still open after shutdownTimeoutMs
   * are destroyed. Requests queued behind the in-flight one are dropped (the
   * client retries them elsewhere, as after a Kafka broker restart).
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    const serversClosed = this.#closeServers()
    for (const { socket } of this.#held) socket.destroy()
    this.#held = []
    const all = Promise.all([...this.#connections].map((c) => c.shutdown()))
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.#shutdownTimeoutMs)
    })
    if (await Promise.race([all.then(() => false), timedOut])) {
      this.#logger.warn('shutdown timed out; destroying connections', { open: this.#connections.size, shutdownTimeoutMs: this.#shutdownTimeoutMs })
      for (const c of this.#connections) c.destroy()
      await all
    }
    clearTimeout(timer)
    await serversClosed
    this.#logger.info('stopped', {})
  }

  #closeServers(): Promise<void> {
    const servers = this.#servers
    this.#servers = []
    // server.close() stops accepting at once; its callback waits for open connections.
    return Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined)
  }

  /** Counters since start (a snapshot). */
  get metrics(): NetworkMetrics {
    const c = this.#counters
    return {
      connectionsOpen: this.#connections.size,
      connectionsAccepted: c.connectionsAccepted,
      connectionsClosedForError: c.connectionsClosedForError,
      requestsByApiKey: Object.fromEntries(c.requestsByApiKey),
      responsesSent: c.responsesSent,
      bytesReceived: c.bytesReceived,
      bytesSent: c.bytesSent,
    }
  }

  /** The open connections and their buffers (a snapshot). */
  connections(): ConnectionState[] {
    return [...this.#connections].map((c) => c.state)
  }

  #onConnection(socket: Socket, listenerName: string): void {
    const { remoteAddress, remotePort, localAddress, localPort } = socket
    if (this.#stopping !== undefined || remoteAddress === undefined || remotePort === undefined) {
      socket.destroy() // shutting down, or the peer is already gone
      return
    }
    if (this.#cfg === undefined) {
      // Not reading yet: the bytes wait in the socket (no 'data' listener, so nothing flows).
      socket.on('error', () => socket.destroy())
      this.#held.push({ socket, listenerName })
      return
    }
    const info: ConnectionInfo = {
      // Kafka's connection id format (Processor.ConnectionId).
      connectionId: `${localAddress}:${localPort}-${remoteAddress}:${remotePort}-${this.#nextConnectionIndex++}`,
      clientAddress: remoteAddress,
      clientPort: remotePort,
      listenerName,
    }
    this.#counters.connectionsAccepted++
    const connection = new Connection(socket, info, this.#cfg, (c) => this.#onClosed(c))
    this.#connections.add(connection)
    this.#logger.debug('connection accepted', { connectionId: info.connectionId, listener: listenerName })
    this.#callHook('onConnection', this.#onConnectionHook, info)
  }

  #onClosed(c: Connection): void {
    this.#connections.delete(c)
    this.#logger.debug('connection closed', { connectionId: c.info.connectionId })
    this.#callHook('onDisconnect', this.#onDisconnectHook, c.info)
  }

  #callHook(name: string, hook: ((info: ConnectionInfo) => void) | undefined, info: ConnectionInfo): void {
    if (hook === undefined) return
    try {
      hook(info)
    } catch (e) {
      this.#logger.error(`${name} hook threw`, { connectionId: info.connectionId, error: e instanceof Error ? e : String(e) })
    }
  }
}
