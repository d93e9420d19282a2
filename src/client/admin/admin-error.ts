/**
 * How the admin client reports items that failed. Most admin calls name
 * several items (topics, partitions, groups, config resources) and send them
 * together; the broker answers each with its own error code. When any fail,
 * the call throws one AdminError that lists every failed item with the
 * broker's error, and items it does not list succeeded (so a createTopics of
 * three topics that finds one already there has created the other two).
 *
 * AdminError is a KafkaProtocolError carrying the first failure's code, name
 * and retriability, so the common single-item case reads like any other
 * protocol error (`e.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS`).
 * Failures that are not the broker's verdict on an item (no broker reachable,
 * an API the broker lacks) throw their own KafkaClientError for the whole call.
 */
import { KafkaProtocolError } from '../errors.js'

export interface ItemFailure {
  /**
   * The item as the call names it: a topic name, `topic-partition`, a group
   * id, or `type:name` for a config resource (`topic:orders`, `broker:0`).
   */
  item: string
  error: KafkaProtocolError
}

export class AdminError extends KafkaProtocolError {
  constructor(
    /** The Admin method, e.g. "createTopics". */
    readonly operation: string,
    readonly failures: readonly ItemFailure[],
  ) {
    const first = failures[0]!.error
    super(first.errorCode, first.detail)
    this.message = `${operation}: ${failures.map((f) => `${f.item}: ${f.error.message}`).join('; ')}`
  }

  /** The failure of one item, if it failed. */
  failure(item: string): KafkaProtocolError | undefined {
    return this.failures.find((f) => f.item === item)?.error
  }
}
