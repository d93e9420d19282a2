/**
 * buffer.memory: how many bytes of records the producer holds between
 * send()/produce() and their outcome. The Java client's BufferPool allocates
 * whole batches from it; Brook counts each record's estimated size instead,
 * which bounds the same thing (memory held for undelivered records) without
 * a pool of buffers.
 *
 * One record at a time waits for room: the producer queues records in call
 * order, so the others wait behind it (Producer's #inOrder), and room freed
 * goes to the oldest, as Java's BufferPool serves its waiters in order.
 */
import { BufferExhaustedError } from './errors.js'

export class BufferMemory {
  #usedBytes = 0
  #waiter: { size: number; wake: () => void } | undefined

  constructor(readonly totalBytes: number) {}

  get usedBytes(): number {
    return this.#usedBytes
  }

  fits(size: number): boolean {
    return this.#usedBytes + size <= this.totalBytes
  }

  /** Holds `size` bytes; the caller checked fits(). */
  take(size: number): void {
    this.#usedBytes += size
  }

  release(size: number): void {
    this.#usedBytes -= size
    const w = this.#waiter
    if (w !== undefined && this.fits(w.size)) w.wake()
  }

  /**
   * Resolves once `size` more bytes fit; rejects with BufferExhaustedError at
   * `deadline` (the record's call plus max.block.ms, `maxBlockMs` for the message).
   */
  waitFor(size: number, deadline: number, maxBlockMs: number): Promise<void> {
    if (this.fits(size)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.#waiter = undefined
          reject(new BufferExhaustedError(`Failed to allocate ${size} bytes within the configured max blocking time ${maxBlockMs} ms: buffer.memory (${this.totalBytes}) holds ${this.#usedBytes} bytes not yet delivered`))
        },
        Math.max(0, deadline - Date.now()),
      )
      this.#waiter = {
        size,
        wake: () => {
          clearTimeout(timer)
          this.#waiter = undefined
          resolve()
        },
      }
    })
  }
}
