/**
 * How kafka-dump-log prints a record's key and value with --print-data-log
 * (Kafka's `DumpLogSegments.MessageParser`s, 3.8-3.9):
 *
 * - the decoder classes: `StringDecoder` (the default: UTF-8 text),
 *   `IntegerDecoder` and `LongDecoder` (a big-endian int32/int64), under
 *   Kafka's new names (org.apache.kafka.tools.api.*) and the deprecated ones
 *   (kafka.serializer.*, with Kafka's deprecation line);
 * - `--offsets-decoder`: `__consumer_offsets` records as Kafka 3.8+ prints
 *   them, the key `{"type":"<record type>","data":{...}}` and the value
 *   `{"version":"<n>","data":{...}}` (a tombstone: `<DELETE>`), with the
 *   generated JSON converters' field names and a consumer group member's
 *   subscription and assignment decoded (ConsumerProtocol);
 * - `--transaction-log-decoder`: `__transaction_state` records as
 *   `transaction_metadata::transactionalId=<id>` and
 *   `producerId:<n>,producerEpoch:<n>,state=<State>,partitions=[t-0,...],txnLastUpdateTimestamp=<ms>,txnTimeoutMs=<ms>`.
 *
 * A parser returns the key and the payload to print, each undefined when
 * Kafka prints none. Deviations: the KIP-848 consumer-group record types
 * (3-8), which Brook never writes, print as unknown record types; a
 * transaction's partitions keep their stored order (Kafka prints a hash
 * set's).
 */
import { DecodeError } from '../protocol/codec-error.js'
import type { MessageSpec } from '../protocol/message-spec.js'
import { ConsumerProtocolAssignmentSpec, type ConsumerProtocolAssignment } from '../protocol/messages/consumer-protocol-assignment.js'
import { ConsumerProtocolSubscriptionSpec, type ConsumerProtocolSubscription } from '../protocol/messages/consumer-protocol-subscription.js'
import { GroupMetadataKeySpec } from '../protocol/messages/group-coordinator/group-metadata-key.js'
import { GroupMetadataValueSpec, type GroupMetadataValue, type GroupMetadataValueMemberMetadata } from '../protocol/messages/group-coordinator/group-metadata-value.js'
import { OffsetCommitKeySpec } from '../protocol/messages/group-coordinator/offset-commit-key.js'
import { OffsetCommitValueSpec, type OffsetCommitValue } from '../protocol/messages/group-coordinator/offset-commit-value.js'
import { TransactionLogKeySpec } from '../protocol/messages/transaction-coordinator/transaction-log-key.js'
import { TransactionLogValueSpec } from '../protocol/messages/transaction-coordinator/transaction-log-value.js'
import { Reader } from '../protocol/reader.js'
import { UsageError } from './command-line.js'
import type { DumpRecord } from './file-log-input-stream.js'

export interface ParsedRecord {
  key?: string
  payload?: string
}

export type MessageParser = (record: DumpRecord) => ParsedRecord

// ---- decoder classes ----

type Decoder = (bytes: Buffer) => string

const DECODERS: Record<string, Decoder> = {
  StringDecoder: (b) => b.toString('utf8'),
  IntegerDecoder: (b) => {
    if (b.length < 4) throw new RangeError('java.nio.BufferUnderflowException')
    return String(b.readInt32BE(0))
  },
  LongDecoder: (b) => {
    if (b.length < 8) throw new RangeError('java.nio.BufferUnderflowException')
    return String(b.readBigInt64BE(0))
  },
}

/**
 * Kafka's `newDecoder` for `--key-decoder-class`/`--value-decoder-class`:
 * the decoder, and the deprecation line Kafka prints for a kafka.serializer
 * name. Any other class is a UsageError: Brook cannot load Java classes.
 */
export function decoderFor(option: string, className: string): { decode: Decoder; notice?: string } {
  const oldName = /^kafka\.serializer\.(\w+)$/.exec(className)
  const newName = /^org\.apache\.kafka\.tools\.api\.(\w+)$/.exec(className)
  const simple = (oldName ?? newName)?.[1]
  const decode = simple === undefined ? undefined : DECODERS[simple]
  if (decode === undefined) {
    throw new UsageError(`--${option} ${className} is not supported: Brook runs no Java classes (supported: StringDecoder, IntegerDecoder, LongDecoder)`)
  }
  if (oldName) return { decode, notice: `${className} is deprecated. Please use org.apache.kafka.tools.api.${simple} instead` }
  return { decode }
}

/** Kafka's DecoderMessageParser: the key when there is one, the payload when there is a value. */
export function decoderMessageParser(keyDecoder: Decoder, valueDecoder: Decoder): MessageParser {
  return (r) => ({
    ...(r.key !== null ? { key: keyDecoder(r.key) } : {}),
    ...(r.value !== null ? { payload: valueDecoder(r.value) } : {}),
  })
}

// ---- JSON as Kafka's generated JsonConverters write it (Jackson, compact) ----

type Json = string | number | bigint | boolean | null | Buffer | Json[] | { [k: string]: Json }

/** A Jackson string literal: like JSON.stringify, but other control characters as uppercase `\u00XX`. */
function jsonString(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, (_, hex: string) => `\\u00${hex.toUpperCase()}`)
}

export function toJson(v: Json): string {
  if (v === null) return 'null'
  if (typeof v === 'string') return jsonString(v)
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v)
  // Jackson writes a BinaryNode as a base64 string.
  if (Buffer.isBuffer(v)) return jsonString(v.toString('base64'))
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`
  return `{${Object.entries(v)
    .map(([k, x]) => `${jsonString(k)}:${toJson(x)}`)
    .join(',')}}`
}

/** Reads `[int16 version][struct]`; DecodeError naming the message for a version the spec lacks. */
function readVersioned<T>(spec: MessageSpec<T>, buf: Buffer): { version: number; message: T } {
  const r = new Reader(buf)
  const version = r.int16()
  if (version < spec.minVersion || version > spec.maxVersion) throw new DecodeError(`Can't read version ${version} of ${spec.name}`)
  return { version, message: spec.read(r, version) }
}

function offsetCommitValueJson(m: OffsetCommitValue, v: number): Json {
  return {
    offset: m.offset,
    ...(v >= 3 ? { leaderEpoch: m.leaderEpoch } : {}),
    metadata: m.metadata,
    commitTimestamp: m.commitTimestamp,
    ...(v === 1 ? { expireTimestamp: m.expireTimestamp } : {}),
  }
}

function subscriptionJson(m: ConsumerProtocolSubscription, v: number): Json {
  return {
    topics: m.topics,
    userData: m.userData,
    ...(v >= 1 ? { ownedPartitions: m.ownedPartitions.map((p) => ({ topic: p.topic, partitions: p.partitions })) } : {}),
    ...(v >= 2 ? { generationId: m.generationId } : {}),
    ...(v >= 3 ? { rackId: m.rackId } : {}),
  }
}

function assignmentJson(m: ConsumerProtocolAssignment): Json {
  return { assignedPartitions: m.assignedPartitions.map((p) => ({ topic: p.topic, partitions: p.partitions })), userData: m.userData }
}

/** A member's embedded consumer protocol bytes as JSON; the bytes themselves (base64) if they do not decode, as Kafka keeps them. */
function embedded<T>(bytes: Buffer, spec: MessageSpec<T>, json: (m: T, v: number) => Json): Json {
  try {
    const { version, message } = readVersioned(spec, bytes)
    return json(message, version)
  } catch {
    return bytes
  }
}

function groupMetadataValueJson(m: GroupMetadataValue, v: number): Json {
  const consumer = m.protocolType === 'consumer'
  const member = (x: GroupMetadataValueMemberMetadata): Json => ({
    memberId: x.memberId,
    ...(v >= 3 ? { groupInstanceId: x.groupInstanceId } : {}),
    clientId: x.clientId,
    clientHost: x.clientHost,
    ...(v >= 1 ? { rebalanceTimeout: x.rebalanceTimeout } : {}),
    sessionTimeout: x.sessionTimeout,
    subscription: consumer ? embedded(x.subscription, ConsumerProtocolSubscriptionSpec, subscriptionJson) : x.subscription,
    assignment: consumer ? embedded(x.assignment, ConsumerProtocolAssignmentSpec, assignmentJson) : x.assignment,
  })
  return {
    protocolType: m.protocolType,
    generation: m.generation,
    protocol: m.protocol,
    leader: m.leader,
    ...(v >= 2 ? { currentStateTimestamp: m.currentStateTimestamp } : {}),
    members: m.members.map(member),
  }
}

/** Kafka's CoordinatorRecordSerde: reads a part of the record, wrapping a failure in Kafka's words. */
function readPart<T>(what: 'key' | 'value', version: number, read: () => T): T {
  try {
    return read()
  } catch (e) {
    throw new Error(`Could not read record with version ${version} from ${what}'s buffer due to: ${(e as Error).message}.`)
  }
}

class UnknownRecordType extends Error {
  constructor(readonly recordType: number) {
    super(`Unknown record type ${recordType}`)
  }
}

/** `--offsets-decoder`: Kafka 3.8+'s OffsetsMessageParser. */
export const offsetsMessageParser: MessageParser = (r) => {
  if (r.key === null) throw new Error(`Failed to decode message at offset ${r.offset} using offset topic decoder (message had a missing key)`)
  const key = r.key
  try {
    if (key.length < 2) throw new Error("Could not read version from key's buffer.")
    const recordType = key.readInt16BE(0)
    let keyData: Json
    let valueSpec: MessageSpec<OffsetCommitValue> | MessageSpec<GroupMetadataValue>
    if (recordType === 0 || recordType === 1) {
      const k = readPart('key', recordType, () => OffsetCommitKeySpec.read(new Reader(key, 2), recordType))
      keyData = { group: k.group, topic: k.topic, partition: k.partition }
      valueSpec = OffsetCommitValueSpec
    } else if (recordType === 2) {
      const k = readPart('key', recordType, () => GroupMetadataKeySpec.read(new Reader(key, 2), recordType))
      keyData = { group: k.group }
      valueSpec = GroupMetadataValueSpec
    } else throw new UnknownRecordType(recordType)
    const keyText = toJson({ type: String(recordType), data: keyData })
    if (r.value === null) return { key: keyText, payload: '<DELETE>' }
    const value = r.value
    if (value.length < 2) throw new Error("Could not read version from value's buffer.")
    const version = value.readInt16BE(0)
    const data = readPart('value', version, () => {
      if (valueSpec === OffsetCommitValueSpec) return offsetCommitValueJson(readVersioned(OffsetCommitValueSpec, value).message, version)
      return groupMetadataValueJson(readVersioned(GroupMetadataValueSpec, value).message, version)
    })
    return { key: keyText, payload: toJson({ version: String(version), data }) }
  } catch (e) {
    if (e instanceof UnknownRecordType) return { key: `Unknown record type ${e.recordType} at offset ${r.offset}, skipping.` }
    return { key: `Error at offset ${r.offset}, skipping. ${(e as Error).message}` }
  }
}

/** Kafka's TransactionState names, by id (TransactionState.fromId). */
const TRANSACTION_STATES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence']

/** `--transaction-log-decoder`: Kafka's TransactionLog.formatRecordKeyAndValue. */
export const transactionLogMessageParser: MessageParser = (r) => {
  if (r.key === null || r.key.length < 2) throw new Error(`Failed to decode message at offset ${r.offset} using transaction log decoder (message had a missing key)`)
  const keyVersion = r.key.readInt16BE(0)
  if (keyVersion < TransactionLogKeySpec.minVersion || keyVersion > TransactionLogKeySpec.maxVersion) return { key: `unknown::version=${keyVersion}` }
  const transactionalId = TransactionLogKeySpec.read(new Reader(r.key, 2), keyVersion).transactionalId
  const key = `transaction_metadata::transactionalId=${transactionalId}`
  if (r.value === null) return { key, payload: '<DELETE>' }
  const version = r.value.length >= 2 ? r.value.readInt16BE(0) : -1
  if (version < TransactionLogValueSpec.minVersion || version > TransactionLogValueSpec.maxVersion) throw new Error(`Unknown version ${version} from the transaction log message value`)
  const v = TransactionLogValueSpec.read(new Reader(r.value, 2), version)
  const state = TRANSACTION_STATES[v.transactionStatus]
  if (state === undefined) throw new Error(`Unknown transaction state id ${v.transactionStatus} from the transaction status message`)
  const partitions = state === 'Empty' ? [] : (v.transactionPartitions ?? []).flatMap((p) => p.partitionIds.map((id) => `${p.topic}-${id}`))
  return {
    key,
    payload:
      `producerId:${v.producerId},producerEpoch:${v.producerEpoch},state=${state},partitions=[${[...new Set(partitions)].join(',')}],` +
      `txnLastUpdateTimestamp=${v.transactionLastUpdateTimestampMs},txnTimeoutMs=${v.transactionTimeoutMs}`,
  }
}
