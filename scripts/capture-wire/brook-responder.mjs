#!/usr/bin/env node
// Golden fixtures from @platformatic/kafka, a modern pure-TypeScript client that
// negotiates *flexible* versions (KIP-482: compact strings/arrays, tagged fields).
//
// No real Kafka broker is available, so a small TCP responder on 127.0.0.1
// answers the client using Brook's own compiled codecs (dist/src/protocol/).
// The REQUEST bytes are the independent evidence; the response bytes are
// Brook's (fixtures say "responseAuthor": "brook"), and the client decoding
// them correctly (offsets back, every record read back with its headers) is
// evidence too. Every request is also decoded and re-encoded on the spot; a
// request that does not decode, or does not re-encode to identical bytes, is
// reported and fails the run.
//
// Usage (run `npm run build` first):
//   node scripts/capture-wire/brook-responder.mjs [--out DIR] [--list]
//       start the responder, run each client flow as a child process (the
//       --client mode below), check the results, write platformatic-*.json
//       fixtures to DIR (default test/fixtures/wire) and the platformatic
//       section of INDEX.md there. --list prints the exchanges, writes nothing.
//   node scripts/capture-wire/brook-responder.mjs --serve
//       only the responder; prints its address and logs each request.
//   node scripts/capture-wire/brook-responder.mjs --client HOST:PORT FLOW [ARG]
//       one client flow: metadata | produce CODEC | produce-idempotent | consume COUNT
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const SELF = 'scripts/capture-wire/brook-responder.mjs';
const CLIENT_VERSION = '1.35.0';
const CLIENT_LABEL = `@platformatic/kafka ${CLIENT_VERSION}`;
const CLIENT_ID = 'brook-golden-platformatic';
const TOPIC = 'golden';
const GROUP = 'golden-group';
// A fixed, non-zero topic id (KIP-516), so fixtures do not change between runs.
const TOPIC_ID = Buffer.from('brook:golden:tid').toString('base64url');
// The same id as the client prints it (8-4-4-4-12 hex).
const TOPIC_ID_HEX = Buffer.from('brook:golden:tid').toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
const CLUSTER_ID = 'brook-golden-cluster';
const PRODUCER_ID = 1000n;
const RECORDS = [1, 2, 3].map((i) => ({ key: `k${i}`, value: `golden-value-${i}`, headers: [{ key: 'golden-h', value: `hv${i}` }] }));
// zstd: the client compresses with node:zlib's zstdCompressSync, which Node 20 lacks
// (added in Node 22.15 / 23.8), so it refuses zstd here. See CODECS_SKIPPED.
const CODECS = ['none', 'gzip', 'snappy', 'lz4'];
const CODECS_SKIPPED = { zstd: 'node:zlib has no zstd on Node 20; @platformatic/kafka marks zstd unavailable' };
const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const ErrorCode = { NONE: 0, CORRUPT_MESSAGE: 2, UNKNOWN_TOPIC_OR_PARTITION: 3, MEMBER_ID_REQUIRED: 79, UNKNOWN_TOPIC_ID: 100 };

// ---------------------------------------------------------------- responder

async function loadProtocol() {
  const dist = path.join(root, 'dist/src/protocol/index.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} not found: run \`npm run build\` first`);
  return import(pathToFileURL(dist).href);
}

/**
 * Just enough of a broker for one client at a time: node 0, topic `golden`
 * with one partition, an in-memory log, a one-member classic group.
 */
class Responder {
  constructor(p) {
    this.p = p;
    this.batches = []; // { baseOffset, lastOffset, bytes } of golden/0, in offset order
    this.nextOffset = 0;
    this.appended = new EventEmitter();
    this.exchanges = []; // every request/response, in arrival order
    this.flow = null; // label of the client flow running now; tags new connections
    this.generationId = 0;
    this.protocolName = null;
    this.committed = new Map(); // `${topic}:${partition}` -> offset
    this.server = net.createServer((socket) => this.#onConnection(socket));
    this.log = null;
  }

  async listen() {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const { address, port } = this.server.address();
    this.host = address;
    this.port = port;
    return `${address}:${port}`;
  }

  close() {
    this.server.close();
    for (const s of this.sockets ?? []) s.destroy();
  }

  #onConnection(socket) {
    (this.sockets ??= new Set()).add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const conn = { flow: this.flow, id: (this.connectionCount = (this.connectionCount ?? 0) + 1) };
    let pending = Buffer.alloc(0);
    // Requests on one connection are answered one at a time, in order, as Kafka
    // does by muting the channel until the response is sent.
    let queue = Promise.resolve();
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = Buffer.from(pending.subarray(4, 4 + pending.readInt32BE(0)));
        pending = pending.subarray(4 + frame.length);
        queue = queue.then(() => this.#answer(socket, conn, frame));
      }
    });
    socket.on('error', () => {});
  }

  async #answer(socket, conn, frame) {
    if (socket.destroyed) return;
    const { decodeRequest, encodeRequest, encodeResponse } = this.p;
    const ex = { flow: conn.flow, connection: conn.id, apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4), request: frame, response: null };
    this.exchanges.push(ex);
    let req;
    try {
      req = decodeRequest(frame);
      ex.apiName = req.api.name;
      ex.clientId = req.header.clientId;
      ex.body = req.body;
    } catch (e) {
      ex.problem = `request does not decode: ${e.message}`;
      this.log?.(`${conn.flow} #${conn.id}: api ${ex.apiKey} v${ex.apiVersion}: ${ex.problem}`);
      socket.destroy();
      return;
    }
    const again = encodeRequest({ apiKey: ex.apiKey, apiVersion: ex.apiVersion, correlationId: ex.correlationId, clientId: req.header.clientId }, req.body).subarray(4);
    if (!again.equals(frame)) ex.problem = `request re-encodes differently: ${firstDifference(frame, again)}`;
    const handler = this.handlers[ex.apiName];
    if (!handler) {
      ex.problem = `no handler for ${ex.apiName} v${ex.apiVersion}`;
      this.log?.(`${conn.flow} #${conn.id}: ${ex.problem}`);
      socket.destroy();
      return;
    }
    let body;
    try {
      body = await handler.call(this, req.body, ex.apiVersion);
      if (body !== null) ex.response = encodeResponse(ex.apiKey, ex.apiVersion, ex.correlationId, body).subarray(4);
    } catch (e) {
      // A bug in this responder, not in the client: say so and drop the connection.
      ex.responderError = `${ex.apiName} v${ex.apiVersion}: ${e.message}`;
      console.error(`responder error: ${ex.responderError}`);
      socket.destroy();
      return;
    }
    this.log?.(`${conn.flow} #${conn.id}: ${ex.apiName} v${ex.apiVersion} corr ${ex.correlationId}${ex.problem ? ' ' + ex.problem : ''}`);
    if (body === null) return; // Produce with acks=0
    ex.responseBody = body;
    if (!socket.destroyed) socket.write(Buffer.concat([int32(ex.response.length), ex.response]));
  }

  #batchesFrom(offset) {
    return this.batches.filter((b) => b.lastOffset >= offset);
  }

  handlers = {
    ApiVersions() {
      const r = this.p.defaultApiVersionsResponse();
      r.apiKeys = this.p.ADVERTISED_API_VERSIONS.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }));
      return r;
    },

    Metadata(body) {
      const p = this.p;
      const r = p.defaultMetadataResponse();
      r.brokers = [{ ...p.defaultMetadataResponseBroker(), nodeId: 0, host: this.host, port: this.port, rack: null }];
      r.clusterId = CLUSTER_ID;
      r.controllerId = 0;
      const wanted = body.topics === null ? [{ name: TOPIC, topicId: TOPIC_ID }] : body.topics;
      r.topics = wanted.map((t) => {
        const topic = { ...p.defaultMetadataResponseTopic(), name: t.name, topicId: t.topicId };
        if (t.name !== TOPIC && t.topicId !== TOPIC_ID) return { ...topic, errorCode: t.name === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        topic.name = TOPIC;
        topic.topicId = TOPIC_ID;
        topic.partitions = [{ ...p.defaultMetadataResponsePartition(), partitionIndex: 0, leaderId: 0, leaderEpoch: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] }];
        return topic;
      });
      return r;
    },

    InitProducerId() {
      return { ...this.p.defaultInitProducerIdResponse(), producerId: PRODUCER_ID, producerEpoch: 0 };
    },

    Produce(body, v) {
      const p = this.p;
      const r = p.defaultProduceResponse();
      r.responses = body.topicData.map((t) => ({
        ...p.defaultProduceResponseTopicProduceResponse(),
        name: t.name,
        partitionResponses: t.partitionData.map((pd) => {
          const out = { ...p.defaultProduceResponsePartitionProduceResponse(), index: pd.index, logAppendTimeMs: -1n, ...(v >= 5 ? { logStartOffset: 0n } : {}) };
          if (t.name !== TOPIC || pd.index !== 0) return { ...out, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          const appended = this.#append(pd.records ?? Buffer.alloc(0));
          if (appended === null) return { ...out, errorCode: ErrorCode.CORRUPT_MESSAGE };
          return { ...out, baseOffset: BigInt(appended) };
        }),
      }));
      if (body.acks === 0) return null;
      return r;
    },

    ListOffsets(body, v) {
      const p = this.p;
      const r = p.defaultListOffsetsResponse();
      r.topics = body.topics.map((t) => ({
        ...p.defaultListOffsetsResponseTopicResponse(),
        name: t.name,
        partitions: t.partitions.map((q) => {
          const out = { ...p.defaultListOffsetsResponsePartitionResponse(), partitionIndex: q.partitionIndex };
          if (t.name !== TOPIC || q.partitionIndex !== 0) return { ...out, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          // -2 EARLIEST: log start offset 0; anything else: the log end offset.
          const offset = q.timestamp === -2n ? 0 : this.nextOffset;
          if (v === 0) return { ...out, oldStyleOffsets: [BigInt(offset)] };
          return { ...out, timestamp: -1n, offset: BigInt(offset), ...(v >= 4 ? { leaderEpoch: 0 } : {}) };
        }),
      }));
      return r;
    },

    async Fetch(body, v) {
      const p = this.p;
      const wants = (t, q) => (v >= 13 ? t.topicId === TOPIC_ID : t.topic === TOPIC) && q.partition === 0;
      const hasData = () => body.topics.some((t) => t.partitions.some((q) => wants(t, q) && this.#batchesFrom(Number(q.fetchOffset)).length > 0));
      // maxWaitMs, minimally: at once if there is data, else when some arrives or after a short wait.
      if (!hasData() && body.maxWaitMs > 0) {
        const waitMs = Math.min(body.maxWaitMs, 200);
        await Promise.race([once(this.appended, 'append'), new Promise((res) => setTimeout(res, waitMs))]);
      }
      const r = p.defaultFetchResponse();
      r.responses = body.topics.map((t) => ({
        ...p.defaultFetchResponseFetchableTopicResponse(),
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((q) => {
          const out = { ...p.defaultFetchResponsePartitionData(), partitionIndex: q.partition };
          if (!wants(t, q)) return { ...out, errorCode: v >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1n, records: Buffer.alloc(0) };
          const batches = this.#batchesFrom(Number(q.fetchOffset));
          return {
            ...out,
            highWatermark: BigInt(this.nextOffset),
            ...(v >= 4 ? { lastStableOffset: BigInt(this.nextOffset), abortedTransactions: body.isolationLevel === 1 ? [] : null } : {}),
            ...(v >= 5 ? { logStartOffset: 0n } : {}),
            records: Buffer.concat(batches.map((b) => b.bytes)),
          };
        }),
      }));
      return r;
    },

    FindCoordinator(body, v) {
      const p = this.p;
      const at = { nodeId: 0, host: this.host, port: this.port };
      // v4+ (KIP-699) answers per key in `coordinators`; older versions at the top level.
      if (v < 4) return { ...p.defaultFindCoordinatorResponse(), ...at };
      return { ...p.defaultFindCoordinatorResponse(), coordinators: body.coordinatorKeys.map((key) => ({ ...p.defaultFindCoordinatorResponseCoordinator(), key, ...at })) };
    },

    JoinGroup(body, v) {
      const p = this.p;
      const r = p.defaultJoinGroupResponse();
      // KIP-394: from v4 a member without an id is given one and asked to rejoin.
      if (v >= 4 && body.memberId === '' && body.groupInstanceId === null) {
        return { ...r, errorCode: ErrorCode.MEMBER_ID_REQUIRED, memberId: `${CLIENT_ID}-member-1` };
      }
      const memberId = body.memberId || `${CLIENT_ID}-member-1`;
      this.generationId += 1;
      this.protocolName = body.protocols[0].name;
      return {
        ...r,
        generationId: this.generationId,
        protocolType: body.protocolType,
        protocolName: this.protocolName,
        leader: memberId,
        memberId,
        members: [{ ...p.defaultJoinGroupResponseMember(), memberId, groupInstanceId: body.groupInstanceId, metadata: body.protocols[0].metadata }],
      };
    },

    SyncGroup(body) {
      const mine = body.assignments.find((a) => a.memberId === body.memberId);
      return { ...this.p.defaultSyncGroupResponse(), protocolType: 'consumer', protocolName: this.protocolName, assignment: mine?.assignment ?? Buffer.alloc(0) };
    },

    Heartbeat() {
      return this.p.defaultHeartbeatResponse();
    },

    OffsetCommit(body) {
      const p = this.p;
      const r = p.defaultOffsetCommitResponse();
      r.topics = body.topics.map((t) => ({
        ...p.defaultOffsetCommitResponseTopic(),
        name: t.name,
        partitions: t.partitions.map((q) => {
          this.committed.set(`${t.name}:${q.partitionIndex}`, q.committedOffset);
          return { ...p.defaultOffsetCommitResponsePartition(), partitionIndex: q.partitionIndex };
        }),
      }));
      return r;
    },

    OffsetFetch(body, v) {
      const p = this.p;
      const partition = (name, partitionIndex, make) => ({ ...make(), partitionIndex, committedOffset: this.committed.get(`${name}:${partitionIndex}`) ?? -1n, committedLeaderEpoch: -1, metadata: '' });
      const r = p.defaultOffsetFetchResponse();
      if (v >= 8) {
        r.groups = body.groups.map((g) => ({
          ...p.defaultOffsetFetchResponseGroup(),
          groupId: g.groupId,
          topics: (g.topics ?? [{ name: TOPIC, partitionIndexes: [0] }]).map((t) => ({
            ...p.defaultOffsetFetchResponseTopics(),
            name: t.name,
            partitions: t.partitionIndexes.map((i) => partition(t.name, i, p.defaultOffsetFetchResponsePartitions)),
          })),
        }));
      } else {
        r.topics = (body.topics ?? [{ name: TOPIC, partitionIndexes: [0] }]).map((t) => ({
          ...p.defaultOffsetFetchResponseTopic(),
          name: t.name,
          partitions: t.partitionIndexes.map((i) => partition(t.name, i, p.defaultOffsetFetchResponsePartition)),
        }));
      }
      return r;
    },

    LeaveGroup(body) {
      const p = this.p;
      return { ...p.defaultLeaveGroupResponse(), members: body.members.map((m) => ({ ...p.defaultLeaveGroupResponseMemberResponse(), memberId: m.memberId, groupInstanceId: m.groupInstanceId })) };
    },
  };

  /** Appends the batches of one partition's records; returns the first offset, or null if a batch is invalid. */
  #append(records) {
    const views = [];
    try {
      for (let o = 0; o < records.length;) {
        const view = new this.p.RecordBatchView(Buffer.from(records.subarray(o)), 0);
        if (!view.isValid()) return null;
        views.push(view);
        o += view.sizeInBytes;
      }
    } catch {
      return null;
    }
    const first = this.nextOffset;
    // Offsets are assigned before any await, so two produces cannot interleave.
    for (const view of views) {
      view.setBaseOffset(this.nextOffset);
      const bytes = Buffer.from(view.bytes);
      this.batches.push({ baseOffset: this.nextOffset, lastOffset: view.lastOffset, bytes });
      this.nextOffset = view.nextOffset;
    }
    this.appended.emit('append');
    return first;
  }
}

function int32(n) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `first difference at byte ${i} of ${a.length} (client) vs ${b.length} (re-encoded); client ${a.subarray(i, i + 16).toString('hex')} vs brook ${b.subarray(i, i + 16).toString('hex')}`;
}

// ------------------------------------------------------------------ clients

async function runClient(bootstrap, flow, arg) {
  const { Admin, Producer, Consumer, ProduceAcks, stringSerializers, stringDeserializers, clientSoftwareName, clientSoftwareVersion } = await import('@platformatic/kafka');
  const bootstrapBrokers = [bootstrap];
  const out = (o) => console.log(JSON.stringify(o, (_, x) => (typeof x === 'bigint' ? x.toString() : x)));
  const messages = RECORDS.map((r) => ({ topic: TOPIC, partition: 0, key: r.key, value: r.value, headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value])) }));

  if (flow === 'metadata') {
    const admin = new Admin({ clientId: CLIENT_ID, bootstrapBrokers });
    const md = await admin.metadata({ topics: [TOPIC] });
    await admin.close();
    const t = md.topics.get(TOPIC);
    assert.ok(t, 'metadata has topic golden');
    assert.equal(t.id, TOPIC_ID_HEX, 'topic id');
    assert.equal(t.partitionsCount, 1);
    out({ flow, topicId: t.id, brokers: [...md.brokers.values()], clientSoftwareName, clientSoftwareVersion });
  } else if (flow === 'produce' || flow === 'produce-idempotent') {
    const idempotent = flow === 'produce-idempotent';
    const compression = arg ?? 'none';
    const producer = new Producer({ clientId: CLIENT_ID, bootstrapBrokers, serializers: stringSerializers, ...(idempotent ? { idempotent: true } : {}) });
    const result = await producer.send({ messages, acks: ProduceAcks.ALL, compression });
    await producer.close();
    assert.ok(result.offsets?.length === 1, 'one offset back');
    assert.equal(result.offsets[0].topic, TOPIC);
    assert.equal(result.offsets[0].partition, 0);
    assert.equal(typeof result.offsets[0].offset, 'bigint');
    out({ flow, compression, idempotent, offsets: result.offsets });
  } else if (flow === 'consume') {
    const count = Number(arg);
    const consumer = new Consumer({ groupId: GROUP, clientId: CLIENT_ID, bootstrapBrokers, deserializers: stringDeserializers, sessionTimeout: 10000, rebalanceTimeout: 10000, heartbeatInterval: 300 });
    const stream = await consumer.consume({ topics: [TOPIC], mode: 'committed', fallbackMode: 'earliest', autocommit: false, maxWaitTime: 500 });
    const received = [];
    let last = null;
    await new Promise((resolve, reject) => {
      stream.on('error', reject);
      stream.on('data', (m) => {
        received.push({ topic: m.topic, partition: m.partition, offset: m.offset, key: m.key, value: m.value, headers: [...m.headers].map(([key, value]) => ({ key, value })) });
        last = m;
        if (received.length >= count) resolve();
      });
    });
    // Let at least one heartbeat go out, then commit and leave the group.
    await new Promise((res) => setTimeout(res, 700));
    await last.commit();
    await stream.close();
    await consumer.close();
    out({ flow, received });
  } else {
    throw new Error(`unknown flow ${flow}`);
  }
}

// ------------------------------------------------------------- orchestrator

function installedClientVersion() {
  const pkg = path.join(root, 'node_modules/@platformatic/kafka/package.json');
  if (!fs.existsSync(pkg)) throw new Error('@platformatic/kafka is not installed: npm install');
  return JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
}

function runChild(args, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`node ${SELF} ${args.join(' ')} failed (${signal ?? code})\n${stderr}${stdout}`));
      const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      resolve(JSON.parse(line));
    });
  });
}

const hex = (b) => (b === null ? null : b.toString('hex'));
const kebab = (name) => name.toLowerCase();

async function capture(outDir, listOnly) {
  const version = installedClientVersion();
  if (version !== CLIENT_VERSION) throw new Error(`@platformatic/kafka ${version} installed, fixtures are for ${CLIENT_VERSION}`);
  const responder = new Responder(await loadProtocol());
  const bootstrap = await responder.listen();
  const flows = [
    ['metadata'],
    ...CODECS.map((c) => ['produce', c]),
    ['produce-idempotent', 'none'],
    ['consume', String(RECORDS.length * (CODECS.length + 1))],
  ];
  const results = [];
  const produced = []; // { codec, idempotent, baseOffset }
  try {
    for (const [flow, arg] of flows) {
      const args = ['--client', bootstrap, flow, arg].filter((x) => x !== undefined);
      const label = [flow, arg].filter(Boolean).join(' ');
      responder.flow = label;
      const before = responder.nextOffset;
      const result = await runChild(args);
      result.command = `node ${SELF} ${args.join(' ')}`;
      result.label = label;
      results.push(result);
      if (flow.startsWith('produce')) {
        // The client got back the offset Brook assigned to its batch.
        assert.deepEqual(result.offsets, [{ topic: TOPIC, partition: 0, offset: String(before) }], `${label}: offsets returned to the producer`);
        assert.equal(responder.nextOffset, before + RECORDS.length, `${label}: one batch of ${RECORDS.length} records stored`);
        produced.push({ codec: arg, idempotent: flow === 'produce-idempotent', baseOffset: before });
      }
      if (flow === 'consume') {
        const want = produced.flatMap((p) => RECORDS.map((r, i) => ({ topic: TOPIC, partition: 0, offset: String(p.baseOffset + i), ...r })));
        assert.deepEqual(result.received, want, 'the consumer received exactly the records produced, with headers');
      }
    }
  } finally {
    responder.close();
  }

  const problems = responder.exchanges.filter((e) => e.problem);
  const rows = responder.exchanges.map((e) => `${e.flow.padEnd(20)} conn ${String(e.connection).padStart(2)}  ${(e.apiName ?? `api ${e.apiKey}`).padEnd(16)} v${String(e.apiVersion).padEnd(3)} corr ${String(e.correlationId).padStart(3)}  ${e.request.length} B -> ${e.response ? e.response.length + ' B' : 'no response'}${e.problem ? '  PROBLEM: ' + e.problem : ''}`);
  console.log(rows.join('\n'));
  const negotiated = [...new Map(responder.exchanges.map((e) => [`${e.apiName} v${e.apiVersion}`, true])).keys()];
  console.log(`\nversions used: ${negotiated.join(', ')}`);
  console.log(`codecs skipped: ${Object.entries(CODECS_SKIPPED).map(([c, why]) => `${c} (${why})`).join('; ')}`);
  if (problems.length) {
    console.error(`\n${problems.length} request(s) with problems:\n${problems.map((e) => `  ${e.flow}: ${e.apiName ?? e.apiKey} v${e.apiVersion} corr ${e.correlationId}: ${e.problem}\n    request ${hex(e.request)}`).join('\n')}`);
  }
  if (listOnly) return problems.length ? 1 : 0;

  const fixtures = selectFixtures(responder, results, produced);
  for (const [file, fx] of fixtures) fs.writeFileSync(path.join(outDir, file), JSON.stringify(fx, null, 2) + '\n');
  writeIndexSection(outDir, fixtures, negotiated);
  console.log(`\nwrote ${fixtures.length} fixtures to ${path.relative(root, outDir) || '.'}: ${fixtures.map(([f]) => f).join(', ')}`);
  return problems.length ? 1 : 0;
}

function fixture(e, command, expect) {
  return {
    client: CLIENT_LABEL,
    command,
    responseAuthor: 'brook',
    apiKey: e.apiKey,
    apiName: e.apiName,
    apiVersion: e.apiVersion,
    correlationId: e.correlationId,
    request: hex(e.request),
    response: hex(e.response),
    expect,
  };
}

function selectFixtures(responder, results, produced) {
  const commandOf = (label) => results.find((r) => r.label === label).command;
  const of = (label, apiName) => responder.exchanges.filter((e) => e.flow === label && e.apiName === apiName && e.response !== null);
  const out = [];
  const add = (e, variant, expect) => {
    if (!e) return;
    const name = `platformatic-${kebab(e.apiName)}-v${e.apiVersion}${variant ? '-' + variant : ''}.json`;
    out.push([name, fixture(e, commandOf(e.flow), expect)]);
  };
  const records = RECORDS.map((r) => ({ key: r.key, value: r.value, headers: r.headers }));

  // What the library puts in ApiVersions v3+ (KIP-511), as it exports them.
  const software = results.find((r) => r.label === 'metadata');
  add(of('metadata', 'ApiVersions')[0], '', { clientSoftwareName: software.clientSoftwareName, clientSoftwareVersion: software.clientSoftwareVersion });
  add(of('metadata', 'Metadata')[0], '', { topics: [TOPIC] });
  for (const codec of CODECS) {
    add(of(`produce ${codec}`, 'Produce')[0], codec, { topic: TOPIC, partition: 0, codec, magic: 2, acks: -1, transactionalId: null, records });
  }
  // Not transactional; the client was told nothing else (it sends producerId 0, epoch 0, where
  // the Java client sends -1/-1; see INDEX.md).
  add(of('produce-idempotent none', 'InitProducerId')[0], '', { transactionalId: null });
  add(of('produce-idempotent none', 'Produce')[0], 'none-idempotent', { topic: TOPIC, partition: 0, codec: 'none', magic: 2, acks: -1, transactionalId: null, producerId: Number(PRODUCER_ID), producerEpoch: 0, baseSequence: 0, records });

  const consume = results.find((r) => r.label.startsWith('consume')).label;
  const group = { group: GROUP, topic: TOPIC };
  const joins = of(consume, 'JoinGroup');
  const memberIdRequired = joins.find((e) => e.responseBody.errorCode === ErrorCode.MEMBER_ID_REQUIRED);
  add(memberIdRequired, 'member-id-required', group);
  add(joins.find((e) => e.responseBody.errorCode === 0), '', group);
  for (const api of ['FindCoordinator', 'SyncGroup', 'Heartbeat', 'OffsetFetch', 'ListOffsets', 'OffsetCommit', 'LeaveGroup']) add(of(consume, api)[0], '', group);
  const fetch = of(consume, 'Fetch').find((e) => e.responseBody.responses.some((t) => t.partitions.some((p) => p.records?.length > 0)));
  if (fetch) {
    const fetchOffset = Number(fetch.body.topics[0].partitions[0].fetchOffset);
    const batches = produced.filter((p) => p.baseOffset >= fetchOffset).map((p) => ({ codec: p.codec, magic: 2, baseOffset: p.baseOffset, records }));
    add(fetch, 'records', { topic: TOPIC, topicId: TOPIC_ID, partition: 0, fetchOffset, batches });
  }
  return out;
}

const BEGIN = '<!-- platformatic: begin (written by scripts/capture-wire/brook-responder.mjs) -->';
const END = '<!-- platformatic: end -->';

function writeIndexSection(outDir, fixtures, negotiated) {
  const file = path.join(outDir, 'INDEX.md');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const describe = (file, fx) => {
    const ex = fx.expect;
    switch (fx.apiName) {
      case 'Produce': return `${ex.records.length} keyed records with record headers to golden/0, magic 2, ${ex.codec}, acks=${ex.acks}${ex.producerId !== undefined ? `, idempotent (producerId ${ex.producerId}, epoch ${ex.producerEpoch}, baseSequence ${ex.baseSequence})` : ', not idempotent (the client default)'}`;
      case 'Fetch': return `Fetch by topic id at offset ${ex.fetchOffset}; response carries ${ex.batches.length} batches of golden/0 (${ex.batches.map((b) => b.codec).join(', ')}), base offsets ${ex.batches.map((b) => b.baseOffset).join(', ')}`;
      case 'Metadata': return `Admin metadata for topic(s) ${ex.topics.join(', ')} (request carries topic id zero and the name); response: broker 0, topic golden with topic id ${TOPIC_ID}, 1 partition`;
      case 'ApiVersions': return 'ApiVersions v3 with client_software_name/version; response (header v0) lists Brook\'s ADVERTISED_API_VERSIONS';
      case 'InitProducerId': return `idempotent (non-transactional) producer: the client sends producerId 0, producerEpoch 0 (the Java client sends -1/-1, KIP-360); response producerId ${PRODUCER_ID}, epoch 0`;
      case 'JoinGroup': return file.includes('member-id-required') ? 'first JoinGroup with an empty member id; Brook answers MEMBER_ID_REQUIRED (79) with an id (KIP-394)' : 'JoinGroup with the assigned member id; Brook makes the member leader, generation 1';
      default: return `consumer group plumbing (group ${ex.group}, topic ${ex.topic})`;
    }
  };
  const rows = fixtures.map(([f, fx]) => `| \`${f}\` | ${fx.apiName} (${fx.apiKey}) v${fx.apiVersion} | ${describe(f, fx)} |`);
  const section = `${BEGIN}
## @platformatic/kafka ${CLIENT_VERSION} (flexible versions; responses authored by Brook)

Captured by \`node scripts/capture-wire/brook-responder.mjs\` (after \`npm run build\`), which
answers the client with Brook's own codecs (\`dist/src/protocol/\`), since no real broker is
available: **every response here is Brook-authored** (\`"responseAuthor": "brook"\` in each
file), so only the request bytes are independent evidence. The capture also checks that the
client decoded Brook's answers: each producer got its base offset back and the consumer read
exactly the 15 records produced, with headers. Each file's \`command\` is the client process
the capture script ran (PORT = the responder's ephemeral port).

Versions the client negotiated against Brook's ADVERTISED_API_VERSIONS: ${negotiated.join(', ')}.
All are flexible (request header v2, compact encodings, tagged fields). Compression: none, gzip,
snappy and lz4 are captured; zstd is not, because the client compresses zstd with
\`node:zlib\`, which has no zstd on Node 20, and refuses it there. Topic id of \`golden\`:
\`${TOPIC_ID}\` (fixed). Timestamps and the port change between regenerations.

| file | API | what it demonstrates |
| --- | --- | --- |
${rows.join('\n')}
${END}
`;
  const start = old.indexOf(BEGIN);
  const end = old.indexOf(END);
  const updated = start >= 0 && end > start ? old.slice(0, start) + section + old.slice(end + END.length + 1) : `${old.trimEnd()}\n\n${section}`;
  fs.writeFileSync(file, updated);
}

// --------------------------------------------------------------------- main

async function main(argv) {
  if (argv[0] === '--client') {
    const [, bootstrap, flow, arg] = argv;
    await runClient(bootstrap, flow, arg);
    return 0;
  }
  if (argv[0] === '--serve') {
    const responder = new Responder(await loadProtocol());
    responder.flow = 'serve';
    responder.log = (line) => console.log(line);
    console.log(`brook responder listening on ${await responder.listen()}`);
    await new Promise(() => {});
  }
  const outIndex = argv.indexOf('--out');
  const outDir = path.resolve(outIndex >= 0 ? argv[outIndex + 1] : path.join(root, 'test/fixtures/wire'));
  return capture(outDir, argv.includes('--list'));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e.stack ?? e);
    process.exit(1);
  },
);
