/**
 * ProducerIdManager (Kafka's ZkProducerIdManager): hands out producer ids
 * for InitProducerId from a block of PRODUCER_ID_BLOCK_SIZE ids claimed in
 * the MetadataStore, and claims the next block when this one is used up.
 * A block is on disk before any of its ids is given out, so a restart never
 * reuses an id; the unused rest of a block is skipped, as in Kafka.
 *
 * Concurrency (STYLE.md §5): taking an id is synchronous once a block is
 * there; requests that find the block empty all wait for one shared claim,
 * then take ids in turn, so two requests never get the same id and a burst
 * does not claim several blocks.
 */

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000

/** Where blocks come from: MetadataStore.allocateProducerIdBlock (first id of the new block). */
export interface ProducerIdBlockSource {
  allocateProducerIdBlock(size: number): Promise<number>
}

export class ProducerIdManager {
  readonly #source: ProducerIdBlockSource
  readonly #blockSize: number
  /** Next id to hand out, and the last id of the current block (inclusive); empty at start. */
  #nextProducerId = 0
  #lastProducerId = -1
  #claiming: Promise<void> | undefined

  constructor(source: ProducerIdBlockSource, blockSize = PRODUCER_ID_BLOCK_SIZE) {
    this.#source = source
    this.#blockSize = blockSize
  }

  /** A producer id no one had before. Rejects when no block can be claimed (I/O, or ids exhausted). */
  async generateProducerId(): Promise<number> {
    while (this.#nextProducerId > this.#lastProducerId) {
      this.#claiming ??= this.#claimBlock().finally(() => {
        this.#claiming = undefined
      })
      await this.#claiming
    }
    // No await between the check above and here: the id is ours alone.
    return this.#nextProducerId++
  }

  async #claimBlock(): Promise<void> {
    const first = await this.#source.allocateProducerIdBlock(this.#blockSize)
    this.#nextProducerId = first
    this.#lastProducerId = first + this.#blockSize - 1
  }
}
