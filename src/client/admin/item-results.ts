/**
 * The state of one multi-item admin call: a value for each item that
 * succeeded, the broker's error for each that failed for good, and, for each
 * item still to be sent, the retriable error that sent it round again. A call
 * runs in rounds (RequestRouter.rounds), each sending only the pending items,
 * so a partition whose leader moved is asked again without repeating the rest.
 */
import { ErrorCode, isRetriable } from '../../protocol/error-codes.js'
import { KafkaClientError, KafkaProtocolError } from '../errors.js'
import { AdminError, type ItemFailure } from './admin-error.js'

/**
 * Whether an item's error code is worth another round. Kafka counts
 * UNKNOWN_TOPIC_OR_PARTITION as retriable (a producer waits for a topic being
 * created), but an admin asking about a topic wants to hear it is not there;
 * and REQUEST_TIMED_OUT on a create or delete means the broker is still
 * working on it, which a second request would only misreport (as
 * TOPIC_ALREADY_EXISTS, say). The Java AdminClient does not retry these either.
 */
export function retriesItem(errorCode: number): boolean {
  return isRetriable(errorCode) && errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && errorCode !== ErrorCode.REQUEST_TIMED_OUT
}

export class ItemResults<V> {
  readonly #keys: readonly string[]
  readonly #values = new Map<string, V>()
  readonly #failures = new Map<string, KafkaProtocolError>()
  readonly #retry = new Map<string, KafkaClientError>()
  #answered = new Set<string>()

  constructor(
    readonly operation: string,
    keys: readonly string[],
  ) {
    // Each item gets one answer, so naming one twice (with maybe different settings) would be ambiguous.
    const seen = new Set<string>()
    for (const k of keys) {
      if (seen.has(k)) throw new KafkaClientError(`${operation}: ${k} is named more than once`, false)
      seen.add(k)
    }
    this.#keys = keys
  }

  /** Items with neither a value nor a final error, in the caller's order. */
  pending(): string[] {
    return this.#keys.filter((k) => !this.#values.has(k) && !this.#failures.has(k))
  }

  succeed(key: string, value: V): void {
    this.#answered.add(key)
    this.#retry.delete(key)
    this.#values.set(key, value)
  }

  /** The item failed for good. */
  fail(key: string, error: KafkaProtocolError): void {
    this.#answered.add(key)
    this.#retry.delete(key)
    this.#failures.set(key, error)
  }

  /** The broker's error code for an item: sent again next round if `retriesItem`, else final. */
  error(key: string, errorCode: number, detail?: string | null): void {
    const e = new KafkaProtocolError(errorCode, detail)
    if (!retriesItem(errorCode)) return this.fail(key, e)
    this.#answered.add(key)
    this.#retry.set(key, e)
  }

  /** The item could not be sent this round (its broker unreachable, say): send it again. */
  retryLater(key: string, e: KafkaClientError): void {
    this.#answered.add(key)
    this.#retry.set(key, e)
  }

  /** Starts a round: the items to send. */
  beginRound(): string[] {
    this.#answered = new Set()
    return this.pending()
  }

  /** Ends a round: items the broker's answers left out fail; throws the retriable error to go round again with. */
  endRound(): void {
    for (const k of this.pending()) {
      if (!this.#answered.has(k)) this.fail(k, new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `the broker's answer did not mention ${k}`))
    }
    const next = this.pending()[0]
    if (next !== undefined) throw this.#retry.get(next)!
  }

  /**
   * The rounds stopped with `e` (the deadline passed, or a failure no round
   * can fix). Items still pending on a broker's retriable error code are
   * reported as failed by `values()` (their error says they may succeed
   * later); anything else, such as a broker that could not be reached, fails
   * the whole call with `e`.
   */
  giveUp(e: unknown): void {
    if (!(e instanceof KafkaClientError) || !e.retriable) throw e
    if (this.pending().some((k) => !(this.#retry.get(k) instanceof KafkaProtocolError))) throw e
  }

  /** Each item's value in the caller's order; throws AdminError when any item failed or got no answer. */
  values(): V[] {
    const failures: ItemFailure[] = this.#keys.flatMap((item) => {
      if (this.#values.has(item)) return []
      const last = this.#retry.get(item)
      const error = this.#failures.get(item) ?? (last instanceof KafkaProtocolError ? last : new KafkaProtocolError(ErrorCode.UNKNOWN_SERVER_ERROR, `the broker's answer did not mention ${item}`))
      return [{ item, error }]
    })
    if (failures.length > 0) throw new AdminError(this.operation, failures)
    return this.#keys.map((k) => this.#values.get(k)!)
  }
}
