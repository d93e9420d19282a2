/**
 * The cluster's metadata in single-node mode: the cluster id, and each
 * topic's id, partition count and config overrides. In a ZooKeeper cluster
 * the same facts live in znodes (/brokers/topics, /config/topics); here they
 * live in one JSON file in the first log dir, written atomically (temp file,
 * fsync, rename, fsync the dir) so a crash leaves either the old or the new
 * version, never half of one.
 *
 * Changes are serialized through one queue: a CreateTopics racing a
 * DeleteTopics must not interleave their read-modify-write of the file.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
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

interface StoredMetadata {
  version: 1
  clusterId: string
  topics: TopicMetadata[]
}

export const METADATA_FILE = 'brook-cluster-metadata.json'

/** Kafka's cluster ids are 22-character base64url uuids, like topic ids. */
function newClusterId(): string {
  return randomUuid()
}

export async function writeFileAtomically(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp`
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
  const dir = await open(join(path, '..'), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
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
  #change<T>(fn: (topics: TopicMetadata[]) => { topics: TopicMetadata[]; result: T }): Promise<T> {
    const run = this.#queue.then(async () => {
      const { topics, result } = fn(this.#state.topics)
      const next: StoredMetadata = { ...this.#state, topics }
      await writeFileAtomically(this.#path, JSON.stringify(next, null, 2))
      this.#state = next
      return result
    })
    this.#queue = run.catch(() => undefined)
    return run
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

  #update(name: string, fn: (t: TopicMetadata) => TopicMetadata): Promise<TopicMetadata> {
    return this.#change((topics) => {
      const i = topics.findIndex((x) => x.name === name)
      if (i < 0) throw new Error(`topic ${name} does not exist`)
      const updated = fn(topics[i]!)
      return { topics: topics.map((x, j) => (j === i ? updated : x)), result: updated }
    })
  }
}
