import { test } from 'node:test'
import assert from 'node:assert/strict'
import { groupMetadataKey, groupMetadataValue, offsetCommitKey, offsetCommitValue } from '../coordinator/group/offsets-topic-records.js'
import type { MessageSpec } from '../protocol/message-spec.js'
import { ConsumerProtocolAssignmentSpec } from '../protocol/messages/consumer-protocol-assignment.js'
import { ConsumerProtocolSubscriptionSpec } from '../protocol/messages/consumer-protocol-subscription.js'
import { TransactionLogKeySpec } from '../protocol/messages/transaction-coordinator/transaction-log-key.js'
import { TransactionLogValueSpec } from '../protocol/messages/transaction-coordinator/transaction-log-value.js'
import { Writer } from '../protocol/writer.js'
import { UsageError } from './command-line.js'
import { decoderFor, decoderMessageParser, offsetsMessageParser, toJson, transactionLogMessageParser } from './dump-log-decoders.js'
import type { DumpRecord } from './file-log-input-stream.js'

const rec = (key: Buffer | null, value: Buffer | null, offset = 7n): DumpRecord => ({ offset, timestamp: 0n, key, value })

function versioned<T>(spec: MessageSpec<T>, version: number, m: T): Buffer {
  const w = new Writer(64)
  w.int16(version)
  spec.write(w, m, version)
  return Buffer.from(w.finish())
}

test('offset commits print as Kafka 3.8+ does: {"type":"1","data":{...}} and {"version":"3","data":{...}}, <DELETE> for a tombstone', () => {
  const key = offsetCommitKey('g1', 'orders', 2)
  const value = offsetCommitValue({ offset: 42n, leaderEpoch: 0, metadata: 'm', commitTimestamp: 1700000000000n, expireTimestamp: -1n })
  assert.deepEqual(offsetsMessageParser(rec(key, value)), {
    key: '{"type":"1","data":{"group":"g1","topic":"orders","partition":2}}',
    payload: '{"version":"3","data":{"offset":42,"leaderEpoch":0,"metadata":"m","commitTimestamp":1700000000000}}',
  })
  // Value v1 (a commit with a retention time) has the expire timestamp and no leader epoch.
  const v1 = offsetCommitValue({ offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: 5n, expireTimestamp: 9n })
  assert.equal(offsetsMessageParser(rec(key, v1)).payload, '{"version":"1","data":{"offset":1,"metadata":"","commitTimestamp":5,"expireTimestamp":9}}')
  assert.deepEqual(offsetsMessageParser(rec(key, null)), { key: '{"type":"1","data":{"group":"g1","topic":"orders","partition":2}}', payload: '<DELETE>' })
})

test("group metadata prints with the members' subscription and assignment decoded", () => {
  const subscription = versioned(ConsumerProtocolSubscriptionSpec, 1, { topics: ['t'], userData: null, ownedPartitions: [{ topic: 't', partitions: [0] }], generationId: -1, rackId: null })
  const assignment = versioned(ConsumerProtocolAssignmentSpec, 0, { assignedPartitions: [{ topic: 't', partitions: [0, 1] }], userData: Buffer.from('hi') })
  const value = groupMetadataValue({
    protocolType: 'consumer',
    generation: 3,
    protocol: 'range',
    leader: 'm-1',
    currentStateTimestamp: 99n,
    members: [{ memberId: 'm-1', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeout: 300000, sessionTimeout: 45000, subscription, assignment }],
  })
  assert.deepEqual(offsetsMessageParser(rec(groupMetadataKey('g1'), value)), {
    key: '{"type":"2","data":{"group":"g1"}}',
    payload:
      '{"version":"3","data":{"protocolType":"consumer","generation":3,"protocol":"range","leader":"m-1","currentStateTimestamp":99,"members":[' +
      '{"memberId":"m-1","groupInstanceId":null,"clientId":"c","clientHost":"/127.0.0.1","rebalanceTimeout":300000,"sessionTimeout":45000,' +
      '"subscription":{"topics":["t"],"userData":null,"ownedPartitions":[{"topic":"t","partitions":[0]}]},' +
      '"assignment":{"assignedPartitions":[{"topic":"t","partitions":[0,1]}],"userData":"aGk="}}]}}',
  })
})

test("unknown record types and undecodable records are reported in Kafka's words; a missing key is an error", () => {
  const type9 = Buffer.from([0, 9, 1, 2])
  assert.deepEqual(offsetsMessageParser(rec(type9, null, 12n)), { key: 'Unknown record type 9 at offset 12, skipping.' })
  const badValue = Buffer.from([0, 7])
  assert.deepEqual(offsetsMessageParser(rec(offsetCommitKey('g', 't', 0), badValue, 3n)), {
    key: "Error at offset 3, skipping. Could not read record with version 7 from value's buffer due to: Can't read version 7 of OffsetCommitValue.",
  })
  assert.throws(() => offsetsMessageParser(rec(null, null, 4n)), /Failed to decode message at offset 4 using offset topic decoder \(message had a missing key\)/)
})

test("transaction log records print as Kafka's TransactionLog.formatRecordKeyAndValue", () => {
  const key = versioned(TransactionLogKeySpec, 0, { transactionalId: 'tx-1' })
  const value = versioned(TransactionLogValueSpec, 0, {
    producerId: 5n,
    previousProducerId: -1n,
    nextProducerId: -1n,
    producerEpoch: 2,
    transactionTimeoutMs: 60000,
    transactionStatus: 1,
    transactionPartitions: [{ topic: 'a', partitionIds: [0, 1] }],
    transactionLastUpdateTimestampMs: 1700000000000n,
    transactionStartTimestampMs: 1700000000000n,
    clientTransactionVersion: 0,
  })
  assert.deepEqual(transactionLogMessageParser(rec(key, value)), {
    key: 'transaction_metadata::transactionalId=tx-1',
    payload: 'producerId:5,producerEpoch:2,state=Ongoing,partitions=[a-0,a-1],txnLastUpdateTimestamp=1700000000000,txnTimeoutMs=60000',
  })
  assert.deepEqual(transactionLogMessageParser(rec(key, null)), { key: 'transaction_metadata::transactionalId=tx-1', payload: '<DELETE>' })
  assert.deepEqual(transactionLogMessageParser(rec(Buffer.from([0, 3]), null)), { key: 'unknown::version=3' })
})

test("decoder classes: Kafka's names old and new (the old with Kafka's notice), others refused", () => {
  const s = decoderFor('value-decoder-class', 'org.apache.kafka.tools.api.StringDecoder')
  assert.equal(s.notice, undefined)
  const old = decoderFor('key-decoder-class', 'kafka.serializer.LongDecoder')
  assert.equal(old.notice, 'kafka.serializer.LongDecoder is deprecated. Please use org.apache.kafka.tools.api.LongDecoder instead')
  const int = decoderFor('value-decoder-class', 'org.apache.kafka.tools.api.IntegerDecoder')
  const parse = decoderMessageParser(old.decode, int.decode)
  const eight = Buffer.alloc(8)
  eight.writeBigInt64BE(-3n)
  assert.deepEqual(parse(rec(eight, Buffer.from([0, 0, 1, 0]))), { key: '-3', payload: '256' })
  assert.deepEqual(decoderMessageParser(s.decode, s.decode)(rec(null, Buffer.from('héllo'))), { payload: 'héllo' })
  assert.throws(() => decoderFor('value-decoder-class', 'com.example.AvroDecoder'), (e: unknown) => e instanceof UsageError && /com\.example\.AvroDecoder is not supported/.test(e.message))
})

test("JSON as Jackson writes it: compact, bigints as numbers, bytes as base64, control characters as uppercase \\u00XX", () => {
  assert.equal(toJson({ a: 1n, b: [Buffer.from([255]), null], c: 'x"\u001f\n' }), '{"a":1,"b":["/w==",null],"c":"x\\"\\u001F\\n"}')
})
