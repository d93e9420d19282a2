/**
 * What the network layer tells a handler about one request, and the shape of
 * the handler table the broker gives the network layer (STYLE.md §3, hop 2→3).
 *
 * Kafka's counterpart is `org.apache.kafka.common.requests.RequestContext`
 * plus `RequestChannel.Request`; we keep only what a handler needs and no
 * socket: handlers must not touch sockets (DESIGN.md layer table).
 */

export interface RequestContext {
  readonly apiKey: number
  readonly apiVersion: number
  readonly correlationId: number
  /** The header's client id; null on the wire becomes "", as Kafka's `RequestHeader.parse` does. */
  readonly clientId: string
  /** Request header version (0, 1 or 2; KIP-482). */
  readonly headerVersion: 0 | 1 | 2
  /** Kafka's format: `localHost:localPort-remoteHost:remotePort-index`, unique per server. */
  readonly connectionId: string
  /** The client's IP address (Kafka's `RequestContext.clientAddress`, an address without port). */
  readonly clientAddress: string
  /** Name of the listener that accepted the connection (`PLAINTEXT`, `INTERNAL`, ...). */
  readonly listenerName: string
  /**
   * When the last byte of the request arrived, on the monotonic clock
   * (`Time.hiResMs()`), like Kafka's `startTimeNanos`: a base for request
   * deadlines and latency, not a wall-clock timestamp.
   */
  readonly receivedAtMs: number
  /** Size of the request frame in bytes, excluding the 4-byte size prefix. */
  readonly requestSize: number
}

/**
 * A handler resolves with this to have the connection closed instead of
 * answered: Kafka's acks=0 produce that failed (`KafkaApis.handleProduceRequest`
 * closes the connection so the client notices, as it reads no response).
 * Responses already written are flushed first.
 */
export const CLOSE_CONNECTION: unique symbol = Symbol.for('brook.network.closeConnection')

/**
 * Handles one decoded request body. Resolves with the response body, which
 * the network layer encodes at `ctx.apiVersion`, or `null` to send nothing
 * (Produce with acks=0: Kafka sends no response; later requests on the same
 * connection are still answered in order), or `CLOSE_CONNECTION`.
 *
 * A rejection is a bug, not a client error (client-visible failures are error
 * codes in the response, STYLE.md §1.4); see `Connection` for what the
 * network layer does with it.
 */
export type RequestHandler = (ctx: RequestContext, body: unknown) => Promise<unknown | null | typeof CLOSE_CONNECTION>

/** An API's version range as the broker advertises it in ApiVersions responses. */
export interface SupportedApiVersion {
  apiKey: number
  minVersion: number
  maxVersion: number
}

/** Information about a connection, given to the `onConnection` / `onDisconnect` hooks. */
export interface ConnectionInfo {
  readonly connectionId: string
  readonly clientAddress: string
  readonly clientPort: number
  readonly listenerName: string
}

/** A listener's requested address; `port: 0` asks the OS for an ephemeral port. */
export interface ListenerConfig {
  name: string
  host: string
  port: number
}

/** A listener after it bound: `port` is the real port, also when 0 was asked for. */
export interface BoundListener {
  name: string
  host: string
  port: number
}

/** Counters kept by the network layer (`SocketServer.metrics`); a snapshot, not live. */
export interface NetworkMetrics {
  /** Connections open right now. */
  connectionsOpen: number
  /** Connections accepted since start. */
  connectionsAccepted: number
  /** Connections the server closed because of bad input (framing, unknown API, undecodable body, handler bug). */
  connectionsClosedForError: number
  /** Requests for APIs with a handler, by api key, counted once the header decodes (so including requests then rejected for their version or body). */
  requestsByApiKey: Record<number, number>
  /** Responses written to sockets. */
  responsesSent: number
  bytesReceived: number
  bytesSent: number
}
