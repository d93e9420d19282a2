/**
 * The records the group coordinator keeps in `__consumer_offsets`, in
 * Kafka's formats (`../shared/kafka-protocol/group-coordinator/`): every key
 * and value starts with an int16 version, then the versioned struct.
 *
 *   key version 0/1: OffsetCommitKey {group, topic, partition} -> OffsetCommitValue (or null: offset deleted)
 *   key version 2:   GroupMetadataKey {group}                  -> GroupMetadataValue (or null: group deleted)
 *
 * Brook writes what Kafka 3.x writes (key v1, offset value v3 or v1 when the
 * commit carried a retention time; group key v2, group value v3), so a log
 * dir moved between Brook and Kafka, and tools that read the topic
 * (kafka-console-consumer with the offsets formatter), understand it. Keys
 * and values of other types (KIP-848 consumer groups, share groups) are
 * recognised and skipped on load.
 */
import { Reader } from '../../protocol/reader.js'
import { Writer } from '../../protocol/writer.js'
import { DecodeError } from '../../protocol/codec-error.js'
import type { MessageSpec } from '../../protocol/message-spec.js'
import { GroupMetadataKeySpec } from '../../protocol/messages/group-coordinator/group-metadata-key.js'
import { GroupMetadataValueSpec, type GroupMetadataValue } from '../../protocol/messages/group-coordinator/group-metadata-value.js'
import { OffsetCommitKeySpec } from '../../protocol/messages/group-coordinator/offset-commit-key.js'
import { OffsetCommitValueSpec, type OffsetCommitValue } from '../../protocol/messages/group-coordinator/offset-commit-value.js'

const OFFSET_COMMIT_KEY_VERSION = 1
const GROUP_METADATA_KEY_VERSION = 2
const OFFSET_COMMIT_VALUE_VERSION = 3
/** The only offset value version with an expire timestamp (OffsetCommit v1-v4 retention). */
const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1
const GROUP_METADATA_VALUE_VERSION = 3

function versioned<T>(spec: MessageSpec<T>, version: number, value: T): Buffer {
  const w = new Writer(64)
  w.int16(version)
  spec.write(w, value, version)
  return Buffer.from(w.finish())
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return versioned(OffsetCommitKeySpec, OFFSET_COMMIT_KEY_VERSION, { group, topic, partition })
}

export function offsetCommitValue(v: Omit<OffsetCommitValue, 'unknownTaggedFields'>): Buffer {
  return versioned(OffsetCommitValueSpec, v.expireTimestamp >= 0n ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY : OFFSET_COMMIT_VALUE_VERSION, v)
}

export function groupMetadataKey(group: string): Buffer {
  return versioned(GroupMetadataKeySpec, GROUP_METADATA_KEY_VERSION, { group })
}

export function groupMetadataValue(v: Omit<GroupMetadataValue, 'unknownTaggedFields'>): Buffer {
  return versioned(GroupMetadataValueSpec, GROUP_METADATA_VALUE_VERSION, v)
}

export type OffsetsTopicRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: OffsetCommitValue | null }
  | { type: 'group'; group: string; value: GroupMetadataValue | null }
  | { type: 'other'; keyVersion: number }

function readVersioned<T>(spec: MessageSpec<T>, buf: Buffer, what: string): T {
  const r = new Reader(buf)
  const version = r.int16()
  if (version < spec.minVersion || version > spec.maxVersion) throw new DecodeError(`unknown ${what} version ${version}`)
  return spec.read(r, version)
}

/** Decodes one record of the topic; throws DecodeError for bytes that are not one. */
export function decodeOffsetsTopicRecord(key: Buffer | null, value: Buffer | null): OffsetsTopicRecord {
  if (key === null || key.length < 2) throw new DecodeError('__consumer_offsets record without a versioned key')
  const keyVersion = key.readInt16BE(0)
  if (keyVersion === 0 || keyVersion === 1) {
    const k = OffsetCommitKeySpec.read(new Reader(key, 2), keyVersion)
    return { type: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: value === null ? null : readVersioned(OffsetCommitValueSpec, value, 'offset commit value') }
  }
  if (keyVersion === GROUP_METADATA_KEY_VERSION) {
    const k = GroupMetadataKeySpec.read(new Reader(key, 2), keyVersion)
    return { type: 'group', group: k.group, value: value === null ? null : readVersioned(GroupMetadataValueSpec, value, 'group metadata value') }
  }
  return { type: 'other', keyVersion }
}

/**
 * Kafka's `Utils.abs(groupId.hashCode) % offsets.topic.num.partitions`: the
 * partition of `__consumer_offsets` whose leader coordinates the group. Uses
 * Java's String.hashCode (UTF-16 code units), so a group maps to the same
 * partition as on a Kafka broker.
 */
export function partitionForGroup(groupId: string, numPartitions: number): number {
  let h = 0
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(h, 31) + groupId.charCodeAt(i)) | 0
  return (h & 0x7fffffff) % numPartitions
}
