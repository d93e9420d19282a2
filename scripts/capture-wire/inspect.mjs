// Tiny, independent decoders used only to label/verify captured fixtures
// (request header, and the first record set of a Produce request).

export const API_NAMES = {
  0: 'Produce', 1: 'Fetch', 2: 'ListOffsets', 3: 'Metadata', 4: 'LeaderAndIsr', 5: 'StopReplica',
  6: 'UpdateMetadata', 7: 'ControlledShutdown', 8: 'OffsetCommit', 9: 'OffsetFetch', 10: 'FindCoordinator',
  11: 'JoinGroup', 12: 'Heartbeat', 13: 'LeaveGroup', 14: 'SyncGroup', 15: 'DescribeGroups', 16: 'ListGroups',
  17: 'SaslHandshake', 18: 'ApiVersions', 19: 'CreateTopics', 20: 'DeleteTopics', 21: 'DeleteRecords',
  22: 'InitProducerId', 23: 'OffsetForLeaderEpoch', 24: 'AddPartitionsToTxn', 25: 'AddOffsetsToTxn',
  26: 'EndTxn', 27: 'WriteTxnMarkers', 28: 'TxnOffsetCommit', 29: 'DescribeAcls', 30: 'CreateAcls',
  31: 'DeleteAcls', 32: 'DescribeConfigs', 33: 'AlterConfigs', 34: 'AlterReplicaLogDirs', 35: 'DescribeLogDirs',
  36: 'SaslAuthenticate', 37: 'CreatePartitions', 38: 'CreateDelegationToken', 39: 'RenewDelegationToken',
  40: 'ExpireDelegationToken', 41: 'DescribeDelegationToken', 42: 'DeleteGroups', 43: 'ElectLeaders',
  44: 'IncrementalAlterConfigs', 45: 'AlterPartitionReassignments', 46: 'ListPartitionReassignments',
  47: 'OffsetDelete', 48: 'DescribeClientQuotas', 49: 'AlterClientQuotas', 50: 'DescribeUserScramCredentials',
  51: 'AlterUserScramCredentials', 60: 'DescribeCluster', 61: 'DescribeProducers', 65: 'DescribeTransactions',
  66: 'ListTransactions', 67: 'AllocateProducerIds',
};

// First flexible version of the APIs we capture (KIP-482). Requests at or above
// these use request header v2 and compact encodings.
const FIRST_FLEXIBLE = { 0: 9, 1: 12, 2: 6, 3: 9, 8: 8, 9: 6, 10: 3, 11: 6, 12: 4, 13: 4, 14: 4, 18: 3, 22: 2 };
export const isFlexible = (apiKey, v) => FIRST_FLEXIBLE[apiKey] !== undefined && v >= FIRST_FLEXIBLE[apiKey];

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

class Cur {
  constructor(b, o = 0) { this.b = b; this.o = o; }
  i8() { return this.b.readInt8(this.o++); }
  i16() { const v = this.b.readInt16BE(this.o); this.o += 2; return v; }
  i32() { const v = this.b.readInt32BE(this.o); this.o += 4; return v; }
  uvarint() { let r = 0, s = 0, x; do { x = this.b[this.o++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; }
  str() { const n = this.i16(); if (n < 0) return null; const s = this.b.toString('utf8', this.o, this.o + n); this.o += n; return s; }
  cstr() { const n = this.uvarint() - 1; if (n < 0) return null; const s = this.b.toString('utf8', this.o, this.o + n); this.o += n; return s; }
  tags() { const n = this.uvarint(); for (let i = 0; i < n; i++) { this.uvarint(); this.o += this.uvarint(); } }
}

/** Parse the request header; returns { apiKey, apiVersion, correlationId, clientId, bodyOffset }. */
export function parseRequestHeader(req) {
  const c = new Cur(req);
  const apiKey = c.i16(), apiVersion = c.i16(), correlationId = c.i32();
  const clientId = c.str(); // nullable STRING in header v1 and v2 alike
  if (isFlexible(apiKey, apiVersion)) c.tags();
  return { apiKey, apiVersion, correlationId, clientId, bodyOffset: c.o };
}

/** Describe a record set/batch starting at buffer offset o (first batch only). */
export function describeRecords(buf, o) {
  if (buf.length - o < 17) return null;
  const magic = buf.readInt8(o + 16);
  const attributes = magic >= 2 ? buf.readInt16BE(o + 21) : buf.readInt8(o + 17);
  return { magic, attributes, codec: CODECS[attributes & 7] ?? `codec${attributes & 7}` };
}

/** Decode topic/partition/record-set info of a Produce request (first topic/partition). */
export function parseProduceRequest(req) {
  const h = parseRequestHeader(req);
  const v = h.apiVersion;
  const flex = isFlexible(0, v);
  const c = new Cur(req, h.bodyOffset);
  let transactionalId = null;
  if (v >= 3) transactionalId = flex ? c.cstr() : c.str();
  const acks = c.i16();
  const timeoutMs = c.i32();
  const nTopics = flex ? c.uvarint() - 1 : c.i32();
  const topic = flex ? c.cstr() : c.str();
  const nParts = flex ? c.uvarint() - 1 : c.i32();
  const partition = c.i32();
  const size = flex ? c.uvarint() - 1 : c.i32();
  const rec = describeRecords(req, c.o);
  return { ...h, transactionalId, acks, timeoutMs, nTopics, topic, nParts, partition, recordsOffset: c.o, recordsSize: size, ...rec };
}

/** Records blob of partition `want` in a Fetch v4..v11 (non-flexible) response's first topic. */
export function fetchRecords(resp, version, want) {
  let o = 4; // correlation id
  if (version >= 1) o += 4; // throttle
  if (version >= 7) o += 2 + 4; // error_code, session_id
  o += 4; // topics count
  const tlen = resp.readInt16BE(o); const topic = resp.toString('utf8', o + 2, o + 2 + tlen); o += 2 + tlen;
  const nparts = resp.readInt32BE(o); o += 4;
  for (let i = 0; i < nparts; i++) {
    const index = resp.readInt32BE(o);
    o += 4 + 2 + 8; // index, error, high watermark
    if (version >= 4) o += 8; // last stable offset
    if (version >= 5) o += 8; // log start offset
    if (version >= 4) { const n = resp.readInt32BE(o); o += 4 + Math.max(n, 0) * 16; }
    if (version >= 11) o += 4; // preferred read replica
    const n = resp.readInt32BE(o);
    const records = resp.subarray(o + 4, o + 4 + Math.max(n, 0));
    o += 4 + Math.max(n, 0);
    if (index === want) return { topic, records, nparts };
  }
  return { topic, records: Buffer.alloc(0), nparts };
}

/** [{ magic, codec }] of each batch / message in a records blob (no decompression). */
export function listBatches(buf) {
  const out = [];
  for (let o = 0; o + 17 <= buf.length;) {
    const len = buf.readInt32BE(o + 8);
    if (o + 12 + len > buf.length) break;
    const magic = buf.readInt8(o + 16);
    out.push({ magic, codec: CODECS[(magic >= 2 ? buf.readInt16BE(o + 21) : buf.readInt8(o + 17)) & 7] });
    o += 12 + len;
  }
  return out;
}
