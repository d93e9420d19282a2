/**
 * The cluster's metadata in single-node mode: the cluster id, each topic's
 * id, partition count and config overrides, the last producer id block
 * handed out, and the dynamic broker configs (cluster default and per broker). In a ZooKeeper cluster the same facts live in znodes
 * (/brokers/topics, /config/topics, /latest_producer_id_block); here they
 * live in one JSON file in the first log dir, written atomically (temp file,
 * fsync, rename, fsync the dir) so a crash leaves either the old or the new
 * version, never half of one.
 *
 * Changes are serialized through one queue: a CreateTopics racing a
 * DeleteTopics must not interleave their read-modify-write of the file.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomically } from '../common/atomic-file.js'
import { randomUuid, type Uuid } from '../protocol/uuid.js'

export interface TopicMetadata {
  readonly name: string
  readonly topicId: Uuid
  readonly partitions: number
  readonly replicationFactor: number
  /** Topic-level config overrides (Kafka's dynamic topic configs), by Kafka's key names. */
  readonly configs: Readonly<Record<string, string>>
  readonly isInternal: boolean
}

/** A range of producer ids owned by one broker (Kafka's `ProducerIdsBlock`). */
export interface ProducerIdBlock {
  readonly firstProducerId: number
  readonly size: number
}

interface StoredMetadata {
  version: 1
  clusterId: string
  topics: TopicMetadata[]
  /** Kafka's /latest_producer_id_block; absent until the first InitProducerId. */
  latestProducerIdBlock?: ProducerIdBlock
  /**
   * Dynamic broker configs (Kafka's /config/brokers/<id> and
   * /config/brokers/<default> znodes): by resource name, "" for the
   * cluster-wide default, else a broker id. Absent until the first change.
   */
  brokerConfigs?: Record<string, Record<string, string>>
}

export const METADATA_FILE = 'brook-cluster-metadata.json'

/** Kafka's cluster ids are 22-character base64url uuids, like topic ids. */
function newClusterId(): string {
  return randomUuid()
}


export class MetadataStore {
  readonly #path: string
  #state: StoredMetadata
  #queue: Promise<unknown> = Promise.resolve()

  private constructor(path: string, state: StoredMetadata) {
    this.#path = path
    this.#state = state
  }

  /** Opens (or creates) the store in `dir`. `clusterId` seeds a new store (e.g. from meta.properties). */
  static async open(dir: string, clusterId?: string): Promise<MetadataStore> {
    await mkdir(dir, { recursive: true })
    const path = join(dir, METADATA_FILE)
    let state: StoredMetadata
    try {
      state = JSON.parse(await readFile(path, 'utf8')) as StoredMetadata
      if (state.version !== 1 || !Array.isArray(state.topics)) throw new Error(`unsupported metadata file ${path}`)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      state = { version: 1, clusterId: clusterId ?? newClusterId(), topics: [] }
      await writeFileAtomically(path, JSON.stringify(state, null, 2))
    }
    return new MetadataStore(path, state)
  }

  get clusterId(): string {
    return this.#state.clusterId
  }

  topics(): readonly TopicMetadata[] {
    return this.#state.topics
  }

  topic(name: string): TopicMetadata | undefined {
    return this.#state.topics.find((t) => t.name === name)
  }

  topicById(topicId: Uuid): TopicMetadata | undefined {
    return this.#state.topics.find((t) => t.topicId === topicId)
  }

  /** Runs one read-modify-write after the previous one finished. */
  #changeState<T>(fn: (state: StoredMetadata) => { state: StoredMetadata; result: T }): Promise<T> {
    const run = this.#queue.then(async () => {
      const { state, result } = fn(this.#state)
      await writeFileAtomically(this.#path, JSON.stringify(state, null, 2))
      this.#state = state
      return result
    })
    this.#queue = run.catch(() => undefined)
    return run
  }

  #change<T>(fn: (topics: TopicMetadata[]) => { topics: TopicMetadata[]; result: T }): Promise<T> {
    return this.#changeState((state) => {
      const { topics, result } = fn(state.topics)
      return { state: { ...state, topics }, result }
    })
  }

  /**
   * Claims the next `size` producer ids and returns the first (Kafka's
   * ZkProducerIdManager.getNewProducerIdBlock: the block after
   * /latest_producer_id_block, starting at 0). The claim is on disk before
   * the promise resolves, so no id is handed out twice, across restarts too;
   * ids of a block not used up before a restart are skipped, as in Kafka.
   */
  allocateProducerIdBlock(size: number): Promise<number> {
    if (!Number.isSafeInteger(size) || size <= 0) return Promise.reject(new RangeError(`invalid producer id block size ${size}`))
    return this.#changeState((state) => {
      const prev = state.latestProducerIdBlock
      const first = prev ? prev.firstProducerId + prev.size : 0
      // Kafka's limit is Long.MaxValue; ours keeps ids exact as numbers (STYLE.md §4).
      if (first > Number.MAX_SAFE_INTEGER - size) throw new Error('Have exhausted all producerIds.')
      return { state: { ...state, latestProducerIdBlock: { firstProducerId: first, size } }, result: first }
    })
  }

  createTopic(t: Omit<TopicMetadata, 'topicId'> & { topicId?: Uuid }): Promise<TopicMetadata> {
    return this.#change((topics) => {
      if (topics.some((x) => x.name === t.name)) throw new Error(`topic ${t.name} already exists`)
      const created: TopicMetadata = { ...t, topicId: t.topicId ?? randomUuid(), configs: { ...t.configs } }
      return { topics: [...topics, created], result: created }
    })
  }

  deleteTopic(name: string): Promise<TopicMetadata | undefined> {
    return this.#change((topics) => ({ topics: topics.filter((x) => x.name !== name), result: topics.find((x) => x.name === name) }))
  }

  setPartitionCount(name: string, partitions: number): Promise<TopicMetadata> {
    return this.#update(name, (t) => ({ ...t, partitions }))
  }

  setTopicConfigs(name: string, configs: Record<string, string>): Promise<TopicMetadata> {
    return this.#update(name, (t) => ({ ...t, configs: { ...configs } }))
  }

  /** The dynamic broker configs stored for `resourceName` ("" = cluster default, else a broker id). */
  brokerConfigs(resourceName: string): Readonly<Record<string, string>> {
    return this.#state.brokerConfigs?.[resourceName] ?? {}
  }

  /** Replaces the dynamic broker configs of `resourceName`; an empty set removes the entry. */
  setBrokerConfigs(resourceName: string, configs: Readonly<Record<string, string>>): Promise<void> {
    return this.#changeState((state) => {
      const all = { ...state.brokerConfigs }
      if (Object.keys(configs).length === 0) delete all[resourceName]
      else all[resourceName] = { ...configs }
      return { state: { ...state, brokerConfigs: all }, result: undefined }
    })
  }

  #update(name: string, fn: (t: TopicMetadata) => TopicMetadata): Promise<TopicMetadata> {
    return this.#change((topics) => {
      const i = topics.findIndex((x) => x.name === name)
      if (i < 0) throw new Error(`topic ${name} does not exist`)
      const updated = fn(topics[i]!)
      return { topics: topics.map((x, j) => (j === i ? updated : x)), result: updated }
    })
  }
}
