/**
 * Fuzzing a broker process over TCP (issue 3, acceptance): at least 10,000
 * random and mutated frames, over many connections, against a real
 * `kafka-server-start` process with real logs behind it. The valid frames
 * mutated are Produce (v2 with a message-format-v1 set, v3, v7, v9 with real
 * record batches), Fetch (v2, v4, v11, v12), Metadata (v1, v4, v9, v12),
 * ListOffsets (v1, v5, v7), CreateTopics (v2, v5, v7) and ApiVersions (v0, v3).
 * Their Produce batches go to a topic of their own ('fuzz-target'), never to
 * the topic holding data we check ('precious').
 *
 * Each batch of frames on a connection is followed by a valid ApiVersions
 * request; the client moves on when it is answered, when the broker closes the
 * connection, or after a short wait (the broker may be waiting for the rest
 * of a frame whose size prefix lies), closing the connection itself.
 *
 * Afterwards: the process is alive; nothing it logged is at ERROR level (an
 * unexpected exception in a handler); kcat produces and consumes 200 keyed
 * records on a fresh topic byte for byte; 'precious' reads back exactly what
 * it held before; and whatever the fuzzed produces stored in 'fuzz-target'
 * reads back with CRCs checked and contiguous offsets.
 *
 * BROOK_FUZZ_SEED replays a run.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { decodeResponse, encodeRequest } from '../../src/protocol/frame.js'
import {
  DeleteGroupsApi,
  DescribeGroupsApi,
  FindCoordinatorApi,
  HeartbeatApi,
  JoinGroupApi,
  LeaveGroupApi,
  ListGroupsApi,
  OffsetCommitApi,
  OffsetDeleteApi,
  OffsetFetchApi,
  SyncGroupApi,
  ApiVersionsApi,
  CreateTopicsApi,
  FetchApi,
  ListOffsetsApi,
  MetadataApi,
  ProduceApi,
  defaultCreateTopicsRequestCreatableTopic,
  defaultFetchRequestPartition,
  defaultFetchRequestTopic,
  defaultListOffsetsRequestPartition,
  defaultListOffsetsRequestTopic,
  defaultMetadataRequestTopic,
  defaultProduceRequestPartitionProduceData,
  defaultProduceRequestTopicProduceData,
  type ApiVersionsResponse,
} from '../../src/protocol/messages/index.js'
import { encodeLegacyMessageSet } from '../../src/protocol/records/legacy-message-set.js'
import { mutate, randomBytes, randomInt, seededRng, type Rng, withSizePrefix } from '../../src/protocol/testing/fuzz.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { RawClient, makeBatch } from './raw-client.js'
import { removeDir, run, startBrokerProcess, type BrokerProcess } from './broker-process.js'

const SEED = Number(process.env.BROOK_FUZZ_SEED ?? 20261129)
const FRAMES = 10_000
const WORKERS = 8
/** Small, so a lying size prefix is usually over the limit (the broker closes at once) or cheap to leave. */
const SOCKET_REQUEST_MAX_BYTES = 64 * 1024
/** How long a client waits for its sentinel before closing the connection itself: a client policy, not an assertion. */
const SENTINEL_WAIT_MS = 150

const TARGET = 'fuzz-target'
const PRECIOUS = 'precious'

function validFrames(targetPartitions: number): Buffer[] {
  const frames: Buffer[] = []
  let id = 1
  const add = (apiKey: number, apiVersion: number, body: unknown) => frames.push(encodeRequest({ apiKey, apiVersion, correlationId: id++, clientId: 'fuzz' }, body))
  const now = 1_700_000_000_000
  const v2Batch = makeBatch([{ key: 'k1', value: 'fuzz-one' }, { key: null, value: 'fuzz-two' }, { key: 'k3', value: null }], now)
  const v1Set = encodeLegacyMessageSet([0, 1].map((i) => ({ offset: i, magic: 1 as const, attributes: 0, timestamp: now + i, key: Buffer.from(`lk${i}`), value: Buffer.from(`legacy-${i}`) })))
  const produce = (records: Buffer, acks: number) => ({
    ...ProduceApi.request.create(),
    acks,
    timeoutMs: 1000,
    topicData: [{ ...defaultProduceRequestTopicProduceData(), name: TARGET, partitionData: Array.from({ length: targetPartitions }, (_, p) => ({ ...defaultProduceRequestPartitionProduceData(), index: p, records })) }],
  })
  add(0, 2, produce(v1Set, 1))
  for (const v of [3, 7, 9]) for (const acks of [1, -1]) add(0, v, produce(v2Batch, acks))
  for (const v of [2, 4, 11, 12]) {
    add(1, v, {
      ...FetchApi.request.create(),
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      ...(v >= 3 ? { maxBytes: 64 * 1024 } : {}),
      topics: [{ ...defaultFetchRequestTopic(), topic: TARGET, partitions: [{ ...defaultFetchRequestPartition(), partition: 0, fetchOffset: 0n, partitionMaxBytes: 64 * 1024 }] }],
    })
  }
  for (const v of [1, 4, 9, 12]) add(3, v, { ...MetadataApi.request.create(), topics: [{ ...defaultMetadataRequestTopic(), name: TARGET }, { ...defaultMetadataRequestTopic(), name: 'fuzz-auto' }], allowAutoTopicCreation: true })
  for (const v of [1, 5, 7]) {
    for (const timestamp of [-1n, -2n, BigInt(now)]) {
      add(2, v, { ...ListOffsetsApi.request.create(), replicaId: -1, topics: [{ ...defaultListOffsetsRequestTopic(), name: TARGET, partitions: [{ ...defaultListOffsetsRequestPartition(), partitionIndex: 0, timestamp }] }] })
    }
  }
  for (const v of [2, 5, 7]) {
    add(19, v, {
      ...CreateTopicsApi.request.create(),
      timeoutMs: 1000,
      validateOnly: v === 5,
      topics: [{ ...defaultCreateTopicsRequestCreatableTopic(), name: `fuzz-created-${v}`, numPartitions: 2, replicationFactor: 1, configs: [{ name: 'segment.bytes', value: '4096' }] }],
    })
  }
  // Consumer groups: the coordinator must survive mutated joins, syncs and commits too.
  const protocols = [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 1, 0, 4, 0x66, 0x75, 0x7a, 0x7a, 0xff, 0xff, 0xff, 0xff]) }]
  for (const v of [3, 4]) add(10, v, { ...FindCoordinatorApi.request.create(), keyType: 0, ...(v >= 4 ? { coordinatorKeys: ['fuzz-group', 'other'] } : { key: 'fuzz-group' }) })
  for (const v of [0, 5, 9]) {
    add(11, v, { ...JoinGroupApi.request.create(), groupId: 'fuzz-group', memberId: '', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 1000, protocolType: 'consumer', protocols })
  }
  add(14, 5, { ...SyncGroupApi.request.create(), groupId: 'fuzz-group', generationId: 1, memberId: 'm', protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: 'm', assignment: Buffer.from('a') }] })
  add(12, 4, { ...HeartbeatApi.request.create(), groupId: 'fuzz-group', generationId: 1, memberId: 'm' })
  add(13, 0, { ...LeaveGroupApi.request.create(), groupId: 'fuzz-group', memberId: 'm' })
  add(13, 5, { ...LeaveGroupApi.request.create(), groupId: 'fuzz-group', members: [{ memberId: 'm', groupInstanceId: 'i', reason: null }] })
  for (const v of [2, 8]) {
    add(8, v, {
      ...OffsetCommitApi.request.create(),
      groupId: 'fuzz-commits',
      generationIdOrMemberEpoch: -1,
      retentionTimeMs: -1n,
      topics: [{ name: TARGET, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: 'm' }] }],
    })
  }
  add(9, 1, { ...OffsetFetchApi.request.create(), groupId: 'fuzz-commits', topics: [{ name: TARGET, partitionIndexes: [0] }] })
  add(9, 8, { ...OffsetFetchApi.request.create(), groups: [{ groupId: 'fuzz-commits', memberId: null, memberEpoch: -1, topics: null }] })
  add(16, 4, { ...ListGroupsApi.request.create(), statesFilter: ['Stable'] })
  add(15, 5, { ...DescribeGroupsApi.request.create(), groups: ['fuzz-group', 'fuzz-commits'] })
  add(42, 2, { ...DeleteGroupsApi.request.create(), groupsNames: ['fuzz-deleted'] })
  add(47, 0, { ...OffsetDeleteApi.request.create(), groupId: 'fuzz-commits', topics: [{ name: TARGET, partitions: [{ partitionIndex: 0 }] }] })
  add(18, 0, ApiVersionsApi.request.create())
  add(18, 3, { ...ApiVersionsApi.request.create(), clientSoftwareName: 'fuzz', clientSoftwareVersion: '1.0' })
  return frames
}

/** One fuzzed frame: a valid one mutated (size prefix included, or fixed up afterwards), or random bytes. */
function fuzzFrame(rng: Rng, valid: readonly Buffer[]): Buffer {
  const base = valid[randomInt(rng, valid.length)]!
  switch (randomInt(rng, 10)) {
    case 0: case 1: // mutate everything, the size prefix too
      return mutate(rng, base)
    case 2: case 3: case 4: case 5: case 6: // mutate header and body, keep the prefix honest
      return withSizePrefix(mutate(rng, base.subarray(4)))
    case 7: // the valid frame itself: the broker must keep serving real requests mid-fuzz
      return base
    case 8: // random bytes behind an honest prefix
      return withSizePrefix(randomBytes(rng, randomInt(rng, 80)))
    default: // random bytes
      return randomBytes(rng, 1 + randomInt(rng, 24))
  }
}

class FuzzConnection {
  readonly socket: Socket
  closed = false
  readonly #answered = new Set<number>()
  readonly #sentinels = new Set<number>()
  #buf: Buffer = Buffer.alloc(0)
  #wake: (() => void) | undefined

  private constructor(socket: Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk])
      while (this.#buf.length >= 8) {
        const size = this.#buf.readInt32BE(0)
        if (this.#buf.length < 4 + size) break
        const frame = this.#buf.subarray(4, 4 + size)
        const correlationId = frame.readInt32BE(0)
        // A sentinel's answer must decode (fuzzed frames may carry any id, so only ids sent as sentinels count).
        if (this.#sentinels.delete(correlationId)) {
          const { body } = decodeResponse<ApiVersionsResponse>(18, 3, frame)
          assert.equal(body.errorCode, 0)
          this.#answered.add(correlationId)
        }
        this.#buf = this.#buf.subarray(4 + size)
      }
      this.#wake?.()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.closed = true
      this.#wake?.()
    })
  }

  static open(port: number): Promise<FuzzConnection> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new FuzzConnection(s)))
      s.once('error', reject)
    })
  }

  expect(sentinel: number): void {
    this.#sentinels.add(sentinel)
  }

  answered(id: number): boolean {
    return this.#answered.has(id)
  }

  /** Waits until `id` is answered or the connection closes, at most `ms`. */
  async waitFor(id: number, ms: number): Promise<void> {
    const deadline = performance.now() + ms
    while (!this.#answered.has(id) && !this.closed && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve
        setTimeout(resolve, 10)
      })
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve())
      this.socket.destroy()
    })
  }
}

async function kcatRead(bootstrap: string, topic: string, partition: number): Promise<string> {
  return run('kcat', ['-b', bootstrap, '-C', '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q', '-X', 'check.crcs=true', '-f', '%o|%k|%s\n'])
}

describe('broker process under 10,000+ fuzzed frames', () => {
  let broker: BrokerProcess
  before(async () => {
    broker = await startBrokerProcess({ config: { 'socket.request.max.bytes': String(SOCKET_REQUEST_MAX_BYTES), 'num.partitions': '1' } })
  })
  after(async () => {
    if (broker) {
      if (process.env.BROOK_FUZZ_DUMP) (await import('node:fs')).writeFileSync(process.env.BROOK_FUZZ_DUMP, broker.output())
      await broker.stop()
      await removeDir(broker.logDir)
    }
  })

  test('stays up, serves real clients, and keeps what it stored', { timeout: 600_000 }, async () => {
    // What is stored before the fuzzing starts.
    const preciousLines = Array.from({ length: 300 }, (_, i) => `pk${i}:precious-value-${i}-${'p'.repeat(i % 40)}`)
    await run('kcat', ['-b', broker.bootstrap, '-P', '-t', PRECIOUS, '-p', '0', '-K:'], preciousLines.join('\n') + '\n')
    const preciousBefore = await kcatRead(broker.bootstrap, PRECIOUS, 0)
    assert.equal(preciousBefore, preciousLines.map((l, i) => `${i}|${l.replace(':', '|')}\n`).join(''))
    const admin = await RawClient.connect(broker.port)
    assert.equal((await admin.createTopic(TARGET, { partitions: 2 })).errorCode, ErrorCode.NONE)

    const valid = validFrames(2)
    const stats = { frames: 0, batches: 0, answered: 0, closedByBroker: 0, closedByClient: 0 }
    let nextSentinel = -1

    const worker = async (w: number) => {
      const rng = seededRng(SEED + w)
      let conn: FuzzConnection | undefined
      while (stats.frames < FRAMES) {
        conn ??= await FuzzConnection.open(broker.port)
        const c = conn
        const n = randomInt(rng, 5) === 0 ? 2 + randomInt(rng, 10) : 1
        const frames = Array.from({ length: n }, () => fuzzFrame(rng, valid))
        stats.frames += n
        stats.batches++
        const sentinel = nextSentinel--
        frames.push(encodeRequest({ apiKey: 18, apiVersion: 3, correlationId: sentinel, clientId: 'sentinel' }, { ...ApiVersionsApi.request.create(), clientSoftwareName: 'fuzz', clientSoftwareVersion: '1.0' }))
        const bytes = Buffer.concat(frames)
        c.expect(sentinel)
        if (randomInt(rng, 4) === 0) {
          // In small pieces, so frames straddle reads.
          for (let at = 0; at < bytes.length; at += 64) c.socket.write(bytes.subarray(at, at + 64))
        } else {
          c.socket.write(bytes)
        }
        await c.waitFor(sentinel, SENTINEL_WAIT_MS)
        if (c.answered(sentinel)) {
          stats.answered++
          if (!c.closed) continue
        }
        if (c.closed) stats.closedByBroker++
        else stats.closedByClient++
        await c.close()
        conn = undefined
      }
      await conn?.close()
    }
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
    console.log(`# broker fuzz: ${stats.frames} frames in ${stats.batches} batches; ${stats.answered} sentinels answered, ${stats.closedByBroker} connections closed by the broker, ${stats.closedByClient} by the client (seed ${SEED})`)
    assert.ok(stats.frames >= FRAMES)
    assert.ok(stats.answered > 0 && stats.closedByBroker > 0, 'both outcomes happened')

    // The process is alive.
    assert.equal(broker.child.exitCode, null, 'broker process still running')
    assert.equal(broker.child.signalCode, null)

    // A normal client produces and consumes correctly on a fresh topic.
    const fresh = Array.from({ length: 200 }, (_, i) => `key-${i}:value-${i}-${'f'.repeat(i % 30)}`)
    await run('kcat', ['-b', broker.bootstrap, '-P', '-t', 'after-fuzz', '-p', '0', '-K:'], fresh.join('\n') + '\n')
    assert.equal(await kcatRead(broker.bootstrap, 'after-fuzz', 0), fresh.map((l, i) => `${i}|${l.replace(':', '|')}\n`).join(''))

    // What was stored before is intact, byte for byte.
    assert.equal(await kcatRead(broker.bootstrap, PRECIOUS, 0), preciousBefore)
    const preciousEnd = await admin.listOffset(PRECIOUS, 0, -1n)
    assert.equal(preciousEnd.offset, BigInt(preciousLines.length))

    // What the fuzzed produces stored is readable, CRCs checked, offsets contiguous.
    for (const p of [0, 1]) {
      const lines = (await kcatRead(broker.bootstrap, TARGET, p)).split('\n').filter((l) => l !== '')
      const end = await admin.listOffset(TARGET, p, -1n)
      assert.equal(BigInt(lines.length), end.offset, `${TARGET}-${p}: every offset up to the end reads back`)
      assert.deepEqual(lines.map((l) => Number(l.slice(0, l.indexOf('|')))), lines.map((_, i) => i))
    }
    await admin.close()

    // No unexpected exception was logged (checked last: the broker's stdout may trail its answers).
    const errors = broker.output().split('\n').filter((l) => / ERROR /.test(l))
    assert.deepEqual(errors.slice(0, 10), [], 'nothing logged at ERROR level')
    assert.equal(broker.child.exitCode, null, 'broker process still running')
  })
})
