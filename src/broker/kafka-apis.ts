/**
 * The handler table: API key -> spec (codecs) and handler, and the versions
 * served for each.
 * No logic lives here (STYLE.md §1.6); each handler's file says what it does.
 *
 * Served versions are the spec's (src/protocol/api-versions.ts) intersected
 * with what each handler implements, so ApiVersions never offers an API the
 * broker cannot answer.
 */
import type { BrokerContext } from './broker-context.js'
import type { RequestContext, RequestHandler, SupportedApiVersion } from './network/request-context.js'
import { advertisedVersions } from '../protocol/api-versions.js'
import { API_VERSIONS_KEY } from '../protocol/frame-core.js'
import type { ApiSpec } from '../protocol/message-spec.js'
import { AlterConfigsApi } from '../protocol/messages/alter-configs.js'
import { DeleteGroupsApi } from '../protocol/messages/delete-groups.js'
import { DescribeGroupsApi } from '../protocol/messages/describe-groups.js'
import { FindCoordinatorApi } from '../protocol/messages/find-coordinator.js'
import { HeartbeatApi } from '../protocol/messages/heartbeat.js'
import { JoinGroupApi } from '../protocol/messages/join-group.js'
import { LeaveGroupApi } from '../protocol/messages/leave-group.js'
import { ListGroupsApi } from '../protocol/messages/list-groups.js'
import { OffsetCommitApi } from '../protocol/messages/offset-commit.js'
import { OffsetDeleteApi } from '../protocol/messages/offset-delete.js'
import { OffsetFetchApi } from '../protocol/messages/offset-fetch.js'
import { SyncGroupApi } from '../protocol/messages/sync-group.js'
import { ApiVersionsApi } from '../protocol/messages/api-versions.js'
import { CreatePartitionsApi } from '../protocol/messages/create-partitions.js'
import { CreateTopicsApi } from '../protocol/messages/create-topics.js'
import { DeleteRecordsApi } from '../protocol/messages/delete-records.js'
import { DeleteTopicsApi } from '../protocol/messages/delete-topics.js'
import { DescribeClusterApi } from '../protocol/messages/describe-cluster.js'
import { DescribeConfigsApi } from '../protocol/messages/describe-configs.js'
import { DescribeLogDirsApi } from '../protocol/messages/describe-log-dirs.js'
import { DescribeProducersApi } from '../protocol/messages/describe-producers.js'
import { FetchApi } from '../protocol/messages/fetch.js'
import { IncrementalAlterConfigsApi } from '../protocol/messages/incremental-alter-configs.js'
import { InitProducerIdApi } from '../protocol/messages/init-producer-id.js'
import { ListOffsetsApi } from '../protocol/messages/list-offsets.js'
import { MetadataApi } from '../protocol/messages/metadata.js'
import { OffsetForLeaderEpochApi } from '../protocol/messages/offset-for-leader-epoch.js'
import { ProduceApi } from '../protocol/messages/produce.js'
import { handleAlterConfigs } from './handlers/alter-configs.js'
import { handleDeleteGroups } from './handlers/delete-groups.js'
import { handleDescribeGroups } from './handlers/describe-groups.js'
import { handleFindCoordinator } from './handlers/find-coordinator.js'
import { handleHeartbeat } from './handlers/heartbeat.js'
import { handleJoinGroup } from './handlers/join-group.js'
import { handleLeaveGroup } from './handlers/leave-group.js'
import { handleListGroups } from './handlers/list-groups.js'
import { handleOffsetCommit } from './handlers/offset-commit.js'
import { handleOffsetDelete } from './handlers/offset-delete.js'
import { handleOffsetFetch } from './handlers/offset-fetch.js'
import { handleSyncGroup } from './handlers/sync-group.js'
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

interface ServedApi {
  api: ApiSpec<unknown, unknown>
  handle: Handler<unknown>
}

/** Pairs a spec with its handler; the types check that the handler takes that API's request. */
function serve<Req>(api: ApiSpec<Req, unknown>, handle: Handler<Req>): ServedApi {
  return { api: api as ApiSpec<unknown, unknown>, handle: handle as Handler<unknown> }
}

/**
 * Each served API's spec (its codecs) with its handler. Only APIs listed here
 * are served, and only their codec modules are loaded: import each spec from
 * its own module, never from protocol/messages/index.js (DESIGN.md).
 */
const HANDLERS: readonly ServedApi[] = [
  serve(ProduceApi, handleProduce),
  serve(FetchApi, handleFetch),
  serve(ListOffsetsApi, handleListOffsets),
  serve(MetadataApi, handleMetadata),
  serve(CreateTopicsApi, handleCreateTopics),
  serve(DeleteTopicsApi, handleDeleteTopics),
  serve(DeleteRecordsApi, handleDeleteRecords),
  serve(InitProducerIdApi, handleInitProducerId),
  serve(OffsetForLeaderEpochApi, handleOffsetForLeaderEpoch),
  serve(DescribeConfigsApi, handleDescribeConfigs),
  serve(AlterConfigsApi, handleAlterConfigs),
  serve(DescribeLogDirsApi, handleDescribeLogDirs),
  serve(CreatePartitionsApi, handleCreatePartitions),
  serve(IncrementalAlterConfigsApi, handleIncrementalAlterConfigs),
  serve(DescribeClusterApi, handleDescribeCluster),
  serve(DescribeProducersApi, handleDescribeProducers),
  // Consumer groups (coordinator/group/).
  serve(FindCoordinatorApi, handleFindCoordinator),
  serve(JoinGroupApi, handleJoinGroup),
  serve(SyncGroupApi, handleSyncGroup),
  serve(HeartbeatApi, handleHeartbeat),
  serve(LeaveGroupApi, handleLeaveGroup),
  serve(OffsetCommitApi, handleOffsetCommit),
  serve(OffsetFetchApi, handleOffsetFetch),
  serve(ListGroupsApi, handleListGroups),
  serve(DescribeGroupsApi, handleDescribeGroups),
  serve(DeleteGroupsApi, handleDeleteGroups),
  serve(OffsetDeleteApi, handleOffsetDelete),
]

export interface KafkaApis {
  handlers: Map<number, RequestHandler>
  /** The spec of each served API, by api key, for the network layer to decode and encode with. */
  apis: Map<number, ApiSpec<unknown, unknown>>
  supported: SupportedApiVersion[]
}

export function createKafkaApis(broker: BrokerContext): KafkaApis {
  const apis = new Map<number, ApiSpec<unknown, unknown>>([[API_VERSIONS_KEY, ApiVersionsApi]])
  for (const { api } of HANDLERS) apis.set(api.apiKey, api)
  const supported: SupportedApiVersion[] = []
  for (const key of [...apis.keys()].sort((a, b) => a - b)) {
    const range = advertisedVersions(key)
    if (range) supported.push({ apiKey: key, minVersion: range.minVersion, maxVersion: range.maxVersion })
  }
  const handlers = new Map<number, RequestHandler>()
  for (const { api, handle } of HANDLERS) {
    handlers.set(api.apiKey, (ctx, body) => handle(broker, ctx, body))
  }
  handlers.set(API_VERSIONS_KEY, async (ctx, body) => handleApiVersions(supported, ctx, body as never))
  return { handlers, apis, supported }
}
