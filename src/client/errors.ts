/**
 * The client's errors: every failure a caller sees is a KafkaClientError
 * saying whether trying again can help (`retriable`), and, when the broker
 * answered with one, the Kafka error code and its name.
 */
import { errorInfo, isRetriable } from '../protocol/error-codes.js'

export class KafkaClientError extends Error {
  constructor(
    message: string,
    /** Whether the same request may succeed later (a new leader, a reconnect, a timeout). */
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = new.target.name
  }
}

/** The broker answered with a Kafka error code. */
export class KafkaProtocolError extends KafkaClientError {
  /** Kafka's name for the code, e.g. NOT_LEADER_OR_FOLLOWER. */
  readonly type: string
  /** The broker's message, else the code's default one: what the Java client's exception says (`getMessage()`). */
  readonly detail: string

  constructor(
    readonly errorCode: number,
    detail?: string | null,
  ) {
    const info = errorInfo(errorCode)
    super(`${info.name}: ${detail ?? info.message}`, isRetriable(errorCode))
    this.type = info.name
    this.detail = detail ?? info.message
  }
}

/** No connection to the broker, or it broke: retriable (the client reconnects). */
export class ConnectionError extends KafkaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, true, options)
  }
}

/** No answer within request.timeout.ms: retriable; the connection is closed, as Kafka's clients do. */
export class RequestTimeoutError extends KafkaClientError {
  constructor(message: string) {
    super(message, true)
  }
}

/** The broker supports no version of an API that this client can speak. */
export class UnsupportedVersionError extends KafkaClientError {
  constructor(message: string) {
    super(message, false)
  }
}
