/**
 * Kafka's `ThroughputThrottler` (server-common, used by
 * kafka-producer-perf-test): holds a sender to about `targetThroughput`
 * things per second by sleeping, on average, 1/throughput seconds per thing
 * sent, in sleeps of at least 2 ms. A negative target never throttles; 0
 * blocks until `wakeup()`.
 *
 * Java blocks the sending thread in `throttle()`; here it is a promise the
 * sender awaits, so the producer's sockets keep being served meanwhile.
 */
const NS_PER_MS = 1_000_000
const NS_PER_SEC = 1000 * NS_PER_MS
const MIN_SLEEP_NS = 2 * NS_PER_MS

export class ThroughputThrottler {
  readonly #startMs: number
  readonly #targetThroughput: number
  readonly #sleepTimeNs: number
  #sleepDeficitNs = 0
  #wakeup: (() => void) | null = null
  #wokenUp = false

  /** @param startMs when the first thing was sent */
  constructor(targetThroughput: number, startMs: number) {
    this.#startMs = startMs
    this.#targetThroughput = targetThroughput
    this.#sleepTimeNs = targetThroughput > 0 ? Math.trunc(NS_PER_SEC / targetThroughput) : Number.MAX_SAFE_INTEGER
  }

  /** True when `amountSoFar` things by `sendStartMs` is above the target rate. */
  shouldThrottle(amountSoFar: number, sendStartMs: number): boolean {
    if (this.#targetThroughput < 0) return false
    // Kafka computes the elapsed seconds as a float: Math.fround keeps the same rounding.
    const elapsedSec = Math.fround((sendStartMs - this.#startMs) / 1000)
    return elapsedSec > 0 && amountSoFar / elapsedSec > this.#targetThroughput
  }

  /** Sleeps off the accumulated deficit once it reaches 2 ms (or, with a target of 0, until wakeup()). */
  async throttle(): Promise<void> {
    if (this.#targetThroughput === 0) {
      if (!this.#wokenUp) await new Promise<void>((resolve) => (this.#wakeup = resolve))
      return
    }
    this.#sleepDeficitNs += this.#sleepTimeNs
    if (this.#sleepDeficitNs < MIN_SLEEP_NS) return
    const sleepStart = process.hrtime.bigint()
    let remaining = this.#sleepDeficitNs
    while (!this.#wokenUp && remaining > 0) {
      await new Promise<void>((resolve) => {
        this.#wakeup = resolve
        setTimeout(resolve, Math.max(1, Math.round(remaining / NS_PER_MS)))
      })
      remaining = this.#sleepDeficitNs - Number(process.hrtime.bigint() - sleepStart)
    }
    this.#wakeup = null
    this.#wokenUp = false
    this.#sleepDeficitNs = 0
  }

  /** Ends a sleep in progress (and every later one, for a target of 0). */
  wakeup(): void {
    this.#wokenUp = true
    this.#wakeup?.()
  }
}
