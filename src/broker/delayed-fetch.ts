/**
 * Fetch long polls (Kafka's DelayedFetch in the fetch purgatory): a fetch that
 * found fewer than minBytes waits, up to maxWaitMs, for appends to the
 * partitions it reads. Each append adds its size to the waiting fetches of
 * that partition; once their estimate reaches minBytes they are completed by
 * reading again, so a consumer gets new records as soon as they arrive rather
 * than at the end of its wait.
 */
import { topicPartitionKey, type TopicPartition } from '../common/topic-partition.js'

export interface DelayedOperation {
  /** Partitions whose appends concern this operation. */
  readonly keys: readonly string[]
  /** Called after an append of `bytes` to one of `keys`; returns true once the operation completed. */
  onAppend(bytes: number): boolean
  /** Completes the operation now (timeout or shutdown). */
  forceComplete(): void
}

export class FetchPurgatory {
  readonly #watchers = new Map<string, Set<DelayedOperation>>()

  watch(op: DelayedOperation): void {
    for (const key of op.keys) {
      let set = this.#watchers.get(key)
      if (!set) this.#watchers.set(key, (set = new Set()))
      set.add(op)
    }
  }

  unwatch(op: DelayedOperation): void {
    for (const key of op.keys) {
      const set = this.#watchers.get(key)
      set?.delete(op)
      if (set?.size === 0) this.#watchers.delete(key)
    }
  }

  /** An append of `bytes` happened on `tp`: let the waiting fetches re-check. */
  notifyAppend(tp: TopicPartition, bytes: number): void {
    const set = this.#watchers.get(topicPartitionKey(tp))
    if (!set) return
    for (const op of [...set]) {
      if (op.onAppend(bytes)) this.unwatch(op)
    }
  }

  /** Completes every waiting operation (broker shutdown). */
  completeAll(): void {
    const all = new Set([...this.#watchers.values()].flatMap((s) => [...s]))
    for (const op of all) {
      this.unwatch(op)
      op.forceComplete()
    }
  }

  get size(): number {
    return new Set([...this.#watchers.values()].flatMap((s) => [...s])).size
  }
}
