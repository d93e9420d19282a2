/**
 * Errors of the producer's own making (not a broker's answer), beside the
 * client's KafkaClientError family in ../errors.ts. A record too large for
 * max.request.size or buffer.memory is a KafkaProtocolError with
 * MESSAGE_TOO_LARGE instead, as Java's RecordTooLargeException carries that
 * code, so callers branch on `errorCode` as for the broker's refusal.
 */
import { KafkaClientError } from '../errors.js'

/** A serializer threw, or returned something other than a Buffer or null (Java's SerializationException). */
export class SerializationError extends KafkaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, false, options)
  }
}

/**
 * buffer.memory stayed full for max.block.ms: records were produced faster
 * than the brokers took them. Retriable, as Java's BufferExhaustedException
 * (a TimeoutException) is: the same record may fit once deliveries catch up.
 */
export class BufferExhaustedError extends KafkaClientError {
  constructor(message: string) {
    super(message, true)
  }
}
