/**
 * The clock, injected everywhere time matters (segment.ms rolls, retention,
 * session timeouts, long polls) so tests can control it. Nothing else in
 * Brook calls Date.now() (STYLE.md §7).
 */
export interface Time {
  /** Wall-clock milliseconds since the epoch (record timestamps, file times). */
  nowMs(): number
  /** Monotonic milliseconds with sub-millisecond precision (durations, deadlines). */
  hiResMs(): number
}

export const SYSTEM_TIME: Time = {
  nowMs: () => Date.now(),
  hiResMs: () => performance.now(),
}

/** A clock that moves only when told to; for tests. */
export class MockTime implements Time {
  #nowMs: number
  #hiResMs = 0

  constructor(startMs = 1_700_000_000_000) {
    this.#nowMs = startMs
  }

  nowMs(): number {
    return this.#nowMs
  }

  hiResMs(): number {
    return this.#hiResMs
  }

  advance(ms: number): void {
    this.#nowMs += ms
    this.#hiResMs += ms
  }
}
