/**
 * Group coordinator benchmarks (issue 4): time from members joining to a
 * stable group, and offset commits per second. Not a test.
 *
 *   node dist/bench/group-coordinator.bench.js [--members 1,10,50] [--runs 5] [--commits 20000] [--in-flight 8]
 *
 * Starts a broker process (group.initial.rebalance.delay.ms=0, so the figure
 * is the coordinator's work, not Kafka's deliberate 3 s wait for more
 * members), then per run and group size: N connections each send the
 * two-step JoinGroup (KIP-394) at once, the leader answers SyncGroup with an
 * assignment for everyone, the others SyncGroup too; the time is from the
 * first JoinGroup sent to the last SyncGroup answer. Commits: one member of a
 * stable group sends OffsetCommit v8 for one partition, `--in-flight`
 * requests pipelined on one connection; each is acknowledged only after it
 * is appended to __consumer_offsets.
 */
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { ErrorCode } from '../src/protocol/error-codes.js'
import { FindCoordinatorApi } from '../src/protocol/messages/find-coordinator.js'
import { JoinGroupApi } from '../src/protocol/messages/join-group.js'
import { OffsetCommitApi } from '../src/protocol/messages/offset-commit.js'
import { SyncGroupApi } from '../src/protocol/messages/sync-group.js'
import { startBrokerProcess } from './broker-process.js'
import { WireConnection, createTopic } from './wire-client.js'

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '1,10,50' },
    runs: { type: 'string', default: '5' },
    commits: { type: 'string', default: '20000' },
    'in-flight': { type: 'string', default: '8' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (args.help) {
  console.log('usage: node dist/bench/group-coordinator.bench.js [--members 1,10,50] [--runs 5] [--commits 20000] [--in-flight 8]')
  process.exit(0)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const PROTOCOL = [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x62, 0xff, 0xff, 0xff, 0xff]) }]

async function joinAndSync(conns: WireConnection[], groupId: string): Promise<{ ms: number; memberId: string; generationId: number }> {
  const t0 = performance.now()
  const joinBody = (memberId: string) => ({ ...JoinGroupApi.request.create(), groupId, memberId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, protocolType: 'consumer', protocols: PROTOCOL })
  const ids = await Promise.all(conns.map(async (c) => (await c.request(JoinGroupApi, 7, joinBody(''))).memberId))
  const joins = await Promise.all(conns.map((c, i) => c.request(JoinGroupApi, 7, joinBody(ids[i]!))))
  for (const j of joins) if (j.errorCode !== ErrorCode.NONE) throw new Error(`JoinGroup failed: ${j.errorCode}`)
  const leader = joins.find((j) => j.members.length > 0)!
  const assignments = leader.members.map((m) => ({ memberId: m.memberId, assignment: Buffer.from('x') }))
  const syncs = await Promise.all(
    conns.map((c, i) => c.request(SyncGroupApi, 5, { ...SyncGroupApi.request.create(), groupId, generationId: joins[i]!.generationId, memberId: joins[i]!.memberId, protocolType: 'consumer', protocolName: 'range', assignments: joins[i] === leader ? assignments : [] })),
  )
  for (const s of syncs) if (s.errorCode !== ErrorCode.NONE) throw new Error(`SyncGroup failed: ${s.errorCode}`)
  return { ms: performance.now() - t0, memberId: joins[0]!.memberId, generationId: joins[0]!.generationId }
}

const broker = await startBrokerProcess({ overrides: ['group.initial.rebalance.delay.ms=0'] })
try {
  const admin = await WireConnection.open(broker.host, broker.port)
  await createTopic(admin, 'b', 1)
  await admin.request(FindCoordinatorApi, 3, { ...FindCoordinatorApi.request.create(), key: 'warm-up', keyType: 0 })
  console.log(`broker pid ${broker.pid} on ${broker.host}:${broker.port}; group.initial.rebalance.delay.ms=0`)

  for (const n of args.members.split(',').map(Number)) {
    const times: number[] = []
    for (let r = 0; r < Number(args.runs); r++) {
      const conns = await Promise.all(Array.from({ length: n }, () => WireConnection.open(broker.host, broker.port)))
      times.push((await joinAndSync(conns, `bench-${n}-${r}`)).ms)
      for (const c of conns) c.close()
    }
    const m = median(times)
    console.log(`join to stable, ${n} member(s): median ${m.toFixed(2)} ms (runs ${times.map((t) => t.toFixed(1)).join(' ')})`)
    console.log(`RESULT bench=group-join members=${n} median_ms=${m.toFixed(3)}`)
  }

  const conn = await WireConnection.open(broker.host, broker.port)
  const { memberId, generationId } = await joinAndSync([conn], 'bench-commits')
  const total = Number(args.commits)
  const inFlight = Number(args['in-flight'])
  const rates: number[] = []
  for (let r = 0; r < Number(args.runs); r++) {
    let sent = 0
    const t0 = performance.now()
    const worker = async () => {
      while (sent < total) {
        const offset = BigInt(sent++)
        const res = await conn.request(OffsetCommitApi, 8, {
          ...OffsetCommitApi.request.create(),
          groupId: 'bench-commits',
          generationIdOrMemberEpoch: generationId,
          memberId,
          topics: [{ name: 'b', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' }] }],
        })
        if (res.topics[0]!.partitions[0]!.errorCode !== ErrorCode.NONE) throw new Error(`commit failed: ${res.topics[0]!.partitions[0]!.errorCode}`)
      }
    }
    await Promise.all(Array.from({ length: inFlight }, worker))
    rates.push(total / ((performance.now() - t0) / 1000))
  }
  const rate = median(rates)
  console.log(`offset commits: median ${Math.round(rate).toLocaleString('en-US')}/s (${total} single-partition commits per run, ${inFlight} in flight; runs ${rates.map((x) => Math.round(x)).join(' ')})`)
  console.log(`RESULT bench=offset-commit commits=${total} in_flight=${inFlight} per_s=${Math.round(rate)}`)
  conn.close()
  admin.close()
} finally {
  await broker.stop()
}
