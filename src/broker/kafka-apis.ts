/**
 * The handler table: API key -> handler, and the versions served for each.
 * No logic lives here (STYLE.md §1.6); each handler's file says what it does.
 *
 * Served versions are the spec's (src/protocol/api-versions.ts) intersected
 * with what each handler implements, so ApiVersions never offers an API the
 * broker cannot answer.
 */
import type { BrokerContext } from './broker-context.js'
import type { RequestContext, RequestHandler, SupportedApiVersion } from './network/request-context.js'
import { advertisedVersions } from '../protocol/api-versions.js'
import { handleAlterConfigs } from './handlers/alter-configs.js'
import { handleApiVersions } from './handlers/api-versions.js'
import { handleCreatePartitions } from './handlers/create-partitions.js'
import { handleCreateTopics } from './handlers/create-topics.js'
import { handleDeleteRecords } from './handlers/delete-records.js'
import { handleDeleteTopics } from './handlers/delete-topics.js'
import { handleDescribeCluster } from './handlers/describe-cluster.js'
import { handleDescribeConfigs } from './handlers/describe-configs.js'
import { handleDescribeLogDirs } from './handlers/describe-log-dirs.js'
import { handleDescribeProducers } from './handlers/describe-producers.js'
import { handleFetch } from './handlers/fetch.js'
import { handleIncrementalAlterConfigs } from './handlers/incremental-alter-configs.js'
import { handleInitProducerId } from './handlers/init-producer-id.js'
import { handleListOffsets } from './handlers/list-offsets.js'
import { handleMetadata } from './handlers/metadata.js'
import { handleOffsetForLeaderEpoch } from './handlers/offset-for-leader-epoch.js'
import { handleProduce } from './handlers/produce.js'

type Handler<Req> = (broker: BrokerContext, ctx: RequestContext, req: Req) => Promise<unknown>

/** API key -> handler. Only keys listed here are served. */
const HANDLERS = new Map<number, Handler<never>>([
  [0, handleProduce],
  [1, handleFetch],
  [2, handleListOffsets],
  [3, handleMetadata],
  [19, handleCreateTopics],
  [20, handleDeleteTopics],
  [21, handleDeleteRecords],
  [22, handleInitProducerId],
  [23, handleOffsetForLeaderEpoch],
  [32, handleDescribeConfigs],
  [33, handleAlterConfigs],
  [35, handleDescribeLogDirs],
  [37, handleCreatePartitions],
  [44, handleIncrementalAlterConfigs],
  [60, handleDescribeCluster],
  [61, handleDescribeProducers],
])

const API_VERSIONS_KEY = 18

export interface KafkaApis {
  handlers: Map<number, RequestHandler>
  supported: SupportedApiVersion[]
}

export function createKafkaApis(broker: BrokerContext): KafkaApis {
  const supported: SupportedApiVersion[] = []
  for (const key of [...HANDLERS.keys(), API_VERSIONS_KEY].sort((a, b) => a - b)) {
    const range = advertisedVersions(key)
    if (range) supported.push({ apiKey: key, minVersion: range.minVersion, maxVersion: range.maxVersion })
  }
  const handlers = new Map<number, RequestHandler>()
  for (const [key, handle] of HANDLERS) {
    handlers.set(key, (ctx, body) => (handle as Handler<unknown>)(broker, ctx, body))
  }
  handlers.set(API_VERSIONS_KEY, async (ctx, body) => handleApiVersions(supported, ctx, body as never))
  return { handlers, supported }
}
