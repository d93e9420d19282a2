import { errorInfo } from './error-codes.js'

/**
 * A Kafka protocol error as an exception: one class for every code, so callers
 * branch on `errorCode` (`if (e.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER)`)
 * rather than on a hundred subclasses (STYLE.md §5).
 *
 * Used in two places. On the broker, storage and partition code throw it for a
 * client-visible failure and the replica manager catches it per partition and
 * writes `errorCode` into that partition's response entry. On the client, the
 * client layer turns a non-zero code in a decoded response into one, with the
 * topic/partition it belongs to and the server's error message, if any.
 *
 * `isKafkaError()` and `instanceof` both check a `Symbol.for` brand, so they
 * still work when two copies of this package are loaded (as undici's errors do).
 */
const KAFKA_ERROR_BRAND = Symbol.for('brook.KafkaError')

export interface KafkaErrorOptions {
  /** The topic the error is about, when it is about one. */
  topic?: string | undefined
  /** The partition the error is about, when it is about one (with `topic`). */
  partition?: number | undefined
  /** The message the server sent with the code (nullable on the wire). */
  errorMessage?: string | null | undefined
  /** The error that caused this one, e.g. an fs error behind KAFKA_STORAGE_ERROR. */
  cause?: unknown
}

export class KafkaError extends Error {
  /** The Kafka error code (`ErrorCode.*`); may be one this version does not know. */
  readonly errorCode: number
  /** Kafka's name for the code, or `UNKNOWN_ERROR_CODE_<code>`. */
  readonly errorName: string
  /** Whether a client may retry the request (Kafka's RetriableException). */
  readonly retriable: boolean
  readonly topic: string | undefined
  readonly partition: number | undefined
  /** The server's message, when it sent a non-empty one. */
  readonly errorMessage: string | undefined

  constructor(errorCode: number, options: KafkaErrorOptions = {}) {
    const info = errorInfo(errorCode)
    const errorMessage = options.errorMessage ? options.errorMessage : undefined
    super(
      formatMessage(info.name, info.message, options.topic, options.partition, errorMessage),
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.name = 'KafkaError'
    this.errorCode = errorCode
    this.errorName = info.name
    this.retriable = info.retriable
    this.topic = options.topic
    this.partition = options.partition
    this.errorMessage = errorMessage
  }

  get [KAFKA_ERROR_BRAND](): true {
    return true
  }

  /** Makes `e instanceof KafkaError` true for a KafkaError from any copy of this package. */
  static override [Symbol.hasInstance](value: unknown): value is KafkaError {
    return isKafkaError(value)
  }
}

/** True for a KafkaError from any copy of this package (checks a `Symbol.for` brand). */
export function isKafkaError(e: unknown): e is KafkaError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[KAFKA_ERROR_BRAND] === true
}

/**
 * `NOT_LEADER_OR_FOLLOWER (orders-3): <Kafka's default message> Server: <server's message>`.
 * The server's message is left out when it only repeats the default one.
 */
function formatMessage(
  name: string,
  defaultMessage: string,
  topic: string | undefined,
  partition: number | undefined,
  errorMessage: string | undefined,
): string {
  let text = name
  if (topic !== undefined) text += partition === undefined ? ` (${topic})` : ` (${topic}-${partition})`
  else if (partition !== undefined) text += ` (partition ${partition})`
  if (defaultMessage !== '') text += `: ${defaultMessage}`
  if (errorMessage !== undefined && errorMessage !== defaultMessage) {
    text += defaultMessage !== '' ? ` Server: ${errorMessage}` : `: ${errorMessage}`
  }
  return text
}
