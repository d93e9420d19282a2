/**
 * OffsetFetch (API key 9), versions 0-9: a group's committed offsets, for
 * the requested partitions (-1 where nothing was committed) or, with null
 * topics (v2+), every partition the group committed. v8+ asks for several
 * groups at once (KIP-709). v7+ `requireStable` waits for pending
 * transactional commits; without transactions nothing is pending.
 *
 * Deviation: v0 read offsets from ZooKeeper in Kafka; here it reads the
 * same offsets as v1.
 */
import type { BrokerContext } from '../broker-context.js'
import type { RequestContext } from '../network/request-context.js'
import type { OffsetFetchRequest, OffsetFetchResponse, OffsetFetchResponseTopic } from '../../protocol/messages/offset-fetch.js'

function topicsOf(offsets: ReturnType<BrokerContext['groupCoordinator']['fetchOffsets']>['offsets'], v: number): OffsetFetchResponseTopic[] {
  const byTopic = new Map<string, OffsetFetchResponseTopic>()
  for (const o of offsets) {
    let t = byTopic.get(o.tp.topic)
    if (!t) {
      t = { name: o.tp.topic, partitions: [] }
      byTopic.set(o.tp.topic, t)
    }
    t.partitions.push({ partitionIndex: o.tp.partition, committedOffset: o.offset, committedLeaderEpoch: v >= 5 ? o.leaderEpoch : -1, metadata: o.metadata, errorCode: 0 })
  }
  return [...byTopic.values()]
}

export async function handleOffsetFetch(broker: BrokerContext, ctx: RequestContext, req: OffsetFetchRequest): Promise<OffsetFetchResponse> {
  const v = ctx.apiVersion
  const fetch = (groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null) =>
    broker.groupCoordinator.fetchOffsets(groupId, topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes })))
  if (v >= 8) {
    return {
      throttleTimeMs: 0,
      topics: [],
      errorCode: 0,
      groups: req.groups.map((g) => {
        const r = fetch(g.groupId, g.topics)
        return { groupId: g.groupId, errorCode: r.errorCode, topics: topicsOf(r.offsets, v) }
      }),
    }
  }
  const r = fetch(req.groupId, req.topics)
  let topics = topicsOf(r.offsets, v)
  // Before v2 there is no top-level error: each requested partition carries it.
  if (v < 2 && r.errorCode !== 0) {
    topics = (req.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: r.errorCode })),
    }))
  }
  return { throttleTimeMs: 0, topics, errorCode: v >= 2 ? r.errorCode : 0, groups: [] }
}
